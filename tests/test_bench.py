"""The benchmark script runs end to end on a small workspace (the real one is 'make bench')."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from helpers import run_cli
from svdiversion.synthetic import generate

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow  # the benchmark script and whole processes


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
            "--baseline",
            "",
            "--skip",
            "disclosure-audit",  # seconds a run, on the sparse thousand episodes too
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Performance\n")
    assert "outcomes --format json, published (shipped ledger)" in text
    assert "disclosure-audit" not in text  # --skip
    assert "- cores: " in text and "- python: " in text
    table = [line for line in text.splitlines() if line.startswith("| 1,000 | ")]
    tools = [line.split(" | ")[1] for line in table]
    assert tools[:4] == [
        "svdiversion check",
        "svdiversion check (rows shuffled)",
        "svdiversion burndown --format json",
        "svdiversion export journal",
    ]
    assert "svdiversion outcomes --format json (episodes)" in tools
    assert ("hledger bal -M" in tools) == (shutil.which("hledger") is not None)
    assert ("ledger bal" in tools) == (shutil.which("ledger") is not None)
    # The cached workspaces pass check: every svdiversion run above exited 0.
    cached = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir() if p.is_dir())
    assert cached == ["ep", "out", "tx", "tx"]  # tx-N and tx-N-shuffled
    assert "check --as-of 2026-06-30" in text


def test_a_whole_process_flushes_its_output_and_keeps_its_exit_code(tmp_path: Path) -> None:
    """What the benchmark times is the whole process, which ends without tearing the
    interpreter down (``__main__._exit``): its output must still arrive whole, as the
    command gives it in process, and its exit code must be the command's."""
    generate(tmp_path / "ws", transactions=3_000, episodes=300, seed=1)
    args = ["-C", str(tmp_path / "ws"), "export", "journal", "--as-of", "2026-06-30"]
    in_process = run_cli(*args)
    assert in_process.exit_code == 0
    assert in_process.stdout.count("\n") > 9_000  # three lines and a blank per transaction
    done = subprocess.run(
        [sys.executable, "-m", "svdiversion", *args], capture_output=True, check=False
    )
    assert (done.returncode, done.stdout.decode("utf-8")) == (0, in_process.stdout)
    with (tmp_path / "out.journal").open("wb") as handle:
        again = subprocess.run(
            [sys.executable, "-m", "svdiversion", *args], stdout=handle, check=False
        )
    assert again.returncode == 0
    assert (tmp_path / "out.journal").read_bytes() == done.stdout
    (tmp_path / "ws/ledger/transactions.csv").write_text("id\n", encoding="utf-8")
    failed = subprocess.run(
        [sys.executable, "-m", "svdiversion", "-C", str(tmp_path / "ws"), "check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stdout.startswith("ledger/transactions.csv:1:1: E007 ")


def test_only_some_commands_are_measured_again_and_the_rest_kept(tmp_path: Path) -> None:
    """``--only WORDS`` times the commands whose name holds the words and puts their rows
    into the document, every other row as it was."""
    out = tmp_path / "performance.md"
    before = (REPO / "docs/performance.md").read_text(encoding="utf-8")
    out.write_text(before, encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts/bench.py"),
            "--only",
            "export xlsx",
            "--sizes",
            "1000",
            "--runs",
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
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    old = [line for line in before.splitlines() if line.startswith("| ")]
    assert next(r for r in rows if r.startswith("| 1,000 | ")).startswith(
        "| 1,000 | svdiversion export xlsx | "
    )
    kept = [r for r in old if " | svdiversion check | " in r]
    assert kept and all(r in rows for r in kept)
    assert "- 'export xlsx' rows measured: " in text
    assert "(`scripts/bench.py --only 'export xlsx' --runs 1`)" in text
    assert "export xlsx --as-of 2026-06-30" in text
    # The runs of the rows kept are still said as they were, not the one run of these.
    [runs] = [line for line in before.splitlines() if line.startswith("- runs per command")]
    assert runs in text.splitlines()


def test_the_previous_release_is_timed_beside_this_one(tmp_path: Path) -> None:
    """With --baseline, each command is run a second time from that commit's source (here
    HEAD, so the two are the same code) and the table pairs them with their ratio."""
    out = tmp_path / "performance.md"
    shutil.copy(REPO / "docs/performance.md", out)
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts/bench.py"),
            "--runs",
            "1",
            "--cache",
            str(tmp_path / "cache"),
            "--out",
            str(out),
            "--only",
            "svdiversion --version",
            "--baseline",
            "HEAD",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    assert "| - | svdiversion --version [previous release] | " in text
    section = text.split("## Against the previous release", 1)[1].split("\n## ", 1)[0]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| - |")]
    assert [row[1] for row in rows] == ["svdiversion --version"]
    assert float(rows[0][4].split()[0].rstrip(" |")) > 0
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    assert f"- previous release: {head} (`--baseline HEAD`)" in text
    assert (tmp_path / "cache" / f"baseline-{head}" / "src" / "svdiversion").is_dir()


def test_only_takes_several_words_separated_by_a_bar(tmp_path: Path) -> None:
    """``--only 'A|B'`` times the commands whose name holds A and those whose name holds B
    (a row and the peer it is compared with are measured in one run)."""
    out = tmp_path / "performance.md"
    shutil.copy(REPO / "docs/performance.md", out)
    words = "svdiversion --version|check (shipped workspace)"
    result = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts/bench.py"),
            *("--runs", "1", "--sizes", "1000", "--cache", str(tmp_path / "cache")),
            *("--out", str(out), "--only", words, "--baseline", ""),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    timed = [
        line.split(" median ")[0].split(maxsplit=1)[1].strip()
        for line in (result.stdout + result.stderr).splitlines()
        if " median " in line
    ]
    assert timed == ["svdiversion --version", "svdiversion check (shipped workspace)"]
    assert f"- '{words}' rows measured: " in out.read_text(encoding="utf-8")


def test_rows_kept_by_only_keep_their_exact_medians(tmp_path: Path) -> None:
    """A ratio between rows an ``--only`` run keeps is the ratio their run measured, not one
    worked out again from their seconds as the table rounds them."""
    bench = _bench_module()
    now, before = "svdiversion --version", "svdiversion --version" + bench.BEFORE
    first = [bench.Timing(0, now, 0, [0.01849]), bench.Timing(0, before, 0, [0.01651])]
    info = {"date": "2026-12-07", "previous release": "abc1234", "commit": "def5678"}
    out = tmp_path / "performance.md"
    out.write_text(bench.report(first, info, [], 1), encoding="utf-8")
    fresh = [bench.Timing(0, "svdiversion check (shipped workspace)", 0, [0.25])]
    timings, merged_info, sizes = bench.merged(out, fresh, info, "shipped", 1.0, 1)
    again = bench.report(timings, merged_info, sizes, 1)
    section = again.split("## Against the previous release", 1)[1].split("\n## ", 1)[0]
    [row] = [line for line in section.splitlines() if line.startswith(f"| - | {now} | ")]
    assert row.endswith("| 0.018 | 0.017 | 1.12 slower |"), row  # 0.018 / 0.017 is 1.06
    assert sizes == []  # no row at a size: no size's line of n/a


def test_an_empty_word_of_only_selects_nothing_by_itself() -> None:
    bench = _bench_module()
    assert bench.asked("ledger bal|", "ledger bal")
    assert not bench.asked("ledger bal|", "svdiversion check")
    assert bench.asked("|", "svdiversion check")  # no word at all: every command


def _bench_module() -> Any:
    """scripts/bench.py as a module (it is a script, not part of the package)."""
    spec = importlib.util.spec_from_file_location("bench", REPO / "scripts/bench.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = bench  # its dataclasses look their module up
    spec.loader.exec_module(bench)
    return bench
