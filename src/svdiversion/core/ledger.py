"""The validated ledger: what the loader returns and every report reads.

Contract documents are frozen pydantic models; CSV tables are columnar (see
``load.tables``). Helpers here answer the questions a treasurer asks of the contract
(what is the revised budget of a line, which area is valid on a day) so that checks
and reports share one answer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Generic, TypeVar

from .forecasts import Forecast, said_by_then
from .models import (
    Allocation,
    AllocationChange,
    Area,
    BudgetLine,
    Comment,
    Decision,
    LineKind,
    Measure,
    MonthClose,
    Settings,
    ShareRecord,
    Tranche,
    TrancheChange,
    Variation,
)
from .money import Pence, to_pence
from .table import Table

# Where a record was written: (path, line, column).
Origin = tuple[str, int, int]

R = TypeVar("R", Tranche, Allocation)
C = TypeVar("C", TrancheChange, AllocationChange)


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
class Revision(Generic[R, C]):
    """One change of a variation (a tranche or allocation change) as the ledger applied it.

    ``index`` is the change's position in the variation's ``tranche_changes`` or
    ``allocation_changes``; ``key`` the tranche id or the allocation's ``line/area``.
    ``before`` is the record as it stood just before the change, ``after`` as it stood
    just after; both are ``None`` when the change names no record the variation may
    change (unknown, of another decision, or added only by a later variation), and the
    change is then not applied.
    """

    variation: Variation
    index: int
    change: C
    key: str
    before: R | None
    after: R | None


TrancheRevision = Revision[Tranche, TrancheChange]
AllocationRevision = Revision[Allocation, AllocationChange]


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
    shares: tuple[ShareRecord, ...] = ()  # ledger/shares.yaml, in file order
    forecasts: tuple[Forecast, ...] = ()  # ledger/forecasts.yaml, in file order
    commentary: tuple[Comment, ...] = ()  # ledger/commentary.yaml, in file order
    sources: Table | None = None  # ledger/sources.csv: where imported rows came from

    # ------------------------------------------------------------------ contract

    def origin(self, kind: str, key: str) -> Origin:
        """Where the record ``key`` of ``kind`` (line, tranche, area...) was first written."""
        found = self.origins.get((kind, key))
        return found[0] if found else ("ledger/contract.yaml", 0, 0)

    def known_on(self, day: date, forecasts_said_by: date | None = None) -> Ledger:
        """The contract as it stood on ``day``: decisions and variations approved later are
        left out (a decision without an approval date counts from its start), and so are
        the treasurer's forecasts said later (said after ``forecasts_said_by`` when given:
        a closed month's figures count the forecasts said by its close)."""
        decisions = tuple(d for d in self.decisions if (d.approved or d.start) <= day)
        if not decisions:
            decisions = self.decisions[:1]  # a report before any approval shows the first plan
        kept = {d.id for d in decisions}
        variations = tuple(v for v in self.variations if v.approved <= day and v.decision in kept)
        forecasts = said_by_then(self.forecasts, forecasts_said_by or day)
        if (len(decisions), len(variations), len(forecasts)) == (
            len(self.decisions),
            len(self.variations),
            len(self.forecasts),
        ):
            return self
        return replace(self, decisions=decisions, variations=variations, forecasts=forecasts)

    def not_yet_approved(self, day: date) -> tuple[Decision, ...]:
        """Decisions :meth:`known_on` shows on ``day`` though approved later: before the
        first approval a report shows the first plan, and says it is not yet approved."""
        return tuple(d for d in self.known_on(day).decisions if d.approved and d.approved > day)

    def variations_of(self, decision_id: str) -> list[Variation]:
        return [v for v in self.variations if v.decision == decision_id]

    def variations_in_order(self) -> list[Variation]:
        """Variations in approval order; those approved on the same day in file order."""
        return sorted(self.variations, key=lambda v: v.approved)

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
        """(decision id, tranche) for every tranche in effect: the payment profile.

        *Effective* means as recorded, then with the ``tranche_changes`` of every
        variation of this ledger applied in approval order: the amount moved by each
        ``amount_change``, the due date replaced by the latest ``new_due``. Decisions'
        tranches come first, then variations' tranches in file order, each once, whatever
        changed it. A tranche changed down to zero stays (a cancelled payment, still a
        valid ``tranche`` of a transaction); one taken below zero is E406. Use
        ``known_on(day).tranches()`` for the profile as it stood on ``day``.
        """
        return self._tranches()[0]

    def tranche_revisions(self) -> list[TrancheRevision]:
        """Every tranche change of every variation, in the order ``tranches()`` applied them."""
        return self._tranches()[1]

    def allocations(self) -> list[tuple[str, Allocation]]:
        """(decision id, allocation) for every allocation in effect.

        *Effective* as for :meth:`tranches`: as recorded, then with the
        ``allocation_changes`` of every variation applied in approval order, so a
        reallocation between areas shows as the revised amounts of the allocations it
        names. An allocation changed below zero is E406.
        """
        return self._allocations()[0]

    def allocation_revisions(self) -> list[AllocationRevision]:
        """Every allocation change, in the order ``allocations()`` applied them."""
        return self._allocations()[1]

    def _tranches(self) -> tuple[list[tuple[str, Tranche]], list[TrancheRevision]]:
        return _revise(
            [(d.id, t) for d in self.decisions for t in d.tranches],
            self.variations,
            added=lambda v: v.tranches,
            changes=lambda v: v.tranche_changes,
            record_key=lambda t: t.id,
            change_key=lambda c: c.tranche,
            apply=_change_tranche,
        )

    def _allocations(self) -> tuple[list[tuple[str, Allocation]], list[AllocationRevision]]:
        return _revise(
            [(d.id, a) for d in self.decisions for a in d.allocations],
            self.variations,
            added=lambda v: v.allocations,
            changes=lambda v: v.allocation_changes,
            record_key=lambda a: f"{a.line}/{a.area}",
            change_key=lambda c: f"{c.line}/{c.area}",
            apply=_change_allocation,
        )

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


def _revise(
    recorded: list[tuple[str, R]],
    variations: Sequence[Variation],
    *,
    added: Callable[[Variation], Sequence[R]],
    changes: Callable[[Variation], Sequence[C]],
    record_key: Callable[[R], str],
    change_key: Callable[[C], str],
    apply: Callable[[R, C], R],
) -> tuple[list[tuple[str, R]], list[Revision[R, C]]]:
    """The records in effect after ``variations``, and what each change did.

    A variation may change a record of its own decision that is recorded by the decision,
    by a variation approved before it (or the same day, earlier in file order), or by
    itself. Records keep their place: the decision's, then each variation's in file order.
    """
    records = list(recorded)
    first_at: dict[str, int] = {}
    for i, (_, record) in enumerate(records):
        first_at.setdefault(record_key(record), i)
    start_of = []
    for variation in variations:
        start_of.append(len(records))
        records += [(variation.decision, r) for r in added(variation)]
    revisions: list[Revision[R, C]] = []
    in_order = sorted(range(len(variations)), key=lambda k: variations[k].approved)
    for k in in_order:
        variation = variations[k]
        for offset, record in enumerate(added(variation)):
            first_at.setdefault(record_key(record), start_of[k] + offset)
        for index, change in enumerate(changes(variation)):
            key = change_key(change)
            at = first_at.get(key)
            if at is None or records[at][0] != variation.decision:
                revisions.append(Revision(variation, index, change, key, None, None))
                continue
            decision, before = records[at]
            after = apply(before, change)
            records[at] = (decision, after)
            revisions.append(Revision(variation, index, change, key, before, after))
    return records, revisions


def _change_tranche(tranche: Tranche, change: TrancheChange) -> Tranche:
    # model_copy does not validate: an amount taken to zero or below is kept as computed,
    # so sums stay right and E406 can name the variation that did it.
    return tranche.model_copy(
        update={
            "amount": tranche.amount + change.amount_change,
            "due": change.new_due or tranche.due,
        }
    )


def _change_allocation(allocation: Allocation, change: AllocationChange) -> Allocation:
    return allocation.model_copy(update={"amount": allocation.amount + change.amount_change})
