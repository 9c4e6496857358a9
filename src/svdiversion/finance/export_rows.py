"""What reading a finance export gives: its payments, and what else it held."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from ..core.money import Pence


@dataclass(frozen=True, slots=True)
class Payment:
    """One payment the finance system made (negative: a credit note or refund received)."""

    path: str
    line: int
    date: date
    pence: Pence
    reference: str
    supplier: str
    description: str
    account: str = ""
    cost_centre: str = ""
    area: str = ""
    number: str = ""  # the export's payment or document number, when the mapping names it
    also: tuple[tuple[str, int], ...] = ()  # the same payment listed in other exports
    vat: Pence = 0  # the VAT in what was paid, when the mapping names a vat column
    vat_recoverable: bool = True  # reclaimed: ``pence`` (the ledger's amount) is net of it

    @property
    def paid(self) -> Pence:
        """What the finance system paid, VAT included (gross)."""
        return self.pence + self.vat if self.vat_recoverable else self.pence

    @property
    def net(self) -> Pence:
        """What was paid less its VAT."""
        return self.pence if self.vat_recoverable else self.pence - self.vat

    @property
    def where(self) -> tuple[tuple[str, int], ...]:
        """Every (file, line) listing this payment: its own first, then the others."""
        return ((self.path, self.line), *self.also)


@dataclass(frozen=True, slots=True)
class Export:
    """This service's payments in one export, and how many other rows it held."""

    path: str
    payments: tuple[Payment, ...]
    other_rows: int
    skipped_rows: int  # blank rows, and rows skip_rows rules without a reason leave out
    # sha256: of the file's bytes, as read; not part of what the export holds (a UTF-16
    # export and its UTF-8 copy hold the same payments)
    digest: str = field(default="", compare=False)
    # (reason, rows) for each skip_rows rule with a reason that left rows out
    excluded: tuple[tuple[str, int], ...] = ()


def file_digest(data: bytes) -> str:
    """``sha256:`` and the hexadecimal SHA-256 of a file's bytes."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What one export held: this service's payments (all, and in the month), the rows of
    other cost centres the mapping leaves out, and the rows it skips (blank, totals)."""

    path: str
    payments: int
    in_month: int
    other_rows: int
    skipped_rows: int
    digest: str = ""  # sha256: of the file as read
    excluded: tuple[tuple[str, int], ...] = ()  # (reason, rows) of skip_rows rules
