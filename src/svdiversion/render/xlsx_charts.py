"""The return's native charts: cumulative spend against profile, and areas.

Each chart draws cells of a table on its tab, so it moves when a figure is changed.
Lines are straight (a spline between monthly totals would show spend that never
happened), the category axis is at the foot with its title, the money axis is in whole
pounds (``£#,##0``) from £0. A return for a window (a month, quarter or year) charts
the contract from its start to the end of the window, the window's months drawn over
the actual line thick and with markers: three points on their own say nothing about
where the contract stands.
"""

from __future__ import annotations

from typing import Any

from openpyxl.chart import BarChart, LineChart
from openpyxl.chart.marker import Marker

from ..core.sheet import Column, Kind, Sheet
from ..reports.burndown import Burndown
from .xlsx_tab import Placed, categories

MONEY_AXIS = "£#,##0"
LINE = 28575  # EMU: 2.25 points, the width of a chart's line
THICK = 57150  # 4.5 points
COLOURS = {
    "cumulative_planned": "4472C4",
    "cumulative_actual": "C00000",
    "budget": "7F7F7F",
    "window": "ED7D31",
}


def contract_sheet(report: Burndown, contract: Burndown, window: str) -> Sheet:
    """Cumulative planned and actual of every month from the contract's start to the end
    of ``report``'s window, and the actual again in a column of the window's months."""
    last = report.periods[-1].last
    shown = {p.label for p in report.periods}
    return Sheet(
        "contract",
        f"The contract to the end of {window}, cumulative",
        (
            Column("period", "Month"),
            Column("cumulative_planned", "Cum. planned", Kind.MONEY),
            Column("cumulative_actual", "Cum. actual", Kind.MONEY),
            Column("budget", "Budget ceiling", Kind.MONEY),
            Column("window", window, Kind.MONEY),
        ),
        [
            [
                p.label,
                p.cumulative_planned,
                p.cumulative_actual,
                contract.budget_total,
                p.cumulative_actual if p.label in shown else None,
            ]
            for p in contract.periods
            if p.last <= last
        ],
        notes=[f"The chart marks the months of {window}: the thick line with markers."],
    )


def spend_chart(table: Placed, *, window: bool) -> Any:
    """Cumulative planned and actual against the budget ceiling, by month."""
    chart = LineChart()
    chart.title = "Cumulative spend against profile"
    # Before the first month with actuals (an as-of date before the contract) the table
    # has no actual columns: the chart draws the profile and the ceiling alone.
    wanted = ["cumulative_planned", "cumulative_actual", "budget"] + (["window"] if window else [])
    keys = [key for key in wanted if key in table.columns]
    for key in keys:
        chart.add_data(table.reference(key, with_header=True), titles_from_data=True)
    categories(chart, table.reference("period"))
    for key, series in zip(keys, chart.series, strict=True):
        series.smooth = False
        line = series.graphicalProperties.line
        line.solidFill, line.width = COLOURS[key], THICK if key == "window" else LINE
        series.marker = Marker(symbol="circle" if key == "window" else "none", size=7)
        if key == "budget":
            line.dashStyle = "dash"
    _axes(chart, category="Month")
    return chart


def areas_chart(table: Placed) -> Any:
    """Allocation and spend side by side for each area."""
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = "Allocation and spend by area"
    for key in ("allocated", "actual"):
        chart.add_data(table.reference(key, with_header=True), titles_from_data=True)
    categories(chart, table.reference("area"))
    _axes(chart, category="Area")
    return chart


def _axes(chart: Any, *, category: str) -> None:
    chart.x_axis.title = category
    chart.x_axis.axPos = "b"
    chart.x_axis.tickLblPos = "low"  # at the foot, also below a negative value
    chart.y_axis.title = "£"
    chart.y_axis.axPos = "l"
    chart.y_axis.number_format = MONEY_AXIS
    chart.y_axis.scaling.min = 0
    chart.legend.position = "b"
