"""Format-neutral tables built from report values.

A :class:`Sheet` is a titled table whose columns know their kind (money, count, percent,
date, text). The terminal, CSV, Markdown and the workbook all render sheets, so every
format shows the same figures from the same report value. The outcomes report's sheets
are in :mod:`.outcome_sheets`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ..reports.areas import AreasReport
from ..reports.burndown import Burndown
from ..reports.vfm import VfmReport


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # int pence
    COUNT = "count"  # int, or a disclosure symbol such as [c]
    PERCENT = "percent"  # Decimal fraction, 0.25 is 25%
    DECIMAL = "decimal"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True, slots=True)
class Sheet:
    """``total`` is a last row that sums the money and count columns above it."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[list[Any]]
    total: list[Any] | None = None
    notes: list[str] = field(default_factory=list)
    value_kinds: list[Kind] | None = None
    """For a two-column key/value sheet (a headline): the kind of each row's value."""

    def kind_of(self, row: int, column: Column) -> Kind:
        if self.value_kinds is not None and column.key == "value" and row < len(self.value_kinds):
            return self.value_kinds[row]
        return column.kind

    def all_rows(self) -> list[list[Any]]:
        return [*self.rows, *([self.total] if self.total else [])]


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
            report.variance,
            report.rag.value,
        ],
    )


def headline_sheet(report: Burndown) -> Sheet:
    rows: list[tuple[str, Any, Kind]] = [
        ("Budget", report.budget_total, Kind.MONEY),
        ("Planned to date", report.planned_to_date, Kind.MONEY),
        ("Actual to date", report.actual_to_date, Kind.MONEY),
        ("Remaining", report.remaining, Kind.MONEY),
        ("Forecast outturn (profile)", report.forecast_outturn, Kind.MONEY),
        ("Forecast outturn (run rate)", report.run_rate_forecast, Kind.MONEY),
        ("Variance (forecast - budget)", report.variance, Kind.MONEY),
        ("Variance to profile", report.variance_to_profile, Kind.MONEY),
        ("RAG against profile", report.rag.value, Kind.TEXT),
        ("Time elapsed", report.time_elapsed, Kind.PERCENT),
        ("Budget spent", report.budget_spent, Kind.PERCENT),
    ]
    return Sheet(
        "headline",
        f"Headline as of {report.as_of}",
        (Column("measure", "Measure"), Column("value", "Value")),
        [[name, value] for name, value, _ in rows],
        notes=["Underspend is negative."],
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
    notes = []
    if report.apportioned:
        notes.append("Costs not tied to an area are apportioned by allocation share.")
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


def vfm_sheets(report: VfmReport) -> list[Sheet]:
    return [
        Sheet(
            "unit_costs",
            f"Cost per unit, spend to date {report.as_of}",
            (
                Column("measure", "Per"),
                Column("count", "Count", Kind.COUNT),
                Column("cost_each", "Cost each", Kind.MONEY),
            ),
            [[r.measure, r.count, r.cost_each] for r in report.unit_costs],
        ),
        Sheet(
            "break_even",
            "Break-even: offences the spend to date equals",
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
        ),
    ]
