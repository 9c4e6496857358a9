"""The outcomes report, registered (``reports.registry``): referrals, engagement, outcome
measures and workshops, exact or published.

This module is what the registry loads when the CLI starts, so it stays light: the
counting (``reports.outcomes``), the audited release (``reports.audit``) and the sheets
(``reports.outcome_sheets``) are loaded by the command that uses them.

Its JSON is the documented outcomes document (docs/output-formats.md), older than the
registry, not one derived from the sheets: :func:`outcomes_document`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .kind import ReportKind

if TYPE_CHECKING:
    from ..core.ledger import Ledger
    from ..core.sheet import Sheet
    from .options import ReportOptions
    from .outcomes import Counts, MeasureRow, OutcomesReport


def exact(ledger: Ledger, options: ReportOptions) -> OutcomesReport:
    """Exact counts for the window or date of ``options`` (internal)."""
    from .outcomes import outcomes

    return outcomes(ledger, options)


def published(ledger: Ledger, options: ReportOptions) -> OutcomesReport:
    """The audited release for the window or month end of ``options``."""
    from .audit.release import Publisher

    return Publisher(ledger).report(options).outcomes


def sheets(report: OutcomesReport) -> list[Sheet]:
    from .outcome_sheets import outcomes_sheets

    return outcomes_sheets(report)


def _fraction(value: Decimal | str | None) -> str | None:
    return None if value is None else str(value)


def _counts(counts: Counts) -> dict[str, Any]:
    from .outcomes import STATES

    return {
        "referrals": counts.referrals,
        **{s: getattr(counts, s) for s in STATES},
        "engaged": counts.engaged,
    }


def _measure(m: MeasureRow) -> dict[str, Any]:
    return {
        "id": m.id,
        "name": m.name,
        "better": m.better,
        "target": _fraction(m.target),
        "achieved": m.achieved,
        "assessed": m.assessed,
        "rate": _fraction(m.rate),
        "rag": m.rag.value if m.rag else None,
    }


def _disclosure(report: OutcomesReport) -> dict[str, Any]:
    policy = report.policy
    return {
        "mode": report.disclosure.value,
        "suppress_below": policy.suppress_below,
        "round_to": policy.round_to,
        "min_rate_denominator": policy.min_rate_denominator,
        "secondary_suppression": policy.secondary_suppression,
        "symbol": policy.suppressed_symbol,
    }


def outcomes_document(report: OutcomesReport) -> dict[str, Any]:
    return {
        "as_of": report.as_of.isoformat(),
        "window": report.window,
        "disclosure": _disclosure(report),
        "totals": _counts(report.totals),
        "measures": [_measure(m) for m in report.measures],
        "areas": [
            {
                "id": a.id,
                "name": a.name,
                **_counts(a.counts),
                "measures": [_measure(m) for m in a.measures],
            }
            for a in report.areas
        ],
        "quarters": [
            {
                "quarter": q.label,
                "referrals": q.referrals,
                "engaged": q.engaged,
                "completed": q.completed,
                "disengaged": q.disengaged,
            }
            for q in report.quarters
        ],
        "referral_sources": [{"source": k, "referrals": v} for k, v in report.sources],
        "ages": [{"age": k, "referrals": v} for k, v in report.ages],
        "pathways": [{"pathway": k, "referrals": v} for k, v in report.pathways],
        "workshops": [
            {
                "kind": w.kind,
                "sessions": w.sessions,
                "cyp_attendees": w.cyp,
                "parent_attendees": w.parents,
                "professional_attendees": w.professionals,
            }
            for w in report.workshops
        ],
        "groups": [
            {
                "column": g.dimension,
                "group": g.value,
                "referrals": g.referrals,
                "completed": g.completed,
                "population_share": _fraction(g.population),
            }
            for g in report.groups
        ],
        "population_source": report.population_source,
    }


REPORT = ReportKind(
    name="outcomes",
    summary="Referrals, engagement, outcome measures, workshops; safe to publish by default.",
    example="svdiversion outcomes --quarter 2024/25-Q2 --format markdown --out q2.md",
    heading="Outcomes",
    compute=exact,
    sheets=sheets,
    as_of=lambda report: report.as_of.isoformat(),
    publish=published,
    document=outcomes_document,
)
