"""k-anonymity by global generalisation in a fixed order, then withholding.

Every combination of the quasi-identifiers (the episode fields an outsider might know
about a child: by default area, age, referral period and referral source) must be shared
by at least ``k`` episodes of the extract. The extract is generalised, the whole of it
at once, one step at a time in this order:

1. referral period: month to financial quarter;
2. financial quarter to financial year;
3. age: years to the configured bands (default 10-11, 12-14, 15-17);
4. age bands to the whole eligible range (10-17): age left out;
5. financial year to the whole period: period left out.

A step applies only when its field is a quasi-identifier. The first level at which the
episodes in combinations held by fewer than ``k`` are at most ``max_withheld`` of all
is used (with none, the level withholding fewest); those episodes are withheld, and the
README counts them. The start and end periods of an episode are always generalised like
its referral period, so none can be worked back from another with the day counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ..core.fiscal import Month

PERIOD_STEPS = ("month", "quarter", "year", "all")
AGE_STEPS = ("exact", "band", "all")
ALL = "all"


class AgeBandsIncomplete(ValueError):
    """An episode's age falls in none of the configured bands."""


@dataclass(frozen=True, slots=True)
class Level:
    """How far periods and ages are generalised."""

    period: str  # "month", "quarter", "year" or "all"
    age: str  # "exact", "band" or "all"

    def describe(self, bands: Sequence[str]) -> str:
        period = {
            "month": "periods by month",
            "quarter": "periods by financial quarter",
            "year": "periods by financial year",
            "all": "periods withheld",
        }[self.period]
        age = {
            "exact": "age in years",
            "band": f"age in bands {', '.join(bands)}",
            "all": "age withheld",
        }[self.age]
        return f"{period}; {age}"


@dataclass(frozen=True, slots=True)
class Quasi:
    """The quasi-identifying fields of one episode, before generalisation."""

    area: str
    age: int
    referral_month: Month
    referral_source: str
    pathway: str


@dataclass(frozen=True, slots=True)
class Attempt:
    level: Level
    withheld: int


@dataclass(frozen=True, slots=True)
class Anonymised:
    """The level chosen, every level tried (in order) and the episodes withheld."""

    level: Level
    attempts: tuple[Attempt, ...]
    withheld: frozenset[int]  # positions in the records given


def levels(quasi_identifiers: Sequence[str]) -> list[Level]:
    """The levels in the documented order, for these quasi-identifiers."""
    steps = [("period", "quarter"), ("period", "year"), ("age", "band"), ("age", "all")]
    steps.append(("period", "all"))
    current = Level("month", "exact")
    found = [current]
    wanted = {"period": "referral_period" in quasi_identifiers, "age": "age" in quasi_identifiers}
    for field, value in steps:
        if not wanted[field]:
            continue
        current = Level(value, current.age) if field == "period" else Level(current.period, value)
        found.append(current)
    return found


def parse_bands(bands: Sequence[str]) -> list[tuple[int, int]]:
    return [(int(low), int(high)) for low, high in (band.split("-") for band in bands)]


def period_label(month: Month, level: str) -> str:
    """``2024-09``, ``2024/25 Q2``, ``2024/25`` or ``all``."""
    if level == "month":
        return str(month)
    if level == "quarter":
        return month.fy_quarter
    if level == "year":
        return month.fy_label
    return ALL


def age_label(age: int, level: str, bands: Sequence[str], whole: str) -> int | str:
    """The age, its band (``12-14``) or the whole range (``10-17``)."""
    if level == "exact":
        return age
    if level == "all":
        return whole
    for band, (low, high) in zip(bands, parse_bands(bands), strict=True):
        if low <= age <= high:
            return band
    raise AgeBandsIncomplete(f"age {age} is in none of the age bands {', '.join(bands)}")


def classes(
    records: Sequence[Quasi],
    quasi_identifiers: Sequence[str],
    level: Level,
    bands: Sequence[str],
    whole: str,
) -> list[tuple[object, ...]]:
    """Each record's combination of quasi-identifiers at ``level`` (each distinct month and
    age generalised once)."""
    periods = {m: period_label(m, level.period) for m in {r.referral_month for r in records}}
    ages = {a: age_label(a, level.age, bands, whole) for a in {r.age for r in records}}
    columns: dict[str, list[object]] = {
        "area": [r.area for r in records],
        "age": [ages[r.age] for r in records],
        "referral_period": [periods[r.referral_month] for r in records],
        "referral_source": [r.referral_source for r in records],
        "pathway": [r.pathway for r in records],
    }
    chosen = [columns[name] for name in quasi_identifiers]
    return list(zip(*chosen, strict=True)) if chosen else [() for _ in records]


def anonymise(
    records: Sequence[Quasi],
    quasi_identifiers: Sequence[str],
    k: int,
    bands: Sequence[str],
    whole: str,
    max_withheld: Decimal,
) -> Anonymised:
    """Generalise step by step until few enough episodes need withholding."""
    attempts: list[Attempt] = []
    chosen: tuple[Level, frozenset[int]] | None = None
    fewest: tuple[Level, frozenset[int]] | None = None
    for level in levels(quasi_identifiers):
        keys = classes(records, quasi_identifiers, level, bands, whole)
        sizes = Counter(keys)
        withheld = frozenset(i for i, key in enumerate(keys) if sizes[key] < k)
        attempts.append(Attempt(level, len(withheld)))
        if fewest is None or len(withheld) < len(fewest[1]):
            fewest = (level, withheld)
        if chosen is None and len(withheld) <= max_withheld * len(records):
            chosen = (level, withheld)
    assert fewest is not None, "there is always the first level"
    level, withheld = chosen or fewest
    return Anonymised(level, tuple(attempts), withheld)
