"""docs/evaluation.md's "first hour" shows real output: each DuckDB query it shows is run
on an extract of the shipped ledger, and prints what the page says it prints."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest

from helpers import run_cli

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs/evaluation.md"


def shown_queries(text: str) -> list[tuple[str, str]]:
    """Each ``>>> duckdb.sql(...)`` of the page (with its ``...`` lines) and the output
    shown under it, to the end of its code block."""
    found = []
    for lines in _code_blocks(text):
        i = 0
        while i < len(lines):
            if not lines[i].startswith(">>> duckdb.sql("):
                i += 1
                continue
            source = [lines[i][4:]]
            i += 1
            while i < len(lines) and lines[i].startswith("... "):
                source.append(lines[i][4:])
                i += 1
            output = []
            while i < len(lines) and not lines[i].startswith(">>> "):
                output.append(lines[i])
                i += 1
            found.append(("\n".join(source), "\n".join(output)))
    return found


def _code_blocks(text: str) -> list[list[str]]:
    blocks: list[list[str]] = []
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            if current is None:
                current = []
            else:
                blocks.append(current)
                current = None
        elif current is not None:
            current.append(line)
    return blocks


@pytest.mark.slow  # an extract of the shipped ledger, then DuckDB
def test_every_duckdb_query_on_the_page_prints_what_it_shows(shipped: Path, tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    key = tmp_path / "evaluation.key"
    key.write_text("0" * 64 + "\n", encoding="utf-8")
    key.chmod(0o600)
    out = tmp_path / "extract-2025-03"
    code, _, err = run_cli(
        "-C", str(shipped), "export", "evaluation", "--out", str(out), "--key-file", str(key),
        "--as-of", "2025-03-31", "--by", "A. Analyst",
        "--recipient", "University evaluation team (illustrative)",
        "--purpose", "Interim evaluation report",
    )  # fmt: skip
    assert code == 0, err
    queries = shown_queries(DOC.read_text(encoding="utf-8"))
    assert len(queries) >= 2  # the cohorts (step 4) and the cost of delivery (step 5)
    here = Path.cwd()
    os.chdir(out)
    try:
        for source, shown in queries:
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                print(eval(source, {"duckdb": duckdb}))  # the page's own expression
            assert printed.getvalue().rstrip("\n") == shown.rstrip("\n"), source
    finally:
        os.chdir(here)
