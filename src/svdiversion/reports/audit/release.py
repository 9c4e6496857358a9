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
from .exposures import exposures_in, int_cell, to_hide
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
        cells, total = protect_list([int_cell(exact.children[a]) for a in areas], self.policy)
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
            shown = release.cells.cells
            hide = to_hide(trial.system, found, exact, release.tag(), shown) if found else set()
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


def linked(release: Release) -> Linked:
    return Linked(release.tag(), release.outcomes.as_of, release.cells)


def _total(release: Release, column: str) -> Cell:
    value: Cell = getattr(release.outcomes.totals, column)
    return value


def _hidden(release: Release, keys: set[Key], symbol: str) -> Release:
    outcomes = with_cells(release.outcomes, dict.fromkeys(keys, symbol))
    children = {a: symbol if ("children", a) in keys else v for a, v in release.children.items()}
    return Release(outcomes, children)


def _last_change(ledger: Ledger) -> date:
    """The last day on which any published count can change: the contract's end, or a
    later referral, start, end or workshop."""
    days = [ledger.end]
    episodes = ledger.episodes
    for column in ("referral_date", "start_date", "end_date"):
        days += [d for d in episodes.distinct(column) if d is not None]
    days += [d for d in ledger.workshops.distinct("date") if d is not None]
    return max(days)
