"""Exact money: integer pence inside, ``Decimal`` at the edges, never ``float``."""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TypeVar

Pence = int
K = TypeVar("K", bound=Hashable)

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


def apportion(pence: Pence, weights: Mapping[K, int]) -> dict[K, Pence]:
    """``pence`` shared in proportion to ``weights``, exactly to the penny: each share is
    rounded down and the pennies left over go one each to the largest remainders; on a
    tie, to the key that comes first in ``weights`` (an area file's order, say). A
    negative amount is shared as its size, then negated; zero weights get nothing, and
    with no weight at all nothing is shared (an empty result).

    The one rule for splitting money: import splits a payment over areas by it, and the
    areas report apportions costs not tied to an area by it.

    >>> apportion(100, {"a": 1, "b": 1, "c": 1})
    {'a': 34, 'b': 33, 'c': 33}
    >>> apportion(-5, {"x": 2, "y": 1})
    {'x': -3, 'y': -2}
    """
    total = sum(weights.values())
    if total <= 0:
        return {}
    sign, size = (-1, -pence) if pence < 0 else (1, pence)
    shares = {key: size * weight // total for key, weight in weights.items()}
    order = {key: i for i, key in enumerate(weights)}
    by_remainder = sorted(weights, key=lambda key: (-(size * weights[key] % total), order[key]))
    for key in by_remainder[: size - sum(shares.values())]:
        shares[key] += 1
    return {key: sign * share for key, share in shares.items()}
