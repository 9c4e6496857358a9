"""The treasurer's monthly pack: every report, as of one date, with the check status."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.ledger import Ledger
from ..core.models import UnitCost
from ..core.problems import Problem, count_by_severity
from .areas import AreasReport, areas_report, publish_areas
from .burndown import Burndown, burndown
from .disclosure import Disclosure
from .options import ReportOptions
from .outcomes import OutcomesReport, outcomes, publish
from .trends import TrendsReport, trends
from .vfm import VfmReport, vfm


@dataclass(frozen=True, slots=True)
class MonthlyPack:
    service: str
    disclosure: Disclosure
    errors: int
    warnings: int
    burndown: Burndown
    areas: AreasReport
    outcomes: OutcomesReport
    vfm: VfmReport
    trends: TrendsReport  # the "emerging trends" section lists its current signals


def disclosed_reports(
    ledger: Ledger, options: ReportOptions, disclosure: Disclosure, unit_costs: list[UnitCost]
) -> tuple[AreasReport, OutcomesReport, VfmReport]:
    """Areas, outcomes and value for money with the disclosure mode applied to each."""
    exact = outcomes(ledger, options)
    shown = publish(exact) if disclosure is Disclosure.PUBLISHED else exact
    areas = areas_report(ledger, options)
    if disclosure is Disclosure.PUBLISHED:
        areas = publish_areas(areas, ledger.settings.disclosure)
    return areas, shown, vfm(ledger, options, exact, shown, unit_costs)


def monthly_pack(
    ledger: Ledger,
    options: ReportOptions,
    disclosure: Disclosure,
    problems: list[Problem],
    unit_costs: list[UnitCost],
) -> MonthlyPack:
    counts = count_by_severity(problems)
    areas, shown, value = disclosed_reports(ledger, options, disclosure, unit_costs)
    return MonthlyPack(
        service=ledger.settings.service_name,
        disclosure=disclosure,
        errors=counts["error"],
        warnings=counts["warning"],
        burndown=burndown(ledger, options),
        areas=areas,
        outcomes=shown,
        vfm=value,
        trends=trends(ledger, options.as_of, disclosure),
    )
