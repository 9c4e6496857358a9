"""What every command shares: the workspace option, --as-of, loading with located errors."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ..clock import today
from ..core.fiscal import Month, OutsideDates, check_within
from ..core.ledger import Ledger
from ..core.problems import UNREADABLE_CODES, Problem
from ..render.problems import problems_text
from ..workspace import LoadResult, NotAWorkspace, open_workspace
from .state import state

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def exit_code(
    problems: Iterable[Problem],
    *,
    strict: bool = False,
    unreadable: frozenset[str] = UNREADABLE_CODES,
) -> int:
    """The one map from problems to an exit code, used by every command: 2 when an input
    cannot be read at all (``unreadable`` codes), 1 when there are errors (or, with
    ``strict``, warnings), else 0. See the README's table of exit codes."""
    found = list(problems)
    if any(p.code in unreadable for p in found):
        return EXIT_USAGE
    if any(p.is_error for p in found) or (strict and found):
        return EXIT_PROBLEMS
    return EXIT_OK


def parse_date(text: str) -> date:
    """A ``YYYY-MM-DD`` option value as a date from 1900 to 2199, or a usage error."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date; write it as YYYY-MM-DD") from None
    _within(text, day, day)
    return day


def parse_month_option(text: str) -> Month:
    """A ``YYYY-MM`` option value as a month, or a usage error saying what to write."""
    try:
        month = Month.parse(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    _within(text, month.first_day, month.first_day)
    return month


def _within(text: str, first: date, last: date) -> None:
    """A usage error naming the range unless ``first`` to ``last`` is within it."""
    try:
        check_within(text, first, last)
    except OutsideDates as exc:
        raise typer.BadParameter(str(exc)) from None


AsOf = Annotated[
    date | None,
    typer.Option(
        "--as-of",
        parser=parse_date,
        metavar="DATE",
        help="Show the ledger as it stood on this date (YYYY-MM-DD). Default: today.",
    ),
]


def workspace_root(ctx: typer.Context) -> Path:
    return state(ctx).root


def fail(message: str, hint: str = "", code: int = EXIT_USAGE) -> NoReturn:
    """A diagnostic on stderr and an exit, without a traceback."""
    err = sys.stderr
    err.write(f"svdiversion: error: {message}\n")
    if hint:
        err.write(f"  hint: {hint}\n")
    raise typer.Exit(code)


def load(ctx: typer.Context, as_of: date | None) -> LoadResult:
    root = workspace_root(ctx)
    try:
        return open_workspace(root, as_of=as_of or today())
    except NotAWorkspace:
        fail(
            f"{root} is not a workspace: it needs config/ and ledger/ folders",
            "run inside a workspace, pass -C DIR, or create one with 'svdiversion init DIR'",
        )


@dataclass(frozen=True, slots=True)
class CleanLoad:
    """A ledger that loaded with no errors, and its warnings."""

    ledger: Ledger
    problems: list[Problem]


def load_clean(ctx: typer.Context, as_of: date | None) -> CleanLoad:
    """Load for a report: any error stops the command with the problems on stderr."""
    result = load(ctx, as_of)
    if result.ledger is None or result.errors:
        shown: list[Problem] = result.errors
        sys.stderr.write(problems_text(shown[:50]))
        more = len(shown) - 50
        if more > 0:
            sys.stderr.write(f"... and {more} more\n")
        fail(
            f"the ledger has {len(shown)} error{'s' * (len(shown) != 1)}; no report made",
            "run 'svdiversion check' for the full list",
            exit_code(result.problems),
        )
    return CleanLoad(result.ledger, result.problems)
