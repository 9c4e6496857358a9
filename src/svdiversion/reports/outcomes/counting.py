"""Exact counts of referrals, engagement and outcomes as of a date (internal figures).

Rows are counted by the few combinations of values that decide them (each date reduced
to its quarter, or to whether it has come), not one by one: a million rows hold a few
thousand combinations, and each date is looked at once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ...core.fiscal import Month
from ...core.ledger import Ledger
from ...core.models import Better, Measure, Status
from ..disclosure import Disclosure
from ..options import ReportOptions
from ..rag import rag_against_target
from .shapes import (
    ENDED,
    STATES,
    AreaOutcomes,
    Counts,
    MeasureRow,
    OutcomesReport,
    QuarterRow,
    WorkshopRow,
)
from .windows import window_report


@dataclass(frozen=True, slots=True)
class _Clock:
    """Where a date stands on the report date: come or not, and in which quarter."""

    as_of: date

    def happened(self, day: date | None) -> bool:
        return day is not None and day <= self.as_of

    def when(self, day: date | None) -> str | None:
        """``None`` if ``day`` has not come by the as-of date; else its fiscal quarter."""
        if day is None or day > self.as_of:
            return None
        return Month.of(day).fy_quarter


@dataclass(slots=True)
class _Tally:
    """Episodes counted by what the report shows, before they become its rows."""

    states: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    """Area -> referrals in each state."""
    quarters: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    """Quarter -> referrals, starts and endings in it."""
    sources: Counter[str] = field(default_factory=Counter)
    ages: Counter[int] = field(default_factory=Counter)
    pathways: Counter[str] = field(default_factory=Counter)
    achieved: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    """(area, measure) -> ended episodes that achieved it."""
    assessed: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    """(area, measure) -> ended episodes assessed on it."""


def outcomes(ledger: Ledger, options: ReportOptions) -> OutcomesReport:
    """Exact counts as of ``options.as_of``; within ``options.window`` when given, the
    difference of the cumulative counts at its ends (see :mod:`.windows`)."""
    window = options.window
    if window is None:
        return cumulative(ledger, options.as_of)
    before = window.start - timedelta(days=1)
    end = cumulative(ledger, max(options.as_of, before))
    return window_report(end, cumulative(ledger, before), window)


def cumulative(ledger: Ledger, as_of: date) -> OutcomesReport:
    """Exact counts of everything dated on or before ``as_of``."""
    clock = _Clock(as_of)
    measures = [m for m in ledger.measures if m.id in ledger.episodes.columns]
    tally = _Tally()
    _count_states(ledger, clock, tally)
    _count_referrals(ledger, clock, tally)
    _count_outcomes(ledger, clock, measures, tally)
    areas = _area_rows(ledger, measures, tally)
    total_states: Counter[str] = Counter()
    for counter in tally.states.values():
        total_states.update(counter)
    area_ids = list(ledger.areas)
    total_measures = tuple(
        _measure(
            ledger,
            m,
            sum(tally.achieved[a, m.id] for a in area_ids),
            sum(tally.assessed[a, m.id] for a in area_ids),
        )
        for m in measures
    )
    by_count = sorted(tally.sources.items(), key=lambda kv: (-kv[1], kv[0]))
    return OutcomesReport(
        as_of=as_of,
        window=None,
        disclosure=Disclosure.INTERNAL,
        policy=ledger.settings.disclosure,
        totals=_counts(total_states),
        sources=tuple(by_count),
        ages=tuple(sorted(tally.ages.items())),
        pathways=tuple(sorted((str(p), n) for p, n in tally.pathways.items())),  # enum -> value
        measures=total_measures,
        areas=areas,
        quarters=tuple(
            QuarterRow(label, q["referrals"], q["engaged"], q["completed"], q["disengaged"])
            for label, q in sorted(tally.quarters.items())
        ),
        workshops=_workshops(ledger, as_of),
        rag=ledger.settings.rag,
    )


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


def _count_states(ledger: Ledger, clock: _Clock, tally: _Tally) -> None:
    """Each area's referrals by state, and each quarter's referrals, starts and endings."""
    dates = [(name, clock.when) for name in ("referral_date", "start_date", "end_date")]
    for (area, status, referred, started, ended), count in ledger.episodes.counts(
        ["area", "status", *dates]
    ).items():
        state = _state(status, referred is not None, started is not None, ended is not None)
        if state is None:
            continue
        if referred:
            tally.states[area][state] += count
            tally.quarters[referred]["referrals"] += count
        if started:
            tally.quarters[started]["engaged"] += count
        if state in ENDED and ended:
            tally.quarters[ended][state] += count


def _count_referrals(ledger: Ledger, clock: _Clock, tally: _Tally) -> None:
    """Referrals by source, age and pathway."""
    for (referred, source, age, pathway), count in ledger.episodes.counts(
        [("referral_date", clock.happened), "referral_source", "age_at_referral", "pathway"]
    ).items():
        if referred:
            tally.sources[source] += count
            tally.ages[age] += count
            tally.pathways[pathway] += count


def _count_outcomes(ledger: Ledger, clock: _Clock, measures: list[Measure], tally: _Tally) -> None:
    """Outcomes count once the episode has ended."""
    for (area, status, referred, started, ended, *values), count in ledger.episodes.counts(
        [
            "area",
            "status",
            ("referral_date", clock.happened),
            ("start_date", clock.happened),
            ("end_date", clock.happened),
            *(m.id for m in measures),
        ]
    ).items():
        if not ended or _state(status, referred, started, True) not in ENDED:
            continue
        for measure, value in zip(measures, values, strict=True):
            if value is not None:
                tally.assessed[area, measure.id] += count
                tally.achieved[area, measure.id] += count * (value == "Y")


def _area_rows(ledger: Ledger, measures: list[Measure], tally: _Tally) -> tuple[AreaOutcomes, ...]:
    """A row per area with a referral or an outcome assessed, in the order of the areas."""
    rows = []
    for area_id in ledger.areas:
        if not tally.states.get(area_id) and not any(
            tally.assessed.get((area_id, m.id)) for m in measures
        ):
            continue
        rows.append(
            AreaOutcomes(
                id=area_id,
                name=ledger.area_name(area_id),
                counts=_counts(tally.states[area_id]),
                measures=tuple(
                    _measure(
                        ledger, m, tally.achieved[area_id, m.id], tally.assessed[area_id, m.id]
                    )
                    for m in measures
                ),
            )
        )
    return tuple(rows)


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


def _workshops(ledger: Ledger, as_of: date) -> tuple[WorkshopRow, ...]:
    table = ledger.workshops
    where = ("date", lambda day: day <= as_of)
    totals: dict[str, list[int]] = {
        kind: [sessions] for (kind,), sessions in table.counts(["kind"], where).items()
    }
    for name in ("cyp_attendees", "parent_attendees", "professional_attendees"):
        for (kind,), attendees in table.sums(["kind"], name, where).items():
            totals[kind].append(attendees)
    order = [k for k in ledger.settings.workshop_kinds if k in totals]
    order += sorted(set(totals) - set(order))
    return tuple(WorkshopRow(kind, *totals[kind]) for kind in order)
