"""``svdiversion export ...``: the ledger in other tools' formats.

Each format is one command of the ``export`` group; files are written atomically
(a temporary file beside the target, renamed over it when complete).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import typer

from ..render.progress import Advance, progress_bar, terminal_progress
from .common import AsOf, load_clean
from .output import OutFile, emit_chunks
from .state import state

export_app = typer.Typer(
    name="export",
    help="Write the ledger in another tool's format.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@export_app.command()
def journal(ctx: typer.Context, as_of: AsOf = None, out: OutFile = None) -> None:
    """The transactions as an hledger / ledger-cli journal, one transaction per row.

    Expense accounts are expenses:DECISION:BUDGET_LINE:AREA, balanced by
    funds:FUNDING_SOURCE; amounts are in £. The ledger must pass 'check' first.

    Example: svdiversion export journal --out spend.journal && hledger -f spend.journal bal
    """
    from ..render.journal import journal_chunks

    ledger = load_clean(ctx, as_of).ledger
    quiet = state(ctx).quiet
    rows = len(ledger.transactions)
    with progress_bar("Writing journal", rows, terminal_progress(quiet)) as advance:
        write_chunks(ctx, out, journal_chunks(ledger), advance)
    if out is not None and not quiet:
        sys.stderr.write(f"wrote {out}: {rows} transactions\n")


def write_chunks(
    ctx: typer.Context,
    out: Path | None,
    chunks: Iterable[tuple[str, int]],
    advance: Advance | None = None,
) -> None:
    """``(text, rows)`` chunks to stdout, or atomically to ``out`` through the output
    guard. ``advance`` is told the rows of each chunk written."""
    step = advance or (lambda rows: None)
    counts: list[int] = []

    def texts() -> Iterator[str]:
        for text, rows in chunks:
            counts.append(rows)
            yield text

    emit_chunks(ctx, out, texts(), "out/spend.journal", lambda: step(counts[-1]), what="exports")


# The analyst's return (docs/excel-return.md); its module imports openpyxl only when run.
from .export_cmds import csv_export, parquet_export, xlsx_export  # noqa: E402

export_app.command("xlsx")(xlsx_export)
export_app.command("csv")(csv_export)
export_app.command("parquet")(parquet_export)

# The evaluator's pseudonymised extract (docs/evaluation.md).
from .evaluation import evaluation_export  # noqa: E402

export_app.command("evaluation")(evaluation_export)
