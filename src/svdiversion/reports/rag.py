"""Red, amber, green against a planned figure, with thresholds from settings."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from ..core.models import RagThresholds


class Rag(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


def rag_against_profile(actual: int, planned: int, thresholds: RagThresholds) -> Rag:
    """Green when actual is within ``green`` of plan (either way), amber within ``amber``."""
    if planned == 0:
        return Rag.GREEN if actual == 0 else Rag.RED
    deviation = abs(Decimal(actual - planned) / Decimal(planned))
    if deviation <= thresholds.green:
        return Rag.GREEN
    return Rag.AMBER if deviation <= thresholds.amber else Rag.RED


def rag_against_target(
    rate: Decimal, target: Decimal, higher_is_better: bool, thresholds: RagThresholds
) -> Rag:
    """Green when the target is met; amber when short of it by no more than ``amber``
    of the target (e.g. 10% of a 70% target is 7 points), red beyond."""
    shortfall = (target - rate) if higher_is_better else (rate - target)
    if shortfall <= 0:
        return Rag.GREEN
    if target == 0:
        return Rag.RED
    return Rag.AMBER if shortfall / target <= thresholds.amber else Rag.RED
