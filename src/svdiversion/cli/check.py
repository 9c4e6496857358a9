"""``svdiversion check``: validate the workspace, report every problem, exit 0/1/2."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Annotated

import typer

from ..changes import ChangesUnavailable, changed_since
from ..clock import today
from ..core.codes import CHECK_CODES
from ..core.problems import Problem
from ..load import workspace_files
from ..render.ci import problems_github, problems_junit
from ..render.problems import problems_json, problems_text, summary_line
from .common import AsOf, exit_code, fail, load, workspace_root
from .output import OutFile, emit


class CheckFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    GITHUB = "github"
    JUNIT = "junit"


def check(
    ctx: typer.Context,
    as_of: AsOf = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail on warnings too.")] = False,
    output: Annotated[
        CheckFormat,
        typer.Option(
            "--format",
            "-f",
            help="text for people; json (documented shape); github (workflow commands that "
            "annotate the offending lines of a pull request); junit (XML test report, one "
            "test case per check code).",
        ),
    ] = CheckFormat.TEXT,
    out: OutFile = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--changed-since",
            metavar="REV",
            help="Keep warnings only for lines changed since the git revision REV (and files "
            "added since); errors anywhere still fail.",
        ),
    ] = None,
) -> None:
    """Check every ledger file and report every problem, located to its line.

    Exit 0 when clean (warnings allowed unless --strict), 1 when the ledger has
    problems, 2 when the workspace cannot be read or an option is wrong. A one-line
    summary goes to stderr in every format.

    Examples:

    \b
      svdiversion check --as-of 2025-03-31 --format json
      svdiversion -C ledger check --format github --changed-since origin/main
      svdiversion check --format junit --out check-results.xml
    """
    result = load(ctx, as_of or today())
    problems = result.problems
    if since is not None:
        problems = _touched_by_change(workspace_root(ctx), since, problems)
    report = _render(output, problems, strict, _repo_prefix(workspace_root(ctx)))
    emit(ctx, report, out, "check-results.xml", "the report")
    files = len(workspace_files(workspace_root(ctx)))
    sys.stderr.write(summary_line(problems, files) + "\n")
    raise typer.Exit(exit_code(problems, strict=strict))  # --changed-since keeps every error


def _render(output: CheckFormat, problems: Sequence[Problem], strict: bool, prefix: str) -> str:
    if output is CheckFormat.JSON:
        return problems_json(problems, strict=strict)
    if output is CheckFormat.GITHUB:
        return problems_github(problems, prefix)
    if output is CheckFormat.JUNIT:
        titles = {code.value: code.summary for code in CHECK_CODES}
        return problems_junit(problems, titles, strict=strict, prefix=prefix)
    return problems_text(problems)


def _touched_by_change(root: Path, revision: str, problems: list[Problem]) -> list[Problem]:
    """Errors, and the warnings on lines changed since ``revision``."""
    try:
        changes = changed_since(root, revision)
    except ChangesUnavailable as exc:
        fail(exc.message, exc.hint)
    return [p for p in problems if p.is_error or changes.touches(p.path, p.line)]


def _repo_prefix(root: Path) -> str:
    """The workspace folder relative to the repository root, so CI annotations land on the
    right file: relative to ``$GITHUB_WORKSPACE`` in GitHub Actions, else to the current
    folder (where a CI job runs commands)."""
    base = os.environ.get("GITHUB_WORKSPACE") or os.curdir
    return PurePath(os.path.relpath(root.absolute(), Path(base).absolute())).as_posix()
