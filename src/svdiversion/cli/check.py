"""``svdiversion check``: validate the workspace, report every problem, exit 0/1/2."""

from __future__ import annotations

import sys
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer

from ..render.problems import problems_json, problems_text, summary_line
from .common import EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, AsOf, load


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"


def check(
    ctx: typer.Context,
    as_of: AsOf = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    output: Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")] = (
        CheckFormat.TEXT
    ),
) -> None:
    """Check every ledger file and report every problem, located to its line.

    Exit 0 when clean (warnings allowed unless --strict), 1 when the ledger has
    problems, 2 when the workspace cannot be read.

    Example: svdiversion check --as-of 2025-03-31 --format json
    """
    result = load(ctx, as_of or date.today())
    problems = result.problems
    if output is CheckFormat.JSON:
        sys.stdout.write(problems_json(problems, strict=strict))
    else:
        sys.stdout.write(problems_text(problems))
    files = len(result.ledger.files) if result.ledger else len({p.path for p in problems})
    sys.stderr.write(summary_line(problems, files) + "\n")
    if result.unreadable:
        raise typer.Exit(EXIT_USAGE)
    failing = result.errors or (strict and result.warnings)
    raise typer.Exit(EXIT_PROBLEMS if failing else EXIT_OK)
