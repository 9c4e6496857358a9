"""The outcomes report, registered (``reports.registry``): referrals, engagement, outcome
measures and workshops, exact or published.

This module is what the registry loads when the CLI starts, so it stays light: the
counting (``reports.outcomes``), the audited release (``reports.audit``) and the sheets
(``reports.outcome_sheets``) are loaded by the command that uses them.

Its JSON is the documented outcomes document (docs/output-formats.md), older than the
registry, not one derived from the sheets: ``documents.outcomes_document``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .documents import outcomes_document
from .kind import Inputs, ReportKind

if TYPE_CHECKING:
    from ..core.ledger import Ledger
    from ..core.sheet import Sheet
    from .options import ReportOptions
    from .outcomes import OutcomesReport


def exact(ledger: Ledger, options: ReportOptions, _: Inputs) -> OutcomesReport:
    """Exact counts for the window or date of ``options`` (internal)."""
    from .outcomes import outcomes

    return outcomes(ledger, options)


def published(ledger: Ledger, options: ReportOptions, _: Inputs) -> OutcomesReport:
    """The audited release for the window or month end of ``options``."""
    from .audit.release import Publisher

    return Publisher(ledger).report(options).outcomes


def sheets(report: OutcomesReport) -> list[Sheet]:
    from .outcome_sheets import outcomes_sheets

    return outcomes_sheets(report)


REPORT = ReportKind(
    name="outcomes",
    summary="Referrals, engagement, outcome measures, workshops; safe to publish by default.",
    example="svdiversion outcomes --quarter 2024/25-Q2 --format markdown --out q2.md",
    heading="Outcomes",
    compute=exact,
    sheets=sheets,
    publish=published,
    document=lambda report, _: outcomes_document(report),
)
