"""The pack's charts, drawn by matplotlib as SVG: the burn-down to the contract end, the
areas and outcome rates against targets (the trend charts are in :mod:`.trend_svg`).

Each function returns a :class:`Chart`: the SVG text (without the XML prologue, ready to
sit inside an HTML page), its title and a text alternative. Output is deterministic: the
Agg backend, a fixed ``svg.hashsalt``, no date in the metadata, text kept as text
(``svg.fonttype: none``) so a reader can search and copy it. Element ids are prefixed
with the chart's own key, so many charts can share one page.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
from markupsafe import escape
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ..reports.areas import AreasReport
from ..reports.outcomes import OutcomesReport
from ..reports.spend_outlook import SpendOutlook

STYLE = {
    "svg.hashsalt": "svdiversion",
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 9,
    "legend.fontsize": 7,
    "legend.frameon": False,
    "text.parse_math": False,  # a "$" in an area's name is a dollar, not mathematics
}
# Making Data Count colours: grey common cause, orange concern, blue improvement, purple
# special cause where neither direction is better; the target red and dashed.
GREY, ORANGE, BLUE, PURPLE, RED = "#7b7d7d", "#e46c0a", "#289de0", "#7030a0", "#c0392b"
INK, PLANNED, ACTUAL = "#231f20", "#005eb8", "#231f20"
WIDE = (7.0, 2.7)
EPOCH = date(1970, 1, 1)


@dataclass(frozen=True, slots=True)
class Chart:
    key: str
    title: str
    alt: str
    svg: str
    points: int  # the data points drawn as markers (what a browser test counts)


def svg_text(figure: Figure, key: str, title: str, alt: str) -> str:
    buffer = io.StringIO()
    with chart_style():  # the salt and the font type apply as the file is written
        figure.savefig(buffer, format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'id="([^"]+)"', rf'id="{key}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{key}-\1)", text)
    text = re.sub(r'xlink:href="#([^"]+)"', rf'xlink:href="#{key}-\1"', text)
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    opening = text[: text.index(">") + 1]
    accessible = opening.replace(
        "<svg ", f'<svg role="img" aria-labelledby="{key}-title {key}-desc" ', 1
    )
    label = (
        f'<title id="{key}-title">{escape(title)}</title><desc id="{key}-desc">{escape(alt)}</desc>'
    )
    return accessible + label + text[len(opening) :]


def chart_style() -> AbstractContextManager[None]:
    return plt.rc_context(STYLE)  # type: ignore[arg-type]


def x_of(day: date) -> float:
    """A day as matplotlib's date axis counts (days since 1970-01-01, its epoch)."""
    return float((day - EPOCH).days)


def new_figure(size: tuple[float, float] = WIDE) -> tuple[Figure, Axes]:
    with chart_style():
        figure, axes = plt.subplots(figsize=size)
    return figure, axes


def _pounds(pence: float, _: object = None) -> str:
    return f"£{pence / 100_000:,.0f}k" if abs(pence) >= 100_000 else f"£{pence / 100:,.0f}"


def _month_axis(axes: Axes) -> None:
    month_ticks(axes, "%b %Y")


def month_ticks(axes: Axes, label: str) -> None:
    """A labelled tick at each quarter's first month, a small tick at every month."""
    quarters = mdates.MonthLocator(bymonth=(1, 4, 7, 10))  # type: ignore[no-untyped-call]
    months = mdates.MonthLocator()  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(quarters)
    axes.xaxis.set_minor_locator(months)
    axes.xaxis.set_major_formatter(mdates.DateFormatter(label))  # type: ignore[no-untyped-call]


# ------------------------------------------------------------------------------ spend


def burndown_chart(outlook: SpendOutlook) -> Chart:
    title = f"Cumulative spend to {outlook.end:%B %Y}, with forecasts"
    with chart_style():
        figure, axes = new_figure()
        axes.axhline(outlook.budget, color=RED, linestyle="--", linewidth=1, label="budget")
        _path(axes, outlook.planned, color=PLANNED, label="planned (profile)", linewidth=1.2)
        _path(axes, outlook.actual, color=ACTUAL, label="actual", marker="o", gid="points")
        _path(axes, outlook.profile, color=PLANNED, linestyle=":", label="forecast on profile")
        _path(axes, outlook.run_rate, color=ORANGE, linestyle="--", label="forecast at run rate")
        _path(axes, outlook.treasurer, color=PURPLE, linestyle="-.", label="treasurer's forecast")
        axes.axvline(x_of(outlook.as_of), color=GREY, linewidth=0.8)
        axes.annotate(
            f"as of {outlook.as_of}",
            (x_of(outlook.as_of), 0),
            xytext=(3, 3),
            textcoords="offset points",
            color=GREY,
        )
        _end_labels(
            axes,
            [
                (path[-1], colour)
                for path, colour in (
                    (outlook.profile, PLANNED),
                    (outlook.run_rate, ORANGE),
                    (outlook.treasurer, PURPLE),
                )
                if path
            ],
            outlook.budget,
        )
        axes.set_xlim(x_of(outlook.start), x_of(outlook.end))
        axes.set_ylim(0, outlook.budget * 1.1)
        axes.yaxis.set_major_formatter(FuncFormatter(_pounds))
        _month_axis(axes)
        axes.legend(loc="upper left", ncols=2)
        axes.set_title(title, loc="left")
    ends = [
        f"{name} £{path[-1][1] / 100:,.2f}"
        for name, path in (
            ("on profile", outlook.profile),
            ("at the run rate", outlook.run_rate),
            ("on the treasurer's forecast", outlook.treasurer),
        )
        if path
    ]
    alt = (
        f"Cumulative planned and actual spend from {outlook.start} to {outlook.end} against "
        f"a budget of £{outlook.budget / 100:,.2f}; actual to {outlook.as_of} is "
        f"£{(outlook.actual[-1][1] if outlook.actual else 0) / 100:,.2f}. Forecast outturn "
        + ("; ".join(ends) if ends else "none (the contract has ended)")
        + "."
    )
    return Chart(
        "burndown", title, alt, svg_text(figure, "burndown", title, alt), len(outlook.actual)
    )


def _end_labels(axes: Axes, ends: list[tuple[tuple[date, int], str]], budget: int) -> None:
    """Each forecast's outturn beside its end, moved apart so no two labels overlap."""
    gap = budget * 0.045
    placed: list[float] = []
    for (day, pence), colour in sorted(ends, key=lambda e: e[0][1]):
        y = float(pence)
        if placed and y - placed[-1] < gap:
            y = placed[-1] + gap
        placed.append(y)
        axes.annotate(
            _pounds(pence),
            (x_of(day), pence),
            xytext=(x_of(day), y),
            textcoords="data",
            color=colour,
            va="center",
            ha="left",
            fontsize=7,
        )


def _path(axes: Axes, points: Sequence[tuple[date, int]], **style: object) -> None:
    if points:
        style.setdefault("linewidth", 2 if style.get("gid") == "points" else 1.5)
        axes.plot([x_of(d) for d, _ in points], [p for _, p in points], **style)  # type: ignore[arg-type]


def areas_chart(report: AreasReport) -> Chart:
    title = f"Allocation, spend and share of referrals by area to {report.as_of}"
    rows = [a for a in report.areas if a.id is not None]
    names = [a.name for a in rows][::-1]
    y = list(range(len(rows)))
    with chart_style():
        figure, (money, shares) = plt.subplots(
            1, 2, figsize=(7.0, 0.45 * len(rows) + 1.1), sharey=True, width_ratios=(3, 2)
        )
        money.barh([i + 0.2 for i in y], [a.allocated for a in rows][::-1], 0.4,
                   color="#aec7e8", label="allocated")  # fmt: skip
        money.barh([i - 0.2 for i in y], [a.actual for a in rows][::-1], 0.4,
                   color=PLANNED, label="spent")  # fmt: skip
        money.set_yticks(y, names)
        money.xaxis.set_major_formatter(FuncFormatter(_pounds))
        money.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
        money.set_title("Allocated and spent", loc="left")
        shares.barh([i + 0.2 for i in y], [float(a.budget_share or 0) for a in rows][::-1],
                    0.4, color="#aec7e8", label="share of budget")  # fmt: skip
        shares.barh([i - 0.2 for i in y], [float(a.referral_share or 0) for a in rows][::-1],
                    0.4, color=ORANGE, label="share of referrals")  # fmt: skip
        shares.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        shares.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=2)
        shares.set_title("Share of budget and of referrals", loc="left")
    alt = "; ".join(
        f"{a.name}: allocated £{a.allocated / 100:,.2f}, spent £{a.actual / 100:,.2f}, "
        f"{_share(a.budget_share)} of the budget, {_share(a.referral_share)} of referrals"
        for a in rows
    )
    return Chart("areas", title, alt, svg_text(figure, "areas", title, alt), 0)


def _share(value: Decimal | None) -> str:
    return "an unknown share" if value is None else f"{value * 100:.1f}%"


def outcomes_chart(report: OutcomesReport) -> Chart | None:
    """Each area's rate of each measure beside its target (rates shown only)."""
    measures = list(report.measures)
    rated = any(isinstance(m.rate, Decimal) for area in report.areas for m in area.measures)
    if not measures or not rated:  # never an empty chart
        return None
    title = "Outcome rates by area against targets"
    said: list[str] = []
    with chart_style():
        figure, axes_list = plt.subplots(
            1, len(measures), figsize=(7.0, 0.35 * len(report.areas) + 1.4), sharey=True
        )
        axes_seq = list(axes_list) if len(measures) > 1 else [axes_list]
        names = [a.name for a in report.areas][::-1]
        for j, (axes, measure) in enumerate(zip(axes_seq, measures, strict=True)):
            rates = []
            for area in report.areas[::-1]:
                row = next((m for m in area.measures if m.id == measure.id), None)
                rate = row.rate if row is not None and isinstance(row.rate, Decimal) else None
                rates.append(float(rate) if rate is not None else 0.0)
                said.append(
                    f"{area.name} {measure.name}: "
                    + (f"{rate * 100:.1f}%" if rate is not None else "not shown")
                )
            axes.barh(range(len(names)), rates, 0.6, color=PLANNED)
            if measure.target is not None:
                axes.axvline(float(measure.target), color=RED, linestyle="--", linewidth=1)
            axes.set_xlim(0, 1)
            axes.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            axes.set_title(_wrap(measure.name), fontsize=7, loc="left")
            if j == 0:
                axes.set_yticks(range(len(names)), names)
    alt = "Red dashed lines are the targets. " + "; ".join(said)
    return Chart("outcomes", title, alt, svg_text(figure, "outcomes", title, alt), 0)


def _wrap(text: str, width: int = 22) -> str:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join([*lines, line])
