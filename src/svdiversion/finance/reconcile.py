"""Reconcile one month of the ledger with the finance system, and compare its spend with
the profile. Pure: it takes the ledger, the payments read from the export(s), the
treasurer's commentary and the rules, and returns plain data that ``render.finance``
prints (and any report may reuse).

Matching, for the month:

1. The ledger's cash rows (kinds ``payment`` and ``refund``; accruals and reversals are
   not cash) are grouped by reference within a month: an invoice split into five rows,
   one per area, is one payment, and the finance system shows it as one row.
2. By reference, ignoring case and spacing. Equal totals: *matched*. The finance system
   holding the same reference twice, one row equal to the ledger: the other row is *in
   the finance system only* (paid twice?). Different totals: *amount differs*. The same
   reference dated in another month on the other side: *other month* (keyed against the
   wrong month).
3. What is left, by amount within a date window, where one side has no usable
   reference: *matched by amount*. The rest is *in the ledger only* or *in the finance
   system only*.

Spend: the profile of a month is the sum of the tranches due in it; the actual is the
sum of every ledger row dated in it (all kinds: the ledger is on an accruals basis);
year to date runs from 1 April. Variance = actual - profile; RAG against the settings.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import TypeVar

from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import RagThresholds, TransactionKind
from ..core.money import Pence, to_pence
from ..reports.rag import Rag, rag_against_profile
from .importer import Export, Payment
from .mapping import ReconcileRules, VarianceRule

CASH_KINDS = frozenset({TransactionKind.PAYMENT, TransactionKind.REFUND})
WRONG_MONTH = "keyed in the wrong month?"

T = TypeVar("T", "LedgerPayment", Payment)

Commentary = Mapping[tuple[str, str], str]
"""The treasurer's explanations: (month such as ``2024-09``, budget line) -> text."""


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


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What one export held: this service's payments (all, and in the month), the rows of
    other cost centres the mapping leaves out, and the rows it skips (blank, totals)."""

    path: str
    payments: int
    in_month: int
    other_rows: int
    skipped_rows: int


@dataclass(frozen=True, slots=True)
class Reconciliation:
    month: Month
    sources: tuple[ExportSummary, ...]
    matches: tuple[Match, ...]
    ledger_cash: Pence
    finance_cash: Pence
    lines: tuple[LineSpend, ...]
    total: LineSpend

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
    payments = [p for export in exports for p in export.payments]
    ledger_side = ledger_payments(ledger, rules)
    lines, total = spend_against_profile(ledger, month, commentary, rules.explain_variances_above)
    return Reconciliation(
        month=month,
        sources=tuple(
            ExportSummary(
                e.path,
                len(e.payments),
                sum(1 for p in e.payments if Month.of(p.date) == month),
                e.other_rows,
                e.skipped_rows,
            )
            for e in exports
        ),
        matches=tuple(match_payments(month, ledger_side, payments, rules)),
        ledger_cash=sum(g.pence for g in ledger_side if Month.of(g.date) == month),
        finance_cash=sum(p.pence for p in payments if Month.of(p.date) == month),
        lines=tuple(lines),
        total=total,
    )


# ----------------------------------------------------------------------------- matching


def normalise_reference(text: str) -> str:
    """``' tcs-inv-202409 '`` and ``'TCS-INV-202409'`` are the same reference."""
    return " ".join(text.split()).upper()


def _usable(reference: str, rules: ReconcileRules) -> bool:
    key = normalise_reference(reference)
    return bool(key) and key not in _meaning_none(rules.no_reference)


@cache
def _meaning_none(references: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise_reference(r) for r in references)


def ledger_payments(ledger: Ledger, rules: ReconcileRules) -> list[LedgerPayment]:
    """Every month's cash rows, grouped by (month, reference); a row without a usable
    reference is a payment of its own."""
    table = ledger.transactions
    ids, days, kinds = table.column("id"), table.column("date"), table.column("kind")
    references, pence = table.column("reference"), table.column("pence")
    groups: dict[tuple[Month, str], list[int]] = defaultdict(list)
    for i, kind in enumerate(kinds):
        if kind not in CASH_KINDS:
            continue
        key = normalise_reference(references[i]) if _usable(references[i], rules) else f"#{i}"
        groups[(Month.of(days[i]), key)].append(i)
    return [
        LedgerPayment(
            references[rows[0]],
            min(days[i] for i in rows),
            sum(pence[i] for i in rows),
            tuple(ids[i] for i in rows),
            tuple(table.lines[i] for i in rows),
        )
        for rows in groups.values()
    ]


def match_payments(
    month: Month,
    ledger_side: Sequence[LedgerPayment],
    payments: Sequence[Payment],
    rules: ReconcileRules,
) -> list[Match]:
    """Pair the month's ledger payments with the month's rows of the export."""
    in_month = [g for g in ledger_side if Month.of(g.date) == month]
    paid = [p for p in payments if Month.of(p.date) == month]
    ledger_by_key = {
        normalise_reference(g.reference): g for g in in_month if _usable(g.reference, rules)
    }
    paid_by_key = _by_key(paid, rules)
    every_paid = _by_key(payments, rules)  # every month: to find a payment in another one
    every_group = _by_key(ledger_side, rules)

    matches: list[Match] = []
    left_ledger = [g for g in in_month if not _usable(g.reference, rules)]
    left_paid = [p for p in paid if not _usable(p.reference, rules)]
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
        if _usable(item.reference, rules):
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
            and not (_usable(p.reference, rules) and _usable(group.reference, rules))
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


# -------------------------------------------------------------------------------- spend


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
