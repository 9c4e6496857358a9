"""Value for money: unit costs of the service, and a break-even view.

Break-even says how many offences of each kind the spend to date is equal to, using
published unit costs of crime. It is not an impact estimate: it does not say how many
offences the service prevented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from ..core.ledger import Ledger
from ..core.models import Better, UnitCost
from ..core.money import Pence, divide_pence, to_pence
from .disclosure import Cell, Disclosure
from .outcomes import OutcomesReport

NOT_AN_IMPACT_ESTIMATE = (
    "Break-even is not an impact estimate: it shows how many offences the spend to date is "
    "equal to, not how many offences the service prevented."
)


@dataclass(frozen=True, slots=True)
class UnitCostRow:
    """Spend divided by a count. ``count`` is published (rounded) in a published report and
    the cost is then worked out on that published count, so it cannot reveal the exact one."""

    measure: str
    count: Cell
    cost_each: Pence | None


@dataclass(frozen=True, slots=True)
class BreakEvenRow:
    offence: str
    unit_cost: Pence
    price_base: str
    offences_equivalent: Decimal
    source: str
    verified: bool


@dataclass(frozen=True, slots=True)
class VfmReport:
    as_of: date
    currency: str
    disclosure: Disclosure
    spend_to_date: Pence
    unit_costs: tuple[UnitCostRow, ...]
    break_even: tuple[BreakEvenRow, ...]
    caveat: str = NOT_AN_IMPACT_ESTIMATE


def positive_outcomes(report: OutcomesReport) -> Cell:
    """Outcomes achieved on ended episodes: a Y where higher is better, an N where lower
    is; worked on the report's counts as shown (the symbol when one of them is hidden), so
    a published figure reveals nothing its measures do not."""
    total = 0
    for measure in report.measures:
        achieved, assessed = measure.achieved, measure.assessed
        if isinstance(achieved, str) or isinstance(assessed, str):
            return report.policy.suppressed_symbol
        total += achieved if measure.better == Better.HIGHER.value else assessed - achieved
    return total


def vfm(
    ledger: Ledger,
    spend_to_date: Pence,
    exact: OutcomesReport,
    shown: OutcomesReport,
    unit_costs: list[UnitCost],
    as_of: date,
) -> VfmReport:
    """``exact`` is the internal outcomes report; ``shown`` the one being published (the
    same object when internal)."""
    published = shown.disclosure is Disclosure.PUBLISHED
    counts = [
        ("referral", exact.totals.referrals, shown.totals.referrals),
        ("engaged child", exact.totals.engaged, shown.totals.engaged),
        ("completed episode", exact.totals.completed, shown.totals.completed),
        ("positive outcome", positive_outcomes(exact), positive_outcomes(shown)),
    ]
    rows = []
    for name, exact_count, shown_count in counts:
        count = shown_count if published else exact_count
        assert count is not None
        rows.append(
            UnitCostRow(
                name, count, divide_pence(spend_to_date, count) if isinstance(count, int) else None
            )
        )
    break_even = tuple(
        BreakEvenRow(
            offence=cost.offence,
            unit_cost=to_pence(cost.unit_cost),
            price_base=cost.price_base,
            offences_equivalent=(
                Decimal(spend_to_date) / Decimal(to_pence(cost.unit_cost))
            ).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN),
            source=cost.source,
            verified=cost.verified,
        )
        for cost in unit_costs
    )
    return VfmReport(
        as_of, ledger.currency, shown.disclosure, spend_to_date, tuple(rows), break_even
    )
