"""One chart of the trends report: a series of points, its process limits and signals.

A :class:`SeriesBuilder` turns the counts or rates of a series into a :class:`Series`:
it picks the chart (a c-chart for small counts, XmR otherwise), works out the centre line
and limits from the baseline, finds the special-cause signals and reads the variation
and assurance icons (see :mod:`.spc`). :func:`hidden_count` is where a hidden count
enters a published chart's lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from math import factorial

from ..core.fiscal import Month
from ..core.models import DisclosurePolicy, Measure
from .disclosure import Cell
from .spc import (
    MIN_BASELINE_POINTS,
    Assurance,
    ChartKind,
    Limits,
    Rules,
    Signal,
    Variation,
    assurance,
    c_limits,
    p_centre,
    p_limits,
    point_signals,
    variation,
    xmr_limits,
)


@dataclass(frozen=True, slots=True)
class Point:
    """One point of a series: ``month`` is the first month of its period, ``label`` the
    period's name; ``value`` is a count, a rate (``Decimal``), the disclosure symbol, or
    ``None`` where there is nothing to measure (no outcome assessed that quarter)."""

    month: Month
    label: str
    value: int | Decimal | str | None
    signals: tuple[Signal, ...]
    limits: Limits | None = None  # a p-chart's own limits at this point's denominator


@dataclass(frozen=True, slots=True)
class Series:
    id: str
    name: str
    measure: str  # "referrals", or the id of an outcome measure
    area: str | None
    source: str | None
    unit: str  # "count" or "rate"
    period: str  # "month" or "quarter"
    chart: ChartKind
    better: str | None  # "higher" / "lower"; None when neither direction is better
    target: Decimal | None
    limits: Limits | None
    points: tuple[Point, ...]
    variation: Variation | None
    assurance: Assurance | None
    hidden_as: Decimal | None = None  # where a hidden count enters the lines (published)
    baseline_points: int = 0  # the points the centre line and limits are worked from
    warning: str | None = None  # why no point is judged (too short a baseline)


@dataclass(frozen=True, slots=True)
class About:
    """What a series is, before its points are charted."""

    id: str
    name: str
    measure: str
    unit: str
    period: str
    area: str | None = None
    source: str | None = None
    better: str | None = None
    target: Decimal | None = None


@dataclass(frozen=True, slots=True)
class SeriesBuilder:
    """Makes a :class:`Series` from its points: limits, signals, icons."""

    chart: str  # "auto", "xmr" or "c"
    c_chart_below: int
    rules: Rules
    baseline: tuple[Month, Month] | None
    policy: DisclosurePolicy
    published: bool

    def counts(self, about: About, months: Sequence[Month], cells: Sequence[Cell]) -> Series:
        hidden = [c for m, c in zip(months, cells, strict=True) if self._in_baseline(m)]
        hidden_as = hidden_count(hidden, self.policy.suppress_below)
        values = [Decimal(c) if isinstance(c, int) else hidden_as for c in cells]
        in_baseline = [v for m, v in zip(months, values, strict=True) if self._in_baseline(m)]
        chart = self._count_chart(in_baseline)
        limits = (
            c_limits(in_baseline, self._rounding_variance())
            if chart is ChartKind.C
            else xmr_limits(in_baseline)
        )
        points = [(m, str(m), cell) for m, cell in zip(months, cells, strict=True)]
        # A hidden count shows no signal: which side of a line it lies is not known.
        shown = [v if isinstance(c, int) else None for v, c in zip(values, cells, strict=True)]
        series = self._series(about, chart, limits, points, shown, len(in_baseline))
        if any(isinstance(c, str) for c in cells):
            series = replace(series, hidden_as=hidden_as)
        return series

    def rates(
        self,
        measure: Measure,
        quarters: Sequence[Month],
        shown: Sequence[Decimal | str | None],
        counts: Sequence[tuple[int, int] | None],
    ) -> Series:
        """A p-chart of the measure's rate by quarter: ``counts`` are each quarter's
        (achieved, assessed) as shown, ``None`` where its rate is hidden or missing."""
        values = [v if isinstance(v, Decimal) else None for v in shown]
        base = [
            pair
            for q, v, pair in zip(quarters, values, counts, strict=True)
            if v is not None and pair is not None and self._in_baseline(quarter_end(q))
        ]
        centre = p_centre([a for a, _ in base], [n for _, n in base])
        each = [
            p_limits(centre, pair[1]) if centre is not None and pair is not None else None
            for pair in counts
        ]
        mean_n = round(sum(n for _, n in base) / len(base)) if base else 0
        limits = p_limits(centre, mean_n) if centre is not None else None
        points = [(q, q.fy_quarter, v) for q, v in zip(quarters, shown, strict=True)]
        about = About(
            f"outcome/{measure.id}",
            f"{measure.name} (rate)",
            measure.id,
            "rate",
            "quarter",
            better=measure.better.value,
            target=measure.target,
        )
        series = self._series(about, ChartKind.P, limits, points, values, len(base), each)
        return series

    def _series(
        self,
        about: About,
        chart: ChartKind,
        limits: Limits | None,
        points: Sequence[tuple[Month, str, int | Decimal | str | None]],
        values: Sequence[Decimal | None],
        baseline_points: int,
        each: Sequence[Limits | None] | None = None,
    ) -> Series:
        """``each``: a p-chart's limits per point (``None`` where a point has no rate)."""
        judged = limits is not None and baseline_points >= MIN_BASELINE_POINTS
        warning = (
            None
            if limits is None or judged
            else f"only {baseline_points} baseline point{'s' * (baseline_points != 1)}, "
            f"fewer than {MIN_BASELINE_POINTS}: limits shown, no point judged"
        )
        found: list[tuple[Signal, ...]] = [()] * len(points)
        if judged and limits is not None:
            lines = [e or limits for e in each] if each is not None else limits
            found = point_signals(values, lines, self.rules)
        with_value = [signals for signals, v in zip(found, values, strict=True) if v is not None]
        latest = with_value[-1] if with_value else ()
        return Series(
            about.id,
            about.name,
            about.measure,
            about.area,
            about.source,
            about.unit,
            about.period,
            chart,
            about.better,
            about.target,
            limits,
            tuple(
                Point(month, label, value, signals, each[i] if each is not None else None)
                for i, ((month, label, value), signals) in enumerate(
                    zip(points, found, strict=True)
                )
            ),
            variation(latest, about.better) if judged else None,
            assurance(limits, about.target, about.better) if limits else None,
            baseline_points=baseline_points,
            warning=warning,
        )

    def _count_chart(self, baseline: Sequence[Decimal]) -> ChartKind:
        """``auto``: a c-chart for small counts (baseline mean under ``c_chart_below``),
        an XmR chart otherwise."""
        if self.chart != "auto":
            return ChartKind(self.chart)
        small = not baseline or sum(baseline) < self.c_chart_below * len(baseline)
        return ChartKind.C if small else ChartKind.XMR

    def _in_baseline(self, last: Month) -> bool:
        """Whether a point whose period ends in month ``last`` counts in the baseline."""
        return self.baseline is not None and self.baseline[0] <= last <= self.baseline[1]

    def _rounding_variance(self) -> Decimal:
        """A published count of a month or quarter is the difference of two rounded
        cumulative counts: the count plus two rounding errors, each spread evenly over
        ``round_to`` values, variance ``2 x round_to² / 12``, which a c-chart's limits
        (worked from the mean alone) must allow for. Moving ranges see it by themselves."""
        return Decimal(2 * self.policy.round_to**2) / 12 if self.published else Decimal(0)


def hidden_count(baseline: Sequence[Cell], below: int) -> Decimal:
    """The value a hidden count (1 to ``below - 1``) stands for in a chart's lines: what
    such a count averages when counts arrive at random (Poisson) at the series' own
    mean, that mean being worked out with the hidden counts at this value (repeated until
    it settles). Worked from the published figures alone, so it reveals nothing.

    >>> hidden_count(["[c]", 10, 0, 5], 5)  # a mean of 4.49: a hidden count is nearer 3
    Decimal('2.95')
    """
    shown = [Decimal(c) for c in baseline if isinstance(c, int)]
    value = Decimal(below) / 2
    hidden = len(baseline) - len(shown)
    if not hidden:
        return value
    for _ in range(100):
        mean = (sum(shown, Decimal(0)) + hidden * value) / len(baseline)
        weights = [(k, mean**k / factorial(k)) for k in range(1, below)]
        settled = sum((k * w for k, w in weights), Decimal(0)) / sum(
            (w for _, w in weights), Decimal(0)
        )
        if abs(settled - value) < Decimal("0.000001"):
            break
        value = settled
    return value.quantize(Decimal("0.01"))


def quarter_end(first: Month) -> Month:
    return first.next().next()
