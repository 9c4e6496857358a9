"""The treasurer's monthly pack: every report, as of one date, with the check status."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.ledger import Ledger
from ..core.models import UnitCost
from ..core.problems import Problem, count_by_severity
from .areas import AreasReport, areas_report, publish_areas, successor_map
from .audit.release import Publisher
from .burndown import Burndown, burndown
from .disclosure import Disclosure
from .options import ReportOptions
from .outcomes import OutcomesReport, outcomes
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
    ledger: Ledger,
    options: ReportOptions,
    disclosure: Disclosure,
    unit_costs: list[UnitCost],
    publisher: Publisher | None = None,
) -> tuple[AreasReport, OutcomesReport, VfmReport]:
    """Areas, outcomes and value for money with the disclosure mode applied to each: in
    a published report, every count about children comes from the audited release."""
    exact = outcomes(ledger, options)
    areas = areas_report(ledger, options)
    shown = exact
    if disclosure is Disclosure.PUBLISHED:
        publisher = publisher or Publisher(ledger)
        shown, areas = published_reports(publisher, options, areas)
        cumulative = publisher.released(options.as_of).outcomes
    else:
        cumulative = outcomes(ledger, ReportOptions(options.as_of)) if options.window else exact
    return areas, shown, vfm(ledger, options, shown, cumulative, unit_costs)


def published_reports(
    publisher: Publisher, options: ReportOptions, areas: AreasReport
) -> tuple[OutcomesReport, AreasReport]:
    """The outcomes report of the release for ``options`` (a window's, or the cumulative
    one), and ``areas`` with the counts of the cumulative release at its date."""
    cumulative = publisher.released(options.as_of)
    shown = publisher.report(options)
    cells = cumulative.cells.cells
    referrals = {k[1]: v for k, v in cells.items() if k[0] == "ref"}
    rename = successor_map(publisher.ledger, options.as_of) if areas.successors else {}
    symbol = publisher.policy.suppressed_symbol
    return shown.outcomes, publish_areas(areas, referrals, cumulative.children, rename, symbol)


def monthly_pack(
    ledger: Ledger,
    options: ReportOptions,
    disclosure: Disclosure,
    problems: list[Problem],
    unit_costs: list[UnitCost],
) -> MonthlyPack:
    counts = count_by_severity(problems)
    publisher = Publisher(ledger)
    areas, shown, value = disclosed_reports(ledger, options, disclosure, unit_costs, publisher)
    return MonthlyPack(
        service=ledger.settings.service_name,
        disclosure=disclosure,
        errors=counts["error"],
        warnings=counts["warning"],
        burndown=burndown(ledger, options),
        areas=areas,
        outcomes=shown,
        vfm=value,
        trends=trends(ledger, options.as_of, disclosure, publisher=publisher),
    )
