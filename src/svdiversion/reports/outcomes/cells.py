"""The counts about children in one release, each named by what it counts, and the sums a
reader knows they obey, within a release and between releases.

A release is the outcomes report as published for one as-of date and window, with the
children engaged by area that the areas report shows beside it. Every other published
figure about children (the areas' referrals, value for money's counts, the pack) is
read from these cells, so they are all the adversary gets.

Cell names (``Key``):

* ``("ref", area)``, ``("state", area, state)``, ``("engaged", area)``: referrals by
  state; ``area`` is ``"*"`` for the total row;
* ``("source", s)``, ``("age", a)``, ``("pathway", p)``: referrals by each;
* ``("achieved", area, m)``, ``("assessed", area, m)``: outcome measures;
* ``("quarter", label, column)``: referrals, starts and endings by quarter;
* ``("workshop", kind, who)``: attendances (sessions are not counts of children);
* ``("children", area)``: children who started (a child counts once, here and in
  the total);
* ``("group", column, value)`` and ``("group_completed", column, value)``: referrals
  by an equality column (sex, ethnicity...), and those of them completed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from ..disclosure import Cell
from .shapes import ENDED, STATES, Counts, GroupRow, MeasureRow, OutcomesReport, QuarterRow

Key = tuple[str, ...]
TOTAL = "*"

FLOWS = (
    "ref",
    "source",
    "age",
    "pathway",
    "engaged",
    "achieved",
    "assessed",
    "quarter",
    "group",
    "group_completed",
)
"""Counted by the date of one event (referral, start, ending, session): over a window,
the count at its end less the count just before its start."""
BY_AREA = ("ref", "state", "engaged", "achieved", "assessed", "children")
"""Cells named by an area (or the total row) first."""
STOCKS = ("awaiting", "active")
"""Where referrals stand on the day: a window shows them at its end."""


@dataclass(frozen=True, slots=True)
class ReleaseCells:
    """The cells of one release, by name, as shown (or exact, for the truth)."""

    cells: Mapping[Key, Cell]


def release_cells(
    report: OutcomesReport, children: Mapping[str, Cell] | None = None
) -> ReleaseCells:
    """Every count about children the release shows."""
    cells: dict[Key, Cell] = {}
    rows = [(a.id, a.counts, a.measures) for a in report.areas]
    rows.append((TOTAL, report.totals, report.measures))
    for area, counts, measures in rows:
        cells["ref", area] = counts.referrals
        cells["engaged", area] = counts.engaged
        for state in STATES:
            cells["state", area, state] = getattr(counts, state)
        for measure in measures:
            cells["achieved", area, measure.id] = measure.achieved
            cells["assessed", area, measure.id] = measure.assessed
    for name, items in (("source", report.sources), ("age", report.ages)):
        for label, value in items:
            cells[name, str(label)] = value
    for label, value in report.pathways:
        cells["pathway", label] = value
    for quarter in report.quarters:
        for column in ("referrals", "engaged", *ENDED):
            cells["quarter", quarter.label, column] = getattr(quarter, column)
    for workshop in report.workshops:
        for who in ("cyp", "parents", "professionals"):
            cells["workshop", workshop.kind, who] = getattr(workshop, who)
    for group in report.groups:
        cells["group", group.dimension, group.value] = group.referrals
        cells["group_completed", group.dimension, group.value] = group.completed
    for area, value in (children or {}).items():
        cells["children", area] = value
    return ReleaseCells(cells)


def additive_sums(cells: Mapping[Key, Cell]) -> list[tuple[Key, list[Key]]]:
    """``(total, parts)`` the reader knows hold within one release. A part missing from
    the release is a known zero, so only the parts present are listed."""
    areas = sorted({k[1] for k in cells if k[0] == "ref" and k[1] != TOTAL})
    measures = sorted({k[2] for k in cells if k[0] == "assessed"})
    sums: list[tuple[Key, list[Key]]] = []
    for area in [*areas, TOTAL]:
        sums.append((("ref", area), [("state", area, s) for s in STATES]))
        sums.append((("engaged", area), [("state", area, s) for s in ("active", *ENDED)]))
        # the same sum with engaged as the subtotal it is: what a reader takes away first
        sums.append(
            (
                ("ref", area),
                [("state", area, "declined"), ("state", area, "awaiting"), ("engaged", area)],
            )
        )
    for state in STATES:
        sums.append((("state", TOTAL, state), [("state", a, state) for a in areas]))
    sums.append((("ref", TOTAL), [("ref", a) for a in areas]))
    sums.append((("engaged", TOTAL), [("engaged", a) for a in areas]))
    for name in ("source", "age", "pathway"):
        parts = [k for k in cells if k[0] == name]
        if parts:
            sums.append((("ref", TOTAL), parts))
    for measure in measures:
        for kind in ("achieved", "assessed"):
            sums.append(((kind, TOTAL, measure), [(kind, a, measure) for a in areas]))
    for dimension in sorted({k[1] for k in cells if k[0] == "group"}):
        groups = sorted(k[2] for k in cells if k[0] == "group" and k[1] == dimension)
        referred: list[Key] = [("group", dimension, g) for g in groups]
        completed: list[Key] = [("group_completed", dimension, g) for g in groups]
        sums.append((("ref", TOTAL), referred))
        sums.append((("state", TOTAL, "completed"), completed))
    return sums


def known_order(cells: Mapping[Key, Cell]) -> list[tuple[Key, Key]]:
    """``(smaller, larger)`` pairs within one release: achieved never exceeds assessed,
    children who started never exceed the episodes started, nor an area's the total."""
    pairs: list[tuple[Key, Key]] = [
        (("achieved", k[1], k[2]), ("assessed", k[1], k[2])) for k in cells if k[0] == "assessed"
    ]
    for key in cells:
        if key[0] == "children":
            pairs.append((key, ("engaged", key[1])))
            if key[1] != TOTAL:
                pairs.append((key, ("children", TOTAL)))
    return pairs


def _groups_with(report: OutcomesReport, cells: Mapping[Key, Cell]) -> tuple[GroupRow, ...]:
    return tuple(
        replace(
            g,
            referrals=cells.get(("group", g.dimension, g.value), g.referrals),
            completed=cells.get(("group_completed", g.dimension, g.value), g.completed),
        )
        for g in report.groups
    )


def is_flow(key: Key) -> bool:
    """Counted by the date of one event, so a window's count is a difference of two
    cumulative counts, and a cumulative count never falls. Declined, completed and
    disengaged count from the referral or ending date; children who started (each
    once) grow too, but are not a flow of any one window."""
    if key[0] == "state":
        return key[-1] not in STOCKS
    return key[0] in FLOWS or key[0] == "workshop"


def is_growing(key: Key) -> bool:
    """A cumulative count that never falls as the as-of date moves on."""
    return is_flow(key) or key[0] == "children"


def with_cells(report: OutcomesReport, cells: Mapping[Key, Cell]) -> OutcomesReport:
    """The report with each count replaced by the cell of its name (a name not given
    keeps its count): the way back from :func:`release_cells`."""

    def cell(key: Key, current: Cell) -> Cell:
        return cells.get(key, current)

    def counts(area: str, current: Counts) -> Counts:
        values = {s: cell(("state", area, s), getattr(current, s)) for s in STATES}
        return replace(
            current,
            referrals=cell(("ref", area), current.referrals),
            engaged=cell(("engaged", area), current.engaged),
            **values,
        )

    def measures(area: str, rows: tuple[MeasureRow, ...]) -> tuple[MeasureRow, ...]:
        return tuple(
            replace(
                m,
                achieved=cell(("achieved", area, m.id), m.achieved),
                assessed=cell(("assessed", area, m.id), m.assessed),
            )
            for m in rows
        )

    return replace(
        report,
        totals=counts(TOTAL, report.totals),
        measures=measures(TOTAL, report.measures),
        areas=tuple(
            replace(a, counts=counts(a.id, a.counts), measures=measures(a.id, a.measures))
            for a in report.areas
        ),
        sources=tuple((s, cell(("source", s), v)) for s, v in report.sources),
        ages=tuple((a, cell(("age", str(a)), v)) for a, v in report.ages),
        pathways=tuple((p, cell(("pathway", p), v)) for p, v in report.pathways),
        quarters=tuple(
            QuarterRow(
                q.label,
                *(
                    cell(("quarter", q.label, c), getattr(q, c))
                    for c in ("referrals", "engaged", *ENDED)
                ),
            )
            for q in report.quarters
        ),
        groups=_groups_with(report, cells),
        workshops=tuple(
            replace(
                w,
                cyp=cell(("workshop", w.kind, "cyp"), w.cyp),
                parents=cell(("workshop", w.kind, "parents"), w.parents),
                professionals=cell(("workshop", w.kind, "professionals"), w.professionals),
            )
            for w in report.workshops
        ),
    )
