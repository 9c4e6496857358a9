"""The trends report on the terminal (a chart per series), as JSON, CSV and Markdown,
and the "emerging trends" section of the monthly pack (docs/trends.md)."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from ..reports.disclosure import Disclosure
from ..reports.spc import Assurance, ChartKind, Signal, Variation, variation
from ..reports.trends import (
    Point,
    Series,
    SignalSpan,
    TrendsReport,
    all_spans,
    current_spans,
)
from .cells import CsvWriter, inert
from .console import banner, make_console, sheet_table, sheets_group, show
from .json_reports import dumps
from .sheets import Column, Sheet
from .tabular import sheets_markdown

COUNT_PLACES = Decimal("0.01")
RATE_PLACES = Decimal("0.0001")

CHART_NAMES = {
    ChartKind.XMR: "XmR chart (individuals and moving range)",
    ChartKind.C: "c-chart (counts of events)",
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
SHORT_CHART = {ChartKind.XMR: "XmR", ChartKind.C: "c-chart"}
# The Making Data Count colours: grey common cause, blue improvement, orange concern,
# purple where neither direction is better.
POINT_STYLES = {
    "common": "grey62",
    "improvement": "bold blue",
    "concern": "bold dark_orange",
    "neither": "bold magenta",
}


# ------------------------------------------------------------------------------- words


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
        f"Centre line and process limits from the baseline {_baseline(report)}; points "
        "after it are judged against the same lines.",
        "Charts: XmR (individuals and moving range) for rates, and for counts averaging "
        f"{report.c_chart_below} or more a month in the baseline; a c-chart (counts of events) "
        "for smaller counts."
        if report.chart == "auto"
        else f"Charts: {CHART_NAMES[ChartKind(report.chart)]} for counts; XmR for rates.",
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


def _baseline(report: TrendsReport) -> str:
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


# -------------------------------------------------------------------------------- JSON


def trends_json(report: TrendsReport) -> dict[str, Any]:
    policy = report.policy
    return {
        "as_of": report.as_of.isoformat(),
        "disclosure": {
            "mode": report.disclosure.value,
            "suppress_below": policy.suppress_below,
            "round_to": policy.round_to,
            "min_rate_denominator": policy.min_rate_denominator,
            "symbol": policy.suppressed_symbol,
        },
        "baseline": _baseline_json(report),
        "chart": report.chart,
        "recent_from": str(report.recent_from) if report.recent_from else None,
        "series": [_series_json(s) for s in report.series],
        "signals": [_span_json(span, report) for span in all_spans(report)],
    }


def _baseline_json(report: TrendsReport) -> dict[str, str | None]:
    first, last = report.baseline or (None, None)
    return {"from": str(first) if first else None, "to": str(last) if last else None}


def _series_json(series: Series) -> dict[str, Any]:
    limits = series.limits
    return {
        "id": series.id,
        "name": series.name,
        "area": series.area,
        "source": series.source,
        "measure": series.measure,
        "unit": series.unit,
        "period": series.period,
        "chart": series.chart.value,
        "centre": number(limits.centre, series) if limits else None,
        "upper": number(limits.upper, series) if limits else None,
        "lower": number(limits.lower, series) if limits else None,
        "better": series.better,
        "target": str(series.target) if series.target is not None else None,
        "variation": series.variation.value if series.variation else None,
        "assurance": series.assurance.value if series.assurance else None,
        "hidden_as": str(series.hidden_as) if series.hidden_as is not None else None,
        "points": [
            {
                "month": str(p.month),
                "label": p.label,
                "value": _point_value(p),
                "signals": [s.value for s in p.signals],
            }
            for p in series.points
        ],
    }


def _point_value(point: Point) -> int | str | None:
    value = point.value
    return str(value) if isinstance(value, Decimal) else value


def _span_json(span: SignalSpan, report: TrendsReport) -> dict[str, Any]:
    return {
        "series": span.series.id,
        "name": span.series.name,
        "from": span.first.label,
        "to": span.last.label,
        "signal": span.signal.value,
        "description": span_sentence(span, report),
    }


def emerging_json(report: TrendsReport) -> dict[str, Any]:
    """The pack's section: the signals that reach the latest months."""
    return {
        "as_of": report.as_of.isoformat(),
        "disclosure": report.disclosure.value,
        "baseline": _baseline_json(report),
        "recent_from": str(report.recent_from) if report.recent_from else None,
        "signals": [_span_json(span, report) for span in current_spans(report)],
    }


# ------------------------------------------------------------------------------ sheets


def signals_sheet(report: TrendsReport, spans: list[SignalSpan], title: str) -> Sheet:
    return Sheet(
        "signals",
        title,
        (
            Column("series", "Series"),
            Column("when", "When"),
            Column("value", "Value"),
            Column("signal", "Signal"),
        ),
        [
            [
                span.series.name,
                span_when(span),
                shown(span.first.value, span.series) if span.first is span.last else "",
                signal_words(span.signal, report),
            ]
            for span in spans
        ],
    )


def series_sheet(report: TrendsReport) -> Sheet:
    rows = []
    for series in report.series:
        limits = series.limits
        latest = _latest(series)
        rows.append(
            [
                series.name,
                SHORT_CHART[series.chart] if limits else "",
                shown(limits.centre, series) if limits else "",
                shown(limits.lower, series) if limits else "",
                shown(limits.upper, series) if limits else "",
                f"{latest.label}: {shown(latest.value, series)}" if latest else "",
                VARIATION_WORDS[series.variation] if series.variation else "too few points",
                ASSURANCE_WORDS[series.assurance] if series.assurance else "",
            ]
        )
    return Sheet(
        "series",
        f"Series as of {report.as_of}",
        (
            Column("series", "Series"),
            Column("chart", "Chart"),
            Column("centre", "Centre"),
            Column("lower", "Lower limit"),
            Column("upper", "Upper limit"),
            Column("latest", "Latest"),
            Column("variation", "Variation"),
            Column("assurance", "Assurance"),
        ),
        rows,
        notes=notes(report),
    )


def _latest(series: Series) -> Point | None:
    with_value = [p for p in series.points if p.value is not None]
    return with_value[-1] if with_value else None


def trends_sheets(report: TrendsReport) -> list[Sheet]:
    spans = all_spans(report)
    return [
        signals_sheet(report, spans, f"Signals as of {report.as_of}"),
        series_sheet(report),
    ]


def emerging_sheet(report: TrendsReport) -> Sheet:
    """The pack's "emerging trends": signals reaching the last few months."""
    spans = current_spans(report)
    recent = report.recent_from
    sheet = signals_sheet(
        report, spans, f"Emerging trends: signals since {recent}" if recent else "Emerging trends"
    )
    said = (
        [f"No signal since {recent}: every series shows common cause variation lately."]
        if recent and not spans
        else []
    )
    if recent is None:
        said = ["No complete month of referrals to chart yet."]
    return Sheet(
        sheet.name,
        sheet.title,
        sheet.columns,
        sheet.rows,
        notes=[
            *said,
            f"Statistical process control (Making Data Count) against the baseline "
            f"{_baseline(report)}; 'svdiversion trends' shows every chart.",
        ],
    )


# ------------------------------------------------------------------------- text formats


CSV_COLUMNS = (
    "series", "name", "area", "source", "measure", "unit", "period", "chart",
    "month", "label", "value", "centre", "lower", "upper", "signals",
)  # fmt: skip


def trends_csv(report: TrendsReport) -> str:
    """One row per point, for pivot tables and other tools."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(CSV_COLUMNS)
    for series in report.series:
        limits = series.limits
        for point in series.points:
            value = _point_value(point)
            writer.writerow(
                [
                    series.id,
                    inert(series.name),
                    series.area or "",
                    series.source or "",
                    series.measure,
                    series.unit,
                    series.period,
                    series.chart.value,
                    str(point.month),
                    point.label,
                    "" if value is None else value,
                    number(limits.centre, series) if limits else "",
                    number(limits.lower, series) if limits else "",
                    number(limits.upper, series) if limits else "",
                    ";".join(s.value for s in point.signals),
                ]
            )
    return buffer.getvalue()


def trends_text(report: TrendsReport, fmt: str) -> str:
    if fmt == "json":
        return dumps(trends_json(report))
    if fmt == "csv":
        return trends_csv(report)
    marking = (
        "INTERNAL - NOT FOR PUBLICATION: exact counts about children."
        if report.disclosure is Disclosure.INTERNAL
        else "Published figures: disclosure control applied (see the notes)."
    )
    return sheets_markdown(trends_sheets(report), f"Trends as of {report.as_of}", [marking])


# ----------------------------------------------------------------------------- terminal


def print_trends(report: TrendsReport, width: int | None) -> None:
    console = make_console(width)
    console.print(banner(report.disclosure is Disclosure.INTERNAL))
    if not report.series:
        console.print("No complete month of referrals to chart yet.")
        return
    for series in report.series:
        console.print(series_chart(series, report))
    signals, table = trends_sheets(report)
    show(console, sheets_group([signals]))
    show(console, sheets_group([table]))


def print_emerging(report: TrendsReport, width: int | None) -> None:
    console = make_console(width)
    sheet = emerging_sheet(report)
    if sheet.rows:
        show(console, sheet_table(sheet))
    for note in sheet.notes:
        console.print(Text(f"  {note}", style="dim"))


def series_chart(series: Series, report: TrendsReport, height: int = 9) -> RenderableType:
    """A point per period, the centre line and process limits, flagged points marked."""
    limits = series.limits
    title = f"{series.name}: " + (
        f"{CHART_NAMES[series.chart]}" if limits else "too few points for process limits"
    )
    plotted = [(i, _plotted(p, series)) for i, p in enumerate(series.points)]
    values = [v for _, v in plotted if v is not None]
    lines = [limits.upper, limits.centre, limits.lower] if limits else []
    low = min([*values, *lines], default=Decimal(0))
    high = max([*values, *lines], default=Decimal(1))
    if high == low:
        high = low + 1
    step = (high - low) / (height - 1)
    cell = 2 if series.period == "month" else 6  # room for a quarter's label

    def row_of(value: Decimal) -> int:
        return int(((value - low) / step).to_integral_value())

    marks = {}
    if limits:
        marks = {
            row_of(limits.upper): ("┄", f"upper {shown(limits.upper, series)}"),
            row_of(limits.lower): ("┄", f"lower {shown(limits.lower, series)}"),
            row_of(limits.centre): ("─", f"centre {shown(limits.centre, series)}"),
        }
    rows: list[Text] = []
    for level in range(height - 1, -1, -1):
        line = Text(f"{shown(low + step * level, series):>8} │", style="dim")
        rule, label = marks.get(level, (" ", ""))
        for i, value in plotted:
            point = series.points[i]
            if value is not None and row_of(value) == level:
                line.append(rule * (cell - 1), style="cyan")
                line.append(*_glyph(point, series))
            else:
                line.append(rule * cell, style="cyan" if rule != " " else "")
        if label:
            line.append(f" {label}", style="cyan")
        rows.append(line)
    rows.append(Text(" " * 9 + "└" + "─" * (cell * len(series.points)), style="dim"))
    rows.append(_baseline_marks(series, report, cell))
    first = series.points[0].label if series.points else ""
    last = series.points[-1].label if series.points else ""
    gap = max(cell * len(series.points) - len(first) - len(last), 1)
    rows.append(Text(" " * 10 + first + " " * gap + last, style="dim"))
    return Panel(Group(*rows), title=title, title_align="left", expand=False)


def _plotted(point: Point, series: Series) -> Decimal | None:
    if isinstance(point.value, str):
        return series.hidden_as
    return None if point.value is None else Decimal(point.value)


def _glyph(point: Point, series: Series) -> tuple[str, str]:
    if isinstance(point.value, str):
        return "○", "grey62"
    if not point.signals:
        return "•", POINT_STYLES["common"]
    kind = variation(point.signals, series.better).value.split("_")[0]
    return "●", POINT_STYLES[kind]


def _baseline_marks(series: Series, report: TrendsReport, cell: int) -> Text:
    line = Text(" " * 10)
    if report.baseline is None:
        return line
    first, last = report.baseline
    for point in series.points:
        end = point.month.next().next() if series.period == "quarter" else point.month
        line.append(("▔" if first <= end <= last else " ") * cell, style="dim")
    line.append(" baseline", style="dim")
    return line
