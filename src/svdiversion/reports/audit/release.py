"""Releases as they are published: protected, then attacked, then protected more.

A published report stands at a month end (a *period end*). Its counts about children
are first protected by the usual rules (:func:`..outcomes.publish`: ``[c]`` for 1 to 4,
rounding, secondary suppression within each table). Then the release is attacked as
an adversary would, before anything is written: its cells, the two period ends before
it (as they would be published by those rules, which show at least as much as they
really did), every sum within each, and the sums between them (see :mod:`.linking`).
Where a cell of the new release, or the change in one since the last period end, is
*exposed* (:func:`exposures`), the smallest count that shares a sum with it is hidden
too, and the attack runs again, until nothing is exposed.

A window (month, quarter, year) is worked from the two audited cumulative releases at
its ends (:func:`..outcomes.windows.window_report`), so it adds nothing to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ...core.fiscal import DateRange
from ...core.ledger import Ledger
from ...core.models import DisclosurePolicy
from ..areas import areas_report
from ..disclosure import Cell, protect_list
from ..options import ReportOptions, period_end
from ..outcomes import OutcomesReport, publish
from ..outcomes.cells import TOTAL, Key, ReleaseCells, release_cells, with_cells
from ..outcomes.counting import cumulative
from ..outcomes.publishing import with_rates
from ..outcomes.windows import window_report
from .intervals import Range, System, Unknown
from .linking import Release as Linked
from .linking import linked_system

LOOK_BACK = 2
"""Period ends before a new release that its audit holds beside it."""


@dataclass(frozen=True, slots=True)
class Release:
    """The outcomes report and the children who started by area (``"*"``: in all), as
    one release shows them."""

    outcomes: OutcomesReport
    children: dict[str, Cell]

    @property
    def cells(self) -> ReleaseCells:
        return release_cells(self.outcomes, self.children)

    def tag(self) -> str:
        return f"as of {self.outcomes.as_of}"


@dataclass(frozen=True, slots=True)
class Exposure:
    """What an adversary derives: ``range`` for the unknown named by ``what``."""

    release: str
    what: Key
    shown: Cell | None
    range: Range
    unknown: Unknown
    """The cell as the attack names it, or ``("flow", earlier, later, key)`` for a
    change between two releases."""

    @property
    def derived(self) -> bool:
        return self.shown is None


class Publisher:
    """Releases of one ledger, each period end worked out once."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.policy: DisclosurePolicy = ledger.settings.disclosure
        self._exact: dict[date, Release] = {}
        self._released: dict[date, Release] = {}

    def exact(self, day: date) -> Release:
        if day not in self._exact:
            report = areas_report(self.ledger, ReportOptions(day))
            children: dict[str, Cell] = {a.id: a.engaged for a in report.areas if a.id}
            children[TOTAL] = report.total.engaged
            self._exact[day] = Release(cumulative(self.ledger, day), children)
        return self._exact[day]

    def protected(self, day: date) -> Release:
        """The release by the table rules alone, before its audit."""
        exact = self.exact(day)
        areas = [a for a in exact.children if a != TOTAL]
        cells, total = protect_list([_int(exact.children[a]) for a in areas], self.policy)
        return Release(
            publish(exact.outcomes), {**dict(zip(areas, cells, strict=True)), TOTAL: total}
        )

    def released(self, as_of: date) -> Release:
        """The cumulative release at the last period end on or before ``as_of``."""
        day = period_end(as_of)
        if day not in self._released:
            self._released[day] = self._audited(day)
        return self._released[day]

    def window(self, window: DateRange, as_of: date) -> Release:
        """A window's release: the difference of the releases at its ends."""
        before = window.start - timedelta(days=1)
        end = self.released(max(as_of, before))
        report = window_report(end.outcomes, self.released(before).outcomes, window)
        return Release(report, end.children)

    def report(self, options: ReportOptions) -> Release:
        """The release of a report: its window's, or the cumulative one at its date."""
        window = options.window
        return self.window(window, options.as_of) if window else self.released(options.as_of)

    def history(self, as_of: date) -> list[date]:
        """Every period end from the month before the contract's first to ``as_of``."""
        days, day = [], period_end(as_of)
        first = self.ledger.start - timedelta(days=1)
        while day >= period_end(first):
            days.append(day)
            day = day.replace(day=1) - timedelta(days=1)
        return days[::-1]

    def _audited(self, day: date) -> Release:
        earlier = [d for d in self.history(day) if d < day][-LOOK_BACK:]
        others = [_linked(self.protected(d)) for d in earlier]
        exact = self.exact(day).cells.cells
        release = self.protected(day)
        while True:
            found = exposures(self.policy, [*others, _linked(release)], release.tag())
            hide = _to_hide(found, exact, release)
            if not hide:
                return replace(release, outcomes=with_rates(release.outcomes))
            release = _hidden(release, hide, self.policy.suppressed_symbol)


def exposures(
    policy: DisclosurePolicy, releases: list[Linked], tag: str | None = None
) -> tuple[System, list[Exposure]]:
    """Every exposed cell of the release tagged ``tag`` (of every release when ``None``),
    and every exposed change between consecutive ones, with the system that shows why.

    A hidden count is exposed when fewer than ``protection_interval`` values remain for
    it; so is a rounded count (the reader would know it better than rounding says); a
    change between two period ends when it is known to be a small count (1 to 4) to
    fewer than ``protection_interval`` values."""
    system = linked_system(releases, policy)
    ranges = system.derive()
    found: list[Exposure] = []
    for release in releases:
        if tag is not None and release.tag != tag:
            continue
        for key, cell in release.shown.cells.items():
            got = ranges[release.tag, key]
            if cell != 0 and got.values < policy.protection_interval:
                found.append(Exposure(release.tag, key, cell, got, (release.tag, key)))
    for unknown, got in ranges.items():
        if _is_change(unknown, tag) and _small(got, policy):
            assert isinstance(unknown, tuple)
            found.append(Exposure(unknown[2], unknown[3], None, got, unknown))
    return system, found


def _is_change(unknown: Unknown, tag: str | None) -> bool:
    return (
        isinstance(unknown, tuple) and unknown[0] == "flow" and (tag is None or unknown[2] == tag)
    )


def _small(got: Range, policy: DisclosurePolicy) -> bool:
    return got.values < policy.protection_interval and 1 <= got.lo < policy.suppress_below


def _to_hide(
    found: tuple[System, list[Exposure]], exact: Mapping[Key, Cell], release: Release
) -> set[Key]:
    """For each exposure, the cell of the release that loses least when hidden: the
    smallest non-zero count shown among those that share a sum with it."""
    system, exposed = found
    tag, shown = release.tag(), release.cells.cells
    hide: set[Key] = set()
    for exposure in exposed:
        unknown = exposure.unknown
        candidates = [
            u[1]
            for u in system.neighbours(unknown) | {unknown}
            if isinstance(u, tuple) and len(u) == 2 and u[0] == tag
        ]
        open_ = [k for k in candidates if isinstance(shown.get(k), int) and shown.get(k) != 0]
        if open_:
            hide.add(min(open_, key=lambda k: (k[1] == TOTAL, _int(exact.get(k, 0)), k)))
    return hide


def _hidden(release: Release, keys: set[Key], symbol: str) -> Release:
    outcomes = with_cells(release.outcomes, dict.fromkeys(keys, symbol))
    children = {a: symbol if ("children", a) in keys else v for a, v in release.children.items()}
    return Release(outcomes, children)


def _linked(release: Release) -> Linked:
    return Linked(release.tag(), release.outcomes.as_of, None, release.cells)


def _int(cell: Cell) -> int:
    assert isinstance(cell, int), "an exact release has counts only"
    return cell
