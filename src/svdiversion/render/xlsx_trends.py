"""The return's charts that look ahead and across: the burn-down to the contract end with
its forecasts (on the Burn-down tab), and the Trends tab, a native line chart of each
main series with its centre line and process limits.

Like the other charts (:mod:`.xlsx_charts`), each draws the cells of the table above it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from openpyxl.chart import LineChart
from openpyxl.chart.marker import Marker

from ..core.fiscal import Month, months_between
from ..core.sheet import Column, Kind, Sheet
from ..reports.spc import ChartKind
from ..reports.spend_outlook import SpendOutlook
from ..reports.trend_charts import Series
from ..reports.trends import TrendsReport
from .trend_words import CHART_NAMES, rules_edition, variation_words
from .xlsx_charts import LINE, MONEY_AXIS, THICK
from .xlsx_tab import Placed, categories

OUTLOOK_COLOURS = {
    "cumulative_planned": "4472C4",
    "cumulative_actual": "C00000",
    "profile": "4472C4",
    "run_rate": "ED7D31",
    "treasurer": "7030A0",
    "budget": "7F7F7F",
}
DASHED = {"profile": "sysDot", "run_rate": "dash", "treasurer": "dashDot", "budget": "dash"}


# ----------------------------------------------------------------------- the outlook


def outlook_sheet(outlook: SpendOutlook) -> Sheet:
    """Every month of the contract: cumulative planned, actual to the as-of date, and the
    three forecasts from there to the end."""
    actual = {Month.of(day): pence for day, pence in outlook.actual}

    def at(path: Sequence[tuple[date, int]]) -> dict[Month, int]:
        return {Month.of(day): pence for day, pence in path if day == Month.of(day).last_day}

    profile, run_rate, treasurer = at(outlook.profile), at(outlook.run_rate), at(outlook.treasurer)
    planned = at(outlook.planned)
    months = months_between(Month.of(outlook.start), Month.of(outlook.end))
    columns = [
        Column("period", "Month"),
        Column("cumulative_planned", "Cum. planned", Kind.MONEY),
        Column("cumulative_actual", "Cum. actual", Kind.MONEY),
        Column("profile", "Forecast on profile", Kind.MONEY),
        Column("run_rate", "Forecast at run rate", Kind.MONEY),
    ]
    if outlook.treasurer:
        columns.append(Column("treasurer", "Treasurer's forecast", Kind.MONEY))
    columns.append(Column("budget", "Budget ceiling", Kind.MONEY))
    rows = []
    for month in months:
        row: list[Any] = [
            str(month),
            planned.get(month),
            actual.get(month),
            profile.get(month),
            run_rate.get(month),
        ]
        if outlook.treasurer:
            row.append(treasurer.get(month))
        rows.append([*row, outlook.budget])
    return Sheet(
        "outlook",
        f"Cumulative spend to {outlook.end:%B %Y}, with forecasts",
        tuple(columns),
        rows,
        notes=[
            f"Actual to {outlook.as_of}; each forecast starts from the actual spend and runs "
            "to the contract end: on the profile still to come, at the average of the last "
            "three complete months, and on the treasurer's monthly figures where recorded."
        ],
    )


def outlook_chart(table: Placed, keys: Sequence[str], title: str) -> Any:
    chart = LineChart()
    chart.title = title
    keys = [k for k in keys if k in table.columns]
    for key in keys:
        chart.add_data(table.reference(key, with_header=True), titles_from_data=True)
    categories(chart, table.reference("period"))
    for key, series in zip(keys, chart.series, strict=True):
        series.smooth = False
        line = series.graphicalProperties.line
        line.solidFill = OUTLOOK_COLOURS[key]
        line.width = THICK if key == "cumulative_actual" else LINE
        if key in DASHED:
            line.dashStyle = DASHED[key]
        series.marker = Marker(symbol="none")
    chart.x_axis.title = "Month"
    chart.x_axis.tickLblPos = "low"
    chart.y_axis.title = "£"
    chart.y_axis.number_format = MONEY_AXIS
    chart.y_axis.scaling.min = 0
    if chart.legend is not None:  # a new chart has one
        chart.legend.position = "b"
    return chart


# ------------------------------------------------------------------------ the trends


def main_series(report: TrendsReport) -> list[Series]:
    """The series the Trends tab charts: all referrals and each outcome rate."""
    return [s for s in report.series if s.id == "referrals" or s.unit == "rate"]


def series_sheet(series: Series, number: int) -> Sheet:
    """One series' points with its centre line and limits (a p-chart's per point)."""
    rate = series.unit == "rate"
    kind = Kind.PERCENT if rate else Kind.DECIMAL
    limits = series.limits
    rows = []
    for point in series.points:
        value = point.value if isinstance(point.value, int | Decimal) else None
        lines = point.limits if series.chart is ChartKind.P else limits
        rows.append(
            [
                point.label,
                value,
                limits.centre if limits else None,
                lines.lower if lines else None,
                lines.upper if lines else None,
                series.target,
            ]
        )
    notes = [
        f"{CHART_NAMES[series.chart]}; variation at the latest point: {variation_words(series)}."
    ]
    if series.warning:
        notes.append(f"{series.warning[0].upper()}{series.warning[1:]}.")
    if any(isinstance(p.value, str) for p in series.points):
        notes.append("A value hidden by disclosure control is left blank, so it is not charted.")
    return Sheet(
        f"trend{number}",
        series.name,
        (
            Column("period", "Quarter" if series.period == "quarter" else "Month"),
            Column("value", "Value", kind if rate else Kind.COUNT),
            Column("centre", "Centre", kind),
            Column("lower", "Lower limit", kind),
            Column("upper", "Upper limit", kind),
            Column("target", "Target", Kind.PERCENT),
        ),
        rows,
        notes=notes,
    )


def series_chart(table: Placed, series: Series) -> Any:
    chart = LineChart()
    chart.title = series.name
    wanted = ["value", "centre", "lower", "upper", "target"]
    keys = [k for k in wanted if k in table.columns]  # a column with no value is left out
    for key in keys:
        chart.add_data(table.reference(key, with_header=True), titles_from_data=True)
    categories(chart, table.reference("period"))
    style = {
        "value": ("7F7F7F", LINE, None),
        "centre": ("231F20", LINE, None),
        "lower": ("7F7F7F", LINE, "dash"),
        "upper": ("7F7F7F", LINE, "dash"),
        "target": ("C0392B", LINE, "dash"),
    }
    for key, drawn in zip(keys, chart.series, strict=True):
        colour, width, dash = style[key]
        drawn.smooth = False
        line = drawn.graphicalProperties.line
        line.solidFill, line.width = colour, width
        if dash:
            line.dashStyle = dash
        drawn.marker = Marker(symbol="circle" if key == "value" else "none", size=5)
    chart.x_axis.tickLblPos = "low"
    chart.y_axis.scaling.min = 0
    if series.unit == "rate":
        chart.y_axis.number_format = "0%"
        chart.y_axis.scaling.max = 1
    if chart.legend is not None:  # a new chart has one
        chart.legend.position = "b"
    return chart


def trends_notes(report: TrendsReport) -> list[str]:
    return [
        f"Rules: {rules_edition(report)}.",
        "Centre line and limits from the baseline "
        + (f"{report.baseline[0]} to {report.baseline[1]}." if report.baseline else "(none)."),
    ]
