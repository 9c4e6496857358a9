"""Per-area allocation, spend and reach, and whether provision is equitable.

Costs not tied to an area (the evaluation, say) are a row of their own, or, with
``apportion``, shared out across areas in proportion to their allocations.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from ..core.ledger import Ledger
from ..core.models import DisclosurePolicy
from ..core.money import Pence, divide_pence, ratio, to_pence
from .disclosure import Cell, protect_list
from .options import ReportOptions


@dataclass(frozen=True, slots=True)
class AreaRow:
    """One area. ``id`` is ``None`` for the row of costs not tied to an area."""

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

    def key(area_id: str | None) -> str | None:
        return rename.get(area_id, area_id) if area_id is not None else None

    allocated: dict[str | None, Pence] = defaultdict(int)
    for _, allocation in ledger.allocations():
        allocated[key(allocation.area)] += to_pence(allocation.amount)

    def by_as_of(day: date | None) -> bool:
        return day is not None and day <= as_of

    area = ("area", key)
    # Totals by area (each area renamed once, not once per row).
    actual: dict[str | None, Pence] = {
        a: pence
        for (a,), pence in ledger.transactions.sums([area], "pence", ("date", by_as_of)).items()
    }
    episodes = ledger.episodes
    referrals: dict[str | None, int] = {
        a: count for (a,), count in episodes.counts([area], ("referral_date", by_as_of)).items()
    }
    started = ("start_date", by_as_of)
    engaged_children: dict[str | None, int] = defaultdict(int)
    for a, _ in episodes.counts([area, "cyp_ref"], started):
        engaged_children[a] += 1

    order = [
        a
        for a in _area_order(ledger, rename)
        if allocated.get(a) or actual.get(a) or referrals.get(a)
    ]
    unassigned = actual.get(None, 0)
    shares = _apportion(unassigned, {a: allocated.get(a, 0) for a in order}) if apportion else {}
    total_allocated = sum(allocated.get(a, 0) for a in order)
    total_referrals = sum(referrals.get(a, 0) for a in order)
    populations = {a: ledger.areas[a].population_10_17 for a in order}
    population_total = (
        sum(p for p in populations.values() if p is not None)
        if all(p is not None for p in populations.values())
        else None
    )

    rows = []
    for area_id in order:
        spent = actual.get(area_id, 0) + shares.get(area_id, 0)
        engaged = engaged_children.get(area_id, 0)
        population = populations[area_id]
        rows.append(
            AreaRow(
                id=area_id,
                name=ledger.area_name(area_id),
                allocated=allocated.get(area_id, 0),
                actual=spent,
                apportioned=shares.get(area_id, 0),
                remaining=allocated.get(area_id, 0) - spent,
                utilisation=ratio(spent, allocated.get(area_id, 0)),
                referrals=referrals.get(area_id, 0),
                engaged=engaged,
                cost_per_engaged=divide_pence(spent, engaged),
                budget_share=ratio(allocated.get(area_id, 0), total_allocated),
                referral_share=ratio(referrals.get(area_id, 0), total_referrals),
                population_10_17=population,
                population_share=(
                    ratio(population, population_total)
                    if population is not None and population_total
                    else None
                ),
            )
        )
    if unassigned and not apportion:
        rows.append(
            AreaRow(
                None,
                ledger.area_name(None),
                0,
                unassigned,
                0,
                -unassigned,
                None,
                0,
                0,
                None,
                None,
                None,
                None,
                None,
            )
        )
    all_engaged = episodes.count_distinct("cyp_ref", started)
    total_actual = sum(actual.values())
    total = AreaRow(
        id=None,
        name="Total",
        allocated=total_allocated,
        actual=total_actual,
        apportioned=sum(shares.values()),
        remaining=total_allocated - total_actual,
        utilisation=ratio(total_actual, total_allocated),
        referrals=total_referrals,
        engaged=all_engaged,
        cost_per_engaged=divide_pence(total_actual, all_engaged),
        budget_share=ratio(total_allocated, total_allocated),
        referral_share=ratio(total_referrals, total_referrals),
        population_10_17=population_total,
        population_share=Decimal(1) if population_total else None,
    )
    return AreasReport(as_of, ledger.currency, apportion, successors, tuple(rows), total)


def _area_order(ledger: Ledger, rename: dict[str, str]) -> list[str]:
    """Areas in the order of config/areas.yaml, each once, after renaming."""
    seen: dict[str, None] = {}
    for area_id in ledger.areas:
        seen.setdefault(rename.get(area_id, area_id), None)
    return list(seen)


def _successor_map(ledger: Ledger, as_of: date) -> dict[str, str]:
    """Each area that is no longer valid on ``as_of`` -> the area that succeeds it then."""
    result = {}
    for area in ledger.areas.values():
        current, hops = area, 0
        while not current.valid_on(as_of) and current.successor in ledger.areas and hops < 20:
            current = ledger.areas[current.successor]
            hops += 1
        if current.id != area.id:
            result[area.id] = current.id
    return result


def _apportion(amount: Pence, weights: dict[str, Pence]) -> dict[str, Pence]:
    """Split ``amount`` by ``weights`` exactly to the penny (largest remainder)."""
    total = sum(weights.values())
    if total == 0 or amount == 0:
        return {}
    if amount < 0:
        return {k: -v for k, v in _apportion(-amount, weights).items()}
    shares = {k: amount * w // total for k, w in weights.items()}
    leftover = amount - sum(shares.values())
    by_remainder = sorted(weights, key=lambda k: (-(amount * weights[k] % total), k))
    for k in by_remainder[:leftover]:
        shares[k] += 1
    return shares


def publish_areas(report: AreasReport, policy: DisclosurePolicy) -> AreasReport:
    """Counts of children made safe to publish. Cost per engaged child and the referral
    share are worked out on the published counts, so they cannot reveal the exact ones."""
    referrals, referrals_total = protect_list([_int(a.referrals) for a in report.areas], policy)
    engaged, engaged_total = protect_list([_int(a.engaged) for a in report.areas], policy)

    def shown(area: AreaRow, referral: Cell, engaged_here: Cell) -> AreaRow:
        return replace(
            area,
            referrals=referral,
            engaged=engaged_here,
            cost_per_engaged=(
                divide_pence(area.actual, engaged_here) if isinstance(engaged_here, int) else None
            ),
            referral_share=(
                ratio(referral, referrals_total)
                if isinstance(referral, int) and isinstance(referrals_total, int)
                else None
            ),
        )

    rows = tuple(shown(a, r, e) for a, r, e in zip(report.areas, referrals, engaged, strict=True))
    return replace(report, areas=rows, total=shown(report.total, referrals_total, engaged_total))


def _int(cell: Cell) -> int:
    assert isinstance(cell, int), "publish_areas() takes an exact report"
    return cell
