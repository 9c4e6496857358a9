"""k-anonymity and l-diversity by choosing, among every way of generalising the
quasi-identifiers, the one that loses least information.

Every combination of the quasi-identifiers (the episode fields an outsider might know
about a child: by default area, age, referral period and referral source) must be
shared by at least ``k`` episodes of the extract (an *equivalence class*), and no class
may tell a reader something about all its members (l-diversity): its members may not
all share a status, nor all have entered the criminal justice system.

Each quasi-identifier has a ladder of generalisations:

* referral period: month, financial quarter, financial half-year, financial year, all;
* age: years, the configured bands (default 10-11, 12-14, 15-17), all;
* referral source: every source; the most common sources kept and the rarer ones
  recoded as ``other`` (one rung per source given up, rarest first); all.

Area, pathway and the optional quasi-identifiers of the ledger (sex, ethnicity, care
experienced, SEND) are kept as they are. A *level* is one rung of every ladder. The
information a level loses is the sum, over its quasi-identifiers, of how far up the
ladder each is (0 at the bottom, 1 at the top), with the referral period counted twice:
without time there is no cohort, trend or follow-up to evaluate. Every level is tried;
the episodes in classes under ``k`` or not l-diverse at it would be withheld. The level
used is the one losing least information among those that withhold at most
``max_withheld`` of the episodes (fewest withheld breaking a tie); when none does, the
one withholding fewest, and :attr:`Anonymised.within_limit` is false.

The start and end periods of an episode are always generalised like its referral
period, so none can be worked back from another with the day counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from itertools import product

from ..core.fiscal import Month

PERIOD_STEPS = ("month", "quarter", "half", "year", "all")
AGE_STEPS = ("exact", "band", "all")
ALL = "all"
OTHER = "other"
PERIOD_WEIGHT = 2
"""How many times the referral period counts in the information lost."""


class AgeBandsIncomplete(ValueError):
    """An episode's age falls in none of the configured bands."""


@dataclass(frozen=True, slots=True)
class Level:
    """How far periods, ages and referral sources are generalised: ``sources`` is how many
    of the most common referral sources are kept (the rest are ``other``; none kept is
    ``all``), ``None`` for every one."""

    period: str  # "month", "quarter", "half", "year" or "all"
    age: str  # "exact", "band" or "all"
    sources: int | None = None

    def describe(self, bands: Sequence[str], ranking: Sequence[str] = ()) -> str:
        period = {
            "month": "periods by month",
            "quarter": "periods by financial quarter",
            "half": "periods by financial half-year",
            "year": "periods by financial year",
            "all": "periods withheld",
        }[self.period]
        age = {
            "exact": "age in years",
            "band": f"age in bands {', '.join(bands)}",
            "all": "age withheld",
        }[self.age]
        return f"{period}; {age}{self.describe_sources(ranking)}"

    def describe_sources(self, ranking: Sequence[str]) -> str:
        if self.sources is None or self.sources >= len(ranking):
            return ""
        if self.sources == 0:
            return "; referral source withheld"
        kept = ", ".join(ranking[: self.sources])
        return f"; referral sources other than {kept} as other"

    def source_label(self, source: str, ranking: Sequence[str]) -> str:
        if self.sources is None or self.sources >= len(ranking):
            return source
        if self.sources == 0:
            return ALL
        return source if source in ranking[: self.sources] else OTHER


@dataclass(frozen=True, slots=True)
class Quasi:
    """The quasi-identifying fields of one episode, before generalisation, and the
    sensitive ones l-diversity protects: its status on the as-of date and whether it
    entered the criminal justice system."""

    area: str
    age: int
    referral_month: Month
    referral_source: str
    pathway: str
    status: str
    entered_cjs: bool = False
    more: tuple[tuple[str, object], ...] = ()
    """Optional quasi-identifiers (sex, ethnicity, ...) by name, kept as they are."""


@dataclass(frozen=True, slots=True)
class Attempt:
    """One level tried: the information it loses, the episodes in classes under k, and
    those in classes of k or more that are not l-diverse (both would be withheld)."""

    level: Level
    loss: Fraction
    under_k: int
    not_diverse: int

    @property
    def withheld(self) -> int:
        return self.under_k + self.not_diverse


@dataclass(frozen=True, slots=True)
class Anonymised:
    """The level chosen, every level tried (by information lost) and the episodes
    withheld."""

    level: Level
    attempts: tuple[Attempt, ...]
    withheld: frozenset[int]  # positions in the records given
    ranking: tuple[str, ...] = ()
    """The referral sources, most common first (the order they are given up in reverse)."""
    within_limit: bool = True
    smallest: int = 0
    """The size of the smallest class kept (0 when every episode is withheld)."""
    chosen: Attempt | None = field(default=None)


def source_ranking(records: Sequence[Quasi]) -> tuple[str, ...]:
    """The referral sources, most common first (by name among equals)."""
    counts = Counter(r.referral_source for r in records)
    return tuple(sorted(counts, key=lambda s: (-counts[s], s)))


def levels(quasi_identifiers: Sequence[str], sources: int = 0) -> list[Level]:
    """Every level for these quasi-identifiers (``sources`` referral sources), finest
    first along each ladder."""
    periods = PERIOD_STEPS if "referral_period" in quasi_identifiers else PERIOD_STEPS[:1]
    ages = AGE_STEPS if "age" in quasi_identifiers else AGE_STEPS[:1]
    kept: Sequence[int | None] = [None]
    if "referral_source" in quasi_identifiers and sources > 1:
        kept = [None, *range(sources - 2, -1, -1)]  # keeping n-1 of n is keeping n
    return [Level(p, a, s) for p, a, s in product(periods, ages, kept)]


def information_lost(level: Level, quasi_identifiers: Sequence[str], sources: int) -> Fraction:
    """How far up its ladder each quasi-identifier is (0 to 1), the period counted
    :data:`PERIOD_WEIGHT` times."""
    lost = Fraction(0)
    if "referral_period" in quasi_identifiers:
        lost += PERIOD_WEIGHT * Fraction(PERIOD_STEPS.index(level.period), len(PERIOD_STEPS) - 1)
    if "age" in quasi_identifiers:
        lost += Fraction(AGE_STEPS.index(level.age), len(AGE_STEPS) - 1)
    if "referral_source" in quasi_identifiers and level.sources is not None and sources:
        lost += Fraction(sources - level.sources, sources)
    return lost


def parse_bands(bands: Sequence[str]) -> list[tuple[int, int]]:
    return [(int(low), int(high)) for low, high in (band.split("-") for band in bands)]


def period_label(month: Month, level: str) -> str:
    """``2024-09``, ``2024/25 Q2``, ``2024/25 H1``, ``2024/25`` or ``all``."""
    if level == "month":
        return str(month)
    if level == "quarter":
        return month.fy_quarter
    if level == "half":
        return f"{month.fy_label} H{1 if month.quarter <= 2 else 2}"
    if level == "year":
        return month.fy_label
    return ALL


def age_label(age: int, level: str, bands: Sequence[str], whole: str) -> int | str:
    """The age, its band (``12-14``) or the whole range (``10-17``)."""
    if level == "exact":
        return age
    if level == "all":
        return whole
    return age_band(age, bands)


def age_band(age: int, bands: Sequence[str]) -> str:
    for band, (low, high) in zip(bands, parse_bands(bands), strict=True):
        if low <= age <= high:
            return band
    raise AgeBandsIncomplete(f"age {age} is in none of the age bands {', '.join(bands)}")


@dataclass(slots=True)
class _Class:
    size: int = 0
    statuses: set[str] = field(default_factory=set)
    entered_cjs: int = 0

    def add(self, size: int, statuses: set[str], entered_cjs: int) -> None:
        self.size += size
        self.statuses |= statuses
        self.entered_cjs += entered_cjs

    def fails(self, k: int) -> bool:
        return self.size < k or not self.diverse

    @property
    def diverse(self) -> bool:
        return len(self.statuses) > 1 and self.entered_cjs < self.size


Key = tuple[object, ...]


class _Generaliser:
    """The records grouped once by their exact quasi-identifiers; for each field and rung,
    the label of every group worked out once; so trying a level is zipping columns of
    labels and counting, not generalising each record again."""

    def __init__(
        self,
        records: Sequence[Quasi],
        quasi_identifiers: Sequence[str],
        bands: Sequence[str],
        whole: str,
    ) -> None:
        self.quasi_identifiers = list(quasi_identifiers)
        self.bands, self.whole = bands, whole
        self.ranking = source_ranking(records)
        groups: dict[Quasi, int] = {}
        self.of_record: list[int] = []
        self.groups: list[_Class] = []
        self.exact: list[Quasi] = []
        for record in records:
            key = Quasi(
                record.area, record.age, record.referral_month, record.referral_source,
                record.pathway, "", False, record.more,
            )  # fmt: skip
            index = groups.get(key)
            if index is None:
                index = groups[key] = len(self.exact)
                self.exact.append(key)
                self.groups.append(_Class())
            self.groups[index].add(1, {record.status}, int(record.entered_cjs))
            self.of_record.append(index)
        self._columns: dict[tuple[str, object], list[object]] = {}

    def keys(self, level: Level) -> list[Key]:
        """Each group's class at ``level``."""
        rungs = {
            "referral_period": level.period,
            "age": level.age,
            "referral_source": level.sources,
        }
        columns = [self._column(name, rungs.get(name)) for name in self.quasi_identifiers]
        return list(zip(*columns, strict=True)) if columns else [() for _ in self.exact]

    def _column(self, name: str, rung: object) -> list[object]:
        found = self._columns.get((name, rung))
        if found is None:
            labels: dict[object, object] = {}
            found = []
            for record in self.exact:
                value = _field(record, name)
                if value not in labels:
                    labels[value] = self._label(name, rung, value)
                found.append(labels[value])
            self._columns[(name, rung)] = found
        return found

    def _label(self, name: str, rung: object, value: object) -> object:
        if name == "referral_period" and isinstance(value, Month) and isinstance(rung, str):
            return period_label(value, rung)
        if name == "age" and isinstance(value, int) and isinstance(rung, str):
            return age_label(value, rung, self.bands, self.whole)
        if name == "referral_source" and isinstance(value, str):
            kept = rung if isinstance(rung, int) else None
            return Level("all", "all", kept).source_label(value, self.ranking)
        return value

    def classes(self, level: Level) -> tuple[list[Key], dict[Key, _Class]]:
        keys = self.keys(level)
        found: dict[Key, _Class] = {}
        for key, group in zip(keys, self.groups, strict=True):
            merged = found.get(key)
            if merged is None:
                merged = found[key] = _Class()
            merged.add(group.size, group.statuses, group.entered_cjs)
        return keys, found


def _field(record: Quasi, name: str) -> object:
    if name == "referral_period":
        return record.referral_month
    if name == "referral_source":
        return record.referral_source
    if name in ("area", "age", "pathway"):
        return getattr(record, name)
    return dict(record.more).get(name)


def anonymise(
    records: Sequence[Quasi],
    quasi_identifiers: Sequence[str],
    k: int,
    bands: Sequence[str],
    whole: str,
    max_withheld: Decimal,
) -> Anonymised:
    """The level losing least information that withholds at most ``max_withheld`` of the
    records for k-anonymity and l-diversity, and the records it withholds."""
    generaliser = _Generaliser(records, quasi_identifiers, bands, whole)
    sources = len(generaliser.ranking)
    attempts = []
    for level in levels(quasi_identifiers, sources):
        _, classes = generaliser.classes(level)
        under_k = sum(c.size for c in classes.values() if c.size < k)
        not_diverse = sum(c.size for c in classes.values() if c.size >= k and not c.diverse)
        loss = information_lost(level, quasi_identifiers, sources)
        attempts.append(Attempt(level, loss, under_k, not_diverse))
    attempts.sort(key=lambda a: a.loss)
    limit = max_withheld * len(records)
    allowed = [a for a in attempts if a.withheld <= limit]
    if allowed:
        chosen = min(allowed, key=lambda a: (a.loss, a.withheld))
    else:
        chosen = min(attempts, key=lambda a: (a.withheld, a.loss))
    keys, classes = generaliser.classes(chosen.level)
    failing = [classes[key].fails(k) for key in keys]
    withheld = frozenset(i for i, group in enumerate(generaliser.of_record) if failing[group])
    kept = [c.size for c in classes.values() if not c.fails(k)]
    return Anonymised(
        level=chosen.level,
        attempts=tuple(attempts),
        withheld=withheld,
        ranking=generaliser.ranking,
        within_limit=bool(allowed),
        smallest=min(kept, default=0),
        chosen=chosen,
    )


def best_by_period(anonymised: Anonymised) -> list[Attempt]:
    """For each referral period rung, the level withholding fewest (losing least among
    equals), and the level used: what the README shows, so the trade-off is in view."""
    best: dict[str, Attempt] = {}
    for attempt in anonymised.attempts:
        period = attempt.level.period
        if period not in best or (attempt.withheld, attempt.loss) < (
            best[period].withheld,
            best[period].loss,
        ):
            best[period] = attempt
    shown = [best[p] for p in PERIOD_STEPS if p in best]
    if anonymised.chosen is not None and anonymised.chosen not in shown:
        shown.append(anonymised.chosen)
    return sorted(shown, key=lambda a: (PERIOD_STEPS.index(a.level.period), a.loss))
