"""Spend against the profile for one month and the year to date, by budget line, with
the treasurer's explanations of the variances that need one. Pure, like
:mod:`.reconcile`, which reports it beside the matching of payments.

The profile of a month is the sum of the tranches due in it; the actual is the sum of
every ledger row dated in it (all kinds: the ledger is on an accruals basis); year to
date runs from 1 April. Variance = actual - profile; RAG against the settings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import RagThresholds
from ..core.money import Pence, to_pence
from ..reports.rag import Rag, rag_against_profile
from .mapping import VarianceRule

Commentary = Mapping[tuple[str, str], str]
"""The treasurer's explanations: (month such as ``2024-09``, budget line) -> text."""


@dataclass(frozen=True, slots=True)
class Figures:
    """Profile against actual over a span (a month, or the year to date)."""

    profile: Pence
    actual: Pence
    rag: Rag

    @property
    def variance(self) -> Pence:
        """Actual minus profile: an underspend is negative."""
        return self.actual - self.profile


@dataclass(frozen=True, slots=True)
class LineSpend:
    budget_line: str
    name: str
    month: Figures
    year_to_date: Figures
    needs_explanation: bool
    explanation: str | None

    @property
    def unexplained(self) -> bool:
        return self.needs_explanation and not self.explanation


def spend_against_profile(
    ledger: Ledger, month: Month, commentary: Commentary, rule: VarianceRule
) -> tuple[list[LineSpend], LineSpend]:
    """Each budget line's profile and actual for the month and the year to date, against
    the contract as it stood at the month's end."""
    ledger = ledger.known_on(month.last_day)
    fy_first = Month(month.fy_start, 4).first_day
    month_profile: dict[str, Pence] = defaultdict(int)
    ytd_profile: dict[str, Pence] = defaultdict(int)
    for _, tranche in ledger.tranches():
        if fy_first <= tranche.due <= month.last_day:
            ytd_profile[tranche.line] += to_pence(tranche.amount)
            if tranche.due >= month.first_day:
                month_profile[tranche.line] += to_pence(tranche.amount)
    month_actual: dict[str, Pence] = defaultdict(int)
    ytd_actual: dict[str, Pence] = defaultdict(int)
    table = ledger.transactions
    lines_of, pence = table.column("budget_line"), table.column("pence")
    for i, day in enumerate(table.column("date")):
        if fy_first <= day <= month.last_day:
            ytd_actual[lines_of[i]] += pence[i]
            if day >= month.first_day:
                month_actual[lines_of[i]] += pence[i]

    thresholds = ledger.settings.rag
    result = []
    for budget in ledger.line_budgets():
        line = budget.id
        this_month = _figures(month_profile[line], month_actual[line], thresholds)
        text = commentary.get((str(month), line))
        result.append(
            LineSpend(
                line,
                budget.name,
                this_month,
                _figures(ytd_profile[line], ytd_actual[line], thresholds),
                _needs_explanation(this_month, rule),
                text,
            )
        )
    total = LineSpend(
        "total",
        "Total",
        _figures(sum(month_profile.values()), sum(month_actual.values()), thresholds),
        _figures(sum(ytd_profile.values()), sum(ytd_actual.values()), thresholds),
        False,
        None,
    )
    return result, total


def _figures(profile: Pence, actual: Pence, thresholds: RagThresholds) -> Figures:
    return Figures(profile, actual, rag_against_profile(actual, profile, thresholds))


def _needs_explanation(figures: Figures, rule: VarianceRule) -> bool:
    variance = abs(figures.variance)
    if variance <= to_pence(rule.amount):
        return False
    return figures.profile == 0 or Decimal(variance) / abs(figures.profile) > rule.fraction
