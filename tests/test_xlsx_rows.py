"""The ledger rows of a workbook, written as XML by ``render.xlsx_rows`` rather than cell
by cell by openpyxl: every cell must read back exactly as openpyxl's own would, and a
table longer than a worksheet is left to the CSV export, saying so. And how a tab too
wide for the page prints."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook, load_workbook

from svdiversion.core.sheet import Column, Kind, Sheet
from svdiversion.render import xlsx
from svdiversion.render.lazy_rows import ColumnRows
from svdiversion.render.xlsx_cover import Cover
from svdiversion.render.xlsx_rows import splice
from svdiversion.render.xlsx_tab import Tab
from svdiversion.reports.disclosure import Disclosure

COVER = Cover(
    service="Test service",
    decisions="D/1 (Test)",
    commissioner="Commissioner",
    provider="Provider",
    period="The whole contract",
    period_label="the whole contract",
    as_of=date(2025, 3, 31),
    marking="OFFICIAL",
    disclosure=Disclosure.INTERNAL,
    policy="Internal.",
    made_at=datetime(2025, 1, 1),
    version="0",
    command="svdiversion export xlsx --out FILE",
    files=(),
)
LONG = "A description long enough to wrap in its column, " * 3
COLUMNS = (
    Column("id", "id"),
    Column("date", "date", Kind.DATE),
    Column("amount", "amount", Kind.MONEY),
    Column("description", "description"),
    Column("note", "note"),
    Column("count", "count", Kind.COUNT),
)
ROWS = [
    ["TX-1", date(2024, 7, 1), 248809, "Steer Clear delivery", None, 3],
    ["TX-2", date(2024, 7, 2), -1, '=HYPERLINK("x","y")', "a & b < c", 0],
    ["TX-3", datetime(2024, 7, 3, 9, 30), 5, LONG, " spaced ", None],
    ["TX-4", date(2024, 7, 4), 0, "\tTabbed", "", 12],
    ["TX-5", date(2024, 7, 5), 100, "line one\nline two", "\x07bell", 1],
]


def written(*, stream: bool, rows: Any = None) -> Any:
    """The sheet as a rows tab, streamed or written by openpyxl, read back."""
    book = Workbook()
    book.remove(book.active)
    tab = Tab(book, "Transactions", "Transactions", COVER)
    sheet = Sheet("transactions", "Transactions", COLUMNS, rows or ROWS, total=None)
    table = tab.table(sheet, excel_table="Transactions", stream=stream)
    tab.finish(freeze_after=table.header_row)
    buffer, out = io.BytesIO(), io.BytesIO()
    book.save(buffer)
    splice(buffer.getvalue(), tab.streamed, out)
    return load_workbook(io.BytesIO(out.getvalue()))["Transactions"]


def described(ws: Any) -> list[tuple[Any, ...]]:
    return [
        (
            cell.coordinate,
            cell.value,
            cell.data_type,
            cell.number_format,
            cell.quotePrefix,
            cell.alignment.horizontal,
            cell.alignment.vertical,
            cell.alignment.wrap_text,
            ws.row_dimensions[cell.row].height,
        )
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None  # an empty cell's style is no matter
    ]


def test_streamed_rows_read_back_as_openpyxl_writes_them() -> None:
    by_openpyxl, streamed = written(stream=False), written(stream=True)
    assert described(streamed) == described(by_openpyxl)
    assert streamed.tables["Transactions"].ref == "A6:F11"
    assert streamed["D7"].value == "Steer Clear delivery"
    assert streamed["C8"].value == -0.01
    assert streamed.row_dimensions[9].height == 45  # three lines of wrapped text
    assert streamed["E11"].value == "\ufffdbell"
    assert {c: streamed.column_dimensions[c].width for c in "ABD"} == {"A": 8, "B": 21, "D": 60}


def test_lazy_rows_are_streamed_as_lists_are() -> None:
    columns = [list(column) for column in zip(*ROWS, strict=True)]
    lazy = ColumnRows(columns, [4, 0, 2])
    assert described(written(stream=True, rows=lazy)) == described(
        written(stream=False, rows=[ROWS[4], ROWS[0], ROWS[2]])
    )


def test_a_table_longer_than_a_worksheet_is_left_to_the_csv_export() -> None:
    book = Workbook()
    book.remove(book.active)
    sheet = Sheet(
        "transactions",
        "Transactions to 2025-03-31",
        COLUMNS,
        ROWS * 4,
        total=["Total", None, sum(r[2] for r in ROWS) * 4, None, None, None],
        notes=["Rows of ledger/transactions.csv."],
    )
    assert xlsx.rows_tab(book, COVER, "Transactions", sheet, max_rows=25) == []
    ws = book["Transactions"]
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=5, max_col=2)] == [
        ["Transactions to 2025-03-31", None],
        ["Item", "Value"],
        ["Rows", 20],
        ["Total amount", Decimal("9956.52")],
        ["Rows of ledger/transactions.csv.", None],
        [
            "20 rows are more than a worksheet holds (25 rows in all): they are in "
            "transactions.csv of 'svdiversion export csv' with the same options.",
            None,
        ],
    ]
    assert ws.tables == {}


def test_a_tab_too_wide_for_eight_points_runs_on_to_further_pages() -> None:
    """Fitting ten 60-character columns to an A4 width would print 11-point text at about
    4 points: the tab prints at 73% instead, the first column on every page."""
    wide = Sheet(
        "wide",
        "Wide",
        tuple(Column(f"c{n}", f"c{n}") for n in range(10)),
        [["x" * 58] * 10],
    )
    narrow = Sheet("narrow", "Narrow", (Column("a", "a"), Column("b", "b")), [["x", "y"]])
    book = Workbook()
    for sheet in (wide, narrow):
        tab = Tab(book, sheet.title, sheet.title, COVER)
        tab.finish(freeze_after=tab.table(sheet).header_row)
    wide_ws, narrow_ws = book["Wide"], book["Narrow"]
    assert wide_ws.page_setup.scale == 73
    assert wide_ws.sheet_properties.pageSetUpPr.fitToPage is False
    assert (wide_ws.print_title_cols, wide_ws.print_title_rows) == ("$A:$A", "$1:$6")
    assert narrow_ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert (narrow_ws.page_setup.fitToWidth, narrow_ws.page_setup.fitToHeight) == (1, 0)
    assert narrow_ws.print_title_cols is None
    for ws in (wide_ws, narrow_ws):
        assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)  # 9 is A4
