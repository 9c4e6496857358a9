"""One worksheet of the analyst's return, written from the top down.

A :class:`Tab` writes the heading rows (service, protective marking, period), then one
:class:`~.sheets.Sheet` after another as a table: typed cells with number formats, live
totals where the report's total is the sum above it, notes once each, charts below;
then fits the columns and rows, freezes the headings and sets up the printed page
(:mod:`.xlsx_print`). Rows of a long table may be left to :mod:`.xlsx_rows`. :func:`write_cell`
is the one place a value becomes a cell.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.chart import Reference
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.drawing.text import RichTextProperties
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from ..core.money import from_pence
from ..core.sheet import Column, Kind, Sheet
from .cells import human, looks_like_formula
from .xlsx_cover import Cover
from .xlsx_print import (
    BODY_POINTS,
    SMALLEST_SCALE,
    Block,
    break_pages,
    column_points,
    narrowed,
    scale_for,
    scale_of,
    set_up_page,
    wrap_across,
)
from .xlsx_rows import LINE_HEIGHT, MAX_WIDTH, Streamed, column_values, longest

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
MIN_WIDTH = 8
CHART_HEIGHT = 8.5  # cm
CHART_WIDTH = (16.0, 26.0)  # cm, least and most: as wide as the tab's columns between
POINTS_PER_CM = 72 / 2.54

# Named, as the workbook's default font is: a font without a name is printed in whatever
# the spreadsheet falls back to (LibreOffice: a serif, wider than the widths allow for).
FONT = "Calibri"
TITLE_POINTS = 14.0
TITLE = Font(name=FONT, bold=True, size=TITLE_POINTS)
BOLD = Font(name=FONT, bold=True, size=BODY_POINTS)
WARNING = Font(name=FONT, bold=True, size=BODY_POINTS, color="C00000")
NOTE = Font(name=FONT, italic=True, size=BODY_POINTS, color="595959")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
RAG_FILLS = {
    "green": PatternFill("solid", fgColor="C6EFCE"),
    "amber": PatternFill("solid", fgColor="FFEB9C"),
    "red": PatternFill("solid", fgColor="FFC7CE"),
}
THIN = Side(style="thin")
RIGHT = Alignment(horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top")
# A table's title runs on across the empty cells to its right.
ON_ONE_LINE = Alignment(wrap_text=False, vertical="top")


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


class Tab:
    """One worksheet being written from the top down."""

    def __init__(self, book: Workbook, name: str, title: str, cover: Cover) -> None:
        self.ws = book.create_sheet(name)
        self.cover = cover
        self.widths: dict[int, int] = {}
        self.notes: set[str] = set()
        self.last_column = 1
        self.streamed: list[Streamed] = []
        self.blocks: list[Block] = []
        self.charts: list[Any] = []
        self.texts: dict[int, float] = {1: TITLE_POINTS, 2: BODY_POINTS, 3: BODY_POINTS}
        """Rows of one text across the tab (headings, notes): their font's points."""
        title_cell = write_cell(self.ws.cell(1, 1), f"{cover.service}: {title}", Kind.TEXT)
        title_cell.font = TITLE
        marking = write_cell(self.ws.cell(2, 1), f"{cover.marking}. {cover.banner}", Kind.TEXT)
        marking.font = WARNING if cover.internal else BOLD
        write_cell(self.ws.cell(3, 1), f"As of {cover.as_of}. Period: {cover.period}.", Kind.TEXT)
        self.row = HEADING_ROWS + 2

    def table(
        self, sheet: Sheet, *, excel_table: str | None = None, stream: bool = False
    ) -> Placed:
        """``sheet`` as a table below what is written so far. With ``stream`` its rows are
        left to :func:`.xlsx_rows.splice` (see :class:`.xlsx_rows.Streamed`)."""
        ws = self.ws
        shown = [
            i
            for i, _ in enumerate(sheet.columns)
            if i == 0
            or any(v is not None for v in column_values(sheet.rows, i))
            or (sheet.total is not None and sheet.total[i] is not None)
        ]
        heading = write_cell(ws.cell(self.row, 1), sheet.title, Kind.TEXT)
        heading.font, heading.alignment = BOLD, ON_ONE_LINE
        start, header = self.row, self.row + 1
        for number, i in enumerate(shown, 1):
            column = sheet.columns[i]
            cell = write_cell(ws.cell(header, number), column.title, Kind.TEXT)
            cell.font, cell.fill = BOLD, HEADER_FILL
            cell.border = Border(bottom=THIN)
            if column.kind in NUMERIC:
                cell.alignment = RIGHT
            self._fit(number, column.title)
        first = header + 1
        if stream:
            kinds = [sheet.columns[i].kind for i in shown]
            self.streamed.append(Streamed(ws, first, sheet.rows, shown, kinds, self._styled))
            for number, (i, kind) in enumerate(zip(shown, kinds, strict=True), 1):
                self._fit_length(number, longest(column_values(sheet.rows, i), kind))
        else:
            self._rows(sheet, shown, first)
        total_row = None
        if sheet.total is not None:
            total_row = first + len(sheet.rows)
            for number, i in enumerate(shown, 1):
                self._total(sheet, i, number, total_row, first, subtotal=excel_table is not None)
        end = total_row or first + len(sheet.rows) - 1
        if excel_table and sheet.rows:
            self._excel_table(excel_table, sheet, shown, header)
        self.row = max(end, header) + 1
        for note in sheet.notes:
            if note not in self.notes:
                self.notes.add(note)
                cell = write_cell(ws.cell(self.row, 1), note, Kind.TEXT)
                cell.font = NOTE
                self.texts[self.row] = BODY_POINTS
                self.row += 1
        self.blocks.append(Block(start, self.row - 1))
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

    def _excel_table(self, name: str, sheet: Sheet, shown: list[int], header: int) -> None:
        """The header and rows (not the total) as an Excel table with filters."""
        ref = f"A{header}:{get_column_letter(len(shown))}{header + len(sheet.rows)}"
        table = Table(displayName=name, ref=ref, autoFilter=AutoFilter(ref=ref))
        # Named here: openpyxl would read every cell of the table to find the header.
        table.tableColumns = [
            TableColumn(id=n, name=clean_text(sheet.columns[i].title))
            for n, i in enumerate(shown, 1)
        ]
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        self.ws.add_table(table)

    def _styled(self, value: Any, kind: Kind, top: bool) -> Any:
        cell = write_cell(Cell(self.ws, row=1, column=1), value, kind)  # a style, not placed
        if top:
            cell.alignment = _top(cell.alignment)
        return cell

    def _rows(self, sheet: Sheet, shown: list[int], first: int) -> None:
        for r, row in enumerate(sheet.rows):
            for number, i in enumerate(shown, 1):
                column = sheet.columns[i]
                cell = write_cell(self.ws.cell(first + r, number), row[i], sheet.kind_of(r, column))
                self._fit(number, human(row[i], sheet.kind_of(r, column)))
                if isinstance(row[i], str) and row[i] in RAG_FILLS and _is_rag(sheet, column):
                    cell.fill = RAG_FILLS[row[i]]

    def _total(
        self, sheet: Sheet, i: int, number: int, row: int, first: int, *, subtotal: bool
    ) -> None:
        """A live SUM where the report's total is the sum of the cells above, else the value."""
        if sheet.total is None:
            raise ValueError(f"sheet {sheet.name} has no total row to write")
        column, value = sheet.columns[i], sheet.total[i]
        cell = self.ws.cell(row, number)
        above = list(column_values(sheet.rows, i))
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
            write_cell(cell, value, column.kind)
        cell.font = BOLD
        cell.border = Border(top=THIN)
        self._fit(number, human(value, column.kind))

    def chart(self, chart: Any) -> None:
        """A chart below what is written so far, as wide as the tab (set by ``finish``)."""
        chart.x_axis.delete = False  # openpyxl hides the axes unless told otherwise
        chart.y_axis.delete = False
        for axis in (chart.x_axis, chart.y_axis):  # titles read across, never on end
            if axis.title is not None:
                axis.title.tx.rich.bodyPr = RichTextProperties(rot=0, vert="horz")
        chart.height = CHART_HEIGHT
        # A row below the block's first: a chart starting right at a page break would
        # print the top of its frame at the foot of the page before.
        self.ws.add_chart(chart, f"A{self.row + 1}")
        self.charts.append(chart)
        rows = math.ceil(CHART_HEIGHT * POINTS_PER_CM / LINE_HEIGHT)
        self.blocks.append(Block(self.row, self.row + rows))
        self.row += rows + 2

    def _fit(self, column: int, text: str) -> None:
        self._fit_length(column, max((len(line) for line in text.splitlines()), default=0))

    def _fit_length(self, column: int, length: int) -> None:
        self.widths[column] = max(self.widths.get(column, 0), length)

    def _narrow_text(self, widths: list[float]) -> list[float]:
        """A tab too wide for the page at 8 points: its widest text columns narrower, their
        long text wrapped, so that it fits (see :func:`.xlsx_print.narrowed`)."""
        long_text = {
            cell.column
            for row in self._written_rows()
            if row and row[0].row not in self.texts
            for cell in row
            if isinstance(cell.value, str) and len(cell.value) > 20
        }
        fitted = narrowed(widths, long_text)
        for number, (old, new) in enumerate(zip(widths, fitted, strict=True), 1):
            if new < old:
                self.ws.column_dimensions[get_column_letter(number)].width = new
                for (cell,) in self.ws.iter_rows(min_col=number, max_col=number):
                    if isinstance(cell.value, str) and len(cell.value) > new - 2:
                        cell.alignment = WRAP
        self._fit_wrapped_rows()
        return fitted

    def _fit_wrapped_rows(self) -> None:
        """Spreadsheets do not grow a row for wrapped text written by a program: give each
        row with wrapped text the height its longest cell needs, so lines never overlap."""
        ws = self.ws
        for row in self._written_rows():
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
                    cell.alignment = _top(cell.alignment)

    def _written_rows(self) -> Iterator[tuple[Any, ...]]:
        """The rows written by openpyxl: streamed rows are sized as they are written (see
        :mod:`.xlsx_rows`), and asking openpyxl for them would make a cell of each."""
        start = 1
        for streamed in self.streamed:
            yield from self.ws.iter_rows(min_row=start, max_row=streamed.first_row - 1)
            start = streamed.last_row + 1
        if start <= self.ws.max_row:
            yield from self.ws.iter_rows(min_row=start, max_row=self.ws.max_row)

    def finish(self, *, freeze_after: int) -> None:
        """Column widths, row heights, frozen headings and the printed page."""
        ws = self.ws
        for streamed in self.streamed:
            streamed.register_styles()
        for column, width in self.widths.items():
            ws.column_dimensions[get_column_letter(column)].width = min(
                max(width + 2, MIN_WIDTH), MAX_WIDTH
            )
        self._fit_wrapped_rows()
        widths: list[float] = [
            float(ws.column_dimensions[get_column_letter(n)].width or MIN_WIDTH)
            for n in range(1, self.last_column + 1)
        ]
        if scale_for(widths) < SMALLEST_SCALE and not self.streamed:
            widths = self._narrow_text(widths)
        table_cm = sum(column_points(w) for w in widths) / POINTS_PER_CM
        for chart in self.charts:
            chart.width = min(max(table_cm, CHART_WIDTH[0]), CHART_WIDTH[1])
        chart_points = max((c.width for c in self.charts), default=0) * POINTS_PER_CM
        scale = scale_of(max(sum(map(column_points, widths)), chart_points))
        for row, points in self.texts.items():
            wrap_across(ws, row, self.last_column, widths, points)
        ws.freeze_panes = f"A{freeze_after + 1}"
        set_up_page(ws, self.cover, title_rows=freeze_after, scale=scale)
        if not self.streamed:
            break_pages(ws, self.blocks, title_rows=freeze_after, scale=scale)


def write_cell(cell: Any, value: Any, kind: Kind) -> Any:
    """One value into one cell: numbers and dates typed and formatted, text always text."""
    if value is None or value == "":
        return cell
    if isinstance(value, str):
        text = clean_text(value)
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


def clean_text(text: str) -> str:
    """Text without the control characters a workbook cannot hold (each becomes U+FFFD)."""
    return str(ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))


def categories(chart: Any, labels: Any) -> None:
    """Text labels along the x axis (openpyxl would refer to them as numbers)."""
    for series in chart.series:
        series.cat = AxDataSource(strRef=StrRef(f=str(labels)))


def _top(old: Alignment) -> Alignment:
    return Alignment(horizontal=old.horizontal, wrap_text=old.wrap_text, vertical="top")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_rag(sheet: Sheet, column: Column) -> bool:
    return column.key == "rag" or (sheet.value_kinds is not None and column.key == "value")
