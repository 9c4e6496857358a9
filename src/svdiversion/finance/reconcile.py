"""Reconcile one month of the ledger with the finance system, and compare its spend with
the profile. Pure: it takes the ledger, the payments read from the export(s), the
treasurer's commentary and the rules, and returns plain data that ``render.finance``
prints (and any report may reuse).

Matching, for the month:

1. The ledger's cash rows (kinds ``payment`` and ``refund``; accruals and reversals are
   not cash) are grouped into payments: the rows ``import`` took from one export row
   (``ledger/sources.csv``) are one payment; other rows by reference within a month. An
   invoice split into five rows, one per area, is one payment, and the finance system
   shows it as one row. A payment two overlapping exports both list is one payment
   (:func:`.payments.one_per_payment`).
2. An imported payment with its source (payment number; file and line; or reference,
   date and amount: :mod:`.payments`): *matched*, or *amount differs*.
3. By reference, ignoring case and spacing. Equal totals: *matched*. The finance system
   holding the same reference twice, one row equal to the ledger: the other row is *in
   the finance system only* (paid twice?). Different totals: *amount differs*. The same
   reference dated in another month on the other side: *other month* (keyed against the
   wrong month).
4. What is left, by amount within a date window, where one side has no usable
   reference: *matched by amount*. The rest is *in the ledger only* or *in the finance
   system only*.

Spend against the profile, for the month and the year to date, is worked out in
:mod:`.spend`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypeVar

from ..core.closes import closed_months
from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import MonthClose, TransactionKind
from ..core.money import Pence
from .export_rows import Export, ExportSummary, Payment
from .mapping import ReconcileRules
from .payments import (
    Source,
    identity,
    ledger_sources,
    normalise_number,
    normalise_reference,
    one_per_payment,
    usable,
)
from .spend import Commentary, LineSpend, spend_against_profile

CASH_KINDS = frozenset({TransactionKind.PAYMENT, TransactionKind.REFUND})
WRONG_MONTH = "keyed in the wrong month?"

T = TypeVar("T", "LedgerPayment", Payment)


class Status(StrEnum):
    MATCHED = "matched"
    MATCHED_BY_AMOUNT = "matched_by_amount"
    AMOUNT_DIFFERS = "amount_differs"
    OTHER_MONTH = "other_month"
    LEDGER_ONLY = "ledger_only"
    FINANCE_ONLY = "finance_only"


AGREED = frozenset({Status.MATCHED, Status.MATCHED_BY_AMOUNT})


@dataclass(frozen=True, slots=True)
class LedgerPayment:
    """The ledger's cash rows of one payment: one reference in one month."""

    reference: str
    date: date
    pence: Pence
    ids: tuple[str, ...]
    lines: tuple[int, ...]
    source: Source | None = None  # the export row import took it from, if imported


@dataclass(frozen=True, slots=True)
class Match:
    """One payment, as the ledger and the finance system each have it."""

    status: Status
    reference: str
    ledger: LedgerPayment | None
    finance: tuple[Payment, ...]
    note: str = ""

    @property
    def ledger_pence(self) -> Pence:
        return self.ledger.pence if self.ledger else 0

    @property
    def finance_pence(self) -> Pence:
        return sum(p.pence for p in self.finance)

    @property
    def difference(self) -> Pence:
        """Ledger minus finance system."""
        return self.ledger_pence - self.finance_pence

    @property
    def agreed(self) -> bool:
        return self.status in AGREED

    @property
    def day(self) -> date:
        return self.ledger.date if self.ledger else self.finance[0].date


@dataclass(frozen=True, slots=True)
class Reconciliation:
    month: Month
    sources: tuple[ExportSummary, ...]
    matches: tuple[Match, ...]
    ledger_cash: Pence
    finance_cash: Pence
    lines: tuple[LineSpend, ...]
    total: LineSpend
    closed: MonthClose | None = None  # the close in force, when the month is closed
    # the exports read are the ones the close recorded (their digests agreeing)
    with_close_exports: bool = False
    # with a VAT column: what was paid, VAT included, and the VAT in it (finance_cash,
    # what the ledger is matched with, leaves reclaimed VAT out); None: no VAT column
    finance_paid: Pence | None = None
    finance_vat: Pence = 0

    @property
    def cash_difference(self) -> Pence:
        return self.ledger_cash - self.finance_cash

    @property
    def disagreements(self) -> tuple[Match, ...]:
        return tuple(m for m in self.matches if not m.agreed)

    @property
    def unexplained(self) -> tuple[LineSpend, ...]:
        return tuple(line for line in self.lines if line.unexplained)

    @property
    def reconciled(self) -> bool:
        """Every payment agrees and every variance that needs explaining is explained."""
        return not self.disagreements and not self.unexplained

    def count(self, status: Status) -> int:
        return sum(1 for m in self.matches if m.status is status)


def reconcile(
    ledger: Ledger,
    month: Month,
    exports: Sequence[Export],
    commentary: Commentary,
    rules: ReconcileRules,
) -> Reconciliation:
    payments = one_per_payment(exports, rules)
    ledger_side = ledger_payments(ledger, rules)
    lines, total = spend_against_profile(ledger, month, commentary, rules.explain_variances_above)
    in_month = [p for p in payments if Month.of(p.date) == month]
    with_vat = any(p.vat for p in payments)
    return Reconciliation(
        month=month,
        sources=tuple(
            ExportSummary(
                e.path,
                len(e.payments),
                sum(1 for p in e.payments if Month.of(p.date) == month),
                e.other_rows,
                e.skipped_rows,
                e.digest,
                e.excluded,
            )
            for e in exports
        ),
        matches=tuple(match_payments(month, ledger_side, payments, rules)),
        ledger_cash=sum(g.pence for g in ledger_side if Month.of(g.date) == month),
        finance_cash=sum(p.pence for p in in_month),
        lines=tuple(lines),
        total=total,
        closed=_close_of(ledger, month),
        finance_paid=sum(p.paid for p in in_month) if with_vat else None,
        finance_vat=sum(p.vat for p in in_month),
    )


def _close_of(ledger: Ledger, month: Month) -> MonthClose | None:
    closed, _ = closed_months(ledger.closes)
    found = closed.get(str(month))
    return found.record if found else None


# ----------------------------------------------------------------------------- matching


def usable_reference(item: LedgerPayment | Payment, rules: ReconcileRules) -> bool:
    """Whether ``item`` has a reference to match by (not empty, not one meaning none)."""
    return usable(item.reference, rules)


def ledger_payments(ledger: Ledger, rules: ReconcileRules) -> list[LedgerPayment]:
    """Every month's cash rows, grouped into payments: the rows imported from one export
    row (``ledger/sources.csv``) are one payment; other rows by (month, reference), a row
    without a usable reference being a payment of its own."""
    table = ledger.transactions
    ids, days, kinds = table.column("id"), table.column("date"), table.column("kind")
    references, pence = table.column("reference"), table.column("pence")
    sources = ledger_sources(ledger.sources)
    groups: dict[tuple[object, ...], list[int]] = defaultdict(list)
    for i, kind in enumerate(kinds):
        if kind not in CASH_KINDS:
            continue
        source = sources.get(ids[i])
        if source is not None:
            groups[("source", source.file, source.line)].append(i)
            continue
        key = normalise_reference(references[i]) if usable(references[i], rules) else f"#{i}"
        groups[(Month.of(days[i]), key)].append(i)
    return [
        LedgerPayment(
            references[rows[0]],
            min(days[i] for i in rows),
            sum(pence[i] for i in rows),
            tuple(ids[i] for i in rows),
            tuple(table.lines[i] for i in rows),
            sources.get(ids[rows[0]]),
        )
        for rows in groups.values()
    ]


def is_its_source(group: LedgerPayment, payment: Payment, rules: ReconcileRules) -> bool:
    """Whether ``payment`` is the export row the imported ledger payment ``group`` came
    from: the same payment number when both have one; else the same file and line (and
    reference); else the same reference, date and amount."""
    source = group.source
    if source is None:
        return False
    if source.number and payment.number:
        return normalise_number(source.number) == normalise_number(payment.number)
    same_reference = normalise_reference(group.reference) == normalise_reference(payment.reference)
    if same_reference and (source.file, source.line) in payment.where:
        return True
    return identity(group.reference, group.date, group.pence, rules) == identity(
        payment.reference, payment.date, payment.pence, rules
    )


def _by_source(
    in_month: list[LedgerPayment], paid: list[Payment], rules: ReconcileRules
) -> tuple[list[Match], list[LedgerPayment], list[Payment]]:
    """Imported payments matched with the export row each came from; the rest left."""
    matches: list[Match] = []
    left_ledger: list[LedgerPayment] = []
    left_paid = list(paid)
    for group in in_month:
        found = next((p for p in left_paid if is_its_source(group, p, rules)), None)
        if found is None:
            left_ledger.append(group)
            continue
        left_paid.remove(found)
        status = Status.MATCHED if found.pence == group.pence else Status.AMOUNT_DIFFERS
        matches.append(Match(status, group.reference or found.reference, group, (found,)))
    return matches, left_ledger, left_paid


def match_payments(
    month: Month,
    ledger_side: Sequence[LedgerPayment],
    payments: Sequence[Payment],
    rules: ReconcileRules,
) -> list[Match]:
    """Pair the month's ledger payments with the month's payments of the exports."""
    in_month = [g for g in ledger_side if Month.of(g.date) == month]
    paid = [p for p in payments if Month.of(p.date) == month]
    matches, in_month, paid = _by_source(in_month, paid, rules)
    left_ledger = [g for g in in_month if not usable(g.reference, rules)]
    ledger_by_key: dict[str, LedgerPayment] = {}
    for imported in in_month:
        if usable(imported.reference, rules):
            key = normalise_reference(imported.reference)
            if key in ledger_by_key:  # two imported payments of one reference, neither found
                left_ledger.append(imported)
            else:
                ledger_by_key[key] = imported
    paid_by_key = _by_key(paid, rules)
    every_paid = _by_key(payments, rules)  # every month: to find a payment in another one
    every_group = _by_key(ledger_side, rules)

    left_paid = [p for p in paid if not usable(p.reference, rules)]
    for key in sorted(ledger_by_key.keys() | paid_by_key.keys()):
        group, rows = ledger_by_key.get(key), paid_by_key.get(key, [])
        if group and rows:
            matches += _by_reference(group, rows)
        elif group:
            other = [p for p in every_paid.get(key, []) if Month.of(p.date) != month]
            if other:
                day = other[0].date
                note = f"the finance system paid it on {day} ({Month.of(day)}): {WRONG_MONTH}"
                matches.append(
                    Match(Status.OTHER_MONTH, group.reference, group, tuple(other), note)
                )
            else:
                left_ledger.append(group)
        else:
            keyed = next(iter(every_group.get(key, [])), None)
            if keyed:
                note = f"the ledger has it on {keyed.date} ({Month.of(keyed.date)}): {WRONG_MONTH}"
                matches.append(Match(Status.OTHER_MONTH, keyed.reference, keyed, tuple(rows), note))
            else:
                left_paid += rows
    matches += _by_amount(left_ledger, left_paid, rules)
    return sorted(matches, key=_order)


def _order(match: Match) -> tuple[date, str, bool, int]:
    """By date and reference; the ledger's side of a payment before a lone finance row."""
    line = match.finance[0].line if match.finance else 0
    return (match.day, normalise_reference(match.reference), match.ledger is None, line)


def _by_key(items: Iterable[T], rules: ReconcileRules) -> dict[str, list[T]]:
    """Items with a usable reference, by normalised reference."""
    found: dict[str, list[T]] = defaultdict(list)
    for item in items:
        if usable(item.reference, rules):
            found[normalise_reference(item.reference)].append(item)
    return found


def _by_reference(group: LedgerPayment, rows: list[Payment]) -> list[Match]:
    if sum(p.pence for p in rows) == group.pence:
        return [Match(Status.MATCHED, group.reference, group, tuple(rows))]
    single = next((p for p in rows if p.pence == group.pence), None)
    if single is None:
        return [Match(Status.AMOUNT_DIFFERS, group.reference, group, tuple(rows))]
    matches = [Match(Status.MATCHED, group.reference, group, (single,))]
    for extra in rows:
        if extra is not single:
            twice = " and amount" if extra.pence == single.pence else ""
            note = f"same reference{twice} as line {single.line}: paid twice?"
            matches.append(Match(Status.FINANCE_ONLY, extra.reference, None, (extra,), note))
    return matches


def _by_amount(
    left_ledger: list[LedgerPayment], left_paid: list[Payment], rules: ReconcileRules
) -> list[Match]:
    """Same amount within the date window, where one side has no usable reference."""
    window = rules.date_window_days
    matches: list[Match] = []
    unmatched: list[LedgerPayment] = []
    for group in sorted(left_ledger, key=lambda g: (g.date, g.reference)):
        candidates = [
            p
            for p in left_paid
            if p.pence == group.pence
            and abs((p.date - group.date).days) <= window
            and not (usable(p.reference, rules) and usable(group.reference, rules))
        ]
        if not candidates:
            unmatched.append(group)
            continue
        best = min(candidates, key=lambda p: (abs((p.date - group.date).days), p.path, p.line))
        left_paid.remove(best)
        days = abs((best.date - group.date).days)
        note = f"no usable reference on one side; same amount, {days} day{'s' * (days != 1)} apart"
        reference = group.reference or best.reference
        matches.append(Match(Status.MATCHED_BY_AMOUNT, reference, group, (best,), note))
    ledger_seen = [(g.pence, g.date, g.reference, "the ledger") for g in unmatched]
    paid_seen = [(p.pence, p.date, p.reference, f"line {p.line}") for p in left_paid]
    for group in unmatched:
        note = _look_alike(group.pence, group.date, paid_seen, window)
        matches.append(Match(Status.LEDGER_ONLY, group.reference, group, (), note))
    for payment in left_paid:
        note = _look_alike(payment.pence, payment.date, ledger_seen, window)
        matches.append(Match(Status.FINANCE_ONLY, payment.reference, None, (payment,), note))
    return matches


def _look_alike(
    pence: Pence, day: date, others: Iterable[tuple[Pence, date, str, str]], window: int
) -> str:
    """A hint when the other side has the same amount near the date under another reference."""
    for amount, other_day, reference, where in others:
        if amount == pence and abs((other_day - day).days) <= window:
            return f"same amount as {reference!r} in {where}: a reference typed differently?"
    return ""
