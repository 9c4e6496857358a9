"""``svdiversion reconcile``, ``close`` and ``reopen``: the treasurer's month end."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from ..appendlog import NotAppended
from ..core.closes import closed_months, month_rows
from ..core.codes import Code
from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..core.problems import UNREADABLE_CODES, Problem, sort_problems
from ..finance.closes import (
    CLOSES,
    append_record,
    close_record,
    reopen_record,
)
from ..finance.commentary import load_commentary
from ..finance.importer import UNREADABLE_EXPORT_CODES, Export, read_export
from ..finance.mapping import export_files, load_config
from ..finance.reconcile import Reconciliation
from ..finance.reconcile import reconcile as reconcile_month
from ..load.excerpts import locate
from ..lock import LockUnavailable, ledger_lock
from ..render.problems import problems_text
from .common import (
    EXIT_OK,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    AsOf,
    exit_code,
    fail,
    load,
    load_clean,
    parse_month_option,
    workspace_root,
)
from .reports import Format, FormatOption, console_width

MonthOption = Annotated[
    Month,
    typer.Option(
        "--month", parser=parse_month_option, metavar="YYYY-MM", help="The month, e.g. 2024-09."
    ),
]
PaymentsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--payments",
        metavar="FILE",
        help="Read this finance export instead of the ones in ledger/finance/ (repeatable).",
    ),
]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by",
        metavar="NAME",
        help="Who is doing it. Default: $SVDIVERSION_USER, then $USER.",
    ),
]


def reconcile(
    ctx: typer.Context,
    month: MonthOption,
    payments: PaymentsOption = None,
    output: FormatOption = Format.TABLE,
    as_of: AsOf = None,
) -> None:
    """Reconcile a month of the ledger with the finance system's payments export.

    Matches the ledger's payments and refunds with the export by reference, then by
    amount within a few days; shows cash on both sides, and spend against the profile
    for the month and the year to date, with RAG. Variances above the threshold need an
    explanation in ledger/commentary.yaml. Exit 0 when everything agrees and is
    explained, 1 when not (or an export row cannot be read), 2 on a usage error.

    Example: svdiversion reconcile --month 2024-09 --payments payments-sep.csv
    """
    from ..render.finance import print_reconciliation, reconciliation_text, summary

    ledger = _ledger(ctx, as_of)
    rec = _reconciliation(ctx, ledger, month, payments)
    if output is Format.TABLE:
        print_reconciliation(rec, console_width())
    else:
        sys.stdout.write(reconciliation_text(rec, output.value))
    sys.stderr.write(summary(rec) + "\n")
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
    rows (E501) until the month is reopened.

    Example: svdiversion close --month 2024-09 --by "A. Treasurer"
    """

    who = _who(by)
    today = as_of or date.today()
    if today <= month.last_day:
        fail(
            f"{month} has not ended yet (as of {today})",
            "close a month once it is over and its payments are in the finance export",
            EXIT_PROBLEMS,
        )
    with _writing(ctx):
        _close_locked(ctx, month, who, as_of, payments)


def _close_locked(
    ctx: typer.Context, month: Month, who: str, as_of: date | None, payments: list[Path] | None
) -> None:
    """The read-decide-append of ``close``, run while the ledger lock is held."""
    from ..render.finance import summary

    ledger = _ledger(ctx, as_of)
    closed, _ = closed_months(ledger.closes)
    if str(month) in closed:
        record = closed[str(month)].record
        fail(
            f"{month} is already closed (on {record.at:%Y-%m-%d} by {record.by})",
            f"to change it, reopen it first: svdiversion reopen --month {month} --reason TEXT",
            EXIT_PROBLEMS,
        )
    rec = _reconciliation(ctx, ledger, month, payments)
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
    _append(ctx, close_record(rows, now(), who, totals))
    count = len(rows.rows)
    print(
        f"Closed {month} ({month.fy_period}) by {who}: {count} row{'s' * (count != 1)}, "
        f"{rows.digest}; recorded in {CLOSES}"
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
    who = _who(by)
    if not reason.strip():
        fail("give the reason for reopening with --reason TEXT")
    with _writing(ctx):
        _reopen_locked(ctx, month, who, reason.strip())


def _reopen_locked(ctx: typer.Context, month: Month, who: str, reason: str) -> None:
    """The read-decide-append of ``reopen``, run while the ledger lock is held."""
    root = workspace_root(ctx)
    result = load(ctx, None)
    if result.ledger is None:
        code = exit_code(result.problems)
        _stop(root, result.errors, "the ledger cannot be read; nothing was appended", code)
    broken = [p for p in result.problems if p.code == Code.E502]
    if broken:
        _stop(root, broken, f"{CLOSES} has problems; nothing was appended", EXIT_PROBLEMS)
    closed, _ = closed_months(result.ledger.closes)
    if str(month) not in closed:
        fail(
            f"{month} is not closed", f"the months closed now are listed in {CLOSES}", EXIT_PROBLEMS
        )
    _append(ctx, reopen_record(month, now(), who, reason))
    print(f"Reopened {month} ({month.fy_period}) by {who}; recorded in {CLOSES}")


# ------------------------------------------------------------------------------ helpers


@contextmanager
def _writing(ctx: typer.Context) -> Iterator[None]:
    """The ledger lock for a command's whole read-modify-write (see svdiversion.lock)."""
    try:
        with ledger_lock(workspace_root(ctx)):
            yield
    except LockUnavailable as exc:
        fail(
            f"{exc}; nothing was recorded",
            "wait for the other command to finish (or check the folder's permissions), "
            "then run this again",
        )


def now() -> datetime:
    """The time a record is stamped with: local time with its UTC offset, to the second."""
    return datetime.now().astimezone().replace(microsecond=0)


def _who(by: str | None) -> str:
    name = by or os.environ.get("SVDIVERSION_USER") or os.environ.get("USER") or ""
    if not name.strip():
        fail("say who you are with --by NAME", "or set SVDIVERSION_USER in the environment")
    return name.strip()


def _ledger(ctx: typer.Context, as_of: date | None) -> Ledger:
    ledger = load_clean(ctx, as_of).ledger
    assert ledger is not None, "load_clean stops the command when the ledger did not load"
    return ledger


def _reconciliation(
    ctx: typer.Context, ledger: Ledger, month: Month, payments: list[Path] | None
) -> Reconciliation:
    """Read the mapping, the export(s) and the commentary, and reconcile ``month``."""
    root = workspace_root(ctx)
    config, problems = load_config(root)
    if config is None:
        _stop(root, problems, "the finance export mapping cannot be read")
    if payments:
        files = [(path, str(path)) for path in payments]
    else:
        files = [(p, p.relative_to(root).as_posix()) for p in export_files(root, config.payments)]
    if not files:
        fail(
            f"no finance export found: {config.payments.files} matches no file",
            "save the finance system's payments export in ledger/finance/, or pass --payments FILE",
        )
    exports: list[Export] = []
    for path, display in files:
        export, found = read_export(path, display, config.payments)
        problems += found
        if export is not None:
            exports.append(export)
    commentary, found = load_commentary(root, {line.id for line in ledger.line_budgets()})
    problems += found
    if problems:
        _stop(root, problems, "the finance inputs have problems; nothing was reconciled")
    return reconcile_month(ledger, month, exports, commentary, config.reconcile)


def _stop(root: Path, problems: list[Problem], message: str, code: int | None = None) -> NoReturn:
    """Show located problems on stderr and stop: 2 when a file cannot be read at all."""
    # Export problems carry their excerpt already (decoded in the export's encoding);
    # YAML problems get theirs here.
    yaml = [p for p in problems if not p.excerpt and not p.path.endswith(".csv")]
    shown = sort_problems([p for p in problems if p not in yaml] + locate(root, yaml))
    sys.stderr.write(problems_text(shown))
    if code is None:
        code = exit_code(problems, unreadable=UNREADABLE_CODES | UNREADABLE_EXPORT_CODES)
    fail(f"{message} ({len(shown)} problem{'s' * (len(shown) != 1)})", "", code)


def _append(ctx: typer.Context, record: dict[str, object]) -> None:
    try:
        append_record(workspace_root(ctx), record)
    except NotAppended as exc:
        fail(
            f"{exc}; {CLOSES} is unchanged",
            "nothing was recorded: fix the cause and run the command again",
            EXIT_USAGE if exc.io else EXIT_PROBLEMS,
        )
