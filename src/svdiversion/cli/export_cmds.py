"""``svdiversion export xlsx`` and ``export csv``: the analyst's return as files.

Both commands compute the same reports as ``burndown``, ``areas``, ``outcomes`` and
``vfm`` with the same options, so a return cannot disagree with the terminal. Both are
published (disclosure control applied) unless ``--disclosure internal`` is given, and
both write atomically and never into the workspace's ledger or config folders.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import __version__
from ..core.fiscal import DateRange, Month
from ..core.ledger import Ledger
from ..load import UNIT_COSTS
from ..reports.disclosure import Disclosure
from ..reports.options import ReportOptions
from .common import AsOf, fail, workspace_root
from .output import FolderOut, WorkbookOut, emit_file, file_target, folder_target, write_into
from .reports import Month as MonthOption
from .reports import Period, Quarter, Year, report_ledger, report_options, unit_costs

if TYPE_CHECKING:  # the modules behind these load when a command runs, not at start-up
    from ..render.sheets import Sheet
    from ..render.xlsx import LedgerFile
    from ..reports.areas import AreasReport
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

    options = report_options(as_of, [month, period, quarter, fy])
    if out.suffix.lower() != ".xlsx":
        fail(f"{out} does not end in .xlsx", "name the workbook FILE.xlsx")
    ledger, _ = report_ledger(ctx)
    target = _target(ctx, out)
    shown = return_reports(ctx, ledger, options, disclosure)
    reconciliation, status = _reconciliation(ctx, ledger, options)
    given = marking if marking is not None else ledger.settings.protective_marking
    cover = xlsx.cover(
        ledger,
        options,
        disclosure,
        given.strip() or ledger.settings.protective_marking,
        made_at=made_at(),
        version=__version__,
        command=_command("xlsx", options, disclosure, marking),
        files=ledger_files(ledger),
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
    )
    write = partial(xlsx.write_workbook, excel)
    emit_file(ctx, target, write, "returns/return.xlsx", "the return")
    _said(ctx, f"wrote {out} ({disclosure.value}, as of {options.as_of})")


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

    options = report_options(as_of, [month, period, quarter, fy])
    ledger, _ = report_ledger(ctx)
    folder = _folder(ctx, out)
    shown = return_reports(ctx, ledger, options, disclosure)
    files = tidy_files(shown.burndown, shown.areas, shown.outcomes, shown.vfm, options, disclosure)
    files.update(rows_files(ledger, options, disclosure))
    write_into(folder, out, files)
    _said(ctx, f"wrote {', '.join(files)} in {out} ({disclosure.value}, as of {options.as_of})")


# ------------------------------------------------------------------------------ helpers


def return_reports(
    ctx: typer.Context, ledger: Ledger, options: ReportOptions, disclosure: Disclosure
) -> Reports:
    """The reports as the report commands make them; value for money only when
    config/unit_costs.yaml exists (a broken one stops the command with its problems)."""
    from ..reports.burndown import burndown
    from ..reports.pack import disclosed_reports

    has_costs = (workspace_root(ctx) / UNIT_COSTS).exists()
    costs = unit_costs(ctx) if has_costs else []
    areas, outcomes, value = disclosed_reports(ledger, options, disclosure, costs)
    return Reports(burndown(ledger, options), areas, outcomes, value if has_costs else None)


def _whole_contract(ledger: Ledger, options: ReportOptions) -> Burndown | None:
    """For a window, the burn-down of the whole contract on the same date (its chart)."""
    from ..reports.burndown import burndown

    return burndown(ledger, replace(options, window=None)) if options.window else None


def ledger_files(ledger: Ledger) -> list[LedgerFile]:
    """Every file the ledger was loaded from, with its SHA-256 digest and size."""
    from ..render.xlsx import LedgerFile

    found: list[LedgerFile] = []
    for name in ledger.files:
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
) -> tuple[tuple[Sheet, ...], str | None]:
    """For a window of one month: the reconciliation sheets when the finance export for the
    month is present and reads cleanly, and a line for the cover saying what was done."""
    window = options.window
    if window is None or Month.of(window.start) != Month.of(window.end):
        return (), None
    month = Month.of(window.start)
    from ..finance.commentary import load_commentary
    from ..finance.importer import read_export
    from ..finance.mapping import export_files, load_config
    from ..finance.reconcile import reconcile
    from ..render.finance import reconciliation_sheets, summary

    root = workspace_root(ctx)
    config, problems = load_config(root)
    if config is None:
        return _left_out(ctx, month, "no finance export mapping (config/finance-import.yaml)")
    exports = []
    for path in export_files(root, config.payments):
        export, found = read_export(path, path.relative_to(root).as_posix(), config.payments)
        problems += found
        if export is not None:
            exports.append(export)
    if not any(Month.of(p.date) == month for e in exports for p in e.payments):
        return _left_out(ctx, month, f"no finance export with payments in {month}")
    commentary, found = load_commentary(root, {line.id for line in ledger.line_budgets()})
    if problems or found:
        return _left_out(
            ctx,
            month,
            f"the finance inputs have problems: run 'svdiversion reconcile --month {month}'",
        )
    rec = reconcile(ledger, month, exports, commentary, config.reconcile)
    return tuple(reconciliation_sheets(rec)), summary(rec)


def _left_out(ctx: typer.Context, month: Month, reason: str) -> tuple[tuple[Sheet, ...], str]:
    text = f"{month} not reconciled in this return: {reason}"
    _said(ctx, f"note: {text}")
    return (), text


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


def _said(ctx: typer.Context, text: str) -> None:
    if not (ctx.obj and ctx.obj.get("quiet")):
        sys.stderr.write(text + "\n")
