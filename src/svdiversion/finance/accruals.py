"""Payments for another month than they were paid in: on an accruals basis the spend
belongs to the month of the work. ``import`` imports a payment in the month it was paid
and warns (W605), proposing the accruals and reversals that move its spend: a payment
whose description or reference names an earlier month of the contract, and one paid
after the contract's last day (which no month of the contract imports)."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from ..core.codes import Code
from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.money import Pence, format_pounds
from ..core.problems import Problem
from ..load import TRANSACTIONS
from .export_rows import Payment
from .mapping import FinanceConfig, LineRule
from .rules import placing_rule

Areas = Callable[
    [Ledger, Payment, LineRule, FinanceConfig],
    tuple[list[tuple[str | None, Pence]], Problem | None],
]
"""How a payment is split between areas (``drafts._areas``)."""


MONTH_NAMES = tuple(calendar.month_name[1:])
NAMED_MONTH = re.compile(
    r"\b(" + "|".join(f"{m[:3]}(?:{m[3:]})?" for m in MONTH_NAMES) + r")\.?\s*'?(\d{4})\b",
    re.IGNORECASE,
)
"""``January 2025``, ``Jan 2025``, ``jan.2025``: a month and its year in words."""
NUMBERED_MONTH = re.compile(r"(?<!\d)(20\d\d)-?(0[1-9]|1[0-2])(?!\d)")
"""``202501`` or ``2025-01`` in a reference: a year and month in figures."""


def named_month(text: str) -> Month | None:
    """The month a payment's text names, if it names one.

    >>> str(named_month("Steer Clear delivery January 2025"))
    '2025-01'
    >>> str(named_month("TCS-INV-202409"))
    '2024-09'
    >>> named_month("INV51999") is None
    True
    """
    found = NAMED_MONTH.search(text)
    if found:
        number = next(
            i for i, m in enumerate(MONTH_NAMES, 1) if m.lower().startswith(found[1][:3].lower())
        )
        return Month(int(found[2]), number)
    found = NUMBERED_MONTH.search(text)
    return Month(int(found[1]), int(found[2])) if found else None


def for_earlier_month(
    ledger: Ledger, payment: Payment, rule: LineRule, split: list[tuple[str | None, Pence]]
) -> list[Problem]:
    """W605 for a payment whose text names an earlier month of the contract: on an
    accruals basis it is that month's spend."""
    paid = Month.of(payment.date)
    said = "description"
    named = named_month(payment.description)
    if named is None:
        said, named = "reference", named_month(payment.reference)
    first, last = Month.of(ledger.start), Month.of(ledger.end)
    if payment.pence <= 0 or named is None or not first <= named < paid or named > last:
        return []
    rows = _by_area(split)
    return [
        Problem(
            payment.path,
            payment.line,
            0,
            Code.W605,
            f"paid on {payment.date} ({paid}) for {named}, as its {said} says: on an "
            f"accruals basis it is {named}'s spend",
            f"to count it in {named}, add to {TRANSACTIONS} accruals of {rows} on "
            f"{named.last_day} and reversals of the same, negative, on "
            f"{named.next().first_day} (budget line {rule.budget_line}), before {named} "
            "is closed",
        )
    ]


def paid_after_the_contract(
    ledger: Ledger, payments: Sequence[Payment], config: FinanceConfig, areas: Areas
) -> list[Problem]:
    """W605 for each of this service's payments dated after the contract's last day: no
    month of the contract can import it, and on an accruals basis the work it pays for
    (by the contract's end) is the contract's spend, accrued on its last day."""
    found: list[Problem] = []
    for payment in payments:
        if payment.date <= ledger.end or payment.pence <= 0:
            continue
        rule = placing_rule(payment, config.import_.rules)
        if rule is None:
            continue
        split, problem = areas(ledger, replace(payment, date=ledger.end), rule, config)
        rows = _by_area(split if problem is None else [(None, payment.pence)])
        found.append(
            Problem(
                payment.path,
                payment.line,
                0,
                Code.W605,
                f"paid on {payment.date}, after the contract ended on {ledger.end}: no month "
                "of the contract imports it",
                f"if it pays for work done by {ledger.end}, add to {TRANSACTIONS} accruals "
                f"of {rows} on {ledger.end} (budget line {rule.budget_line}); the payment "
                "itself, after the contract, stays out of the ledger",
            )
        )
    return found


def _by_area(split: Sequence[tuple[str | None, Pence]]) -> str:
    """``264.63 (herefordshire), 292.48 (north_worcestershire)``: the amounts of a
    payment's rows, each with its area."""
    return ", ".join(
        format_pounds(pence).replace("£", "") + (f" ({area})" if area else "")
        for area, pence in split
    )
