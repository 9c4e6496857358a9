"""Payments, not rows: one payment however many exports list it, and the ledger rows
that came from it.

A finance export lists a payment on one row; the ledger may hold it as several rows (an
invoice split by area). ``import`` records where each row came from in
``ledger/sources.csv`` (file, line and the export's payment number, when the mapping
names one), so a payment is known by:

1. its **payment number**, when both sides have one (equal numbers: the same payment;
   different numbers: different payments, whatever else they share);
2. else its **source**: the export's file and line the ledger rows name, with the same
   reference;
3. else **reference, date and amount** together (the reference ignoring case and
   spacing, an unusable reference counting as none).

Monthly registers overlap: January's may list a payment made on 3 February that
February's lists again. :func:`one_per_payment` keeps such a payment once, with every
(file, line) that lists it, so it is imported once and counted once in the cash.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache

from ..core.money import Pence
from ..core.table import Table
from .export_rows import Export, Payment
from .mapping import ReconcileRules

Where = tuple[str, int]
"""A finance export's row: (file as the workspace names it, line)."""


def normalise_reference(text: str) -> str:
    """``' tcs-inv-202409 '`` and ``'TCS-INV-202409'`` are the same reference."""
    return " ".join(text.split()).upper()


def normalise_number(text: str) -> str:
    """A payment number, ignoring case and spacing."""
    return "".join(text.split()).upper()


def usable(reference: str, rules: ReconcileRules) -> bool:
    """Whether ``reference`` is one to match by (not empty, not one meaning none)."""
    key = normalise_reference(reference)
    return bool(key) and key not in _meaning_none(rules.no_reference)


@cache
def _meaning_none(references: tuple[str, ...]) -> frozenset[str]:
    return frozenset(normalise_reference(r) for r in references)


def identity(
    reference: str, day: date, pence: Pence, rules: ReconcileRules
) -> tuple[str, date, int]:
    """Reference (or none), date and amount: what two listings of one payment share."""
    return (normalise_reference(reference) if usable(reference, rules) else "", day, pence)


@dataclass(slots=True)
class _Kept:
    payment: Payment
    files: set[str] = field(default_factory=set)
    also: list[Where] = field(default_factory=list)


def same_listing(a: Payment, b: Payment, rules: ReconcileRules) -> bool:
    """Whether two rows of different exports list the same payment."""
    if a.number and b.number:
        return normalise_number(a.number) == normalise_number(b.number)
    return identity(a.reference, a.date, a.pence, rules) == identity(
        b.reference, b.date, b.pence, rules
    )


def one_per_payment(exports: Sequence[Export], rules: ReconcileRules) -> list[Payment]:
    """Every payment of ``exports`` once. A row of a later export that lists a payment an
    earlier export already listed is not a second payment: it is added to the first's
    ``also``. Within one export every row is a payment of its own (an export that lists
    a payment twice is the finance system paying twice), so a later export's row is
    joined to an earlier one only once per file."""
    kept: list[_Kept] = []
    by_identity: dict[object, list[_Kept]] = {}
    for export in exports:
        for payment in export.payments:
            found = next(
                (
                    k
                    for k in _candidates(payment, by_identity, rules)
                    if payment.path not in k.files and same_listing(k.payment, payment, rules)
                ),
                None,
            )
            if found is None:
                entry = _Kept(payment, {payment.path})
                kept.append(entry)
                for key in _keys(payment, rules):
                    by_identity.setdefault(key, []).append(entry)
            else:
                found.files.add(payment.path)
                found.also.append((payment.path, payment.line))
    return [replace(k.payment, also=tuple(k.also)) if k.also else k.payment for k in kept]


def _keys(payment: Payment, rules: ReconcileRules) -> list[object]:
    keys: list[object] = [identity(payment.reference, payment.date, payment.pence, rules)]
    if payment.number:
        keys.append(("number", normalise_number(payment.number)))
    return keys


def _candidates(
    payment: Payment, by_identity: dict[object, list[_Kept]], rules: ReconcileRules
) -> list[_Kept]:
    found: list[_Kept] = []
    for key in _keys(payment, rules):
        found += by_identity.get(key, [])
    return found


@dataclass(frozen=True, slots=True)
class Source:
    """Where an imported ledger row came from (a row of ``ledger/sources.csv``)."""

    file: str
    line: int
    number: str = ""


def ledger_sources(table: Table | None) -> dict[str, Source]:
    """``ledger/sources.csv`` as id -> source (empty when the file is not there)."""
    if table is None:
        return {}
    ids, files = table.column("id"), table.column("file")
    lines, numbers = table.column("line"), table.column("payment_number")
    return {
        ids[i]: Source(files[i], int(lines[i]), numbers[i] or "") for i in range(len(table.lines))
    }
