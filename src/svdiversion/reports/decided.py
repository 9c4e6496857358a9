"""Which special-cause signals the published figures decide.

A published trend chart may show a signal only where it says nothing the published
figures do not, and is true: where *every* exact series the published figures allow
would have that signal on the internal chart. Then the signal is a function of what is
published (a reader learns nothing from it, nor from its absence), and the exact chart
has it (the true series is one of those allowed).

Each point's exact value is known to lie in a span (:meth:`ReleasedCounts.change`: a
month's count lies between what the published cumulative counts at its ends allow). From
the spans, interval arithmetic bounds the internal chart's centre line and limits, and
each rule is checked to hold for every value in them: a point is certainly above the
upper limit when its least value is above the greatest the limit can be; a run when every
point of it is certainly above the greatest centre; a trend when each point's greatest
value is below the next one's least.
The bounds are sound, not tight: a signal they cannot decide is left out, never one the
exact chart lacks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import TYPE_CHECKING

from ..core.fiscal import Month
from ..core.models import DisclosurePolicy
from .disclosure import UNBOUNDED, Cell, change_interval
from .outcomes.cells import Key
from .spc import MIN_BASELINE_POINTS, NEAR, XMR_SPREAD, Rules, Signal

if TYPE_CHECKING:
    from .audit.release import Publisher

INFINITY = Decimal("Infinity")
Span = tuple[Decimal, Decimal]
"""The least and greatest the exact value of a point can be (``INFINITY`` above: any)."""


def decided_count_signals(
    spans: Sequence[Span],
    in_baseline: Sequence[bool],
    chart: str,
    c_chart_below: int,
    rules: Rules,
    baseline_sum: Span | None = None,
) -> list[set[Signal]]:
    """The signals every exact series within ``spans`` has at each point on the internal
    count chart (``chart``: "auto", "c" or "xmr", as ``trends: chart`` in settings).
    ``baseline_sum``: what is known of the baseline points' sum as a whole (a run of
    months is the difference of two cumulative counts, narrower than its points' spans
    added up)."""
    none: list[set[Signal]] = [set() for _ in spans]
    base = [s for s, b in zip(spans, in_baseline, strict=True) if b]
    if len(base) < max(2, MIN_BASELINE_POINTS):
        return none  # the internal chart judges no point
    total = (sum((s[0] for s in base), Decimal(0)), sum((s[1] for s in base), Decimal(0)))
    if baseline_sum is not None:
        total = (max(total[0], baseline_sum[0]), min(total[1], baseline_sum[1]))
    kind = _kind(total, len(base), chart, c_chart_below)
    if kind is None:
        return none
    centre = (total[0] / len(base), total[1] / len(base))
    lines = _c_lines(centre) if kind == "c" else _xmr_lines(centre, base)
    found = none
    _beyond(spans, lines, found)
    _runs(spans, lines, rules.run_length, found)
    _trends(spans, rules.trend_length, found)
    _near(spans, lines, found)
    return found


class _Lines:
    """Bounds on the internal chart's lines: each a (least, greatest) pair."""

    def __init__(self, centre: Span, upper: Span, lower: Span, near_upper: Span, near_lower: Span):
        self.centre, self.upper, self.lower = centre, upper, lower
        self.near_upper, self.near_lower = near_upper, near_lower


def _kind(total: Span, points: int, chart: str, c_chart_below: int) -> str | None:
    """The internal chart's kind where the spans decide it (``auto`` picks a c-chart
    when the baseline's mean is under ``c_chart_below``); ``None`` where they do not."""
    if chart != "auto":
        return chart
    if total[1] < c_chart_below * points:
        return "c"
    if total[0] >= c_chart_below * points:
        return "xmr"
    return None


def _c_lines(centre: Span) -> _Lines:
    """c-chart: centre c (the mean), limits c +- 3 sqrt(c) (the lower at least 0), near
    lines c +- 2 sqrt(c); each bounded over every mean the spans allow."""

    def spread(k: int) -> tuple[Span, Span]:
        up = (centre[0] + k * _sqrt(centre[0]), centre[1] + k * _sqrt(centre[1]))
        # c - k sqrt(c) falls to its least at c = k²/4, then rises.
        turn = Decimal(k * k) / 4
        at = [centre[0], centre[1]] + ([turn] if centre[0] <= turn <= centre[1] else [])
        values = [c - k * _sqrt(c) if c.is_finite() else INFINITY for c in at]
        return up, (min(values), max(values))

    upper, (lowest, highest) = spread(3)
    near_upper, near_lower = spread(2)  # the near lines are not held at 0
    lower = (max(lowest, Decimal(0)), max(highest, Decimal(0)))
    return _Lines(centre, upper, lower, near_upper, near_lower)


def _xmr_lines(centre: Span, base: Sequence[Span]) -> _Lines:
    """XmR: centre the mean, limits centre +- 2.66 x the mean moving range (screened).
    Screening drops ranges above 3.267 times the mean, so the screened mean is never above
    the mean of all the ranges, nor that above the mean of the greatest each range can be;
    and never below 0."""
    ranges = [max(b[1] - a[0], a[1] - b[0], Decimal(0)) for a, b in pairwise(base)]
    widest = XMR_SPREAD * sum(ranges, Decimal(0)) / len(ranges)
    near = NEAR * widest
    return _Lines(
        centre,
        (centre[0], centre[1] + widest),
        (max(centre[0] - widest, Decimal(0)), max(centre[1], Decimal(0))),
        (centre[0], centre[1] + near),
        (centre[0] - near, centre[1]),
    )


def _beyond(spans: Sequence[Span], lines: _Lines, found: list[set[Signal]]) -> None:
    for i, (low, high) in enumerate(spans):
        if low > lines.upper[1]:
            found[i].add(Signal.ABOVE_UPPER)
        elif high < lines.lower[0]:
            found[i].add(Signal.BELOW_LOWER)


def _runs(spans: Sequence[Span], lines: _Lines, length: int, found: list[set[Signal]]) -> None:
    """A run wherever ``length`` points in a row are each certainly on one side."""
    above = [low > lines.centre[1] for low, _ in spans]
    below = [high < lines.centre[0] for _, high in spans]
    for side, signal in ((above, Signal.RUN_ABOVE), (below, Signal.RUN_BELOW)):
        for start in range(len(spans) - length + 1):
            if all(side[start : start + length]):
                for i in range(start, start + length):
                    found[i].add(signal)


def _trends(spans: Sequence[Span], length: int, found: list[set[Signal]]) -> None:
    """A trend wherever ``length`` points in a row each certainly rise (or fall) from the
    one before."""
    up = [a[1] < b[0] for a, b in pairwise(spans)]
    down = [b[1] < a[0] for a, b in pairwise(spans)]
    for steps, signal in ((up, Signal.TREND_UP), (down, Signal.TREND_DOWN)):
        for start in range(len(spans) - length + 1):
            if all(steps[start : start + length - 1]):
                for i in range(start, start + length):
                    found[i].add(signal)


def _near(spans: Sequence[Span], lines: _Lines, found: list[set[Signal]]) -> None:
    """Two of three points in a row certainly near one limit, all three certainly on its
    side of the centre line."""
    above = [low > lines.centre[1] for low, _ in spans]
    below = [high < lines.centre[0] for _, high in spans]
    near_up = [low > lines.near_upper[1] and high <= lines.upper[0] for low, high in spans]
    near_down = [high < lines.near_lower[0] and low >= lines.lower[1] for low, high in spans]
    for side, near, signal in (
        (above, near_up, Signal.NEAR_UPPER),
        (below, near_down, Signal.NEAR_LOWER),
    ):
        for start in range(len(spans) - 2):
            window = range(start, start + 3)
            if all(side[i] for i in window) and sum(near[i] for i in window) >= 2:
                for i in window:
                    if near[i]:
                        found[i].add(signal)


def _sqrt(value: Decimal) -> Decimal:
    return value.sqrt() if value > 0 else Decimal(0)


class ReleasedCounts:
    """What the published cumulative releases at month ends allow of the counts between
    them, each release read once."""

    def __init__(self, publisher: Publisher, policy: DisclosurePolicy) -> None:
        self.publisher = publisher
        self.policy = policy
        self._cells: dict[date, Mapping[Key, Cell]] = {}

    def change(self, key: Key, first: Month, last: Month) -> Span:
        """What the releases allow of the exact count of ``key`` from the start of
        ``first`` to the end of ``last``: the difference of the releases at those ends."""
        late = self._at(last.last_day).get(key, 0)
        early = self._at(first.first_day - timedelta(days=1)).get(key, 0)
        low, high = change_interval(late, early, self.policy)
        return Decimal(low), INFINITY if high >= UNBOUNDED else Decimal(high)

    def _at(self, day: date) -> Mapping[Key, Cell]:
        if day not in self._cells:
            self._cells[day] = self.publisher.released(day).cells.cells
        return self._cells[day]
