"""The rows of the synthetic ledger as CSV lines: transactions, referral episodes and
workshops, spread evenly over the period in date order and drawn from one seeded random
generator, so the same seed always gives the same lines."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from ..core.money import format_money
from .portfolio import (
    AREA_CHANGE,
    END,
    EVALUATOR,
    LINES,
    MEASURES,
    MONTH_NAMES,
    NEW_AREAS,
    OLD_AREAS,
    REFERRAL_SOURCES,
    SERVICES,
    START,
    WORKSHOP_KINDS,
    Spend,
    line_id,
    ref_width,
)


@dataclass(frozen=True, slots=True)
class Day:
    """What a row needs to know about its date, worked out once per day."""

    iso: str
    fy: int
    period: int
    month: str
    areas: tuple[str, ...]


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


def transaction_lines(rng: random.Random, count: int, spend: Spend) -> Iterator[str]:
    """CSV lines of the transactions, adding what each spends to ``spend``."""
    random_, randint, choice = rng.random, rng.randint, rng.choice
    width = max(5, len(str(count)))
    for index, day in enumerate(_days(count)):
        service, _, provider = choice(SERVICES)
        pick = random_()
        suffix, _, what, _ = LINES[0] if pick < 0.8 else LINES[1] if pick < 0.9 else LINES[2]
        line = line_id(service, day.fy, suffix)
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


def episode_lines(rng: random.Random, count: int, equality: bool = False) -> Iterator[str]:
    random_, randint, choice = rng.random, rng.randint, rng.choice
    width = ref_width(count)
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
        extra = "," + equality_values(rng, status, referred, start, end) if equality else ""
        yield (
            f"EP-{index + 1:0{width}d},CYP-{index + 1:0{width}d},{choice(day.areas)},{day.iso},"
            f"{choice(REFERRAL_SOURCES)},{randint(10, 17)},{pathway},{status},"
            f"{start or ''},{end or ''},{outcomes}{extra}\n"
        )


def equality_values(
    rng: random.Random, status: str, referred: date, start: date | None, end: date | None
) -> str:
    """The optional equality and follow-up columns of one episode (illustrative
    proportions; an empty value is not recorded): the assessment on or after the end, a
    12-month follow-up from the end (or, declined, from the referral)."""
    random_, randint, choice = rng.random, rng.randint, rng.choice
    sex = "male" if random_() < 0.6 else choice(("female", "female", "female", "not_known", ""))
    ethnicity = "white" if random_() < 0.82 else choice(("asian", "black", "mixed", "other", ""))
    closure = {"completed": "plan_completed", "disengaged": "disengaged", "declined": "declined"}
    sessions = str(randint(1, 24)) if start is not None else ""
    assessed = (end + timedelta(days=randint(0, 14))).isoformat() if end else ""
    since = referred if status == "declined" else end
    follow_up = (since + timedelta(days=365)).isoformat() if since else ""
    return ",".join(
        (
            sex,
            ethnicity,
            "Y" if random_() < 0.12 else "N",
            "Y" if random_() < 0.25 else "N",
            choice(("in_education", "in_education", "neet", "training", "")),
            choice(("weapon_carrying", "violence", "exploitation_risk", "antisocial_behaviour")),
            closure.get(status, ""),
            sessions,
            assessed,
            follow_up,
        )
    )


def workshop_lines(rng: random.Random, count: int) -> Iterator[str]:
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
