"""Every ``$ svdiversion ...`` example in README.md runs, and prints what the README shows.

An example is a fenced block whose first line starts with ``$ ``. Each command in it runs
in bash, in a fresh copy of the shipped workspace (one copy per block, so a block can
import, then import again), with the package's virtualenv first on PATH and a fixed
terminal width. What it printed is compared with the lines under it:

* a line ending in ``(stderr)`` (after two spaces or more) is expected on stderr, every
  other line on stdout; trailing spaces are not compared;
* a line ``...`` stands for any number of lines;
* ``$ echo $?`` prints the exit code of the command before it.

An HTML comment right above the block names the copy it runs on when that is not the
shipped workspace as it is: ``<!-- example: broken-rows -->`` (see :data:`SETUPS`).

``pytest --update-golden`` rewrites each block's output from what the commands print,
shortened where the README shortened it (see ``_elided``); review the diff.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
WIDTH = "100"
STDERR_MARK = re.compile(r"^(.*?)\s{2,}\((?:on )?stderr\)\s*$")
SETUP_COMMENT = re.compile(r"^<!-- example: ([a-z0-9-]+) -->$")


@dataclass
class Command:
    text: str  # as written after "$ ", continuation lines joined
    expected: list[str]  # the lines under it, as written


@dataclass
class Example:
    line: int  # of the opening fence, 1-based
    setup: str
    commands: list[Command]
    end: int  # of the closing fence, 1-based


def examples(text: str) -> list[Example]:
    """Every example block of ``text``, in order."""
    lines = text.splitlines()
    found, i = [], 0
    while i < len(lines):
        if lines[i].startswith("```") and i + 1 < len(lines) and lines[i + 1].startswith("$ "):
            setup = SETUP_COMMENT.match(lines[i - 1]) if i else None
            close = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
            commands = _commands(lines[i + 1 : close])
            found.append(Example(i + 1, setup[1] if setup else "shipped", commands, close + 1))
            i = close
        i += 1
    return found


def _commands(body: list[str]) -> list[Command]:
    commands: list[Command] = []
    j = 0
    while j < len(body):
        text = body[j][2:]
        while text.endswith("\\"):
            j += 1
            text = text[:-1] + " " + body[j].strip()
        j += 1
        start = j
        while j < len(body) and not body[j].startswith("$ "):
            j += 1
        output = body[start:j]
        while output and not output[-1].strip():
            output.pop()
        commands.append(Command(text, output))
    return commands


# ------------------------------------------------------------------ the copies examples run on


def _edit_csv(file: Path, line: int, column: str, value: str) -> None:
    rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"))))
    rows[line - 1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    file.write_text(out.getvalue(), encoding="utf-8")


def broken_rows(root: Path, home: Path) -> None:
    """Three rows broken: an age of 19, an amount with a thousands separator, a refund
    written as a positive amount."""
    _edit_csv(root / "ledger/outcomes.csv", 4, "age_at_referral", "19")
    _edit_csv(root / "ledger/transactions.csv", 3, "amount", "2,750.00")
    _edit_csv(root / "ledger/transactions.csv", 6, "kind", "refund")


def without_october_2024(root: Path, home: Path) -> None:
    """The ledger before October 2024's payments were imported."""
    file = root / "ledger/transactions.csv"
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if not line.split(",", 2)[1].startswith("2024-10-")]
    file.write_text("".join(kept), encoding="utf-8")


def evaluation_key(root: Path, home: Path) -> None:
    """A key file under the user's home, as the commissioner would hold it."""
    keys = home / "keys"
    keys.mkdir()
    (keys / "evaluation.key").write_text("illustrative key for the README example\n")
    (keys / "evaluation.key").chmod(0o600)


SETUPS: dict[str, Callable[[Path, Path], None]] = {
    "shipped": lambda root, home: None,
    "broken-rows": broken_rows,
    "without-2024-10": without_october_2024,
    "evaluation-key": evaluation_key,
}


# ------------------------------------------------------------------ running and comparing


@dataclass
class Ran:
    stdout: list[str]
    stderr: list[str]
    code: int


def run(command: str, cwd: Path, home: Path, previous: int) -> Ran:
    if command.strip() == "echo $?":
        return Ran([str(previous)], [], 0)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(home),
        "COLUMNS": WIDTH,
        "SVDIVERSION_WIDTH": WIDTH,
        "NO_COLOR": "1",
        "TERM": "dumb",
    }
    for name in ("SVDIVERSION_EVALUATION_KEY", "FORCE_COLOR", "GITHUB_ACTIONS", "CI"):
        env.pop(name, None)
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Ran(_lines(done.stdout), _lines(done.stderr), done.returncode)


def _lines(text: str) -> list[str]:
    lines = [line.rstrip() for line in text.splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


def split_expected(expected: list[str]) -> tuple[list[str], list[str]]:
    out, err = [], []
    for line in expected:
        marked = STDERR_MARK.match(line)
        (err if marked else out).append((marked[1] if marked else line).rstrip())
    return _lines("\n".join(out)), _lines("\n".join(err))


def matches(expected: list[str], actual: list[str]) -> bool:
    """``expected`` equals ``actual``, a ``...`` line standing for any lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def rendered(ran: Ran) -> list[str]:
    return ran.stdout + [f"{line}   (stderr)" for line in ran.stderr]


def run_example(example: Example, tmp_path: Path) -> list[tuple[Command, Ran]]:
    root, home = tmp_path / "ws", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / "ledger", root / "ledger")
    SETUPS[example.setup](root, home)
    results, previous = [], 0
    for command in example.commands:
        ran = run(command.text, root, home, previous)
        results.append((command, ran))
        previous = ran.code
    return results


EXAMPLES = examples(README.read_text(encoding="utf-8"))


def test_the_readme_has_the_examples_of_every_report_command() -> None:
    shown = {c.text.split()[1] for e in EXAMPLES for c in e.commands if c.text.startswith("svd")}
    assert {"check", "burndown", "areas", "outcomes", "vfm", "trends", "report"} <= shown
    assert {e.setup for e in EXAMPLES} <= set(SETUPS)


def test_a_dotted_line_stands_for_any_lines() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "d"], ["a", "d"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert not matches(["a"], ["a", "b"])


@pytest.mark.slow  # each command is a process of its own
@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"line {e.line}: {e.commands[0].text[:48]}" for e in EXAMPLES]
)
def test_a_readme_example_prints_what_the_readme_shows(
    example: Example, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    results = run_example(example, tmp_path)
    if request.config.getoption("--update-golden"):
        _update(example, results)
        return
    for command, ran in results:
        out, err = split_expected(command.expected)
        assert (matches(out, ran.stdout), matches(err, ran.stderr)) == (True, True), (
            f"README.md line {example.line}: '$ {command.text}' printed\n"
            + "\n".join(rendered(ran))
            + "\nif the change is intended, run 'pytest --update-golden tests/test_readme.py' "
            "and review the diff"
        )


def _update(example: Example, results: list[tuple[Command, Ran]]) -> None:
    """Write the block's output from what ran (under a lock: workers share the README)."""
    import fcntl

    with open(README, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        lines = handle.read().splitlines()
        current = next(e for e in examples("\n".join(lines)) if _same(e, example))
        body: list[str] = []
        for (_, ran), original in zip(results, current.commands, strict=True):
            body.append(f"$ {_as_written(lines, current, original)}")
            body += _elided(original, ran, example.line)
            if original is not current.commands[-1]:
                body.append("")
        lines[current.line : current.end - 1] = body
        handle.seek(0)
        handle.truncate()
        handle.write("\n".join(lines) + "\n")


def _elided(command: Command, ran: Ran, line: int) -> list[str]:
    """What ran, shortened as the README shortened it: a block ending in ``...`` keeps its
    first table (the lines up to the first blank one after as many as it showed), a block
    starting with ``...`` keeps as many last lines as it showed; any other ``...`` is for
    a person to update."""
    out, err = split_expected(command.expected)
    stderr = [f"{text}   (stderr)" for text in ran.stderr]
    if "..." not in out:
        return rendered(ran)
    if out.count("...") == 1 and out[-1] == "...":
        end = next(
            (i for i in range(len(out) - 1, len(ran.stdout)) if not ran.stdout[i]),
            len(ran.stdout),
        )
        return [*ran.stdout[:end], "...", *stderr]
    if out.count("...") == 1 and out[0] == "...":
        return ["...", *ran.stdout[len(ran.stdout) - (len(out) - 1) :], *stderr]
    assert matches(out, ran.stdout) and matches(err, ran.stderr), (
        f"README.md line {line} elides output with '...' in the middle: update it by hand"
    )
    return command.expected


def _same(a: Example, b: Example) -> bool:
    return [c.text for c in a.commands] == [c.text for c in b.commands]


def _as_written(lines: list[str], example: Example, command: Command) -> str:
    """The command as the README spells it (continuation lines kept)."""
    block = lines[example.line : example.end - 1]
    for k, line in enumerate(block):
        if line.startswith("$ ") and _commands(block[k:])[0].text == command.text:
            end = k
            while block[end].endswith("\\"):
                end += 1
            return "\n".join(block[k : end + 1])[2:]
    raise AssertionError(command.text)
