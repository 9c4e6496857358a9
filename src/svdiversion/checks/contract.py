"""Rules over the contract files: ids, references between records, sums, dates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ..ledger import Ledger
from ..models import LineKind
from ..money import format_pounds, to_pence
from ..problems import Problem
from .context import CheckContext


def _at(ledger: Ledger, kind: str, key: str, code: str, message: str, hint: str) -> Problem:
    path, line, column = ledger.origin(kind, key)
    return Problem(path, line, column, code, message, hint)


def duplicate_contract_ids(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    for (kind, key), places in ledger.origins.items():
        for path, line, column in places[1:]:
            first_path, first_line, _ = places[0]
            yield Problem(
                path,
                line,
                column,
                "E107",
                f"duplicate {kind} id {key!r} (first at {first_path}:{first_line})",
                f"give every {kind} its own id; extensions add new ids, never reuse one",
            )


def unknown_references(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    lines = {line.id for line in ledger.line_budgets()}
    decisions = {d.id for d in ledger.decisions}
    for _, allocation in ledger.allocations():
        key = f"{allocation.line}/{allocation.area}"
        if allocation.line not in lines:
            yield _at(
                ledger,
                "allocation",
                key,
                "E201",
                f"allocation names unknown budget line {allocation.line!r}",
                _known(lines),
            )
        if allocation.area not in ledger.areas:
            yield _at(
                ledger,
                "allocation",
                key,
                "E202",
                f"allocation names unknown area {allocation.area!r}",
                _known(ledger.areas),
            )
    for _, tranche in ledger.tranches():
        if tranche.line not in lines:
            yield _at(
                ledger,
                "tranche",
                tranche.id,
                "E201",
                f"tranche {tranche.id} names unknown budget line {tranche.line!r}",
                _known(lines),
            )
    for variation in ledger.variations:
        if variation.decision not in decisions:
            yield _at(
                ledger,
                "variation",
                variation.id,
                "E206",
                f"variation {variation.id} names unknown decision {variation.decision!r}",
                _known(decisions),
            )
        for change in variation.line_changes:
            if change.line not in lines:
                yield _at(
                    ledger,
                    "variation",
                    variation.id,
                    "E201",
                    f"variation {variation.id} changes unknown budget line {change.line!r}",
                    _known(lines),
                )
    for area in ledger.areas.values():
        if area.successor is not None and area.successor not in ledger.areas:
            yield _at(
                ledger,
                "area",
                area.id,
                "E202",
                f"area {area.id} names unknown successor {area.successor!r}",
                _known(ledger.areas),
            )


def periods_in_order(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    for decision in ledger.decisions:
        if decision.end < decision.start:
            yield _at(
                ledger,
                "decision",
                decision.id,
                "E308",
                f"decision {decision.id} ends ({decision.end}) before it starts ({decision.start})",
                "swap or correct start and end",
            )
    for area in ledger.areas.values():
        if area.valid_to is not None and area.valid_to < area.valid_from:
            yield _at(
                ledger,
                "area",
                area.id,
                "E308",
                f"area {area.id} is valid to {area.valid_to}, before it is valid from "
                f"{area.valid_from}",
                "correct valid_from or valid_to",
            )


def lines_sum_to_total(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    budgets = ledger.line_budgets()
    for decision in ledger.decisions:
        total = ledger.decision_total(decision)
        lines = sum(b.budget for b in budgets if b.decision == decision.id)
        if lines != total:
            gap = total - lines
            yield _at(
                ledger,
                "decision",
                decision.id,
                "E403",
                f"budget lines of {decision.id} sum to {format_pounds(lines)}, "
                f"but the decision total is {format_pounds(total)} "
                f"({format_pounds(abs(gap))} {'unassigned' if gap > 0 else 'over'})",
                "make the lines sum exactly to the total: keep any remainder as an "
                "explicit line of kind 'unallocated'",
            )


def tranches_sum_to_lines(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    planned: dict[str, int] = defaultdict(int)
    for _, tranche in ledger.tranches():
        planned[tranche.line] += to_pence(tranche.amount)
    for budget in ledger.line_budgets():
        expected = 0 if budget.kind is LineKind.UNALLOCATED else budget.budget
        if planned[budget.id] != expected:
            yield _at(
                ledger,
                "line",
                budget.id,
                "E404",
                f"tranches of line {budget.id} sum to {format_pounds(planned[budget.id])}, "
                + (
                    "but an unallocated line has no tranches"
                    if budget.kind is LineKind.UNALLOCATED
                    else f"but its budget is {format_pounds(budget.budget)}"
                ),
                "add or correct tranches so the profile covers the line exactly; a "
                "variation that changes a line adds tranches for the change",
            )


def allocations_within_lines(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    allocated: dict[str, int] = defaultdict(int)
    for _, allocation in ledger.allocations():
        allocated[allocation.line] += to_pence(allocation.amount)
    for budget in ledger.line_budgets():
        amount = allocated.get(budget.id, 0)
        if amount > budget.budget:
            yield _at(
                ledger,
                "line",
                budget.id,
                "E405",
                f"allocations of line {budget.id} sum to {format_pounds(amount)}, above "
                f"its budget of {format_pounds(budget.budget)}",
                "reduce the area allocations or vary the line's budget",
            )
        elif budget.kind is LineKind.DELIVERY and amount != budget.budget:
            yield _at(
                ledger,
                "line",
                budget.id,
                "W402",
                f"allocations of delivery line {budget.id} sum to {format_pounds(amount)} "
                f"of its {format_pounds(budget.budget)} budget",
                "allocate the whole delivery budget to areas so per-area reports add up",
            )


def tranche_dates_in_contract(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    decisions = {d.id: d for d in ledger.decisions}
    for decision_id, tranche in ledger.tranches():
        decision = decisions.get(decision_id)
        if decision is None:
            continue
        end = ledger.decision_end(decision)
        if not decision.start <= tranche.due <= end:
            yield _at(
                ledger,
                "tranche",
                tranche.id,
                "E301",
                f"tranche {tranche.id} is due {tranche.due}, outside the contract period "
                f"{decision.start} to {end}",
                "move the due date into the period, or record a variation that extends it",
            )


def _known(names: Iterable[str]) -> str:
    listed = sorted(names)
    shown = ", ".join(listed[:12]) + (", ..." if len(listed) > 12 else "")
    return f"use one of: {shown}" if listed else "define it first"


CONTRACT_CHECKS = (
    duplicate_contract_ids,
    unknown_references,
    periods_in_order,
    lines_sum_to_total,
    tranches_sum_to_lines,
    allocations_within_lines,
    tranche_dates_in_contract,
)
