"""The outcomes report made safe to publish: disclosure control on every count about
children, each additive table protected as a whole (see :mod:`..disclosure`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TypeVar

from ...core.models import Better, DisclosurePolicy, RagThresholds
from ..disclosure import (
    Cell,
    Disclosure,
    cell_interval,
    protect_list,
    protect_rate,
    protect_table,
    round_count,
)
from ..rag import Rag, rag_against_target
from .cells import TOTAL
from .shapes import (
    STATES,
    AreaOutcomes,
    Counts,
    GroupRow,
    MeasureRow,
    OutcomesReport,
    QuarterRow,
    WorkshopRow,
)

K = TypeVar("K")


def publish(report: OutcomesReport) -> OutcomesReport:
    """The same report with disclosure control applied to every count about children."""
    policy = report.policy
    areas, totals = _published_states(report, policy)
    shown = replace(
        report,
        disclosure=Disclosure.PUBLISHED,
        totals=totals,
        sources=_published_list(report.sources, policy),
        ages=_published_list(report.ages, policy),
        pathways=_published_list(report.pathways, policy),
        measures=tuple(_publish_measure(m, policy, area_cells=None) for m in report.measures),
        areas=tuple(_protect_measures_by_area(report, areas, policy)),
        quarters=_published_quarters(report.quarters, policy),
        workshops=_published_workshops(report.workshops, policy),
        groups=_published_groups(report.groups, policy),
    )
    return with_rates(shown)


def _published_groups(groups: Sequence[GroupRow], policy: DisclosurePolicy) -> tuple[GroupRow, ...]:
    """Each equality column's referrals, and its completions, protected as lists."""
    shown: list[GroupRow] = []
    for dimension in dict.fromkeys(g.dimension for g in groups):
        rows = [g for g in groups if g.dimension == dimension]
        referrals, _ = protect_list([_int(g.referrals) for g in rows], policy)
        completed, _ = protect_list([_int(g.completed) for g in rows], policy)
        shown += [
            replace(g, referrals=r, completed=c)
            for g, r, c in zip(rows, referrals, completed, strict=True)
        ]
    return tuple(shown)


def _published_states(
    report: OutcomesReport, policy: DisclosurePolicy
) -> tuple[list[AreaOutcomes], Counts]:
    """Referral states by area as one table (its row, column and grand totals are the
    referrals shown), and each area's measures published on their own."""
    engaged = round_count(_int(report.totals.engaged), policy)
    matrix = [[_int(getattr(a.counts, s)) for s in STATES] for a in report.areas]
    if not matrix:
        return [], _counts(0, dict.fromkeys(STATES, 0), engaged)
    status = protect_table(matrix, policy)
    areas = [
        replace(
            area,
            counts=_counts(
                status.row_totals[i],
                dict(zip(STATES, status.cells[i], strict=True)),
                round_count(_int(area.counts.engaged), policy),
            ),
            measures=tuple(_publish_measure(m, policy, area_cells=None) for m in area.measures),
        )
        for i, area in enumerate(report.areas)
    ]
    totals: dict[str, Cell] = dict(zip(STATES, status.column_totals, strict=True))
    return areas, _counts(status.grand_total, totals, engaged)


def _counts(referrals: Cell, states: Mapping[str, Cell], engaged: Cell) -> Counts:
    return Counts(referrals=referrals, engaged=engaged, **states)


def _published_list(
    items: tuple[tuple[K, Cell], ...], policy: DisclosurePolicy
) -> tuple[tuple[K, Cell], ...]:
    """Counts by one thing (source, age, pathway), protected as a list with a total."""
    cells, _ = protect_list([_int(v) for _, v in items], policy)
    return tuple((k, c) for (k, _), c in zip(items, cells, strict=True))


def _published_quarters(
    quarters: Sequence[QuarterRow], policy: DisclosurePolicy
) -> tuple[QuarterRow, ...]:
    """Each quarter as the difference of the rounded cumulative totals at its end and just
    before it starts. A quarter's row then says nothing the totals at quarter ends do
    not, however many later releases repeat it, and the rows add up to the total. (The
    audited release works them again from the totals its releases publish.)"""
    columns = ("referrals", "engaged", "completed", "disengaged")
    shown: list[list[Cell]] = []
    before = dict.fromkeys(columns, 0)
    for quarter in quarters:
        row: list[Cell] = []
        for column in columns:
            earlier = before[column]
            before[column] += _int(getattr(quarter, column))
            start, end = round_count(earlier, policy), round_count(before[column], policy)
            hidden = isinstance(start, str) or isinstance(end, str)
            row.append(policy.suppressed_symbol if hidden else int(end) - int(start))
        shown.append(row)
    return tuple(QuarterRow(q.label, *row) for q, row in zip(quarters, shown, strict=True))


def _published_workshops(
    workshops: Sequence[WorkshopRow], policy: DisclosurePolicy
) -> tuple[WorkshopRow, ...]:
    """Attendance by kind; sessions are not counts of children and stay exact."""
    if not workshops:
        return ()
    table = protect_table(
        [[_int(w.cyp), _int(w.parents), _int(w.professionals)] for w in workshops],
        policy,
        row_totals_shown=False,
        column_totals_shown=False,
    )
    return tuple(WorkshopRow(w.kind, w.sessions, *table.cells[i]) for i, w in enumerate(workshops))


def _publish_measure(
    measure: MeasureRow, policy: DisclosurePolicy, area_cells: tuple[Cell, Cell] | None
) -> MeasureRow:
    shown_achieved, shown_assessed = area_cells or (
        round_count(_int(measure.achieved), policy),
        round_count(_int(measure.assessed), policy),
    )
    return replace(measure, achieved=shown_achieved, assessed=shown_assessed)


Spans = Mapping[tuple[str, str, str], tuple[int, int]]
"""The least and greatest true count a reader allows for ``("achieved"|"assessed", area,
measure)``, where it is not what the cell alone says (a window's: the difference of the
releases at its ends)."""

PAIRS = 10_000
"""More pairs of counts than this and a RAG is left undecided (never with counts shown)."""


def with_rates(report: OutcomesReport, spans: Spans | None = None) -> OutcomesReport:
    """Every rate worked again on the counts as the report shows them, and its RAG where
    those counts decide it: published, a RAG is shown only when every pair of true counts
    the shown ones allow (:func:`..disclosure.cell_interval`, or ``spans``) has that same
    RAG. It then says nothing the counts do not, and it is always the internal RAG (the
    true pair is one of them)."""
    published = report.disclosure is Disclosure.PUBLISHED

    def span(key: tuple[str, str, str], cell: Cell) -> tuple[int, int]:
        if spans is not None and key in spans:
            return spans[key]
        if published:
            return cell_interval(cell, report.policy)
        return (_int(cell), _int(cell))

    def rated(area: str, measure: MeasureRow) -> MeasureRow:
        rate = protect_rate(measure.achieved, measure.assessed, report.policy)
        rag = None
        if isinstance(rate, Decimal) and measure.target is not None:
            achieved = span(("achieved", area, measure.id), measure.achieved)
            assessed = span(("assessed", area, measure.id), measure.assessed)
            higher = measure.better == Better.HIGHER.value
            rag = decided_rag(achieved, assessed, measure.target, higher, report.rag)
        return replace(measure, rate=rate, rag=rag)

    return replace(
        report,
        measures=tuple(rated(TOTAL, m) for m in report.measures),
        areas=tuple(
            replace(a, measures=tuple(rated(a.id, m) for m in a.measures)) for a in report.areas
        ),
    )


def decided_rag(
    achieved: tuple[int, int],
    assessed: tuple[int, int],
    target: Decimal,
    higher_is_better: bool,
    thresholds: RagThresholds,
) -> Rag | None:
    """The RAG every pair of counts within the spans shares (the exact rate's, to four
    places, as the internal report works it); ``None`` where two pairs differ."""
    if (achieved[1] - achieved[0] + 1) * (assessed[1] - assessed[0] + 1) > PAIRS:
        return None
    found: set[Rag] = set()
    for whole in range(max(assessed[0], 1), assessed[1] + 1):
        for part in range(achieved[0], min(achieved[1], whole) + 1):
            rate = (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))
            found.add(rag_against_target(rate, target, higher_is_better, thresholds))
            if len(found) > 1:
                return None
    return found.pop() if found else None


def _protect_measures_by_area(
    report: OutcomesReport, areas: list[AreaOutcomes], policy: DisclosurePolicy
) -> list[AreaOutcomes]:
    """Achieved and assessed per measure add up over areas: protect each as a table."""
    if not report.areas or not report.measures:
        return areas
    achieved = protect_table(
        [[_int(m.achieved) for m in a.measures] for a in report.areas],
        policy,
        row_totals_shown=False,
    )
    assessed = protect_table(
        [[_int(m.assessed) for m in a.measures] for a in report.areas],
        policy,
        row_totals_shown=False,
    )
    result = []
    for i, (area, published) in enumerate(zip(report.areas, areas, strict=True)):
        measures = tuple(
            _publish_measure(m, policy, (achieved.cells[i][j], assessed.cells[i][j]))
            for j, m in enumerate(area.measures)
        )
        result.append(replace(published, measures=measures))
    return result


def _int(cell: Cell) -> int:
    if not isinstance(cell, int):
        raise TypeError(f"publish() takes an exact report, got {cell!r}")
    return cell
