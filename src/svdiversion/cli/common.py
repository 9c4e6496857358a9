"""What every command shares: the workspace option, --as-of, loading with located errors."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ..core.problems import Problem
from ..render.problems import problems_text
from ..workspace import LoadResult, NotAWorkspace, open_workspace

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_USAGE = 2


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a date; write it as YYYY-MM-DD") from None


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
    root: Path = ctx.obj["root"] if ctx.obj else Path(".")
    return root


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
        return open_workspace(root, as_of=as_of or date.today())
    except NotAWorkspace:
        fail(
            f"{root} is not a workspace: it needs config/ and ledger/ folders",
            "run inside a workspace, pass -C DIR, or create one with 'svdiversion init DIR'",
        )


def load_clean(ctx: typer.Context, as_of: date | None) -> LoadResult:
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
            EXIT_USAGE if result.unreadable else EXIT_PROBLEMS,
        )
    return result
