"""Spend on an area the line has no allocation for on the day it was spent: after a
restructure, spend booked to the successor area before the contract gives it a share."""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta

from ..core.codes import Code
from ..core.ledger import Ledger
from ..core.problems import Problem
from .context import CheckContext


def spend_on_allocated_areas(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """W404, once per line and area, at the first row of spend on a line that is split
    between areas, in an area with no allocation of that line in force on the row's date
    (the contract as known that day: decisions covering the date, variations approved by
    then)."""
    table = ledger.transactions
    changes = _change_days(ledger)
    in_force: dict[int, tuple[set[str], set[tuple[str, str]]]] = {}

    def epoch(day: date) -> int:
        """Which span between two days the contract or an area changes ``day`` is in:
        within one, the answer for every row is the same."""
        return bisect_right(changes, day)

    def allocations_in(span: int) -> tuple[set[str], set[tuple[str, str]]]:
        if span not in in_force:
            day = changes[span - 1] if span else date.min
            known = ledger.known_on(day)
            covering = {d.id for d in known.decisions if d.start <= day <= known.decision_end(d)}
            pairs = {(a.line, a.area) for d, a in known.allocations() if d in covering}
            in_force[span] = ({line for line, _ in pairs}, pairs)
        return in_force[span]

    def unallocated(line: str, area: str | None, span: int) -> bool:
        # An unknown area, or one used outside its dates, is already an error (E202, E205).
        known = ledger.areas.get(area) if area is not None else None
        day = changes[span - 1] if span else date.min
        if known is None or not known.valid_on(day):
            return False
        lines, pairs = allocations_in(span)
        return line in lines and (line, area) not in pairs

    rows: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in table.rows_where(["budget_line", "area", ("date", epoch)], unallocated):
        rows[(table.column("budget_line")[row], table.column("area")[row])].append(row)
    for (line, area), found in rows.items():
        first = found[0]
        day = table.column("date")[first]
        others = len(found) - 1
        more = f" (and {others} more row{'s' * (others > 1)})" if others else ""
        yield table.problem(
            first,
            "area",
            Code.W404,
            f"spend on line {line} in area {area} on {day}{more}: no allocation of the line "
            f"to {area} is in force on that date",
            _hint(ledger, line, area),
        )


def _change_days(ledger: Ledger) -> list[date]:
    """Every day on which what is in force can change: a decision is approved, starts or
    ends (at any end a variation gives it), a variation is approved, an area becomes
    valid or stops being so. Between two of them every row's answer is the same, so the
    rule asks once per span, not once per day (a ledger of years has hundreds of days)."""
    after = timedelta(days=1)
    days: set[date] = set()
    for decision in ledger.decisions:
        days |= {decision.approved or decision.start, decision.start, decision.end + after}
    for variation in ledger.variations:
        days.add(variation.approved)
        if variation.new_end:
            days.add(variation.new_end + after)
    for area in ledger.areas.values():
        days.add(area.valid_from)
        if area.valid_to is not None:
            days.add(area.valid_to + after)
    return sorted(days)


def _hint(ledger: Ledger, line: str, area: str) -> str:
    replaced = sorted(a.id for a in ledger.areas.values() if a.successor == area)
    names = " and ".join(replaced)
    moved = (
        f" ({area} succeeds {names}: move the money with allocation_changes reducing "
        f"{names}'s allocation)"
        if replaced
        else ""
    )
    return (
        f"record a variation giving {area} an allocation of line {line} under its "
        f"allocations{moved}, or correct the row's area (see docs/ledger-format.md)"
    )


ALLOCATION_CHECKS = (spend_on_allocated_areas,)
