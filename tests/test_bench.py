"""The benchmark script runs end to end on a small workspace (the real one is 'make bench')."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_bench_runs_on_a_thousand_rows(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts/bench.py"),
            "--sizes",
            "1000",
            "--runs",
            "1",
            "--tool-runs",
            "1",
            "--cache",
            str(tmp_path / "cache"),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n")
    assert "- cores: " in text and "- python: " in text
    table = [line for line in text.splitlines() if line.startswith("| 1,000 | ")]
    tools = [line.split(" | ")[1] for line in table]
    assert tools[:3] == [
        "svdiversion check",
        "svdiversion burndown --format json",
        "svdiversion export journal",
    ]
    assert "svdiversion outcomes --format json (episodes)" in tools
    assert ("hledger bal -M" in tools) == (shutil.which("hledger") is not None)
    assert ("ledger bal" in tools) == (shutil.which("ledger") is not None)
    # The cached workspaces pass check: every svdiversion run above exited 0.
    cached = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir() if p.is_dir())
    assert cached == ["ep", "out", "tx"]
    assert "check --as-of 2026-06-30" in text
