"""``ledger/commentary.yaml``: the treasurer's explanation of a month's variance on a
budget line. ``reconcile`` lists every variance above the threshold that has none::

    commentary:
      - month: 2024-09
        budget_line: evaluation
        text: The interim report was delivered on 27 September and paid on 11 October.

A missing file is no commentary. Each (month, budget line) is explained once. The file is
read as ``check`` reads it (``load.commentary``); ``check`` also checks its months.
"""

from __future__ import annotations

from pathlib import Path

from ..core.codes import Code
from ..core.problems import Problem
from ..load.commentary import COMMENTARY, read_commentary

__all__ = ["COMMENTARY", "load_commentary"]


def load_commentary(
    root: Path, budget_lines: set[str]
) -> tuple[dict[tuple[str, str], str], list[Problem]]:
    """(month, budget line) -> explanation, and located problems."""
    doc, comments, problems = read_commentary(root)
    if doc is None or problems:
        return {}, problems
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
