"""What ``svdiversion import`` proposes, in every format: the terminal, JSON and CSV.

One sheet feeds the terminal and CSV; JSON is the documented shape in
docs/output-formats.md. The CSV has the columns of ``ledger/transactions.csv`` (the ids
are the ones ``--apply`` gives), so a proposal can be read like the ledger itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from ..core.sheet import Column, Sheet
from ..finance.drafts import Proposal
from ..reports.documents import money
from .console import make_console, sheets_group, show
from .json_reports import dumps
from .tabular import sheet_csv
from .tidy import TRANSACTION_COLUMNS


def proposal_sheet(proposal: Proposal, ids: Sequence[str]) -> Sheet:
    return Sheet(
        "import",
        f"Rows to import for {proposal.month} ({proposal.month.fy_period})",
        (*TRANSACTION_COLUMNS, Column("source", "source")),
        [
            [
                row_id,
                d.date,
                d.kind.value,
                d.budget_line,
                d.area,
                d.pence,
                d.reference,
                d.counterparty,
                d.description,
                d.tranche,
                f"{PurePath(d.source.path).name}:{d.source.line}",
            ]
            for d, row_id in zip(proposal.drafts, ids, strict=True)
        ],
    )


def summary(proposal: Proposal) -> str:
    """One line for stderr, such as ``2024-10: 2 payments to import as 6 rows; ...``."""
    month = proposal.month
    if not proposal.in_month:
        return f"{month}: no payments of this service in the finance export"
    rows = len(proposal.drafts)
    text = f"{month}: {_count(proposal.in_month, 'payment')} in the finance export"
    text += f", {proposal.already} already in the ledger"
    if proposal.zero:
        text += f", {proposal.zero} of zero amount left out"
    if rows:
        text += f"; {_count(proposal.payments, 'payment')} to import as {_count(rows, 'row')}"
    elif not proposal.problems:
        text += "; nothing to import"
    return text


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def print_proposal(proposal: Proposal, ids: Sequence[str], width: int | None) -> None:
    if not proposal.drafts:
        return
    show(make_console(width), sheets_group([proposal_sheet(proposal, ids)]))


def proposal_text(proposal: Proposal, ids: Sequence[str], fmt: str) -> str:
    """``json`` or ``csv``."""
    if fmt == "csv":
        return sheet_csv(proposal_sheet(proposal, ids))
    return dumps(proposal_json(proposal, ids))


def proposal_json(proposal: Proposal, ids: Sequence[str]) -> dict[str, Any]:
    return {
        "month": str(proposal.month),
        "fy_period": proposal.month.fy_period,
        "payments_in_month": proposal.in_month,
        "already_in_ledger": proposal.already,
        "zero_amount": proposal.zero,
        "rows": [
            {
                "id": row_id,
                "date": d.date.isoformat(),
                "kind": d.kind.value,
                "budget_line": d.budget_line,
                "area": d.area,
                "amount": money(d.pence),
                "reference": d.reference,
                "counterparty": d.counterparty,
                "description": d.description,
                "tranche": d.tranche,
                "source": {"path": d.source.path, "line": d.source.line},
            }
            for d, row_id in zip(proposal.drafts, ids, strict=True)
        ],
    }
