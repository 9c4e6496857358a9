"""The trends report on the terminal (a chart per series), as JSON, CSV and Markdown,
and the "emerging trends" section of the monthly pack (docs/trends.md). The words for
charts, signals and icons are in :mod:`.trend_words`; the terminal chart of one series
is drawn by :mod:`.trend_chart`."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from ..core.sheet import Column, Sheet
from ..reports.disclosure import Disclosure
from ..reports.spc import ChartKind
from ..reports.trend_charts import Point, Series
from ..reports.trends import SignalSpan, TrendsReport, all_spans, current_spans
from .cells import CsvWriter, inert
from .json_reports import dumps
from .tabular import sheets_markdown
from .trend_words import (
    ASSURANCE_WORDS,
    SHORT_CHART,
    baseline_words,
    notes,
    number,
    rules_edition,
    shown,
    signal_words,
    span_sentence,
    span_when,
    variation_words,
)

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
        "rules": rules_edition(report),
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
        "baseline_points": series.baseline_points,
        "warning": series.warning,
        "points": [_point_json(p, series) for p in series.points],
    }


def _point_json(point: Point, series: Series) -> dict[str, Any]:
    found: dict[str, Any] = {
        "month": str(point.month),
        "label": point.label,
        "value": _point_value(point),
        "signals": [s.value for s in point.signals],
    }
    if series.chart is ChartKind.P:  # a p-chart's limits move with each denominator
        lines = point.limits
        found["lower"] = number(lines.lower, series) if lines else None
        found["upper"] = number(lines.upper, series) if lines else None
    return found


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
                variation_words(series),
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
            f"{baseline_words(report)}; 'svdiversion trends' shows every chart.",
            *(
                [
                    "Published: a signal is listed only where the published counts decide "
                    "it (every exact series they allow has it), so each is one the exact "
                    "charts have; the exact charts may have more."
                ]
                if report.disclosure is Disclosure.PUBLISHED
                else []
            ),
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
    from .console import banner, make_console, sheets_group, show
    from .trend_chart import series_chart

    console = make_console(width)
    console.print(banner(report.disclosure is Disclosure.INTERNAL))
    if not report.series:
        console.print("No complete month of referrals to chart yet.")
        return
    for series in report.series:
        show(console, series_chart(series, report))  # never squeezed: the terminal wraps
    signals, table = trends_sheets(report)
    show(console, sheets_group([signals]))
    show(console, sheets_group([table]))


def print_emerging(report: TrendsReport, width: int | None) -> None:
    from rich.text import Text

    from .console import make_console, sheet_table, show

    console = make_console(width)
    sheet = emerging_sheet(report)
    if sheet.rows:
        show(console, sheet_table(sheet))
    for note in sheet.notes:
        console.print(Text(f"  {note}", style="dim"))
