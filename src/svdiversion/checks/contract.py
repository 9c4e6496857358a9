"""Rules over the contract files: ids, references between records, sums, dates."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..core.codes import Code
from ..core.ledger import AllocationRevision, Ledger, Revision, TrancheRevision
from ..core.models import LineKind, Variation
from ..core.money import format_pounds, to_pence
from ..core.problems import Problem
from .context import CheckContext


def _at(ledger: Ledger, kind: str, key: str, code: str, message: str, hint: str) -> Problem:
    path, line, column = ledger.origin(kind, key)
    return Problem(path, line, column, code, message, hint)


def _at_change(
    ledger: Ledger, revision: Revision[Any, Any], kind: str, code: str, message: str, hint: str
) -> Problem:
    """A problem at the change itself, or at its variation when the loader lost the place."""
    found = ledger.origins.get((kind, f"{revision.variation.id}/{revision.index}"))
    path, line, column = found[0] if found else ledger.origin("variation", revision.variation.id)
    return Problem(path, line, column, code, message, hint)


def duplicate_contract_ids(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    for (kind, key), places in ledger.origins.items():
        for path, line, column in places[1:]:
            first_path, first_line, _ = places[0]
            yield Problem(
                path,
                line,
                column,
                Code.E107,
                f"duplicate {kind} id {key!r} (first at {first_path}:{first_line})",
                f"give every {kind} its own id; extensions add new ids, never reuse one",
            )


def unknown_references(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """Budget lines, areas and decisions named by a record that are not recorded."""
    yield from _unknown_in_money(ledger)
    yield from _unknown_in_changes(ledger)


def _unknown_in_money(ledger: Ledger) -> Iterator[Problem]:
    """Allocations and tranches that name an unknown line or area."""
    lines = {line.id for line in ledger.line_budgets()}
    for _, allocation in ledger.allocations():
        key = f"{allocation.line}/{allocation.area}"
        if allocation.line not in lines:
            yield _at(
                ledger,
                "allocation",
                key,
                Code.E201,
                f"allocation names unknown budget line {allocation.line!r}",
                _known(lines),
            )
        if allocation.area not in ledger.areas:
            yield _at(
                ledger,
                "allocation",
                key,
                Code.E202,
                f"allocation names unknown area {allocation.area!r}",
                _known(ledger.areas),
            )
    for _, tranche in ledger.tranches():
        if tranche.line not in lines:
            yield _at(
                ledger,
                "tranche",
                tranche.id,
                Code.E201,
                f"tranche {tranche.id} names unknown budget line {tranche.line!r}",
                _known(lines),
            )


def _unknown_in_changes(ledger: Ledger) -> Iterator[Problem]:
    """Variations that name an unknown decision or line; areas with an unknown successor."""
    lines = {line.id for line in ledger.line_budgets()}
    decisions = {d.id for d in ledger.decisions}
    for variation in ledger.variations:
        if variation.decision not in decisions:
            yield _at(
                ledger,
                "variation",
                variation.id,
                Code.E206,
                f"variation {variation.id} names unknown decision {variation.decision!r}",
                _known(decisions),
            )
        for change in variation.line_changes:
            if change.line not in lines:
                yield _at(
                    ledger,
                    "variation",
                    variation.id,
                    Code.E201,
                    f"variation {variation.id} changes unknown budget line {change.line!r}",
                    _known(lines),
                )
    for area in ledger.areas.values():
        if area.successor is not None and area.successor not in ledger.areas:
            yield _at(
                ledger,
                "area",
                area.id,
                Code.E202,
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
                Code.E308,
                f"decision {decision.id} ends ({decision.end}) before it starts ({decision.start})",
                "swap or correct start and end",
            )
    for area in ledger.areas.values():
        if area.valid_to is not None and area.valid_to < area.valid_from:
            yield _at(
                ledger,
                "area",
                area.id,
                Code.E308,
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
                Code.E403,
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
                Code.E404,
                f"tranches of line {budget.id} sum to {format_pounds(planned[budget.id])}, "
                + (
                    "but an unallocated line has no tranches"
                    if budget.kind is LineKind.UNALLOCATED
                    else f"but its budget is {format_pounds(budget.budget)}"
                ),
                "add or correct tranches so the profile covers the line exactly; a "
                "variation that changes a line adds tranches or tranche_changes for the change",
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
                Code.E405,
                f"allocations of line {budget.id} sum to {format_pounds(amount)}, above "
                f"its budget of {format_pounds(budget.budget)}",
                "reduce the area allocations or vary the line's budget",
            )
        elif budget.kind is LineKind.DELIVERY and amount != budget.budget:
            yield _at(
                ledger,
                "line",
                budget.id,
                Code.W402,
                f"allocations of delivery line {budget.id} sum to {format_pounds(amount)} "
                f"of its {format_pounds(budget.budget)} budget",
                "allocate the whole delivery budget to areas so per-area reports add up",
            )


def variation_changes_known(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """Each tranche and allocation change names a record its variation may change: one of
    its own decision, recorded by the decision or by a variation approved no later."""
    owners = {t.id: decision for decision, t in ledger.tranches()}
    for revision in ledger.tranche_revisions():
        if revision.before is None:
            yield _unknown_tranche(ledger, revision, owners)
    lines = {b.id: b.decision for b in ledger.line_budgets()}
    allocated = {f"{a.line}/{a.area}": decision for decision, a in ledger.allocations()}
    for allocation in ledger.allocation_revisions():
        if allocation.before is None:
            yield from _unknown_allocation(ledger, allocation, lines, allocated)


def _unknown_tranche(ledger: Ledger, revision: TrancheRevision, owners: dict[str, str]) -> Problem:
    variation, tranche = revision.variation, revision.key
    if tranche not in owners:
        own = sorted(t.id for d, t in ledger.tranches() if d == variation.decision)
        message, hint = f"variation {variation.id} changes unknown tranche {tranche!r}", _known(own)
    elif owners[tranche] != variation.decision:
        message = (
            f"variation {variation.id} of {variation.decision} changes tranche {tranche} "
            f"of decision {owners[tranche]}"
        )
        hint = "a variation changes the tranches of its own decision only"
    else:
        later = _added_later(ledger, variation, tranche, lambda v: [t.id for t in v.tranches])
        message = f"variation {variation.id} changes tranche {tranche}, " + _later_words(later)
        hint = "record the change in that variation, or in one approved after it"
    return _at_change(ledger, revision, "tranche_change", Code.E204, message, hint)


def _unknown_allocation(
    ledger: Ledger,
    revision: AllocationRevision,
    lines: dict[str, str],
    allocated: dict[str, str],
) -> Iterable[Problem]:
    variation, change = revision.variation, revision.change
    if change.line not in lines:
        yield _at_change(
            ledger,
            revision,
            "allocation_change",
            Code.E201,
            f"variation {variation.id} reallocates unknown budget line {change.line!r}",
            _known(lines),
        )
    if change.area not in ledger.areas:
        yield _at_change(
            ledger,
            revision,
            "allocation_change",
            Code.E202,
            f"variation {variation.id} reallocates in unknown area {change.area!r}",
            _known(ledger.areas),
        )
    if change.line not in lines or change.area not in ledger.areas:
        return
    what = f"the allocation of line {change.line} in area {change.area}"
    if revision.key not in allocated:
        message = f"variation {variation.id} changes {what}, which is not recorded"
        hint = (
            "allocation_changes change recorded allocations; add a new line and area pair, "
            "with its amount, under the variation's allocations"
        )
    elif allocated[revision.key] != variation.decision:
        message = (
            f"variation {variation.id} of {variation.decision} changes {what}, "
            f"of decision {allocated[revision.key]}"
        )
        hint = "a variation changes the allocations of its own decision only"
    else:
        later = _added_later(
            ledger, variation, revision.key, lambda v: [f"{a.line}/{a.area}" for a in v.allocations]
        )
        message = f"variation {variation.id} changes {what}, " + _later_words(later)
        hint = "record the change in that variation, or in one approved after it"
    yield _at_change(ledger, revision, "allocation_change", Code.E208, message, hint)


def _added_later(
    ledger: Ledger, variation: Variation, key: str, keys: Callable[[Variation], list[str]]
) -> Variation | None:
    """The first variation, after ``variation`` in approval order, that records ``key``."""
    order = ledger.variations_in_order()
    after = order[next(i for i, v in enumerate(order) if v is variation) + 1 :]
    return next((v for v in after if key in keys(v)), None)


def _later_words(later: Variation | None) -> str:
    if later is None:
        return "which is not recorded before it"
    return f"which variation {later.id} adds later (approved {later.approved})"


def variation_changes_not_negative(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """No change takes a tranche or an allocation in effect below zero."""
    for tranche in ledger.tranche_revisions():
        if tranche.before is None or tranche.after is None:
            continue
        before, after = to_pence(tranche.before.amount), to_pence(tranche.after.amount)
        if after < 0 <= before:
            yield _at_change(
                ledger,
                tranche,
                "tranche_change",
                Code.E406,
                f"variation {tranche.variation.id} takes tranche {tranche.key} to "
                f"{format_pounds(after)} (it was {format_pounds(before)})",
                f"a change can at most cancel the tranche: amount_change of at least "
                f"{format_pounds(-before)}",
            )
    for allocation in ledger.allocation_revisions():
        if allocation.before is None or allocation.after is None:
            continue
        before, after = to_pence(allocation.before.amount), to_pence(allocation.after.amount)
        if after < 0 <= before:
            line, area = allocation.change.line, allocation.change.area
            yield _at_change(
                ledger,
                allocation,
                "allocation_change",
                Code.E406,
                f"variation {allocation.variation.id} takes the allocation of line {line} "
                f"in area {area} to {format_pounds(after)} (it was {format_pounds(before)})",
                f"a change can at most take the whole allocation away: amount_change of at "
                f"least {format_pounds(-before)}",
            )


def tranche_dates_in_contract(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """Every tranche in effect falls due within its decision's period; a tranche a variation
    moved (``new_due``) is reported at the change that moved it last."""
    decisions = {d.id: d for d in ledger.decisions}
    moved = {
        r.key: r for r in ledger.tranche_revisions() if r.after is not None and r.change.new_due
    }
    for decision_id, tranche in ledger.tranches():
        decision = decisions.get(decision_id)
        if decision is None:
            continue
        end = ledger.decision_end(decision)
        if decision.start <= tranche.due <= end:
            continue
        message = (
            f"tranche {tranche.id} is due {tranche.due}, outside the contract period "
            f"{decision.start} to {end}"
        )
        hint = "move the due date into the period, or record a variation that extends it"
        revision = moved.get(tranche.id)
        if revision is None:
            yield _at(ledger, "tranche", tranche.id, Code.E301, message, hint)
        else:
            message += f" (moved by variation {revision.variation.id})"
            yield _at_change(ledger, revision, "tranche_change", Code.E301, message, hint)


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
    variation_changes_known,
    variation_changes_not_negative,
    tranche_dates_in_contract,
)
