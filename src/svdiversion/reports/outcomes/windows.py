"""A window's outcomes as the difference of two cumulative reports.

A month, quarter or year shows what happened in it: referrals, starts, endings and
outcomes dated in the window are the cumulative count at its end less the count just
before it starts; children awaiting a start or active are shown as they stand at its
end. Worked on exact reports this is the exact window; worked on two *published*
cumulative reports it is the published window, so a window carries nothing a reader
could not work out from the cumulative reports already out, and windows add up to the
cumulative figure. A hidden count at either end hides the difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from ...core.fiscal import DateRange, Month, months_between
from ..disclosure import Cell, Disclosure, change_interval
from .cells import BY_AREA, Key, is_flow, release_cells, with_cells
from .publishing import Spans, with_rates
from .shapes import OutcomesReport, WorkshopRow


def window_report(
    end: OutcomesReport, before: OutcomesReport | None, window: DateRange
) -> OutcomesReport:
    """``end``: cumulative to the window's last day; ``before``: cumulative to the day
    before it starts (``None`` when nothing can come before it)."""
    symbol = end.policy.suppressed_symbol
    published = end.disclosure is Disclosure.PUBLISHED
    late = release_cells(end).cells
    early = release_cells(before).cells if before is not None else {}

    def difference(key: Key, value: Cell) -> Cell:
        if not is_flow(key):
            return value
        return window_difference(value, early.get(key, 0), symbol, published)

    cells = {key: difference(key, value) for key, value in late.items()}
    shown = with_cells(end, cells)
    quarters = {m.fy_quarter for m in months_between(Month.of(window.start), Month.of(end.as_of))}

    def happened(key: Key) -> bool:
        return cells[key] != 0

    report = replace(
        shown,
        window=window.label,
        sources=tuple((s, v) for s, v in shown.sources if happened(("source", s))),
        ages=tuple((a, v) for a, v in shown.ages if happened(("age", str(a)))),
        pathways=tuple((p, v) for p, v in shown.pathways if happened(("pathway", p))),
        groups=tuple(
            g
            for g in shown.groups
            if happened(("group", g.dimension, g.value))
            or happened(("group_completed", g.dimension, g.value))
        ),
        quarters=tuple(q for q in shown.quarters if q.label in quarters),
        workshops=_workshops_in(shown, before),
        areas=tuple(
            a
            for a in shown.areas
            if any(v != 0 for k, v in cells.items() if k[0] in BY_AREA and k[1] == a.id)
        ),
    )
    return with_rates(report, _spans(end, late, early) if published else None)


def _spans(end: OutcomesReport, late: Mapping[Key, Cell], early: Mapping[Key, Cell]) -> Spans:
    """What the releases at a window's ends allow of each of its outcome counts: the
    least and greatest difference of the true counts their cells allow."""
    spans: dict[tuple[str, str, str], tuple[int, int]] = {}
    for key, cell in late.items():
        if key[0] not in ("achieved", "assessed") or isinstance(cell, str):
            continue
        before = early.get(key, 0)
        if isinstance(before, str):
            continue
        spans[key[0], key[1], key[2]] = change_interval(cell, before, end.policy)
    return spans


def window_difference(late: Cell, early: Cell, symbol: str, published: bool) -> Cell:
    """A window's count from the counts at its ends. Published, a hidden end hides it, and
    so does a difference of 0 between two rounded counts: the true count is then 0 to 4,
    and a 0 would read as none (a window's 0 is shown only where both ends are a true 0)."""
    if isinstance(late, str) or isinstance(early, str):
        return symbol
    if published and late == early != 0:
        return symbol
    return late - early


def _workshops_in(shown: OutcomesReport, before: OutcomesReport | None) -> tuple[WorkshopRow, ...]:
    """Sessions in the window: their number is exact, not a count of children."""
    earlier = {w.kind: w.sessions for w in before.workshops} if before else {}
    rows = []
    for row in shown.workshops:
        sessions = row.sessions - earlier.get(row.kind, 0)
        if sessions:
            rows.append(replace(row, sessions=sessions))
    return tuple(rows)
