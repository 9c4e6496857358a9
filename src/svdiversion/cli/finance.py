"""``svdiversion reconcile``, ``close`` and ``reopen``: the treasurer's month end."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..appendlog import NotAppended
from ..clock import now, today
from ..core.closes import closed_months, month_commentary, month_rows
from ..core.codes import Code
from ..core.fiscal import Month, months_between
from ..core.ledger import Ledger
from ..finance.closes import (
    CLOSES,
    append_record,
    close_record,
    reopen_record,
)
from .common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    AsOf,
    exit_code,
    fail,
    load,
    workspace_root,
)
from .month_end import (
    ByOption,
    MonthOption,
    clean_ledger,
    finance_inputs,
    no_export_yet,
    say_no_export,
    show_warnings,
    stop,
    who,
    within_contract,
    writing,
)
from .output import OutFile
from .report_options import Format, FormatOption, console_width, emit, file_format
from .state import say

if TYPE_CHECKING:  # the finance modules are imported when a month is reconciled
    from ..finance.reconcile import Reconciliation

PaymentsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--payments",
        metavar="FILE",
        help="Read this finance export instead of the ones in ledger/finance/ (repeatable).",
    ),
]


def reconcile(
    ctx: typer.Context,
    month: MonthOption,
    payments: PaymentsOption = None,
    output: FormatOption = Format.TABLE,
    out: OutFile = None,
    as_of: AsOf = None,
) -> None:
    """Reconcile a month of the ledger with the finance system's payments export.

    Matches the ledger's payments and refunds with the export by reference, then by
    amount within a few days; shows cash on both sides, and spend against the profile
    for the month and the year to date, with RAG, and whether the month is closed.
    Variances above the threshold need an explanation in ledger/commentary.yaml. Exit 0
    when everything agrees and is explained, 1 when not (or an export row cannot be
    read), 2 on a usage error (a month outside the contract among them).

    Example: svdiversion reconcile --month 2024-09 --format markdown --out 2024-09.md
    """
    from ..render.finance import closed_text, print_reconciliation, reconciliation_text, summary

    file_format(output, out)
    ledger = clean_ledger(ctx, as_of)
    within_contract(ledger, month)
    rec = _reconciliation(ctx, ledger, month, payments, need_export=False)
    if output is Format.TABLE:
        print_reconciliation(rec, console_width())
    else:
        emit(ctx, reconciliation_text(rec, output.value), out)
    sys.stderr.write(f"{summary(rec)}\n{month} is {closed_text(rec)}\n")
    if rec.reconciled and rec.closed is None and month.last_day < (as_of or today()):
        say(ctx, f"next: svdiversion close --month {month}")
    raise typer.Exit(EXIT_OK if rec.reconciled else EXIT_PROBLEMS)


def close(
    ctx: typer.Context,
    month: MonthOption,
    by: ByOption = None,
    payments: PaymentsOption = None,
    as_of: AsOf = None,
) -> None:
    """Close a month: refuse unless it reconciles, then record its digest.

    Appends the month, time, who, totals and a SHA-256 digest of the month's ledger rows
    to ledger/closes.yaml. From then on 'svdiversion check' reports any change to those
    rows (E501) until the month is reopened. A month outside the contract is a usage
    error (exit 2).

    Example: svdiversion close --month 2024-09 --by "A. Treasurer"
    """
    name = who(by)
    day = as_of or today()
    if day <= month.last_day:
        fail(
            f"{month} has not ended yet (as of {day})",
            "close a month once it is over and its payments are in the finance export",
            EXIT_PROBLEMS,
        )
    with writing(ctx):
        _close_locked(ctx, month, name, as_of, payments)


def _close_locked(
    ctx: typer.Context, month: Month, name: str, as_of: date | None, payments: list[Path] | None
) -> None:
    """The read-decide-append of ``close``, run while the ledger lock is held."""
    from ..finance.posting import source_file
    from ..render.finance import summary

    ledger = clean_ledger(ctx, as_of)
    within_contract(ledger, month)
    closed, _ = closed_months(ledger.closes)
    if str(month) in closed:
        record = closed[str(month)].record
        fail(
            f"{month} is already closed (on {record.at:%Y-%m-%d} by {record.by})",
            f"to change it, reopen it first: svdiversion reopen --month {month} --reason TEXT",
            EXIT_PROBLEMS,
        )
    rec = _reconciliation(ctx, ledger, month, payments, need_export=True)
    if not rec.reconciled:
        sys.stderr.write(summary(rec) + "\n")
        fail(
            f"{month} does not reconcile, so it was not closed",
            f"run 'svdiversion reconcile --month {month}' to see what does not agree",
            EXIT_PROBLEMS,
        )
    rows = month_rows(ledger, [month])[month]
    totals = {
        "actual": rec.total.month.actual,
        "profile": rec.total.month.profile,
        "ledger_cash": rec.ledger_cash,
        "finance_cash": rec.finance_cash,
    }
    commentary = month_commentary(ledger, month)
    root = workspace_root(ctx)
    exports = {source_file(root, s.path): s.digest for s in rec.sources}
    _append(ctx, close_record(rows, now(), name, totals, commentary, exports))
    count = len(rows.rows)
    print(
        f"Closed {month} ({month.fy_period}) by {name}: {count} row{'s' * (count != 1)}, "
        f"{rows.digest}; recorded in {CLOSES}"
    )
    sys.stderr.write(_earlier_open(set(closed), month))
    say(
        ctx,
        f"next: svdiversion report --month {month} --format markdown --out pack-{month}.md "
        "(the monthly pack); 'svdiversion check' now guards the month's rows and commentary",
    )


def _earlier_open(closed: set[str], month: Month) -> str:
    """A warning when months between the first month ever closed and ``month`` are open:
    a month end skipped, or a month reopened and not closed again. (Months before the
    first close are not named: the closes start where the treasurer started them.)"""
    if not closed:
        return ""
    first = min([Month.parse(m) for m in closed] + [month])
    gaps = [str(m) for m in months_between(first, month.previous()) if str(m) not in closed]
    if not gaps:
        return ""
    shown = ", ".join(gaps[:6]) + (f" and {len(gaps) - 6} more" if len(gaps) > 6 else "")
    plural = "s are" if len(gaps) > 1 else " is"
    return (
        f"warning: {month} is closed while earlier month{plural} open: {shown}; "
        "reconcile and close them too (svdiversion reconcile --month M)\n"
    )


def reopen(
    ctx: typer.Context,
    month: MonthOption,
    reason: Annotated[
        str, typer.Option("--reason", metavar="TEXT", help="Why the month is reopened.")
    ],
    by: ByOption = None,
) -> None:
    """Reopen a closed month, with a reason, so its rows may change again.

    Appends a record to ledger/closes.yaml; the close stays in the history. Works even
    when 'check' reports the month changed (E501): reopening is how that is settled.

    Example: svdiversion reopen --month 2024-09 --reason "Credit note TCS-CN-0009 received late"
    """
    name = who(by)
    if not reason.strip():
        fail("give the reason for reopening with --reason TEXT")
    with writing(ctx):
        _reopen_locked(ctx, month, name, reason.strip())


def _reopen_locked(ctx: typer.Context, month: Month, name: str, reason: str) -> None:
    """The read-decide-append of ``reopen``, run while the ledger lock is held."""
    root = workspace_root(ctx)
    result = load(ctx, None)
    if result.ledger is None:
        code = exit_code(result.problems)
        stop(root, result.errors, "the ledger cannot be read; nothing was appended", code)
    within_contract(result.ledger, month)
    broken = [p for p in result.problems if p.code == Code.E502]
    if broken:
        stop(root, broken, f"{CLOSES} has problems; nothing was appended", EXIT_PROBLEMS)
    closed, _ = closed_months(result.ledger.closes)
    if str(month) not in closed:
        fail(
            f"{month} is not closed", f"the months closed now are listed in {CLOSES}", EXIT_PROBLEMS
        )
    _append(ctx, reopen_record(month, now(), name, reason))
    print(f"Reopened {month} ({month.fy_period}) by {name}; recorded in {CLOSES}")
    say(
        ctx,
        f"next: correct the month's rows (svdiversion import --month {month} for payments "
        f"the finance export has), then svdiversion reconcile --month {month} and "
        f"svdiversion close --month {month}",
    )


# ------------------------------------------------------------------------------ helpers


def _reconciliation(
    ctx: typer.Context,
    ledger: Ledger,
    month: Month,
    payments: list[Path] | None,
    *,
    need_export: bool,
) -> Reconciliation:
    """Read the mapping, the export(s) and the commentary, and reconcile ``month``."""
    from ..finance.commentary import load_commentary
    from ..finance.reconcile import reconcile as reconcile_month

    root = workspace_root(ctx)
    inputs = finance_inputs(ctx, month, payments)
    if no_export_yet(inputs):
        if need_export:
            fail(
                f"no finance export found: {inputs.pattern} matches no file",
                "save the finance system's payments export in ledger/finance/, "
                "or pass --payments FILE",
            )
        say_no_export(inputs)
    commentary, found = load_commentary(root, {line.id for line in ledger.line_budgets()})
    problems = inputs.problems + found
    if problems:
        stop(root, problems, "the finance inputs have problems; nothing was reconciled")
    show_warnings(inputs)
    return reconcile_month(ledger, month, inputs.exports, commentary, inputs.config.reconcile)


def _append(ctx: typer.Context, record: dict[str, object]) -> None:
    try:
        append_record(workspace_root(ctx), record)
    except NotAppended as exc:
        fail(
            f"{exc}; {CLOSES} is unchanged",
            "nothing was recorded: fix the cause and run the command again",
            EXIT_USAGE if exc.io else EXIT_PROBLEMS,
        )
