"""A trends series as a chart on the terminal: a point per period, the centre line and
process limits, flagged points coloured as Making Data Count does."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from ..reports.spc import ChartKind, variation
from ..reports.trend_charts import Point, Series
from ..reports.trends import TrendsReport
from .trend_words import CHART_NAMES, shown

# The Making Data Count colours: grey common cause, blue improvement, orange concern,
# purple where neither direction is better.
POINT_STYLES = {
    "common": "grey62",
    "improvement": "bold blue",
    "concern": "bold dark_orange",
    "neither": "bold magenta",
}


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
    widest = max((len(shown(p.value, series)) for p in series.points), default=1)
    cell = max(2 if series.period == "month" else 6, widest + 1)  # room for each value

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
    rows.append(_values_row(series, cell))
    rows.append(_baseline_marks(series, report, cell))
    rows.append(Text(" " * 10 + period_labels(series, cell), style="dim"))
    if series.chart is ChartKind.P and limits:
        rows.append(Text("limits drawn at the baseline's average number assessed", style="dim"))
    if series.warning:
        rows.append(Text(series.warning, style="yellow"))
    return Panel(Group(*rows), title=title, title_align="left", expand=False)


def _values_row(series: Series, cell: int) -> Text:
    """Each point's value under its column, so a point can be read, not only seen."""
    line = Text(" " * 10)
    for point in series.points:
        line.append(f"{shown(point.value, series):>{cell}}", style="dim")
    return line


def period_labels(series: Series, cell: int) -> str:
    """A label under the first month of each quarter ("Jul 24"), or under each quarter
    ("Q2 23/24") where there is room, never two labels running into each other."""
    text = ""
    for i, point in enumerate(series.points):
        month = point.month
        if series.period == "month":
            if month.first_day.month not in (1, 4, 7, 10) and i != 0:
                continue
            label = f"{month.first_day:%b %y}"
        else:
            year, quarter = point.label.split(" ")
            label = f"{quarter} {year[2:]}"
        column = i * cell + cell - 1  # under the point's glyph, the last of its cell
        if len(text) + 1 > column and text:
            continue
        text = text.ljust(column) + label
    return text


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
