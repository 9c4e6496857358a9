"""Emerging trends: referrals and outcome rates on statistical process control charts.

Series, each a chart (see :mod:`.spc`):

* referrals by month, in total, per area (the months the area is valid) and per
  referral source;
* the rate of each outcome measure by quarter: achieved among the episodes that ended
  in the quarter with the measure assessed.

Only **complete** months count (a month is complete when the as-of date is its last day
or later), so a report never flags a month that is still filling up, and a published
chart stands at month ends. Series start in the month of the first referral (a
mobilisation period with none is not part of the process) and end with the last complete
month, or the contract's last month. The baseline (default: the first
``trends.baseline_months`` months, or all there are) gives the centre line and limits.

Published charts are drawn from the **published** counts: each month's (or quarter's)
is the difference of the audited cumulative releases at its ends (see
:mod:`.audit.release`), so their limits and signals give away nothing the releases do
not. A hidden count enters the centre line and limits at what a
hidden count averages at the series' mean (:func:`.trend_charts.hidden_count`), but
carries no signal and ends any run or trend through it (which side of a line it lies is
not known); a hidden rate is left out.
A published c-chart's limits allow for the rounding (two roundings, variance
``2 x round_to²/12``, added to the mean's). Internal charts use exact counts.

How one series is charted (limits, signals, icons) is in :mod:`.trend_charts`; this
module chooses the months and the baseline and counts what each series shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from ..core.fiscal import DateRange, Month, months_between
from ..core.ledger import Ledger
from ..core.models import Area, DisclosurePolicy, TrendsSettings
from .audit.release import Publisher
from .decided import ReleasedCounts, decided_count_signals
from .disclosure import Cell, Disclosure
from .outcomes.cells import TOTAL, Key, release_cells
from .outcomes.windows import window_report
from .spc import Rules, Signal, variation
from .trend_charts import About, Point, Series, SeriesBuilder, quarter_end
from .trend_charts import hidden_count as hidden_count  # where the tests have found it

RATE_PLACES = Decimal("0.0001")
COUNTS = ("referrals", "count", "month")  # measure, unit and period of a referral series


class BaselineOutsideData(ValueError):
    """The baseline asked for is not within the months the series cover."""


@dataclass(frozen=True, slots=True)
class TrendsReport:
    as_of: date
    disclosure: Disclosure
    policy: DisclosurePolicy
    chart: str  # the setting: "auto", "xmr" or "c"
    c_chart_below: int
    rules: Rules
    baseline: tuple[Month, Month] | None
    recent_from: Month | None  # points from this month on are "current"
    series: tuple[Series, ...]


@dataclass(frozen=True, slots=True)
class SignalSpan:
    """A signal on consecutive points of one series, e.g. a run of seven months."""

    series: Series
    signal: Signal
    first: Point
    last: Point


# ------------------------------------------------------------------------------- months


def series_months(ledger: Ledger, as_of: date) -> list[Month]:
    """The complete months from the first referral to the as-of date (or contract end)."""
    referred = [month for (month,) in ledger.episodes.counts([("referral_date", Month.of)])]
    if not referred or not ledger.decisions:
        return []
    last = Month.of(as_of) if as_of == Month.of(as_of).last_day else Month.of(as_of).previous()
    last = min(last, Month.of(ledger.end))
    return list(months_between(min(referred), last))


def choose_baseline(
    months: Sequence[Month],
    settings: TrendsSettings,
    first: Month | None = None,
    last: Month | None = None,
) -> tuple[Month, Month] | None:
    """The baseline months: ``first`` to ``last``; by default from the first month, for
    ``settings.baseline_months`` months (all there are when fewer). Raises
    :class:`BaselineOutsideData` when a month given is not in ``months``, or the months
    given hold fewer than two."""
    span = (
        f"complete months with referrals run from {months[0]} to {months[-1]}"
        if months
        else "there is no complete month with referrals yet"
    )
    for given in (first, last):
        if given is not None and given not in months:
            raise BaselineOutsideData(f"the baseline month {given} is outside the data: {span}")
    if not months:
        return None
    start = first or months[0]
    end = last or months[min(months.index(start) + settings.baseline_months, len(months)) - 1]
    if (first is not None or last is not None) and end <= start:
        raise BaselineOutsideData(
            f"the baseline {start} to {end} holds fewer than two months: process limits "
            f"need at least two ({span})"
        )
    return start, end


# ------------------------------------------------------------------------------- report


def trends(
    ledger: Ledger,
    as_of: date,
    disclosure: Disclosure,
    baseline_from: Month | None = None,
    baseline_to: Month | None = None,
    publisher: Publisher | None = None,
) -> TrendsReport:
    """Every series as of ``as_of``; published counts when ``disclosure`` says so."""
    settings = ledger.settings.trends
    policy = ledger.settings.disclosure
    months = series_months(ledger, as_of)
    baseline = choose_baseline(months, settings, baseline_from, baseline_to)
    rules = Rules(settings.run_length, settings.trend_length)
    published = disclosure is Disclosure.PUBLISHED
    builder = SeriesBuilder(
        settings.chart, settings.c_chart_below, rules, baseline, policy, published
    )
    series: list[Series] = []
    publisher = publisher or Publisher(ledger)
    exact_windows = _Windows(publisher, published=False)
    if months:
        windows = _Windows(publisher) if published else None
        series += _referral_series(ledger, months, builder, windows)
        series += _outcome_series(ledger, months, builder, windows or exact_windows)
    if months and published:
        released = ReleasedCounts(publisher, policy)
        series = [_decided(s, released, settings, baseline) for s in series]
    recent = months[-settings.recent_months :][0] if months else None
    return TrendsReport(
        as_of,
        disclosure,
        policy,
        settings.chart,
        settings.c_chart_below,
        rules,
        baseline,
        recent,
        tuple(series),
    )


def _decided(
    series: Series,
    released: ReleasedCounts,
    settings: TrendsSettings,
    baseline: tuple[Month, Month] | None,
) -> Series:
    """The published series with only the signals its figures decide: those every exact
    series they allow has on the internal chart (:mod:`.decided`). Such a signal says
    nothing the figures do not, and the exact chart has it; a signal of rounding, or one
    the figures leave open, is not shown. A rate chart (quarters, few points) keeps none."""
    decided: list[set[Signal]] = [set() for _ in series.points]
    if series.unit == "count":
        key: Key = ("source", series.source) if series.source else ("ref", series.area or TOTAL)
        months = [p.month for p in series.points]
        inside = [baseline is not None and baseline[0] <= m <= baseline[1] for m in months]
        spans = [released.change(key, m, m) for m in months]
        chosen = [m for m, b in zip(months, inside, strict=True) if b]
        whole = None
        if chosen and len(chosen) == chosen[-1].index - chosen[0].index + 1:  # in a row
            whole = released.change(key, chosen[0], chosen[-1])
        rules = Rules(settings.run_length, settings.trend_length)
        decided = decided_count_signals(
            spans, inside, settings.chart, settings.c_chart_below, rules, whole
        )
    points = tuple(
        replace(point, signals=tuple(s for s in point.signals if s in decided[i]))
        for i, point in enumerate(series.points)
    )
    latest = [p.signals for p in points if p.value is not None and not isinstance(p.value, str)]
    icon = variation(latest[-1] if latest else (), series.better)
    return replace(series, points=points, variation=icon if series.variation else None)


class _Windows:
    """Counts of a month or quarter as the outcomes report of that window has them:
    published, the difference of the published releases at its ends, so a chart shows
    nothing the releases do not (and the same figures); internal, the exact ones, counted
    by the same rules as the outcomes report (an outcome counts once its episode has
    ended, from the latest of its referral, start and end)."""

    def __init__(self, publisher: Publisher, published: bool = True) -> None:
        self.publisher = publisher
        self.published = published

    def cells(self, first: Month, last: Month) -> dict[Key, Cell]:
        span = DateRange(first.first_day, last.last_day, f"{first} to {last}")
        if self.published:
            return dict(self.publisher.window(span, last.last_day).cells.cells)
        end = self.publisher.exact(last.last_day).outcomes
        before = self.publisher.exact(first.first_day - timedelta(days=1)).outcomes
        return dict(release_cells(window_report(end, before, span)).cells)

    def table(self, months: list[Month], keys: list[Key]) -> list[list[Cell]]:
        found = [self.cells(m, m) for m in months]
        return [[cells.get(k, 0) for k in keys] for cells in found]


def _referral_series(
    ledger: Ledger, months: list[Month], builder: SeriesBuilder, windows: _Windows | None
) -> list[Series]:
    last_day = months[-1].last_day
    first_day = months[0].first_day
    when = ("referral_date", lambda day: first_day <= day <= last_day)
    month_of = ("referral_date", Month.of)
    by_area = ledger.episodes.counts(["area", month_of], when)
    by_source = ledger.episodes.counts(["referral_source", month_of], when)
    area_ids = [a for a in ledger.areas if any(by_area.get((a, m)) for m in months)]
    source_ids = _sources(ledger, {s for s, _ in by_source})
    if windows is None:
        area_cells: list[list[Cell]] = [[by_area.get((a, m), 0) for a in area_ids] for m in months]
        source_cells: list[list[Cell]] = [
            [by_source.get((s, m), 0) for s in source_ids] for m in months
        ]
        total_cells: list[Cell] = [sum(by_area.get((a, m), 0) for a in area_ids) for m in months]
    else:
        keys: list[Key] = [("ref", TOTAL), *(("ref", a) for a in area_ids)]
        keys += [("source", s) for s in source_ids]
        shown = windows.table(months, keys)
        total_cells = [row[0] for row in shown]
        area_cells = [row[1 : 1 + len(area_ids)] for row in shown]
        source_cells = [row[1 + len(area_ids) :] for row in shown]
    series = [builder.counts(About("referrals", "All referrals", *COUNTS), months, total_cells)]
    for j, area_id in enumerate(area_ids):
        area = ledger.areas[area_id]
        valid = [i for i, m in enumerate(months) if _valid_in(area, m)]
        series.append(
            builder.counts(
                About(f"referrals/area/{area_id}", f"{area.name} referrals", *COUNTS, area_id),
                [months[i] for i in valid],
                [area_cells[i][j] for i in valid],
            )
        )
    for j, source in enumerate(source_ids):
        series.append(
            builder.counts(
                About(
                    f"referrals/source/{source}",
                    f"Referrals from {source.replace('_', ' ')}",
                    *COUNTS,
                    source=source,
                ),
                months,
                [source_cells[i][j] for i in range(len(months))],
            )
        )
    return series


def _valid_in(area: Area, month: Month) -> bool:
    """Whether the area exists on some day of ``month``."""
    return area.valid_from <= month.last_day and (
        area.valid_to is None or area.valid_to >= month.first_day
    )


def _sources(ledger: Ledger, found: set[str]) -> list[str]:
    """Configured sources first, in their order, then any others found."""
    configured = [s for s in ledger.settings.referral_sources if s in found]
    return configured + sorted(found - set(configured))


def _outcome_series(
    ledger: Ledger, months: list[Month], builder: SeriesBuilder, windows: _Windows
) -> list[Series]:
    """The rate of each measure by quarter, over the complete quarters of ``months``: the
    counts of each quarter's outcomes report (exact or published, as ``windows`` is)."""
    measures = [m for m in ledger.measures if m.id in ledger.episodes.columns]
    quarters = [m for m in _quarter_starts(months) if quarter_end(m) <= months[-1]]
    if not measures or not quarters:
        return []
    policy = builder.policy
    found = [windows.cells(q, quarter_end(q)) for q in quarters]
    hit_cells = [[c.get(("achieved", TOTAL, m.id), 0) for m in measures] for c in found]
    try_cells = [[c.get(("assessed", TOTAL, m.id), 0) for m in measures] for c in found]
    result = []
    for j, measure in enumerate(measures):
        shown = [
            _rate(hit_cells[i][j], try_cells[i][j], policy, builder.published)
            for i in range(len(quarters))
        ]
        counts = [
            (hit, tried)
            if isinstance(rate, Decimal) and isinstance(hit, int) and isinstance(tried, int)
            else None
            for rate, hit, tried in zip(
                shown, (row[j] for row in hit_cells), (row[j] for row in try_cells), strict=True
            )
        ]
        result.append(builder.rates(measure, quarters, shown, counts))
    return result


def _quarter_starts(months: Sequence[Month]) -> list[Month]:
    """The first month of every financial quarter that ``months`` touch, in order."""
    starts: list[Month] = []
    for month in months:
        first = month
        while (first.period - 1) % 3:
            first = first.previous()
        if not starts or starts[-1] != first:
            starts.append(first)
    return starts


def _rate(
    achieved: Cell, assessed: Cell, policy: DisclosurePolicy, published: bool
) -> Decimal | str | None:
    """achieved / assessed, on the counts as shown; hidden where a count is hidden or, in
    a published chart, where fewer than ``min_rate_denominator`` were assessed."""
    if isinstance(achieved, str) or isinstance(assessed, str):
        return policy.suppressed_symbol
    if assessed == 0:
        return None
    if published and assessed < policy.min_rate_denominator:
        return policy.suppressed_symbol
    return (Decimal(achieved) / Decimal(assessed)).quantize(RATE_PLACES)


# ------------------------------------------------------------------------------ signals


def signal_spans(series: Series) -> list[SignalSpan]:
    """The signals of a series, consecutive points with the same signal as one span."""
    spans: list[SignalSpan] = []
    open_spans: dict[Signal, SignalSpan] = {}
    for point in series.points:
        for signal in list(open_spans):
            if signal not in point.signals:
                spans.append(open_spans.pop(signal))
        for signal in point.signals:
            span = open_spans.get(signal)
            open_spans[signal] = SignalSpan(series, signal, span.first if span else point, point)
    spans += open_spans.values()
    order = list(Signal)
    return sorted(spans, key=lambda s: (s.first.month, order.index(s.signal)))


def all_spans(report: TrendsReport) -> list[SignalSpan]:
    return [span for series in report.series for span in signal_spans(series)]


def current_spans(report: TrendsReport) -> list[SignalSpan]:
    """Signals that reach the last ``trends.recent_months`` months: what is emerging now."""
    if report.recent_from is None:
        return []
    recent = report.recent_from
    return [
        span
        for span in all_spans(report)
        if (quarter_end(span.last.month) if span.series.period == "quarter" else span.last.month)
        >= recent
    ]
