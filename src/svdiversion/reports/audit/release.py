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

A window (month, quarter to date, year) is a release of its own: its exact counts
protected the same way, then attacked beside every release before it and the
cumulative releases at its ends (:meth:`.linking.History.add_window`). The by-quarter
rows of every release show the totals of the published quarter windows.
"""

# size: the publisher's chain (cumulative releases and windows), the protection loop and
# the rate withholding share the Release and Exposure types; splitting the loop into a
# module of its own is the next step.

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from ...core.fiscal import DateRange, Month, parse_fy, parse_quarter
from ...core.ledger import Ledger
from ...core.models import Better, DisclosurePolicy
from ..disclosure import Cell, Withheld, protect_list
from ..options import ReportOptions, period_end
from ..outcomes import OutcomesReport, QuarterRow, publish
from ..outcomes.cells import TOTAL, Key, ReleaseCells, release_cells, with_cells
from ..outcomes.counting import MonthEnds
from ..outcomes.publishing import RateKey, with_exact_rates
from ..outcomes.windows import window_report
from .intervals import Range, System, Unknown
from .linking import History, ShownRate, rate_bounds
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
        if self.outcomes.window is not None:
            return f"window {self.outcomes.window} ending {self.outcomes.as_of}"
        return _tag_at(self.outcomes.as_of)


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
    """Releases of one ledger, each worked out once, in date order: at every period end
    the cumulative release, then the windows that end there (the month, the quarter to
    date, the financial year at its end), each attacked beside everything before it."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.policy: DisclosurePolicy = ledger.settings.disclosure
        self._exact: dict[date, Release] = {}
        self._released: dict[date, Release] = {}
        self._windows: dict[tuple[date, date], Release] = {}
        self._history = History(self.policy)
        self._month_ends = MonthEnds(ledger)
        self._children = _Children(ledger)

    def exact(self, day: date) -> Release:
        """The exact figures at a month end (worked out for every month end from one
        count of the episodes by month, :class:`MonthEnds`)."""
        if day not in self._exact:
            children: dict[str, Cell] = dict(self._children.at(day))
            self._exact[day] = Release(self._month_ends.report(day), children)
        return self._exact[day]

    def exact_window(self, span: DateRange) -> Release:
        """A window's exact figures: the exact cumulative counts at its ends differenced."""
        end = self.exact(span.end)
        before = self.exact(span.start - timedelta(days=1))
        return Release(window_report(end.outcomes, before.outcomes, span), end.children)

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
        if not self.history(day):  # before the contract: nothing has happened
            return self.protected(day)
        self._release_through(day)
        return self._released[day]

    def window(self, window: DateRange, as_of: date) -> Release:
        """A window's own release: its exact counts protected and audited, ending at its
        last day or the period end of ``as_of`` when that is earlier."""
        before = window.start - timedelta(days=1)
        end = max(min(period_end(as_of), window.end), before)
        span = window if end == window.end else DateRange(window.start, end, window.label)
        if end == before:  # nothing of it has come
            empty = window_report(self.exact(end).outcomes, self.exact(end).outcomes, span)
            return Release(empty, self.released(end).children)
        self._release_through(end)
        if (span.start, end) not in self._windows:  # not one of the regular windows
            self._windows[span.start, end] = self._audited_window(span, self._history.copy())
        return self._windows[span.start, end]

    def report(self, options: ReportOptions) -> Release:
        """The release of a report: its window's, or the cumulative one at its date."""
        window = options.window
        return self.window(window, options.as_of) if window else self.released(options.as_of)

    def history(self, as_of: date) -> list[date]:
        """Every period end from the month before the contract's first to ``as_of``."""
        days, day = [], period_end(as_of)
        first = period_end(self.ledger.start - timedelta(days=1))
        while day >= first:
            days.append(day)
            day = day.replace(day=1) - timedelta(days=1)
        return days[::-1]

    def regular_windows(self, day: date) -> list[DateRange]:
        """The windows released at a period end of the contract: its month, its quarter
        to date (the quarter at a quarter end) and, at a year end, the financial year."""
        if day < self.ledger.start:
            return []
        month = Month.of(day)
        found = [DateRange(month.first_day, day, str(month))]
        quarter = parse_quarter(month.fy_quarter)
        if quarter.start != month.first_day:
            label = quarter.label if quarter.end == day else f"{quarter.label} to {day}"
            found.append(DateRange(quarter.start, day, label))
        if month.period == 12:
            found.append(parse_fy(month.fy_label))
        return found

    def windows_through(self, day: date) -> list[WindowEntry]:
        """Every regular window released to ``day``, as the attack reads it."""
        self.released(day)
        found: list[WindowEntry] = []
        for end in self.history(day):
            for span in self.regular_windows(end):
                before = span.start - timedelta(days=1)
                before_tag = _tag_at(before) if self.history(before) else None
                window = linked(self._windows[span.start, span.end])
                found.append((window, before_tag, _tag_at(end)))
        return found

    def audit(self) -> History:
        """Every release made so far, held together as the attack holds them."""
        return self._history

    def _release_through(self, day: date) -> None:
        for earlier in self.history(day):
            if earlier in self._released:
                continue
            self._released[earlier] = self._audited(earlier)  # its quarters come next
            for span in self.regular_windows(earlier):
                self._windows[span.start, span.end] = self._audited_window(span, self._history)
            self._released[earlier] = self._with_quarters(self._released[earlier])

    def _audited(self, day: date) -> Release:
        """The release at ``day`` attacked beside every release before it, with more
        cells hidden until nothing, in it or before it, is exposed."""
        exact = self.exact(day)
        release = self.protected(day)

        def add(history: History, candidate: Release) -> None:
            history.add(linked(candidate))

        release, self._history = _protect(self._history, exact, release, add)
        return release

    def _audited_window(self, span: DateRange, history: History) -> Release:
        """A window's own release, attacked beside every release before it and the
        cumulative releases at its ends; added to ``history`` when it is the live one."""
        exact = self.exact_window(span)
        release = Release(publish(exact.outcomes), self.released(span.end).children)
        before = span.start - timedelta(days=1)
        before_tag = _tag_at(before) if self.history(before) else None

        def add(trial: History, candidate: Release) -> None:
            trial.add_window(linked(candidate), before_tag, _tag_at(span.end))

        release, audited = _protect(history, exact, release, add)
        if history is self._history:
            self._history = audited
        return self._with_quarters(release, span)

    def _with_quarters(self, release: Release, own: DateRange | None = None) -> Release:
        """Each quarter's row as the totals of the published window of that quarter
        within the release (``own``: the window the release is, if it is one), so a count
        reads the same in every report."""
        report = release.outcomes
        rows = []
        for row in report.quarters:
            quarter = parse_quarter(row.label)
            start = max(quarter.start, own.start) if own else quarter.start
            end = min(quarter.end, report.as_of)
            if own is not None and (start, end) == (own.start, own.end):
                source = release
            else:
                source = self.window(DateRange(start, end, quarter.label), end)
            rows.append(QuarterRow(row.label, *(_total(source, c) for c in QUARTER_COLUMNS)))
        return replace(release, outcomes=replace(report, quarters=tuple(rows)))


Add = Callable[[History, "Release"], None]


def _protect(
    history: History, exact: Release, release: Release, add: Add
) -> tuple[Release, History]:
    """``release`` with more counts hidden until, held beside ``history``, nothing is
    exposed (its rates left out); then each rate shown only where it narrows no count
    too far. Returns the release and the history with it added (``history`` itself is
    left as it was)."""
    truth = exact.cells.cells
    every = _every_rate(release.outcomes)
    while True:
        trial = history.copy()
        add(trial, _with_rates(release, exact, every))
        found = exposures_in(trial, since=len(trial.entries) - 1)
        hide = _to_hide(trial.system, found, truth, release) if found else set()
        if not hide:
            break
        release = _hidden(release, hide, release.outcomes.policy.suppressed_symbol)
    withheld = _rates_to_withhold(history, exact, release, add)
    release = _with_rates(release, exact, withheld)
    trial = history.copy()
    add(trial, release)
    if exposures_in(trial, since=len(trial.entries) - 1):  # the rates together: none
        release = _with_rates(release, exact, every)
        trial = history.copy()
        add(trial, release)
        exposures_in(trial, since=len(trial.entries) - 1)
    return release, trial


def _every_rate(report: OutcomesReport) -> frozenset[RateKey]:
    rows = [("*", report.measures), *((a.id, a.measures) for a in report.areas)]
    return frozenset((area, m.id) for area, measures in rows for m in measures)


def _rates_to_withhold(
    history: History, exact: Release, release: Release, add: Add
) -> frozenset[RateKey]:
    """The rates that would narrow a count below the protection interval (a count the
    reader knew as well already, a shown 0 say, is not the rate's doing): first each on
    its own, against the release's counts; then all the others together, and where
    those expose anything, one at a time."""
    policy = release.outcomes.policy
    rates = shown_rates(_with_rates(release, exact, frozenset()).outcomes)
    withheld: set[RateKey] = set()
    if not rates:
        return frozenset()
    base = history.copy()
    add(base, _with_rates(release, exact, _every_rate(release.outcomes)))
    base.take_changed()
    tag = release.tag()
    for rate in rates:
        achieved = (tag, ("achieved", rate.area, rate.measure))
        assessed = (tag, ("assessed", rate.area, rate.measure))
        bounds = rate_bounds(base.system, rate, achieved, assessed)
        if bounds is None:
            continue
        for unknown, (lo, hi) in zip((achieved, assessed), bounds, strict=True):
            known = base.system.range(unknown)
            narrowed = known is not None and (lo, hi) != (known.lo, known.hi)
            if narrowed and hi - lo + 1 < policy.protection_interval and hi > 0:
                withheld.add((rate.area, rate.measure))
    kept = [r for r in rates if (r.area, r.measure) not in withheld]

    def exposes(chosen: list[ShownRate]) -> bool:
        trial = base.copy()
        trial.add_rates(Linked(tag, release.outcomes.as_of, ReleaseCells({}), tuple(chosen)))
        return bool(exposures_in(trial, since=len(trial.entries)))

    if kept and exposes(kept):
        shown: list[ShownRate] = []
        for rate in kept:
            if exposes([*shown, rate]):
                withheld.add((rate.area, rate.measure))
            else:
                shown.append(rate)
    return frozenset(withheld)


def _with_rates(release: Release, exact: Release, withheld: frozenset[RateKey]) -> Release:
    outcomes = with_exact_rates(release.outcomes, exact.outcomes, withheld)
    return replace(release, outcomes=outcomes)


def _tag_at(day: date) -> str:
    return f"as of {day}"


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


WindowEntry = tuple[Linked, str | None, str]
"""A window's release, the tag of the cumulative release before it starts (``None``
when there is none) and of the one at its end."""


def exposures(
    policy: DisclosurePolicy, releases: list[Linked], windows: Sequence[WindowEntry] = ()
) -> tuple[System, list[Exposure]]:
    """Every exposed cell of ``releases`` and ``windows`` held together, and every
    exposed change between consecutive releases, with the system that shows why."""
    history = History(policy)
    for release in sorted(releases, key=lambda r: r.as_of):
        history.add(release)
    for window, before, end in windows:
        history.add_window(window, before, end)
    return history.system, exposures_in(history)


def exposures_in(history: History, since: int = 0) -> list[Exposure]:
    """A hidden count is exposed when fewer than ``protection_interval`` values remain for
    it (unless the one value left is 0: a zero is shown as 0 anyway); so is a rounded
    count (the reader would know it better than rounding says); a change between two
    period ends when it is known to be a small count (1 to 4) to
    fewer than ``protection_interval`` values.

    With ``since``, the releases before that index were free of exposures when the system
    last stood still, so only their counts narrowed since then are looked at again."""
    policy, system = history.policy, history.system
    changed = history.take_changed()
    found: list[Exposure] = []
    for index, release in enumerate(history.entries):
        new = index >= since
        for key, cell in release.shown.cells.items():
            unknown = (release.tag, key)
            if cell == 0 or not (new or unknown in changed):
                continue
            got = system.range(unknown)
            if got is not None and got.values < policy.protection_interval and got.hi > 0:
                found.append(Exposure(release.tag, key, cell, got, unknown))
    flows = changed if since else system.lo.keys()
    for flow in flows:
        if isinstance(flow, tuple) and _is_change(flow):
            got = system.range(flow)
            if got is not None and _small(got, policy):
                found.append(Exposure(flow[2], flow[3], None, got, flow))
    return found


def linked(release: Release) -> Linked:
    rates = shown_rates(release.outcomes)
    return Linked(release.tag(), release.outcomes.as_of, release.cells, rates)


def shown_rates(report: OutcomesReport) -> tuple[ShownRate, ...]:
    """Every rate the report shows, as the attack reads it."""
    rows = [("*", report.measures), *((a.id, a.measures) for a in report.areas)]
    return tuple(
        ShownRate(
            area,
            m.id,
            m.rate,
            m.rag,
            m.target,
            m.better == Better.HIGHER.value,
            report.rag,
        )
        for area, measures in rows
        for m in measures
        if isinstance(m.rate, Decimal)
    )


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
    (they are the figures a reader needs most); a zero where nothing else is near (a
    window's 0 that ties two releases)."""
    tag, shown = release.tag(), release.cells.cells

    def counts_in(unknowns: set[Unknown]) -> list[Key]:
        keys = [u[1] for u in unknowns if isinstance(u, tuple) and len(u) == 2 and u[0] == tag]
        return [k for k in keys if isinstance(shown.get(k), int)]

    def least(keys: list[Key]) -> Key:
        return min(keys, key=lambda k: (k[1] == TOTAL, _int(exact.get(k, 0)), k))

    hide: set[Key] = set()
    for exposure in exposed:
        own = (tag, exposure.what)
        near = system.neighbours(exposure.unknown) | system.neighbours(own) | {own}
        counts = [k for k in counts_in(near) if shown.get(k) != 0]
        if counts:
            hide.add(least(counts))
            continue
        found = _nearest_counts(system, {exposure.unknown, own}, counts_in)
        if found:
            hide.add(least(found))
    return hide


def _nearest_counts(
    system: System, start: set[Unknown], counts_in: Callable[[set[Unknown]], list[Key]]
) -> list[Key]:
    """The counts of the new release (zeros included) fewest sums away from ``start``:
    where the exposure comes through a chain of sums (a window's zeros tying one release
    to the next), the nearest link of the chain is hidden."""
    seen, frontier = set(start), set(start)
    for _ in range(MAX_CHAIN):
        found = counts_in(frontier)
        if found:
            return found
        frontier = {v for u in frontier for v in system.neighbours(u)} - seen
        seen |= frontier
        if not frontier:
            break
    return []


MAX_CHAIN = 8
"""How many sums away from an exposed count the audit looks for a count to hide."""


def _total(release: Release, column: str) -> Cell:
    value: Cell = getattr(release.outcomes.totals, column)
    return value


def _hidden(release: Release, keys: set[Key], symbol: str) -> Release:
    withheld = Withheld(symbol)
    outcomes = with_cells(release.outcomes, dict.fromkeys(keys, withheld))
    children = {a: withheld if ("children", a) in keys else v for a, v in release.children.items()}
    return Release(outcomes, children)


def _int(cell: Cell) -> int:
    assert isinstance(cell, int), "an exact release has counts only"
    return cell
