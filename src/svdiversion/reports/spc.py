"""Statistical process control as NHS England's "Making Data Count" teaches it.

A chart has a centre line and process limits worked out from a baseline of points, then
extended over every point; a point is *special cause* when one of four rules says the
process has changed, and *common cause* otherwise (the noise every process has):

* a point beyond a process limit;
* a run of ``run_length`` (7) points in a row above the centre line, or below it; a
  point on the centre line ends a run;
* a trend of ``trend_length`` (7) points in a row each higher than the one before, or
  each lower; two equal points end a trend;
* two of three points in a row near a limit (beyond two thirds of the way from the
  centre to it, not beyond it), all three on the same side of the centre line.

Every point of a run, trend or two-of-three is flagged, as the NHS-R community's
NHSRplotthedots package (Making Data Count in R) does.

Three charts: **XmR** (individuals and moving range; centre the mean, limits the mean
plus or minus 2.66 times the mean moving range, moving ranges above 3.267 times their
mean left out of it), the **c-chart** (counts of events: limits the mean plus or
minus three times its square root, a Poisson count's variance being its mean) and the
**p-chart** (a proportion of a denominator that varies from point to point: centre the
pooled proportion of the baseline, limits at each point ``p ± 3 √(p(1-p)/n)`` for its own
denominator ``n``). Limits are clipped to the values a measure can take (a count is never
below 0, a rate never outside 0 to 1); a point on a clipped limit is not beyond it, and
the "near a limit" lines are not clipped, so beside a limit clipped at 0 "near the lower
limit" can only be met above 0. With fewer than :data:`MIN_BASELINE_POINTS` points in
the baseline, limits are drawn but no point is judged (a warning says so). See
docs/trends.md.

>>> limits = xmr_limits([Decimal(v) for v in (5, 7, 6, 5, 7)])
>>> limits.centre, limits.upper
(Decimal('6'), Decimal('9.990'))
>>> point_signals([Decimal(12)], limits, Rules())
[(<Signal.ABOVE_UPPER: 'above_upper_limit'>,)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from itertools import pairwise

XMR_SPREAD = Decimal("2.66")  # 3 / d2, d2 = 1.128 for moving ranges of two points
MR_SCREEN = Decimal("3.267")  # D4: a moving range above D4 x mean is itself unusual
NEAR = Decimal(2) / Decimal(3)  # "near a limit": beyond 2 sigma of the 3 to the limit
MIN_BASELINE_POINTS = 12  # fewer, and limits are too unsure to judge a point by
RULES_EDITION = (
    "Making Data Count (NHS England), as NHSRplotthedots applies it: a point beyond a "
    "limit, a shift of {run} on one side of the centre, a trend of {trend}, two of three "
    "near a limit"
)


class ChartKind(StrEnum):
    XMR = "xmr"
    C = "c"
    P = "p"


class Signal(StrEnum):
    """The special-cause rule a point is flagged by. Values are the JSON names."""

    ABOVE_UPPER = "above_upper_limit"
    BELOW_LOWER = "below_lower_limit"
    RUN_ABOVE = "run_above_centre"
    RUN_BELOW = "run_below_centre"
    TREND_UP = "trend_rising"
    TREND_DOWN = "trend_falling"
    NEAR_UPPER = "two_of_three_near_upper_limit"
    NEAR_LOWER = "two_of_three_near_lower_limit"

    @property
    def high(self) -> bool:
        """Whether the signal says the process went up (else down)."""
        return self in HIGH_SIGNALS


HIGH_SIGNALS = frozenset({Signal.ABOVE_UPPER, Signal.RUN_ABOVE, Signal.TREND_UP, Signal.NEAR_UPPER})


@dataclass(frozen=True, slots=True)
class Rules:
    """The run lengths of the special-cause rules (``trends`` in config/settings.yaml)."""

    run_length: int = 7
    trend_length: int = 7


@dataclass(frozen=True, slots=True)
class Limits:
    """Centre line, process limits and the "near a limit" lines of one chart."""

    centre: Decimal
    upper: Decimal
    lower: Decimal
    near_upper: Decimal
    near_lower: Decimal


class Variation(StrEnum):
    """What the latest point says, as the Making Data Count variation icons do."""

    COMMON = "common_cause"
    IMPROVEMENT_HIGH = "improvement_high"
    IMPROVEMENT_LOW = "improvement_low"
    CONCERN_HIGH = "concern_high"
    CONCERN_LOW = "concern_low"
    NEITHER_HIGH = "neither_high"
    NEITHER_LOW = "neither_low"


class Assurance(StrEnum):
    """Whether the process will meet its target, as the assurance icons say."""

    PASS = "consistently_passes"
    FAIL = "consistently_fails"
    HIT_AND_MISS = "hit_and_miss"


def xmr_limits(
    baseline: Sequence[Decimal], floor: Decimal | None = Decimal(0), ceiling: Decimal | None = None
) -> Limits | None:
    """XmR limits from the baseline points (in order); ``None`` with fewer than two."""
    if len(baseline) < 2:
        return None
    centre = _mean(baseline)
    ranges = [abs(b - a) for a, b in pairwise(baseline)]
    mean_range = _mean(ranges)
    kept = [r for r in ranges if r < MR_SCREEN * mean_range]
    if kept:
        mean_range = _mean(kept)
    spread = XMR_SPREAD * mean_range
    return _limits(centre, spread, floor, ceiling)


def c_limits(baseline: Sequence[Decimal], noise: Decimal = Decimal(0)) -> Limits | None:
    """c-chart limits from the baseline counts; ``None`` with fewer than two. ``noise`` is
    variance the counts carry besides their own (the rounding of published counts)."""
    if len(baseline) < 2:
        return None
    centre = _mean(baseline)
    return _limits(centre, 3 * (centre + noise).sqrt(), Decimal(0), None)


def p_centre(achieved: Sequence[int], assessed: Sequence[int]) -> Decimal | None:
    """The pooled proportion of the baseline (its achieved over its assessed); ``None``
    with fewer than two points or nothing assessed."""
    if len(assessed) < 2 or not sum(assessed):
        return None
    return Decimal(sum(achieved)) / Decimal(sum(assessed))


def p_limits(centre: Decimal, assessed: int) -> Limits:
    """p-chart limits of one point with ``assessed`` in its denominator."""
    spread = 3 * (centre * (1 - centre) / Decimal(max(assessed, 1))).sqrt()
    return _limits(centre, spread, Decimal(0), Decimal(1))


def _limits(
    centre: Decimal, spread: Decimal, floor: Decimal | None, ceiling: Decimal | None
) -> Limits:
    upper, lower = centre + spread, centre - spread
    if floor is not None:
        lower = max(lower, floor)
    if ceiling is not None:
        upper = min(upper, ceiling)
    return Limits(centre, upper, lower, centre + NEAR * spread, centre - NEAR * spread)


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def point_signals(
    values: Sequence[Decimal | None], limits: Limits | Sequence[Limits], rules: Rules
) -> list[tuple[Signal, ...]]:
    """The special-cause signals of every point, in rule order; a missing value (``None``)
    has none and ends any run or trend through it. ``limits`` is one set for every point,
    or one per point (a p-chart's, which move with each point's denominator)."""
    each = [limits] * len(values) if isinstance(limits, Limits) else list(limits)
    found: list[set[Signal]] = [set() for _ in values]
    side = [_side(v, lines.centre) for v, lines in zip(values, each, strict=True)]
    _beyond_limits(values, each, found)
    _runs(side, rules.run_length, found)
    _trends(values, rules.trend_length, found)
    _two_of_three_near(values, each, side, found)
    order = list(Signal)
    return [tuple(sorted(point, key=order.index)) for point in found]


def _beyond_limits(
    values: Sequence[Decimal | None], each: Sequence[Limits], found: list[set[Signal]]
) -> None:
    """A point above the upper limit or below the lower one."""
    for i, value in enumerate(values):
        if value is not None and value > each[i].upper:
            found[i].add(Signal.ABOVE_UPPER)
        elif value is not None and value < each[i].lower:
            found[i].add(Signal.BELOW_LOWER)


def _runs(side: Sequence[int], length: int, found: list[set[Signal]]) -> None:
    """``length`` or more points in a row on one side of the centre line."""
    for first, last, key in _streaks(side):
        if last - first + 1 >= length:
            for i in range(first, last + 1):
                found[i].add(Signal.RUN_ABOVE if key > 0 else Signal.RUN_BELOW)


def _trends(values: Sequence[Decimal | None], length: int, found: list[set[Signal]]) -> None:
    """``length`` or more points in a row, each above (or below) the one before."""
    steps = [0] + [_step(a, b) for a, b in pairwise(values)]
    for first, last, key in _streaks(steps):
        # ``last - first + 1`` steps in a row join ``last - first + 2`` points.
        if last - first + 2 >= length:
            for i in range(first - 1, last + 1):
                found[i].add(Signal.TREND_UP if key > 0 else Signal.TREND_DOWN)


def _two_of_three_near(
    values: Sequence[Decimal | None],
    each: Sequence[Limits],
    side: Sequence[int],
    found: list[set[Signal]],
) -> None:
    """Two of three points in a row near one limit (beyond two thirds of the way to it),
    on the same side of the centre line."""
    near = [_near(v, lines) for v, lines in zip(values, each, strict=True)]
    for start in range(len(values) - 2):
        window = range(start, start + 3)
        sides = {side[i] for i in window}
        if len(sides) == 1 and 0 not in sides and sum(near[i] for i in window) >= 2:
            high = sides == {1}
            for i in window:
                if near[i]:
                    found[i].add(Signal.NEAR_UPPER if high else Signal.NEAR_LOWER)


def _side(value: Decimal | None, centre: Decimal) -> int:
    if value is None or value == centre:
        return 0
    return 1 if value > centre else -1


def _step(before: Decimal | None, after: Decimal | None) -> int:
    if before is None or after is None or before == after:
        return 0
    return 1 if after > before else -1


def _near(value: Decimal | None, limits: Limits) -> bool:
    """Near a limit but not beyond it."""
    if value is None:
        return False
    return (limits.near_upper < value <= limits.upper) or (
        limits.lower <= value < limits.near_lower
    )


def _streaks(keys: Sequence[int]) -> list[tuple[int, int, int]]:
    """``(first, last, key)`` of every maximal stretch of equal non-zero keys."""
    found = []
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] != 0:
                found.append((start, i - 1, keys[start]))
            start = i
    return found


def variation(signals: Sequence[Signal], better: str | None) -> Variation:
    """The variation icon of a point with ``signals``; ``better`` is "higher", "lower" or
    ``None`` where neither direction is better (referrals)."""
    if not signals:
        return Variation.COMMON
    high = signals[0].high
    if better is None:
        return Variation.NEITHER_HIGH if high else Variation.NEITHER_LOW
    if (better == "higher") == high:
        return Variation.IMPROVEMENT_HIGH if high else Variation.IMPROVEMENT_LOW
    return Variation.CONCERN_HIGH if high else Variation.CONCERN_LOW


def assurance(limits: Limits, target: Decimal | None, better: str | None) -> Assurance | None:
    """Whether the limits lie on the right side of the target; ``None`` without a target."""
    if target is None or better is None:
        return None
    passes_above = better == "higher"
    if (limits.lower > target and passes_above) or (limits.upper < target and not passes_above):
        return Assurance.PASS
    if (limits.upper < target and passes_above) or (limits.lower > target and not passes_above):
        return Assurance.FAIL
    return Assurance.HIT_AND_MISS
