"""The trends report in words: what each chart, signal, variation and assurance icon
means, and values as people read them (the terminal, Markdown, CSV and the workbook) or
as machines do (JSON, CSV)."""

from __future__ import annotations

from decimal import Decimal

from ..reports.disclosure import Disclosure
from ..reports.spc import (
    MIN_BASELINE_POINTS,
    RULES_EDITION,
    Assurance,
    ChartKind,
    Signal,
    Variation,
)
from ..reports.trend_charts import Series
from ..reports.trends import SignalSpan, TrendsReport

COUNT_PLACES = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")

CHART_NAMES = {
    ChartKind.XMR: "XmR chart (individuals and moving range)",
    ChartKind.C: "c-chart (counts of events)",
    ChartKind.P: "p-chart (proportions)",
}
SIGNAL_WORDS = {
    Signal.ABOVE_UPPER: "above the upper limit",
    Signal.BELOW_LOWER: "below the lower limit",
    Signal.RUN_ABOVE: "a run of {run} or more above the centre line",
    Signal.RUN_BELOW: "a run of {run} or more below the centre line",
    Signal.TREND_UP: "{trend} or more rising in a row",
    Signal.TREND_DOWN: "{trend} or more falling in a row",
    Signal.NEAR_UPPER: "two of three near the upper limit",
    Signal.NEAR_LOWER: "two of three near the lower limit",
}
VARIATION_WORDS = {
    Variation.COMMON: "common cause",
    Variation.IMPROVEMENT_HIGH: "improvement (higher)",
    Variation.IMPROVEMENT_LOW: "improvement (lower)",
    Variation.CONCERN_HIGH: "concern (higher)",
    Variation.CONCERN_LOW: "concern (lower)",
    Variation.NEITHER_HIGH: "special cause (higher)",
    Variation.NEITHER_LOW: "special cause (lower)",
}
ASSURANCE_WORDS = {
    Assurance.PASS: "meets the target",
    Assurance.FAIL: "misses the target",
    Assurance.HIT_AND_MISS: "hit and miss",
}
SHORT_CHART = {ChartKind.XMR: "XmR", ChartKind.C: "c-chart", ChartKind.P: "p-chart"}


def signal_words(signal: Signal, report: TrendsReport) -> str:
    return SIGNAL_WORDS[signal].format(run=report.rules.run_length, trend=report.rules.trend_length)


def span_when(span: SignalSpan) -> str:
    if span.first is span.last:
        return span.first.label
    return f"{span.first.label} to {span.last.label}"


def span_sentence(span: SignalSpan, report: TrendsReport) -> str:
    """``Telford & Wrekin referrals: 2024-08 above the upper limit``."""
    return f"{span.series.name}: {span_when(span)} {signal_words(span.signal, report)}"


def notes(report: TrendsReport) -> list[str]:
    """What the charts, rules and icons mean, in words."""
    rules = report.rules
    found = [
        f"Centre line and process limits from the baseline {baseline_words(report)}; points "
        "after it are judged against the same lines.",
        "Charts: XmR (individuals and moving range) for counts averaging "
        f"{report.c_chart_below} or more a month in the baseline; a c-chart (counts of events) "
        "for smaller counts; a p-chart for rates, whose limits move with each quarter's "
        "number assessed (the centre line and the limits in the tables are at the "
        "baseline's average number)."
        if report.chart == "auto"
        else f"Charts: {CHART_NAMES[ChartKind(report.chart)]} for counts; a p-chart for rates.",
        f"Rules: {rules_edition(report)}.",
        "Limits are clipped to what a measure can take (a count at 0, a rate at 0% and "
        "100%); a point on a clipped limit is not beyond it.",
        f"A series with fewer than {MIN_BASELINE_POINTS} points in its baseline shows its "
        "limits but judges no point: too few points to trust the limits.",
        "Special cause rules: a point beyond a limit; a run of "
        f"{rules.run_length} or more above or below the centre line; {rules.trend_length} "
        "or more rising or falling in a row; two of three in a row near a limit (beyond two "
        "thirds of the way to it), on one side of the centre line.",
        "Variation, at the latest point: common cause is the usual variation of a stable "
        "process, nothing to explain; special cause is a change worth looking into, shown "
        "as an improvement or a concern where the measure has a better direction, and as "
        "plain special cause (higher or lower) for referrals, where more or fewer is "
        "neither good nor bad in itself.",
        "Assurance, for measures with a target: meets (or misses) the target when both "
        "limits lie on its right (or wrong) side, so the process will meet it every time "
        "(or never) unless it changes; hit and miss when the target lies between the "
        "limits, so it will be met in some quarters and not others by chance alone.",
    ]
    if report.disclosure is Disclosure.PUBLISHED:
        policy = report.policy
        found.append(
            "Published figures: counts of 1 to "
            f"{policy.suppress_below - 1} shown as {policy.suppressed_symbol}, others "
            f"rounded to the nearest {policy.round_to}; the charts are drawn from these "
            "figures: a hidden count enters the centre line and limits at what such a count "
            "averages at the series' mean (drawn ○) and carries no signal; c-chart limits "
            "allow for the rounding; a rate only where at least "
            f"{policy.min_rate_denominator} were assessed."
        )
    return found


def variation_words(series: Series) -> str:
    """The variation icon in words, or why there is none."""
    if series.variation is not None:
        return VARIATION_WORDS[series.variation]
    if series.warning is not None:
        return f"not judged: {series.baseline_points} baseline points"
    return "too few points"


def rules_edition(report: TrendsReport) -> str:
    """The edition of the special-cause rules the report applies, with its lengths."""
    rules = report.rules
    return RULES_EDITION.format(run=rules.run_length, trend=rules.trend_length)


def baseline_words(report: TrendsReport) -> str:
    if report.baseline is None:
        return "(none: no complete month yet)"
    first, last = report.baseline
    return f"{first} to {last}"


def number(value: Decimal | None, series: Series) -> str | None:
    """A centre line or limit for machines: counts to 2 decimals, rates to 4."""
    if value is None:
        return None
    return str(value.quantize(RATE_PLACES if series.unit == "rate" else COUNT_PLACES))


def shown(value: Decimal | int | str | None, series: Series) -> str:
    """A value or line for people: 4.6 or 54.5%."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if series.unit == "rate":
        return f"{(Decimal(value) * 100).quantize(Decimal('0.1'))}%"
    if isinstance(value, int):
        return str(value)
    return str(value.quantize(Decimal("0.1")))
