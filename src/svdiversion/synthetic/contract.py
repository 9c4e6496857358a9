"""The synthetic contract as YAML, written after the rows from what they spend: one
decision per service and financial year, each budget line with headroom over its spend,
area allocations covering each area's spend, and twelve monthly tranches per line."""

from __future__ import annotations

from datetime import date, timedelta

from ..core.money import format_money
from .portfolio import (
    AREA_CHANGE,
    EVALUATOR,
    FIRST_FY,
    FUNDING_SOURCE,
    LINES,
    MEASURES,
    NEW_AREAS,
    OLD_AREAS,
    SERVICES,
    YEARS,
    Spend,
    fy_text,
    line_id,
)


def contract_yaml(spend: Spend) -> str:
    out = [
        "# A synthetic portfolio written by 'svdiversion generate': one decision per service\n",
        "# and financial year, each line budgeted from what the generated rows spend.\n",
        "decisions:\n",
    ]
    for fy in range(FIRST_FY, FIRST_FY + YEARS):
        for service, service_name, provider in SERVICES:
            out += _decision(spend, service, service_name, provider, fy)
    out.append("outcome_framework:\n  measures:\n")
    for ident, name, better, target in MEASURES:
        out.append(f"    - {{id: {ident}, name: {name}, better: {better}, target: {target}}}\n")
    return "".join(out)


def _decision(spend: Spend, service: str, service_name: str, provider: str, fy: int) -> list[str]:
    lines = []
    budgets: dict[str, int] = {}
    allocations: list[tuple[str, int]] = []
    for suffix, kind, name, _ in LINES:
        line = line_id(service, fy, suffix)
        if suffix == "delivery":
            areas = OLD_AREAS + NEW_AREAS if fy + 1 >= AREA_CHANGE.year else OLD_AREAS
            spent = [max(spend.by_area.get((line, area), 0), 0) for area in areas]
            budget = _with_headroom(sum(spent))
            allocations = _allocate(areas, spent, budget)
        else:
            budget = _with_headroom(max(spend.by_line.get(line, 0), 0))
        budgets[line] = budget
        counterparty = EVALUATOR if suffix == "evaluation" else provider
        lines.append(
            f"      - {{id: {line}, name: {name}, kind: {kind}, amount: {format_money(budget)}, "
            f"counterparty: {counterparty}}}\n"
        )
    planned = sum(budgets.values())
    total = (planned + 1_000_000 + 99_999) // 100_000 * 100_000  # £10,000 spare, in £1,000s
    unallocated = line_id(service, fy, "unallocated")
    lines.append(
        f"      - {{id: {unallocated}, name: Not yet allocated, kind: unallocated, "
        f"amount: {format_money(total - planned)}}}\n"
    )
    ident = f"SYN-{service}-{fy_text(fy)}"
    out = [
        f"  - id: {ident}\n",
        f"    reference: SYN/{service}/{fy_text(fy)}\n",
        f"    title: {service_name} {fy}/{(fy + 1) % 100:02d}\n",
        f"    service: {service_name}\n",
        "    commissioner: Synthetic Police and Crime Commissioner\n",
        f"    provider: {provider}\n",
        f"    funding_source: {FUNDING_SOURCE}\n",
        "    currency: GBP\n",
        f"    total: {format_money(total)}\n",
        f"    start: {date(fy, 4, 1)}\n",
        f"    end: {date(fy + 1, 3, 31)}\n",
        "    lines:\n",
        *lines,
        "    allocations:\n",
    ]
    delivery = line_id(service, fy, "delivery")
    out += [
        f"      - {{line: {delivery}, area: {area}, amount: {format_money(amount)}}}\n"
        for area, amount in allocations
    ]
    out.append("    tranches:\n")
    for line, budget in budgets.items():
        for period, (due, amount) in enumerate(_profile(fy, budget), start=1):
            out.append(
                f"      - {{id: {line}-P{period:02d}, line: {line}, due: {due}, "
                f"amount: {format_money(amount)}}}\n"
            )
    return out


def _with_headroom(spent: int) -> int:
    """A budget above ``spent``: 5% more plus £1,000, in whole pounds."""
    return (spent + spent // 20 + 100_000 + 99) // 100 * 100


def _allocate(areas: tuple[str, ...], spent: list[int], budget: int) -> list[tuple[str, int]]:
    """Each area gets what it spent and an equal share of the rest; the last the rounding."""
    spare = budget - sum(spent)
    share = spare // len(areas)
    amounts = [s + share for s in spent]
    amounts[-1] += budget - sum(amounts)
    return list(zip(areas, amounts, strict=True))


def _profile(fy: int, budget: int) -> list[tuple[date, int]]:
    """Twelve monthly tranches due at each month end, the last taking the remainder."""
    monthly = budget // 12
    result = []
    for period in range(1, 13):
        month = (period + 2) % 12 + 1
        year = fy if month >= 4 else fy + 1
        next_first = date(year + (month == 12), month % 12 + 1, 1)
        amount = monthly if period < 12 else budget - monthly * 11
        result.append((next_first - timedelta(days=1), amount))
    return result


AREAS_YAML = """\
# The West Mercia local policing areas, including the change of 19 January 2026.
region: West Mercia (synthetic workspace)
areas:
  - {id: herefordshire, name: Herefordshire, local_authority: Herefordshire Council,
     valid_from: 2018-04-01, valid_to: 2026-01-18, successor: herefordshire_worcestershire}
  - {id: north_worcestershire, name: North Worcestershire,
     local_authority: Worcestershire County Council,
     valid_from: 2018-04-01, valid_to: 2026-01-18, successor: herefordshire_worcestershire}
  - {id: south_worcestershire, name: South Worcestershire,
     local_authority: Worcestershire County Council,
     valid_from: 2018-04-01, valid_to: 2026-01-18, successor: herefordshire_worcestershire}
  - {id: shropshire, name: Shropshire, local_authority: Shropshire Council,
     valid_from: 2018-04-01, valid_to: 2026-01-18, successor: shropshire_telford}
  - {id: telford_wrekin, name: Telford & Wrekin, local_authority: Telford & Wrekin Council,
     valid_from: 2018-04-01, valid_to: 2026-01-18, successor: shropshire_telford}
  - {id: shropshire_telford, name: Shropshire & Telford,
     local_authority: Shropshire Council; Telford & Wrekin Council, valid_from: 2026-01-19}
  - {id: herefordshire_worcestershire, name: Herefordshire & Worcestershire,
     local_authority: Herefordshire Council; Worcestershire County Council,
     valid_from: 2026-01-19}
"""
