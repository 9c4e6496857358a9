"""The cover of the analyst's return: whose it is, the period, how it was made, and the
disclosure policy in words (what :mod:`.xlsx` writes on its first tab and every header)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from ..core.ledger import Ledger
from ..reports.disclosure import Disclosure
from ..reports.options import ReportOptions
from .report_views import INTERNAL, PUBLISHED


@dataclass(frozen=True, slots=True)
class LedgerFile:
    """One file the return was made from, with its SHA-256 digest."""

    path: str
    sha256: str
    size: int


@dataclass(frozen=True, slots=True)
class Cover:
    """What the cover tab says about the return: whose, which period, how made."""

    service: str
    decisions: str
    commissioner: str
    provider: str
    period: str
    """The period covered in words: ``2024/25 Q2: 1 July 2024 to 30 September 2024``."""
    period_label: str
    """The short form: ``2024/25 Q2``, or ``the whole contract``."""
    as_of: date
    marking: str
    disclosure: Disclosure
    policy: str
    made_at: datetime
    version: str
    command: str
    files: tuple[LedgerFile, ...]
    reconciliation: str | None = None

    @property
    def internal(self) -> bool:
        return self.disclosure is Disclosure.INTERNAL

    @property
    def banner(self) -> str:
        return INTERNAL if self.internal else PUBLISHED


def cover(
    ledger: Ledger,
    options: ReportOptions,
    disclosure: Disclosure,
    marking: str,
    *,
    made_at: datetime,
    version: str,
    command: str,
    files: Sequence[LedgerFile],
    reconciliation: str | None = None,
) -> Cover:
    """The cover of a return made with ``options``: the decisions and variations listed are
    those known on the as-of date, the ones the figures were made from."""

    def distinct(values: Sequence[str]) -> str:
        return "; ".join(dict.fromkeys(values))

    window = options.window
    ledger = ledger.known_on(options.as_of)
    covered = (
        f"{window.label}: {_long_date(window.start)} to {_long_date(window.end)}"
        if window
        else f"The whole contract: {_long_date(ledger.start)} to {_long_date(ledger.end)}"
    )
    label = window.label if window else "the whole contract"
    return Cover(
        service=ledger.settings.service_name,
        decisions=distinct(
            [f"{d.reference} ({d.title})" for d in ledger.decisions]
            + [f"{v.reference} (variation of {v.decision})" for v in ledger.variations]
        ),
        commissioner=distinct([d.commissioner for d in ledger.decisions]),
        provider=distinct([d.provider for d in ledger.decisions]),
        period=covered,
        period_label=label,
        as_of=options.as_of,
        marking=marking,
        disclosure=disclosure,
        policy=policy_in_words(ledger, disclosure),
        made_at=made_at,
        version=version,
        command=command,
        files=tuple(files),
        reconciliation=reconciliation,
    )


def policy_in_words(ledger: Ledger, disclosure: Disclosure) -> str:
    if disclosure is Disclosure.INTERNAL:
        return (
            "Internal: exact counts about children, neither rounded nor suppressed, and the "
            "referral episodes row by row. Not for publication or for sending outside the "
            "commissioning team."
        )
    policy = ledger.settings.disclosure
    secondary = (
        "where a total would reveal a hidden count, a further cell is hidden too; "
        if policy.secondary_suppression
        else ""
    )
    return (
        f"Published: counts about children of 1 to {policy.suppress_below - 1} are shown as "
        f"{policy.suppressed_symbol}; other counts are rounded to the nearest "
        f"{policy.round_to} and a true zero is shown as 0; {secondary}rates are shown only "
        f"where at least {policy.min_rate_denominator} were assessed. Totals are rounded "
        "from exact figures, so they may not equal the sum of the rounded cells."
    )


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
