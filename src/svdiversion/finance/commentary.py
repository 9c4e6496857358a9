"""``ledger/commentary.yaml``: the treasurer's explanation of a month's variance on a
budget line. ``reconcile`` lists every variance above the threshold that has none::

    commentary:
      - month: 2024-09
        budget_line: evaluation
        text: The interim report was delivered on 27 September and paid on 11 October.

A missing file is no commentary. Each (month, budget line) is explained once.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

from pydantic import StringConstraints, ValidationError

from ..core.codes import Code
from ..core.models import Frozen, LineId, MonthText
from ..core.problems import Problem
from ..load.yamldoc import read_yaml, shape_problems

COMMENTARY = "ledger/commentary.yaml"


class Comment(Frozen):
    month: MonthText
    budget_line: LineId
    text: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class CommentaryFile(Frozen):
    commentary: tuple[Comment, ...] = ()


def load_commentary(
    root: Path, budget_lines: set[str]
) -> tuple[dict[tuple[str, str], str], list[Problem]]:
    """(month, budget line) -> explanation, and located problems."""
    if not (root / COMMENTARY).exists():
        return {}, []
    doc, problems = read_yaml(root / COMMENTARY, COMMENTARY)
    if doc is None or problems:
        return {}, problems
    try:
        comments = CommentaryFile.model_validate(doc.data).commentary
    except ValidationError as exc:
        hint = "each entry has month (YYYY-MM), budget_line and text (see docs/reconcile.md)"
        return {}, [replace(p, hint=hint) for p in shape_problems(doc, exc)]
    found: dict[tuple[str, str], str] = {}
    first: dict[tuple[str, str], int] = {}
    for index, comment in enumerate(comments):
        key = (comment.month, comment.budget_line)
        if comment.budget_line not in budget_lines:
            problems.append(
                doc.problem(
                    ("commentary", index, "budget_line"),
                    Code.E201,
                    f"unknown budget line {comment.budget_line!r}",
                    "use a line id of ledger/contract.yaml: " + ", ".join(sorted(budget_lines)),
                )
            )
        elif key in found:
            problems.append(
                doc.problem(
                    ("commentary", index),
                    Code.E608,
                    f"{comment.month} {comment.budget_line} is explained twice "
                    f"(first on line {first[key]})",
                    "keep one entry per month and budget line; put the whole explanation in it",
                )
            )
        else:
            found[key] = comment.text
            first[key] = doc.locate(("commentary", index))[0]
    return found, problems
