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

from helpers import make_workspace, run_cli
from svdiversion.core.forecasts import ForecastsFile
from svdiversion.core.models import (
    EQUALITY_COLUMNS,
    AreasFile,
    ContractFile,
    EpisodeRow,
    MeasureValue,
    Settings,
    SourceRow,
    TransactionRow,
    UnitCostsFile,
    WorkshopRow,
)
from svdiversion.load.header import TableSpec
from svdiversion.load.tables import read_table
from svdiversion.load.yamldoc import read_yaml

CORPUS = Path(__file__).parent / "corpus"
DEFAULT_ARGS = ("--as-of", "2025-03-31")


@dataclass(frozen=True)
class Case:
    folder: Path
    code: str
    args: tuple[str, ...]
    remove: tuple[str, ...]
    exit: int
    problems: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.folder.name


def read_case(folder: Path, default_args: tuple[str, ...] = DEFAULT_ARGS) -> Case:
    """A case of a corpus: ``<CODE>-<slug>/expected.txt`` and the files beside it."""
    args = default_args
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
        folder,
        folder.name.split("-")[0],
        args,
        tuple(remove),
        exit_code,
        tuple(problems),
    )


def read_corpus(corpus: Path, default_args: tuple[str, ...] = DEFAULT_ARGS) -> list[Case]:
    return [read_case(f, default_args) for f in sorted(corpus.iterdir()) if f.is_dir()]


CASES = read_corpus(CORPUS)


def build(case: Case, root: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    """The default workspace (with ``extra`` files) with the case's files laid over it."""
    make_workspace(root, extra=extra, omit=case.remove)
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


def problem_heads(text: str) -> list[str]:
    """The first line of every problem: ``path[:line[:col]]: CODE message``."""
    return [
        line for line in text.splitlines() if line and not line.startswith((" ", "svdiversion: "))
    ]


def codes_shown(case: Case) -> set[str]:
    """The code of each problem line of the case (the first code on the line)."""
    return {code for line in case.problems for code in re.findall(r": ([EW]\d{3}) ", line)[:1]}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, tmp_path: Path) -> None:
    root = build(case, tmp_path / "ws")
    before = fingerprint(root)

    code, out, _ = run_cli("-C", str(root), "check", *case.args)

    assert problem_heads(out) == list(case.problems)
    assert code == case.exit
    assert fingerprint(root) == before, "check must never modify an input file"
    hints = [line for line in out.splitlines() if line.startswith("  hint: ")]
    assert len(hints) == len(case.problems), "every problem says how to fix it"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_shows_its_code_only(case: Case) -> None:
    codes = codes_shown(case)
    if case.code == "OK":
        assert (codes, case.exit) == (set(), 0)
    else:
        assert codes == {case.code}
        expected_exit = 2 if case.code in {"E001", "E002"} else 1 if case.code[0] == "E" else 0
        assert case.exit == expected_exit


@pytest.mark.slow  # whole processes
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

    code, out, _ = run_cli("-C", str(root), "check", "--strict", *case.args)

    assert (case.exit, code) == (0, 1)
    assert problem_heads(out) == list(case.problems)


# ---------------------------------------------------------------- docs/ledger-format.md

FORMAT = Path(__file__).parent.parent / "docs" / "ledger-format.md"


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
        "forecasts": ForecastsFile,
    }
    examples = format_examples("yaml")
    assert len(examples) == 9
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
        "id,file,": TableSpec(SourceRow),
        "id,": TableSpec(TransactionRow),
        "episode_id,": TableSpec(
            EpisodeRow,
            extra=lambda n: MeasureValue if n in measures else EQUALITY_COLUMNS.get(n),
        ),
        "session_id,": TableSpec(WorkshopRow),
    }
    examples = format_examples("")
    tables = [e for e in examples if e.startswith(tuple(specs))]
    assert len(tables) == 4
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
    code, out, err = run_cli("-C", str(shipped), "check", "--as-of", "2026-03-31")
    assert (code, out) == (0, "")
    assert err == "0 errors, 0 warnings in 12 files\n"
