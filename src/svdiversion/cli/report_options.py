"""What every report command shares: the window options (one of ``--month``,
``--period``, ``--quarter``, ``--fy``), the formats, the disclosure option and where a
published report stands, the ledger a report is made from, and its output."""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..clock import today
from ..core.fiscal import (
    DateRange,
    parse_bounded,
    parse_fy,
    parse_month,
    parse_period,
    parse_quarter,
)
from ..core.ledger import Ledger
from ..core.models import UnitCost
from ..core.problems import Problem
from ..load import load_unit_costs
from ..load.presence import present
from ..render.problems import problems_text
from ..reports.disclosure import Disclosure
from ..reports.options import Bucket, ReportOptions
from . import output
from .common import (
    EXIT_PROBLEMS,
    exit_code,
    fail,
    load_clean,
    workspace_root,
)
from .state import say


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


class PackFormat(StrEnum):
    """The monthly pack's formats: those of every report, and a document to print."""

    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"
    HTML = "html"
    PDF = "pdf"


def _window_parser(parse: Any) -> Any:
    def parser(text: str) -> DateRange:
        try:
            return parse_bounded(parse, text)
        except ValueError as exc:  # what to write, or the range (OutsideDates)
            raise typer.BadParameter(str(exc)) from None

    return parser


Month = Annotated[
    DateRange | None,
    typer.Option(
        "--month",
        parser=_window_parser(parse_month),
        metavar="YYYY-MM",
        help="One calendar month, e.g. 2024-09.",
    ),
]
Period = Annotated[
    DateRange | None,
    typer.Option(
        "--period",
        parser=_window_parser(parse_period),
        metavar="YYYY/YY-PNN",
        help="One financial period, e.g. 2024/25-P06 (P01 is April).",
    ),
]
Quarter = Annotated[
    DateRange | None,
    typer.Option(
        "--quarter",
        parser=_window_parser(parse_quarter),
        metavar="YYYY/YY-QN",
        help="One financial quarter, e.g. 2024/25-Q2 (Q1 is April to June).",
    ),
]
Year = Annotated[
    DateRange | None,
    typer.Option(
        "--fy",
        parser=_window_parser(parse_fy),
        metavar="YYYY/YY",
        help="One financial year, e.g. 2024/25.",
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
DisclosureOption = Annotated[
    Disclosure | None,
    typer.Option(
        "--disclosure",
        help="published (rounded, small counts hidden) or internal (exact). "
        "Default: internal on the terminal (with a banner), published for every file format.",
    ),
]


def report_options(
    as_of: date | None, windows: list[DateRange | None], bucket: Bucket = Bucket.MONTH
) -> ReportOptions:
    """One window at most; a window without --as-of shows the ledger at the window's end."""
    chosen = [w for w in windows if w is not None]
    if len(chosen) > 1:
        fail("give only one of --month, --period, --quarter and --fy")
    window = chosen[0] if chosen else None
    if as_of is None:
        as_of = min(window.end, today()) if window else today()
    return ReportOptions(as_of=as_of, window=window, bucket=bucket)


def file_format(output: Format, out: Path | None) -> None:
    """The terminal table is for people at a terminal: a file gets a format for files."""
    if out is not None and output is Format.TABLE:
        fail(
            "--out writes a file: give --format json, csv or markdown with it",
            "the table format is for the terminal; 'svdiversion report --format markdown "
            "--out pack.md' makes a file to share",
        )


def disclosure_for(output: Format, chosen: Disclosure | None) -> Disclosure:
    if chosen is not None:
        return chosen
    return Disclosure.INTERNAL if output is Format.TABLE else Disclosure.PUBLISHED


def standing(
    ctx: typer.Context, options: ReportOptions, mode: Disclosure, asked: date | None
) -> ReportOptions:
    """A published report stands at the last month end on or before --as-of (or today);
    when --as-of names another day, a note on stderr says so. An internal report stands
    at the day asked for."""
    moved = options.standing(mode)
    if mode is Disclosure.PUBLISHED and asked is not None and moved.as_of != asked:
        say(
            ctx,
            f"note: published figures stand at a month end: as of {moved.as_of}, "
            f"the last one on or before {options.as_of}",
        )
    return moved


def emit(ctx: typer.Context, text: str | bytes, out: Path | None) -> None:
    """Data to stdout, or atomically to ``out``; never over a ledger input file."""
    output.emit(ctx, text, out, "out/report.json", "reports")
    if out is not None and str(out) != "-":
        say(ctx, f"wrote {out}")


def console_width() -> int | None:
    value = os.environ.get("SVDIVERSION_WIDTH")
    return int(value) if value and value.isdigit() else None


def unit_costs(ctx: typer.Context) -> list[UnitCost]:
    """config/unit_costs.yaml (optional: none when the file is not there), or the command
    stops with its located problems."""
    root = workspace_root(ctx)
    if not present(root / "config/unit_costs.yaml"):
        return []
    costs, problems = load_unit_costs(root)
    if costs is None or problems:
        sys.stderr.write(problems_text(problems))
        fail(
            "config/unit_costs.yaml has problems; correct it, or remove it to leave the "
            "break-even table out",
            "see docs/ledger-format.md",
            exit_code(problems) or EXIT_PROBLEMS,
        )
    return costs


def report_ledger(
    ctx: typer.Context, options: ReportOptions | None = None
) -> tuple[Ledger, list[Problem]]:
    """The ledger for a report, checked as of today (a report's --as-of only hides later
    rows), and its warnings; the command stops on any error or when there is no decision,
    and (exit 2) when the window of ``options`` has no day in the contract."""
    result = load_clean(ctx, None)
    ledger = result.ledger
    if not ledger.decisions:
        fail(
            "the ledger has no decisions yet: nothing to report",
            "record a decision in ledger/contract.yaml (see docs/ledger-format.md)",
            EXIT_PROBLEMS,
        )
    window = options.window if options is not None else None
    if window is not None and (window.end < ledger.start or window.start > ledger.end):
        fail(
            f"{window.label}, {window.start} to {window.end}, is outside the contract, "
            f"which runs from {ledger.start} to {ledger.end}",
            "give a --month, --period, --quarter or --fy within the contract",
        )
    return ledger, result.problems
