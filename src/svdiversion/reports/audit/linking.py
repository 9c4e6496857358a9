"""Releases side by side, as an adversary holding all of them sees them: every cell's
interval, the sums within each release, and the sums between them.

Between releases the reader knows that a cumulative count never falls from one period
end to the next, and the change between them is there to be worked out: it is an
unknown of its own (``("flow", earlier, later, key)``), audited like a cell. (Windows
are differences of these releases, so they add nothing: see :mod:`..outcomes.windows`.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ...core.models import DisclosurePolicy
from ..disclosure import Cell, cell_interval
from ..outcomes.cells import (
    TOTAL,
    Key,
    ReleaseCells,
    additive_sums,
    is_flow,
    is_growing,
    known_order,
)
from .intervals import System

NOT_LINKED = ("children", "quarter")
"""Cells left out of the sums between releases: children who started (each counted once,
a total that is no sum of windows) and the quarters' rows, which are differences of
the published totals at quarter ends and so carry nothing of their own."""


@dataclass(frozen=True, slots=True)
class Release:
    """One published cumulative report, to ``as_of``."""

    tag: str
    as_of: date
    shown: ReleaseCells


def interval(cell: Cell, policy: DisclosurePolicy) -> tuple[int, int]:
    """What a published cell says of the true count (:func:`..disclosure.cell_interval`)."""
    return cell_interval(cell, policy)


class History:
    """Cumulative releases in date order, as one system an adversary holding all of them
    solves. Add a release with :meth:`add`; try one on a :meth:`copy`."""

    def __init__(self, policy: DisclosurePolicy) -> None:
        self.policy = policy
        self.system = System()
        self.releases: list[Release] = []
        self._keys: set[Key] = set()
        """Every key shown so far: a key a release leaves out is a known zero."""

    def copy(self) -> History:
        other = History(self.policy)
        other.system = self.system.copy()
        other.releases = list(self.releases)
        other._keys = set(self._keys)
        return other

    def add(self, release: Release) -> None:
        """``release`` after every one added so far (a later period end)."""
        if self.releases and self.releases[-1].as_of >= release.as_of:
            raise ValueError(f"releases are added in date order: {release.as_of} came late")
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


def _within(system: System, release: Release, keys: set[Key]) -> None:
    tag = release.tag
    full = dict.fromkeys(keys, 0)
    for total, parts in additive_sums(full):
        system.sum_is((tag, total), [(tag, p) for p in parts])
    for small, large in known_order(full):
        if small in keys and large in keys:
            system.at_most((tag, small), (tag, large))
    _not_achieved(system, tag, keys)


def _not_achieved(system: System, tag: str, keys: set[Key]) -> None:
    """Episodes assessed that did not achieve a measure (assessed less achieved, never
    negative), by area, add up to the total's: a reader subtracts within each area as
    well as across them (an area's achieved 0 beside its assessed [c] puts the total's
    assessed above its achieved)."""
    by_measure: dict[str, list[Key]] = {}
    for key in keys:
        if key[0] != "assessed" or ("achieved", *key[1:]) not in keys:
            continue
        system.difference_is((tag, not_achieved(key)), (tag, key), (tag, ("achieved", *key[1:])))
        if key[1] != TOTAL:
            by_measure.setdefault(key[2], []).append(key)
    for measure, parts in by_measure.items():
        if ("assessed", TOTAL, measure) in keys:
            total = not_achieved(("assessed", TOTAL, measure))
            system.sum_is((tag, total), [(tag, not_achieved(k)) for k in parts])


def not_achieved(assessed: Key) -> Key:
    """The unknown of episodes assessed on a measure in an area that did not achieve it
    (not a published cell: a relation between two)."""
    return ("not_achieved", *assessed[1:])


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
