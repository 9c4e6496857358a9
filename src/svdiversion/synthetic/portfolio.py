"""What the synthetic portfolio is made of: its services, years, areas (with the change of
19 January 2026), budget lines, referral sources, workshop kinds and outcome measures;
and what the rows spend, which the contract is then written to cover."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..scaffold import DEFAULT_MEASURES, DEFAULT_REFERRAL_SOURCES

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
TARGETS = {
    "risk_reduction": "0.70",
    "increased_awareness": "0.80",
    "positive_activity": "0.60",
    "progress_key_areas": "0.65",
    "entered_cjs": "0.10",
}
"""Illustrative targets for the generated services' measures."""
MEASURES = tuple(
    (ident, name, better, TARGETS.get(ident, "0.50" if better == "higher" else "0.10"))
    for ident, name, better, _ in DEFAULT_MEASURES
)
"""The measures ``init`` writes (one list, :data:`..scaffold.DEFAULT_MEASURES`), each
with a target."""
TRANSACTION_HEADER = (
    "id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche"
)
EPISODE_HEADER = (
    "episode_id,cyp_ref,area,referral_date,referral_source,age_at_referral,pathway,status,"
    "start_date,end_date," + ",".join(m[0] for m in MEASURES)
)
EQUALITY_HEADER = (
    "sex,ethnicity,care_experienced,send,education_status,referral_reason,closure_reason,"
    "sessions_attended,outcome_assessed_date,cjs_follow_up_end"
)
"""The optional columns ``generate --equality`` adds to ``ledger/outcomes.csv``."""
WORKSHOP_HEADER = "session_id,date,area,kind,cyp_attendees,parent_attendees,professional_attendees"
CHUNK = 10_000
MONTH_NAMES = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)


@dataclass(slots=True)
class Spend:
    """Pence spent per budget line, and per (line, area) for the delivery lines."""

    by_line: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_area: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))


def fy_text(fy: int) -> str:
    return f"{fy}-{(fy + 1) % 100:02d}"


def line_id(service: str, fy: int, suffix: str) -> str:
    return f"{service}-{fy_text(fy)}-{suffix}"


def ref_width(episodes: int) -> int:
    """Digits in a cyp_ref: enough for one child per episode, at least the usual five."""
    return max(5, len(str(episodes)))
