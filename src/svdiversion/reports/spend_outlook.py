"""Where the money is heading: cumulative spend to date and three paths to the contract end.

The burn-down chart answers "will we land on budget?" only if it runs to the contract's
last month. This report gives, at month ends (and at the as-of date), the cumulative
**planned** spend over the whole contract, the cumulative **actual** spend to the as-of
date, and three forecast paths from there to the end, each ending at the outturn the
burn-down headline states:

* **profile**: actual to date, then the tranches still to come (``forecast_outturn``);
* **run rate**: actual to the last complete month, then the average of the last three
  complete months every month (``run_rate_forecast``);
* **treasurer**: actual to date, then the profile with the treasurer's monthly figures in
  place of the months a forecast covers (``treasurer_forecast``; absent without one).

tests/test_pack_html.py checks that each path ends at the burn-down's own figure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..core.fiscal import Month, months_between
from ..core.forecasts import treasurer_months
from ..core.ledger import Ledger
from ..core.money import Pence, to_pence
from .burndown import run_rate, spend_to_date

PathPoints = tuple[tuple[date, Pence], ...]


@dataclass(frozen=True, slots=True)
class SpendOutlook:
    as_of: date
    start: date
    end: date
    budget: Pence
    planned: PathPoints  # cumulative, at every month end of the contract
    actual: PathPoints  # cumulative, at each month end to the as-of date, then the as-of date
    profile: PathPoints
    run_rate: PathPoints
    treasurer: PathPoints  # empty where the treasurer has recorded no forecast

    @property
    def has_actual(self) -> bool:
        return any(pence for _, pence in self.actual)


def spend_outlook(ledger: Ledger, as_of: date) -> SpendOutlook:
    ledger = ledger.known_on(as_of)
    months = list(months_between(Month.of(ledger.start), Month.of(ledger.end)))
    spend = spend_to_date(ledger, as_of)
    covered = treasurer_months(ledger.forecasts)
    planned_by_month: dict[Month, Pence] = defaultdict(int)
    profile_after: dict[Month, Pence] = defaultdict(int)
    treasurer_after: dict[Month, Pence] = defaultdict(int)
    for _, tranche in ledger.tranches():
        pence = to_pence(tranche.amount)
        month = Month.of(tranche.due)
        planned_by_month[month] += pence
        if tranche.due > as_of:
            profile_after[month] += pence
            if month not in covered.get(tranche.line, {}):
                treasurer_after[month] += pence
    for line_months in covered.values():
        for month, pence in line_months.items():
            if month.last_day > as_of:
                treasurer_after[month] += pence

    planned = _cumulative(months, planned_by_month, 0)
    actual: list[tuple[date, Pence]] = []
    total = 0
    for month in months:
        if month.first_day > as_of:
            break
        total += spend.by_month.get(month, 0)
        actual.append((min(month.last_day, as_of), total))
    actual_to_date = sum(spend.by_month.values())
    later = [m for m in months if m.last_day > as_of]
    anchor = ((as_of, actual_to_date),) if later else ()
    profile = anchor + _cumulative(later, profile_after, actual_to_date)
    treasurer: PathPoints = ()
    if covered:
        treasurer = anchor + _cumulative(later, treasurer_after, actual_to_date)
    _, run_rate_path = run_rate(spend.by_month, months, as_of)
    return SpendOutlook(
        as_of=as_of,
        start=ledger.start,
        end=ledger.end,
        budget=ledger.budget_total,
        planned=planned,
        actual=tuple(actual),
        profile=profile,
        run_rate=run_rate_path,
        treasurer=treasurer,
    )


def _cumulative(months: list[Month], by_month: dict[Month, Pence], start: Pence) -> PathPoints:
    points = []
    total = start
    for month in months:
        total += by_month.get(month, 0)
        points.append((month.last_day, total))
    return tuple(points)
