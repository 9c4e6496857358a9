"""Releases side by side, as an adversary holding all of them sees them: every cell's
interval, the sums within each release, and the sums between them.

Between releases the reader knows that a cumulative count never falls from one period
end to the next, that a window's count by referral or event date is the cumulative
count at its end less the one at its start, and that a window's children awaiting or
active stand as they do at its end. Where two consecutive period ends are published
without the window between them, the difference is still there to be worked out: it
is an unknown of its own (``("flow", earlier, later, key)``), audited like a cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from math import ceil

from ...core.models import DisclosurePolicy
from ..disclosure import Cell
from ..outcomes.cells import (
    Key,
    ReleaseCells,
    additive_sums,
    cumulative_totals,
    is_flow,
    is_growing,
    known_order,
)
from .intervals import UNBOUNDED, System


@dataclass(frozen=True, slots=True)
class Release:
    """One published report: cumulative to ``as_of`` when ``start`` is ``None``, else the
    window from ``start`` to ``as_of``."""

    tag: str
    as_of: date
    start: date | None
    shown: ReleaseCells


def interval(cell: Cell, policy: DisclosurePolicy) -> tuple[int, int]:
    """What a published cell says of the true count: a zero is exact, the symbol is at
    least 1 (a zero is never hidden), a rounded count is within half a base of itself."""
    if isinstance(cell, str):
        return 1, UNBOUNDED
    if cell == 0:
        return 0, 0
    base = policy.round_to
    low = max(ceil(cell - base / 2), policy.suppress_below)
    high = ceil(cell + base / 2) - 1
    return low, high


def linked_system(releases: Sequence[Release], policy: DisclosurePolicy) -> System:
    """Every release's cells as unknowns, tied by every sum a reader knows."""
    system = System()
    kinds = {k for r in releases for k in r.shown.cells if k[0] != "children"}
    for release in releases:
        keys = kinds | set(release.shown.cells)
        for key in keys:
            cell = release.shown.cells.get(key, 0)
            system.add((release.tag, key), *interval(cell, policy))
        _within(system, release, keys)
    cumulative = sorted((r for r in releases if r.start is None), key=lambda r: r.as_of)
    for earlier, later in pairwise(cumulative):
        _consecutive(system, earlier, later, kinds)
    for window in (r for r in releases if r.start is not None):
        _window(system, window, cumulative, kinds)
    return system


def _within(system: System, release: Release, keys: set[Key]) -> None:
    tag = release.tag
    full = dict.fromkeys(keys, 0)
    for total, parts in additive_sums(full):
        system.sum_is((tag, total), [(tag, p) for p in parts])
    if release.start is None:
        for total, parts in cumulative_totals(full):
            system.sum_is((tag, total), [(tag, p) for p in parts])
    for small, large in known_order(full):
        if small in keys and large in keys:
            system.at_most((tag, small), (tag, large))


def _consecutive(system: System, earlier: Release, later: Release, kinds: set[Key]) -> None:
    """A count that only grows; the flow between them, as an unknown of its own."""
    for key in kinds:
        if not is_growing(key):
            continue
        system.at_most((earlier.tag, key), (later.tag, key))
        if is_flow(key):
            system.difference_is(
                ("flow", earlier.tag, later.tag, key), (later.tag, key), (earlier.tag, key)
            )


def _window(
    system: System, window: Release, cumulative: Sequence[Release], kinds: set[Key]
) -> None:
    """A window against the cumulative releases at its end and just before its start
    (nothing at all before the first one)."""
    assert window.start is not None
    end = next((r for r in cumulative if r.as_of == window.as_of), None)
    if end is None:
        return
    before = window.start - timedelta(days=1)
    start = next((r for r in cumulative if r.as_of == before), None)
    for key in kinds:
        if key[0] == "children":
            continue
        later, part = (end.tag, key), (window.tag, key)
        earlier = (start.tag, key) if start else ("nothing", key)
        if start is None:
            system.add(earlier, 0, 0)
        if is_flow(key):
            system.difference_is(part, later, earlier)
        else:
            system.sum_is(part, [later])
