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
from datetime import date, timedelta

from ...core.fiscal import DateRange, Month, parse_fy, parse_month, parse_quarter
from ...core.ledger import Ledger
from ..disclosure import Cell
from ..outcomes.cells import Key, is_flow, release_cells
from ..outcomes.windows import window_difference
from .exposures import Exposure, exact_exposures, exposures_in, true_values
from .intervals import Range
from .linking import History
from .release import Publisher, linked

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

    release: date
    what: Key
    range: Range


@dataclass(frozen=True, slots=True)
class AuditReport:
    as_of: date
    protection_interval: int
    releases: tuple[ReleaseSummary, ...]
    windows: int
    """Windows checked to be the differences of the releases at their ends."""
    not_differences: tuple[str, ...]
    """Windows that are not (none, unless the tool is wrong)."""
    narrowest: tuple[Derived, ...]
    exposed: tuple[Exposure, ...]

    @property
    def safe(self) -> bool:
        return not self.exposed and not self.not_differences


def disclosure_audit(ledger: Ledger, as_of: date) -> AuditReport:
    """Every period-end release up to ``as_of`` attacked at once, and every window."""
    publisher = Publisher(ledger)
    policy = publisher.policy
    days = publisher.history(as_of)
    releases = [publisher.released(day) for day in days]
    history = History(policy)
    for release in releases:
        history.add(linked(release))
    found = exposures_in(history)
    exact = {r.tag(): publisher.exact(day).cells for r, day in zip(releases, days, strict=True)}
    truth = true_values(history, exact)
    derived = exact_exposures(history, truth) if days else []
    known = {e.unknown for e in found}
    found += [e for e in derived if e.unknown not in known]
    # By release and cell: the order a search found them in depends on its witnesses.
    found.sort(key=lambda e: (e.release, repr(e.what), repr(e.unknown)))
    ranges = history.system.derive()
    symbol = policy.suppressed_symbol
    hidden = [
        Derived(r.outcomes.as_of, key, ranges[r.tag(), key])
        for r in releases
        for key, cell in r.cells.cells.items()
        if cell == symbol and (r.tag(), key) in ranges
    ]
    hidden.sort(key=lambda d: (d.range.values, d.release, d.what))
    windows = _windows(ledger, days)
    wrong = tuple(w.label for w in windows if not _is_difference(publisher, w))
    return AuditReport(
        as_of=days[-1] if days else as_of,
        protection_interval=policy.protection_interval,
        releases=tuple(_summary(r.outcomes.as_of, r.cells.cells, symbol) for r in releases),
        windows=len(windows),
        not_differences=wrong,
        narrowest=tuple(hidden[:NARROWEST]),
        exposed=tuple(found),
    )


def _summary(day: date, cells: Mapping[Key, Cell], symbol: str) -> ReleaseSummary:
    values = list(cells.values())
    rounded = sum(1 for v in values if isinstance(v, int) and v != 0)
    return ReleaseSummary(day, len(values), values.count(symbol), rounded)


def _windows(ledger: Ledger, days: list[date]) -> list[DateRange]:
    """Every month, quarter and financial year that ends on one of ``days`` within the
    contract."""
    found: list[DateRange] = []
    for day in days:
        if day < ledger.start:
            continue
        month = Month.of(day)
        found.append(parse_month(str(month)))
        if month.period % 3 == 0:
            found.append(parse_quarter(f"{month.fy_label}-Q{month.quarter}"))
        if month.period == 12:
            found.append(parse_fy(month.fy_label))
    return found


def _is_difference(publisher: Publisher, window: DateRange) -> bool:
    """The window's published cells against the releases at its ends."""
    shown = publisher.window(window, window.end).cells.cells
    end = publisher.released(window.end).cells.cells
    before = release_cells(publisher.released(window.start - timedelta(days=1)).outcomes).cells
    symbol = publisher.policy.suppressed_symbol
    for key, cell in shown.items():
        late, early = end.get(key, 0), before.get(key, 0)
        expected = window_difference(late, early, symbol, True) if is_flow(key) else late
        if cell != expected:
            return False
    return True
