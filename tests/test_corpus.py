"""The bad-input corpus: one folder per problem code, run through ``svdiversion check``.

Each ``tests/corpus/<CODE>-<slug>/`` holds the files that differ from the small valid
workspace of ``helpers.make_workspace`` (same paths: ``ledger/transactions.csv``...) and
an ``expected.txt``::

    # What the case shows.
    args: --as-of 2024-03-30          (optional; default --as-of 2025-03-31)
    remove: ledger/workshops.csv      (optional, repeatable: files left out)
    exit: 1
    ledger/transactions.csv:3:39: E401 a refund must be negative, got £200.00

The problem lines are exactly the first line of each problem ``check`` prints, in order.
``OK-*`` cases must pass with no problem at all.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import make_workspace
from svdiversion.checks.codes import CODES
from svdiversion.cli import app
from svdiversion.core.models import (
    AreasFile,
    ContractFile,
    EpisodeRow,
    MeasureValue,
    Settings,
    TransactionRow,
    UnitCostsFile,
    WorkshopRow,
)
from svdiversion.load.tables import TableSpec, read_table
from svdiversion.load.yamldoc import read_yaml

CORPUS = Path(__file__).parent / "corpus"
DOCS = Path(__file__).parent.parent / "docs" / "checks.md"
DEFAULT_ARGS = ("--as-of", "2025-03-31")


@dataclass(frozen=True)
class Case:
    name: str
    code: str
    args: tuple[str, ...]
    remove: tuple[str, ...]
    exit: int
    problems: tuple[str, ...]

    @property
    def folder(self) -> Path:
        return CORPUS / self.name


def read_case(folder: Path) -> Case:
    args: tuple[str, ...] = DEFAULT_ARGS
    remove: list[str] = []
    exit_code = None
    problems = []
    for line in (folder / "expected.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition(": ")
        if key == "args":
            args = tuple(value.split())
        elif key == "remove":
            remove.append(value)
        elif key == "exit":
            exit_code = int(value)
        else:
            problems.append(line)
    assert exit_code is not None, f"{folder.name}: expected.txt has no 'exit:' line"
    return Case(
        folder.name,
        folder.name.split("-")[0],
        args,
        tuple(remove),
        exit_code,
        tuple(problems),
    )


CASES = [read_case(folder) for folder in sorted(CORPUS.iterdir()) if folder.is_dir()]


def build(case: Case, root: Path) -> Path:
    """The default workspace with the case's files laid over it."""
    make_workspace(root, omit=case.remove)
    for file in case.folder.rglob("*"):
        if file.is_file() and file.name != "expected.txt":
            target = root / file.relative_to(case.folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
    return root


def fingerprint(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def problem_heads(stdout: str) -> list[str]:
    """The first line of every problem: ``path[:line[:col]]: CODE message``."""
    return [line for line in stdout.splitlines() if line and not line.startswith(" ")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    root = build(case, tmp_path / "ws")
    before = fingerprint(root)

    result = CliRunner().invoke(app, ["-C", str(root), "check", *case.args])

    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert problem_heads(result.stdout) == list(case.problems)
    assert result.exit_code == case.exit
    assert fingerprint(root) == before, "check must never modify an input file"
    hints = [line for line in result.stdout.splitlines() if line.startswith("  hint: ")]
    assert len(hints) == len(case.problems), "every problem says how to fix it"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_shows_its_code_only(case: Case) -> None:
    codes = {code for line in case.problems for code in re.findall(r": ([EW]\d{3}) ", line)[:1]}
    if case.code == "OK":
        assert (codes, case.exit) == (set(), 0)
    else:
        assert codes == {case.code}
        expected_exit = 2 if case.code in {"E001", "E002"} else 1 if case.code[0] == "E" else 0
        assert case.exit == expected_exit


@pytest.mark.parametrize("name", ["E002-windows-1252-csv", "OK-bom-crlf-blank-lines"])
def test_case_through_the_installed_command(name: str, tmp_path: Path) -> None:
    case = read_case(CORPUS / name)
    root = build(case, tmp_path / "ws")
    before = fingerprint(root)

    done = subprocess.run(
        [sys.executable, "-m", "svdiversion", "-C", str(root), "check", *case.args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )

    assert problem_heads(done.stdout) == list(case.problems)
    assert done.returncode == case.exit
    assert "Traceback" not in done.stderr
    assert fingerprint(root) == before


def test_warnings_fail_with_strict(tmp_path: Path) -> None:
    case = read_case(CORPUS / "W403-personal-text")
    root = build(case, tmp_path / "ws")

    result = CliRunner().invoke(app, ["-C", str(root), "check", "--strict", *case.args])

    assert (case.exit, result.exit_code) == (0, 1)
    assert problem_heads(result.stdout) == list(case.problems)


def documented_codes() -> list[str]:
    """Codes in the first column of the table in docs/checks.md."""
    return re.findall(r"^\| `?([EW]\d{3})`? \|", DOCS.read_text(encoding="utf-8"), re.MULTILINE)


def test_every_code_has_a_corpus_case_and_every_case_a_code() -> None:
    cased = {case.code for case in CASES if case.code != "OK"}
    assert sorted(cased) == sorted(CODES)


def test_every_code_is_documented_once_and_nothing_else_is() -> None:
    documented = documented_codes()
    assert sorted(documented) == sorted(CODES)
    assert len(documented) == len(set(documented))


def test_documented_severity_matches_the_code() -> None:
    rows = re.findall(
        r"^\| `?([EW]\d{3})`? \| (error|warning) \|", DOCS.read_text(encoding="utf-8"), re.M
    )
    assert len(rows) == len(CODES)
    for code, severity in rows:
        assert severity == ("warning" if code.startswith("W") else "error"), code


# ---------------------------------------------------------------- docs/ledger-format.md

FORMAT = DOCS.parent / "ledger-format.md"


def format_examples(info: str) -> list[str]:
    """The fenced blocks of docs/ledger-format.md whose info string is ``info``."""
    blocks: list[str] = []
    current: list[str] | None = None
    kind = ""
    for line in FORMAT.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("```") and current is None:
            current, kind = [], line[3:].strip()
        elif line.startswith("```"):
            if kind == info:
                blocks.append("".join(current or []))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def test_documented_yaml_examples_have_the_documented_shape(tmp_path: Path) -> None:
    models = {
        "areas": AreasFile,
        "service_name": Settings,
        "unit_costs": UnitCostsFile,
        "decisions": ContractFile,
        "variations": ContractFile,
    }
    examples = format_examples("yaml")
    assert len(examples) == 8
    for number, example in enumerate(examples):
        file = tmp_path / f"example{number}.yaml"
        file.write_text(example, encoding="utf-8")
        doc, problems = read_yaml(file, file.name)
        assert problems == [] and doc is not None, example
        model = next(m for key, m in models.items() if key in doc.data)
        model.model_validate(doc.data)


def test_documented_csv_examples_read_without_problems(tmp_path: Path) -> None:
    measures = {"risk_reduction", "increased_awareness", "positive_activity"}
    measures |= {"progress_key_areas", "entered_cjs"}
    specs = {
        "id,": TableSpec(TransactionRow),
        "episode_id,": TableSpec(
            EpisodeRow, extra=lambda n: MeasureValue if n in measures else None
        ),
        "session_id,": TableSpec(WorkshopRow),
    }
    examples = format_examples("")
    tables = [e for e in examples if e.startswith(tuple(specs))]
    assert len(tables) == 3
    for example in tables:
        file = tmp_path / "example.csv"
        file.write_text(example, encoding="utf-8")
        spec = next(spec for start, spec in specs.items() if example.startswith(start))
        table, problems = read_table(file, "example.csv", spec)
        assert problems == [] and table is not None and len(table) >= 3, example


def test_documented_extension_and_variation_pass_check(shipped: Path) -> None:
    added = 0
    for example in format_examples("yaml"):
        named = re.match(r"# (ledger/contract\.d/\S+\.yaml)", example)
        if named:
            target = shipped / named[1]
            target.parent.mkdir(exist_ok=True)
            target.write_text(example, encoding="utf-8")
            added += 1
    assert added == 4
    result = CliRunner().invoke(app, ["-C", str(shipped), "check", "--as-of", "2026-03-31"])
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "0 errors, 0 warnings in 10 files\n"
