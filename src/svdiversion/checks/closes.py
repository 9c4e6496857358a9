"""A closed month cannot change silently: its rows must still have the digest recorded
when it was closed (``ledger/closes.yaml``, written by ``svdiversion close``)."""

from __future__ import annotations

from collections.abc import Iterable

from ..core.closes import (
    changed_commentary,
    changed_rows,
    closed_months,
    month_commentary,
    month_rows,
)
from ..core.codes import Code
from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import MonthClose
from ..core.problems import Problem
from .context import CheckContext


def closed_months_unchanged(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """E501 for each closed month whose rows changed since; E502 for a record that does
    not follow from the ones before it (a reopen of an open month, a second close)."""
    closed, wrong = closed_months(ledger.closes)
    for index, message in wrong:
        path, line, column = ledger.origin("close", str(index))
        yield Problem(
            path,
            line,
            column,
            Code.E502,
            message,
            "the file is written by 'svdiversion close' and 'reopen' only: "
            "restore it from version control",
        )
    if not closed:
        return
    now = month_rows(ledger, (Month.parse(month) for month in closed))
    for month, state in sorted(closed.items()):
        yield from _commentary_unchanged(ledger, month, state.index, state.record)
        current = now[Month.parse(month)]
        record = state.record
        if current.digest == record.digest:
            continue
        changes = changed_rows(record, current)
        listed = ", ".join(f"{ident} {what}" for ident, what in changes)
        path, line, column = ledger.origin("close", str(state.index))
        in_ledger = [current.lines[ident] for ident, what in changes if what != "removed"]
        if in_ledger:
            path, line, column = ledger.transactions.path, min(in_ledger), 1
        yield Problem(
            path,
            line,
            column,
            Code.E501,
            f"{month} was closed on {record.at:%Y-%m-%d} by {record.by}, but its rows changed "
            f"({listed}): digest at close {record.digest}, now {current.digest}",
            f"undo the change, or reopen the month first: svdiversion reopen --month {month} "
            "--reason TEXT (then reconcile and close it again)",
        )


def _commentary_unchanged(
    ledger: Ledger, month: str, index: int, record: MonthClose
) -> Iterable[Problem]:
    """E501 when the commentary of a closed month changed since it was closed: reported on
    the first explanation changed or added (on the close record when one was removed)."""
    changes = changed_commentary(record, month_commentary(ledger, Month.parse(month)))
    if not changes:
        return
    path, line, column = ledger.origin("close", str(index))
    at = {c.budget_line: i for i, c in enumerate(ledger.commentary) if c.month == month}
    places = [ledger.origin("comment", str(at[name])) for name, what in changes if name in at]
    if places:
        path, line, column = min(places, key=lambda place: place[1])
    listed = ", ".join(f"{name} {what}" for name, what in changes)
    yield Problem(
        path,
        line,
        column,
        Code.E501,
        f"{month} was closed on {record.at:%Y-%m-%d} by {record.by}, but its commentary "
        f"changed ({listed})",
        f"undo the change, or reopen the month first: svdiversion reopen --month {month} "
        "--reason TEXT (then reconcile and close it again)",
    )


CLOSE_CHECKS = (closed_months_unchanged,)
