"""Exact counts of referrals, engagement and outcomes as of a date (internal figures).

Rows are counted by the few combinations of values that decide them (each date reduced
to its quarter, or to whether it has come), not one by one: a million rows hold a few
thousand combinations, and each date is looked at once.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from ...core.fiscal import Month
from ...core.ledger import Ledger
from ...core.models import Better, Measure
from ..disclosure import Disclosure
from ..options import ReportOptions
from ..rag import rag_against_target
from .follow_ups import FollowUp, count_follow_ups, follow_ups
from .groups import count_groups, group_rows
from .shapes import (
    ENDED,
    GROUP_DIMENSIONS,
    STATES,
    AreaOutcomes,
    Counts,
    MeasureRow,
    OutcomesReport,
    QuarterRow,
    WorkshopRow,
    state_of,
)
from .windows import window_report


@dataclass(frozen=True, slots=True)
class _Clock:
    """Where a date stands on the report date: come or not, and in which quarter."""

    as_of: date

    def happened(self, day: date | None) -> bool:
        return day is not None and day <= self.as_of

    def closed(self, day: date) -> bool:
        return day <= self.as_of

    def when(self, day: date | None) -> str | None:
        """``None`` if ``day`` has not come by the as-of date; else its fiscal quarter."""
        if day is None or day > self.as_of:
            return None
        return Month.of(day).fy_quarter


@dataclass(frozen=True, slots=True)
class _MonthClock:
    """The same questions of a date's month (as :attr:`Month.index`), for a report at
    the end of the month numbered ``last``."""

    last: int

    def happened(self, month: int | None) -> bool:
        return month is not None and month <= self.last

    def closed(self, day: date) -> bool:
        return Month.of(day).index <= self.last

    def when(self, month: int | None) -> str | None:
        if month is None or month > self.last:
            return None
        return _quarter_of(month)


@cache
def _quarter_of(index: int) -> str:
    return Month(index // 12, index % 12 + 1).fy_quarter


Spec = list[Any]
"""Columns to count by, each a name or ``(name, function of its value)``."""
Rows = Callable[[Spec], Iterable[tuple[tuple[Any, ...], int]]]
"""The rows of the episodes counted by a spec: ``(values, count)``, a key maybe twice."""


class MonthEnds:
    """Exact cumulative reports at many month ends from one count of the episodes by
    the months of their dates (a date is on or before a month end exactly when its
    month is on or before that month), instead of one count per month end."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._counted: dict[tuple[str, ...], list[tuple[tuple[Any, ...], int]]] = {}
        self._outcomes: list[tuple[int, str, str, int, int]] | None = None
        self._follow: list[FollowUp] | None = None

    def report(self, month_end: date) -> OutcomesReport:
        month = Month.of(month_end)
        if month.last_day != month_end:
            raise ValueError(f"MonthEnds reports stand at month ends, not {month_end}")
        clock = _MonthClock(month.index)
        return _report(self.ledger, month_end, clock, self._rows, self._ended, self._follow_ups)

    def _follow_ups(self, ledger: Ledger) -> list[FollowUp]:
        if self._follow is None:
            self._follow = follow_ups(ledger)
        return self._follow

    def _ended(self, clock: _Clock | _MonthClock, measures: list[Measure], tally: _Tally) -> None:
        """Outcomes by the month an episode ended (when its referral, start and end have
        all come), counted once and summed to each month end."""
        if not isinstance(clock, _MonthClock):
            raise TypeError("MonthEnds counts by month")
        if self._outcomes is None:
            self._outcomes = _ended_by_month(self.ledger, measures)
        for month, area, measure, assessed, achieved in self._outcomes:
            if month > clock.last:
                break
            tally.assessed[area, measure] += assessed
            tally.achieved[area, measure] += achieved

    def _rows(self, spec: Spec) -> Iterable[tuple[tuple[Any, ...], int]]:
        names = tuple(s if isinstance(s, str) else s[0] for s in spec)
        if names not in self._counted:
            keys = [(n, _month_of) if n.endswith("_date") else n for n in names]
            self._counted[names] = list(self.ledger.episodes.counts(keys).items())
        functions = [None if isinstance(s, str) else s[1] for s in spec]
        for values, count in self._counted[names]:
            yield (
                tuple(v if f is None else f(v) for v, f in zip(values, functions, strict=True)),
                count,
            )


def _ended_by_month(
    ledger: Ledger, measures: list[Measure]
) -> list[tuple[int, str, str, int, int]]:
    """(month it counts from, area, measure, assessed, achieved), in month order: an
    ended episode's outcomes count from the latest of its referral, start and end."""
    found: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    dates = [(name, _month_of) for name in ("referral_date", "start_date", "end_date")]
    for measure in measures:
        counted = ledger.episodes.counts(["area", "status", *dates, measure.id])
        for (area, status, *months, value), count in counted.items():
            if value is None or None in months or state_of(status, True, True, True) not in ENDED:
                continue
            counts = found[max(months), area, measure.id]
            counts[0] += count
            counts[1] += count * (value == "Y")
    return [(m, a, k, n[0], n[1]) for (m, a, k), n in sorted(found.items())]


def _month_of(day: date | None) -> int | None:
    return day.year * 12 + day.month - 1 if day is not None else None


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
    groups: Mapping[tuple[str, str], Counter[str]] = field(default_factory=dict)
    """(dimension, group) -> referrals and completions."""
    achieved: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    """(area, measure) -> ended episodes that achieved it."""
    assessed: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))
    """(area, measure) -> ended episodes assessed on it."""


def outcomes(ledger: Ledger, options: ReportOptions) -> OutcomesReport:
    """Exact counts as of ``options.as_of``; within ``options.window`` when given, the
    difference of the cumulative counts at its ends (see :mod:`.windows`): its last day,
    or ``as_of`` when that comes first (a later ``as_of`` adds nothing after the window)."""
    window = options.window
    if window is None:
        return cumulative(ledger, options.as_of)
    before = window.start - timedelta(days=1)
    end = cumulative(ledger, max(min(options.as_of, window.end), before))
    return window_report(end, cumulative(ledger, before), window)


def cumulative(ledger: Ledger, as_of: date) -> OutcomesReport:
    """Exact counts of everything dated on or before ``as_of``."""

    def rows(spec: Spec) -> Iterable[tuple[tuple[Any, ...], int]]:
        return ledger.episodes.counts(spec).items()

    def ended(clock: _Clock | _MonthClock, measures: list[Measure], tally: _Tally) -> None:
        _count_outcomes(rows, clock, measures, tally)

    return _report(ledger, as_of, _Clock(as_of), rows, ended)


Ended = Callable[["_Clock | _MonthClock", list[Measure], "_Tally"], None]
"""Puts the outcomes of ended episodes into the tally."""


def _report(
    ledger: Ledger,
    as_of: date,
    clock: _Clock | _MonthClock,
    rows: Rows,
    ended: Ended,
    follow: Callable[[Ledger], list[FollowUp]] = follow_ups,
) -> OutcomesReport:
    measures = [m for m in ledger.measures if m.derived or m.id in ledger.episodes.columns]
    tally = _Tally()
    _count_states(rows, clock, tally)
    _count_referrals(rows, clock, tally)
    dimensions = [d for d in GROUP_DIMENSIONS if d in ledger.episodes.columns]
    tally.groups = count_groups(rows, clock.happened, dimensions)
    ended(clock, [m for m in measures if not m.derived], tally)
    count_follow_ups(follow(ledger), clock.closed, tally.assessed, tally.achieved)
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
    equality = ledger.settings.equality
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
        groups=group_rows(tally.groups, dimensions, equality.population_10_17),
        population_source=equality.population_source,
    )


def _count_states(rows: Rows, clock: _Clock | _MonthClock, tally: _Tally) -> None:
    """Each area's referrals by state, and each quarter's referrals, starts and endings."""
    dates = [(name, clock.when) for name in ("referral_date", "start_date", "end_date")]
    for (area, status, referred, started, ended), count in rows(["area", "status", *dates]):
        state = state_of(status, referred is not None, started is not None, ended is not None)
        if state is None:
            continue
        if referred:
            tally.states[area][state] += count
            tally.quarters[referred]["referrals"] += count
        if started:
            tally.quarters[started]["engaged"] += count
        if state in ENDED and ended:
            tally.quarters[ended][state] += count


def _count_referrals(rows: Rows, clock: _Clock | _MonthClock, tally: _Tally) -> None:
    """Referrals by source, age and pathway."""
    for (referred, source, age, pathway), count in rows(
        [("referral_date", clock.happened), "referral_source", "age_at_referral", "pathway"]
    ):
        if referred:
            tally.sources[source] += count
            tally.ages[age] += count
            tally.pathways[pathway] += count


def _count_outcomes(
    rows: Rows, clock: _Clock | _MonthClock, measures: list[Measure], tally: _Tally
) -> None:
    """Outcomes count once the episode has ended."""
    for (area, status, referred, started, ended, *values), count in rows(
        [
            "area",
            "status",
            ("referral_date", clock.happened),
            ("start_date", clock.happened),
            ("end_date", clock.happened),
            *(m.id for m in measures),
        ]
    ):
        if not ended or state_of(status, referred, started, True) not in ENDED:
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
        measure.follow_up_days if measure.derived else None,
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
