"""The transactions file split ahead while the command starts (``arrow_split.read_ahead``)
is taken by the loader only when it is the split the loader would make of the file as
it is now: the same ledger, problems and output as a load that splits it itself."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import run_cli
from svdiversion import arrow_split
from svdiversion.load import arrow_csv, load_workspace, tables
from svdiversion.synthetic import generate

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("args", "root"),
    [
        (["check"], "."),
        (["-C", "ws", "check", "--as-of", "2025-03-31"], "ws"),
        (["--dir", "ws", "burndown"], "ws"),
        (["--dir=ws", "export", "xlsx", "-o", "x.xlsx"], "ws"),
        (["-q", "-C", "ws", "areas"], "ws"),
        (["-C", "ws", "check", "-h"], None),
        (["-C", "ws", "areas", "--help"], None),
        (["--version"], None),
        (["--help"], None),
        (["-C", "ws"], None),
        ([], None),
        (["-C", "ws", "init"], None),
        (["generate", "--transactions", "10"], None),
        (["-C"], None),
    ],
)
def test_the_workspace_a_command_line_loads(args: list[str], root: str | None) -> None:
    assert arrow_split._workspace(args) == (None if root is None else Path(root))


@pytest.fixture
def small_is_large(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every file counts as large (split by pyarrow, read ahead), and no split read ahead
    is left behind for another test."""
    monkeypatch.setattr(arrow_split, "ARROW_MIN_BYTES", 0)
    monkeypatch.setattr(tables, "ARROW_MIN_BYTES", 0)
    yield
    arrow_split._ahead = None


@pytest.fixture
def splits(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The files the loader split itself."""
    done: list[Path] = []
    original = arrow_csv.split

    def spy(file: Path, plan: Any) -> Any:
        done.append(file)
        return original(file, plan)

    monkeypatch.setattr(arrow_csv, "split", spy)
    return done


def _workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    generate(root, transactions=400, episodes=60, seed=3)
    return root


def _loaded(root: Path) -> tuple[Any, list[Any]]:
    ledger, problems = load_workspace(root)
    assert ledger is not None
    return ledger.transactions, problems


def test_the_split_read_ahead_is_taken_and_loads_the_same_ledger(
    tmp_path: Path, small_is_large: None, splits: list[Path]
) -> None:
    root = _workspace(tmp_path)
    itself = _loaded(root)
    file = root / "ledger" / "transactions.csv"
    assert splits.count(file) == 1
    arrow_split.read_ahead(["-C", str(root), "check"])
    arrow_split.imported()
    ahead = _loaded(root)
    assert splits.count(file) == 1  # the loader took the split made ahead
    assert ahead[1] == itself[1]
    assert ahead[0].columns == itself[0].columns
    assert list(ahead[0].lines) == list(itself[0].lines)
    assert arrow_split._ahead is None  # handed over once


def test_a_file_changed_after_the_read_ahead_is_split_again(
    tmp_path: Path, small_is_large: None, splits: list[Path]
) -> None:
    root = _workspace(tmp_path)
    file = root / "ledger" / "transactions.csv"
    arrow_split.read_ahead(["-C", str(root), "check"])
    assert arrow_split._ahead is not None
    arrow_split._ahead.done.wait()
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    file.write_text("".join(lines[:-1]), encoding="utf-8")  # its last row removed
    table, _ = _loaded(root)
    assert splits.count(file) == 1
    assert len(table) == len(lines) - 2


def test_a_file_changed_while_it_is_read_ahead_is_not_taken(
    tmp_path: Path, small_is_large: None, splits: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _workspace(tmp_path)
    file = root / "ledger" / "transactions.csv"
    original = arrow_split.split

    def then_changed(path: Path, plan: Any) -> Any:
        table = original(path, plan)
        with path.open("a", encoding="utf-8") as handle:  # a row added meanwhile
            handle.write(file.read_text(encoding="utf-8").splitlines()[-1].replace("TX-", "TY-"))
            handle.write("\n")
        return table

    monkeypatch.setattr(arrow_split, "split", then_changed)
    rows = len(file.read_text(encoding="utf-8").splitlines()) - 1
    arrow_split.read_ahead(["-C", str(root), "check"])
    table, _ = _loaded(root)
    assert splits.count(file) == 1
    assert len(table) == rows + 1


def test_a_file_the_fast_path_declines_is_read_as_before(
    tmp_path: Path, small_is_large: None
) -> None:
    """A row of the wrong width: pyarrow cannot split the file, ahead or not; the csv
    module reads it and reports the row, as it would without a read-ahead."""
    root = _workspace(tmp_path)
    file = root / "ledger" / "transactions.csv"
    with file.open("a", encoding="utf-8") as handle:
        handle.write("TX-9999,2024-01-01,payment\n")
    expected = run_cli("-C", str(root), "check", "--as-of", "2026-06-30")
    assert expected.exit_code == 1
    assert ":402:1: E006 the row has 3 values but the header has 10" in expected.stdout
    arrow_split.read_ahead(["-C", str(root), "check"])
    assert run_cli("-C", str(root), "check", "--as-of", "2026-06-30") == expected


@pytest.mark.slow  # a 5 MB workspace and two processes
def test_the_command_reads_a_large_file_ahead_and_says_what_the_library_says(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    generate(root, transactions=30_000, episodes=300, seed=5)
    file = root / "ledger" / "transactions.csv"
    rows = file.read_text(encoding="utf-8").splitlines(keepends=True)
    rows[1234] = rows[1234].replace(",20", ",X20", 1)  # a bad date: a dictionary's value
    rows[2345] = rows[2345].replace(",TX-", ",TX_", 1)  # a reference still good
    file.write_text("".join(rows), encoding="utf-8")
    assert file.stat().st_size > arrow_split.ARROW_MIN_BYTES
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    said = {}
    for args in (["check", "--as-of", "2026-06-30"], ["burndown", "--format", "json"]):
        command = [sys.executable, "-m", "svdiversion", "-C", str(root), *args]
        found = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        said[args[0]] = (found.returncode, found.stdout, found.stderr)
        assert said[args[0]] == run_cli("-C", str(root), *args), args
    assert said["check"][0] == 1
    assert "ledger/transactions.csv:1235:10: E102 date" in said["check"][1]
