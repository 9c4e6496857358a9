"""The analyst's return as an Excel workbook, written with openpyxl.

Every tab is made of the same :class:`~.sheets.Sheet` values the terminal, CSV and
Markdown show, so the workbook cannot disagree with the CLI. What makes it a workbook
rather than a picture of one:

- money, counts, rates and dates are numbers and dates with number formats, never text;
  a disclosure symbol such as ``[c]`` is the only text where a number would be;
- a total is a live ``=SUM(...)`` over the cells above it wherever the report's total is
  that sum (published counts are rounded from exact figures, so theirs are values);
- text from the ledger is always a text cell: one that begins like a formula (``=``,
  ``+``, ``-``, ``@``, tab, carriage return) also carries Excel's quote prefix, so it
  stays text even when someone edits the cell;
- frozen headings, fitted columns, charts below their tables (:mod:`.xlsx_charts`),
  A4 landscape pages with no text under 8 points and the protective marking in every
  header and footer (:mod:`.xlsx_print`), and document properties;
- the rows of the Transactions and Episodes tables written as XML straight into the
  file (:mod:`.xlsx_rows`), so a million rows take seconds, not minutes.

This module, :mod:`.xlsx_tab` (one worksheet), :mod:`.xlsx_charts`, :mod:`.xlsx_print`
and :mod:`.xlsx_rows` are the only ones that import openpyxl; the cover is made in
:mod:`.xlsx_cover`. The CLI imports them when it needs them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import IO, Any, cast

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty

from ..core.sheet import Column, Kind, Sheet
from ..reports.areas import AreasReport
from ..reports.burndown import Burndown
from ..reports.outcome_sheets import outcomes_sheets, referrals_note
from ..reports.outcomes import OutcomesReport
from ..reports.sheets import areas_sheet, burndown_sheets, vfm_sheets
from ..reports.spend_outlook import SpendOutlook
from ..reports.trends import TrendsReport
from ..reports.vfm import VfmReport
from .xlsx_charts import areas_chart, contract_sheet, spend_chart
from .xlsx_cover import Cover, LedgerFile, cover
from .xlsx_rows import EXCEL_ROWS, Streamed, splice
from .xlsx_tab import (
    COUNT_FORMAT,
    DATE_FORMAT,
    DATETIME_FORMAT,
    HEADING_ROWS,
    MONEY_FORMAT,
    PERCENT_FORMAT,
    Tab,
)
from .xlsx_trends import (
    main_series,
    outlook_chart,
    outlook_sheet,
    series_chart,
    series_sheet,
    trends_notes,
)

# What the CLI and the tests use: the cover and the files it lists are made in
# xlsx_cover and the number formats are set in xlsx_tab, but a caller needs one module.
__all__ = [
    "COUNT_FORMAT",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "MONEY_FORMAT",
    "PERCENT_FORMAT",
    "Cover",
    "ExcelReturn",
    "LedgerFile",
    "cover",
    "workbook_bytes",
    "write_workbook",
]


NOTHING_TO_CHART = "Nothing in this window: no complete month of referrals to chart yet."


@dataclass(frozen=True, slots=True)
class ExcelReturn:
    """Everything the workbook shows: the cover, the reports and the ledger rows."""

    cover: Cover
    burndown: Burndown
    areas: AreasReport
    outcomes: OutcomesReport
    transactions: Sheet
    vfm: VfmReport | None = None
    episodes: Sheet | None = None
    reconciliation: tuple[Sheet, ...] = ()
    contract: Burndown | None = None
    """For a window: the whole contract's burn-down, charted to the window's end."""
    outlook: SpendOutlook | None = None
    """Cumulative spend and the forecasts to the contract end (the Burn-down tab's second
    chart)."""
    trends: TrendsReport | None = None
    """The trends report whose main series the Trends tab charts."""


def workbook_bytes(excel: ExcelReturn, *, max_rows: int = EXCEL_ROWS) -> bytes:
    """The whole return as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    write_workbook(excel, buffer, max_rows=max_rows)
    return buffer.getvalue()


def write_workbook(excel: ExcelReturn, out: IO[bytes], *, max_rows: int = EXCEL_ROWS) -> None:
    """The whole return as an .xlsx file written to ``out``. openpyxl makes every tab but
    the rows of the Transactions and Episodes tables, which are written into the file as
    it is copied to ``out`` (see :mod:`.xlsx_rows`). A table with more rows than a
    worksheet holds (``max_rows``) is left out, its tab saying where the rows are."""
    book = Workbook()
    book.remove(book.worksheets[0])  # the empty sheet a new workbook has
    cover_tab(book, excel.cover)
    summary_tab(book, excel)
    burndown_tab(book, excel)
    areas_tab(book, excel)
    if excel.trends is not None:
        trends_tab(book, excel.cover, excel.trends)
    multi_tab(book, excel.cover, "Outcomes", "Referrals and outcomes", outcomes_tables(excel))
    if excel.vfm is not None:
        multi_tab(book, excel.cover, "Value for money", "Value for money", vfm_sheets(excel.vfm))
    streamed = rows_tab(book, excel.cover, "Transactions", excel.transactions, max_rows)
    if excel.episodes is not None:
        streamed += rows_tab(book, excel.cover, "Episodes", excel.episodes, max_rows)
    if excel.reconciliation:
        multi_tab(book, excel.cover, "Reconciliation", "Reconciliation", excel.reconciliation)
    _properties(book, excel.cover)
    book.calculation.fullCalcOnLoad = True  # no cached results: work every formula out
    buffer = io.BytesIO()
    book.save(buffer)
    splice(buffer.getvalue(), streamed, out)


def cover_tab(book: Workbook, cover: Cover) -> None:
    tab = Tab(book, "Cover", "Return", cover)
    about: list[tuple[str, Any, Kind]] = [
        ("Service", cover.service, Kind.TEXT),
        ("Decision", cover.decisions, Kind.TEXT),
        ("Commissioner", cover.commissioner, Kind.TEXT),
        ("Provider", cover.provider, Kind.TEXT),
        ("Period covered", cover.period, Kind.TEXT),
        ("As of", cover.as_of, Kind.DATE),
        ("Protective marking", cover.marking, Kind.TEXT),
        ("Disclosure", cover.disclosure.value, Kind.TEXT),
        ("Disclosure policy", cover.policy, Kind.TEXT),
        ("Made (UTC)", cover.made_at, Kind.DATE),
        ("Made by", f"svdiversion {cover.version}", Kind.TEXT),
        ("To make it again", cover.command, Kind.TEXT),
    ]
    if cover.reconciliation:
        about.insert(6, ("Reconciliation", cover.reconciliation, Kind.TEXT))
    tab.table(_key_values("about", "About this return", about))
    tab.table(
        Sheet(
            "files",
            "Files it was made from (ledger, settings, unit costs, finance inputs)",
            (
                Column("path", "File"),
                Column("sha256", "SHA-256"),
                Column("size", "Bytes", Kind.COUNT),
            ),
            [[f.path, f.sha256, f.size] for f in cover.files],
            notes=[
                "A file whose SHA-256 digest (sha256sum FILE) matches is the file this "
                "return was made from."
            ],
        )
    )
    tab.finish(freeze_after=HEADING_ROWS)


def summary_tab(book: Workbook, excel: ExcelReturn) -> None:
    headline, _, lines = burndown_sheets(excel.burndown)
    totals = excel.outcomes.totals
    reach = _key_values(
        "reach",
        "Referrals and engagement",
        [
            ("Referrals", totals.referrals, Kind.COUNT),
            ("Engaged (started)", totals.engaged, Kind.COUNT),
            ("Completed", totals.completed, Kind.COUNT),
        ],
    )
    reach.notes.append(
        f"{referrals_note(excel.outcomes)} (The Outcomes tab's By quarter table counts "
        "episodes that ended in each quarter.)"
    )
    measures = next(s for s in outcomes_sheets(excel.outcomes) if s.name == "measures")
    multi_tab(book, excel.cover, "Summary", "Summary", [headline, lines, reach, measures])


def burndown_tab(book: Workbook, excel: ExcelReturn) -> None:
    report = excel.burndown
    periods = burndown_sheets(report)[1]
    tab = Tab(book, "Burn-down", periods.title, excel.cover)
    actual = [p.actual for p in report.periods if p.actual is not None]
    table = tab.table(
        replace(
            periods,
            columns=(*periods.columns, Column("budget", "Budget ceiling", Kind.MONEY)),
            rows=[[*row, report.budget_total] for row in periods.rows],
            total=[
                "Total",
                "",
                sum(p.planned for p in report.periods),
                sum(actual) if actual else None,
                *([None] * (len(periods.columns) - 3)),
            ],
        )
    )
    freeze = table.header_row
    if excel.contract is not None and table.rows:  # a window: the contract to its end
        label = excel.cover.period_label
        table = tab.table(contract_sheet(report, excel.contract, label))
        freeze = HEADING_ROWS
    if table.rows:
        tab.chart(spend_chart(table, window=excel.contract is not None))
    if excel.outlook is not None:
        sheet = outlook_sheet(excel.outlook)
        ahead = tab.table(sheet)
        keys = [c.key for c in sheet.columns[1:]]
        tab.chart(outlook_chart(ahead, keys, sheet.title))
    tab.finish(freeze_after=freeze)


def trends_tab(book: Workbook, cover: Cover, report: TrendsReport) -> None:
    """All referrals and each outcome rate: a table of points, centre and limits, and
    its line chart."""
    tab = Tab(book, "Trends", f"Trends as of {report.as_of}", cover)
    shown = main_series(report)
    if not shown:
        tab.table(Sheet("trends", "Trends", (Column("note", "Note"),), [[NOTHING_TO_CHART]]))
    for number, series in enumerate(shown, start=1):
        sheet = series_sheet(series, number)
        if number == 1:
            sheet = replace(sheet, notes=[*sheet.notes, *trends_notes(report)])
        table = tab.table(sheet)
        tab.chart(series_chart(table, series))
    tab.finish(freeze_after=HEADING_ROWS)


def areas_tab(book: Workbook, excel: ExcelReturn) -> None:
    sheet = areas_sheet(excel.areas)
    tab = Tab(book, "Areas", sheet.title, excel.cover)
    table = tab.table(sheet)
    if table.rows:
        tab.chart(areas_chart(table))
    tab.finish(freeze_after=table.header_row)


def outcomes_tables(excel: ExcelReturn) -> list[Sheet]:
    """The outcomes sheets, ages as whole numbers with a number format (the sheet holds
    them as labels)."""
    sheets = outcomes_sheets(excel.outcomes)
    return [
        replace(
            s,
            columns=(Column("age", "Age (years)", Kind.COUNT), *s.columns[1:]),
            rows=[[age, n] for age, n in excel.outcomes.ages],
        )
        if s.name == "ages"
        else s
        for s in sheets
    ]


def multi_tab(book: Workbook, cover: Cover, name: str, title: str, sheets: Sequence[Sheet]) -> None:
    """A tab of several tables one under another; the heading rows stay in view."""
    tab = Tab(book, name, title, cover)
    for sheet in sheets:
        tab.table(sheet)
    tab.finish(freeze_after=HEADING_ROWS)


def rows_tab(
    book: Workbook, cover: Cover, name: str, sheet: Sheet, max_rows: int
) -> list[Streamed]:
    """Ledger rows as an Excel table with filters; the total follows the filter. Rows that
    would not fit on a worksheet are left to the CSV export, and the tab says so."""
    tab = Tab(book, name, sheet.title, cover)
    # The heading rows, a blank, the title, the header, the rows, the total and two notes.
    if HEADING_ROWS + 3 + len(sheet.rows) + 3 > max_rows:
        table = tab.table(too_many_rows(sheet, max_rows))
        tab.finish(freeze_after=HEADING_ROWS)
        return []
    if sheet.total is not None:
        sheet = replace(sheet, notes=[*sheet.notes, "The total sums the rows the filter shows."])
    table = tab.table(sheet, excel_table=name, stream=True)
    tab.finish(freeze_after=table.header_row)
    return tab.streamed


def too_many_rows(sheet: Sheet, max_rows: int) -> Sheet:
    """What a rows tab shows instead of more rows than a worksheet holds."""
    items: list[tuple[str, Any, Kind]] = [("Rows", len(sheet.rows), Kind.COUNT)]
    money = [i for i, c in enumerate(sheet.columns) if c.kind is Kind.MONEY]
    if sheet.total is not None:
        items += [(f"Total {sheet.columns[i].title}", sheet.total[i], Kind.MONEY) for i in money]
    found = _key_values(sheet.name, sheet.title, items)
    found.notes.extend(sheet.notes)
    found.notes.append(
        f"{len(sheet.rows):,} rows are more than a worksheet holds ({max_rows:,} rows in "
        f"all): they are in {sheet.name}.csv of 'svdiversion export csv' with the same "
        "options."
    )
    return found


def _key_values(name: str, title: str, items: Sequence[tuple[str, Any, Kind]]) -> Sheet:
    return Sheet(
        name,
        title,
        (Column("measure", "Item"), Column("value", "Value")),
        [[label, value] for label, value, _ in items],
        value_kinds=[kind for _, _, kind in items],
    )


def _properties(book: Workbook, cover: Cover) -> None:
    properties = book.properties
    properties.title = f"{cover.service}: return for {cover.period_label}, as of {cover.as_of}"
    properties.subject = (
        f"Budget, spend and outcomes as of {cover.as_of} ({cover.disclosure.value} figures)"
    )
    properties.creator = f"svdiversion {cover.version}"
    properties.lastModifiedBy = properties.creator
    properties.created = cover.made_at
    properties.keywords = cover.marking
    properties.category = cover.marking
    properties.description = cover.banner
    custom = cast(Any, book).custom_doc_props  # openpyxl 3.1's; its type stubs lag behind
    custom.append(StringProperty(name="Protective marking", value=cover.marking))
    custom.append(StringProperty(name="Disclosure", value=cover.disclosure.value))
