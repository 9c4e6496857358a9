"""The monthly pack as one self-contained HTML page for A4 print, and as PDF.

The page is made from a Jinja2 template (``templates/pack.html.j2``, autoescaped: every
text from the ledger is escaped) with its styles and its SVG charts (:mod:`.charts`)
inline, so it opens with no network. The tables are the pack's own sheets, the same
figures the terminal, Markdown and JSON show. The internal edition ends with an appendix
of the ledger's transactions by month, and each month's actual spend in the burn-down
table links to its rows there.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import RagThresholds
from ..core.money import format_pounds
from ..core.sheet import Kind, Sheet
from ..reports.burndown import Burndown
from ..reports.disclosure import Disclosure
from ..reports.options import ReportOptions
from ..reports.outcome_sheets import outcomes_sheets
from ..reports.pack import MonthlyPack
from ..reports.sheets import areas_sheet, headline_sheet, lines_sheet, periods_sheet, vfm_sheets
from ..reports.spend_outlook import SpendOutlook
from ..reports.trend_charts import Series
from ..reports.trends import TrendsReport
from . import charts, trend_svg
from .cells import human
from .report_views import MonthEnd, _month_end_sheets, _status
from .tidy import transactions_sheet
from .trend_words import (
    ASSURANCE_WORDS,
    SHORT_CHART,
    baseline_words,
    shown,
    variation_words,
)
from .trend_words import notes as trend_notes
from .trends import emerging_sheet

NOTHING = "Nothing in this window."
RAG_ICONS = {"green": "✔", "amber": "▲", "red": "✖"}
NUMERIC = {Kind.MONEY, Kind.COUNT, Kind.PERCENT, Kind.DECIMAL}


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    numeric: bool = False
    rag: str | None = None
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet as the template shows it: header cells, body rows, a total, notes."""

    anchor: str
    title: str
    headers: list[tuple[str, bool]]
    rows: list[list[Cell]]
    total: list[Cell] | None
    notes: list[str]

    @property
    def wide(self) -> bool:
        """Many columns: set smaller, so the table fits the width of an A4 page."""
        return len(self.headers) > 8


@dataclass(slots=True)
class Section:
    anchor: str
    title: str
    intro: list[str] = field(default_factory=list)
    charts: list[charts.Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    empty: bool = False


@dataclass(frozen=True, slots=True)
class MatrixRow:
    name: str
    chart: str
    anchor: str
    latest: str
    centre: str
    limits: str
    target: str
    variation: str
    variation_icon: str
    variation_colour: str
    assurance: str


def table(sheet: Sheet, links: dict[tuple[int, str], str] | None = None) -> Table:
    links = links or {}
    rows = []
    for number, row in enumerate(sheet.rows):
        rows.append(
            [
                _cell(
                    value,
                    sheet.kind_of(number, column),
                    column.key,
                    links.get((number, column.key)),
                )
                for column, value in zip(sheet.columns, row, strict=True)
            ]
        )
    total = None
    if sheet.total is not None:
        total = [
            _cell(value, sheet.kind_of(len(sheet.rows), column), column.key, None)
            for column, value in zip(sheet.columns, sheet.total, strict=True)
        ]
    return Table(
        anchor=f"table-{sheet.name}",
        title=sheet.title,
        headers=[
            (c.title, c.kind in NUMERIC or (sheet.value_kinds is not None and c.key == "value"))
            for c in sheet.columns
        ],
        rows=rows,
        total=total,
        notes=list(sheet.notes),
    )


def _cell(value: Any, kind: Kind, key: str, href: str | None) -> Cell:
    text = human(value, kind)
    if kind in NUMERIC and text.startswith("-"):
        # A minus sign joined to the figure: no line break after it, as after "-".
        text = "\u2212\u2060" + text[1:]
    rag = text if key == "rag" and text in RAG_ICONS else None
    if rag is None and key == "value" and text in RAG_ICONS:
        rag = text
    return Cell(text, kind in NUMERIC, rag, href if text else None)


def rag_sentence(report: Burndown, thresholds: RagThresholds) -> str:
    """The one RAG rule of the pack's headline, in words with its figures."""
    against = report.rag_against
    basis = {
        "profile": "the spend planned to date (the profile)",
        "treasurer": "the spend the treasurer expected by now (the profile, with the "
        "treasurer's monthly figures where a forecast is recorded)",
        "budget": "the whole budget, the contract having ended",
    }[report.rag_basis]
    if against:
        gap = Decimal(report.actual_to_date - against) / Decimal(against) * 100
        how = f"{abs(gap):.1f}% {'below' if gap < 0 else 'above'}"
    else:
        how = "against nothing planned"
    green = _percent(thresholds.green)
    amber = _percent(thresholds.amber)
    return (
        f"RAG is {report.rag.value.upper()}: actual spend to {report.as_of}, "
        f"{format_pounds(report.actual_to_date)}, is {how} {format_pounds(against)}, "
        f"{basis}. The rule: green within {green}% either way, amber within {amber}%, "
        "red beyond (config/settings.yaml). This is the pack's one spend RAG; the RAGs of "
        "the budget lines apply the same rule to each line, and the outcome RAGs judge a "
        "rate against its target, so they can differ from it."
    )


def _percent(fraction: Decimal) -> str:
    """0.05 as 5, 0.125 as 12.5."""
    return f"{(fraction * 100).normalize():f}"


def _window_words(options: ReportOptions) -> str:
    window = options.window
    return f"{window.label} ({window.start} to {window.end})" if window else "the contract to date"


def _appendix(ledger: Ledger, as_of: date) -> tuple[list[Table], dict[Month, str]]:
    """The transactions to the as-of date, a table per month, each with an anchor."""
    sheet = transactions_sheet(ledger, ReportOptions(as_of))
    by_month: dict[Month, list[list[Any]]] = defaultdict(list)
    day_at = [c.key for c in sheet.columns].index("date")
    for row in sheet.rows:
        by_month[Month.of(row[day_at])].append(list(row))
    tables, anchors = [], {}
    for month in sorted(by_month):
        anchor = f"rows-{month}"
        anchors[month] = anchor
        part = Sheet(
            sheet.name,
            f"Transactions in {month} ({month.fy_period})",
            sheet.columns,
            by_month[month],
        )
        found = table(part)
        tables.append(Table(anchor, found.title, found.headers, found.rows, None, []))
    return tables, anchors


def _trend_section(report: TrendsReport) -> tuple[Section, list[MatrixRow]]:
    section = Section("trends", "Emerging trends")
    if not report.series:
        section.empty = True
        section.intro.append(NOTHING + " There is no complete month of referrals to chart.")
        return section, []
    baseline = (
        (report.baseline[0].first_day, report.baseline[1].last_day) if report.baseline else None
    )
    matrix = []
    for number, series in enumerate(report.series, start=1):
        chart = trend_svg.trend_chart(series, number, baseline)
        section.charts.append(chart)
        matrix.append(_matrix_row(series, chart.key))
    emerging = emerging_sheet(report)
    section.tables.append(table(emerging))
    section.intro += trend_notes(report)
    return section, matrix


def _matrix_row(series: Series, anchor: str) -> MatrixRow:
    limits = series.limits
    latest = next((p for p in reversed(series.points) if p.value is not None), None)
    icon, colour = (
        trend_svg.VARIATION_LETTER[series.variation] if series.variation else ("?", charts.GREY)
    )
    return MatrixRow(
        name=series.name,
        chart=SHORT_CHART[series.chart] if limits else "",
        anchor=anchor,
        latest=f"{latest.label}: {shown(latest.value, series)}" if latest else "",
        centre=shown(limits.centre, series) if limits else "",
        limits=f"{shown(limits.lower, series)} to {shown(limits.upper, series)}" if limits else "",
        target=shown(series.target, series) if series.target is not None else "",
        variation=variation_words(series),
        variation_icon=icon,
        variation_colour=colour,
        assurance=ASSURANCE_WORDS[series.assurance] if series.assurance else "no target",
    )


def _sections(
    pack: MonthlyPack,
    options: ReportOptions,
    month_end: MonthEnd,
    appendix: dict[Month, str],
) -> tuple[list[Section], list[MatrixRow]]:
    report = pack.burndown
    spend = Section("spend", "Burn-down")
    spend.intro.append(
        "The chart of cumulative spend to the contract end, with the forecasts, is under "
        "the headline."
    )
    periods = periods_sheet(report)
    links = {
        (i, "actual"): f"#{appendix[p.first]}"
        for i, p in enumerate(report.periods)
        if p.first == p.last and p.first in appendix
    }
    spend.tables += [table(periods, links), table(lines_sheet(report))]
    spend.empty = not report.periods

    areas = Section("areas", "Areas")
    if pack.areas.areas:
        areas.charts.append(charts.areas_chart(pack.areas))
    else:
        areas.empty = True
    areas.tables.append(table(areas_sheet(pack.areas)))

    outcomes = Section("outcomes", "Outcomes by area against targets")
    chart = charts.outcomes_chart(pack.outcomes)
    if chart is not None:
        outcomes.charts.append(chart)
    else:
        outcomes.intro.append(
            "No area has an outcome rate to chart in this window: no episode ended with a "
            "measure assessed, or (published) too few to show a rate."
        )
    outcomes.tables += [table(s) for s in outcomes_sheets(pack.outcomes)]
    outcomes.empty = pack.outcomes.totals.referrals == 0

    trends, matrix = _trend_section(pack.trends)

    value = Section("vfm", "Value for money")
    value.tables += [table(s) for s in vfm_sheets(pack.vfm)]

    reconciliation = Section("reconciliation", "Reconciliation and commentary")
    month_sheets = _month_end_sheets(month_end)
    reconciliation.tables += [table(s) for s in month_sheets if s.columns]
    reconciliation.intro += [n for s in month_sheets if not s.columns for n in s.notes]
    if not month_sheets:
        reconciliation.intro.append(
            "Give one month (--month YYYY-MM) for the month's reconciliation of finance "
            "payments against the ledger, and the commentary on its variances."
        )
    return [spend, areas, outcomes, trends, value, reconciliation], matrix


def pack_html(
    pack: MonthlyPack,
    ledger: Ledger,
    outlook: SpendOutlook,
    options: ReportOptions,
    month_end: MonthEnd = None,
) -> str:
    """The pack as one HTML page; the internal edition with its appendix of rows."""
    internal = pack.disclosure is Disclosure.INTERNAL
    appendix, anchors = _appendix(ledger, pack.burndown.as_of) if internal else ([], {})
    sections, matrix = _sections(pack, options, month_end, anchors)
    marking = ledger.settings.protective_marking
    edition = "INTERNAL - NOT FOR PUBLICATION" if internal else "Published figures"
    template = _environment().get_template("pack.html.j2")
    return template.render(
        title=f"{pack.service}: monthly pack as of {pack.burndown.as_of}",
        service=pack.service,
        as_of=pack.burndown.as_of,
        window=_window_words(options),
        marking=marking,
        edition=edition,
        internal=internal,
        status=_status(pack),
        check_ok=pack.errors == 0,
        headline=table(headline_sheet(pack.burndown)),
        headline_chart=charts.burndown_chart(outlook),
        rag=pack.burndown.rag.value,
        rag_icon=RAG_ICONS[pack.burndown.rag.value],
        rag_sentence=rag_sentence(pack.burndown, ledger.settings.rag),
        sections=sections,
        matrix=matrix,
        baseline=baseline_words(pack.trends),
        appendix=appendix,
        rag_icons=RAG_ICONS,
        nothing=NOTHING,
        css=Markup(_environment().get_template("pack.css").render()),
    )


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("svdiversion.render", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["svg"] = lambda text: Markup(text)  # charts are made here, texts escaped
    return env


def pdf_bytes(html: str) -> bytes:
    """The page printed to PDF by WeasyPrint (A4, as the page's @page rules say)."""
    from weasyprint import HTML

    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]
