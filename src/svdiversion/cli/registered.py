"""One runner for every registered report (``reports.registry``): a command each, with the
options every report takes declared once, and one place that applies disclosure.

A report about children (``ReportKind.publish``) gets ``--disclosure``: published (the
default for every file format) goes through disclosure control and stands at a month
end; internal (the terminal's default) is exact under a banner. A report about money
alone has no such option.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from ..reports.disclosure import Disclosure
from ..reports.kind import ReportKind
from .common import AsOf
from .output import OutFile
from .report_options import (
    DisclosureOption,
    Format,
    FormatOption,
    Month,
    Period,
    Quarter,
    Year,
    console_width,
    disclosure_for,
    emit,
    file_format,
    report_ledger,
    report_options,
    standing,
)


def run_report(
    ctx: typer.Context,
    kind: ReportKind,
    as_of: Any,
    windows: list[Any],
    disclosure: Disclosure | None,
    output: Format,
    out: Any,
) -> None:
    """Load, compute (or publish), render, in the format asked for."""
    from .. import api
    from ..render.registered import print_registered, registered_text

    file_format(output, out)
    options = report_options(as_of, windows)
    ledger, _ = report_ledger(ctx, options)
    mode = Disclosure.INTERNAL
    if kind.publish is not None:
        mode = disclosure_for(output, disclosure)
        options = standing(ctx, options, mode, as_of)
    value = api.registered(kind, ledger, options, mode)
    if output is Format.TABLE:
        print_registered(kind, value, mode, console_width())
    else:
        emit(ctx, registered_text(kind, value, output.value, mode), out)


def command_for(kind: ReportKind) -> Callable[..., None]:
    """The Typer command of ``kind``: its help from the registration, the shared options."""
    command: Callable[..., None]
    if kind.about_children:

        def about_children(
            ctx: typer.Context,
            as_of: AsOf = None,
            month: Month = None,
            period: Period = None,
            quarter: Quarter = None,
            fy: Year = None,
            disclosure: DisclosureOption = None,
            output: FormatOption = Format.TABLE,
            out: OutFile = None,
        ) -> None:
            run_report(ctx, kind, as_of, [month, period, quarter, fy], disclosure, output, out)

        command = about_children
    else:

        def about_money(
            ctx: typer.Context,
            as_of: AsOf = None,
            month: Month = None,
            period: Period = None,
            quarter: Quarter = None,
            fy: Year = None,
            output: FormatOption = Format.TABLE,
            out: OutFile = None,
        ) -> None:
            run_report(ctx, kind, as_of, [month, period, quarter, fy], None, output, out)

        command = about_money
    command.__doc__ = f"{kind.summary}\n\nExample: {kind.example}\n"
    command.__name__ = kind.name.replace("-", "_")
    return command
