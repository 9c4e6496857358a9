"""Rules over ``ledger/transactions.csv``. Each works on whole columns, so a million rows
are checked quickly, and every row is checked."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from ..core.codes import Code
from ..core.ledger import Ledger
from ..core.models import TransactionKind
from ..core.money import format_pounds, to_pence
from ..core.problems import Problem
from ..core.table import Matches, Sign
from ..core.text import MAYBE_FORMULA, RUNS_AS_FORMULA
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

    def wrong(kind: TransactionKind, sign: int) -> bool:
        return sign != (1 if kind in POSITIVE_KINDS else -1)

    for row in table.rows_where(["kind", Sign("pence")], wrong):
        kind, pence = table.column("kind")[row], table.column("pence")[row]
        expected = "positive" if kind in POSITIVE_KINDS else "negative"
        yield table.problem(
            row,
            "amount",
            Code.E401,
            f"a {kind.value} must be {expected}, got {format_pounds(pence)}",
            "payments and accruals are positive; reversals and refunds "
            "negative; a zero amount is not a transaction",
        )


def known_budget_lines(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    table = ledger.transactions
    known = {b.id for b in ledger.line_budgets()}
    for row in table.rows_where(["budget_line"], lambda line: line not in known):
        yield table.problem(
            row,
            "budget_line",
            Code.E201,
            f"unknown budget line {table.column('budget_line')[row]!r}",
            "use a line id from ledger/contract.yaml: " + ", ".join(sorted(known)),
        )


def known_tranches(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    table = ledger.transactions
    tranches = {t.id: t.line for _, t in ledger.tranches()}

    def wrong(tranche: str | None, line: str) -> bool:
        return tranche is not None and tranches.get(tranche) != line

    for row in table.rows_where(["tranche", "budget_line"], wrong):
        tranche, line = table.column("tranche")[row], table.column("budget_line")[row]
        if tranche not in tranches:
            yield table.problem(
                row,
                "tranche",
                Code.E204,
                f"unknown tranche {tranche!r}",
                "use a tranche id from ledger/contract.yaml, or leave it empty",
            )
        else:
            yield table.problem(
                row,
                "tranche",
                Code.E204,
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

    def outside(line: str, day: date) -> bool:
        period = line_period.get(line)
        return period is not None and not period[0] <= day <= period[1]

    def wrong(line: str, day: date) -> bool:
        return outside(line, day) or day > late

    # A line's period is one span: its first and last date clear the line whole.
    unclear = {
        line
        for (line,), (first, last) in table.bounds(["budget_line"], "date").items()
        if wrong(line, first) or wrong(line, last)
    }
    if not unclear:
        return
    for row in table.rows_where(
        [("budget_line", unclear.__contains__), "budget_line", "date"],
        lambda asked, line, day: asked and wrong(line, day),
    ):
        line, day = table.column("budget_line")[row], table.column("date")[row]
        if outside(line, day):
            first, last = line_period[line]
            yield table.problem(
                row,
                "date",
                Code.E301,
                f"transaction dated {day} is outside the period {first} to {last} of line {line}",
                "correct the date, or record a variation that extends the period",
            )
        else:
            yield table.problem(
                row,
                "date",
                Code.E302,
                f"transaction dated {day} is after the as-of date {late}",
                "correct the date, or check with a later --as-of",
            )


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
                Code.E402,
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
                Code.W401,
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
        key = Matches(name, PERSONAL_TEXT, search=True, prefilter=MAYBE_PERSONAL_TEXT)
        for row in table.rows_where([key], bool):
            value = table.column(name)[row]
            yield table.problem(
                row,
                name,
                Code.W403,
                f"{name} looks like it holds personal data ({PERSONAL_TEXT.search(value)[0]!r})",  # type: ignore[index]
                "ledger text must not identify a person: remove it",
            )


FORMULA_COLUMNS = (
    ("transactions", ("reference", "counterparty", "description")),
    ("sources", ("file", "payment_number")),
    ("episodes", ("referral_source",)),
)
"""The free-text columns of the ledger's CSV files (the other columns are ids, dates,
amounts or codes, which cannot start with a formula's first character)."""


def no_formula_text(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """W405: text a spreadsheet would run as a formula (``=HYPERLINK(...)``), in any
    ledger CSV file: opened in a spreadsheet, it would run instead of being read."""
    for attribute, names in FORMULA_COLUMNS:
        table = getattr(ledger, attribute)
        if table is None:
            continue
        for name in names:
            if name not in table.header:
                continue
            key = Matches(name, RUNS_AS_FORMULA, search=True, prefilter=MAYBE_FORMULA)
            for row in table.rows_where([key], bool):
                value = str(table.column(name)[row])
                shown = value if len(value) <= 40 else value[:37] + "..."
                yield table.problem(
                    row,
                    name,
                    Code.W405,
                    f"{name} would run as a formula in a spreadsheet ({shown!r})",
                    "write it as text: start it with an apostrophe ('), as import does, or "
                    "remove the character it starts with",
                )


def sources_of_known_rows(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """E209: a row of ``ledger/sources.csv`` names a transaction the ledger does not have
    (the transaction's row was removed, or its id changed, after it was imported)."""
    sources = ledger.sources
    if sources is None:
        return
    known = set(ledger.transactions.column("id"))
    for row, row_id in enumerate(sources.column("id")):
        if row_id not in known:
            yield sources.problem(
                row,
                "id",
                Code.E209,
                f"ledger/sources.csv names transaction {row_id!r}, which "
                "ledger/transactions.csv does not have",
                "remove the row (it says where an imported transaction came from), or put "
                "the transaction back",
            )


TRANSACTION_CHECKS = (
    duplicate_transaction_ids,
    sources_of_known_rows,
    sign_matches_kind,
    known_budget_lines,
    known_tranches,
    transaction_areas,
    transaction_dates,
    spend_within_budget,
    no_personal_text,
    no_formula_text,
)
