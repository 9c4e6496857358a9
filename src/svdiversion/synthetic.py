"""A deterministic synthetic workspace of any size, for benchmarks and tests.

``generate(root, transactions=N, episodes=M, seed=S)`` writes a complete workspace
(``config/`` and ``ledger/``) that passes ``svdiversion check``: a portfolio of four
services over three financial years (2023/24 to 2025/26), one funding decision per
service and year, across the West Mercia areas including their change on 19 January 2026.
Rows are spread evenly over the period in date order. The contract is written *after*
the rows, from what they spend, so every budget line, area allocation and tranche profile
covers its spend exactly however many rows there are; the decision totals grow with N.

The same arguments always give byte-identical files. No real data: every reference,
amount and date is made up.
"""

from __future__ import annotations

import os
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .core.money import format_money
from .scaffold import DEFAULT_REFERRAL_SOURCES

FIRST_FY = 2023
YEARS = 3
START = date(FIRST_FY, 4, 1)
END = date(FIRST_FY + YEARS, 3, 31)
AREA_CHANGE = date(2026, 1, 19)
OLD_AREAS = (
    "herefordshire",
    "north_worcestershire",
    "south_worcestershire",
    "shropshire",
    "telford_wrekin",
)
NEW_AREAS = ("shropshire_telford", "herefordshire_worcestershire")
SERVICES = (
    ("diversion", "Knife crime diversion", "Diversion Provider"),
    ("mentoring", "Trusted adult mentoring", "Mentoring Trust"),
    ("exploitation", "Child exploitation diversion", "Exploitation Project"),
    ("family", "Whole-family support", "Family Support Network"),
)
EVALUATOR = "Evaluation partner (synthetic)"
FUNDING_SOURCE = "Prevention Fund (synthetic commissioning reserve)"
# (suffix, kind, name, share of rows)
LINES = (
    ("delivery", "delivery", "Provider delivery", 0.80),
    ("training", "other", "Professional training", 0.10),
    ("evaluation", "evaluation", "Independent evaluation", 0.10),
)
REFERRAL_SOURCES = DEFAULT_REFERRAL_SOURCES
WORKSHOP_KINDS = ("steer_clear_group", "parent_session", "professional_training")
MEASURES = (
    ("risk_reduction", "Risk reduction", "higher", "0.70"),
    ("increased_awareness", "Increased awareness", "higher", "0.80"),
    ("positive_activity", "Diversion into positive activity", "higher", "0.60"),
    ("progress_key_areas", "Progress in key areas of life", "higher", "0.65"),
    ("entered_cjs", "Entered the criminal justice system", "lower", "0.10"),
)
TRANSACTION_HEADER = (
    "id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche"
)
EPISODE_HEADER = (
    "episode_id,cyp_ref,area,referral_date,referral_source,age_at_referral,pathway,status,"
    "start_date,end_date," + ",".join(m[0] for m in MEASURES)
)
WORKSHOP_HEADER = "session_id,date,area,kind,cyp_attendees,parent_attendees,professional_attendees"
CHUNK = 10_000
MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)

Progress = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class Day:
    """What a row needs to know about its date, worked out once per day."""

    iso: str
    fy: int
    period: int
    month: str
    areas: tuple[str, ...]


@dataclass(slots=True)
class Spend:
    """Pence spent per budget line, and per (line, area) for the delivery lines."""

    by_line: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_area: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))


def generate(
    root: Path,
    *,
    transactions: int,
    episodes: int,
    workshops: int | None = None,
    seed: int = 0,
    progress: Progress | None = None,
) -> None:
    """Write a synthetic workspace to ``root`` (created if needed).

    ``workshops`` defaults to one session for every ten episodes. ``progress`` is called
    with the number of rows just written, so a caller can show a bar.
    """
    if min(transactions, episodes, workshops or 0) < 0:
        raise ValueError("row counts cannot be negative")
    sessions = episodes // 10 if workshops is None else workshops
    advance = progress or (lambda rows: None)
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "ledger").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    spend = Spend()
    _write_rows(
        root / "ledger/transactions.csv",
        TRANSACTION_HEADER,
        _transactions(rng, transactions, spend),
        advance,
    )
    _write_rows(root / "ledger/outcomes.csv", EPISODE_HEADER, _episodes(rng, episodes), advance)
    _write_rows(root / "ledger/workshops.csv", WORKSHOP_HEADER, _workshops(rng, sessions), advance)
    _write_text(root / "config/areas.yaml", AREAS_YAML)
    _write_text(root / "config/settings.yaml", _settings(transactions, episodes))
    _write_text(root / "ledger/contract.yaml", _contract(spend))


# ------------------------------------------------------------------------------ rows


def _days(count: int) -> Iterator[Day]:
    """The day of each of ``count`` rows spread evenly over the period, in order."""
    span = (END - START).days + 1
    cache: dict[int, Day] = {}
    for index in range(count):
        offset = index * span // count
        day = cache.get(offset)
        if day is None:
            day = cache[offset] = _day(START + timedelta(days=offset))
        yield day


def _day(when: date) -> Day:
    fy = when.year if when.month >= 4 else when.year - 1
    return Day(
        iso=when.isoformat(),
        fy=fy,
        period=(when.month - 4) % 12 + 1,
        month=f"{MONTH_NAMES[when.month - 1]} {when.year}",
        areas=NEW_AREAS if when >= AREA_CHANGE else OLD_AREAS,
    )


def _fy(fy: int) -> str:
    return f"{fy}-{(fy + 1) % 100:02d}"


def _line_id(service: str, fy: int, suffix: str) -> str:
    return f"{service}-{_fy(fy)}-{suffix}"


def _transactions(rng: random.Random, count: int, spend: Spend) -> Iterator[str]:
    """CSV lines of the transactions, adding what each spends to ``spend``."""
    random_, randint, choice = rng.random, rng.randint, rng.choice
    width = max(5, len(str(count)))
    for index, day in enumerate(_days(count)):
        service, _, provider = choice(SERVICES)
        pick = random_()
        suffix, _, what, _ = LINES[0] if pick < 0.8 else LINES[1] if pick < 0.9 else LINES[2]
        line = _line_id(service, day.fy, suffix)
        area = "" if suffix == "evaluation" else choice(day.areas)
        kind_pick = random_()
        if kind_pick < 0.86:
            kind, pence = "payment", randint(5_000, 500_000)
        elif kind_pick < 0.93:
            kind, pence = "accrual", randint(5_000, 300_000)
        elif kind_pick < 0.97:
            kind, pence = "reversal", -randint(1_000, 50_000)
        else:
            kind, pence = "refund", -randint(1_000, 20_000)
        spend.by_line[line] += pence
        if suffix == "delivery":
            spend.by_area[line, area] += pence
        tranche = f"{line}-P{day.period:02d}" if kind == "payment" and area else ""
        counterparty = EVALUATOR if suffix == "evaluation" else provider
        reference = f"INV-{service[:3].upper()}-{day.iso[:7]}-{index // 20:06d}"
        yield (
            f"TX-{index + 1:0{width}d},{day.iso},{kind},{line},{area},{format_money(pence)},"
            f"{reference},{counterparty},{what} {day.month}"
            f",{tranche}\n"
        )


def _episodes(rng: random.Random, count: int) -> Iterator[str]:
    random_, randint, choice = rng.random, rng.randint, rng.choice
    width = _ref_width(count)
    for index, day in enumerate(_days(count)):
        referred = date.fromisoformat(day.iso)
        pathway = "one_to_one" if random_() < 0.65 else "group"
        start = end = None
        pick = random_()
        if pick < 0.08:
            status = "referred"
        elif pick < 0.18:
            status = "declined"
        else:
            start = referred + timedelta(days=randint(3, 30))
            end = start + timedelta(days=randint(14, 270))
            if start > END:
                status, start, end = "referred", None, None
            elif end > END or random_() < 0.05:
                status, end = "engaged", None
            else:
                status = "completed" if random_() < 0.78 else "disengaged"
        outcomes = (
            ",".join(choice(("Y", "Y", "N", "")) for _ in MEASURES)
            if start is not None
            else "," * (len(MEASURES) - 1)
        )
        yield (
            f"EP-{index + 1:0{width}d},CYP-{index + 1:0{width}d},{choice(day.areas)},{day.iso},"
            f"{choice(REFERRAL_SOURCES)},{randint(10, 17)},{pathway},{status},"
            f"{start or ''},{end or ''},{outcomes}\n"
        )


def _workshops(rng: random.Random, count: int) -> Iterator[str]:
    randint, choice = rng.randint, rng.choice
    width = max(5, len(str(count)))
    for index, day in enumerate(_days(count)):
        kind = choice(WORKSHOP_KINDS)
        children = randint(3, 12) if kind == "steer_clear_group" else 0
        parents = randint(2, 14) if kind != "professional_training" else 0
        professionals = randint(6, 30) if kind == "professional_training" else 0
        yield (
            f"WS-{index + 1:0{width}d},{day.iso},{choice(day.areas)},{kind},"
            f"{children},{parents},{professionals}\n"
        )


def _ref_width(episodes: int) -> int:
    """Digits in a cyp_ref: enough for one child per episode, at least the usual five."""
    return max(5, len(str(episodes)))


# -------------------------------------------------------------------------- contract


def _contract(spend: Spend) -> str:
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
        line = _line_id(service, fy, suffix)
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
    unallocated = _line_id(service, fy, "unallocated")
    lines.append(
        f"      - {{id: {unallocated}, name: Not yet allocated, kind: unallocated, "
        f"amount: {format_money(total - planned)}}}\n"
    )
    ident = f"SYN-{service}-{_fy(fy)}"
    out = [
        f"  - id: {ident}\n",
        f"    reference: SYN/{service}/{_fy(fy)}\n",
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
    delivery = _line_id(service, fy, "delivery")
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


# ----------------------------------------------------------------------------- files


def _settings(transactions: int, episodes: int) -> str:
    return (
        f"service_name: Synthetic portfolio ({transactions} transactions, "
        f"{episodes} episodes)\n"
        f'cyp_ref_pattern: "^CYP-[0-9]{{{_ref_width(episodes)}}}$"\n'
        "age_min: 10\n"
        "age_max: 17\n"
        f"referral_sources: [{', '.join(REFERRAL_SOURCES)}]\n"
        f"workshop_kinds: [{', '.join(WORKSHOP_KINDS)}]\n"
        "protective_marking: OFFICIAL\n"
    )


def _write_rows(path: Path, header: str, rows: Iterator[str], advance: Progress) -> None:
    """Write ``header`` and every line of ``rows``, reporting progress every CHUNK rows."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding="utf-8", newline="") as handle:
        handle.write(header + "\n")
        batch: list[str] = []
        for row in rows:
            batch.append(row)
            if len(batch) == CHUNK:
                handle.writelines(batch)
                advance(len(batch))
                batch.clear()
        handle.writelines(batch)
        advance(len(batch))
    os.replace(temporary, path)


def _write_text(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


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
