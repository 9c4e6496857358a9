"""Referrals, engagement and outcomes, by area and quarter, with disclosure control.

An episode's state is read from its dates as of the report date, so a report as of an
earlier date shows what was known then: engaged from ``start_date``; completed or
disengaged from ``end_date``; outcomes are counted once the episode has ended (they are
assessed at exit). Declined episodes count from their referral date.

``outcomes(...)`` gives exact counts (internal). ``publish(...)`` applies the disclosure
policy and returns the same shape with counts as published cells.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import Better, DisclosurePolicy, Measure, Status
from .disclosure import Cell, Disclosure, protect_list, protect_rate, protect_table, round_count
from .options import ReportOptions
from .rag import Rag, rag_against_target

STATES = ("declined", "awaiting", "active", "completed", "disengaged")
"""Where each referral stands as of the report date; together they add up to referrals."""
ENDED = ("completed", "disengaged")


@dataclass(frozen=True, slots=True)
class Counts:
    """Referral states. ``engaged`` = active + completed + disengaged (children who started)."""

    referrals: Cell
    declined: Cell
    awaiting: Cell
    active: Cell
    completed: Cell
    disengaged: Cell
    engaged: Cell


@dataclass(frozen=True, slots=True)
class MeasureRow:
    id: str
    name: str
    better: str
    target: Decimal | None
    achieved: Cell
    assessed: Cell
    rate: Decimal | str | None
    rag: Rag | None


@dataclass(frozen=True, slots=True)
class AreaOutcomes:
    id: str
    name: str
    counts: Counts
    measures: tuple[MeasureRow, ...]


@dataclass(frozen=True, slots=True)
class QuarterRow:
    label: str
    referrals: Cell
    engaged: Cell
    completed: Cell
    disengaged: Cell


@dataclass(frozen=True, slots=True)
class WorkshopRow:
    kind: str
    sessions: int
    cyp: Cell
    parents: Cell
    professionals: Cell


@dataclass(frozen=True, slots=True)
class OutcomesReport:
    as_of: date
    window: str | None
    disclosure: Disclosure
    policy: DisclosurePolicy
    totals: Counts
    sources: tuple[tuple[str, Cell], ...]
    ages: tuple[tuple[int, Cell], ...]
    pathways: tuple[tuple[str, Cell], ...]
    measures: tuple[MeasureRow, ...]
    areas: tuple[AreaOutcomes, ...]
    quarters: tuple[QuarterRow, ...]
    workshops: tuple[WorkshopRow, ...]


def _state(status: Status, referred: bool, started: bool, ended: bool) -> str | None:
    """The state from the status and whether each date has come by the as-of date."""
    if not referred:
        return None
    if status is Status.DECLINED:
        return "declined"
    if not started:
        return "awaiting"
    if not ended:
        return "active"
    return "completed" if status is Status.COMPLETED else "disengaged"


def outcomes(ledger: Ledger, options: ReportOptions) -> OutcomesReport:
    """Exact counts as of ``options.as_of`` (within ``options.window`` when given)."""
    as_of, window = options.as_of, options.window
    table = ledger.episodes
    measures = [m for m in ledger.measures if m.id in table.columns]
    area_ids = list(ledger.areas)

    def happened(day: date | None) -> bool:
        return day is not None and day <= as_of

    def when(day: date | None) -> str | None:
        """``None`` if ``day`` has not come by the as-of date; else its fiscal quarter
        when it is in the window, ``""`` when it is not."""
        if day is None or day > as_of:
            return None
        return Month.of(day).fy_quarter if window is None or day in window else ""

    def in_window(day: date | None) -> bool:
        return bool(when(day))

    states: dict[str, Counter[str]] = defaultdict(Counter)
    sources: Counter[str] = Counter()
    ages: Counter[int] = Counter()
    pathways: Counter[str] = Counter()
    achieved: dict[tuple[str, str], int] = defaultdict(int)
    assessed: dict[tuple[str, str], int] = defaultdict(int)
    quarters: dict[str, Counter[str]] = defaultdict(Counter)

    # Rows are counted by the few combinations that decide them (each date reduced to
    # its quarter, or whether it has come), not one by one: a million rows hold a few
    # thousand combinations, and each date is looked at once.
    dates = [(name, when) for name in ("referral_date", "start_date", "end_date")]
    for (area, status, referred, started, ended), count in table.counts(
        ["area", "status", *dates]
    ).items():
        state = _state(status, referred is not None, started is not None, ended is not None)
        if state is None:
            continue
        if referred:
            states[area][state] += count
            quarters[referred]["referrals"] += count
        if started:
            quarters[started]["engaged"] += count
        if state in ENDED and ended:
            quarters[ended][state] += count
    for (referred, source, age, pathway), count in table.counts(
        [("referral_date", in_window), "referral_source", "age_at_referral", "pathway"]
    ).items():
        if referred:
            sources[source] += count
            ages[age] += count
            pathways[pathway] += count
    # Outcomes count once the episode has ended, in the window.
    for (area, status, referred, started, ended, *values), count in table.counts(
        [
            "area",
            "status",
            ("referral_date", happened),
            ("start_date", happened),
            ("end_date", in_window),
            *(m.id for m in measures),
        ]
    ).items():
        if not ended or _state(status, referred, started, True) not in ENDED:
            continue
        for measure, value in zip(measures, values, strict=True):
            if value is not None:
                assessed[area, measure.id] += count
                achieved[area, measure.id] += count * (value == "Y")

    area_rows = []
    for area_id in area_ids:
        if not states.get(area_id) and not any(assessed.get((area_id, m.id)) for m in measures):
            continue
        area_rows.append(
            AreaOutcomes(
                id=area_id,
                name=ledger.area_name(area_id),
                counts=_counts(states[area_id]),
                measures=tuple(
                    _measure(ledger, m, achieved[area_id, m.id], assessed[area_id, m.id])
                    for m in measures
                ),
            )
        )
    total_states: Counter[str] = Counter()
    for counter in states.values():
        total_states.update(counter)
    total_measures = tuple(
        _measure(
            ledger,
            m,
            sum(achieved[a, m.id] for a in area_ids),
            sum(assessed[a, m.id] for a in area_ids),
        )
        for m in measures
    )
    by_count: list[tuple[str, int]] = sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))
    return OutcomesReport(
        as_of=as_of,
        window=window.label if window else None,
        disclosure=Disclosure.INTERNAL,
        policy=ledger.settings.disclosure,
        totals=_counts(total_states),
        sources=tuple(by_count),
        ages=tuple(sorted(ages.items())),
        pathways=tuple(sorted((str(p), n) for p, n in pathways.items())),  # enum -> value
        measures=total_measures,
        areas=tuple(area_rows),
        quarters=tuple(
            QuarterRow(label, q["referrals"], q["engaged"], q["completed"], q["disengaged"])
            for label, q in sorted(quarters.items())
        ),
        workshops=_workshops(ledger, options),
    )


def _counts(states: Counter[str]) -> Counts:
    engaged = states["active"] + states["completed"] + states["disengaged"]
    return Counts(
        sum(states[s] for s in STATES),
        states["declined"],
        states["awaiting"],
        states["active"],
        states["completed"],
        states["disengaged"],
        engaged,
    )


def _measure(ledger: Ledger, measure: Measure, achieved: int, assessed: int) -> MeasureRow:
    rate = (Decimal(achieved) / Decimal(assessed)).quantize(Decimal("0.0001")) if assessed else None
    rag = (
        rag_against_target(
            rate, measure.target, measure.better is Better.HIGHER, ledger.settings.rag
        )
        if rate is not None and measure.target is not None
        else None
    )
    return MeasureRow(
        measure.id,
        measure.name,
        measure.better.value,
        measure.target,
        achieved,
        assessed,
        rate,
        rag,
    )


def _workshops(ledger: Ledger, options: ReportOptions) -> tuple[WorkshopRow, ...]:
    table = ledger.workshops

    def counted(day: date) -> bool:
        return day <= options.as_of and (options.window is None or day in options.window)

    where = ("date", counted)
    totals: dict[str, list[int]] = {
        kind: [sessions] for (kind,), sessions in table.counts(["kind"], where).items()
    }
    for name in ("cyp_attendees", "parent_attendees", "professional_attendees"):
        for (kind,), attendees in table.sums(["kind"], name, where).items():
            totals[kind].append(attendees)
    order = [k for k in ledger.settings.workshop_kinds if k in totals]
    order += sorted(set(totals) - set(order))
    return tuple(WorkshopRow(kind, *totals[kind]) for kind in order)


# ------------------------------------------------------------------------- publishing


def publish(report: OutcomesReport) -> OutcomesReport:
    """The same report with disclosure control applied to every count about children."""
    policy = report.policy
    status_matrix = [[_int(getattr(a.counts, s)) for s in STATES] for a in report.areas]
    status = protect_table(status_matrix, policy) if status_matrix else None
    areas = []
    for index, area in enumerate(report.areas):
        assert status is not None
        cells = dict(zip(STATES, status.cells[index], strict=True))
        counts = Counts(
            referrals=status.row_totals[index],
            engaged=round_count(_int(area.counts.engaged), policy),
            **cells,
        )
        areas.append(
            replace(
                area,
                counts=counts,
                measures=tuple(_publish_measure(m, policy, area_cells=None) for m in area.measures),
            )
        )
    areas = _protect_measures_by_area(report, areas, policy)
    totals = report.totals
    total_counts = Counts(
        referrals=status.grand_total if status else 0,
        engaged=round_count(_int(totals.engaged), policy),
        **(
            dict(zip(STATES, status.column_totals, strict=True))
            if status
            else dict.fromkeys(STATES, 0)
        ),
    )
    source_cells, _ = protect_list([_int(v) for _, v in report.sources], policy)
    age_cells, _ = protect_list([_int(v) for _, v in report.ages], policy)
    pathway_cells, _ = protect_list([_int(v) for _, v in report.pathways], policy)
    quarter_table = (
        protect_table(
            [
                [_int(q.referrals), _int(q.engaged), _int(q.completed), _int(q.disengaged)]
                for q in report.quarters
            ],
            policy,
        )
        if report.quarters
        else None
    )
    quarters = (
        tuple(QuarterRow(q.label, *quarter_table.cells[i]) for i, q in enumerate(report.quarters))
        if quarter_table
        else ()
    )
    workshop_table = (
        protect_table(
            [[_int(w.cyp), _int(w.parents), _int(w.professionals)] for w in report.workshops],
            policy,
            row_totals_shown=False,
            column_totals_shown=False,
        )
        if report.workshops
        else None
    )
    workshops = (
        tuple(
            WorkshopRow(w.kind, w.sessions, *workshop_table.cells[i])
            for i, w in enumerate(report.workshops)
        )
        if workshop_table
        else ()
    )
    return replace(
        report,
        disclosure=Disclosure.PUBLISHED,
        totals=total_counts,
        sources=tuple((k, c) for (k, _), c in zip(report.sources, source_cells, strict=True)),
        ages=tuple((k, c) for (k, _), c in zip(report.ages, age_cells, strict=True)),
        pathways=tuple((k, c) for (k, _), c in zip(report.pathways, pathway_cells, strict=True)),
        measures=tuple(_publish_measure(m, policy, area_cells=None) for m in report.measures),
        areas=tuple(areas),
        quarters=quarters,
        workshops=workshops,
    )


def _publish_measure(
    measure: MeasureRow, policy: DisclosurePolicy, area_cells: tuple[Cell, Cell] | None
) -> MeasureRow:
    achieved, assessed = _int(measure.achieved), _int(measure.assessed)
    rate = protect_rate(achieved, assessed, policy)
    shown_achieved, shown_assessed = area_cells or (
        round_count(achieved, policy),
        round_count(assessed, policy),
    )
    # A rate would give away a hidden numerator, or a small count of the other answer.
    if isinstance(shown_achieved, str) or 0 < assessed - achieved < policy.suppress_below:
        rate = policy.suppressed_symbol if rate is not None else None
    return replace(
        measure,
        achieved=shown_achieved,
        assessed=shown_assessed,
        rate=rate,
        rag=measure.rag if not isinstance(rate, str) else None,
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
