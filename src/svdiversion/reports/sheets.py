"""The sheets of the burn-down, areas and value-for-money reports (a :class:`Sheet`,
in ``core.sheet``, is a format-neutral table). The outcomes report's sheets are in
:mod:`.outcome_sheets`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..core.sheet import Column, Kind, Sheet
from .disclosure import Disclosure

if TYPE_CHECKING:  # each report's module is loaded by the command that computes it
    from .areas import AreasReport
    from .burndown import Burndown
    from .vfm import Basis, VfmReport


def burndown_sheets(report: Burndown) -> list[Sheet]:
    return [headline_sheet(report), periods_sheet(report), lines_sheet(report)]


def periods_sheet(report: Burndown) -> Sheet:
    by = report.bucket.value
    return Sheet(
        "burndown",
        f"Burn-down by {by}",
        (
            Column("period", "Period" if by != "month" else "Month"),
            Column("fy_period", "Financial period"),
            Column("planned", "Planned", Kind.MONEY),
            Column("actual", "Actual", Kind.MONEY),
            Column("cumulative_planned", "Cum. planned", Kind.MONEY),
            Column("cumulative_actual", "Cum. actual", Kind.MONEY),
            Column("remaining", "Remaining", Kind.MONEY),
            Column("time_elapsed", "Time elapsed", Kind.PERCENT),
            Column("budget_spent", "Budget spent", Kind.PERCENT),
        ),
        [
            [
                p.label,
                p.fy_period,
                p.planned,
                p.actual,
                p.cumulative_planned,
                p.cumulative_actual,
                p.remaining,
                p.time_elapsed,
                p.budget_spent,
            ]
            for p in report.periods
        ],
        notes=["Actual figures are blank for periods after the as-of date."],
    )


def lines_sheet(report: Burndown) -> Sheet:
    return Sheet(
        "lines",
        "By budget line",
        (
            Column("id", "Line"),
            Column("name", "Name"),
            Column("kind", "Kind"),
            Column("budget", "Budget", Kind.MONEY),
            Column("planned_to_date", "Planned to date", Kind.MONEY),
            Column("actual_to_date", "Actual to date", Kind.MONEY),
            Column("remaining", "Remaining", Kind.MONEY),
            Column("forecast_outturn", "Forecast outturn", Kind.MONEY),
            Column("treasurer_forecast", "Treasurer forecast", Kind.MONEY),
            Column("variance", "Variance", Kind.MONEY),
            Column("rag", "RAG"),
        ),
        [
            [
                line.id,
                line.name,
                line.kind,
                line.budget,
                line.planned_to_date,
                line.actual_to_date,
                line.remaining,
                line.forecast_outturn,
                line.treasurer_forecast,
                line.variance,
                line.rag.value,
            ]
            for line in report.lines
        ],
        total=[
            "Total",
            "",
            "",
            report.budget_total,
            report.planned_to_date,
            report.actual_to_date,
            report.remaining,
            report.forecast_outturn,
            report.treasurer_forecast,
            report.variance,
            report.rag.value,
        ],
        notes=[_line_rag_basis(report)],
    )


_BASIS_WORDS = {
    "budget": "its budget (the contract has reached its last day)",
    "treasurer": "what the treasurer's forecast expected by then",
    "profile": "the profile to date",
}


def _line_rag_basis(report: Burndown) -> str:
    """Which basis each line's RAG uses, in one note."""
    bases: dict[str, list[str]] = {}
    for line in report.lines:
        bases.setdefault(line.rag_basis, []).append(line.id)
    if len(bases) <= 1:
        basis = next(iter(bases), report.rag_basis)
        return f"RAG of each line: actual to date against {_BASIS_WORDS[basis]}."
    parts = [f"{', '.join(ids)} against {_BASIS_WORDS[b]}" for b, ids in bases.items()]
    return "RAG: " + "; ".join(parts) + "."


def headline_sheet(report: Burndown) -> Sheet:
    said = report.treasurer_forecast is not None
    rows: list[tuple[str, Any, Kind]] = [
        ("Budget", report.budget_total, Kind.MONEY),
        ("Planned to date", report.planned_to_date, Kind.MONEY),
        ("Actual to date", report.actual_to_date, Kind.MONEY),
        ("Remaining", report.remaining, Kind.MONEY),
        ("Forecast outturn (profile)", report.forecast_outturn, Kind.MONEY),
        ("Forecast outturn (run rate)", report.run_rate_forecast, Kind.MONEY),
        *(
            [("Forecast outturn (treasurer)", report.treasurer_forecast, Kind.MONEY)]
            if said
            else []
        ),
        (
            "Variance (treasurer - budget)" if said else "Variance (forecast - budget)",
            report.variance,
            Kind.MONEY,
        ),
        ("Variance to profile", report.variance_to_profile, Kind.MONEY),
        (f"RAG against {report.rag_basis}", report.rag.value, Kind.TEXT),
        ("Time elapsed", report.time_elapsed, Kind.PERCENT),
        ("Budget spent", report.budget_spent, Kind.PERCENT),
    ]
    return Sheet(
        "headline",
        f"Headline as of {report.as_of}",
        (Column("measure", "Measure"), Column("value", "Value")),
        [[name, value] for name, value, _ in rows],
        notes=[
            "Underspend is negative.",
            *(
                ["Variance and RAG use the treasurer's forecast where one is recorded."]
                if said
                else []
            ),
            *(
                f"Decision {ident} is not yet approved on {report.as_of} (approved {day}): "
                "the figures show its plan."
                for ident, day in report.not_yet_approved
            ),
        ],
        value_kinds=[kind for _, _, kind in rows],
    )


def areas_sheet(report: AreasReport) -> Sheet:
    def row(area: Any) -> list[Any]:
        return [
            area.name,
            area.allocated,
            area.actual,
            area.remaining,
            area.utilisation,
            area.referrals,
            area.engaged,
            area.cost_per_engaged,
            area.budget_share,
            area.referral_share,
            area.population_share,
        ]

    total = report.total
    notes = [
        f"Counts spend, referrals and children who started from the start of the contract "
        f"to {report.as_of}."
    ]
    if report.apportioned:
        notes.append(
            "Budgets and spend not tied to an area are apportioned by allocation share; "
            "the total is the whole budget against all the spend."
        )
    else:
        notes.append(
            "Each area's spend is against its allocation; money not allocated to an area "
            "(the evaluation, say) is a row per budget line against that line's budget, so "
            "the total is the whole budget against all the spend."
        )
    if report.successors:
        notes.append("Areas replaced since are reported under their successors.")
    return Sheet(
        "areas",
        f"Areas as of {report.as_of}",
        (
            Column("area", "Area"),
            Column("allocated", "Allocated", Kind.MONEY),
            Column("actual", "Actual", Kind.MONEY),
            Column("remaining", "Remaining", Kind.MONEY),
            Column("utilisation", "Used", Kind.PERCENT),
            Column("referrals", "Referrals", Kind.COUNT),
            Column("engaged", "Engaged", Kind.COUNT),
            Column("cost_per_engaged", "Cost per engaged", Kind.MONEY),
            Column("budget_share", "Budget share", Kind.PERCENT),
            Column("referral_share", "Referral share", Kind.PERCENT),
            Column("population_share", "10-17 pop. share", Kind.PERCENT),
        ),
        [row(a) for a in report.areas],
        total=row(total),
        notes=notes,
    )


NO_UNIT_COSTS = (
    "No break-even table: config/unit_costs.yaml (optional) is not there or holds no unit "
    "costs; see docs/ledger-format.md."
)


WITHOUT_EVALUATION_NOTE = (
    "'Without evaluation spend' divides the spend on every line but the independent "
    "evaluation's (budget lines of kind evaluation) by the same completions: the cost of "
    "delivery alone."
)


def vfm_sheets(report: VfmReport) -> list[Sheet]:
    """The unit costs of the window (when there is one), then of the contract to date,
    then break-even (left out, with a note, without unit costs). Each unit-cost table says
    what it divides by what."""
    sheets = _vfm_sheets(report)
    if not report.break_even:
        sheets[-2].notes.append(NO_UNIT_COSTS)
        return sheets[:-1]
    return sheets


def _vfm_sheets(report: VfmReport) -> list[Sheet]:
    from .vfm import Basis

    sheets = []
    if report.window is not None:
        sheets.append(
            _unit_cost_sheet(
                report,
                Basis.WINDOW,
                "unit_costs_window",
                f"Cost per unit in {report.window} (spend in the window / the window's counts)",
                f"Spend in {report.window} divided by the referrals received, the children who "
                f"started, the episodes completed and the positive outcomes on episodes that "
                f"ended in {report.window}. {WITHOUT_EVALUATION_NOTE}",
            )
        )
    sheets.append(
        _unit_cost_sheet(
            report,
            Basis.CUMULATIVE,
            "unit_costs",
            f"Cost per unit, contract to {report.as_of} (cumulative spend / cumulative counts)",
            f"Spend from the start of the contract to {report.as_of} divided by the referrals "
            "received, the children who started, the episodes completed and the positive "
            f"outcomes on episodes that ended, all to that date. {WITHOUT_EVALUATION_NOTE}",
        )
    )
    sheets.append(
        Sheet(
            "break_even",
            f"Break-even: offences the spend to {report.as_of} equals",
            (
                Column("offence", "Offence"),
                Column("unit_cost", "Unit cost", Kind.MONEY),
                Column("price_base", "Prices"),
                Column("offences_equivalent", "Offences equal to spend", Kind.DECIMAL),
                Column("verified", "Verified"),
                Column("source", "Source"),
            ),
            [
                [
                    r.offence,
                    r.unit_cost,
                    r.price_base,
                    r.offences_equivalent,
                    "yes" if r.verified else "no",
                    r.source,
                ]
                for r in report.break_even
            ],
            notes=[report.caveat],
        )
    )
    return sheets


def _unit_cost_sheet(report: VfmReport, basis: Basis, name: str, title: str, note: str) -> Sheet:
    notes = [note]
    if report.disclosure is Disclosure.PUBLISHED:
        notes.append("Counts are the published (rounded) figures; each cost is worked out on them.")
    return Sheet(
        name,
        title,
        (
            Column("per", "Per"),
            Column("basis", "Basis"),
            Column("spend", "Spend", Kind.MONEY),
            Column("count", "Count", Kind.COUNT),
            Column("cost_each", "Cost each", Kind.MONEY),
        ),
        [[r.measure, r.basis.value, r.spend, r.count, r.cost_each] for r in report.basis(basis)],
        notes=notes,
    )
