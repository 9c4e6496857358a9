"""Rules over ``ledger/transactions.csv``. Each works on whole columns, so a million rows
are checked quickly, and every row is checked."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from ..core.ledger import Ledger
from ..core.models import TransactionKind
from ..core.money import format_pounds, to_pence
from ..core.problems import Problem
from .common import area_problems, duplicate_id_problems
from .context import CheckContext

POSITIVE_KINDS = frozenset({TransactionKind.PAYMENT, TransactionKind.ACCRUAL})

# Free text that looks like it identifies a person: an email, a UK phone number, a UK postcode.
EMAIL = r"[\w.+-]+@[\w-]+\.[\w.]+"
UK_PHONE = r"(?<![\w-])(?:\+44\s?|0)\d(?:[\s-]?\d){8,9}(?![\w-])"
UK_POSTCODE = r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b"
PERSONAL_TEXT = re.compile(f"{EMAIL}|{UK_PHONE}|{UK_POSTCODE}")
# A cheaper search that finds at least every value PERSONAL_TEXT finds, in the syntax
# Python's re and RE2 share, so a column can be ruled out whole (see no_personal_text):
# an email needs an @; a phone number, with each lookaround and \d \s widened to a class
# that holds every character Python's Unicode class could (any non-ASCII character
# among them); a postcode as it is (RE2's ASCII \b holds wherever Python's does, since
# the letters and digits beside it are ASCII).
_DIGIT = "[0-9\u0080-\U0010ffff]"
_SPACE = "[\\x09-\\x0d\\x1c-\\x20\u0080-\U0010ffff]"
_EDGE = "[^0-9A-Za-z_-]"
MAYBE_PERSONAL_TEXT = (
    f"@|(?:^|{_EDGE})(?:\\+44{_SPACE}?|0){_DIGIT}(?:(?:{_SPACE}|-)?{_DIGIT}){{8,9}}(?:$|{_EDGE})"
    f"|{UK_POSTCODE}"
)


def duplicate_transaction_ids(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    return duplicate_id_problems(
        ledger.transactions,
        "id",
        "transaction",
        "give every transaction its own id; to correct a row, add a reversal with a new id",
    )


def sign_matches_kind(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    table = ledger.transactions
    # The least and greatest amount of each kind first: on a clean ledger no row needs a look.
    if all(
        low > 0 if kind in POSITIVE_KINDS else high < 0
        for (kind,), (low, high) in table.bounds(["kind"], "pence").items()
    ):
        return
    kinds, amounts = table.column("kind"), table.column("pence")
    for row, (kind, pence) in enumerate(zip(kinds, amounts, strict=True)):
        if (pence > 0) != (kind in POSITIVE_KINDS) or pence == 0:
            expected = "positive" if kind in POSITIVE_KINDS else "negative"
            yield table.problem(
                row,
                "amount",
                "E401",
                f"a {kind.value} must be {expected}, got {format_pounds(pence)}",
                "payments and accruals are positive; reversals and refunds "
                "negative; a zero amount is not a transaction",
            )


def known_budget_lines(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    table = ledger.transactions
    known = {b.id for b in ledger.line_budgets()}
    unknown = set(table.distinct("budget_line")) - known
    if not unknown:
        return
    for row, line in enumerate(table.column("budget_line")):
        if line in unknown:
            yield table.problem(
                row,
                "budget_line",
                "E201",
                f"unknown budget line {line!r}",
                "use a line id from ledger/contract.yaml: " + ", ".join(sorted(known)),
            )


def known_tranches(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    table = ledger.transactions
    if "tranche" not in table.columns:
        return
    tranches = {t.id: t.line for _, t in ledger.tranches()}
    pairs = table.counts(["tranche", "budget_line"])
    if all(t is None or tranches.get(t) == line for t, line in pairs):
        return
    for row, (tranche, line) in enumerate(
        zip(table.column("tranche"), table.column("budget_line"), strict=True)
    ):
        if tranche is None:
            continue
        if tranche not in tranches:
            yield table.problem(
                row,
                "tranche",
                "E204",
                f"unknown tranche {tranche!r}",
                "use a tranche id from ledger/contract.yaml, or leave it empty",
            )
        elif tranches[tranche] != line:
            yield table.problem(
                row,
                "tranche",
                "E204",
                f"tranche {tranche} belongs to line {tranches[tranche]}, not {line}",
                "correct the budget_line or the tranche",
            )


def transaction_areas(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    return area_problems(ledger, ledger.transactions, "date", "the transaction")


def transaction_dates(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """Each row's date against the period of the decision its budget line belongs to."""
    table = ledger.transactions
    periods = {d.id: (d.start, ledger.decision_end(d)) for d in ledger.decisions}
    line_period = {
        b.id: periods[b.decision] for b in ledger.line_budgets() if b.decision in periods
    }
    late = context.as_of

    def within(line: str, first: date, last: date) -> bool:
        period = line_period.get(line)
        return last <= late and (period is None or (period[0] <= first and last <= period[1]))

    # A line's first and last date first: on a clean ledger no day needs a look.
    if all(
        within(line, first, last)
        for (line,), (first, last) in table.bounds(["budget_line"], "date").items()
    ):
        return
    bad: dict[tuple[str, object], tuple[str, str, str]] = {}
    for line, day in table.counts(["budget_line", "date"]):
        period = line_period.get(line)
        if period is not None and not period[0] <= day <= period[1]:
            bad[line, day] = (
                "E301",
                f"transaction dated {day} is outside the period "
                f"{period[0]} to {period[1]} of line {line}",
                "correct the date, or record a variation that extends the period",
            )
        elif day > late:
            bad[line, day] = (
                "E302",
                f"transaction dated {day} is after the as-of date {late}",
                "correct the date, or check with a later --as-of",
            )
    if bad:
        for row, key in enumerate(
            zip(table.column("budget_line"), table.column("date"), strict=True)
        ):
            if key in bad:
                code, message, hint = bad[key]
                yield table.problem(row, "date", code, message, hint)


def spend_within_budget(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """Spend to date above a budget line is an error; above an area allocation, a warning."""
    table = ledger.transactions
    by_area: dict[tuple[Any, ...], int] = table.sums(["budget_line", "area"], "pence")
    by_line: dict[str, int] = defaultdict(int)
    for (line, _), pence in by_area.items():
        by_line[line] += pence
    for budget in ledger.line_budgets():
        spent = by_line.get(budget.id, 0)
        # A line with no spend can still be "overspent" when a variation made its budget
        # negative; that is reported against the contract (E405), not a transaction row.
        if spent > budget.budget and budget.id in by_line:
            yield table.problem(
                _last_row(table.column("budget_line"), budget.id),
                "amount",
                "E402",
                f"spend on line {budget.id} reaches {format_pounds(spent)}, above "
                f"its budget of {format_pounds(budget.budget)}",
                "check for a duplicated payment, or record a variation that increases the line",
            )
    allocations: dict[tuple[str, str], int] = defaultdict(int)
    for _, allocation in ledger.allocations():
        allocations[allocation.line, allocation.area] += to_pence(allocation.amount)
    for (line, area), amount in sorted(allocations.items()):
        spent = by_area.get((line, area), 0)
        if spent > amount:
            path, line_no, column = ledger.origin("allocation", f"{line}/{area}")
            yield Problem(
                path,
                line_no,
                column,
                "W401",
                f"spend on line {line} in area {area} is {format_pounds(spent)}, above "
                f"its allocation of {format_pounds(amount)}",
                "agree a reallocation between areas and record it in a variation's "
                "allocation_changes",
            )


def _last_row(values: list[str], value: str) -> int:
    """The last row holding ``value`` (the row where a running total went over)."""
    return len(values) - 1 - values[::-1].index(value)


def no_personal_text(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    table = ledger.transactions
    for name in ("reference", "counterparty", "description"):
        if not table.any_search(name, MAYBE_PERSONAL_TEXT):
            continue
        flagged = {v for v in table.distinct(name) if PERSONAL_TEXT.search(v)}
        if not flagged:
            continue
        for row, value in enumerate(table.column(name)):
            if value in flagged:
                yield table.problem(
                    row,
                    name,
                    "W403",
                    f"{name} looks like it holds personal data "
                    f"({PERSONAL_TEXT.search(value)[0]!r})",  # type: ignore[index]
                    "ledger text must not identify a person: remove it",
                )


TRANSACTION_CHECKS = (
    duplicate_transaction_ids,
    sign_matches_kind,
    known_budget_lines,
    known_tranches,
    transaction_areas,
    transaction_dates,
    spend_within_budget,
    no_personal_text,
)
