"""Per-area allocation, spend and reach, and whether provision is equitable.

Like is compared with like: an area's row sets the spend tied to it against its
allocation. The money not allocated to areas (the evaluation, the unallocated line, the
part of any line left out of the allocations) is a row per budget line, that line's
spend not tied to an area against that budget, so the total is the whole budget against
all the spend. With ``apportion`` those budgets and their spend are shared out across the
areas in proportion to their allocations instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..core.ledger import Ledger
from ..core.models import area_in_force
from ..core.money import Pence, divide_pence, ratio, to_pence
from ..core.money import apportion as apportion_pence
from .disclosure import Cell
from .options import ReportOptions
from .outcomes.cells import TOTAL


@dataclass(frozen=True, slots=True)
class AreaRow:
    """One area. ``id`` is ``None`` on a row of a budget line not tied to an area
    (``budget_line`` names it) and on the total."""

    id: str | None
    name: str
    allocated: Pence
    actual: Pence
    apportioned: Pence
    remaining: Pence
    utilisation: Decimal | None
    referrals: Cell
    engaged: Cell
    cost_per_engaged: Pence | None
    budget_share: Decimal | None
    referral_share: Decimal | None
    population_10_17: int | None
    population_share: Decimal | None
    budget_line: str | None = None
    apportioned_allocation: Pence = 0
    """With ``apportion``: the share of the budgets not tied to an area in ``allocated``."""


@dataclass(frozen=True, slots=True)
class AreasReport:
    as_of: date
    currency: str
    apportioned: bool
    successors: bool
    areas: tuple[AreaRow, ...]
    total: AreaRow


def areas_report(
    ledger: Ledger, options: ReportOptions, *, apportion: bool = False, successors: bool = False
) -> AreasReport:
    """``successors``: report old areas under the areas that replaced them (valid on the
    as-of date), so a report that crosses a restructure adds up in today's geography."""
    as_of = options.as_of
    ledger = ledger.known_on(as_of)
    rename = _successor_map(ledger, as_of) if successors else {}
    tallies = _tallies(ledger, as_of, rename)
    order = [
        a
        for a in _area_order(ledger, rename)
        if tallies.allocated.get(a) or tallies.actual.get(a) or tallies.referrals.get(a)
    ]
    others = _other_lines(ledger, tallies)
    weights = {a: tallies.allocated.get(a, 0) for a in order}
    apportion = apportion and sum(weights.values()) > 0
    shares = apportion_pence(sum(o.actual for o in others), weights) if apportion else {}
    budget_shares = apportion_pence(sum(o.allocated for o in others), weights) if apportion else {}
    populations = [ledger.areas[a].population_10_17 for a in order]
    totals = _Totals(
        allocated=sum(tallies.allocated.get(a, 0) for a in order),
        referrals=sum(tallies.referrals.get(a, 0) for a in order),
        population_10_17=(
            sum(p for p in populations if p is not None)
            if all(p is not None for p in populations)
            else None
        ),
    )
    rows = [
        _area_row(ledger, a, tallies, (shares.get(a, 0), budget_shares.get(a, 0)), totals)
        for a in order
    ]
    if not apportion:
        rows += others
    total = _total_row(tallies, sum(a.allocated for a in rows), sum(shares.values()), totals)
    return AreasReport(as_of, ledger.currency, apportion, successors, tuple(rows), total)


@dataclass(frozen=True, slots=True)
class _Tallies:
    """What the rows are worked out from, by area (renamed to its successor when asked);
    the key ``None`` holds what is not tied to an area."""

    allocated: dict[str | None, Pence]
    actual: dict[str | None, Pence]
    allocated_by_line: dict[str, Pence]
    """Line -> what is allocated to areas of it."""
    unassigned_by_line: dict[str, Pence]
    """Line -> its spend not tied to an area."""
    referrals: dict[str | None, int]
    engaged: dict[str | None, int]
    """Children (distinct ``cyp_ref``) who started, by area."""
    engaged_total: int
    """Children who started anywhere: a child who moved counts once."""


@dataclass(frozen=True, slots=True)
class _Totals:
    """The areas' totals that shares are taken of."""

    allocated: Pence
    referrals: int
    population_10_17: int | None
    """``None`` unless every area's population is known."""


def _tallies(ledger: Ledger, as_of: date, rename: dict[str, str]) -> _Tallies:
    def key(area_id: str | None) -> str | None:
        return rename.get(area_id, area_id) if area_id is not None else None

    def by_as_of(day: date | None) -> bool:
        return day is not None and day <= as_of

    allocated: dict[str | None, Pence] = defaultdict(int)
    allocated_by_line: dict[str, Pence] = defaultdict(int)
    for _, allocation in ledger.allocations():
        allocated[key(allocation.area)] += to_pence(allocation.amount)
        allocated_by_line[allocation.line] += to_pence(allocation.amount)
    area = ("area", key)
    # Totals by area and line (each area renamed once, not once per row).
    actual: dict[str | None, Pence] = defaultdict(int)
    unassigned_by_line: dict[str, Pence] = defaultdict(int)
    for (a, line), pence in ledger.transactions.sums(
        [area, "budget_line"], "pence", ("date", by_as_of)
    ).items():
        actual[a] += pence
        if a is None:
            unassigned_by_line[line] += pence
    episodes = ledger.episodes
    referrals: dict[str | None, int] = {
        a: count for (a,), count in episodes.counts([area], ("referral_date", by_as_of)).items()
    }
    started = ("start_date", by_as_of)
    engaged: dict[str | None, int] = defaultdict(int)
    for a, _ in episodes.counts([area, "cyp_ref"], started):
        engaged[a] += 1
    return _Tallies(
        allocated,
        dict(actual),
        allocated_by_line,
        unassigned_by_line,
        referrals,
        engaged,
        episodes.count_distinct("cyp_ref", started),
    )


def _area_row(
    ledger: Ledger,
    area_id: str,
    tallies: _Tallies,
    apportioned: tuple[Pence, Pence],
    totals: _Totals,
) -> AreaRow:
    """``apportioned``: the area's shares of the spend and of the budgets not tied to an
    area (zero unless apportioned)."""
    own = tallies.allocated.get(area_id, 0)
    allocated = own + apportioned[1]
    spent = tallies.actual.get(area_id, 0) + apportioned[0]
    referrals = tallies.referrals.get(area_id, 0)
    engaged = tallies.engaged.get(area_id, 0)
    population = ledger.areas[area_id].population_10_17
    return AreaRow(
        id=area_id,
        name=ledger.area_name(area_id),
        allocated=allocated,
        actual=spent,
        apportioned=apportioned[0],
        remaining=allocated - spent,
        utilisation=ratio(spent, allocated),
        referrals=referrals,
        engaged=engaged,
        cost_per_engaged=divide_pence(spent, engaged),
        budget_share=ratio(own, totals.allocated),
        referral_share=ratio(referrals, totals.referrals),
        population_10_17=population,
        population_share=(
            ratio(population, totals.population_10_17)
            if population is not None and totals.population_10_17
            else None
        ),
        apportioned_allocation=apportioned[1],
    )


def _other_lines(ledger: Ledger, tallies: _Tallies) -> list[AreaRow]:
    """A row per budget line with money not allocated to areas or spend not tied to one:
    that spend against that money. Spend not tied to an area on a line the ledger does
    not know (a problem ``check`` reports) is one row against no budget."""
    rows = []
    unassigned = dict(tallies.unassigned_by_line)
    for line in ledger.line_budgets():
        budget = line.budget - tallies.allocated_by_line.get(line.id, 0)
        spent = unassigned.pop(line.id, 0)
        if budget or spent:
            rows.append(_unassigned_row(line.name, budget, spent, line.id))
    rest = sum(unassigned.values())
    if rest:
        rows.append(_unassigned_row(ledger.area_name(None), 0, rest, None))
    return rows


def _unassigned_row(name: str, budget: Pence, spent: Pence, line: str | None) -> AreaRow:
    """Money not tied to an area, on a row of its own: its budget, no reach or shares."""
    return AreaRow(
        id=None,
        name=name,
        allocated=budget,
        actual=spent,
        apportioned=0,
        remaining=budget - spent,
        utilisation=ratio(spent, budget),
        referrals=0,
        engaged=0,
        cost_per_engaged=None,
        budget_share=None,
        referral_share=None,
        population_10_17=None,
        population_share=None,
        budget_line=line,
    )


def _total_row(tallies: _Tallies, allocated: Pence, apportioned: Pence, totals: _Totals) -> AreaRow:
    """Every row's money: the areas' allocations and the budgets not tied to an area
    against all the spend. Shares are of the areas' own allocations and referrals."""
    actual = sum(tallies.actual.values())
    engaged = tallies.engaged_total
    return AreaRow(
        id=None,
        name="Total",
        allocated=allocated,
        actual=actual,
        apportioned=apportioned,
        remaining=allocated - actual,
        utilisation=ratio(actual, allocated),
        referrals=totals.referrals,
        engaged=engaged,
        cost_per_engaged=divide_pence(actual, engaged),
        budget_share=ratio(totals.allocated, totals.allocated),
        referral_share=ratio(totals.referrals, totals.referrals),
        population_10_17=totals.population_10_17,
        population_share=Decimal(1) if totals.population_10_17 else None,
    )


def _area_order(ledger: Ledger, rename: dict[str, str]) -> list[str]:
    """Areas in the order of config/areas.yaml, each once, after renaming."""
    seen: dict[str, None] = {}
    for area_id in ledger.areas:
        seen.setdefault(rename.get(area_id, area_id), None)
    return list(seen)


def _successor_map(ledger: Ledger, as_of: date) -> dict[str, str]:
    """Each area that is no longer valid on ``as_of`` -> the area that succeeds it then."""
    found = {area: area_in_force(ledger.areas, area, as_of) for area in ledger.areas}
    return {area: now for area, now in found.items() if now != area}


def publish_areas(
    report: AreasReport,
    referrals: Mapping[str, Cell],
    engaged: Mapping[str, Cell],
    rename: Mapping[str, str],
    symbol: str,
) -> AreasReport:
    """The counts of children as the published release at the report's date shows them
    (``"*"``: the total), so the areas report shows the same figures as every other. An
    area reported under its successor shows the sum of its areas' published counts (or
    the symbol, where one is hidden). Cost per engaged child and the referral share are
    worked out on the published counts, so they cannot reveal the exact ones."""

    def summed(cells: Mapping[str, Cell], area: str | None) -> Cell:
        if area is None:
            return 0
        parts = [v for k, v in cells.items() if k != TOTAL and rename.get(k, k) == area]
        if any(isinstance(v, str) for v in parts):
            return symbol
        return sum(v for v in parts if isinstance(v, int))

    total_referrals = referrals.get(TOTAL, 0)

    def shown(area: AreaRow, referral: Cell, engaged_here: Cell) -> AreaRow:
        return replace(
            area,
            referrals=referral,
            engaged=engaged_here,
            cost_per_engaged=(
                divide_pence(area.actual, engaged_here) if isinstance(engaged_here, int) else None
            ),
            referral_share=(
                ratio(referral, total_referrals)
                if isinstance(referral, int)
                and isinstance(total_referrals, int)
                and area.referral_share is not None  # none on a line not tied to an area
                else None
            ),
        )

    rows = tuple(shown(a, summed(referrals, a.id), summed(engaged, a.id)) for a in report.areas)
    total = shown(report.total, total_referrals, engaged.get(TOTAL, 0))
    return replace(report, areas=rows, total=total)


def successor_map(ledger: Ledger, as_of: date) -> dict[str, str]:
    """Each area that is no longer valid on ``as_of`` -> the area that succeeds it then."""
    return _successor_map(ledger, as_of)
