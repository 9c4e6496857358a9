"""The outcomes report's rows: counts of referral states, measures, areas, quarters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ...core.models import GROUP_COLUMNS, DisclosurePolicy, RagThresholds, Status
from ..disclosure import Cell, Disclosure
from ..rag import Rag

STATES = ("declined", "awaiting", "active", "completed", "disengaged")
"""Where each referral stands as of the report date; together they add up to referrals."""
ENDED = ("completed", "disengaged")
GROUP_DIMENSIONS = GROUP_COLUMNS
"""The equality columns of ``ledger/outcomes.csv`` referrals are broken down by, when the
ledger has them."""
NOT_RECORDED = "not_recorded"
"""The group of a referral whose column is empty."""


def state_of(status: Status, referred: bool, started: bool, ended: bool) -> str | None:
    """Where a referral stands, from its status and whether each of its dates has come
    by the report date (``None``: not referred yet)."""
    if not referred:
        return None
    if status is Status.DECLINED:
        return "declined"
    if not started:
        return "awaiting"
    if not ended:
        return "active"
    return "completed" if status is Status.COMPLETED else "disengaged"


@dataclass(frozen=True, slots=True)
class Counts:
    """Referral states. ``engaged`` = active + completed + disengaged (children who started)."""

    referrals: Cell
    declined: Cell
    awaiting: Cell
    active: Cell
    completed: Cell
    disengaged: Cell
    engaged: Cell


@dataclass(frozen=True, slots=True)
class MeasureRow:
    id: str
    name: str
    better: str
    target: Decimal | None
    achieved: Cell
    assessed: Cell
    rate: Decimal | str | None
    rag: Rag | None
    follow_up_days: int | None = None
    """A measure worked out from re-referrals: the days of follow-up after an ending."""


@dataclass(frozen=True, slots=True)
class AreaOutcomes:
    id: str
    name: str
    counts: Counts
    measures: tuple[MeasureRow, ...]


@dataclass(frozen=True, slots=True)
class QuarterRow:
    label: str
    referrals: Cell
    engaged: Cell
    completed: Cell
    disengaged: Cell


@dataclass(frozen=True, slots=True)
class WorkshopRow:
    kind: str
    sessions: int
    cyp: Cell
    parents: Cell
    professionals: Cell


@dataclass(frozen=True, slots=True)
class GroupRow:
    """Referrals of one group (``sex`` = ``female``, say), and those of them completed."""

    dimension: str
    value: str
    referrals: Cell
    completed: Cell
    population: Decimal | None = None
    """The group's share of the area's 10 to 17 year olds, from settings (``None``: not
    given)."""


@dataclass(frozen=True, slots=True)
class OutcomesReport:
    as_of: date
    window: str | None
    disclosure: Disclosure
    policy: DisclosurePolicy
    totals: Counts
    sources: tuple[tuple[str, Cell], ...]
    ages: tuple[tuple[int, Cell], ...]
    pathways: tuple[tuple[str, Cell], ...]
    measures: tuple[MeasureRow, ...]
    areas: tuple[AreaOutcomes, ...]
    quarters: tuple[QuarterRow, ...]
    workshops: tuple[WorkshopRow, ...]
    rag: RagThresholds
    groups: tuple[GroupRow, ...] = ()
    """Referrals and completions by each equality column the ledger has."""
    population_source: str | None = None
    """Where the groups' population shares come from."""
