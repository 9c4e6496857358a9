"""Value for money: unit costs of the service, and a break-even view.

Every unit cost says its basis. For a window (a month, quarter or year) the ``window``
basis divides the spend in the window (the burn-down's actual for its months) by what
happened in it: referrals received, children who started, episodes completed and
positive outcomes on episodes that ended there. The ``cumulative`` basis divides the
spend from the start of the contract to the as-of date by the same counts over that
time. A report without a window has the cumulative basis only.

Break-even says how many offences of each kind the spend to date is equal to, using
published unit costs of crime. It is not an impact estimate: it does not say how many
offences the service prevented.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import Better, LineKind, UnitCost
from ..core.money import Pence, divide_pence, to_pence
from .burndown import spend_to_date
from .disclosure import Cell, Disclosure
from .options import ReportOptions
from .outcomes import OutcomesReport

NOT_AN_IMPACT_ESTIMATE = (
    "Break-even is not an impact estimate: it shows how many offences the spend to date is "
    "equal to, not how many offences the service prevented."
)
MEASURES = ("referral", "engaged child", "completed episode", "positive outcome")
WITHOUT_EVALUATION = "completed episode, without evaluation spend"
"""Cost per completion on the delivery spend: every line but those of kind evaluation
(the independent evaluation is paid from the contract but delivers no episode)."""


class Basis(StrEnum):
    WINDOW = "window"
    """Spend in the window over what happened in the window."""
    CUMULATIVE = "cumulative"
    """Spend from the start of the contract to the as-of date over the counts to then."""


@dataclass(frozen=True, slots=True)
class UnitCostRow:
    """``spend`` divided by a count. ``count`` is published (rounded) in a published report
    and the cost is then worked out on that published count, so it cannot reveal the exact
    one."""

    measure: str
    basis: Basis
    spend: Pence
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
    window: str | None = None
    """The window's label (``2024/25 Q2``); ``None`` for the contract to date."""
    spend_in_window: Pence | None = None
    caveat: str = NOT_AN_IMPACT_ESTIMATE

    def basis(self, basis: Basis) -> tuple[UnitCostRow, ...]:
        return tuple(r for r in self.unit_costs if r.basis is basis)


def positive_outcomes(report: OutcomesReport) -> Cell:
    """Outcomes achieved on ended episodes: a Y where higher is better, an N where lower
    is; worked on the report's counts as shown (the symbol when one of them is hidden), so
    a published figure reveals nothing its measures do not. For a window, the outcomes of
    episodes that ended in it. A measure worked out over a follow-up after the ending
    (re-referral) is not one of an episode's outcomes at its end, so is left out."""
    total = 0
    for measure in report.measures:
        if measure.follow_up_days is not None:
            continue
        achieved, assessed = measure.achieved, measure.assessed
        if isinstance(achieved, str) or isinstance(assessed, str):
            return report.policy.suppressed_symbol
        total += achieved if measure.better == Better.HIGHER.value else assessed - achieved
    return total


def vfm(
    ledger: Ledger,
    options: ReportOptions,
    shown: OutcomesReport,
    cumulative: OutcomesReport,
    unit_costs: list[UnitCost],
) -> VfmReport:
    """``shown``: the outcomes report of ``options`` as it is being shown (published or
    internal); ``cumulative``: the same, to the as-of date from the start (``shown``
    itself without a window)."""
    as_of = options.as_of
    spend = spend_to_date(ledger, as_of)
    by_month = spend.by_month
    evaluation = {line.id for line in ledger.line_budgets() if line.kind is LineKind.EVALUATION}
    evaluation_by_month: dict[Month, Pence] = defaultdict(int)
    for (line, month), pence in spend.by_line_month.items():
        if line in evaluation:
            evaluation_by_month[month] += pence
    to_date = sum(by_month.values())
    rows: list[UnitCostRow] = []
    in_window = None
    if options.window is not None:
        in_window = sum(pence for month, pence in by_month.items() if options.in_window(month))
        evaluated = sum(p for m, p in evaluation_by_month.items() if options.in_window(m))
        rows += _unit_costs(Basis.WINDOW, in_window, _counts(shown), in_window - evaluated)
    delivery = to_date - sum(evaluation_by_month.values())
    rows += _unit_costs(Basis.CUMULATIVE, to_date, _counts(cumulative), delivery)
    return VfmReport(
        as_of,
        ledger.currency,
        shown.disclosure,
        to_date,
        tuple(rows),
        _break_even(to_date, unit_costs),
        window=options.window.label if options.window else None,
        spend_in_window=in_window,
    )


def _counts(report: OutcomesReport) -> list[Cell]:
    """Referrals received, children who started, episodes completed and positive outcomes
    (in a window, what happened in it), as the report shows them."""
    totals = report.totals
    return [totals.referrals, totals.engaged, totals.completed, positive_outcomes(report)]


def _unit_costs(
    basis: Basis, spend: Pence, counts: Sequence[Cell], delivery: Pence
) -> list[UnitCostRow]:
    """A row per measure on all the spend; then completions on the delivery spend."""
    rows = [
        UnitCostRow(name, basis, spend, count, _each(spend, count))
        for name, count in zip(MEASURES, counts, strict=True)
    ]
    completed = counts[MEASURES.index("completed episode")]
    rows.insert(
        3, UnitCostRow(WITHOUT_EVALUATION, basis, delivery, completed, _each(delivery, completed))
    )
    return rows


def _each(spend: Pence, count: Cell) -> Pence | None:
    return divide_pence(spend, count) if isinstance(count, int) else None


def _break_even(spend: Pence, unit_costs: list[UnitCost]) -> tuple[BreakEvenRow, ...]:
    return tuple(
        BreakEvenRow(
            offence=cost.offence,
            unit_cost=to_pence(cost.unit_cost),
            price_base=cost.price_base,
            offences_equivalent=(Decimal(spend) / Decimal(to_pence(cost.unit_cost))).quantize(
                Decimal("0.01"), rounding=ROUND_HALF_EVEN
            ),
            source=cost.source,
            verified=cost.verified,
        )
        for cost in unit_costs
    )
