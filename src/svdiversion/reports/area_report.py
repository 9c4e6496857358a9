"""The areas report, registered (``reports.registry``): allocation, spend and reach per
area, and whether provision is equitable.

Light to import (the registry loads it when the CLI starts): the computation
(``reports.areas``) and the audited release (``reports.audit``) are loaded by the
command that uses them. Its JSON is the documented areas document
(``documents.areas_json``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .documents import areas_json
from .kind import Flag, Inputs, ReportKind
from .sheets import areas_sheet

if TYPE_CHECKING:
    from ..core.ledger import Ledger
    from .areas import AreasReport
    from .options import ReportOptions

APPORTION = Flag("apportion", "Share costs not tied to an area by allocation.")
SUCCESSORS = Flag(
    "successors",
    "Report areas replaced since under the areas that succeed them on the as-of date.",
)


def exact(ledger: Ledger, options: ReportOptions, inputs: Inputs) -> AreasReport:
    """Exact counts of children beside the money."""
    from .areas import areas_report

    return areas_report(
        ledger,
        options,
        apportion=inputs.flag(APPORTION.name),
        successors=inputs.flag(SUCCESSORS.name),
    )


def published(ledger: Ledger, options: ReportOptions, inputs: Inputs) -> AreasReport:
    """The counts of children as the audited release at the report's date shows them."""
    from .audit.release import Publisher
    from .pack import published_reports

    _, report = published_reports(Publisher(ledger), options, exact(ledger, options, inputs))
    return report


REPORT = ReportKind(
    name="areas",
    summary="Allocation, spend and reach per area, and whether provision is equitable.",
    example="svdiversion areas --apportion --format json --disclosure internal",
    heading="Areas",
    compute=exact,
    sheets=lambda report: [areas_sheet(report)],
    publish=published,
    document=lambda report, disclosure: areas_json(report, disclosure.value),
    flags=(APPORTION, SUCCESSORS),
)
