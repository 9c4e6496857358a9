"""Hostile and broken input: each case here once gave a traceback, a wrong location, a
live formula, a terminal escape or unbounded time. Each now gets a located problem (or
inert output) and an exit code of 0, 1 or 2."""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from pathlib import Path

import pytest

from helpers import run_cli, run_unprivileged
from svdiversion.render.cells import CsvWriter

AS_OF = "2025-03-31"
TRANSACTIONS = "ledger/transactions.csv"


def rows(root: Path) -> list[list[str]]:
    with (root / TRANSACTIONS).open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(root: Path, table: list[list[str]]) -> None:
    """The rows as valid CSV: every value with a comma, quote, CR or LF quoted."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    for row in table:
        writer.writerow(row)
    (root / TRANSACTIONS).write_bytes(buffer.getvalue().encode("utf-8"))


def set_cell(root: Path, row: int, column: str, value: str) -> None:
    table = rows(root)
    table[row][table[0].index(column)] = value
    write_rows(root, table)


def check_json(root: Path) -> tuple[int, str, str]:
    return run_cli("-C", str(root), "check", "--as-of", AS_OF, "--format", "json")


# ---------------------------------------------------------------------- 4. CSV injection


def test_a_carriage_return_before_a_formula_stays_inside_its_quoted_field(
    tmp_path: Path, shipped: Path
) -> None:
    """A bare CR ended the record in readers that take CR as a line break, so the next
    'record' began with a live formula. Every field with CR or LF is quoted now, and a
    formula behind leading control characters is made inert."""
    set_cell(shipped, 1, "description", "\r=cmd|' /C calc'!A0")
    code, _, err = run_cli("-C", str(shipped), "export", "csv", "--as-of", AS_OF, "--out", "out")
    assert code == 0, err
    data = (Path("out") / "transactions.csv").read_bytes()
    assert b",\"'\r=cmd|' /C calc'!A0\"," in data  # quoted whole, made inert
    with (Path("out") / "transactions.csv").open(newline="", encoding="utf-8") as handle:
        exported = list(csv.DictReader(handle))
    assert exported[0]["description"] == "'\r=cmd|' /C calc'!A0"
    assert all(not row["id"].startswith(("=", "+", "-", "@")) for row in exported)


@pytest.mark.parametrize("text", ["\t=1+1", " =1+1", "\x00@SUM(A1)", "\u00a0+1"])
def test_a_formula_after_spaces_or_control_characters_is_inert(text: str) -> None:
    from svdiversion.render.cells import inert

    assert inert(text) == "'" + text


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


# ---------------------------------------------------------------------- 5. terminal escapes


def test_escape_sequences_in_a_field_are_shown_escaped_in_the_excerpt(shipped: Path) -> None:
    hostile = "12x\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\u202e"
    set_cell(shipped, 1, "amount", hostile)
    code, err, _ = run_cli("-C", str(shipped), "check", "--as-of", AS_OF)
    assert code == 1
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    excerpt = next(line for line in err.splitlines() if line.startswith("  2 | "))
    caret = err.splitlines()[err.splitlines().index(excerpt) + 1]
    assert "12x\\x1b]52;c;ZWNobyBoaQ==\\x07\\x1b[2J\\u202e" in excerpt
    assert excerpt.index("12x") == caret.index("^")


def test_a_very_long_line_is_cut_around_the_column(shipped: Path) -> None:
    set_cell(shipped, 1, "description", "x" * 400)
    set_cell(shipped, 1, "tranche", "NOT-A-TRANCHE")
    code, err, _ = run_cli("-C", str(shipped), "check", "--as-of", AS_OF)
    assert code == 1
    excerpt = next(line for line in err.splitlines() if line.startswith("  2 | "))
    assert len(excerpt) < 200
    assert excerpt.endswith("NOT-A-TRANCHE")
    caret = err.splitlines()[err.splitlines().index(excerpt) + 1]
    assert excerpt[caret.index("^") :].startswith("NOT-A-TRANCHE")


# ---------------------------------------------------------------------- 6. deep YAML


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("config/settings.yaml", "deep: " + "[" * 600 + "]" * 600 + "\n"),
        ("ledger/closes.yaml", "closes: " + "[" * 5000 + "\n"),
        ("ledger/contract.yaml", "- " * 5000 + "x\n"),
        ("config/areas.yaml", "a:\n" + "".join(" " * i + "b:\n" for i in range(1, 800))),
    ],
    ids=["flow", "unclosed", "compact-block", "indented"],
)
def test_yaml_nested_too_deep_is_a_located_problem(shipped: Path, name: str, text: str) -> None:
    (shipped / name).write_text(text, encoding="utf-8")
    code, out, err = check_json(shipped)
    assert code in (1, 2), err
    assert "Traceback" not in err
    problems = json.loads(out)["problems"]
    deep = [p for p in problems if "more than 64 levels deep" in p["message"]]
    assert [p["path"] for p in deep] == [name]
    assert deep[0]["line"] is not None


# ---------------------------------------------------------------------- 7. optional column


@pytest.mark.slow  # a close and a check
def test_transactions_without_the_tranche_column_and_a_closed_month(shipped: Path) -> None:
    """The optional column left out: a closed month's digest reads it as empty."""
    write_rows(shipped, [row[:-1] for row in rows(shipped)])  # tranche is the last column
    assert rows(shipped)[0][-1] == "description"
    code, _, err = run_cli("-C", str(shipped), "close", "--month", "2024-09", "--by", "T")
    assert code == 0, err
    for args in (
        ("check", "--as-of", AS_OF),
        ("burndown", "--as-of", AS_OF, "-f", "json"),
        ("report", "--as-of", AS_OF, "-f", "json"),
        ("export", "csv", "--as-of", AS_OF, "--out", "return"),
        ("close", "--month", "2024-10", "--by", "T"),
        ("reopen", "--month", "2024-09", "--by", "T", "--reason", "late credit note"),
    ):
        code, _, err = run_cli("-C", str(shipped), *args)
        assert code == 0, (args, err)


# ---------------------------------------------------------------------- 8. unreadable folders


@pytest.mark.parametrize("folder", ["config", "ledger", "ledger/contract.d"])
def test_a_folder_that_cannot_be_listed_is_exit_2_e002(
    shipped: Path, folder: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Permission denied is simulated: tests run as root, who reads every folder (the
    test after this one runs a process that file permissions bind)."""
    import os

    (shipped / "ledger" / "contract.d").mkdir(exist_ok=True)
    denied = (shipped / folder).resolve()
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)).resolve() == denied:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    code, err, _ = run_cli("-C", str(shipped), "check", "--as-of", AS_OF)
    assert code == 2
    assert f"{folder}/: E002 cannot read folder: permission denied" in err


def test_an_unreadable_contract_d_in_a_process_bound_by_permissions(shipped: Path) -> None:
    extra = shipped / "ledger" / "contract.d"
    extra.mkdir()
    extra.chmod(0o000)
    done = run_unprivileged("-C", str(shipped), "check")
    extra.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert "ledger/contract.d/: E002 cannot read folder: permission denied" in done.stdout


# ---------------------------------------------------------------------- 10-11. bounded


@pytest.mark.slow  # 4 MB of blank lines: the size is the point
def test_megabytes_of_trailing_blank_lines_are_never_parsed_by_pyarrow(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over the pyarrow threshold, blank lines made pyarrow validate millions of empty
    rows (11 s, 3 GB) before giving up; such a file now goes to the csv reader at once.
    The bound is on the work, not the clock: pyarrow parses nothing of the file."""
    import pyarrow.csv as pcsv

    parsed: list[object] = []
    read_csv = pcsv.read_csv

    def counted(source: object, *args: object, **kwargs: object) -> object:
        parsed.append(source)
        return read_csv(source, *args, **kwargs)

    monkeypatch.setattr(pcsv, "read_csv", counted)
    with (shipped / TRANSACTIONS).open("a") as handle:
        handle.write("\n" * 4_200_000)
    code, _, err = check_json(shipped)
    # Other files may be read by pyarrow once it is loaded; this one never is.
    assert code == 0, err
    assert [s for s in parsed if Path(str(s)).name == Path(TRANSACTIONS).name] == []


@pytest.mark.slow  # a million columns: the size is the point
def test_a_header_with_a_million_columns_is_refused_up_front(shipped: Path) -> None:
    table = rows(shipped)
    table[0] += [f"x{i}" for i in range(1_000_000)]
    (shipped / TRANSACTIONS).write_text(",".join(table[0]) + "\n", encoding="utf-8")
    code, out, _ = check_json(shipped)
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["code"], p["line"], p["message"]) for p in problems] == [
        ("E008", 1, "the header has 1,000,010 columns; a ledger file has at most 256")
    ]


@pytest.mark.parametrize(
    ("name", "size", "limit"),
    [(TRANSACTIONS, 600 * 2**20, "512.0 MiB"), ("ledger/contract.yaml", 2**30, "8.0 MiB")],
)
def test_an_over_limit_file_is_refused_before_it_is_read(
    shipped: Path, name: str, size: int, limit: str
) -> None:
    with (shipped / name).open("r+b") as handle:
        handle.truncate(size)  # sparse: no disk used, and nothing to parse if it were read
    tracemalloc.start()
    try:
        code, err, _ = run_cli("-C", str(shipped), "check", "--as-of", AS_OF)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert code == 2
    assert f"{name}: E002 the file is" in err
    assert f"is read up to {limit}" in err
    assert peak < 64 * 2**20  # the bound is on the work: not a byte of the file was held


def test_a_device_or_pipe_as_a_ledger_file_is_refused_without_opening_it(
    shipped: Path,
) -> None:
    import os

    (shipped / TRANSACTIONS).unlink()
    os.mkfifo(shipped / TRANSACTIONS)  # opening it would wait for a writer forever
    code, err, _ = run_cli("-C", str(shipped), "check", "--as-of", AS_OF)
    assert code == 2
    assert f"{TRANSACTIONS}: E002 cannot read file: it is a device or a pipe, not a file" in err


def test_repeated_problems_are_capped_per_code_and_file_with_a_count(shipped: Path) -> None:
    table = rows(shipped)
    width = len(table[0])
    table += [[f"TX-X{i}", *(["2024-13-01"] + [""] * (width - 2))] for i in range(500)]
    write_rows(shipped, table)
    code, out, _ = check_json(shipped)
    assert code == 1
    problems = json.loads(out)["problems"]
    e102 = [p for p in problems if p["code"] == "E102"]
    assert len(e102) == 201
    assert e102[-1]["message"] == "... and 300 more E102 problems in this file, not shown"


# ---------------------------------------------------------------------- 12-13. locations


def test_a_control_character_in_yaml_is_located_without_parser_internals(shipped: Path) -> None:
    path = shipped / "ledger" / "contract.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[9] += " \x07"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, err, _ = run_cli("-C", str(shipped), "check", "--as-of", AS_OF)
    assert code == 1
    first = err.splitlines()[0]
    assert first == (
        f"ledger/contract.yaml:10:{len(lines[9])}: E003 YAML does not allow the control "
        "character U+0007 here"
    )
    assert "<unicode string>" not in err and "position" not in err


def test_a_fault_after_a_quoted_bare_cr_is_located_on_its_own_line(shipped: Path) -> None:
    set_cell(shipped, 2, "description", "Steer\rClear")
    set_cell(shipped, 4, "amount", "12x")
    code, err, _ = run_cli("-C", str(shipped), "check", "--as-of", AS_OF)
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == "ledger/transactions.csv:5:55: E103 amount: not a plain decimal amount " + (
        "(got '12x')"
    )
    assert lines[1].startswith("  5 | TX-00004,")
    assert lines[2].index("^") == lines[1].index("12x")


# ---------------------------------------------------------------------- 14. accepted junk


def test_a_nul_byte_in_a_text_field_is_an_error(shipped: Path) -> None:
    set_cell(shipped, 3, "description", "Steer\x00Clear")
    code, out, _ = check_json(shipped)
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["code"], p["line"], p["message"]) for p in problems] == [
        ("E006", 4, "a NUL byte in the row: the file looks damaged")
    ]


def test_a_header_name_with_a_leading_space_is_an_error(shipped: Path) -> None:
    table = rows(shipped)
    table[0][5] = " amount"
    write_rows(shipped, table)
    code, out, _ = check_json(shipped)
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["code"], p["line"], p["column"], p["message"]) for p in problems] == [
        ("E008", 1, 31, "column ' amount' has spaces around its name")
    ]


@pytest.mark.parametrize("amount", ["12345678901234567890", "10000000000.00", "-99999999999"])
def test_an_amount_no_budget_could_hold_is_e103(shipped: Path, amount: str) -> None:
    set_cell(shipped, 1, "amount", amount)
    code, out, _ = check_json(shipped)
    assert code == 1
    problems = json.loads(out)["problems"]
    assert [(p["code"], p["line"]) for p in problems] == [("E103", 2)]
    assert "at most 10 digits before the decimal point" in problems[0]["message"]


# ---------------------------------------------------------------------- the documented limits


def test_docs_reliability_states_the_limits_the_code_enforces() -> None:
    """The limits table in docs/reliability.md is the code's, value for value."""
    from svdiversion.core.money import MAX_WHOLE_DIGITS
    from svdiversion.load import limits, yamldoc

    doc = (Path(__file__).parent.parent / "docs" / "reliability.md").read_text()
    rows = {
        "a CSV file": f"{limits.MAX_CSV_BYTES // 2**20} MiB",
        "a YAML file": f"{limits.MAX_YAML_BYTES // 2**20} MiB",
        "columns of a CSV header": str(limits.MAX_COLUMNS),
        "YAML nesting": f"{yamldoc.MAX_DEPTH} levels",
        "YAML aliases and values": (f"{yamldoc.MAX_ALIASES} aliases, {yamldoc.MAX_NODES:,} values"),
        "problems shown per code and file": str(limits.MAX_PROBLEMS_PER_CODE),
        "an amount": f"{MAX_WHOLE_DIGITS} digits of pounds",
    }
    for name, value in rows.items():
        assert f"| {name} | {value}" in doc, name


# ---------------------------------------------------------------------- the same class elsewhere


def test_a_pipe_given_as_the_finance_export_is_refused_without_opening_it(
    tmp_path: Path, shipped: Path
) -> None:
    import os

    fifo = tmp_path / "payments.csv"
    os.mkfifo(fifo)
    code, _, err = run_cli(
        "-C", str(shipped), "reconcile", "--month", "2024-09", "--payments", str(fifo)
    )
    assert code == 2
    assert "E601 cannot read file: it is a device or a pipe, not a file" in err


def test_an_endless_key_file_is_refused(tmp_path: Path, shipped: Path) -> None:
    code, _, err = run_cli(
        "-C", str(shipped), "export", "evaluation", "--out", str(tmp_path / "x"),
        "--key-file", "/dev/zero", "--recipient", "U", "--purpose", "P", "--by", "T",
    )  # fmt: skip
    assert code == 2
    assert "the key file /dev/zero is over 4096 bytes" in err
    assert not (tmp_path / "x").exists()
