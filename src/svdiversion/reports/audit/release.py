"""Releases as they are published: protected, then attacked, then protected more.

A published report stands at a month end (a *period end*). Its counts about children
are first protected by the table rules (:func:`..outcomes.publish`: ``[c]`` for 1 to 4,
rounding, secondary suppression within each table). Then, before anything is written,
the release is attacked as a reader holding every release would attack it: its cells
and those of every period end before it (as they were published), every sum within
each and the sums between them (see :mod:`.linking`). Where any cell, or the change in
one between two period ends, is *exposed* (:func:`exposures_in`), the smallest count of
the new release that shares a sum with it is hidden too, and the attack runs again,
until nothing is exposed.

A window (month, quarter, year) is worked from the audited cumulative releases at its
ends (:func:`..outcomes.windows.window_report`), so it adds nothing to them; so are the
by-quarter rows of a cumulative release.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from ...core.fiscal import DateRange, parse_quarter
from ...core.ledger import Ledger
from ...core.models import DisclosurePolicy
from ..disclosure import Cell, protect_list
from ..options import ReportOptions, period_end
from ..outcomes import OutcomesReport, QuarterRow, publish
from ..outcomes.cells import TOTAL, Key, ReleaseCells, release_cells, with_cells
from ..outcomes.counting import MonthEnds
from ..outcomes.publishing import with_rates
from ..outcomes.windows import window_difference, window_report
from .intervals import Range, System, Unknown
from .linking import History
from .linking import Release as Linked

QUARTER_COLUMNS = ("referrals", "engaged", "completed", "disengaged")


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
    """What an adversary derives: ``range`` for the count named by ``what``."""

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
    """Releases of one ledger, each period end worked out once, in date order."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.policy: DisclosurePolicy = ledger.settings.disclosure
        self._exact: dict[date, Release] = {}
        self._released: dict[date, Release] = {}
        self._history = History(self.policy)
        self._month_ends = MonthEnds(ledger)
        self._children = _Children(ledger)
        self._settled = period_end(_last_change(ledger))
        """From the month end after this one every release is the same as this one's."""

    def exact(self, day: date) -> Release:
        """The exact figures at a month end (worked out for every month end from one
        count of the episodes by month, :class:`MonthEnds`)."""
        if day not in self._exact:
            children: dict[str, Cell] = dict(self._children.at(day))
            self._exact[day] = Release(self._month_ends.report(day), children)
        return self._exact[day]

    def protected(self, day: date) -> Release:
        """The release by the table rules alone, before its audit."""
        exact = self.exact(day)
        areas = [a for a in exact.children if a != TOTAL]
        cells, total = protect_list([_int(exact.children[a]) for a in areas], self.policy)
        children = {**dict(zip(areas, cells, strict=True)), TOTAL: total}
        return Release(publish(exact.outcomes), children)

    def released(self, as_of: date) -> Release:
        """The cumulative release at the last period end on or before ``as_of`` (every
        one before it is released first, in order: each is attacked with all of them)."""
        day = period_end(as_of)
        if day > self._settled:  # nothing changes after it: that release, at this date
            settled = self.released(self._settled)
            return Release(replace(settled.outcomes, as_of=day), settled.children)
        days = self.history(day)
        if not days:  # before the contract: nothing has happened, nothing to attack
            return self.protected(day)
        for earlier in days:
            if earlier not in self._released:
                self._released[earlier] = self._audited(earlier)
        return self._released[day]

    def window(self, window: DateRange, as_of: date) -> Release:
        """A window's release: the difference of the releases at its ends (its last day,
        or ``as_of`` when that comes first)."""
        before = window.start - timedelta(days=1)
        end = self.released(max(min(as_of, window.end), before))
        report = window_report(end.outcomes, self.released(before).outcomes, window)
        return Release(report, end.children)

    def report(self, options: ReportOptions) -> Release:
        """The release of a report: its window's, or the cumulative one at its date."""
        window = options.window
        return self.window(window, options.as_of) if window else self.released(options.as_of)

    def history(self, as_of: date) -> list[date]:
        """Every period end from the month before the contract's first to ``as_of``, or to
        the last one at which anything in the ledger changes (every later release is the
        same, so an attack, and an as-of date in 2199, need go no further)."""
        days, day = [], period_end(min(as_of, self._settled))
        first = period_end(self.ledger.start - timedelta(days=1))
        while day >= first:
            days.append(day)
            day = day.replace(day=1) - timedelta(days=1)
        return days[::-1]

    def _audited(self, day: date) -> Release:
        """The release at ``day`` attacked beside every release before it, with more
        cells hidden until nothing, in it or before it, is exposed."""
        exact = self.exact(day).cells.cells
        release = self.protected(day)
        while True:
            trial = self._history.copy()
            trial.add(linked(release))
            found = exposures_in(trial, since=len(trial.releases) - 1)
            hide = _to_hide(trial.system, found, exact, release) if found else set()
            if not hide:
                self._history = trial
                return self._with_quarters(release)
            release = _hidden(release, hide, self.policy.suppressed_symbol)

    def _with_quarters(self, release: Release) -> Release:
        """Each quarter's row as the difference of the published totals at its end (or
        this release's date) and just before it starts, as those releases show them."""
        day, symbol = release.outcomes.as_of, self.policy.suppressed_symbol
        rows = []
        for row in release.outcomes.quarters:
            span = parse_quarter(row.label)
            end = release if span.end >= day else self.released(span.end)
            before = self.released(span.start - timedelta(days=1))
            cells: list[Cell] = []
            for column in QUARTER_COLUMNS:
                late, early = _total(end, column), _total(before, column)
                cells.append(window_difference(late, early, symbol, True))
            rows.append(QuarterRow(row.label, *cells))
        outcomes = replace(release.outcomes, quarters=tuple(rows))
        return replace(release, outcomes=with_rates(outcomes))


class _Children:
    """Children who started, by area and in all (a child counts once in each), at any
    month end: each child's first start month, counted once and summed."""

    def __init__(self, ledger: Ledger) -> None:
        table = ledger.episodes
        started: Counter[tuple[int, str]] = Counter()
        for (area, day), count in table.first_counts(
            ["area", "cyp_ref"], "start_date", ["area"]
        ).items():
            started[_month_index(day), area] += count
        for (day,), count in table.first_counts(["cyp_ref"], "start_date").items():
            started[_month_index(day), TOTAL] += count
        self._by_month = sorted(started.items())

    def at(self, month_end: date) -> dict[str, int]:
        last = month_end.year * 12 + month_end.month - 1
        found: dict[str, int] = {TOTAL: 0}
        for (month, area), count in self._by_month:
            if month > last:
                break
            found[area] = found.get(area, 0) + count
        return found


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def exposures(policy: DisclosurePolicy, releases: list[Linked]) -> tuple[System, list[Exposure]]:
    """Every exposed cell of ``releases`` held together, and every exposed change
    between consecutive ones, with the system that shows why."""
    history = History(policy)
    for release in sorted(releases, key=lambda r: r.as_of):
        history.add(release)
    return history.system, exposures_in(history)


def exposures_in(history: History, since: int = 0) -> list[Exposure]:
    """A hidden count is exposed when fewer than ``protection_interval`` values remain for
    it; so is a rounded count (the reader would know it better than rounding says); a
    change between two period ends when it is known to be a small count (1 to 4) to
    fewer than ``protection_interval`` values.

    With ``since``, the releases before that index were free of exposures when the system
    last stood still, so only their counts narrowed since then are looked at again."""
    policy, system = history.policy, history.system
    changed = system.narrow()
    found: list[Exposure] = []
    for index, release in enumerate(history.releases):
        new = index >= since
        for key, cell in release.shown.cells.items():
            unknown = (release.tag, key)
            if cell == 0 or not (new or unknown in changed):
                continue
            got = system.range(unknown)
            if got is not None and got.values < policy.protection_interval:
                found.append(Exposure(release.tag, key, cell, got, unknown))
    flows = changed if since else system.lo.keys()
    for flow in flows:
        if isinstance(flow, tuple) and _is_change(flow):
            got = system.range(flow)
            if got is not None and _small(got, policy):
                found.append(Exposure(flow[2], flow[3], None, got, flow))
    return found


def exact_exposures(history: History, truth: Mapping[Unknown, int] | None = None) -> list[Exposure]:
    """What the integer program derives (:mod:`.program`): every shown count of every
    release and every change between period ends, checked at once. ``truth`` (the
    audit's own attack) holds the true value of every unknown; without it the attack
    starts, as a reader's would, from any solution of what is published."""
    from .program import Attack, Check  # the solver loads only for the exact audit

    history.system.narrow()
    need = history.policy.protection_interval
    checks: list[Check] = []
    shown: dict[Unknown, tuple[str, Key, Cell]] = {}
    for release in history.releases:
        for key, cell in release.shown.cells.items():
            cell_unknown: Unknown = (release.tag, key)
            if (isinstance(cell, int) and cell == 0) or cell_unknown not in history.system.lo:
                continue
            shown[cell_unknown] = (release.tag, key, cell)
            checks.append(Check(cell_unknown, need))
    checks += [Check(u, need, small_only=True) for u in history.system.lo if _is_change(u)]
    attack = Attack(history.system, (), truth, history.policy.suppress_below)
    exposed: list[Exposure] = []
    for unknown, got in attack.exposed(checks).items():
        if unknown in shown:
            tag, key, cell = shown[unknown]
            exposed.append(Exposure(tag, key, cell, got, unknown))
        elif isinstance(unknown, tuple) and len(unknown) == 4:  # ("flow", earlier, later, key)
            exposed.append(Exposure(unknown[2], unknown[3], None, got, unknown))
    return exposed


def true_values(history: History, exact: Mapping[str, ReleaseCells]) -> dict[Unknown, int]:
    """The true value of every unknown of ``history``, from each release's exact cells
    (by tag): a cell's count, a change's difference."""
    found: dict[Unknown, int] = {}
    for unknown in history.system.lo:
        if not isinstance(unknown, tuple):
            continue
        if _is_change(unknown):
            earlier, later, key = unknown[1:]
            found[unknown] = _int(exact[later].cells.get(key, 0)) - _int(
                exact[earlier].cells.get(key, 0)
            )
        elif unknown[1][0] == "not_achieved":  # assessed less achieved
            cells, rest = exact[unknown[0]].cells, unknown[1][1:]
            found[unknown] = _int(cells.get(("assessed", *rest), 0)) - _int(
                cells.get(("achieved", *rest), 0)
            )
        else:
            found[unknown] = _int(exact[unknown[0]].cells.get(unknown[1], 0))
    return found


def linked(release: Release) -> Linked:
    return Linked(release.tag(), release.outcomes.as_of, release.cells)


def _is_change(unknown: Unknown) -> bool:
    return isinstance(unknown, tuple) and unknown[0] == "flow"


def _small(got: Range, policy: DisclosurePolicy) -> bool:
    return got.values < policy.protection_interval and 1 <= got.lo < policy.suppress_below


def _to_hide(
    system: System, exposed: list[Exposure], exact: Mapping[Key, Cell], release: Release
) -> set[Key]:
    """For each exposure, the cell of the new release that loses least when hidden: the
    smallest non-zero count shown among those that share a sum with the exposed one or
    with the same count in the new release; a total only where no other count will do
    (they are the figures a reader needs most)."""
    tag, shown = release.tag(), release.cells.cells
    hide: set[Key] = set()
    for exposure in exposed:
        own = (tag, exposure.what)
        near = system.neighbours(exposure.unknown) | system.neighbours(own) | {own}
        candidates = [
            u[1]
            for u in near
            if isinstance(u, tuple) and len(u) == 2 and u[0] == tag
            and isinstance(shown.get(u[1]), int) and shown.get(u[1]) != 0
        ]  # fmt: skip
        if candidates:
            hide.add(min(candidates, key=lambda k: (k[1] == TOTAL, _int(exact.get(k, 0)), k)))
    return hide


def _total(release: Release, column: str) -> Cell:
    value: Cell = getattr(release.outcomes.totals, column)
    return value


def _hidden(release: Release, keys: set[Key], symbol: str) -> Release:
    outcomes = with_cells(release.outcomes, dict.fromkeys(keys, symbol))
    children = {a: symbol if ("children", a) in keys else v for a, v in release.children.items()}
    return Release(outcomes, children)


def _int(cell: Cell) -> int:
    if not isinstance(cell, int):
        raise TypeError(f"an exact release has counts only, got {cell!r}")
    return cell


def _last_change(ledger: Ledger) -> date:
    """The last day on which any published count can change: the contract's end, or a
    later referral, start, end or workshop."""
    days = [ledger.end]
    episodes = ledger.episodes
    for column in ("referral_date", "start_date", "end_date"):
        days += [d for d in episodes.distinct(column) if d is not None]
    days += [d for d in ledger.workshops.distinct("date") if d is not None]
    return max(days)
