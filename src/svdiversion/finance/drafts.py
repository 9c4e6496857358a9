"""``svdiversion import``: the month's payments of the finance export as draft ledger rows.

Pure: it takes the ledger, the exports read by :mod:`.importer` and the mapping, and
returns the rows it proposes and the problems that stop it. For each payment of the
month that is not in the ledger yet:

* *one payment, however many exports list it*: overlapping registers list some
  payments twice; each is taken once (:func:`.payments.one_per_payment`).
* *already in the ledger*: a payment that an imported ledger payment came from (its
  source in ``ledger/sources.csv``: the payment number; the file and line; or the
  reference, date and amount, see :mod:`.payments`) is left out. Against rows without
  a source (typed in, or imported before sources were recorded), a payment whose
  reference is the reference of such a ledger payment or refund, in any month, is left
  out; one without a usable reference is left out when the ledger has such a payment of
  the same amount within ``reconcile``'s date window that no export row names by
  reference. So importing a month twice adds nothing.
* *budget line*: the first rule of ``import: rules:`` that matches it; a payment no rule
  places is a located problem (E609) asking for a rule.
* *area*: the export's area column where the mapping names one (through ``import:
  areas:``); otherwise the line's allocations as they stood on the payment date, an area
  no longer valid then giving its share to its successor, pennies shared out by largest
  remainder so the rows sum exactly to the payment. A line with no allocations: no area.
* *kind* from the sign: ``payment``, or for a negative amount the rule's ``kind``
  (``refund`` unless it says ``reversal``: a void is not money coming back).
* *tranche*: the line's one tranche due in the payment's month, if there is exactly one.
* *the month it is for*: a payment whose description or reference names an earlier
  month of the contract ("Steer Clear delivery January 2025", ``TCS-INV-202501``) than
  the one it was paid in is imported as paid, with a warning (W605) that proposes the
  accrual (the last day of that month) and its reversal (the first day of the next)
  that put the spend in the month it is for.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..core.codes import Code
from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.models import TransactionKind, area_in_force
from ..core.money import Pence, apportion, to_pence
from ..core.problems import Problem
from .accruals import for_earlier_month, paid_after_the_contract
from .export_rows import Export, Payment
from .ledger_text import clean_text, runs_when_imported
from .mapping import FINANCE_IMPORT, FinanceConfig, LineRule
from .payments import normalise_reference, one_per_payment
from .reconcile import LedgerPayment, is_its_source, ledger_payments, usable_reference
from .rules import placing_rule


@dataclass(frozen=True, slots=True)
class Draft:
    """One proposed row of ``ledger/transactions.csv`` (``id`` given when it is written)."""

    date: date
    kind: TransactionKind
    budget_line: str
    area: str | None
    pence: Pence
    reference: str
    counterparty: str
    description: str
    tranche: str | None
    source: Payment


@dataclass(frozen=True, slots=True)
class Proposal:
    """What importing ``month`` would add, and why the rest is left out."""

    month: Month
    drafts: tuple[Draft, ...]
    in_month: int  # this service's payments in the month, over every export
    already: int  # of those, already in the ledger
    zero: int  # of those, of zero amount (not a transaction)
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()  # W603: text made inert on its way in

    @property
    def payments(self) -> int:
        """The payments the drafts come from."""
        return len({(d.source.path, d.source.line) for d in self.drafts})


def propose(
    ledger: Ledger, month: Month, exports: Sequence[Export], config: FinanceConfig
) -> Proposal:
    every = one_per_payment(exports, config.reconcile)
    paid = sorted(
        (p for p in every if Month.of(p.date) == month), key=lambda p: (p.date, p.path, p.line)
    )
    fresh = _not_in_ledger(ledger, paid, exports, config)
    drafts: list[Draft] = []
    problems: list[Problem] = []
    warnings: list[Problem] = []
    zero = 0
    for payment in fresh:
        if payment.pence == 0:
            zero += 1
            continue
        rule = placing_rule(payment, config.import_.rules)
        if rule is None:
            problems.append(_unplaced(payment))
            continue
        split, problem = _areas(ledger, payment, rule, config)
        if problem is not None:
            problems.append(problem)
            continue
        drafts += [_draft(ledger, payment, rule, area, pence) for area, pence in split]
        warnings += _made_inert(payment, rule)
        warnings += for_earlier_month(ledger, payment, rule, split)
    if month == Month.of(ledger.end):
        warnings += paid_after_the_contract(ledger, every, config, _areas)
    already = len(paid) - len(fresh)
    return Proposal(
        month, tuple(drafts), len(paid), already, zero, tuple(problems), tuple(warnings)
    )


def _made_inert(payment: Payment, rule: LineRule) -> list[Problem]:
    """W603 for each text of the payment that would run as a formula in a spreadsheet:
    it goes into the ledger with a leading apostrophe, as text."""
    texts = {"reference": payment.reference, "description": payment.description}
    if rule.counterparty is None:
        texts["supplier"] = payment.supplier
    return [
        Problem(
            payment.path,
            payment.line,
            1,
            Code.W603,
            f"{name} {_shown(text)} would run as a formula in a spreadsheet: imported as "
            "text, with a leading apostrophe",
            "nothing to do if that is what the export says; ask the finance team why a "
            "payment's text starts like a formula",
        )
        for name, text in texts.items()
        if runs_when_imported(text)
    ]


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")


# ------------------------------------------------------------------------ already there


def _not_in_ledger(
    ledger: Ledger, paid: Sequence[Payment], exports: Sequence[Export], config: FinanceConfig
) -> list[Payment]:
    rules = config.reconcile
    every_group = ledger_payments(ledger, rules)
    imported = [g for g in every_group if g.source is not None]
    groups = [g for g in every_group if g.source is None]
    known = {normalise_reference(g.reference) for g in groups if usable_reference(g, rules)}
    # An unreferenced payment may be a ledger payment the export holds without its
    # reference (as reconcile matches them): any ledger payment no export row names.
    named = {
        normalise_reference(p.reference)
        for e in exports
        for p in e.payments
        if usable_reference(p, rules)
    }
    lookalikes = [
        g
        for g in groups
        if not usable_reference(g, rules) or normalise_reference(g.reference) not in named
    ]
    fresh = []
    for payment in paid:
        source = next((g for g in imported if is_its_source(g, payment, rules)), None)
        if source is not None:
            imported.remove(source)
        elif usable_reference(payment, rules):
            if normalise_reference(payment.reference) not in known:
                fresh.append(payment)
        elif not _take_lookalike(payment, lookalikes, rules.date_window_days):
            fresh.append(payment)
    return fresh


def _take_lookalike(payment: Payment, groups: list[LedgerPayment], window: int) -> bool:
    """Remove and report an unreferenced ledger payment of the same amount near the date."""
    for group in groups:
        if group.pence == payment.pence and abs((group.date - payment.date).days) <= window:
            groups.remove(group)
            return True
    return False


# --------------------------------------------------------------------------- budget line


def _unplaced(payment: Payment) -> Problem:
    who = payment.supplier or payment.description or payment.reference or "this payment"
    return Problem(
        payment.path,
        payment.line,
        1,
        Code.E609,
        f"no import rule places {who!r} ({payment.reference or 'no reference'}) on a budget line",
        f"add a rule under import: rules: in {FINANCE_IMPORT}, such as "
        f"'- {{field: counterparty, equals: {who!r}, budget_line: LINE}}'",
    )


# ---------------------------------------------------------------------------------- areas


def _areas(
    ledger: Ledger, payment: Payment, rule: LineRule, config: FinanceConfig
) -> tuple[list[tuple[str | None, Pence]], Problem | None]:
    """The rule's ``area``; else the export's area column; else the line's allocations."""
    column = config.mapping_for(payment.path).columns.area
    if rule.area is None and column is None:
        return split_by_allocation(ledger, rule.budget_line, payment.date, payment.pence), None
    written = rule.area or payment.area
    area = written if rule.area else config.import_.areas.get(written, written)
    if not area:
        return [(None, payment.pence)], None
    known = ledger.areas.get(area)
    if known is None or not known.valid_on(payment.date):
        why = "is not an area of config/areas.yaml" if known is None else "is not valid then"
        problem = Problem(
            payment.path,
            payment.line,
            1,
            Code.E202,
            f"{column}: {written!r} ({area}) {why}"
            if rule.area is None
            else f"the import rule's area {area!r} {why}",
            f"map it to an area id valid on {payment.date} under import: areas: in {FINANCE_IMPORT}"
            if rule.area is None
            else f"give the rule an area id valid on {payment.date}, or none (to split the "
            "payment by the line's allocations)",
        )
        return [], problem
    return [(area, payment.pence)], None


def split_by_allocation(
    ledger: Ledger, line: str, day: date, pence: Pence
) -> list[tuple[str | None, Pence]]:
    """``pence`` across the areas of ``line`` in the shares of its allocations as they
    stood on ``day``; an area not valid on ``day`` passes its share to its successor."""
    shares: dict[str, Pence] = defaultdict(int)
    for _, allocation in ledger.known_on(day).allocations():
        if allocation.line == line:
            shares[area_in_force(ledger.areas, allocation.area, day)] += to_pence(allocation.amount)
    weights = {area: share for area, share in shares.items() if share > 0}
    if not weights:
        return [(None, pence)]
    return [(area, part) for area, part in apportion(pence, weights).items() if part]


# ---------------------------------------------------------------------------------- rows


def _draft(
    ledger: Ledger, payment: Payment, rule: LineRule, area: str | None, pence: Pence
) -> Draft:
    return Draft(
        date=payment.date,
        kind=TransactionKind.PAYMENT if pence > 0 else TransactionKind(rule.kind),
        budget_line=rule.budget_line,
        area=area,
        pence=pence,
        reference=clean_text(payment.reference),
        counterparty=clean_text(rule.counterparty or payment.supplier),
        description=clean_text(payment.description),
        tranche=tranche_of_month(ledger, rule.budget_line, payment.date),
        source=payment,
    )


def tranche_of_month(ledger: Ledger, line: str, day: date) -> str | None:
    """The line's tranche due in the month of ``day``, when there is exactly one."""
    month = Month.of(day)
    found = [
        t.id
        for _, t in ledger.known_on(day).tranches()
        if t.line == line and Month.of(t.due) == month
    ]
    return found[0] if len(found) == 1 else None
