"""``svdiversion export xlsx`` and ``export csv``: the analyst's return as files.

Both commands compute the same reports as ``burndown``, ``areas``, ``outcomes`` and
``vfm`` with the same options, so a return cannot disagree with the terminal. Both are
published (disclosure control applied) unless ``--disclosure internal`` is given, and
both write atomically and never into the workspace's ledger or config folders.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import __version__
from ..core.fiscal import DateRange, Month
from ..core.ledger import Ledger
from ..load import UNIT_COSTS
from ..load.presence import present
from ..reports.disclosure import Disclosure
from ..reports.options import ReportOptions
from .common import AsOf, fail, workspace_root
from .month_end import close_standing, window_reconciliation
from .output import FolderOut, WorkbookOut, emit_file, file_target, folder_target, write_into
from .report_options import Month as MonthOption
from .report_options import (
    Period,
    Quarter,
    Year,
    report_ledger,
    report_options,
    standing,
    unit_costs,
)
from .state import say

if TYPE_CHECKING:  # the modules behind these load when a command runs, not at start-up
    from ..core.sheet import Sheet
    from ..render.xlsx import LedgerFile
    from ..reports.areas import AreasReport
    from ..reports.audit.release import Publisher
    from ..reports.burndown import Burndown
    from ..reports.outcomes import OutcomesReport
    from ..reports.vfm import VfmReport

ExportDisclosure = Annotated[
    Disclosure,
    typer.Option(
        "--disclosure",
        help="published (rounded, small counts hidden) or internal (exact counts, with the "
        "referral episodes; every tab marked INTERNAL).",
    ),
]
Marking = Annotated[
    str | None,
    typer.Option(
        "--marking",
        metavar="TEXT",
        help="Protective marking on every tab, header and footer. "
        "Default: protective_marking in config/settings.yaml (OFFICIAL-SENSITIVE).",
    ),
]


@dataclass(frozen=True, slots=True)
class Reports:
    """The reports of one return, disclosure applied; ``vfm`` when unit costs are set up."""

    burndown: Burndown
    areas: AreasReport
    outcomes: OutcomesReport
    vfm: VfmReport | None


def xlsx_export(
    ctx: typer.Context,
    out: WorkbookOut,
    as_of: AsOf = None,
    month: MonthOption = None,
    period: Period = None,
    quarter: Quarter = None,
    fy: Year = None,
    disclosure: ExportDisclosure = Disclosure.PUBLISHED,
    marking: Marking = None,
) -> None:
    """The quarterly return as an Excel workbook, ready to send.

    Tabs: Cover (service, decision, period, marking, disclosure policy, SHA-256 of every
    ledger file), Summary, Burn-down and Areas (each with a native chart), Outcomes,
    Value for money, Transactions (a filterable table), Episodes (internal only) and,
    for one month with its finance export present, Reconciliation. Totals are live
    formulas. See docs/excel-return.md.

    Example: svdiversion export xlsx --quarter 2024/25-Q2 --out return-2024-25-Q2.xlsx
    """
    from ..render import xlsx
    from ..render.tidy import episodes_sheet, transactions_sheet
    from ..reports.audit.release import Publisher

    options = standing(ctx, report_options(as_of, [month, period, quarter, fy]), disclosure, as_of)
    if out.suffix.lower() != ".xlsx":
        fail(f"{out} does not end in .xlsx", "name the workbook FILE.xlsx")
    ledger, _ = report_ledger(ctx, options)
    options = close_standing(ctx, ledger, options)
    target = _target(ctx, out)
    publisher = Publisher(ledger)  # one for the reports and the trends: each release once
    shown = return_reports(ctx, ledger, options, disclosure, publisher)
    reconciliation, status, read = _reconciliation(ctx, ledger, options)
    given = marking if marking is not None else ledger.settings.protective_marking
    cover = xlsx.cover(
        ledger,
        options,
        disclosure,
        given.strip() or ledger.settings.protective_marking,
        made_at=made_at(),
        version=__version__,
        command=_command("xlsx", options, disclosure, marking),
        files=ledger_files(ledger, [*([UNIT_COSTS] if shown.vfm else []), *read]),
        reconciliation=status,
    )
    excel = xlsx.ExcelReturn(
        cover,
        shown.burndown,
        shown.areas,
        shown.outcomes,
        transactions_sheet(ledger, options),
        vfm=shown.vfm,
        episodes=(episodes_sheet(ledger, options) if disclosure is Disclosure.INTERNAL else None),
        reconciliation=reconciliation,
        contract=_whole_contract(ledger, options),
        **_looking_ahead(ledger, options, disclosure, publisher),
    )
    emit_file(ctx, target, partial(xlsx.write_workbook, excel), "returns/return.xlsx", "the return")
    say(ctx, f"wrote {out} ({disclosure.value}, as of {options.as_of})")


def csv_export(
    ctx: typer.Context,
    out: FolderOut,
    as_of: AsOf = None,
    month: MonthOption = None,
    period: Period = None,
    quarter: Quarter = None,
    fy: Year = None,
    disclosure: ExportDisclosure = Disclosure.PUBLISHED,
) -> None:
    """Each report as tidy CSV, one row per value, for pivot tables and other tools.

    Writes DIR/burndown.csv, areas.csv, outcomes.csv and (with config/unit_costs.yaml)
    vfm.csv, each with the columns as_of, window, disclosure, report, table, row,
    column, value, unit, total, period, fy_period, area, budget_line, measure; and
    transactions.csv (with internal disclosure also episodes.csv), the ledger rows of
    the period. Text that a spreadsheet would run as a formula is made inert. See
    docs/excel-return.md.

    Example: svdiversion export csv --quarter 2024/25-Q2 --out return-2024-25-Q2
    """
    from ..render.tidy import rows_files, tidy_files

    options = standing(ctx, report_options(as_of, [month, period, quarter, fy]), disclosure, as_of)
    ledger, _ = report_ledger(ctx, options)
    options = close_standing(ctx, ledger, options)
    folder = _folder(ctx, out)
    shown = return_reports(ctx, ledger, options, disclosure)
    files = tidy_files(shown.burndown, shown.areas, shown.outcomes, shown.vfm, options, disclosure)
    files.update(rows_files(ledger, options, disclosure))
    write_into(folder, out, files)
    say(ctx, f"wrote {', '.join(files)} in {out} ({disclosure.value}, as of {options.as_of})")


def parquet_export(
    ctx: typer.Context,
    out: FolderOut,
    as_of: AsOf = None,
    month: MonthOption = None,
    period: Period = None,
    quarter: Quarter = None,
    fy: Year = None,
    disclosure: ExportDisclosure = Disclosure.PUBLISHED,
) -> None:
    """The tidy table and the ledger rows as Parquet, for Power BI, DuckDB and pandas.

    Writes DIR/tidy.parquet (every report, one row per value, the columns and published
    values of 'export csv') and transactions.parquet (with internal disclosure also
    episodes.parquet), the ledger rows of the period with dates as dates and amounts as
    exact decimals. See docs/output-formats.md.

    Example: svdiversion export parquet --quarter 2024/25-Q2 --out return-2024-25-Q2
    """
    from ..render.parquet import parquet_files
    from ..render.tidy import rows_sheets, tidy_context, tidy_tables

    options = standing(ctx, report_options(as_of, [month, period, quarter, fy]), disclosure, as_of)
    ledger, _ = report_ledger(ctx, options)
    options = close_standing(ctx, ledger, options)
    folder = _folder(ctx, out)
    shown = return_reports(ctx, ledger, options, disclosure)
    files = parquet_files(
        tidy_tables(shown.burndown, shown.areas, shown.outcomes, shown.vfm),
        tidy_context(options, disclosure),
        ledger.currency,
        rows_sheets(ledger, options, disclosure),
    )
    write_into(folder, out, files)
    say(ctx, f"wrote {', '.join(files)} in {out} ({disclosure.value}, as of {options.as_of})")


# ------------------------------------------------------------------------------ helpers


def return_reports(
    ctx: typer.Context,
    ledger: Ledger,
    options: ReportOptions,
    disclosure: Disclosure,
    publisher: Publisher | None = None,
) -> Reports:
    """The reports as the report commands make them; value for money only when
    config/unit_costs.yaml exists (a broken one stops the command with its problems)."""
    from ..reports.burndown import burndown
    from ..reports.pack import disclosed_reports

    has_costs = present(workspace_root(ctx) / UNIT_COSTS)
    costs = unit_costs(ctx) if has_costs else []
    areas, outcomes, value = disclosed_reports(ledger, options, disclosure, costs, publisher)
    return Reports(burndown(ledger, options), areas, outcomes, value if has_costs else None)


def _looking_ahead(
    ledger: Ledger, options: ReportOptions, disclosure: Disclosure, publisher: Publisher
) -> dict[str, Any]:
    """The workbook's outlook to the contract end and its trends (the Trends tab)."""
    from ..reports.spend_outlook import spend_outlook
    from ..reports.trends import trends

    return {
        "outlook": spend_outlook(ledger, options.as_of),
        "trends": trends(ledger, options.as_of, disclosure, publisher=publisher),
    }


def _whole_contract(ledger: Ledger, options: ReportOptions) -> Burndown | None:
    """For a window, the burn-down of the whole contract on the same date (its chart)."""
    from ..reports.burndown import burndown

    return burndown(ledger, replace(options, window=None)) if options.window else None


def ledger_files(ledger: Ledger, also: list[str] | None = None) -> list[LedgerFile]:
    """Every file the ledger was loaded from, then the other files the return's figures
    were made from (``also``: unit costs, the finance inputs of a reconciliation), each
    with its SHA-256 digest and size."""
    from ..render.xlsx import LedgerFile

    found: list[LedgerFile] = []
    for name in [*ledger.files, *(also or [])]:
        data = (ledger.root / name).read_bytes()
        found.append(LedgerFile(name, hashlib.sha256(data).hexdigest(), len(data)))
    return found


def made_at() -> datetime:
    """Now in UTC (naive: spreadsheets have no time zones), or $SOURCE_DATE_EPOCH when set,
    so a build can make the same return twice."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.replace(tzinfo=None, microsecond=0)


def _target(ctx: typer.Context, out: Path) -> Path:
    """The workbook's path, refused inside the ledger or config folders."""
    return file_target(ctx, out, "returns/return.xlsx", "the return")


def _folder(ctx: typer.Context, out: Path) -> Path:
    """The CSV folder (made when written), refused inside the ledger or config folders."""
    return folder_target(ctx, out, "returns/2024-25-Q2", "the return")


def _reconciliation(
    ctx: typer.Context, ledger: Ledger, options: ReportOptions
) -> tuple[tuple[Sheet, ...], str | None, list[str]]:
    """For a window of one month: the reconciliation sheets when the finance export for the
    month is present and reads cleanly, a line for the cover saying what was done, and
    the files the reconciliation read (for the cover's digests)."""
    from ..finance.mapping import FINANCE_IMPORT, export_files, load_config
    from ..render.finance import closed_text, reconciliation_sheets, summary

    rec, note = window_reconciliation(ctx, ledger, options)
    if rec is None:
        if note:
            say(ctx, f"note: {note}")
        return (), note, []
    root = workspace_root(ctx)
    config, _ = load_config(root)
    read = [FINANCE_IMPORT]
    if rec.with_close_exports:  # a closed month: the exports its close recorded
        read += [s.path for s in rec.sources]
    elif config is not None:
        read += [p.relative_to(root).as_posix() for p in export_files(root, config)]
    status = summary(rec)
    if rec.closed is not None:  # say which exports a closed month's figures are from
        status += f"; {rec.month} is {closed_text(rec)}"
    return tuple(reconciliation_sheets(rec)), status, read  # commentary: a ledger file


def _command(name: str, options: ReportOptions, disclosure: Disclosure, marking: str | None) -> str:
    """The command line that makes the same return again."""
    words = ["svdiversion", "export", name, "--as-of", options.as_of.isoformat()]
    words += _window_option(options.window)
    words += ["--disclosure", disclosure.value]
    if marking is not None:
        words += ["--marking", f"'{marking}'" if " " in marking else marking]
    return " ".join(words) + " --out FILE"


def _window_option(window: DateRange | None) -> list[str]:
    if window is None:
        return []
    first, last = Month.of(window.start), Month.of(window.end)
    months = last.index - first.index + 1
    if months == 1:
        return ["--month", str(first)]
    if months == 3:
        return ["--quarter", first.fy_quarter.replace(" ", "-")]
    return ["--fy", first.fy_label]
