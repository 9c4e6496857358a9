"""The burn-down on the terminal: its headline with the chart beside it, a line for each
decision not yet approved, then the periods and the budget lines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..reports.sheets import burndown_sheets

if TYPE_CHECKING:
    from ..reports.burndown import Burndown


def print_burndown(report: Burndown, width: int | None) -> None:
    from rich.columns import Columns

    from .console import burndown_chart, make_console, sheet_table, sheets_group, show

    console = make_console(width)
    headline, periods, lines = burndown_sheets(report)
    console.print(Columns([sheet_table(headline), burndown_chart(report)], padding=(0, 4)))
    for ident, day in report.not_yet_approved:
        console.print(
            f"Decision {ident} is not yet approved on {report.as_of} (approved {day}): "
            "the figures show its plan.",
            markup=False,
        )
    console.print()
    show(console, sheets_group([periods, lines]))
