"""Exact money: integer pence inside, ``Decimal`` at the edges, never ``float``."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_EVEN, Decimal

Pence = int

PENNY = Decimal("0.01")
# A canonical ledger amount: optional minus, digits without separators, at most two decimals.
MAX_WHOLE_DIGITS = 10
"""Pounds have at most ten digits (under £10,000,000,000): a longer amount is a typing or
export error, never spend, and refused before it can reach a total."""
AMOUNT_PATTERN = r"-?(?:0|[1-9][0-9]{0,9})(?:\.[0-9]{1,2})?"  # {0,9}: MAX_WHOLE_DIGITS
_AMOUNT_RE = re.compile(AMOUNT_PATTERN)


def to_pence(amount: Decimal) -> Pence:
    """Exact conversion; the caller has already checked there are at most two decimals."""
    return int(amount.scaleb(2).to_integral_exact())


def parse_pence(text: str) -> Pence | None:
    """Pence from a canonical ledger amount such as ``-1234.5``; ``None`` if not canonical."""
    if not _AMOUNT_RE.fullmatch(text):
        return None
    negative = text.startswith("-")
    whole, _, frac = text.lstrip("-").partition(".")
    value = int(whole) * 100 + int((frac + "00")[:2])
    return -value if negative else value


def from_pence(pence: Pence) -> Decimal:
    return Decimal(pence).scaleb(-2).quantize(PENNY)


def format_money(pence: Pence) -> str:
    """Two decimals, no symbol, no separators: the machine form (JSON, CSV)."""
    sign = "-" if pence < 0 else ""
    whole, frac = divmod(abs(pence), 100)
    return f"{sign}{whole}.{frac:02d}"


def format_pounds(pence: Pence) -> str:
    """The human form: ``£538,496.32``, ``-£1,200.00``."""
    sign = "-" if pence < 0 else ""
    whole, frac = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{frac:02d}"


def ratio(numerator: int, denominator: int) -> Decimal | None:
    """An exact ratio rounded to four places, or ``None`` when the denominator is zero."""
    if denominator == 0:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_EVEN
    )


def divide_pence(pence: Pence, count: int) -> Pence | None:
    """Pence per unit, rounded half-even to the penny; ``None`` for zero units."""
    if count == 0:
        return None
    return int((Decimal(pence) / Decimal(count)).to_integral_value(rounding=ROUND_HALF_EVEN))
