"""The outcomes report as sheets: referrals by state and area, outcome measures (in all
and by area), quarters, referral sources, ages, pathways and workshops. Column keys are
the keys of the outcomes JSON, so the tidy CSV names a value as the JSON does."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..core.models import DisclosurePolicy
from ..core.sheet import Column, Kind, Sheet
from .disclosure import Cell, Disclosure
from .outcomes import STATES, Counts, OutcomesReport

STATE_TITLES = {
    "declined": "Declined",
    "awaiting": "Awaiting start",
    "active": "Active",
    "completed": "Completed",
    "disengaged": "Disengaged",
}


def outcomes_sheets(report: OutcomesReport) -> list[Sheet]:
    sheets = [_referrals_sheet(report), _measures_sheet(report)]
    if report.areas and report.measures:
        sheets.append(_measures_by_area_sheet(report))
    sheets += [
        _quarters_sheet(report),
        _sources_sheet(report),
        _ages_sheet(report),
        _pathways_sheet(report),
        _groups_sheet(report),
        _workshops_sheet(report),
    ]
    if report.disclosure == "published":
        note = _disclosure_note(report.policy)
        for sheet in sheets:
            sheet.notes.append(note)
    return sheets


def _referrals_sheet(report: OutcomesReport) -> Sheet:
    def counts_row(name: str, counts: Counts) -> list[Any]:
        return [name, counts.referrals, *(getattr(counts, s) for s in STATES), counts.engaged]

    return Sheet(
        "referrals",
        "Referrals and engagement by area",
        (
            Column("area", "Area"),
            Column("referrals", "Referrals", Kind.COUNT),
            *(Column(s, STATE_TITLES[s], Kind.COUNT) for s in STATES),
            Column("engaged", "Engaged", Kind.COUNT),
        ),
        [counts_row(a.name, a.counts) for a in report.areas],
        total=counts_row("Total", report.totals),
        notes=[referrals_note(report)],
    )


def referrals_note(report: OutcomesReport) -> str:
    """What the referrals table counts, in words: a cumulative table follows each referral
    to the as-of date; a window's columns count different events in it."""
    if report.window is None:
        return (
            f"Counts referrals received by {report.as_of}, each in the state it was in on "
            f"{report.as_of}: Completed is those referrals that had completed by then."
        )
    return (
        f"In {report.window} (to {report.as_of}): Referrals and Declined count referrals "
        "received in it; Engaged counts episodes that started in it; Completed and "
        "Disengaged count episodes that ended in it, whenever referred; Awaiting start and "
        f"Active are every referral's state on {report.as_of}. So the columns do not add "
        "up to the referrals."
    )


def _measures_sheet(report: OutcomesReport) -> Sheet:
    return Sheet(
        "measures",
        "Outcome measures",
        (
            Column("id", "Measure"),
            Column("name", "Name"),
            Column("better", "Better"),
            Column("achieved", "Achieved", Kind.COUNT),
            Column("assessed", "Assessed", Kind.COUNT),
            Column("rate", "Rate", Kind.PERCENT),
            Column("target", "Target", Kind.PERCENT),
            Column("rag", "RAG"),
        ),
        [
            [
                m.id,
                m.name,
                m.better,
                m.achieved,
                m.assessed,
                m.rate,
                m.target,
                m.rag.value if m.rag else "",
            ]
            for m in report.measures
        ],
        notes=[
            f"Counts episodes that ended {_scope(report)} with the measure assessed; "
            "rates are of those episodes.",
            *_follow_up_notes(report),
            "For a measure where lower is better, a rate below target is green.",
        ],
    )


def _follow_up_notes(report: OutcomesReport) -> list[str]:
    """What a measure worked out from re-referrals counts: it is assessed when its
    follow-up closes, not when the episode ends."""
    return [
        f"{m.name} is worked out from the referrals: an episode that ended is assessed "
        f"{m.follow_up_days} days after it ended (so those whose follow-up closed "
        f"{_scope(report)}), and counts as re-referred when the same child was referred "
        "again in that time."
        for m in report.measures
        if m.follow_up_days is not None
    ]


def _measures_by_area_sheet(report: OutcomesReport) -> Sheet:
    return Sheet(
        "measures_by_area",
        "Outcome measures by area",
        (
            Column("area", "Area"),
            Column("name", "Measure"),
            Column("achieved", "Achieved", Kind.COUNT),
            Column("assessed", "Assessed", Kind.COUNT),
            Column("rate", "Rate", Kind.PERCENT),
            Column("rag", "RAG"),
        ),
        [
            [
                a.name if i == 0 else "",
                m.name,
                m.achieved,
                m.assessed,
                m.rate,
                m.rag.value if m.rag else "",
            ]
            for a in report.areas
            for i, m in enumerate(a.measures)
        ],
        notes=[
            f"Counts episodes that ended {_scope(report)} with the measure assessed.",
            *_follow_up_notes(report),
        ],
    )


def _quarters_sheet(report: OutcomesReport) -> Sheet:
    return Sheet(
        "quarters",
        "By quarter",
        (
            Column("quarter", "Quarter"),
            Column("referrals", "Referrals", Kind.COUNT),
            Column("engaged", "Started", Kind.COUNT),
            Column("completed", "Completed", Kind.COUNT),
            Column("disengaged", "Disengaged", Kind.COUNT),
        ),
        [[q.label, q.referrals, q.engaged, q.completed, q.disengaged] for q in report.quarters],
        notes=[
            f"Counts what happened in each quarter {_scope(report)}: referrals received, "
            "episodes started, and episodes that ended completed or disengaged there, "
            "whenever referred."
        ],
    )


def _sources_sheet(report: OutcomesReport) -> Sheet:
    return Sheet(
        "sources",
        "Referrals by source",
        (Column("source", "Source"), Column("referrals", "Referrals", Kind.COUNT)),
        [[k, v] for k, v in report.sources],
        notes=[f"Counts referrals received {_scope(report)}, by who referred."],
    )


def _ages_sheet(report: OutcomesReport) -> Sheet:
    return Sheet(
        "ages",
        "Age at referral",
        (Column("age", "Age"), Column("referrals", "Referrals", Kind.COUNT)),
        [[str(k), v] for k, v in report.ages],
        notes=[f"Counts referrals received {_scope(report)}, by the child's age when referred."],
    )


def _groups_sheet(report: OutcomesReport) -> Sheet:
    """Referrals by each equality column beside the group's share of the area's 10 to 17
    year olds: the disproportionality table."""
    rows: list[list[Any]] = []
    for dimension in dict.fromkeys(g.dimension for g in report.groups):
        groups = [g for g in report.groups if g.dimension == dimension]
        shown = [g.referrals for g in groups]
        total = sum(v for v in shown if isinstance(v, int))
        whole = not any(isinstance(v, str) for v in shown)
        for g in groups:
            share = _share(g.referrals, total) if whole else None
            ratio = (share / g.population).quantize(Decimal("0.01")) if (
                share is not None and g.population
            ) else None  # fmt: skip
            rows.append(
                [
                    GROUP_TITLES.get(dimension, dimension),
                    g.value.replace("_", " "),
                    g.referrals,
                    share,
                    g.population,
                    ratio,
                    g.completed,
                ]
            )
    notes = [
        f"Counts referrals received {_scope(report)} by each equality column of the ledger "
        "(not recorded: the column is empty), and those of them that had completed. The "
        "share is of the referrals shown; the ratio is that share over the group's share of "
        "the 10 to 17 year olds (above 1: referred more than its share)."
    ]
    if report.population_source:
        notes.append(f"Population shares: {report.population_source}.")
    else:
        notes.append(
            "No population shares are given: add equality: population_10_17 and "
            "population_source to config/settings.yaml (docs/evaluation.md)."
        )
    if report.disclosure is Disclosure.PUBLISHED:
        notes.append(
            "A column with a hidden count shows no shares: they would give the hidden count away."
        )
    return Sheet(
        "groups",
        "Referrals by group (equality)",
        (
            Column("column", "Characteristic"),
            Column("group", "Group"),
            Column("referrals", "Referrals", Kind.COUNT),
            Column("share", "Share of referrals", Kind.PERCENT),
            Column("population_share", "10-17 population share", Kind.PERCENT),
            Column("ratio", "Ratio", Kind.DECIMAL),
            Column("completed", "Completed", Kind.COUNT),
        ),
        rows,
        notes=notes,
    )


GROUP_TITLES = {
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "care_experienced": "Care experienced",
    "send": "SEND",
}


def _share(count: Cell, total: int) -> Decimal | None:
    if not isinstance(count, int) or not total:
        return None
    return (Decimal(count) / Decimal(total)).quantize(Decimal("0.001"))


def _workshops_sheet(report: OutcomesReport) -> Sheet:
    return Sheet(
        "workshops",
        "Workshops",
        (
            Column("kind", "Kind"),
            Column("sessions", "Sessions", Kind.COUNT),
            Column("cyp_attendees", "Children", Kind.COUNT),
            Column("parent_attendees", "Parents", Kind.COUNT),
            Column("professional_attendees", "Professionals", Kind.COUNT),
        ),
        [[w.kind, w.sessions, w.cyp, w.parents, w.professionals] for w in report.workshops],
        notes=[
            f"Counts sessions held {_scope(report)} and attendances at them (a person at "
            "two sessions counts twice)."
        ],
    )


def _pathways_sheet(report: OutcomesReport) -> Sheet:
    return Sheet(
        "pathways",
        "Referrals by pathway",
        (Column("pathway", "Pathway"), Column("referrals", "Referrals", Kind.COUNT)),
        [[k, v] for k, v in report.pathways],
        notes=[f"Counts referrals received {_scope(report)}, by the pathway offered."],
    )


def _scope(report: OutcomesReport) -> str:
    """``in 2024/25 Q2 (as of ...)`` or ``by 2024-09-30``: the time a table's counts come from."""
    if report.window is not None:
        return f"in {report.window} (as of {report.as_of})"
    return f"by {report.as_of}"


def _disclosure_note(policy: DisclosurePolicy) -> str:
    return (
        f"Disclosure control: counts of 1 to {policy.suppress_below - 1} shown as "
        f"{policy.suppressed_symbol}, other counts rounded to the nearest "
        f"{policy.round_to}, further cells hidden where a total or another release would "
        f"reveal one; rates worked on the counts shown, only where at least "
        f"{policy.min_rate_denominator} were assessed, with a RAG only where those counts "
        "decide it (every true count they allow gives the same RAG, so it is the exact "
        "figures' RAG). Figures stand at a month end; a "
        "month's, quarter's or year's figure is the difference of the published figures "
        f"at its ends, so it may differ from the exact count by up to {2 * (policy.round_to // 2)} "
        "(two roundings), and a rate on it by more. Totals are rounded from exact figures, "
        "so they may not equal the sum of the rounded cells."
    )
