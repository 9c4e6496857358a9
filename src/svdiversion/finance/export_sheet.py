"""A finance export saved as an Excel workbook (``.xlsx``): its rows as the text a CSV export
of the same sheet would hold, so :mod:`.importer` reads both the same way.

The one module outside the render layer that imports openpyxl (see the import-linter
contract in pyproject.toml): reading a workbook is reading a finance input, and its
problems are the finance inputs' located problems.

A cell's value becomes text as the mapping reads it:

* a date cell, or a number in the date column (an Excel date serial, in the workbook's
  own 1900 or 1904 epoch), is written in ``date_format``;
* a number in an amount, debit or credit column is written exactly from the number Excel
  stored (``24796.47``), through its shortest decimal form, never through binary
  arithmetic; more than two decimals stays visible and is E606 like a CSV value;
* a formula reads as the value Excel last saved for it (a formula never calculated is
  empty, and reported as an empty value at its cell);
* any other number is its plain decimal form (an invoice number ``12345``, not
  ``12345.0``); text is as the cell holds it.

Row numbers are the sheet's own; a problem's column is the cell's column number (A is 1).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from ..core.codes import Code
from ..core.problems import Problem
from ..load.limits import MAX_COLUMNS
from .mapping import FINANCE_IMPORT, PaymentsMapping, normal

Records = list[tuple[int, list[str]]]

# A workbook is compressed, so its size on disk does not bound what reading it costs: a
# 1.7 KB file can declare a sheet of a million rows, a 4.4 MB one shared strings of 2 GB.
# These are checked before a cell is read (docs/reliability.md lists them; a test keeps
# the two in step).
MAX_SHEET_ROWS = 1_000_000
"""Rows of the sheet read, declared (its dimension) or found."""
MAX_SHEET_CELLS = 5_000_000
"""Cells of the sheet read (rows times columns of its declared dimension)."""
MAX_WORKBOOK_BYTES = 256 * 2**20
"""The workbook's parts, uncompressed, together."""
MAX_SHARED_STRINGS_BYTES = 64 * 2**20
"""The workbook's shared strings (every text cell's text), uncompressed."""


def is_workbook_name(name: str) -> bool:
    return name.lower().endswith(".xlsx")


def read_sheet(
    data: bytes, display: str, mapping: PaymentsMapping
) -> tuple[Records | None, list[Problem]]:
    """The sheet's rows as text and the warnings of reading it (W604: amounts rounded to
    whole pence, when the mapping asks for it); or no rows and the problem that stops it
    being read: E601 for a file that is not a workbook (a CSV renamed, an empty or
    damaged file) or over a limit, E603 for a sheet the mapping names that the workbook
    does not have."""
    too_big = _over_size_limits(data, display)
    if too_big is not None:
        return None, [too_big]
    try:
        from openpyxl import load_workbook  # only when a workbook is read: 0.2 s of start-up

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        return None, [_not_a_workbook(display, exc)]
    try:
        return _rows(book, display, mapping)
    except Exception as exc:  # a read-only workbook parses its sheets as they are read
        return None, [_not_a_workbook(display, exc)]
    finally:
        book.close()


def _rows(
    book: Any, display: str, mapping: PaymentsMapping
) -> tuple[Records | None, list[Problem]]:
    names: list[str] = list(book.sheetnames)
    if mapping.sheet is None:
        sheet = book.worksheets[0]
    else:
        found = [name for name in names if normal(name) == normal(mapping.sheet)]
        if not found:
            sheets = ", ".join(repr(name) for name in names)
            return None, [
                Problem(
                    display,
                    0,
                    0,
                    Code.E603,
                    f"no sheet {mapping.sheet!r} in the workbook (its sheets: {sheets})",
                    f"set sheet: under payments: in {FINANCE_IMPORT} to the sheet with the "
                    "payments",
                )
            ]
        sheet = book[found[0]]
    declared = _over_dimension(sheet, display)
    if declared is not None:
        return None, [declared]
    cell_text = _CellText(mapping, getattr(book, "epoch", None), display)
    rows: list[tuple[int, list[object]]] = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number > MAX_SHEET_ROWS:
            return None, [_limit(display, f"the sheet has more than {MAX_SHEET_ROWS:,} rows")]
        values = list(row[:MAX_COLUMNS])
        rows.append((number, values if any(v is not None for v in values) else []))
    return cell_text.records(rows), cell_text.rounded


def _over_size_limits(data: bytes, display: str) -> Problem | None:
    """E601 when the workbook's parts, uncompressed, are over the limits: checked from the
    sizes the archive declares, before any part is inflated (the archive reader never
    inflates a part beyond its declared size)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None  # not a workbook: openpyxl says so (E601)
    total = sum(part.file_size for part in parts)
    if total > MAX_WORKBOOK_BYTES:
        return _limit(
            display,
            f"the workbook holds {_mebibytes(total)} uncompressed; a workbook is read up to "
            f"{_mebibytes(MAX_WORKBOOK_BYTES)}",
        )
    strings = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    if strings > MAX_SHARED_STRINGS_BYTES:
        return _limit(
            display,
            f"the workbook's shared strings are {_mebibytes(strings)} uncompressed; they are "
            f"read up to {_mebibytes(MAX_SHARED_STRINGS_BYTES)}",
        )
    return None


def _over_dimension(sheet: Any, display: str) -> Problem | None:
    """E601 when the sheet declares more rows, columns or cells than are read (openpyxl
    would make every empty cell of the declared range, however few the sheet holds)."""
    rows, columns = sheet.max_row or 0, sheet.max_column or 0
    where = f"the sheet declares {rows:,} rows and {columns:,} columns"
    if rows > MAX_SHEET_ROWS:
        return _limit(display, f"{where}; a sheet is read up to {MAX_SHEET_ROWS:,} rows")
    if columns > MAX_COLUMNS:
        return _limit(display, f"{where}; a sheet is read up to {MAX_COLUMNS} columns")
    if rows * columns > MAX_SHEET_CELLS:
        return _limit(display, f"{where}; a sheet is read up to {MAX_SHEET_CELLS:,} cells")
    return None


def _limit(display: str, message: str) -> Problem:
    return Problem(
        display,
        0,
        0,
        Code.E601,
        message,
        "check it is the right file; save only the payments sheet, its used cells, as a new "
        "workbook (or export it as CSV), see docs/reliability.md",
    )


def _mebibytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


class _CellText:
    """A cell's value as the text the mapping reads, by the column it is in."""

    def __init__(self, mapping: PaymentsMapping, epoch: datetime | None, display: str = "") -> None:
        self.mapping = mapping
        self.epoch = epoch
        self.display = display
        self.rounded: list[Problem] = []  # W604: amount cells read as whole pence
        self.at = (0, 0)  # the cell being read (row, column number)
        columns = mapping.columns
        self.amounts = {normal(c) for c in (columns.amount, columns.debit, columns.credit) if c}
        self.date = normal(columns.date)

    def records(self, rows: list[tuple[int, list[object]]]) -> Records:
        header_at = self.mapping.header_line
        header = next((row for number, row in rows if number == header_at), [])
        kinds = [normal(value) if isinstance(value, str) else "" for value in header]
        width = max((len(row) for _, row in rows), default=0)
        kinds += [""] * (width - len(kinds))
        # An empty row stays empty (a blank row), not a row of empty values the width of
        # the sheet: a sheet of a million empty rows costs a million empty lists.
        return [
            (
                number,
                [self._at(number, i, value, kinds[i]) for i, value in enumerate(row)]
                + [""] * (width - len(row))
                if row
                else [],
            )
            for number, row in rows
        ]

    def _at(self, row: int, index: int, value: object, column: str) -> str:
        self.at = (row, index + 1)
        return self.text(value, column)

    def text(self, value: object, column: str) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, datetime | date):
            return value.strftime(self.mapping.date_format)
        if isinstance(value, time):
            return value.isoformat()
        if isinstance(value, int | float):
            if column == self.date:
                return self._serial_date(value)
            return self._number(value, column in self.amounts)
        return str(value)

    def _serial_date(self, value: int | float) -> str:
        try:
            from openpyxl.utils.datetime import from_excel

            day = from_excel(value, self.epoch) if self.epoch else from_excel(value)
        except (ValueError, OverflowError, TypeError):
            day = None
        if not isinstance(day, datetime | date):
            return self._number(value, False)  # read as text: E605 shows the number
        return day.strftime(self.mapping.date_format)

    def _number(self, value: int | float, amount: bool) -> str:
        try:
            exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        except InvalidOperation:
            return repr(value)
        if not exact.is_finite():
            return repr(value)  # 'inf', 'nan': E606 in an amount column
        if amount and self.mapping.amounts.round_workbook_amounts:
            exact = self._whole_pence(value, exact)
        text = f"{exact:f}"
        if text.startswith("-0") and exact == 0:
            text = text[1:]
        return text.replace(".", self.mapping.amounts.decimal_point) if amount else text

    def _whole_pence(self, value: int | float, exact: Decimal) -> Decimal:
        """The whole pence within half a penny of ``exact``, and a W604 naming the cell; an
        amount exactly half a penny from two (``0.005``) is left as it is (E606): which
        of the two was meant cannot be told."""
        pence = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        if pence == exact or abs(pence - exact) * 200 == 1:
            return exact
        row, column = self.at
        self.rounded.append(
            Problem(
                self.display,
                row,
                column,
                Code.W604,
                f"the workbook stores {value!r} in this amount cell: read as {pence}",
                "round it to pence in the workbook (=ROUND(...,2)) to read it without this warning",
            )
        )
        return pence


def _not_a_workbook(display: str, exc: Exception) -> Problem:
    reason = str(exc).strip() or type(exc).__name__
    return Problem(
        display,
        0,
        0,
        Code.E601,
        f"not an Excel workbook (.xlsx): {reason}",
        "save the export from Excel as an .xlsx workbook; a CSV export is read from a file "
        "named .csv",
    )
