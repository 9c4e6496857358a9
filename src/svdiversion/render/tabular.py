"""Sheets as CSV and as Markdown."""

from __future__ import annotations

import io
from collections.abc import Sequence

from ..core.sheet import Kind, Sheet
from .cells import CsvWriter, human, machine

NUMERIC = {Kind.MONEY, Kind.COUNT, Kind.PERCENT, Kind.DECIMAL}


def sheet_csv(sheet: Sheet) -> str:
    """One sheet as CSV: a header of column keys, machine values, the total row last."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow([c.key for c in sheet.columns])
    for number, row in enumerate(sheet.all_rows()):
        writer.writerow(
            [
                machine(value, sheet.kind_of(number, column))
                for column, value in zip(sheet.columns, row, strict=True)
            ]
        )
    return buffer.getvalue()


def sheets_markdown(sheets: Sequence[Sheet], heading: str, preamble: Sequence[str] = ()) -> str:
    out = [f"# {heading}", ""]
    for line in preamble:
        out += [f"> {line}", ""]
    for sheet in sheets:
        out.append(f"## {sheet.title}")
        out.append("")
        out.append("| " + " | ".join(c.title for c in sheet.columns) + " |")
        out.append(
            "|" + "|".join("---:" if c.kind in NUMERIC else "---" for c in sheet.columns) + "|"
        )
        for number, row in enumerate(sheet.all_rows()):
            is_total = sheet.total is not None and number == len(sheet.rows)
            cells = []
            for column, value in zip(sheet.columns, row, strict=True):
                text = human(value, sheet.kind_of(number, column)).replace("|", "\\|")
                cells.append(f"**{text}**" if is_total and text else text)
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
        out += [f"_{note}_" for note in sheet.notes]
        if sheet.notes:
            out.append("")
    return "\n".join(out)
