"""A Making Data Count chart of one trend series, drawn by matplotlib as SVG: the line,
the centre line and process limits (a p-chart's per point), special cause points
coloured (blue improvement, orange concern, purple neither), hidden counts drawn ○ where
they enter the lines, the target dashed red, the baseline shaded and labelled."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from math import nan

from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter

from ..reports.spc import ChartKind, Signal, Variation
from ..reports.trend_charts import Point, Series
from .charts import (
    BLUE,
    GREY,
    INK,
    ORANGE,
    PURPLE,
    RED,
    Chart,
    chart_style,
    month_ticks,
    new_figure,
    svg_text,
    x_of,
)


def _point_colour(signals: Sequence[Signal], better: str | None) -> str:
    if not signals:
        return GREY
    high = signals[0].high
    if better is None:
        return PURPLE
    return BLUE if (better == "higher") == high else ORANGE


def trend_chart(series: Series, number: int, baseline: tuple[date, date] | None) -> Chart:
    key = f"trend{number}"
    shown = [p for p in series.points if isinstance(p.value, int | Decimal)]
    with chart_style():
        figure, axes = new_figure((7.0, 2.0))
        if baseline is not None:
            axes.axvspan(x_of(baseline[0]), x_of(baseline[1]), color="#f2f2f2", zorder=0)
            axes.annotate(
                "baseline", (x_of(baseline[0]), 1.0), xycoords=("data", "axes fraction"),
                xytext=(2, -2), textcoords="offset points", va="top", fontsize=6, color=GREY,
            )  # fmt: skip
        _lines(axes, series)
        _points(axes, series, shown)
        if series.unit == "rate":
            axes.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        month_ticks(axes, "%b %y")
        axes.set_title(series.name, loc="left")
        axes.set_ylim(bottom=0)
        _line_labels(axes, series)
    alt = _alt(series, shown)
    return Chart(key, series.name, alt, svg_text(figure, key, series.name, alt), len(shown))


def _lines(axes: Axes, series: Series) -> None:
    """The centre line, the limits (a p-chart's moving with each denominator), the
    target."""
    limits = series.limits
    if limits is not None:
        axes.axhline(float(limits.centre), color=INK, linewidth=1)
    if series.chart is ChartKind.P:
        x = [x_of(p.month.last_day) for p in series.points]
        for side in ("upper", "lower"):
            y = [float(getattr(p.limits, side)) if p.limits else nan for p in series.points]
            axes.plot(x, y, color=GREY, linestyle="--", linewidth=1, drawstyle="steps-mid")
    elif limits is not None:
        for line in (limits.upper, limits.lower):
            axes.axhline(float(line), color=GREY, linestyle="--", linewidth=1)
    if series.target is not None:
        axes.axhline(float(series.target), color=RED, linestyle="--", linewidth=1.2)


def _points(axes: Axes, series: Series, shown: Sequence[Point]) -> None:
    """The line, broken where no value is shown; hidden counts ○ where they enter the
    lines; each point shown, coloured by its signal."""
    x = [x_of(p.month.last_day) for p in series.points]
    y = [float(p.value) if isinstance(p.value, int | Decimal) else nan for p in series.points]
    axes.plot(x, y, color=GREY, linewidth=1)
    hidden = [p for p in series.points if isinstance(p.value, str)]
    if hidden and series.hidden_as is not None:
        axes.scatter(
            [x_of(p.month.last_day) for p in hidden], [float(series.hidden_as)] * len(hidden),
            s=18, facecolors="none", edgecolors=GREY, zorder=3, gid="hidden",
        )  # fmt: skip
    axes.scatter(
        [x_of(p.month.last_day) for p in shown],
        [float(p.value) for p in shown if isinstance(p.value, int | Decimal)],
        s=18, c=[_point_colour(p.signals, series.better) for p in shown], zorder=3,
        gid="points",
    )  # fmt: skip


def _alt(series: Series, shown: Sequence[Point]) -> str:
    """The chart in words: what a reader who cannot see it needs."""
    rate = series.unit == "rate"
    hidden = sum(isinstance(p.value, str) for p in series.points)
    special = sum(1 for p in shown if p.signals)
    limits = series.limits
    return (
        f"{series.name}: {len(shown)} points from {series.points[0].label} to "
        f"{series.points[-1].label}"
        + (
            f"; centre {_value(limits.centre, rate)}, limits {_value(limits.lower, rate)} to "
            f"{_value(limits.upper, rate)}"
            if limits
            else "; too few points for limits"
        )
        + (f"; target {_value(series.target, rate)}" if series.target is not None else "")
        + f"; {special} special cause point{'s' * (special != 1)}"
        + (f"; {hidden} hidden by disclosure control" if hidden else "")
        + (f"; {series.warning}" if series.warning else "")
        + "."
    )


def _line_labels(axes: Axes, series: Series) -> None:
    limits = series.limits
    if limits is None:
        return
    rate = series.unit == "rate"
    named = [("centre", limits.centre)]
    if series.chart is not ChartKind.P:  # a p-chart's limits differ point to point
        named += [("upper", limits.upper), ("lower", limits.lower)]
    for name, value in named:
        axes.annotate(
            f"{name} {_value(value, rate)}",
            (1.0, float(value)),
            xycoords=("axes fraction", "data"),
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
            fontsize=6,
            color=GREY,
        )


def _value(value: Decimal, rate: bool) -> str:
    return f"{value * 100:.1f}%" if rate else f"{value:.1f}"


VARIATION_LETTER = {
    Variation.COMMON: ("~", GREY),
    Variation.IMPROVEMENT_HIGH: ("H", BLUE),
    Variation.IMPROVEMENT_LOW: ("L", BLUE),
    Variation.CONCERN_HIGH: ("H", ORANGE),
    Variation.CONCERN_LOW: ("L", ORANGE),
    Variation.NEITHER_HIGH: ("H", PURPLE),
    Variation.NEITHER_LOW: ("L", PURPLE),
}
