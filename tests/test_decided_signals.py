"""A published trend signal is decided by the published figures: every exact series they
allow has it on the internal chart. Checked as a property against the internal chart's
own rules, and on the shipped ledger's charts."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from svdiversion.reports.decided import INFINITY, decided_count_signals
from svdiversion.reports.spc import Rules, Signal, c_limits, point_signals, xmr_limits

RULES = Rules(7, 7)
C_BELOW = 10


def internal_signals(values: list[int], baseline: int, chart: str) -> list[set[Signal]]:
    """The internal chart's signals, as SeriesBuilder.counts works them (no noise)."""
    exact = [Decimal(v) for v in values]
    base = exact[:baseline]
    if chart == "auto":
        chart = "c" if sum(base) < C_BELOW * len(base) else "xmr"
    limits = c_limits(base) if chart == "c" else xmr_limits(base)
    assert limits is not None
    return [set(s) for s in point_signals(exact, limits, RULES)]


def test_a_run_every_allowed_series_has_is_decided_and_one_it_may_lack_is_not() -> None:
    low = [(Decimal(18), Decimal(22))] * 12  # the baseline: about 20 a month (an XmR chart)
    high = [(Decimal(30), Decimal(34))] * 7  # then certainly above any centre it allows
    found = decided_count_signals(low + high, [True] * 12 + [False] * 7, "auto", C_BELOW, RULES)
    assert all(Signal.RUN_ABOVE in f for f in found[12:])
    doubtful = [*high[:6], (Decimal(15), Decimal(34))]  # the last may sit below the centre
    found = decided_count_signals(low + doubtful, [True] * 12 + [False] * 7, "auto", C_BELOW, RULES)
    assert not any(Signal.RUN_ABOVE in f for f in found)


def test_an_unbounded_point_decides_nothing_about_itself() -> None:
    spans = [(Decimal(18), Decimal(22))] * 12 + [(Decimal(1), INFINITY)]
    found = decided_count_signals(spans, [True] * 12 + [False], "auto", C_BELOW, RULES)
    assert found[-1] == set()


@given(
    st.lists(st.integers(min_value=0, max_value=60), min_size=14, max_size=24),
    st.lists(st.integers(min_value=0, max_value=4), min_size=48, max_size=48),
    st.sampled_from(["auto", "c", "xmr"]),
    st.booleans(),
)
@settings(max_examples=400, deadline=None)
def test_every_decided_signal_is_on_the_internal_chart(
    values: list[int], errors: list[int], chart: str, whole: bool
) -> None:
    """Whatever the exact series, and however wide the spans around it (0 to 4 either
    side, as a difference of two rounded counts allows), a decided signal is one the
    internal chart of the exact series has."""
    baseline = 12
    spans = [
        (Decimal(max(v - errors[2 * i], 0)), Decimal(v + errors[2 * i + 1]))
        for i, v in enumerate(values)
    ]
    total = sum(values[:baseline])
    known = (Decimal(max(total - 4, 0)), Decimal(total + 4)) if whole else None
    inside = [i < baseline for i in range(len(values))]
    decided = decided_count_signals(spans, inside, chart, C_BELOW, RULES, known)
    internal = internal_signals(values, baseline, chart)
    for mine, theirs in zip(decided, internal, strict=True):
        assert mine <= theirs


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=14, max_size=24))
@settings(max_examples=200, deadline=None)
def test_exact_spans_decide_every_internal_signal(values: list[int]) -> None:
    """With nothing hidden and nothing rounded, the decided signals are the internal ones:
    the bounds are tight where the figures are exact."""
    spans = [(Decimal(v), Decimal(v)) for v in values]
    inside = [i < 12 for i in range(len(values))]
    decided = decided_count_signals(spans, inside, "c", C_BELOW, RULES)
    assert decided == internal_signals(values, 12, "c")
