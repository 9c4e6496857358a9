"""``disclosure-audit``: every published release up to a date, attacked together.

The audit a release meets when it is published holds it beside the two period ends
before it; this one holds every period-end release from the contract's start at once
(what a reader who kept every release has), and checks that every window (each month,
quarter and year) is the difference of the releases at its ends, so that it gives an
adversary nothing more. It lists what an adversary can derive of the hidden counts
closest to being known, and every exposed cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from ...core.ledger import Ledger
from ..disclosure import Cell
from ..outcomes.cells import Key
from .intervals import Range
from .release import Exposure, Publisher, exposures, linked

NARROWEST = 10
"""How many of the hidden counts closest to being known the audit lists."""


@dataclass(frozen=True, slots=True)
class ReleaseSummary:
    as_of: date
    cells: int
    hidden: int
    rounded: int


@dataclass(frozen=True, slots=True)
class Derived:
    """A hidden count and what an adversary holding every release derives of it."""

    release: str
    """The release as the attack names it: ``as of 2023-09-30``, or a window's."""
    what: Key
    range: Range


@dataclass(frozen=True, slots=True)
class AuditReport:
    as_of: date
    protection_interval: int
    releases: tuple[ReleaseSummary, ...]
    windows: int
    """Windows (months, quarters to date, years) attacked with the releases."""
    narrowest: tuple[Derived, ...]
    exposed: tuple[Exposure, ...]

    @property
    def safe(self) -> bool:
        return not self.exposed


def disclosure_audit(ledger: Ledger, as_of: date) -> AuditReport:
    """Every period-end release up to ``as_of`` and every window attacked at once."""
    publisher = Publisher(ledger)
    policy = publisher.policy
    days = publisher.history(as_of)
    releases = [publisher.released(day) for day in days]
    windows = publisher.windows_through(days[-1]) if days else []
    system, found = exposures(policy, [linked(r) for r in releases], windows)
    ranges = system.derive()
    symbol = policy.suppressed_symbol
    hidden = [
        Derived(r.tag, key, ranges[r.tag, key])
        for r in [*(linked(r) for r in releases), *(w for w, _, _ in windows)]
        for key, cell in r.shown.cells.items()
        if cell == symbol and (r.tag, key) in ranges and ranges[r.tag, key].hi > 0
    ]  # a hidden count known to be 0 says nothing: a 0 is shown anyway
    hidden.sort(key=lambda d: (d.range.values, d.release, d.what))
    return AuditReport(
        as_of=days[-1] if days else as_of,
        protection_interval=policy.protection_interval,
        releases=tuple(_summary(r.outcomes.as_of, r.cells.cells, symbol) for r in releases),
        windows=len(windows),
        narrowest=tuple(hidden[:NARROWEST]),
        exposed=tuple(found),
    )


def _summary(day: date, cells: Mapping[Key, Cell], symbol: str) -> ReleaseSummary:
    values = list(cells.values())
    rounded = sum(1 for v in values if isinstance(v, int) and v != 0)
    return ReleaseSummary(day, len(values), values.count(symbol), rounded)
