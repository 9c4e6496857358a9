"""The outcomes report's rows: counts of referral states, measures, areas, quarters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ...core.models import DisclosurePolicy, RagThresholds
from ..disclosure import Cell, Disclosure
from ..rag import Rag

STATES = ("declined", "awaiting", "active", "completed", "disengaged")
"""Where each referral stands as of the report date; together they add up to referrals."""
ENDED = ("completed", "disengaged")


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
