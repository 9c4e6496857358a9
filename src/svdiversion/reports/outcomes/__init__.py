"""Referrals, engagement and outcomes, by area and quarter, with disclosure control.

An episode's state is read from its dates as of the report date, so a report as of an
earlier date shows what was known then: engaged from ``start_date``; completed or
disengaged from ``end_date``; outcomes are counted once the episode has ended (they are
assessed at exit). Declined episodes count from their referral date.

``outcomes(...)`` gives exact counts (internal). ``publish(...)`` applies the disclosure
policy and returns the same shape with counts as published cells.

The report's rows are in :mod:`.shapes`, the counting in :mod:`.counting` and the
disclosure control in :mod:`.publishing`.
"""

from __future__ import annotations

from .counting import outcomes
from .publishing import publish
from .shapes import (
    ENDED,
    STATES,
    AreaOutcomes,
    Counts,
    MeasureRow,
    OutcomesReport,
    QuarterRow,
    WorkshopRow,
)

__all__ = [
    "ENDED",
    "STATES",
    "AreaOutcomes",
    "Counts",
    "MeasureRow",
    "OutcomesReport",
    "QuarterRow",
    "WorkshopRow",
    "outcomes",
    "publish",
]
