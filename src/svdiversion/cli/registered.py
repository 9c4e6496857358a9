"""One runner for every registered report (``reports.registry``): a command each, with the
options every report takes declared once, and one place that applies disclosure.

A report about children (``ReportKind.publish``) gets ``--disclosure``: published (the
default for every file format) goes through disclosure control and stands at a month
end; internal (the terminal's default) is exact under a banner. A report about money
alone has no such option. A report's own yes/no options (``ReportKind.flags``) are
options of its command; the workspace's unit costs are read only if the report asks.
A report per period (``by_period``) takes ``--by``; one that counts the treasurer's
forecasts (``counts_forecasts``) stands, for a closed month, at the month's close.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any

import typer

from ..reports.disclosure import Disclosure
from ..reports.kind import Inputs, ReportKind
from ..reports.options import Bucket
from .common import AsOf
from .month_end import close_standing
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
    unit_costs,
)

KEYWORD = inspect.Parameter.KEYWORD_ONLY


BY = Annotated[Bucket, typer.Option("--by", help="Rows per month, quarter or fy.")]


def run_report(
    ctx: typer.Context,
    kind: ReportKind,
    as_of: Any,
    windows: list[Any],
    disclosure: Disclosure | None,
    output: Format,
    out: Any,
    flags: dict[str, bool],
    by: Bucket = Bucket.MONTH,
) -> None:
    """Load, compute (or publish), render, in the format asked for."""
    from .. import api
    from ..render.registered import print_registered, registered_text

    file_format(output, out)
    options = report_options(as_of, windows, by)
    ledger, _ = report_ledger(ctx, options)
    mode = Disclosure.INTERNAL
    if kind.publish is not None:
        mode = disclosure_for(output, disclosure)
        options = standing(ctx, options, mode, as_of)
    if kind.counts_forecasts:
        options = close_standing(ctx, ledger, options)
    inputs = Inputs(flags, lambda: unit_costs(ctx))
    value = api.registered(kind, ledger, options, mode, inputs)
    if output is Format.TABLE:
        print_registered(kind, value, mode, console_width())
    else:
        emit(ctx, registered_text(kind, value, output.value, mode), out)


def _parameter(name: str, annotation: Any, default: Any = None) -> inspect.Parameter:
    return inspect.Parameter(name, KEYWORD, annotation=annotation, default=default)


def _parameters(kind: ReportKind) -> list[inspect.Parameter]:
    """The command's options, in the order ``--help`` lists them: the date and window,
    ``--by`` for a report per period, the report's own flags, ``--disclosure`` for a
    report about children, the format."""
    parameters = [
        inspect.Parameter("ctx", KEYWORD, annotation=typer.Context),
        _parameter("as_of", AsOf),
        _parameter("month", Month),
        _parameter("period", Period),
        _parameter("quarter", Quarter),
        _parameter("fy", Year),
    ]
    if kind.by_period:
        parameters.append(_parameter("by", BY, Bucket.MONTH))
    for flag in kind.flags:
        option = typer.Option(flag.option, help=flag.help)
        parameters.append(_parameter(flag.name, Annotated[bool, option], False))
    if kind.about_children:
        parameters.append(_parameter("disclosure", DisclosureOption))
    parameters += [_parameter("output", FormatOption, Format.TABLE), _parameter("out", OutFile)]
    return parameters


def command_for(kind: ReportKind) -> Callable[..., None]:
    """The Typer command of ``kind``: its help from the registration, its options from
    :func:`_parameters` (Typer reads them from the signature given here)."""

    def command(ctx: typer.Context, **given: Any) -> None:
        windows = [given["month"], given["period"], given["quarter"], given["fy"]]
        flags = {flag.name: bool(given[flag.name]) for flag in kind.flags}
        disclosure, by = given.get("disclosure"), given.get("by", Bucket.MONTH)
        run_report(
            ctx, kind, given["as_of"], windows, disclosure, given["output"], given["out"], flags, by
        )

    command.__signature__ = inspect.Signature(_parameters(kind))  # type: ignore[attr-defined]
    command.__doc__ = f"{kind.summary}\n\nExample: {kind.example}\n"
    command.__name__ = kind.name.replace("-", "_")
    return command
