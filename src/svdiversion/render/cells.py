"""How one value of a sheet is written, for people and for machines."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, TextIO

from ..core.money import format_money, format_pounds
from ..core.sheet import Kind

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# What a spreadsheet skips before it looks for a formula: spaces and control characters.
_SKIPPED_BEFORE_FORMULA = "".join(map(chr, range(0x20))) + " \x7f\u00a0"
_CSV_SPECIAL = frozenset(',"\r\n')


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula, also after leading spaces
    or control characters (``"\\r=cmd|..."``)."""
    return text.startswith(FORMULA_TRIGGERS) or text.lstrip(_SKIPPED_BEFORE_FORMULA).startswith(
        FORMULA_TRIGGERS
    )


def inert(text: str) -> str:
    """Text a spreadsheet must not run as a formula gets a leading apostrophe."""
    return "'" + text if looks_like_formula(text) else text


class CsvWriter:
    """CSV as every output of this package writes it: comma, ``\\n`` between records, and
    any field holding a comma, a quote, a CR or an LF quoted. (The csv module quotes only
    the characters of its line terminator, so with ``\\n`` a bare CR went out unquoted and
    ended the record early in any reader that takes CR as a line break.)"""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def writerow(self, values: Iterable[object]) -> None:
        self.stream.write(",".join(map(_csv_field, values)) + "\n")


def _csv_field(value: object) -> str:
    text = "" if value is None else str(value)
    if _CSV_SPECIAL.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def human(value: Any, kind: Kind) -> str:
    """For the terminal and Markdown: £1,234.50, 12.5%, [c]."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if kind is Kind.MONEY:
        return format_pounds(value)
    if kind is Kind.PERCENT:
        return f"{(Decimal(value) * 100).quantize(Decimal('0.1'))}%"
    if kind is Kind.COUNT and isinstance(value, int):
        return f"{value:,}"
    return str(value)


def machine(value: Any, kind: Kind) -> str:
    """For CSV: 1234.50, 0.125, [c]; text made inert against formula injection."""
    if value is None:
        return ""
    if isinstance(value, str):
        return inert(value)
    if kind is Kind.MONEY:
        return format_money(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
