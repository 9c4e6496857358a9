"""The monthly pack (``report``): every report in one, in the terminal, JSON, Markdown,
HTML and PDF. Each report on its own is registered (``reports.registry``) and served by
``cli.registered``."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from ..core.ledger import Ledger
from ..reports.options import ReportOptions
from .common import (
    AsOf,
    fail,
)
from .month_end import close_standing, window_reconciliation
from .output import OutFile
from .report_options import (
    DisclosureOption,
    Format,
    Month,
    PackFormat,
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


def report(
    ctx: typer.Context,
    as_of: AsOf = None,
    month: Month = None,
    period: Period = None,
    quarter: Quarter = None,
    fy: Year = None,
    disclosure: DisclosureOption = None,
    output: Annotated[
        PackFormat,
        typer.Option(
            "--format", "-f", help="Output format; html and pdf make a document for A4 print."
        ),
    ] = PackFormat.TABLE,
    out: OutFile = None,
) -> None:
    """The treasurer's monthly pack: check status, headline, burn-down, areas, outcomes, VfM.

    Example: svdiversion report --month 2024-09 --format html --out pack.html
    """
    from .. import api
    from ..render import report_views

    if output is PackFormat.CSV:
        fail(
            "the monthly pack has many tables: use --format table, json, markdown, html or "
            "pdf, or 'svdiversion export csv --out DIR' for one CSV per table"
        )
    document = output in (PackFormat.HTML, PackFormat.PDF)
    if output is PackFormat.PDF and out is None and sys.stdout.isatty():
        fail(
            "a PDF is not for the terminal: give --out FILE.pdf (or redirect the output)",
            "svdiversion report --month 2024-09 --format pdf --out pack.pdf",
        )
    shape = Format.MARKDOWN if document else Format(output.value)
    file_format(shape, out)
    options = report_options(as_of, [month, period, quarter, fy])
    ledger, problems = report_ledger(ctx, options)
    mode = disclosure_for(shape, disclosure)
    options = close_standing(ctx, ledger, standing(ctx, options, mode, as_of))
    pack = api.pack(ledger, options, mode, problems, unit_costs(ctx))
    month_end = window_reconciliation(ctx, ledger, options) if month else None
    if document:
        emit(ctx, _pack_document(pack, ledger, options, month_end, output), out)
    elif shape is Format.TABLE:
        report_views.print_pack(pack, console_width(), month_end)
    else:
        emit(ctx, report_views.pack_text(pack, shape.value, month_end), out)


def _pack_document(
    pack: Any, ledger: Ledger, options: ReportOptions, month_end: Any, output: PackFormat
) -> str | bytes:
    """The pack as an HTML page, or that page printed to PDF."""
    from ..render.html_pack import pack_html, pdf_bytes
    from ..reports.spend_outlook import spend_outlook

    outlook = spend_outlook(ledger, pack.burndown.as_of)
    html = pack_html(pack, ledger, outlook, options, month_end)
    return html if output is PackFormat.HTML else pdf_bytes(html)
