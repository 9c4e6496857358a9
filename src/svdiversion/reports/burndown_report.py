"""The burn-down, registered (``reports.registry``): planned against actual spend,
forecast outturn and RAG, per month, quarter or financial year (``--by``).

About money alone, so it has no published edition. Its JSON is the documented burn-down
document (``documents.burndown_json``); its CSV is the table of periods; on the terminal
it is drawn with its chart beside the headline (``render.registered``). It counts the
treasurer's forecasts, so a report of one closed month counts those said by the close.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .documents import burndown_json
from .kind import Inputs, ReportKind
from .sheets import headline_sheet, lines_sheet, periods_sheet

if TYPE_CHECKING:
    from ..core.ledger import Ledger
    from ..core.sheet import Sheet
    from .burndown import Burndown
    from .options import ReportOptions


def compute(ledger: Ledger, options: ReportOptions, inputs: Inputs) -> Burndown:
    from .burndown import burndown

    return burndown(ledger, options)


def sheets(report: Burndown) -> list[Sheet]:
    """The periods first (the CSV), then the headline and the budget lines."""
    return [periods_sheet(report), headline_sheet(report), lines_sheet(report)]


REPORT = ReportKind(
    name="burndown",
    summary="Planned against actual spend, forecast outturn and RAG.",
    example="svdiversion burndown --as-of 2024-09-30 --by quarter",
    heading="Burn-down",
    compute=compute,
    sheets=sheets,
    document=lambda report, _: burndown_json(report),
    by_period=True,
    counts_forecasts=True,
)
