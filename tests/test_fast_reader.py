"""The pyarrow fast path of the table reader gives exactly what the plain reader gives:
the same rows, values, line numbers and problems, or it declines and the plain reader
reads the file. Each case reads one file both ways and compares."""

from __future__ import annotations

from pathlib import Path

import pytest

from svdiversion.load import arrow_csv, tables
from svdiversion.load.tables import Table, TableSpec, read_table
from svdiversion.models import EpisodeRow, MeasureValue, TransactionRow
from svdiversion.problems import Problem
from svdiversion.synthetic import generate

HEADER = "id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche"
GOOD = "TX-1,2023-09-30,payment,delivery,north,200.5,INV-1,Provider,September,T1"
SPEC = TableSpec(TransactionRow, pence_from="amount")


def both_ways(
    path: Path, spec: TableSpec, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[Table | None, list[Problem]], tuple[Table | None, list[Problem]], bool]:
    """(plain result, fast result, whether the fast path answered)."""
    monkeypatch.setattr(tables, "ARROW_MIN_BYTES", 1 << 62)
    plain = read_table(path, "t.csv", spec)
    answered: list[bool] = []
    original = arrow_csv.read_rows

    def spy(*args: object) -> object:
        found = original(*args)  # type: ignore[arg-type]
        answered.append(found is not None)
        return found

    monkeypatch.setattr(tables, "ARROW_MIN_BYTES", 0)
    monkeypatch.setattr(arrow_csv, "read_rows", spy)
    fast = read_table(path, "t.csv", spec)
    return plain, fast, answered == [True]


def same(a: tuple[Table | None, list[Problem]], b: tuple[Table | None, list[Problem]]) -> None:
    (table_a, problems_a), (table_b, problems_b) = a, b
    assert problems_a == problems_b
    assert (table_a is None) == (table_b is None)
    if table_a is not None and table_b is not None:
        assert table_a.header == table_b.header
        assert list(table_a.lines) == list(table_b.lines)
        assert table_a.columns == table_b.columns


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "t.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_clean_file_is_read_fast_with_pence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [GOOD, "TX-2,2023-10-01,refund,delivery,,-12,CN-1,Provider,Credit,"]
    plain, fast, answered = both_ways(
        write(tmp_path, "\n".join([HEADER, *rows]) + "\n"), SPEC, monkeypatch
    )
    assert answered
    same(plain, fast)
    table = fast[0]
    assert table is not None
    assert table.column("pence") == [20050, -1200]
    assert table.column("area") == ["north", None]
    assert list(table.lines) == [2, 3]


def test_bad_values_give_the_same_problems_and_drop_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        GOOD,
        "TX 2,2023-02-30,payment,delivery,north,£5.00,INV-2,Provider,Bad,T1",
        "TX-3,2023-10-01,gift,delivery,north,1.234,INV-3,Provider,Bad kind,",
        "TX-4,23/10/2023,payment,bad line!,north,5,INV-4,Provider,Bad,",
        "TX-5,2023-10-01,payment,delivery,north,5,INV-5,Provider,Good,",
    ]
    plain, fast, answered = both_ways(
        write(tmp_path, "\n".join([HEADER, *rows]) + "\n"), SPEC, monkeypatch
    )
    same(plain, fast)
    table = plain[0]
    assert table is not None and list(table.lines) == [2, 6]
    # A bad amount cannot become pence: the fast path hands the file to the plain reader.
    assert not answered


def test_bad_values_other_than_amounts_are_located_by_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        GOOD,
        "TX 2,2023-02-30,payment,delivery,north,5.00,INV-2,Provider,Bad,T1",
        "TX-3,2023-10-01,gift,delivery,north,1.23,INV-3,Provider,Bad kind,",
        "TX-4,23/10/2023,payment,bad line!,north,5,INV-4,Provider,Bad,",
    ]
    plain, fast, answered = both_ways(
        write(tmp_path, "\n".join([HEADER, *rows]) + "\n"), SPEC, monkeypatch
    )
    assert answered
    same(plain, fast)
    assert [(p.line, p.column, p.code) for p in fast[1]] == [
        (3, 1, "E101"),
        (3, 2, "E102"),
        (5, 2, "E102"),
        (4, 3, "E101"),
        (5, 4, "E101"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        HEADER + "\n" + GOOD.replace("September", '"Sept, Oct"') + "\n",  # quoting
        HEADER + "\n" + GOOD + "\n\n" + GOOD.replace("TX-1", "TX-2") + "\n",  # blank line
        HEADER + "\n" + GOOD + ",extra\n",  # wrong width
        HEADER + "\n" + GOOD.replace("Provider", "Pro\x00vider") + "\n",  # NUL
        (HEADER + "\n" + GOOD + "\n").encode("utf-8").replace(b"Provider", b"Pr\xa3vider"),
        "\n" + HEADER + "\n" + GOOD + "\n",  # header not on line 1
    ],
    ids=["quotes", "blank-line", "width", "nul", "not-utf8", "late-header"],
)
def test_files_the_fast_path_declines_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes
) -> None:
    plain, fast, _ = both_ways(write(tmp_path, text), SPEC, monkeypatch)
    same(plain, fast)


def test_crlf_bom_and_no_final_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\ufeff" + HEADER + "\r\n" + GOOD + "\r\n" + GOOD.replace("TX-1", "TX-2")
    plain, fast, answered = both_ways(write(tmp_path, text), SPEC, monkeypatch)
    assert answered
    same(plain, fast)


def test_episodes_with_measure_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path / "ws", transactions=0, episodes=3_000, seed=9)
    spec = TableSpec(
        EpisodeRow,
        extra=lambda name: MeasureValue if name != "risk_reduction" else None,
        unknown_code="E203",
    )
    plain, fast, answered = both_ways(tmp_path / "ws/ledger/outcomes.csv", spec, monkeypatch)
    assert answered
    same(plain, fast)
    assert [p.code for p in plain[1]] == ["E203"]


def test_a_synthetic_ledger_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path / "ws", transactions=30_000, episodes=0, seed=4)
    path = tmp_path / "ws/ledger/transactions.csv"
    plain, fast, answered = both_ways(path, SPEC, monkeypatch)
    assert answered
    same(plain, fast)
