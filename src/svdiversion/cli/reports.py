"""The report commands: burndown, areas, outcomes, vfm and the monthly pack (report)."""

from __future__ import annotations

import os
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..core.fiscal import DateRange, parse_fy, parse_month, parse_period, parse_quarter
from ..core.ledger import Ledger
from ..core.models import UnitCost
from ..core.problems import Problem
from ..load import load_unit_costs
from ..render.problems import problems_text
from ..reports.disclosure import Disclosure
from ..reports.options import Bucket, ReportOptions
from . import output
from .common import EXIT_PROBLEMS, AsOf, fail, load_clean, workspace_root
from .month_end import close_standing, window_reconciliation
from .output import OutFile


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


def _window_parser(parse: Any) -> Any:
    def parser(text: str) -> DateRange:
        try:
            return parse(text)  # type: ignore[no-any-return]
        except ValueError as exc:
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
        as_of = min(window.end, date.today()) if window else date.today()
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


def standing(options: ReportOptions, mode: Disclosure, asked: date | None) -> ReportOptions:
    """A published report stands at the last month end on or before --as-of (or today);
    when --as-of names another day, a note on stderr says so. An internal report stands
    at the day asked for."""
    if mode is not Disclosure.PUBLISHED:
        return options
    moved = options.at_period_end()
    if asked is not None and moved.as_of != asked:
        sys.stderr.write(
            f"note: published figures stand at a month end: as of {moved.as_of}, "
            f"the last one on or before {options.as_of}\n"
        )
    return moved


def emit(ctx: typer.Context, text: str, out: Path | None) -> None:
    """Data to stdout, or atomically to ``out``; never over a ledger input file."""
    output.emit(ctx, text, out, "out/report.json", "reports")
    if out is not None and str(out) != "-":
        sys.stderr.write(f"wrote {out}\n")


def console_width() -> int | None:
    value = os.environ.get("SVDIVERSION_WIDTH")
    return int(value) if value and value.isdigit() else None


def unit_costs(ctx: typer.Context) -> list[UnitCost]:
    """config/unit_costs.yaml (optional: none when the file is not there), or the command
    stops with its located problems."""
    root = workspace_root(ctx)
    if not (root / "config/unit_costs.yaml").exists():
        return []
    costs, problems = load_unit_costs(root)
    if costs is None or problems:
        sys.stderr.write(problems_text(problems))
        fail(
            "config/unit_costs.yaml has problems; correct it, or remove it to leave the "
            "break-even table out",
            "see docs/ledger-format.md",
            EXIT_PROBLEMS,
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
    assert ledger is not None
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


def burndown(
    ctx: typer.Context,
    as_of: AsOf = None,
    month: Month = None,
    period: Period = None,
    quarter: Quarter = None,
    fy: Year = None,
    by: Annotated[Bucket, typer.Option("--by", help="Rows per month, quarter or fy.")] = (
        Bucket.MONTH
    ),
    output: FormatOption = Format.TABLE,
    out: OutFile = None,
) -> None:
    """Planned against actual spend, forecast outturn and RAG.

    Example: svdiversion burndown --as-of 2024-09-30 --by quarter
    """
    from ..render import report_views
    from ..reports.burndown import burndown as compute

    file_format(output, out)
    options = report_options(as_of, [month, period, quarter, fy], by)
    ledger, _ = report_ledger(ctx, options)
    options = close_standing(ledger, options)
    report = compute(ledger, options)
    if output is Format.TABLE:
        report_views.print_burndown(report, console_width())
    else:
        emit(ctx, report_views.burndown_text(report, output.value), out)


def areas(
    ctx: typer.Context,
    as_of: AsOf = None,
    month: Month = None,
    period: Period = None,
    quarter: Quarter = None,
    fy: Year = None,
    apportion: Annotated[
        bool, typer.Option("--apportion", help="Share costs not tied to an area by allocation.")
    ] = False,
    successors: Annotated[
        bool,
        typer.Option(
            "--successors",
            help="Report areas replaced since under the areas that succeed them on the as-of date.",
        ),
    ] = False,
    disclosure: DisclosureOption = None,
    output: FormatOption = Format.TABLE,
    out: OutFile = None,
) -> None:
    """Allocation, spend and reach per area, and whether provision is equitable.

    Example: svdiversion areas --apportion --format json --disclosure internal
    """
    from ..render import report_views
    from ..reports.areas import areas_report
    from ..reports.audit.release import Publisher
    from ..reports.pack import published_reports

    file_format(output, out)
    options = report_options(as_of, [month, period, quarter, fy])
    ledger, _ = report_ledger(ctx, options)
    mode = disclosure_for(output, disclosure)
    options = standing(options, mode, as_of)
    report = areas_report(ledger, options, apportion=apportion, successors=successors)
    if mode is Disclosure.PUBLISHED:
        _, report = published_reports(Publisher(ledger), options, report)
    if output is Format.TABLE:
        report_views.print_areas(report, mode, console_width())
    else:
        emit(ctx, report_views.areas_text(report, mode, output.value), out)


def outcomes(
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
    """Referrals, engagement, outcome measures, workshops; safe to publish by default.

    Example: svdiversion outcomes --quarter 2024/25-Q2 --format markdown --out q2.md
    """
    from ..render import report_views
    from ..reports.audit.release import Publisher
    from ..reports.outcomes import outcomes as compute

    file_format(output, out)
    options = report_options(as_of, [month, period, quarter, fy])
    ledger, _ = report_ledger(ctx, options)
    mode = disclosure_for(output, disclosure)
    options = standing(options, mode, as_of)
    if mode is Disclosure.PUBLISHED:
        report = Publisher(ledger).report(options).outcomes
    else:
        report = compute(ledger, options)
    if output is Format.TABLE:
        report_views.print_outcomes(report, console_width())
    else:
        emit(ctx, report_views.outcomes_text(report, output.value), out)


def vfm(
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
    """Cost per referral, engaged child, completion and positive outcome; break-even.

    Example: svdiversion vfm --as-of 2025-03-31
    """
    from ..render import report_views
    from ..reports.pack import disclosed_reports

    file_format(output, out)
    options = report_options(as_of, [month, period, quarter, fy])
    ledger, _ = report_ledger(ctx, options)
    mode = disclosure_for(output, disclosure)
    options = standing(options, mode, as_of)
    _, _, report = disclosed_reports(ledger, options, mode, unit_costs(ctx))
    if output is Format.TABLE:
        report_views.print_vfm(report, console_width())
    else:
        emit(ctx, report_views.vfm_text(report, output.value), out)


def report(
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
    """The treasurer's monthly pack: check status, headline, burn-down, areas, outcomes, VfM.

    Example: svdiversion report --month 2024-09
    """
    from ..render import report_views
    from ..reports.pack import monthly_pack

    if output is Format.CSV:
        fail(
            "the monthly pack has many tables: use --format table, json or markdown, or "
            "'svdiversion export csv --out DIR' for one CSV per table"
        )
    file_format(output, out)
    options = report_options(as_of, [month, period, quarter, fy])
    ledger, problems = report_ledger(ctx, options)
    mode = disclosure_for(output, disclosure)
    options = close_standing(ledger, standing(options, mode, as_of))
    pack = monthly_pack(ledger, options, mode, problems, unit_costs(ctx))
    month_end = window_reconciliation(ctx, ledger, options) if month else None
    if output is Format.TABLE:
        report_views.print_pack(pack, console_width(), month_end)
    else:
        emit(ctx, report_views.pack_text(pack, output.value, month_end), out)
