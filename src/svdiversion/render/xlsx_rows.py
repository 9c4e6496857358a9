"""The ledger's rows in the workbook, written as worksheet XML directly.

openpyxl (or XlsxWriter) spends 8 to 13 microseconds on each cell it writes, so a
hundred thousand transactions of ten columns took 8 to 13 seconds and a million would
take minutes. The rows of a Transactions or Episodes table are few kinds of cell (text,
a date, an amount), so they are written here from a template per kind, with the style
ids openpyxl gives the same cells: openpyxl writes the rest of the tab (headings,
header row, the total, notes, the table, print set-up) and the whole of every other
tab, and :func:`splice` puts the rows into the tab's ``<sheetData>`` while the workbook
is copied to its target, one block of rows at a time, so memory stays flat however many
rows there are.

Every cell is what :func:`.xlsx_tab.write_cell` would make of the value:
``tests/test_xlsx.py`` reads the rows back with openpyxl and LibreOffice recalculates
their totals.
"""

from __future__ import annotations

import gc
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any, cast
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel as untyped_to_excel

from ..core.sheet import Kind
from .cells import human, looks_like_formula
from .lazy_rows import ColumnRows

# openpyxl's serial date for a datetime (its 1900 leap-year rule included), typed.
to_excel = cast("Callable[[datetime], float]", untyped_to_excel)

EXCEL_ROWS = 1_048_576
"""The most rows a worksheet holds (Excel 2007 and later, LibreOffice 7.4 and later)."""
MAX_WIDTH = 60
"""Widest column, in characters: longer text wraps."""
LINE_HEIGHT = 15  # points: one line of the default 11-point font
BLOCK = 2_000
"""Rows rendered, joined and compressed at a time."""
CACHED = 4_096
"""Distinct values of a column whose cells are remembered (kinds, areas, lines...)."""
ZIP64_FROM = 500_000
"""Rows from which the worksheet part may pass 2 GiB and is written as ZIP64."""
_EPOCH = date(1899, 12, 30).toordinal()
_CR = {"\r": "&#13;"}  # else an XML reader reads a carriage return as a line feed
# Text that needs no escaping, cannot be read as a formula and keeps its spaces: it starts
# and ends with no space, starts with none of = + - @, and holds no & < > or control.
_PLAIN = re.compile(r"(?:[^\s=+\-@&<>\x00-\x1f\x7f][^&<>\x00-\x1f\x7f]*)?(?<!\s)")
_ROW_NUMBER = re.compile(r'<row r="(\d+)"')
_NAMESPACES = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}

# A rendered cell: its style key (what openpyxl would style it as), the XML after the
# style attribute, and the lines it needs when wrapped.
Rendered = tuple[tuple[Any, ...], str, int]
# A cell's XML after its reference, with its style in a row of one line; its lines.
Cached = tuple[str, int]


def column_values(rows: Sequence[Sequence[Any]], number: int) -> Iterable[Any]:
    """One column of ``rows``, without making every row when the rows are lazy."""
    if isinstance(rows, ColumnRows):
        return rows.column(number)
    return (row[number] for row in rows)


def rows_of(rows: Sequence[Sequence[Any]], shown: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    """The values of the columns ``shown`` of each row, left to right."""
    return zip(*(column_values(rows, i) for i in shown), strict=True)


def longest(values: Iterable[Any], kind: Kind) -> int:
    """The longest line of text of any value as a person reads it (the column's width)."""
    distinct = {v for v in values if v is not None}
    if kind is Kind.MONEY and all(isinstance(v, int) for v in distinct):
        distinct = {max(distinct), min(distinct)} if distinct else set()
    return max(
        (max((len(line) for line in human(v, kind).splitlines()), default=0) for v in distinct),
        default=0,
    )


@dataclass
class Streamed:
    """Rows of a tab left out of the openpyxl worksheet, to be spliced in by row number."""

    worksheet: Any
    first_row: int
    rows: Sequence[Sequence[Any]]
    shown: list[int]
    """Position in each row of each column shown, left to right."""
    kinds: list[Kind]
    styled: Callable[[Any, Kind, bool], Any]
    """A cell, not placed on the worksheet, written as ``write_cell`` writes the value
    (lined up with the top of its row when the flag says so), whose style id is wanted."""
    _styles: dict[tuple[Any, ...], int] = field(default_factory=dict)

    @property
    def last_row(self) -> int:
        return self.first_row + len(self.rows) - 1

    def xml_rows(self) -> Iterator[str]:
        """``<row>`` elements of every row, a block of rows per string."""
        columns: list[tuple[str, Kind, dict[Any, Cached]]] = [
            (f'<c r="{get_column_letter(n)}', kind, {}) for n, kind in enumerate(self.kinds, 1)
        ]
        block: list[str] = []
        for number, row in enumerate(rows_of(self.rows, self.shown), self.first_row):
            at = str(number)
            cells = []
            wrapped = False
            for value, (start, kind, cache) in zip(row, columns, strict=True):
                if value is None or value == "":
                    continue
                found = cache.get(value)
                if found is None:
                    found = self._cached(value, kind)
                    if len(cache) < CACHED:
                        cache[value] = found
                cells.append(start + at + found[0])
                wrapped = wrapped or found[1] > 1
            if wrapped:
                block.append(self._wrapped_row(number, row))
            else:
                block.append('<row r="' + at + '">' + "".join(cells) + "</row>")
            if len(block) == BLOCK:
                yield "".join(block)
                block = []
        if block:
            yield "".join(block)

    def _cached(self, value: Any, kind: Kind) -> Cached:
        """A cell after its reference, in a row of one line, and the lines it needs."""
        key, xml, lines = render(value, kind)
        return f'" s="{self._styles[(*key, False)]}"{xml}', lines

    def _wrapped_row(self, number: int, row: Sequence[Any]) -> str:
        """A row with wrapped text: as tall as its longest cell, every cell at the top."""
        parts, lines = [], 1
        for n, (value, kind) in enumerate(zip(row, self.kinds, strict=True), 1):
            if value is None or value == "":
                continue
            key, xml, needs = render(value, kind)
            lines = max(lines, needs)
            style = self._styles[(*key, True)]
            parts.append(f'<c r="{get_column_letter(n)}{number}" s="{style}"{xml}')
        return (
            f'<row r="{number}" ht="{LINE_HEIGHT * lines}" customHeight="1">'
            + "".join(parts)
            + "</row>"
        )

    def register_styles(self) -> None:
        """Give every cell these rows may hold its style before openpyxl writes the styles:
        the rows are written after that."""
        for kind in dict.fromkeys(self.kinds):
            for value in _SAMPLES:
                for top in (False, True):
                    key = render(value, kind)[0]
                    self._styles[(*key, top)] = self.styled(value, kind, top).style_id


# One value of each kind of cell a column may hold (text, text like a formula, long text,
# both; dates, a flag, whole and other numbers).
_SAMPLES = (
    *("x", "=x", "x" * (MAX_WIDTH + 1), "=" + "x" * MAX_WIDTH),
    *(date(2000, 1, 1), datetime(2000, 1, 1, 1), True, 1, 1.5),
)


def render(value: Any, kind: Kind) -> Rendered:
    """A value as ``write_cell`` would write it: its style key, XML and lines."""
    if isinstance(value, str):
        if _PLAIN.fullmatch(value):  # most ledger text: nothing to escape or watch for
            wrapped = kind is Kind.TEXT and len(value) > MAX_WIDTH
            xml = f' t="inlineStr"><is><t>{value}</t></is></c>'
            return ("text", kind is Kind.TEXT, False, wrapped), xml, _lines(value) if wrapped else 1
        text = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
        wrapped = kind is Kind.TEXT and len(text) > MAX_WIDTH
        keep = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        xml = f' t="inlineStr"><is><t{keep}>{escape(text, _CR)}</t></is></c>'
        lines = _lines(text) if wrapped else 1
        return ("text", kind is Kind.TEXT, looks_like_formula(text), wrapped), xml, lines
    if isinstance(value, datetime):
        return ("datetime",), f"><v>{to_excel(value)}</v></c>", 1
    if isinstance(value, date):
        return ("date",), f"><v>{value.toordinal() - _EPOCH}</v></c>", 1
    if isinstance(value, bool):
        return ("bool", kind), f' t="b"><v>{int(value)}</v></c>', 1
    if kind is Kind.MONEY and isinstance(value, int):
        pounds, pence = divmod(abs(value), 100)
        sign = "-" if value < 0 else ""
        return ("money",), f"><v>{sign}{pounds}.{pence:02d}</v></c>", 1
    return ("number", kind), f"><v>{value}</v></c>", 1


def _lines(text: str) -> int:
    per_line = MAX_WIDTH - 1
    return sum(-(-max(len(part), 1) // per_line) for part in text.splitlines())


def splice(book: bytes, streamed: Sequence[Streamed], out: IO[bytes]) -> None:
    """Copy the workbook ``book`` to ``out`` with each streamed tab's rows put in place.

    Python's cyclic garbage collector is paused meanwhile: the rows' strings make no
    reference cycles, and its passes over the ledger's millions of objects cost about a
    tenth of the time at a million rows."""
    with (
        _collector_paused(),
        zipfile.ZipFile(io.BytesIO(book)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        parts = _worksheet_parts(source)
        wanted = {parts[s.worksheet.title]: s for s in streamed}
        for info in source.infolist():
            data = source.read(info)
            rows = wanted.get(info.filename)
            if rows is None:
                target.writestr(info, data)
                continue
            head, tail = _split(data.decode("utf-8"), rows.last_row)
            big = len(rows.rows) >= ZIP64_FROM
            with target.open(info.filename, "w", force_zip64=big) as part:
                _write(part.write, head, rows.xml_rows(), tail)


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _write(write: Callable[[bytes], Any], head: str, blocks: Iterable[str], tail: str) -> None:
    write(head.encode("utf-8"))
    for block in blocks:
        write(block.encode("utf-8"))
    write(tail.encode("utf-8"))


def _split(xml: str, last_row: int) -> tuple[str, str]:
    """The worksheet XML before and after where rows up to ``last_row`` belong."""
    for match in _ROW_NUMBER.finditer(xml):
        if int(match.group(1)) > last_row:
            return xml[: match.start()], xml[match.start() :]
    end = xml.index("</sheetData>")
    return xml[:end], xml[end:]


def _worksheet_parts(book: zipfile.ZipFile) -> dict[str, str]:
    """Each worksheet's title -> its part name in the package (``xl/worksheets/...``)."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {
        r.get("Id"): r.get("Target", "") for r in relations.findall("p:Relationship", _NAMESPACES)
    }
    found = {}
    for sheet in workbook.findall("m:sheets/m:sheet", _NAMESPACES):
        target = targets[sheet.get(f"{{{_NAMESPACES['r']}}}id")]
        found[sheet.get("name", "")] = (
            target.lstrip("/") if target.startswith("/") else ("xl/" + target)
        )
    return found
