"""``svdiversion trends``: referrals and outcome rates on process control charts."""

from __future__ import annotations

from typing import Annotated

import typer

from ..clock import today
from ..core.fiscal import Month
from ..reports.options import ReportOptions
from .common import AsOf, fail, parse_month_option
from .output import OutFile
from .report_options import (
    DisclosureOption,
    Format,
    FormatOption,
    console_width,
    disclosure_for,
    emit,
    report_ledger,
    standing,
)

BaselineFrom = Annotated[
    Month | None,
    typer.Option(
        "--baseline-from",
        parser=parse_month_option,
        metavar="YYYY-MM",
        help="First month of the baseline the limits are worked from. "
        "Default: the first month with referrals.",
    ),
]
BaselineTo = Annotated[
    Month | None,
    typer.Option(
        "--baseline-to",
        parser=parse_month_option,
        metavar="YYYY-MM",
        help="Last month of the baseline. Default: trends.baseline_months "
        "(config/settings.yaml, 12) months on from its first, or the last month there is.",
    ),
]


def trends(
    ctx: typer.Context,
    as_of: AsOf = None,
    baseline_from: BaselineFrom = None,
    baseline_to: BaselineTo = None,
    disclosure: DisclosureOption = None,
    output: FormatOption = Format.TABLE,
    out: OutFile = None,
) -> None:
    """Emerging trends: monthly referrals (in total, by area, by source) and quarterly
    outcome rates on statistical process control charts, with special-cause signals.

    Charts as NHS England's Making Data Count teaches: XmR, or a c-chart for small
    counts; limits from a baseline; signals for a point beyond a limit, a run or trend
    of 7, two of three near a limit. See docs/trends.md.

    Example: svdiversion trends --as-of 2025-03-31 --baseline-from 2023-08 --baseline-to 2024-07
    """
    from .. import api
    from ..reports.trends import BaselineOutsideData

    ledger, _ = report_ledger(ctx)
    mode = disclosure_for(output, disclosure)
    try:
        day = standing(ctx, ReportOptions(as_of or today()), mode, as_of).as_of
        report = api.trends(ledger, day, mode, baseline_from, baseline_to)
    except BaselineOutsideData as exc:
        fail(str(exc), "give --baseline-from and --baseline-to within the months listed")
    from ..render import trends as views

    if output is Format.TABLE:
        views.print_trends(report, console_width())
    else:
        emit(ctx, views.trends_text(report, output.value), out)
