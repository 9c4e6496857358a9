"""How one value of a sheet is written, for people and for machines."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from ..money import format_money, format_pounds
from .sheets import Kind

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """Text a spreadsheet must not run as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


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
