"""The documented JSON shapes of the reports older than the registry: burn-down, areas,
outcomes and value for money (docs/output-formats.md). The JSON of a report registered
since is derived from its sheets (``render.registered``).

Money is a string with exactly two decimals ("538496.32"), rates and shares are strings
holding a decimal fraction ("0.1250"), months are "YYYY-MM", counts are integers or, in a
published report, the disclosure symbol ("[c]").
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ..core.money import format_money

if TYPE_CHECKING:  # each report's module is loaded by the command that computes it
    from .areas import AreaRow, AreasReport
    from .burndown import Burndown
    from .outcomes import Counts, MeasureRow, OutcomesReport
    from .vfm import VfmReport


def money(pence: int | None) -> str | None:
    return None if pence is None else format_money(pence)


def fraction(value: Decimal | str | None) -> str | None:
    return None if value is None else str(value)


def burndown_json(report: Burndown) -> dict[str, Any]:
    return {
        "as_of": report.as_of.isoformat(),
        "currency": report.currency,
        "start": report.start.isoformat(),
        "end": report.end.isoformat(),
        "by": report.bucket.value,
        "budget_total": money(report.budget_total),
        "planned_to_date": money(report.planned_to_date),
        "actual_to_date": money(report.actual_to_date),
        "remaining": money(report.remaining),
        "forecast_outturn": money(report.forecast_outturn),
        "run_rate_forecast": money(report.run_rate_forecast),
        "run_rate_monthly": money(report.run_rate_monthly),
        "treasurer_forecast": money(report.treasurer_forecast),
        "variance": money(report.variance),
        "variance_to_profile": money(report.variance_to_profile),
        "rag": report.rag.value,
        "rag_basis": report.rag_basis,
        "time_elapsed": fraction(report.time_elapsed),
        "budget_spent": fraction(report.budget_spent),
        "not_yet_approved": [
            {"decision": ident, "approved": day.isoformat()}
            for ident, day in report.not_yet_approved
        ],
        "periods": [
            {
                "month": p.month,
                "label": p.label,
                "fy_period": p.fy_period,
                "planned": money(p.planned),
                "actual": money(p.actual),
                "cumulative_planned": money(p.cumulative_planned),
                "cumulative_actual": money(p.cumulative_actual),
                "remaining": money(p.remaining),
                "time_elapsed": fraction(p.time_elapsed),
                "budget_spent": fraction(p.budget_spent),
            }
            for p in report.periods
        ],
        "lines": [
            {
                "id": line.id,
                "decision": line.decision,
                "name": line.name,
                "kind": line.kind,
                "original_budget": money(line.original),
                "budget": money(line.budget),
                "planned_to_date": money(line.planned_to_date),
                "actual_to_date": money(line.actual_to_date),
                "remaining": money(line.remaining),
                "forecast_outturn": money(line.forecast_outturn),
                "treasurer_forecast": money(line.treasurer_forecast),
                "variance": money(line.variance),
                "rag": line.rag.value,
                "rag_basis": line.rag_basis,
            }
            for line in report.lines
        ],
    }


def _area(area: AreaRow) -> dict[str, Any]:
    return {
        "id": area.id,
        "budget_line": area.budget_line,
        "name": area.name,
        "allocated": money(area.allocated),
        "actual": money(area.actual),
        "apportioned": money(area.apportioned),
        "apportioned_allocation": money(area.apportioned_allocation),
        "remaining": money(area.remaining),
        "utilisation": fraction(area.utilisation),
        "referrals": area.referrals,
        "engaged": area.engaged,
        "cost_per_engaged": money(area.cost_per_engaged),
        "budget_share": fraction(area.budget_share),
        "referral_share": fraction(area.referral_share),
        "population_10_17": area.population_10_17,
        "population_share": fraction(area.population_share),
    }


def areas_json(report: AreasReport, disclosure: str) -> dict[str, Any]:
    return {
        "as_of": report.as_of.isoformat(),
        "currency": report.currency,
        "disclosure": disclosure,
        "apportioned": report.apportioned,
        "successors": report.successors,
        "areas": [_area(a) for a in report.areas],
        "total": _area(report.total),
    }


def vfm_json(report: VfmReport) -> dict[str, Any]:
    return {
        "as_of": report.as_of.isoformat(),
        "currency": report.currency,
        "disclosure": report.disclosure.value,
        "window": report.window,
        "spend_to_date": money(report.spend_to_date),
        "spend_in_window": money(report.spend_in_window),
        "unit_costs": [
            {
                "per": r.measure,
                "basis": r.basis.value,
                "spend": money(r.spend),
                "count": r.count,
                "cost_each": money(r.cost_each),
            }
            for r in report.unit_costs
        ],
        "break_even": [
            {
                "offence": r.offence,
                "unit_cost": money(r.unit_cost),
                "price_base": r.price_base,
                "offences_equivalent": str(r.offences_equivalent),
                "source": r.source,
                "verified": r.verified,
            }
            for r in report.break_even
        ],
        "caveat": report.caveat,
    }


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
        "target": fraction(m.target),
        "achieved": m.achieved,
        "assessed": m.assessed,
        "rate": fraction(m.rate),
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
                "population_share": fraction(g.population),
            }
            for g in report.groups
        ],
        "population_source": report.population_source,
    }
