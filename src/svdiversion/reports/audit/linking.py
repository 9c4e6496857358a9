"""Releases side by side, as an adversary holding all of them sees them: every cell's
interval, the sums within each release, and the sums between them.

Between releases the reader knows that a cumulative count never falls from one period
end to the next, and the change between them is there to be worked out: it is an
unknown of its own (``("flow", earlier, later, key)``), audited like a cell. A window
(month, quarter, year) is a release of its own, the window's exact counts protected:
each of its flows is the change between the cumulative releases at its ends, and a
reader holds it beside them. A shown rate, worked on exact counts, allows only the
pairs of counts that would show it (:class:`ShownRate`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from math import ceil

from ...core.models import DisclosurePolicy, RagThresholds
from ..disclosure import Cell, Withheld
from ..outcomes.cells import (
    Key,
    ReleaseCells,
    additive_sums,
    is_flow,
    is_growing,
    known_order,
)
from ..outcomes.publishing import whole_percent
from ..rag import Rag, rag_against_target
from .intervals import UNBOUNDED, Inconsistent, System, Unknown

NOT_LINKED = ("children", "quarter")
"""Cells left out of the sums between releases: children who started (each counted once,
a total that is no sum of windows) and the quarters' rows, which are differences of
the published totals at quarter ends and so carry nothing of their own."""


RATE_PAIRS = 10_000
"""A rate narrows its counts only where the reader already holds them to fewer pairs
than this (a shown rate's counts are shown, so about 25); wider, it is left out,
which can only make the attack weaker on that one rate, never wrong."""


@dataclass(frozen=True, slots=True)
class ShownRate:
    """A published rate: achieved of assessed for one measure in one area (``"*"``: all),
    the exact rate to a whole percent, and the RAG of the exact rate when shown."""

    area: str
    measure: str
    rate: Decimal
    rag: Rag | None
    target: Decimal | None
    higher_is_better: bool
    thresholds: RagThresholds

    def fits(self, achieved: int, assessed: int) -> bool:
        """Whether a true pair of counts would have shown this rate and RAG."""
        if assessed <= 0 or achieved > assessed:
            return False
        if whole_percent(achieved, assessed) != self.rate:
            return False
        if self.rag is None or self.target is None:
            return True
        exact = (Decimal(achieved) / Decimal(assessed)).quantize(Decimal("0.0001"))
        rag = rag_against_target(exact, self.target, self.higher_is_better, self.thresholds)
        return rag == self.rag


@dataclass(frozen=True, slots=True)
class Release:
    """One published report: a cumulative one to ``as_of``, or a window ending then."""

    tag: str
    as_of: date
    shown: ReleaseCells
    rates: tuple[ShownRate, ...] = ()


def interval(cell: Cell, policy: DisclosurePolicy) -> tuple[int, int]:
    """What a published cell says of the true count: a zero is exact, the symbol is at
    least 1 (the table rules never hide a zero; the audit may, :class:`Withheld`), a
    rounded count is within half a base of itself."""
    if isinstance(cell, Withheld):
        return 0, UNBOUNDED
    if isinstance(cell, str):
        return 1, UNBOUNDED
    if cell == 0:
        return 0, 0
    base = policy.round_to
    low = max(ceil(cell - base / 2), policy.suppress_below)
    high = ceil(cell + base / 2) - 1
    return low, high


class History:
    """Cumulative releases in date order, as one system an adversary holding all of them
    solves. Add a release with :meth:`add`; try one on a :meth:`copy`."""

    def __init__(self, policy: DisclosurePolicy) -> None:
        self.policy = policy
        self.system = System()
        self.releases: list[Release] = []
        """The cumulative releases, in date order."""
        self.entries: list[Release] = []
        """Every release added, cumulative or window, in the order they were added."""
        self._keys: set[Key] = set()
        """Every key shown so far: a key a release leaves out is a known zero."""
        self._changed: set[Unknown] = set()

    def copy(self) -> History:
        other = History(self.policy)
        other.system = self.system.copy()
        other.releases = list(self.releases)
        other.entries = list(self.entries)
        other._keys = set(self._keys)
        other._changed = set(self._changed)
        return other

    def narrow(self) -> set[Unknown]:
        """Propagate; every unknown narrowed since :meth:`take_changed` was last called."""
        self._changed |= self.system.narrow()
        return self._changed

    def take_changed(self) -> set[Unknown]:
        changed = self.narrow()
        self._changed = set()
        return changed

    def add(self, release: Release) -> None:
        """``release`` after every one added so far (a later period end)."""
        assert not self.releases or self.releases[-1].as_of < release.as_of
        new = {k for k in release.shown.cells if k[0] not in NOT_LINKED} - self._keys
        earlier = self.releases[-1] if self.releases else None
        if earlier is not None:
            for key in new:  # absent from every earlier release: zero there
                self.system.add((earlier.tag, key), 0, 0)
        self._keys |= new
        keys = self._keys | {k for k in release.shown.cells if k[0] != "quarter"}
        for key in keys:
            cell = release.shown.cells.get(key, 0)
            self.system.add((release.tag, key), *interval(cell, self.policy))
        _within(self.system, release, keys)
        if earlier is not None:
            children = {k for r in (earlier, release) for k in r.shown.cells if k[0] == "children"}
            _consecutive(self.system, earlier, release, self._keys | children)
        self.releases.append(release)
        self.entries.append(release)
        self.add_rates(release)

    def add_window(self, window: Release, before: str | None, end: str) -> None:
        """A window's own release: each count an unknown of its own, tied to the cumulative
        releases ``before`` it starts (``None``: before the first release, when nothing
        can have been counted that is not in the releases) and at its ``end``. A flow in
        the window is the difference of the two cumulative counts; a stock (awaiting,
        active) is the count at its end; a count the window leaves out is a known zero.
        A window's ``[c]`` may be a zero (:func:`..outcomes.windows.hide_window_zeros`),
        so it says only that the count is not negative."""
        tag = window.tag
        cells = window.shown.cells
        keys = self._keys | {k for k in cells if k[0] not in NOT_LINKED}
        for key in keys:
            low, high = interval(cells.get(key, 0), self.policy)
            self.system.add((tag, key), 0 if isinstance(cells.get(key), str) else low, high)
            if not is_flow(key):
                self.system.sum_is((tag, key), [(end, key)])
            elif before is not None and self.system.range((before, key)) is not None:
                self.system.difference_is((tag, key), (end, key), (before, key))
            elif before is not None:  # first counted after ``before``: zero there
                self.system.sum_is((tag, key), [(end, key)])
            else:
                self.system.at_most((tag, key), (end, key))
        _within(self.system, window, keys, flows_only=True)
        self.entries.append(window)
        self.add_rates(window)

    def add_rates(self, release: Release) -> None:
        """What each shown rate says of its two counts: the pairs that would show it."""
        if not release.rates:
            return
        self.narrow()
        for rate in release.rates:
            achieved = (release.tag, ("achieved", rate.area, rate.measure))
            assessed = (release.tag, ("assessed", rate.area, rate.measure))
            narrowed = rate_bounds(self.system, rate, achieved, assessed)
            if narrowed is None:
                continue
            (a_lo, a_hi), (s_lo, s_hi) = narrowed
            self.system.add(achieved, a_lo, a_hi)
            self.system.add(assessed, s_lo, s_hi)
        self.narrow()


def rate_bounds(
    system: System, rate: ShownRate, achieved: Unknown, assessed: Unknown
) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """The least and greatest achieved and assessed among the pairs the reader still
    allows that would show ``rate``; ``None`` where the reader allows too many pairs to
    look at (:data:`RATE_PAIRS`) or does not know the counts."""
    got_a, got_s = system.range(achieved), system.range(assessed)
    if got_a is None or got_s is None or got_a.values * got_s.values > RATE_PAIRS:
        return None
    pairs = [
        (a, s)
        for a in range(got_a.lo, got_a.hi + 1)
        for s in range(got_s.lo, got_s.hi + 1)
        if rate.fits(a, s)
    ]
    if not pairs:
        raise Inconsistent([achieved, assessed])
    a_values = [a for a, _ in pairs]
    s_values = [s for _, s in pairs]
    return (min(a_values), max(a_values)), (min(s_values), max(s_values))


def _within(system: System, release: Release, keys: set[Key], flows_only: bool = False) -> None:
    """The sums within one release. In a window (``flows_only``) only the sums of flows
    hold: its stocks stand at its end, so referrals are not its states added up."""
    tag = release.tag
    full = dict.fromkeys(keys, 0)
    for total, parts in additive_sums(full):
        if flows_only and not all(is_flow(k) for k in (total, *parts)):
            continue
        system.sum_is((tag, total), [(tag, p) for p in parts])
    for small, large in known_order(full):
        if small in keys and large in keys:
            system.at_most((tag, small), (tag, large))


def _consecutive(system: System, earlier: Release, later: Release, keys: set[Key]) -> None:
    """A count that only grows; the change between them, as an unknown of its own."""
    for key in keys:
        if not is_growing(key):
            continue
        system.at_most((earlier.tag, key), (later.tag, key))
        if is_flow(key):
            system.difference_is(
                ("flow", earlier.tag, later.tag, key), (later.tag, key), (earlier.tag, key)
            )
