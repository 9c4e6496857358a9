"""The treasurer's commentary (``ledger/commentary.yaml``) speaks of the contract: each
entry explains a month inside its period on a budget line it defines, once."""

from __future__ import annotations

from collections.abc import Iterable

from ..core.codes import Code
from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.problems import Problem
from .context import CheckContext


def commentary_lines_known(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """E201 for an entry on a budget line no decision or variation defines."""
    lines = sorted(line.id for line in ledger.line_budgets())
    for index, comment in enumerate(ledger.commentary):
        if comment.budget_line in lines:
            continue
        path, line, column = ledger.origin("comment_line", str(index))
        yield Problem(
            path,
            line,
            column,
            Code.E201,
            f"unknown budget line {comment.budget_line!r}",
            "use a line id of ledger/contract.yaml: " + ", ".join(lines),
        )


def commentary_months_in_contract(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """E301 for an entry explaining a month outside the contract period."""
    if not ledger.decisions:
        return
    first, last = Month.of(ledger.start), Month.of(ledger.end)
    for index, comment in enumerate(ledger.commentary):
        if first <= Month.parse(comment.month) <= last:
            continue
        path, line, column = ledger.origin("comment_month", str(index))
        yield Problem(
            path,
            line,
            column,
            Code.E301,
            f"commentary month {comment.month} is outside the contract period "
            f"{ledger.start} to {ledger.end}",
            f"explain a month from {first} to {last}; check the year",
        )


def commentary_once(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """E608 for a month and budget line explained a second time."""
    first: dict[tuple[str, str], int] = {}
    for index, comment in enumerate(ledger.commentary):
        key = (comment.month, comment.budget_line)
        path, line, column = ledger.origin("comment", str(index))
        if key not in first:
            first[key] = line
            continue
        yield Problem(
            path,
            line,
            column,
            Code.E608,
            f"{comment.month} {comment.budget_line} is explained twice "
            f"(first on line {first[key]})",
            "keep one entry per month and budget line; put the whole explanation in it",
        )


COMMENTARY_CHECKS = (commentary_lines_known, commentary_months_in_contract, commentary_once)
