"""How a tab of the return prints: A4 landscape, text never under 8 points.

A tab is fitted to the page width only when that keeps its 11-point text at 8 points
or more (a scale of 73% or more); a wider tab prints at 73% and its columns run on to
further pages, the first column repeated on each, as the heading rows (and a one-table
tab's column headers) are on every page. Notes and the heading lines are merged across
the tab's columns and wrapped, so no long line makes the page wider. A table (or chart)
that would start near the foot of a page and fits on one begins a new page, so its
title and column headers print above it. Header and footer carry the tab's name, the
protective marking, the disclosure and "Page n of m".

Widths are in Excel's units (characters of the default font), heights in points.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break

from .xlsx_cover import Cover

A4_LANDSCAPE = (842.0, 595.0)  # points
MARGINS = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3)
BODY_POINTS, SMALLEST_POINTS = 11, 8
SMALLEST_SCALE = math.ceil(100 * SMALLEST_POINTS / BODY_POINTS)  # 73 (%)
LINE_HEIGHT = 15.0  # points: one line of 11-point text
WIDER_FONT = 1.1
"""Room for a font wider than Calibri (LibreOffice without Carlito uses DejaVu Sans)."""
HEADER_PART = 60
"""Longest service name or marking in a page header or footer: Excel refuses a workbook
whose header or footer is longer than 255 characters in all."""


@dataclass(frozen=True, slots=True)
class Block:
    """Rows that belong together on a page: a table with its title and notes, a chart."""

    first_row: int
    last_row: int


def printable() -> tuple[float, float]:
    """Width and height of the printed area of an A4 landscape page, in points."""
    width, height = A4_LANDSCAPE
    return (
        width - 72 * (MARGINS.left + MARGINS.right),
        height - 72 * (MARGINS.top + MARGINS.bottom),
    )


def column_points(width: float) -> float:
    """A column ``width`` characters wide, in points (7 pixels a character, 5 of padding)."""
    return (7 * width + 5) * 0.75


def scale_for(widths: Iterable[float]) -> int:
    """The print scale (%) that fits the columns to the page width, or 100 when they fit
    already; a result under :data:`SMALLEST_SCALE` means the tab is too wide to fit."""
    return scale_of(sum(column_points(w) for w in widths))


def scale_of(points: float) -> int:
    """The print scale (%) that fits ``points`` of width to the page, at most 100."""
    return min(100, math.floor(100 * printable()[0] / points)) if points else 100


def narrowed(widths: list[float], text: set[int], narrowest: float = 20) -> list[float]:
    """``widths`` with the widest of the ``text`` columns (1-based) brought down, no
    lower than ``narrowest``, until the tab fits the page at :data:`SMALLEST_SCALE` (or
    they can come down no further): wrapped text reads better than a column on a page
    of its own."""
    # Aim a little above the least scale: a spreadsheet measures text its own way.
    room = (100 * printable()[0] / (SMALLEST_SCALE + 4) / 0.75 - 5 * len(widths)) / 7
    cap = max(widths, default=0)

    def capped(limit: float) -> list[float]:
        return [min(w, limit) if n in text else w for n, w in enumerate(widths, 1)]

    while cap > narrowest and sum(capped(cap)) > room:
        cap -= 1
    return capped(max(cap, narrowest))


def set_up_page(ws: Any, cover: Cover, *, title_rows: int, scale: int) -> None:
    """Paper, scale, repeated rows and columns, header and footer of one tab."""
    ws.print_title_rows = f"1:{title_rows}"
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = ws.PAPERSIZE_A4
    ws.page_margins = MARGINS
    if scale >= SMALLEST_SCALE:
        setup.fitToWidth, setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:  # too wide to fit at 8 points: the columns run on, the first on every page
        setup.scale = SMALLEST_SCALE
        ws.sheet_properties.pageSetUpPr.fitToPage = False
        ws.print_title_cols = "A:A"
    marking = _header_text(_clip(cover.marking, HEADER_PART))
    ws.oddHeader.left.text = "&A"
    ws.oddHeader.center.text = f"&B{marking}"
    ws.oddHeader.right.text = (
        "INTERNAL - NOT FOR PUBLICATION" if cover.internal else "Published figures"
    )
    # The service is in the title rows printed on every page; the footer's left part
    # stays short so it never runs into the centred marking.
    ws.oddFooter.left.text = f"As of {cover.as_of}"
    ws.oddFooter.center.text = f"&B{marking}"
    ws.oddFooter.right.text = "Page &P of &N"


def wrap_across(ws: Any, row: int, columns: int, widths: list[float], points: float) -> None:
    """The text in column A of ``row`` merged across ``columns`` columns and wrapped, the
    row as tall as the text's lines (of ``points``-point text) need."""
    cell = ws.cell(row, 1)
    text = str(cell.value or "")
    room = sum(widths[:columns]) * BODY_POINTS / points / WIDER_FONT
    per_line = max(int(room), 10)
    lines = sum(-(-max(len(part), 1) // per_line) for part in text.splitlines())
    if columns > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell.alignment = Alignment(horizontal=cell.alignment.horizontal, wrap_text=True, vertical="top")
    ws.row_dimensions[row].height = max(lines, 1) * LINE_HEIGHT * points / BODY_POINTS


def break_pages(ws: Any, blocks: list[Block], *, title_rows: int, scale: int) -> None:
    """A page break before each block that would cross the foot of a page and fits on a
    page of its own, so a table starts with its title and column headers."""
    usable = printable()[1] * 100 / max(scale, SMALLEST_SCALE)
    usable -= _height(ws, 1, title_rows)
    used = 0.0
    for block in blocks:
        # A one-table tab's title and column headers are among the rows on every page.
        height = _height(ws, max(block.first_row, title_rows + 1), block.last_row)
        gap = _height(ws, title_rows + 1, block.first_row - 1) if block is blocks[0] else 0.0
        used += gap
        if used + height > usable and height <= usable and used > 0:
            ws.row_breaks.append(Break(id=block.first_row - 1))
            used = 0.0
        used = (used + height) % usable if height > usable else used + height
        used += LINE_HEIGHT  # the blank row after a block


def _height(ws: Any, first: int, last: int) -> float:
    dimensions = ws.row_dimensions
    return sum(
        (dimensions[r].height if r in dimensions and dimensions[r].height else LINE_HEIGHT)
        for r in range(first, last + 1)
    )


def _clip(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1] + "…"


def _header_text(text: str) -> str:
    """Header and footer text: ``&`` starts a control code there, so it is doubled."""
    return text.replace("&", "&&")
