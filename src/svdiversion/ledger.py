"""The validated ledger: what the loader returns and every report reads.

Contract documents are frozen pydantic models; CSV tables are columnar (see
``load.tables``). Helpers here answer the questions a treasurer asks of the contract
(what is the revised budget of a line, which area is valid on a day) so that checks
and reports share one answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from .load.tables import Table
from .models import (
    Allocation,
    Area,
    BudgetLine,
    Decision,
    LineKind,
    Measure,
    MonthClose,
    Settings,
    Tranche,
    Variation,
)
from .money import Pence, to_pence

# Where a record was written: (path, line, column).
Origin = tuple[str, int, int]


@dataclass(frozen=True, slots=True)
class LineBudget:
    """A budget line with its original and revised (after variations) budget, in pence."""

    id: str
    decision: str
    name: str
    kind: LineKind
    original: Pence
    budget: Pence


@dataclass(frozen=True, slots=True)
class Ledger:
    root: Path
    settings: Settings
    areas: dict[str, Area]
    decisions: tuple[Decision, ...]
    variations: tuple[Variation, ...]
    measures: tuple[Measure, ...]
    transactions: Table
    episodes: Table
    workshops: Table
    files: tuple[str, ...]
    origins: dict[tuple[str, str], list[Origin]] = field(default_factory=dict)
    closes: tuple[MonthClose, ...] = ()  # ledger/closes.yaml, in file order

    # ------------------------------------------------------------------ contract

    def origin(self, kind: str, key: str) -> Origin:
        """Where the record ``key`` of ``kind`` (line, tranche, area...) was first written."""
        found = self.origins.get((kind, key))
        return found[0] if found else ("ledger/contract.yaml", 0, 0)

    def known_on(self, day: date) -> Ledger:
        """The contract as it stood on ``day``: decisions and variations approved later are
        left out (a decision without an approval date counts from its start)."""
        decisions = tuple(d for d in self.decisions if (d.approved or d.start) <= day)
        if not decisions:
            decisions = self.decisions[:1]  # a report before any approval shows the first plan
        kept = {d.id for d in decisions}
        variations = tuple(v for v in self.variations if v.approved <= day and v.decision in kept)
        if len(decisions) == len(self.decisions) and len(variations) == len(self.variations):
            return self
        return replace(self, decisions=decisions, variations=variations)

    def variations_of(self, decision_id: str) -> list[Variation]:
        return [v for v in self.variations if v.decision == decision_id]

    def decision_total(self, decision: Decision) -> Pence:
        """The approved total after variations."""
        changes = sum(to_pence(v.total_change) for v in self.variations_of(decision.id))
        return to_pence(decision.total) + changes

    def decision_end(self, decision: Decision) -> date:
        ends = [v.new_end for v in self.variations_of(decision.id) if v.new_end]
        return max([decision.end, *ends])

    def line_budgets(self) -> list[LineBudget]:
        """Every budget line in contract order, variations applied."""
        result = []
        for decision in self.decisions:
            variations = self.variations_of(decision.id)
            lines: list[BudgetLine] = [*decision.lines]
            for variation in variations:
                lines += variation.lines
            for line in lines:
                change = sum(
                    to_pence(c.amount_change)
                    for v in variations
                    for c in v.line_changes
                    if c.line == line.id
                )
                original = to_pence(line.amount)
                result.append(
                    LineBudget(
                        line.id, decision.id, line.name, line.kind, original, original + change
                    )
                )
        return result

    def tranches(self) -> list[tuple[str, Tranche]]:
        """(decision id, tranche) for every tranche, variations included."""
        result = [(d.id, t) for d in self.decisions for t in d.tranches]
        result += [(v.decision, t) for v in self.variations for t in v.tranches]
        return result

    def allocations(self) -> list[tuple[str, Allocation]]:
        result = [(d.id, a) for d in self.decisions for a in d.allocations]
        result += [(v.decision, a) for v in self.variations for a in v.allocations]
        return result

    @property
    def budget_total(self) -> Pence:
        return sum(self.decision_total(d) for d in self.decisions)

    @property
    def start(self) -> date:
        return min(d.start for d in self.decisions)

    @property
    def end(self) -> date:
        return max(self.decision_end(d) for d in self.decisions)

    @property
    def currency(self) -> str:
        return self.decisions[0].currency if self.decisions else "GBP"

    def area_name(self, area_id: str | None) -> str:
        if area_id is None:
            return "Not tied to an area"
        area = self.areas.get(area_id)
        return area.name if area else area_id

    # ------------------------------------------------------------------ tables

    def transaction_rows(self) -> Iterable[dict[str, Any]]:
        """Rows as dicts, for small outputs (exports of a few thousand rows)."""
        return _rows(self.transactions)

    def episode_rows(self) -> Iterable[dict[str, Any]]:
        return _rows(self.episodes)


def _rows(table: Table) -> Iterable[dict[str, Any]]:
    names = list(table.columns)
    for i in range(len(table)):
        yield {name: table.columns[name][i] for name in names}
