"""``svdiversion import``: the finance export's payments of a month as ledger rows."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..core.closes import closed_months
from ..core.fiscal import Month
from ..core.ledger import Ledger
from ..load import TRANSACTIONS
from ..render.problems import problems_text
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
    MonthOption,
    clean_ledger,
    finance_inputs,
    no_export_yet,
    say_no_export,
    show_warnings,
    stop,
    within_contract,
    writing,
)
from .report_options import Format, FormatOption, console_width
from .state import say

if TYPE_CHECKING:  # the finance modules are imported when payments are read
    from ..finance.drafts import Proposal

Apply = Annotated[
    bool,
    typer.Option(
        "--apply", help=f"Append the proposed rows to {TRANSACTIONS}. Default: only show them."
    ),
]
ExportFile = Annotated[
    list[Path] | None,
    typer.Option(
        "--file",
        metavar="PATH",
        help="Read this finance export instead of the ones in ledger/finance/ (repeatable).",
    ),
]


def import_payments(
    ctx: typer.Context,
    month: MonthOption,
    file: ExportFile = None,
    apply: Apply = False,
    output: FormatOption = Format.TABLE,
    as_of: AsOf = None,
) -> None:
    """Turn a month's payments in the finance export into ledger rows.

    Reads the month's payments of this service from the export(s) in ledger/finance/
    (or --file), leaves out those already in the ledger (same reference, as reconcile
    compares them), places the rest on a budget line by the rules under import: in
    config/finance-import.yaml and splits them by area. Without --apply it shows the
    rows and writes nothing; with --apply it appends them to ledger/transactions.csv
    and runs check. Exit 0 done, 1 a payment no rule places, a closed month or check
    errors after the import, 2 usage (a month outside the contract).

    Example: svdiversion import --month 2024-10, then svdiversion import --month 2024-10 --apply
    """
    if output is Format.MARKDOWN:
        fail("import shows its rows as a table, json or csv", "give --format table|json|csv")
    if apply:
        with writing(ctx):
            _import(ctx, month, file, True, output, as_of)
    else:
        _import(ctx, month, file, False, output, as_of)


def _import(
    ctx: typer.Context,
    month: Month,
    files: list[Path] | None,
    apply: bool,
    output: Format,
    as_of: date | None,
) -> None:
    from ..finance.drafts import propose
    from ..finance.posting import next_ids
    from ..render.import_view import print_proposal, proposal_text, summary

    ledger = clean_ledger(ctx, as_of)
    within_contract(ledger, month)
    _refuse_closed(ledger, month)
    inputs = finance_inputs(ctx, month, files, {line.id for line in ledger.line_budgets()})
    if no_export_yet(inputs):
        say_no_export(inputs, "--file")
        raise typer.Exit(EXIT_OK)
    root = ledger.root
    if inputs.problems:
        stop(root, inputs.problems, "the finance inputs have problems; nothing was imported")
    show_warnings(inputs)
    proposal = propose(ledger, month, inputs.exports, inputs.config)
    if proposal.problems:
        stop(root, list(proposal.problems), "some payments cannot be imported; nothing was written")
    sys.stderr.write(problems_text(list(proposal.warnings)))
    ids = next_ids(ledger.transactions.column("id"), len(proposal.drafts))
    if output is Format.TABLE:
        print_proposal(proposal, ids, console_width())
    else:
        sys.stdout.write(proposal_text(proposal, ids, output.value))
    sys.stderr.write(summary(proposal) + "\n")
    if not proposal.drafts:
        raise typer.Exit(EXIT_OK)
    if not apply:
        say(ctx, f"next: svdiversion import --month {month} --apply")
        raise typer.Exit(EXIT_OK)
    _write(ctx, proposal, ids, as_of)


def _refuse_closed(ledger: Ledger, month: Month) -> None:
    closed, _ = closed_months(ledger.closes)
    if str(month) in closed:
        record = closed[str(month)].record
        fail(
            f"{month} is closed (on {record.at:%Y-%m-%d} by {record.by}); nothing was imported",
            f"to add rows to it, reopen it first: svdiversion reopen --month {month} --reason TEXT",
            EXIT_PROBLEMS,
        )


def _write(ctx: typer.Context, proposal: Proposal, ids: list[str], as_of: date | None) -> None:
    """Append the rows, then run check on the ledger as it now is."""
    from ..finance.posting import NotPosted, append_drafts

    try:
        append_drafts(workspace_root(ctx), proposal.drafts, ids)
    except NotPosted as exc:
        fail(f"{exc}; nothing was written", "fix the cause and run the command again", EXIT_USAGE)
    count = len(ids)
    sys.stderr.write(
        f"appended {count} row{'s' * (count != 1)} to {TRANSACTIONS} ({ids[0]}..{ids[-1]})\n"
    )
    result = load(ctx, as_of)
    errors = result.errors
    if errors:
        sys.stderr.write(problems_text(errors))
        fail(
            f"check finds {len(errors)} error{'s' * (len(errors) != 1)} after the import",
            "correct the rows named above (or reverse them), then run 'svdiversion check'",
            exit_code(result.problems),
        )
    warnings = len(result.problems)
    sys.stderr.write(f"check: 0 errors, {warnings} warning{'s' * (warnings != 1)}\n")
    say(ctx, f"next: svdiversion reconcile --month {proposal.month}")
    raise typer.Exit(EXIT_OK)
