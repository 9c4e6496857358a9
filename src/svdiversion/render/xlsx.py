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
- frozen headings, fitted columns, landscape print set-up fitted to the page width with
  the protective marking in every header and footer, and document properties.

This is the only module that imports openpyxl; the CLI imports it when it needs it.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from ..core.ledger import Ledger
from ..core.money import from_pence
from ..reports.areas import AreasReport
from ..reports.burndown import Burndown
from ..reports.disclosure import Disclosure
from ..reports.options import ReportOptions
from ..reports.outcomes import OutcomesReport
from ..reports.vfm import VfmReport
from .cells import human, looks_like_formula
from .report_views import INTERNAL, PUBLISHED
from .sheets import Column, Kind, Sheet, areas_sheet, burndown_sheets, outcomes_sheets, vfm_sheets

MONEY_FORMAT = "£#,##0.00;-£#,##0.00"
PERCENT_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
FORMATS = {
    Kind.MONEY: MONEY_FORMAT,
    Kind.PERCENT: PERCENT_FORMAT,
    Kind.COUNT: COUNT_FORMAT,
    Kind.DECIMAL: DECIMAL_FORMAT,
    Kind.DATE: DATE_FORMAT,
}
NUMERIC = {Kind.MONEY, Kind.COUNT, Kind.PERCENT, Kind.DECIMAL}
ADDITIVE = {Kind.MONEY, Kind.COUNT}

HEADING_ROWS = 3
"""Title, marking and period: the rows above the first table on every tab."""
MIN_WIDTH, MAX_WIDTH = 8, 60
LINE_HEIGHT = 15  # points: one line of the default 11-point font
HEADER_PART = 60
"""Longest service name or marking in a page header or footer: Excel refuses a workbook
whose header or footer is longer than 255 characters in all."""

TITLE = Font(bold=True, size=14)
BOLD = Font(bold=True)
WARNING = Font(bold=True, color="C00000")
NOTE = Font(italic=True, color="595959")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
RAG_FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}
THIN = Side(style="thin")
RIGHT = Alignment(horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top")
# Titles, markings and notes run on across the empty cells to their right.
ON_ONE_LINE = Alignment(wrap_text=False, vertical="top")


@dataclass(frozen=True, slots=True)
class LedgerFile:
    """One file the return was made from, with its SHA-256 digest."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Cover:
    """What the cover tab says about the return: whose, which period, how made."""

    service: str
    decisions: str
    commissioner: str
    provider: str
    period: str
    """The period covered in words: ``2024/25 Q2: 1 July 2024 to 30 September 2024``."""
    period_label: str
    """The short form: ``2024/25 Q2``, or ``the whole contract``."""
    as_of: date
    marking: str
    disclosure: Disclosure
    policy: str
    made_at: datetime
    version: str
    command: str
    files: tuple[LedgerFile, ...]
    reconciliation: str | None = None

    @property
    def internal(self) -> bool:
        return self.disclosure is Disclosure.INTERNAL

    @property
    def banner(self) -> str:
        return INTERNAL if self.internal else PUBLISHED


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


# ------------------------------------------------------------------------ the return


def cover(
    ledger: Ledger,
    options: ReportOptions,
    disclosure: Disclosure,
    marking: str,
    *,
    made_at: datetime,
    version: str,
    command: str,
    files: Sequence[LedgerFile],
    reconciliation: str | None = None,
) -> Cover:
    """The cover of a return made with ``options``: the decisions and variations listed are
    those known on the as-of date, the ones the figures were made from."""

    def distinct(values: Sequence[str]) -> str:
        return "; ".join(dict.fromkeys(values))

    window = options.window
    ledger = ledger.known_on(options.as_of)
    covered = (
        f"{window.label}: {_long_date(window.start)} to {_long_date(window.end)}"
        if window
        else f"The whole contract: {_long_date(ledger.start)} to {_long_date(ledger.end)}"
    )
    label = window.label if window else "the whole contract"
    return Cover(
        service=ledger.settings.service_name,
        decisions=distinct(
            [f"{d.reference} ({d.title})" for d in ledger.decisions]
            + [f"{v.reference} (variation of {v.decision})" for v in ledger.variations]
        ),
        commissioner=distinct([d.commissioner for d in ledger.decisions]),
        provider=distinct([d.provider for d in ledger.decisions]),
        period=covered,
        period_label=label,
        as_of=options.as_of,
        marking=marking,
        disclosure=disclosure,
        policy=policy_in_words(ledger, disclosure),
        made_at=made_at,
        version=version,
        command=command,
        files=tuple(files),
        reconciliation=reconciliation,
    )


def policy_in_words(ledger: Ledger, disclosure: Disclosure) -> str:
    if disclosure is Disclosure.INTERNAL:
        return (
            "Internal: exact counts about children, neither rounded nor suppressed, and the "
            "referral episodes row by row. Not for publication or for sending outside the "
            "commissioning team."
        )
    policy = ledger.settings.disclosure
    secondary = (
        "where a total would reveal a hidden count, a further cell is hidden too; "
        if policy.secondary_suppression
        else ""
    )
    return (
        f"Published: counts about children of 1 to {policy.suppress_below - 1} are shown as "
        f"{policy.suppressed_symbol}; other counts are rounded to the nearest "
        f"{policy.round_to} and a true zero is shown as 0; {secondary}rates are shown only "
        f"where at least {policy.min_rate_denominator} were assessed. Totals are rounded "
        "from exact figures, so they may not equal the sum of the rounded cells."
    )


# --------------------------------------------------------------------------- writing


def workbook_bytes(excel: ExcelReturn) -> bytes:
    """The whole return as the bytes of an .xlsx file."""
    book = Workbook()
    book.remove(book.active)
    cover_tab(book, excel.cover)
    summary_tab(book, excel)
    burndown_tab(book, excel)
    areas_tab(book, excel)
    multi_tab(book, excel.cover, "Outcomes", "Referrals and outcomes", outcomes_tables(excel))
    if excel.vfm is not None:
        multi_tab(book, excel.cover, "Value for money", "Value for money", vfm_sheets(excel.vfm))
    rows_tab(book, excel.cover, "Transactions", excel.transactions)
    if excel.episodes is not None:
        rows_tab(book, excel.cover, "Episodes", excel.episodes)
    if excel.reconciliation:
        multi_tab(book, excel.cover, "Reconciliation", "Reconciliation", excel.reconciliation)
    _properties(book, excel.cover)
    book.calculation.fullCalcOnLoad = True  # no cached results: work every formula out
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cover_tab(book: Workbook, cover: Cover) -> None:
    tab = _Tab(book, "Cover", "Return", cover)
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
            "Ledger files it was made from",
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
    reach.notes.append("Referrals made in the period covered, each as it stood on the as-of date.")
    measures = next(s for s in outcomes_sheets(excel.outcomes) if s.name == "measures")
    multi_tab(book, excel.cover, "Summary", "Summary", [headline, lines, reach, measures])


def burndown_tab(book: Workbook, excel: ExcelReturn) -> None:
    report = excel.burndown
    periods = burndown_sheets(report)[1]
    tab = _Tab(book, "Burn-down", periods.title, excel.cover)
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
    if table.rows:
        chart = LineChart()
        chart.title = "Cumulative spend against profile"
        chart.y_axis.title = "£"
        chart.y_axis.number_format = "£#,##0"
        chart.y_axis.scaling.min = 0
        for key in ("cumulative_planned", "cumulative_actual", "budget"):
            chart.add_data(table.reference(key, with_header=True), titles_from_data=True)
        _categories(chart, table.reference("period"))
        chart.series[2].graphicalProperties.line.dashStyle = "dash"
        tab.chart(chart, table)
    tab.finish(freeze_after=table.header_row)


def areas_tab(book: Workbook, excel: ExcelReturn) -> None:
    sheet = areas_sheet(excel.areas)
    tab = _Tab(book, "Areas", sheet.title, excel.cover)
    table = tab.table(sheet)
    if table.rows:
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "clustered"
        chart.title = "Allocation and spend by area"
        chart.y_axis.title = "£"
        chart.y_axis.number_format = "£#,##0"
        for key in ("allocated", "actual"):
            chart.add_data(table.reference(key, with_header=True), titles_from_data=True)
        _categories(chart, table.reference("area"))
        tab.chart(chart, table)
    tab.finish(freeze_after=table.header_row)


def outcomes_tables(excel: ExcelReturn) -> list[Sheet]:
    """The outcomes sheets, ages as numbers (the sheet holds them as labels)."""
    sheets = outcomes_sheets(excel.outcomes)
    return [
        replace(s, rows=[[age, n] for age, n in excel.outcomes.ages]) if s.name == "ages" else s
        for s in sheets
    ]


def multi_tab(book: Workbook, cover: Cover, name: str, title: str, sheets: Sequence[Sheet]) -> None:
    """A tab of several tables one under another; the heading rows stay in view."""
    tab = _Tab(book, name, title, cover)
    for sheet in sheets:
        tab.table(sheet)
    tab.finish(freeze_after=HEADING_ROWS)


def rows_tab(book: Workbook, cover: Cover, name: str, sheet: Sheet) -> None:
    """Ledger rows as an Excel table with filters; the total follows the filter."""
    tab = _Tab(book, name, sheet.title, cover)
    if sheet.total is not None:
        sheet = replace(sheet, notes=[*sheet.notes, "The total sums the rows the filter shows."])
    table = tab.table(sheet, excel_table=name)
    tab.finish(freeze_after=table.header_row)


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
    book.custom_doc_props.append(StringProperty(name="Protective marking", value=cover.marking))
    book.custom_doc_props.append(StringProperty(name="Disclosure", value=cover.disclosure.value))


# ------------------------------------------------------------------------ one tab


@dataclass(frozen=True, slots=True)
class Placed:
    """Where a sheet's table landed on a tab: its header row, data rows and total row."""

    sheet_name: str
    worksheet: Any
    header_row: int
    first_row: int
    rows: int
    total_row: int | None
    columns: dict[str, int]
    """Column key -> column number (1-based) of each column shown."""

    @property
    def last_row(self) -> int:
        return self.first_row + self.rows - 1

    def reference(self, key: str, *, with_header: bool = False) -> Any:
        column = self.columns[key]
        first = self.header_row if with_header else self.first_row
        return Reference(self.worksheet, min_col=column, min_row=first, max_row=self.last_row)


class _Tab:
    """One worksheet being written from the top down."""

    def __init__(self, book: Workbook, name: str, title: str, cover: Cover) -> None:
        self.ws = book.create_sheet(name)
        self.cover = cover
        self.widths: dict[int, int] = {}
        self.notes: set[str] = set()
        self.last_column = 1
        title_cell = _write(self.ws.cell(1, 1), f"{cover.service}: {title}", Kind.TEXT)
        title_cell.font, title_cell.alignment = TITLE, ON_ONE_LINE
        marking = _write(self.ws.cell(2, 1), f"{cover.marking}. {cover.banner}", Kind.TEXT)
        marking.font = WARNING if cover.internal else BOLD
        marking.alignment = ON_ONE_LINE
        period = _write(
            self.ws.cell(3, 1), f"As of {cover.as_of}. Period: {cover.period}.", Kind.TEXT
        )
        period.alignment = ON_ONE_LINE
        self.row = HEADING_ROWS + 2

    def table(self, sheet: Sheet, *, excel_table: str | None = None) -> Placed:
        ws = self.ws
        rows = sheet.all_rows()
        shown = [
            i
            for i, _ in enumerate(sheet.columns)
            if i == 0 or any(row[i] is not None for row in rows)
        ]
        heading = _write(ws.cell(self.row, 1), sheet.title, Kind.TEXT)
        heading.font, heading.alignment = BOLD, ON_ONE_LINE
        header = self.row + 1
        for number, i in enumerate(shown, 1):
            column = sheet.columns[i]
            cell = _write(ws.cell(header, number), column.title, Kind.TEXT)
            cell.font, cell.fill = BOLD, HEADER_FILL
            cell.border = Border(bottom=THIN)
            if column.kind in NUMERIC:
                cell.alignment = RIGHT
            self._fit(number, column.title)
        first = header + 1
        for r, row in enumerate(sheet.rows):
            for number, i in enumerate(shown, 1):
                column = sheet.columns[i]
                cell = _write(ws.cell(first + r, number), row[i], sheet.kind_of(r, column))
                self._fit(number, human(row[i], sheet.kind_of(r, column)))
                if isinstance(row[i], str) and row[i] in RAG_FILLS and _is_rag(sheet, column):
                    cell.fill = RAG_FILLS[row[i]]
        total_row = None
        if sheet.total is not None:
            total_row = first + len(sheet.rows)
            for number, i in enumerate(shown, 1):
                self._total(sheet, i, number, total_row, first, subtotal=excel_table is not None)
        end = total_row or first + len(sheet.rows) - 1
        if excel_table and sheet.rows:
            last = get_column_letter(len(shown))
            table = Table(displayName=excel_table, ref=f"A{header}:{last}{end - 1}")
            table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
            ws.add_table(table)
        self.row = max(end, header) + 1
        for note in sheet.notes:
            if note not in self.notes:
                self.notes.add(note)
                cell = _write(ws.cell(self.row, 1), note, Kind.TEXT)
                cell.font, cell.alignment = NOTE, ON_ONE_LINE
                self.row += 1
        self.row += 1
        self.last_column = max(self.last_column, len(shown))
        return Placed(
            sheet.name,
            ws,
            header,
            first,
            len(sheet.rows),
            total_row,
            {sheet.columns[i].key: number for number, i in enumerate(shown, 1)},
        )

    def _total(
        self, sheet: Sheet, i: int, number: int, row: int, first: int, *, subtotal: bool
    ) -> None:
        """A live SUM where the report's total is the sum of the cells above, else the value."""
        assert sheet.total is not None
        column, value = sheet.columns[i], sheet.total[i]
        cell = self.ws.cell(row, number)
        above = [r[i] for r in sheet.rows]
        if (
            column.kind in ADDITIVE
            and _whole(value)
            and sheet.rows
            and all(v is None or _whole(v) for v in above)
            and sum(v for v in above if v is not None) == value
        ):
            letter = get_column_letter(number)
            function = "SUBTOTAL(109," if subtotal else "SUM("
            cell.value = f"={function}{letter}{first}:{letter}{row - 1})"
            cell.number_format = FORMATS[column.kind]
        else:
            _write(cell, value, column.kind)
        cell.font = BOLD
        cell.border = Border(top=THIN)
        self._fit(number, human(value, column.kind))

    def chart(self, chart: Any, table: Placed) -> None:
        chart.x_axis.delete = False  # openpyxl hides the axes unless told otherwise
        chart.y_axis.delete = False
        chart.width, chart.height = 24, 12
        anchor = f"{get_column_letter(self.last_column + 2)}{table.header_row}"
        self.ws.add_chart(chart, anchor)

    def _fit(self, column: int, text: str) -> None:
        longest = max((len(line) for line in text.splitlines()), default=0)
        self.widths[column] = max(self.widths.get(column, 0), longest)

    def _fit_wrapped_rows(self) -> None:
        """Spreadsheets do not grow a row for wrapped text written by a program: give each
        row with wrapped text the height its longest cell needs, so lines never overlap."""
        ws = self.ws
        for row in ws.iter_rows():
            lines = 1
            for cell in row:
                if not (cell.alignment.wrap_text and isinstance(cell.value, str)):
                    continue
                width = ws.column_dimensions[cell.column_letter].width or MIN_WIDTH
                per_line = max(int(width) - 1, 1)
                lines = max(
                    lines,
                    sum(-(-max(len(part), 1) // per_line) for part in cell.value.splitlines()),
                )
            if lines > 1:
                ws.row_dimensions[row[0].row].height = LINE_HEIGHT * lines
                for cell in row:  # the row's other cells line up with its first line
                    old = cell.alignment
                    cell.alignment = Alignment(
                        horizontal=old.horizontal, wrap_text=old.wrap_text, vertical="top"
                    )

    def finish(self, *, freeze_after: int) -> None:
        ws = self.ws
        for column, width in self.widths.items():
            ws.column_dimensions[get_column_letter(column)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
        self._fit_wrapped_rows()
        ws.freeze_panes = f"A{freeze_after + 1}"
        ws.print_title_rows = f"1:{freeze_after}"
        setup = ws.page_setup
        setup.orientation = "landscape"
        setup.paperSize = ws.PAPERSIZE_A4
        setup.fitToWidth = 1
        setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        marking = _header_text(_clip(self.cover.marking, HEADER_PART))
        ws.oddHeader.left.text = "&A"
        ws.oddHeader.center.text = f"&B{marking}"
        ws.oddHeader.right.text = (
            "INTERNAL - NOT FOR PUBLICATION" if self.cover.internal else "Published figures"
        )
        # The service is in the title rows printed on every page; the footer's left part
        # stays short so it never runs into the centred marking.
        ws.oddFooter.left.text = f"As of {self.cover.as_of}"
        ws.oddFooter.center.text = f"&B{marking}"
        ws.oddFooter.right.text = "Page &P of &N"


def _write(cell: Any, value: Any, kind: Kind) -> Any:
    """One value into one cell: numbers and dates typed and formatted, text always text."""
    if value is None or value == "":
        return cell
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        cell.value = text
        cell.data_type = "s"  # openpyxl would take "=..." for a formula
        if looks_like_formula(text):
            cell.quotePrefix = True
        if kind is not Kind.TEXT:
            cell.alignment = RIGHT  # a symbol such as [c] where a number would be
        elif len(text) > MAX_WIDTH:
            cell.alignment = WRAP
        return cell
    if isinstance(value, datetime):
        cell.value, cell.number_format = value, DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value, cell.number_format = value, DATE_FORMAT
    elif kind is Kind.MONEY:
        cell.value, cell.number_format = from_pence(value), MONEY_FORMAT
    else:
        cell.value = Decimal(value) if isinstance(value, Decimal) else value
        cell.number_format = FORMATS.get(kind, "General")
    return cell


def _categories(chart: Any, labels: Any) -> None:
    """Text labels along the x axis (openpyxl would refer to them as numbers)."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_rag(sheet: Sheet, column: Column) -> bool:
    return column.key == "rag" or (sheet.value_kinds is not None and column.key == "value")


def _clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _header_text(text: str) -> str:
    """Header and footer text: ``&`` starts a control code there, so it is doubled."""
    return text.replace("&", "&&")


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
