"""The benchmark behind docs/performance.md: svdiversion beside hledger and ledger-cli.

    python scripts/bench.py                                   # what 'make bench' runs
    python scripts/bench.py --sizes 1000 --runs 1 --out /tmp/perf.md

For each size N it makes (once, cached under .bench/) two synthetic workspaces with
'svdiversion generate': ``tx-N`` with N transactions (and N/10 episodes) and ``ep-N``
with N episodes (and N/10 transactions), ``tx-N-shuffled``, tx-N with its transaction
rows in a random order (ids no longer increasing), and the journal of ``tx-N`` with
'svdiversion export journal'. Then, in the same run, it times every command several
times as a whole process (start-up included): 'check' and 'burndown --format json' on
tx-N, 'check' on tx-N-shuffled, 'outcomes --format json' on ep-N, 'export xlsx' on tx-N,
and, where installed, 'hledger -f J bal -M', 'hledger -f J check'
and 'ledger -f J bal' on the same transactions. Medians come from hyperfine when it is
installed, otherwise from this script's own runs; peak memory is the child's maximum
resident set (wait4). The table, the ratios and the machine go to docs/performance.md.

    python scripts/bench.py --only 'export xlsx' --sizes 100000,1000000

times only the commands whose name contains the words (or one of several separated by
``|``: ``--only 'svdiversion check|ledger bal'``) and puts their rows into the existing
docs/performance.md, leaving the others as they were measured (the machine
section says when and at which commit each part was measured).

    python scripts/bench.py --baseline 29ffffa      # the default: PREVIOUS_RELEASE

times every svdiversion command a second time with the source of the previous release
(``git archive`` of its ``src/`` under .bench/, run by the same interpreter and
virtualenv, PYTHONPATH first), in the same run, interleaved with the current one, and
writes both medians and their ratio ("Against the previous release"). A command the
previous release does not have is left out of that table. ``--baseline ''`` skips it.
"""

from __future__ import annotations

import argparse
import compileall
import datetime
import hashlib
import json
import multiprocessing
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-30"  # after every synthetic contract ends
DEFAULT_SIZES = (10_000, 100_000, 200_000, 1_000_000)
COMPARE_AT = 200_000
PREVIOUS_RELEASE = "29ffffa"
"""The release the figures are compared with; moved on at each release."""
SLOWER = 1.10  # a command this much slower than the previous release is named
TARGETS = {
    "check_1m_s": 3.0,
    "burndown_1m_s": 3.0,
    "peak_1m_mb": 500.0,
    "outcomes_1m_s": 4.0,
    "version_s": 0.150,
    "shipped_check_s": 0.400,
    "vs_hledger": 15.0,  # hledger bal -M, at 200,000 rows
    "vs_ledger": 3.0,  # ledger bal, at 200,000 rows
    "vs_ledger_1m": 10.0,  # ledger bal against check, at 1,000,000 rows
    "xlsx_100k_s": 4.0,
    "xlsx_100k_mb": 250.0,
}


@dataclass
class Timing:
    size: int
    tool: str
    rows: int
    seconds: list[float] = field(default_factory=list)
    peak_mb: float = 0.0
    exact: str = ""
    line: str = ""
    """The row as an earlier run wrote it, for a row kept as it was (--only)."""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.median if self.rows and self.median else 0.0


# ------------------------------------------------------------------------ processes


def svdiversion() -> list[str]:
    script = Path(sys.executable).with_name("svdiversion")
    return [str(script)] if script.exists() else [sys.executable, "-m", "svdiversion"]


def run_once(
    argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> tuple[float, float, int, str]:
    """Wall seconds, peak resident MB, exit code and stderr of one run."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, cwd=cwd, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        message = err.read().decode("utf-8", "replace")
    return elapsed, usage.ru_maxrss / 1024, process.returncode, message


def hyperfine(
    argv: list[str], runs: int, cwd: Path | None, env: dict[str, str] | None = None
) -> list[float] | None:
    if shutil.which("hyperfine") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "h.json"
        subprocess.run(
            [
                "hyperfine",
                "--runs",
                str(runs),
                "--shell=none",
                "--style",
                "none",
                "--export-json",
                str(report),
                subprocess.list2cmdline(argv),
            ],
            check=True,
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        times: list[float] = json.loads(report.read_text())["results"][0]["times"]
    return times


def measure(
    size: int,
    tool: str,
    argv: list[str],
    rows: int,
    runs: int,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Timing:
    """One run for peak memory (and as a warm-up), then ``runs`` timed runs."""
    seconds, peak, code, message = run_once(argv, cwd, env)
    if code != 0:
        raise SystemExit(f"bench: {' '.join(argv)} exited {code}:\n{message}")
    timing = Timing(size, tool, rows, peak_mb=peak)
    timed = hyperfine(argv, runs, cwd, env)
    if timed is None:
        timed = [seconds]
        for _ in range(runs - 1):
            seconds, peak, _, _ = run_once(argv, cwd, env)
            timed.append(seconds)
            timing.peak_mb = max(timing.peak_mb, peak)
    timing.seconds = timed
    timing.exact = subprocess.list2cmdline(argv)
    if env is not None and "PYTHONPATH" in env:
        timing.exact = f"PYTHONPATH={env['PYTHONPATH']} {timing.exact}"
    print(
        f"{size:>9,} {tool:<34} median {timing.median:7.3f} s  peak {timing.peak_mb:6.0f} MB",
        flush=True,
    )
    return timing


BEFORE = " [previous release]"
"""A row of the previous release is named as the current one with this after it."""


@dataclass(frozen=True)
class Baseline:
    """The previous release's source, run by this interpreter with PYTHONPATH first."""

    ref: str
    commit: str
    src: Path

    def argv(self, argv: list[str], sv: list[str]) -> list[str]:
        return [sys.executable, "-m", "svdiversion", *argv[len(sv) :]]

    def env(self) -> dict[str, str]:
        return {**os.environ, "PYTHONPATH": str(self.src)}

    def works(self, argv: list[str], cwd: Path | None = None) -> bool:
        """Whether the previous release has the command at all (it may be newer)."""
        _, _, code, _ = run_once(argv, cwd, self.env())
        return code == 0


def baseline(ref: str, cache: Path) -> Baseline | None:
    """The previous release's ``src/`` under ``cache`` (``git archive``), compiled."""
    if not ref:
        return None
    found = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", f"{ref}^{{commit}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0:
        raise SystemExit(f"bench: no commit {ref!r} to compare with: {found.stderr.strip()}")
    commit = found.stdout.strip()
    tree = cache / f"baseline-{commit}"
    if not (tree / "src" / "svdiversion").is_dir():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", "--format=tar", commit, "src"],
            capture_output=True,
            check=True,
        )
        subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    compileall.compile_dir(str(tree / "src"), quiet=1)
    return Baseline(ref, commit, tree / "src")


def has_command(*words: str) -> bool:
    result = subprocess.run([*svdiversion(), *words, "--help"], capture_output=True, check=False)
    return result.returncode == 0


# ------------------------------------------------------------------------ workspaces


def generator_key() -> str:
    """Cached workspaces are remade when the generator changes."""
    digest = hashlib.sha256()
    for module in sorted((REPO / "src/svdiversion/synthetic").glob("*.py")):
        digest.update(module.name.encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()[:10]


def workspace(cache: Path, kind: str, size: int) -> Path:
    transactions, episodes = (size, size // 10) if kind == "tx" else (size // 10, size)
    root = cache / f"{kind}-{size}-{generator_key()}"
    if (root / ".complete").exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    temporary = cache / f".{root.name}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    print(f"generating {root.name} ...", flush=True)
    subprocess.run(
        [
            *svdiversion(),
            "-q",
            "generate",
            str(temporary),
            "--transactions",
            str(transactions),
            "--episodes",
            str(episodes),
        ],
        check=True,
    )
    (temporary / ".complete").write_text("ok\n")
    temporary.rename(root)
    return root


def shuffled(root: Path) -> Path:
    """A copy of ``root`` with its transactions in a random (seeded) order, so the ids no
    longer increase: the case where repeated ids cannot be ruled out in one pass."""
    copy = root.with_name(root.name + "-shuffled")
    if (copy / ".complete").exists():
        return copy
    shutil.rmtree(copy, ignore_errors=True)
    temporary = root.with_name(f".{copy.name}.tmp")
    shutil.rmtree(temporary, ignore_errors=True)
    print(f"shuffling {root.name} ...", flush=True)
    shutil.copytree(root, temporary)
    # In a process of its own: a child's peak memory, as wait4 reports it, includes the
    # peak of the process that started it, so this one must stay small.
    worker = multiprocessing.get_context("spawn").Process(
        target=shuffle_rows, args=(temporary / "ledger/transactions.csv",)
    )
    worker.start()
    worker.join()
    if worker.exitcode != 0:
        raise SystemExit(f"bench: shuffling {root.name} failed")
    (temporary / ".complete").write_text("ok\n")
    temporary.rename(copy)
    return copy


def shuffle_rows(path: Path) -> None:
    """The rows of the CSV file ``path`` after its header, in a seeded random order."""
    header, *rows = path.read_bytes().splitlines(keepends=True)
    random.Random(0).shuffle(rows)
    path.write_bytes(header + b"".join(row if row.endswith(b"\n") else row + b"\n" for row in rows))


EPISODE_COMMANDS = (
    "outcomes --format json",
    "outcomes --format json --disclosure internal",
    "disclosure-audit",
    "check",
)
"""The commands timed on the episode workspaces (their rows end "(episodes)")."""


def asked(only: str, *tools: str) -> bool:
    """Whether ``--only`` (empty: every row; words separated by ``|``: any of them)
    selects one of ``tools``."""
    words = [word for word in only.split("|") if word]  # 'a|' is 'a', not every command
    return not words or any(word in tool for word in words for tool in tools)


def journal(root: Path) -> Path:
    path = root.with_name(root.name + ".journal")
    if not path.exists():
        subprocess.run(
            [
                *svdiversion(),
                "-q",
                "-C",
                str(root),
                "export",
                "journal",
                "--as-of",
                AS_OF,
                "-o",
                str(path),
            ],
            check=True,
        )
    return path


# ------------------------------------------------------------------------ the run


def compile_bytecode() -> None:
    """Compile the package's modules before timing, as an installed package has them: in a
    shell with PYTHONDONTWRITEBYTECODE set, every run would otherwise compile each module
    again (about 0.1 s), a cost no installed copy pays."""
    compileall.compile_dir(str(REPO / "src"), quiet=1)


def bench(
    sizes: list[int],
    runs: int,
    tool_runs: int,
    cache: Path,
    only: str = "",
    previous: Baseline | None = None,
    skip: str = "",
) -> tuple[list[Timing], dict]:
    cache.mkdir(parents=True, exist_ok=True)
    compile_bytecode()
    sv = svdiversion()

    def timed(size: int, tool: str, argv: list[str], rows: int, count: int) -> None:
        """The command, then (for svdiversion's own) the previous release's, back to back."""
        timings.append(measure(size, tool, argv, rows, count))
        if previous is None or not tool.startswith("svdiversion"):
            return
        old = previous.argv(argv, sv)
        if previous.works(old):
            timings.append(measure(size, tool + BEFORE, old, rows, count, env=previous.env()))

    available = {
        "burndown": has_command("burndown"),
        "outcomes": has_command("outcomes"),
        "xlsx": has_command("export", "xlsx"),
        "hledger": shutil.which("hledger") is not None,
        "ledger": shutil.which("ledger") is not None,
    }
    timings: list[Timing] = []
    out = cache / "out"
    out.mkdir(exist_ok=True)
    spend_out, xlsx_out = str(out / "spend.journal"), str(out / "return.xlsx")
    for tool, argv in (
        ("svdiversion --version", [*sv, "--version"]),
        (
            "svdiversion check (shipped workspace)",
            [*sv, "-C", str(REPO), "check", "--as-of", "2025-06-30"],
        ),
        (
            "svdiversion disclosure-audit (shipped ledger)",
            [*sv, "-C", str(REPO), "disclosure-audit", "--as-of", "2025-03-31"],
        ),
        (
            "svdiversion outcomes --format json, published (shipped ledger)",
            [*sv, "-C", str(REPO), "outcomes", "--format", "json", "--as-of", "2025-03-31"],
        ),
    ):
        if asked(only, tool) and not (skip and skip in tool):
            timed(0, tool, argv, 0, runs)
    for size in sizes:
        tx = workspace(cache, "tx", size)
        # The episode workspaces, the journal and the shuffled copy are made only when a row
        # timed on them is asked for (--only 'ledger bal' times the peers alone, on the
        # journal; --only 'svdiversion check' the episodes' check too, on the episodes).
        on_episodes = asked(only, *(f"svdiversion {c} (episodes)" for c in EPISODE_COMMANDS))
        ep = workspace(cache, "ep", size) if on_episodes else tx
        spend = journal(tx) if asked(only, "hledger bal -M", "hledger check", "ledger bal") else tx
        slow = tool_runs if size < 1_000_000 else 1
        mixed = shuffled(tx) if asked(only, "svdiversion check (rows shuffled)") else tx
        plan: list[tuple[str, list[str], int, int]] = [
            ("svdiversion check", [*sv, "-C", str(tx), "check", "--as-of", AS_OF], size, runs),
            (
                "svdiversion check (rows shuffled)",
                [*sv, "-C", str(mixed), "check", "--as-of", AS_OF],
                size,
                runs,
            ),
        ]
        if available["burndown"]:
            plan.append(
                (
                    "svdiversion burndown --format json",
                    [*sv, "-C", str(tx), "burndown", "--format", "json", "--as-of", AS_OF],
                    size,
                    runs,
                )
            )
        plan.append(
            (
                "svdiversion export journal",
                [*sv, "-q", "-C", str(tx), "export", "journal", "--as-of", AS_OF, "-o", spend_out],
                size,
                runs,
            )
        )
        if available["xlsx"]:
            plan.append(
                (
                    "svdiversion export xlsx",
                    [*sv, "-q", "-C", str(tx), "export", "xlsx", "--as-of", AS_OF, "-o", xlsx_out],
                    size,
                    max(1, min(runs, 3)),
                )
            )
        if available["outcomes"]:
            for command in EPISODE_COMMANDS:
                argv = [*sv, "-C", str(ep), *command.split(), "--as-of", AS_OF]
                count = max(1, min(runs, 3)) if command == "disclosure-audit" else runs
                plan.append((f"svdiversion {command} (episodes)", argv, size, count))
        if available["hledger"]:
            plan.append(("hledger bal -M", ["hledger", "-f", str(spend), "bal", "-M"], size, slow))
            plan.append(("hledger check", ["hledger", "-f", str(spend), "check"], size, slow))
        if available["ledger"]:
            plan.append(("ledger bal", ["ledger", "-f", str(spend), "bal"], size, tool_runs))
        for tool, argv, rows, count in plan:
            if asked(only, tool) and not (skip and skip in tool):
                timed(size, tool, argv, rows, count)
    return timings, available


# ------------------------------------------------------------------------ the report


def machine() -> dict[str, str]:
    info = {
        "date": datetime.date.today().isoformat(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "cores": str(os.cpu_count()),
    }
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = meminfo.read_text().split("\n", 1)[0].split()[1]
        info["ram"] = f"{int(total) / 1024 / 1024:.1f} GiB"
    for name, argv in (
        ("hledger", ["hledger", "--version"]),
        ("ledger", ["ledger", "--version"]),
        ("hyperfine", ["hyperfine", "--version"]),
    ):
        if shutil.which(argv[0]):
            text = subprocess.run(argv, capture_output=True, text=True).stdout
            info[name] = text.splitlines()[0].strip() if text else "installed"
    try:
        import pyarrow

        info["pyarrow"] = pyarrow.__version__
    except ImportError:
        info["pyarrow"] = "not installed (plain CSV reader)"
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    info["commit"] = commit.stdout.strip() or "unknown"
    return info


def find(timings: list[Timing], size: int, tool: str) -> Timing | None:
    return next((t for t in timings if t.size == size and t.tool == tool), None)


def ratio(slow: Timing | None, fast: Timing | None) -> str:
    if slow is None or fast is None:
        return "n/a"
    value = slow.median / fast.median
    return f"{value:.1f}x" if value >= 1 else f"{value:.2f}x"


def report(timings: list[Timing], info: dict[str, str], sizes: list[int], runs: int) -> str:
    lines = [
        "# Performance",
        "",
        "Made by `make bench` (`python scripts/bench.py`); do not edit by hand. Every figure",
        "is a whole process, start-up included: the median of several runs, and the peak",
        "resident memory of the process. svdiversion, hledger and ledger-cli were timed",
        "side by side in one run, on the same transactions (the journal is",
        "`svdiversion export journal` of the workspace). Workspaces are",
        "`svdiversion generate`: `tx-N` has N transactions and N/10 episodes, `ep-N` has",
        "N episodes and N/10 transactions.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in info.items()),
        *(
            []
            if "runs per command" in info
            else [
                f"- runs per command: {runs} (hledger at 1,000,000 rows: 1), after one warm-up run"
            ]
        ),
        "- bytecode: the package's modules compiled before the run, as when installed",
        "",
        "## Timings",
        "",
        "| rows | command | median s | rows/s | peak MB |",
        "|---:|---|---:|---:|---:|",
    ]
    for t in timings:
        if t.line:
            lines.append(t.line)
            continue
        size = f"{t.size:,}" if t.size else "-"
        speed = f"{t.rows_per_second:,.0f}" if t.rows else "-"
        lines.append(f"| {size} | {t.tool} | {t.median:.3f} | {speed} | {t.peak_mb:.0f} |")
    lines += ["", "## Side by side", ""]
    lines += [
        "| rows | hledger bal -M / burndown | hledger check / check "
        "| ledger bal / check | ledger bal / burndown |",
        "|---:|---:|---:|---:|---:|",
    ]
    for size in sizes:
        check = find(timings, size, "svdiversion check")
        burndown = find(timings, size, "svdiversion burndown --format json")
        lines.append(
            f"| {size:,} | {ratio(find(timings, size, 'hledger bal -M'), burndown)} "
            f"| {ratio(find(timings, size, 'hledger check'), check)} "
            f"| {ratio(find(timings, size, 'ledger bal'), check)} "
            f"| {ratio(find(timings, size, 'ledger bal'), burndown)} |"
        )
    lines += against_previous(timings, info)
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---:|:-:|"]
    lines += targets(timings, sizes)
    lines += ["", *HOW.splitlines()]
    lines += [
        "",
        "## Commands",
        "",
        "Exactly as run (`DIR` folders are under `.bench/`):",
        "",
        "```",
        *sorted(
            {
                line.replace(str(REPO) + os.sep, "").replace(str(REPO), ".")
                for t in timings
                for line in t.exact.splitlines()
            }
        ),
        "```",
        "",
        exact_medians(timings),
        "",
    ]
    return "\n".join(lines)


EXACT = "<!-- exact medians, which --only reads for the rows it keeps: "


def exact_medians(timings: list[Timing]) -> str:
    """Every row's median unrounded, in a comment: a later ``--only`` run keeps the rows it
    does not time at these, so a ratio of kept rows is the ratio measured, not one of
    their rounded seconds (0.018 over 0.016 is 12.5% slower; the run measured 9%)."""
    medians = {f"{t.size}|{t.tool}": t.median for t in timings}
    return EXACT + json.dumps(medians, separators=(",", ":")) + " -->"


def read_exact(text: str) -> dict[tuple[int, str], float]:
    """The medians :func:`exact_medians` wrote into ``text`` (none in an older document)."""
    start = text.find(EXACT)
    if start == -1:
        return {}
    found = json.loads(text[start + len(EXACT) : text.index(" -->", start)])
    return {
        (int(key.split("|", 1)[0]), key.split("|", 1)[1]): value for key, value in found.items()
    }


HOW = """## Where the time goes, and what keeps it down

- Start-up: `svdiversion --version` answers before any import; every other command
  imports the CLI, pydantic and the models (about 0.18 s); the finance export's reader
  and the reconciliation only for the month-end commands. A model's validator is built
  when it first validates (`defer_build`), and no model is built at import (one built
  then loads pydantic's schema machinery: 80 ms). rich and openpyxl are imported
  only by the commands that draw or write a workbook; pyarrow only for a CSV file over
  4 MB (or over 64 KB once it is loaded), and then only its CSV reader and compute
  kernels, not `pyarrow.compute` and `pyarrow.acero` (0.05 s less), and without numpy
  (`arrow_lib.py`: numpy, which pyarrow imports only to convert to and from numpy
  arrays, was 55 ms of its 100 ms import). pandas never: pyarrow
  imported it, when installed, to ask whether its first Python value was a pandas
  object (0.2 s); the command line refuses the import (`__main__._WithoutPandas`). A
  command exits
  without tearing the interpreter down once its output is flushed (`__main__._exit`):
  freeing pyarrow's pools, pydantic's schemas and the modules one by one took 0.1 s.
- Reading: a large CSV file is split by pyarrow (`arrow_split.py`, in blocks of
  4 MiB on every core), and its columns are validated side by side, one per core
  (`load/arrow_csv.py`). The command splits a large transactions file while it imports
  its CLI (`arrow_split.read_ahead`: the split needs no Python, the imports one core);
  the loader takes that split only if the file is as it was when it was split.
  Low-cardinality columns are read dictionary-encoded, so Python validates each distinct
  value once; mostly distinct text (ids, amounts) is checked whole by RE2; pence are the
  hundredths of an exact two-place decimal. The columns stay in arrow arrays: a Python
  list per column is made only for a command that needs every value (export, reconcile).
  Whenever pyarrow and Python's csv module could disagree (quotes, NUL, blank lines,
  wrong widths, bad UTF-8, a bad amount) Python's csv module splits the file, so problems
  and line numbers never change, and a large file is then held in arrow all the same
  (`tests/test_fast_reader.py` reads files every way and runs every rule and report on
  each).
- YAML: libyaml composes the contract when PyYAML has it; a failing document is parsed
  again by the pure-Python parser, for the same error text.
- Checks and reports ask a table for distinct values, row counts, sums and least and
  greatest values by a few columns (`Table.distinct`, `counts`, `sums`, `bounds`),
  which pyarrow computes on the dictionary codes; from 100,000 rows the checks run side
  by side (pyarrow's kernels release the GIL); a function of a value (a date's
  quarter, whether it is after the as-of date) is worked out once per distinct value.
  Every rule still covers every row: only when a rule finds a problem does it walk the
  rows, all of them, to locate each one. Repeated ids: one comparison pass when the ids
  are in increasing order, as generated ones are; otherwise every id is hashed, which
  the `check (rows shuffled)` rows measure. Personal data in free text and the pseudonym pattern
  are ruled out for a whole column by RE2, with patterns that match wherever Python's
  would; a column that might match is searched by Python, value by value.
- `export xlsx`: openpyxl makes every tab but the rows of the Transactions (and
  Episodes) table, which are written into the file as XML from a template per kind of
  cell, a block of 2,000 rows at a time, straight into the target
  (`render/xlsx_rows.py`); a cell's XML is remembered for the few thousand commonest
  values of a column (kinds, lines, areas, dates). The ledger's columns are read as
  they are, never copied into a list per row (`render/lazy_rows.py`), and the file is
  compressed at zlib's fastest level. What remains at 100,000 rows: start-up, loading
  the ledger and the reports (about 0.7 s, as `burndown` takes), then mostly the rows'
  XML, a Python string a cell.
- What remains at 1,000,000 transactions: reading and validating the file (0.6 to
  0.9 s), start-up (about 0.25 s, pyarrow included) and the rules (about 0.2 s)."""


def against_previous(timings: list[Timing], info: dict[str, str]) -> list[str]:
    """Each command beside the previous release's run of it, and the ratio; a command
    more than 10% slower is marked, to be named (with its reason) when it lands."""
    pairs = [
        (t, find(timings, t.size, t.tool + BEFORE))
        for t in timings
        if t.tool.startswith("svdiversion") and not t.tool.endswith(BEFORE)
    ]
    pairs = [(now, old) for now, old in pairs if old is not None]
    if not pairs:
        return []
    lines = [
        "",
        "## Against the previous release",
        "",
        f"The previous release is {info.get('previous release', 'n/a')}, timed in the same "
        "run by the same interpreter and virtualenv. Ratio: this release's median over the "
        "previous one's (under 1 is faster).",
        "",
        "| rows | command | this s | previous s | ratio |",
        "|---:|---|---:|---:|---:|",
    ]
    for now, old in pairs:
        assert old is not None
        size = f"{now.size:,}" if now.size else "-"
        value = now.median / old.median
        mark = " slower" if value > SLOWER else ""
        lines.append(
            f"| {size} | {now.tool} | {now.median:.3f} | {old.median:.3f} | {value:.2f}{mark} |"
        )
    return lines


def targets(timings: list[Timing], sizes: list[int]) -> list[str]:
    rows = []

    def row(label: str, value: float | None, limit: float, unit: str, at_most: bool) -> None:
        if value is None:
            rows.append(f"| {label} | not measured | - |")
            return
        met = value <= limit if at_most else value >= limit
        shown = {"x": f"{value:.1f}x", "MB": f"{value:.0f} MB"}.get(unit, f"{value:.3f} {unit}")
        rows.append(f"| {label} | {shown} | {'yes' if met else 'NO'} |")

    def median(size: int, tool: str) -> float | None:
        found = find(timings, size, tool)
        return found.median if found else None

    def peak(size: int, tool: str) -> float | None:
        found = find(timings, size, tool)
        return found.peak_mb if found else None

    big = 1_000_000
    row("svdiversion --version <= 150 ms", median(0, "svdiversion --version"), 0.150, "s", True)
    row(
        "check on the shipped workspace <= 400 ms",
        median(0, "svdiversion check (shipped workspace)"),
        0.400,
        "s",
        True,
    )
    if big in sizes:
        row("check, 1,000,000 transactions <= 3 s", median(big, "svdiversion check"), 3, "s", True)
        row(
            "burndown --format json, 1,000,000 transactions <= 3 s",
            median(big, "svdiversion burndown --format json"),
            3,
            "s",
            True,
        )
        row("check peak memory <= 500 MB", peak(big, "svdiversion check"), 500, "MB", True)
        row(
            "burndown peak memory <= 500 MB",
            peak(big, "svdiversion burndown --format json"),
            500,
            "MB",
            True,
        )
        row(
            "outcomes --format json, 1,000,000 episodes <= 4 s",
            median(big, "svdiversion outcomes --format json (episodes)"),
            4,
            "s",
            True,
        )
        published = median(big, "svdiversion outcomes --format json (episodes)")
        internal = median(
            big, "svdiversion outcomes --format json --disclosure internal (episodes)"
        )
        row(
            "the audit's cost in publishing outcomes, 1,000,000 episodes <= 3 s",
            published - internal if published and internal else None,
            3,
            "s",
            True,
        )
    xlsx = "svdiversion export xlsx"
    if 100_000 in sizes:
        row(
            "export xlsx, 100,000 transactions <= 4 s",
            median(100_000, xlsx),
            TARGETS["xlsx_100k_s"],
            "s",
            True,
        )
        row(
            "export xlsx peak memory, 100,000 transactions <= 250 MB",
            peak(100_000, xlsx),
            TARGETS["xlsx_100k_mb"],
            "MB",
            True,
        )
    if 100_000 in sizes and big in sizes:
        small, large = median(100_000, xlsx), median(big, xlsx)
        row(
            "export xlsx, 1,000,000 transactions <= 10x the time of 100,000 (linear)",
            large / small if small and large else None,
            10,
            "x",
            True,
        )
    if COMPARE_AT in sizes:
        pairs = (
            ("hledger bal -M", "svdiversion check", TARGETS["vs_hledger"], COMPARE_AT),
            (
                "hledger bal -M",
                "svdiversion burndown --format json",
                TARGETS["vs_hledger"],
                COMPARE_AT,
            ),
            ("ledger bal", "svdiversion check", TARGETS["vs_ledger"], COMPARE_AT),
            ("ledger bal", "svdiversion burndown --format json", TARGETS["vs_ledger"], COMPARE_AT),
            ("ledger bal", "svdiversion check", TARGETS["vs_ledger_1m"], 1_000_000),
        )
        for slow, fast, wanted, size in pairs:
            if size not in sizes:
                continue
            a, b = median(size, slow), median(size, fast)
            value = a / b if a and b else None
            row(f"{fast} vs {slow} at {size:,} rows >= {wanted:.0f}x", value, wanted, "x", False)
    return rows


def merged(
    path: Path,
    timings: list[Timing],
    info: dict[str, str],
    only: str,
    load: float,
    runs: int,
) -> tuple[list[Timing], dict[str, str], list[int]]:
    """The timings of the document at ``path`` with the rows of ``timings`` put in their
    place, its machine section saying when and at which commit they were measured."""
    text = path.read_text(encoding="utf-8")
    exact = read_exact(text)
    old: list[Timing] = []
    section = ""
    commands: dict[str, str] = {}
    kept_info: dict[str, str] = {}
    for line in text.splitlines():
        if line.startswith("## "):
            section = line[3:]
        elif section == "Machine" and line.startswith("- ") and ": " in line:
            key, value = line[2:].split(": ", 1)
            if not key.startswith("bytecode"):  # the runs of the rows kept stay said
                kept_info[key] = value
        elif section == "Timings" and line.startswith("| ") and not line.startswith("| rows"):
            size, tool, seconds, _, peak = (cell.strip() for cell in line.strip("|").split("|"))
            rows = 0 if size == "-" else int(size.replace(",", ""))
            median = exact.get((rows, tool), float(seconds))
            old.append(Timing(rows, tool, rows, [median], float(peak), line=line))
        elif section == "Commands" and line.startswith(
            (".venv", "hledger", "ledger", "PYTHONPATH")
        ):
            commands[line] = line
    fresh = {(t.size, t.tool) for t in timings}
    kept = [t for t in old if (t.size, t.tool) not in fresh]
    if kept:  # the commands of the rows kept, as the document lists them
        kept[0].exact = "\n".join(commands)
    everything = sorted(kept + timings, key=lambda t: (t.size, order(t.tool, old)))
    note = (
        f"{info['date']} at {info['commit']} (`scripts/bench.py --only '{only}' "
        f"--runs {runs}`), "
        f"load average {load:.2f} when it started and {os.getloadavg()[0]:.2f} when it "
        "ended (on a machine shared with other work, a load over 1 makes wall times longer)"
    )
    kept_info[f"'{only}' rows measured"] = note
    if "previous release" in info:
        kept_info["previous release"] = info["previous release"]
    every_size = sorted({t.size for t in everything if t.size})
    return everything, kept_info, every_size


def order(tool: str, old: list[Timing]) -> int:
    names = list(dict.fromkeys(t.tool for t in old))
    return names.index(tool) if tool in names else len(names)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(s) for s in DEFAULT_SIZES),
        help="comma-separated row counts (default: %(default)s)",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command")
    parser.add_argument(
        "--tool-runs", type=int, default=3, help="timed runs of hledger and ledger-cli"
    )
    parser.add_argument("--cache", type=Path, default=REPO / ".bench", help="workspace cache")
    parser.add_argument("--out", type=Path, default=REPO / "docs/performance.md")
    parser.add_argument(
        "--only",
        default="",
        metavar="WORDS",
        help="time only the commands whose name contains WORDS (or one of several "
        "separated by |), and update their rows in the existing --out, keeping the others",
    )
    parser.add_argument(
        "--skip",
        default="",
        metavar="WORDS",
        help="leave out the commands whose name contains WORDS (the tests leave out "
        "'disclosure-audit', seconds a run)",
    )
    parser.add_argument(
        "--baseline",
        default=PREVIOUS_RELEASE,
        metavar="REF",
        help="the previous release to time beside this one (default: %(default)s; '' skips)",
    )
    args = parser.parse_args()
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    load = os.getloadavg()[0]
    previous = baseline(args.baseline, args.cache)
    timings, _ = bench(sizes, args.runs, args.tool_runs, args.cache, args.only, previous, args.skip)
    info = machine()
    if previous is not None:
        info["previous release"] = f"{previous.commit} (`--baseline {previous.ref}`)"
    if args.only:
        timings, info, sizes = merged(args.out, timings, info, args.only, load, args.runs)
    else:
        info["load average"] = (
            f"{load:.2f} when the run started and {os.getloadavg()[0]:.2f} when it ended (on a "
            "machine shared with other work, a load over 1 makes wall times longer)"
        )
    text = report(timings, info, sizes, args.runs)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    temporary = args.out.with_name(f".{args.out.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(args.out)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
