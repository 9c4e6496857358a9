"""The outcomes report made safe to publish: disclosure control on every count about
children, each additive table protected as a whole (see :mod:`..disclosure`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import TypeVar

from ...core.models import Better, DisclosurePolicy
from ..disclosure import Cell, Disclosure, protect_list, protect_rate, protect_table, round_count
from ..rag import rag_against_target
from .shapes import (
    STATES,
    AreaOutcomes,
    Counts,
    MeasureRow,
    OutcomesReport,
    QuarterRow,
    WorkshopRow,
)

K = TypeVar("K")


def publish(report: OutcomesReport) -> OutcomesReport:
    """The same report with disclosure control applied to every count about children:
    each count the report's own exact count, hidden or rounded (a window's counts are
    the window's, never a difference of rounded figures), and each rate the exact rate
    to a whole percent with the RAG of the exact rate (:func:`with_exact_rates`)."""
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
    )
    return with_exact_rates(shown, report)


RateKey = tuple[str, str]
"""(area, measure) of a rate: the area is ``"*"`` for the total row."""

WHOLE_PERCENT = Decimal("0.01")


def whole_percent(achieved: int, assessed: int) -> Decimal:
    """A rate to a whole percent (halves up), as a fraction: 0.83 for 83%."""
    return (Decimal(achieved) / Decimal(assessed)).quantize(WHOLE_PERCENT, rounding=ROUND_HALF_UP)


def with_exact_rates(
    shown: OutcomesReport, exact: OutcomesReport, withheld: frozenset[RateKey] = frozenset()
) -> OutcomesReport:
    """Every rate of ``shown`` worked on the exact counts of ``exact``, to a whole percent,
    with the RAG of the exact rate (the internal RAG); shown only where both counts are
    shown, at least ``min_rate_denominator`` are shown assessed and the audit has not
    ``withheld`` it. A rate narrows what a reader knows of its two counts, so the audit
    (:mod:`..audit.linking`) takes it as a constraint, and withholds it where it would
    narrow a count too far."""
    policy = shown.policy
    truth = {("*", m.id): m for m in exact.measures}
    truth.update({(a.id, m.id): m for a in exact.areas for m in a.measures})

    def rated(area: str, measure: MeasureRow) -> MeasureRow:
        real = truth.get((area, measure.id))
        achieved, assessed = measure.achieved, measure.assessed
        if real is None or assessed == 0:
            return replace(measure, rate=None, rag=None)
        hidden = (
            isinstance(achieved, str)
            or isinstance(assessed, str)
            or assessed < policy.min_rate_denominator
            or (area, measure.id) in withheld
        )
        if hidden:
            return replace(measure, rate=policy.suppressed_symbol, rag=None)
        rate = whole_percent(_int(real.achieved), _int(real.assessed))
        return replace(measure, rate=rate, rag=real.rag)

    return replace(
        shown,
        measures=tuple(rated("*", m) for m in shown.measures),
        areas=tuple(
            replace(a, measures=tuple(rated(a.id, m) for m in a.measures)) for a in shown.areas
        ),
    )


def _published_states(
    report: OutcomesReport, policy: DisclosurePolicy
) -> tuple[list[AreaOutcomes], Counts]:
    """Referral states by area as one table (its row, column and grand totals are the
    referrals shown), and each area's measures published on their own."""
    engaged = round_count(_int(report.totals.engaged), policy)
    matrix = [[_int(getattr(a.counts, s)) for s in STATES] for a in report.areas]
    if not matrix:
        return [], _counts(0, dict.fromkeys(STATES, 0), engaged)
    if report.window is not None:
        return _published_window_states(report, policy)
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
    totals = dict(zip(STATES, status.column_totals, strict=True))
    return areas, _counts(status.grand_total, totals, engaged)


def _published_window_states(
    report: OutcomesReport, policy: DisclosurePolicy
) -> tuple[list[AreaOutcomes], Counts]:
    """In a window referrals, starts and endings are the window's, but awaiting and
    active stand at its end, so the states do not add up to the referrals: referrals and
    starts are each a list by area with its total, the endings and declined a table by
    area with column totals, the stocks another."""
    areas = report.areas
    referrals, referral_total = protect_list([_int(a.counts.referrals) for a in areas], policy)
    engaged, engaged_total = protect_list([_int(a.counts.engaged) for a in areas], policy)
    tables = {}
    for columns in (("declined", "completed", "disengaged"), ("awaiting", "active")):
        table = protect_table(
            [[_int(getattr(a.counts, c)) for c in columns] for a in areas],
            policy,
            row_totals_shown=False,
        )
        for j, column in enumerate(columns):
            tables[column] = ([row[j] for row in table.cells], table.column_totals[j])
    shown = [
        replace(
            area,
            counts=_counts(referrals[i], {s: tables[s][0][i] for s in STATES}, engaged[i]),
            measures=tuple(_publish_measure(m, policy, area_cells=None) for m in area.measures),
        )
        for i, area in enumerate(areas)
    ]
    totals = _counts(referral_total, {s: tables[s][1] for s in STATES}, engaged_total)
    return shown, totals


def _counts(referrals: Cell, states: dict[str, Cell], engaged: Cell) -> Counts:
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
    """Each quarter's own counts, each hidden or rounded on its own. (A published release
    shows instead the totals of the published quarter window, :mod:`..audit.release`, so
    the same count reads the same everywhere.)"""
    columns = ("referrals", "engaged", "completed", "disengaged")
    return tuple(
        QuarterRow(q.label, *(round_count(_int(getattr(q, c)), policy) for c in columns))
        for q in quarters
    )


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


def with_rates(report: OutcomesReport) -> OutcomesReport:
    """Every rate (and its RAG) worked again on the counts as the report shows them."""

    def rated(measure: MeasureRow) -> MeasureRow:
        rate = protect_rate(measure.achieved, measure.assessed, report.policy)
        rag = None
        if isinstance(rate, Decimal) and measure.target is not None:
            rag = rag_against_target(
                rate, measure.target, measure.better == Better.HIGHER.value, report.rag
            )
        return replace(measure, rate=rate, rag=rag)

    return replace(
        report,
        measures=tuple(rated(m) for m in report.measures),
        areas=tuple(replace(a, measures=tuple(rated(m) for m in a.measures)) for a in report.areas),
    )


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
    assert isinstance(cell, int), "publish() takes an exact report"
    return cell
