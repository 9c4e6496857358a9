"""Crashes by cause: a date option outside the years svdiversion works with, and an
optional file whose folder cannot be looked at.

Every option that takes a date, a month or a financial window is found by walking the
command tree, so an option added later is held to the same rule without a test of its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer.main

from helpers import AS_OF, make_workspace, run_cli, run_unprivileged
from svdiversion.cli import app

# An option's metavar says what it takes; each gets one value before 1900, one after 2199.
OUTSIDE = {
    "DATE": ("0001-01-01", "9999-12-31"),
    "YYYY-MM": ("0001-01", "9999-12"),
    "YYYY/YY-QN": ("1899/00-Q1", "2199/00-Q4"),
    "YYYY/YY-PNN": ("1899/00-P01", "2199/00-P12"),
    "YYYY/YY": ("1899/00", "2199/00"),
}


def date_options() -> list[tuple[tuple[str, ...], str, str]]:
    """``(command path, option, metavar)`` for every option that takes a date."""
    found = []

    def walk(command: Any, path: tuple[str, ...]) -> None:
        if hasattr(command, "commands"):  # a group (typer keeps a click of its own)
            for name, sub in sorted(command.commands.items()):
                walk(sub, (*path, name))
            return
        for param in command.params:
            if param.param_type_name == "option" and param.metavar in OUTSIDE:
                found.append((path, param.opts[0], param.metavar))

    walk(typer.main.get_command(app), ())
    return found


CASES = [
    (path, option, value) for path, option, metavar in date_options() for value in OUTSIDE[metavar]
]


def test_the_walk_finds_the_date_options_of_the_reports() -> None:
    names = {(" ".join(path), option) for path, option, _ in date_options()}
    assert {
        ("report", "--as-of"),
        ("report", "--month"),
        ("burndown", "--quarter"),
        ("trends", "--as-of"),
        ("disclosure-audit", "--as-of"),
        ("export xlsx", "--as-of"),
        ("close", "--month"),
        ("init", "--start"),
    } <= names


@pytest.mark.parametrize(
    ("path", "option", "value"), CASES, ids=[f"{' '.join(p)} {o} {v}" for p, o, v in CASES]
)
def test_a_date_outside_1900_to_2199_is_a_usage_error_naming_the_range(
    shipped: Path, path: tuple[str, ...], option: str, value: str
) -> None:
    code, _, err = run_cli("-C", str(shipped), *path, option, value)
    assert code == 2, err
    assert f"'{value}' is outside the dates svdiversion works with, 1900-01-01 to " in err
    assert "2199-12-31" in err


@pytest.mark.parametrize("as_of", ["1900-01-01", "1900-01-31"])
@pytest.mark.parametrize(
    "args",
    [("report",), ("burndown",), ("trends",), ("export", "xlsx"), ("export", "csv")],
    ids=["report", "burndown", "trends", "export xlsx", "export csv"],
)
def test_the_first_day_svdiversion_works_with_reports_an_empty_ledger(
    shipped: Path, tmp_path: Path, args: tuple[str, ...], as_of: str
) -> None:
    """Before the contract there is nothing to show, and that is what is shown."""
    name = "out.xlsx" if args[-1] == "xlsx" else "out"
    out = ["--out", str(tmp_path / name)] if args[0] == "export" else []
    code, _, err = run_cli("-C", str(shipped), *args, "--as-of", as_of, *out)
    assert code == 0, err


@pytest.mark.slow  # processes of their own, bound by file permissions
@pytest.mark.parametrize(
    ("mode_of", "mode", "expected"),
    [
        ("config", 0o000, "config/: E002 cannot read folder: permission denied"),
        ("config", 0o100, "config/: E002 cannot read folder: permission denied"),
        ("config/settings.yaml", 0o000, "config/settings.yaml: E002 cannot read file"),
        ("ledger/closes.yaml", 0o000, "ledger/closes.yaml: E002 cannot read file"),
    ],
    ids=["config unlistable", "config only passable", "settings unreadable", "closes unreadable"],
)
def test_an_optional_file_that_cannot_be_looked_at_is_e002_not_a_traceback(
    shipped: Path, mode_of: str, mode: int, expected: str
) -> None:
    (shipped / "ledger" / "closes.yaml").write_text("closes: []\n", encoding="utf-8")
    target = shipped / mode_of
    target.chmod(mode)
    try:
        done = run_unprivileged("-C", str(shipped), "check", "--as-of", str(AS_OF))
    finally:
        target.chmod(0o755)
    assert "Traceback" not in done.stderr + done.stdout
    assert done.returncode == 2, done.stdout + done.stderr
    assert expected in done.stdout + done.stderr


# ---------------------------------------------------------------- --quiet


@pytest.mark.parametrize(
    "args",
    [
        ("outcomes", "--as-of", "2024-09-15", "--format", "json", "--out", "o.json"),
        ("areas", "--as-of", "2024-09-15", "--format", "csv", "--out", "a.csv"),
        ("trends", "--as-of", "2024-09-15", "--format", "json", "--out", "t.json"),
        ("report", "--as-of", "2024-09-15", "--format", "markdown", "--out", "r.md"),
        ("suppliers", "--format", "csv", "--out", "s.csv"),
        ("export", "csv", "--as-of", "2024-09-15", "--out", "csv"),
        ("export", "xlsx", "--as-of", "2024-09-15", "--out", "r.xlsx"),
        ("export", "journal", "--out", "j.journal"),
    ],
    ids=lambda args: " ".join(args[:2]),
)
def test_quiet_writes_no_note_and_the_file_is_written(
    shipped: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Without --quiet each says what it wrote (and that published figures stand at a
    month end); with it, nothing on stderr at all."""
    out = str(tmp_path / args[-1])
    loud = run_cli("-C", str(shipped), *args[:-1], out)
    assert loud.exit_code == 0, loud.stderr
    assert "wrote " in loud.stderr
    (tmp_path / "quiet").mkdir()
    written = tmp_path / "quiet" / args[-1]
    quiet = run_cli("-C", str(shipped), "--quiet", *args[:-1], str(written))
    assert (quiet.exit_code, quiet.stdout, quiet.stderr) == (0, "", "")
    assert written.exists()


def test_quiet_init_says_nothing_on_stderr(shipped: Path, tmp_path: Path) -> None:
    """init's notes (placeholders to replace, what to run next) are notes: --quiet drops
    them; the files it created are its output, on stdout either way."""
    loud = run_cli("init", str(tmp_path / "loud"), "--total", "1000")
    assert loud.exit_code == 0 and "next: record the ledger" in loud.stderr
    quiet = run_cli("--quiet", "init", str(tmp_path / "quiet"), "--total", "1000")
    assert (quiet.exit_code, quiet.stderr) == (0, "")
    assert "created " in quiet.stdout
    extension = run_cli(
        "--quiet", "-C", str(shipped), "init", "--extension", "--decision", "PCC/D/2025/99",
        "--total", "1000", "--start", "2025-04-01", "--end", "2026-03-31",
    )  # fmt: skip
    assert (extension.exit_code, extension.stderr) == (0, "")


def test_the_last_day_svdiversion_works_with_is_as_much_work_as_the_contracts_end() -> None:
    """Every release after the last change in the ledger is the same: the attack stops
    there, so --as-of 2199-12-31 attacks the releases the contract has, not 2,100 years'."""
    from datetime import date

    from helpers import load_ledger
    from svdiversion.reports.audit.release import Publisher

    ledger = load_ledger(Path(__file__).resolve().parent.parent)
    publisher = Publisher(ledger)
    far = publisher.history(date(2199, 12, 31))
    assert far == publisher.history(date(2025, 3, 31))
    assert publisher.released(date(2199, 12, 31)).outcomes.as_of == date(2199, 12, 31)
    assert (
        publisher.released(date(2199, 12, 31)).cells.cells
        == publisher.released(date(2025, 3, 31)).cells.cells
    )


@pytest.mark.parametrize(
    "args", [("outcomes", "--format", "json"), ("trends", "--format", "json")],
    ids=["outcomes", "trends"],
)  # fmt: skip
def test_the_last_day_svdiversion_works_with_reports(shipped: Path, args: tuple[str, ...]) -> None:
    code, _, err = run_cli("-C", str(shipped), *args, "--as-of", "2199-12-31")
    assert code == 0, err


def test_the_last_day_svdiversion_works_with_audits_every_release(tmp_path: Path) -> None:
    """The integer program over every release to the last day: the small workspace's
    (the shipped ledger's takes 13 s, and its audit is the README example's)."""
    code, out, err = run_cli("-C", str(make_workspace(tmp_path)), "disclosure-audit",
                             "--as-of", "2199-12-31")  # fmt: skip
    assert code == 0, err
    assert "22 period-end releases attacked together" in out
