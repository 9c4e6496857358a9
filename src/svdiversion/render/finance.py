"""The month's reconciliation in every format: the terminal, JSON, CSV and Markdown.

The same sheets feed the terminal, CSV (the payments table) and Markdown, so they cannot
disagree; JSON is the documented shape in docs/reconcile.md.
"""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Any

from ..core.sheet import Column, Kind, Sheet
from ..finance.export_rows import Payment
from ..finance.reconcile import LedgerPayment, Match, Reconciliation, Status
from ..finance.spend import Figures, LineSpend
from ..reports.documents import money
from .json_reports import dumps
from .tabular import sheet_csv, sheets_markdown

STATUS_TEXT = {
    Status.MATCHED: "matched",
    Status.MATCHED_BY_AMOUNT: "matched by amount",
    Status.AMOUNT_DIFFERS: "amount differs",
    Status.OTHER_MONTH: "other month",
    Status.LEDGER_ONLY: "ledger only",
    Status.FINANCE_ONLY: "finance only",
}
DISAGREEMENT_TEXT = {
    Status.AMOUNT_DIFFERS: "with a different amount",
    Status.OTHER_MONTH: "dated in another month on one side",
    Status.LEDGER_ONLY: "in the ledger only",
    Status.FINANCE_ONLY: "in the finance system only",
}


def title(rec: Reconciliation) -> str:
    return f"Reconciliation of {rec.month} ({rec.month.fy_period}) with the finance system"


def closed_text(rec: Reconciliation) -> str:
    """``closed (on 2024-11-04 by A. Treasurer)`` or ``open (not closed)``."""
    if rec.closed is None:
        return "open (not closed)"
    text = f"closed (on {rec.closed.at:%Y-%m-%d} by {rec.closed.by}"
    if rec.with_close_exports:
        names = ", ".join(PurePath(s.path).name for s in rec.sources)
        text += f"; reconciled here with the exports it was closed with: {names}"
    return text + ")"


def summary(rec: Reconciliation) -> str:
    """One line for stderr, such as ``2024-09 reconciled: 1 payment agrees ...``."""
    if rec.reconciled:
        agreed = sum(1 for m in rec.matches if m.agreed)
        explained = sum(1 for line in rec.lines if line.needs_explanation)
        text = f"{rec.month} reconciled: "
        if agreed:
            verb = "agrees" if agreed == 1 else "agree"
            text += f"{_count(agreed, 'payment')} {verb} with the finance system"
        else:
            text += "no payments in the month on either side"
        if explained:
            text += f"; {_count(explained, 'variance')} explained"
        return text
    parts = [
        f"{_count(rec.count(status), 'payment')} {text}"
        for status, text in DISAGREEMENT_TEXT.items()
        if rec.count(status)
    ]
    if rec.unexplained:
        parts.append(_count(len(rec.unexplained), "unexplained variance"))
    return f"{rec.month} does not reconcile: " + ", ".join(parts)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


# ------------------------------------------------------------------------------ sheets


def reconciliation_sheets(rec: Reconciliation) -> list[Sheet]:
    """The payments (left out, with a one-line note, when there are none), cash, spend
    and commentary sheets."""
    cash = _cash_sheet(rec)
    if rec.matches:
        sheets = [_payments_sheet(rec), cash, _spend_sheet(rec)]
    else:
        cash.notes[:0] = [f"No payments in {rec.month} on either side.", *_source_notes(rec)]
        sheets = [cash, _spend_sheet(rec)]
    commentary = _commentary_sheet(rec)
    if commentary.rows:
        sheets.append(commentary)
    else:
        sheets[-1].notes.append("No variance this month needs an explanation.")
    return sheets


def _source_notes(rec: Reconciliation) -> list[str]:
    return [
        f"{s.path}: {_count(s.payments, 'payment')} of this service, {s.in_month} in "
        f"{rec.month}; left out by the mapping: {_count(s.other_rows, 'row')} of other cost "
        f"centres, {s.skipped_rows} blank or total"
        + "".join(f", {rows} excluded as {reason!r}" for reason, rows in s.excluded)
        for s in rec.sources
    ]


def _payments_sheet(rec: Reconciliation) -> Sheet:
    notes = _source_notes(rec)
    return Sheet(
        "payments",
        f"Payments in {rec.month}",
        (
            Column("status", "Status"),
            Column("reference", "Reference"),
            Column("ledger_date", "Ledger date", Kind.DATE),
            Column("ledger", "Ledger", Kind.MONEY),
            Column("finance_date", "Finance date", Kind.DATE),
            Column("finance", "Finance", Kind.MONEY),
            Column("difference", "Difference", Kind.MONEY),
            Column("ledger_rows", "Ledger rows"),
            Column("finance_rows", "Finance rows"),
            Column("note", "Note"),
        ),
        [
            [
                STATUS_TEXT[m.status],
                m.reference,
                m.ledger.date if m.ledger else None,
                m.ledger.pence if m.ledger else None,
                m.finance[0].date if m.finance else None,
                m.finance_pence if m.finance else None,
                m.difference,
                _row_ids(m.ledger.ids) if m.ledger else None,
                " ".join(_where(p) for p in m.finance) or None,
                m.note or None,
            ]
            for m in rec.matches
        ],
        notes=notes or ["No finance export was read."],
    )


def _row_ids(ids: tuple[str, ...]) -> str:
    """``TX-00081..TX-00085`` for a run of consecutive ids, else the ids."""
    numbers = [re.fullmatch(r"(.*?)(\d+)", i) for i in ids]
    if len(ids) > 2 and all(numbers):
        stems = {m[1] for m in numbers if m}
        values = [int(m[2]) for m in numbers if m]
        if len(stems) == 1 and values == list(range(values[0], values[0] + len(values))):
            return f"{ids[0]}..{ids[-1]}"
    return " ".join(ids)


def _cash_sheet(rec: Reconciliation) -> Sheet:
    rows: list[list[Any]] = [["Ledger (payments and refunds)", rec.ledger_cash]]
    notes: list[str] = []
    if rec.finance_paid is None:
        rows.append(["Finance system", rec.finance_cash])
    else:
        reclaimed = rec.finance_paid != rec.finance_cash
        rows += [
            ["Finance system, paid (VAT included)", rec.finance_paid],
            ["VAT in it", rec.finance_vat],
            [f"Finance system, {'net of VAT' if reclaimed else 'VAT included'}", rec.finance_cash],
        ]
        notes.append(
            "VAT is reclaimed, so the ledger holds amounts net of it and is matched with the "
            "net figure." if reclaimed else
            "VAT is not reclaimed (amounts: vat: cost), so it is a cost: the ledger holds "
            "the gross amounts."
        )  # fmt: skip
    rows.append(["Difference", rec.cash_difference])
    return Sheet(
        "cash",
        f"Cash in {rec.month}",
        (Column("measure", "Cash"), Column("value", "Amount", Kind.MONEY)),
        rows,
        notes=notes,
    )


def _spend_sheet(rec: Reconciliation) -> Sheet:
    def row(line: LineSpend) -> list[Any]:
        explained = "yes" if line.explanation else ("NEEDED" if line.needs_explanation else None)
        return [
            "Total" if line is rec.total else line.budget_line,
            line.month.profile,
            line.month.actual,
            line.month.variance,
            line.month.rag.value,
            line.year_to_date.profile,
            line.year_to_date.actual,
            line.year_to_date.variance,
            line.year_to_date.rag.value,
            explained,
        ]

    return Sheet(
        "spend",
        f"Spend against profile: {rec.month} and {rec.month.fy_label} to date",
        (
            Column("budget_line", "Budget line"),
            Column("profile", "Profile", Kind.MONEY),
            Column("actual", "Actual", Kind.MONEY),
            Column("variance", "Variance", Kind.MONEY),
            Column("rag", "RAG"),
            Column("ytd_profile", "YTD profile", Kind.MONEY),
            Column("ytd_actual", "YTD actual", Kind.MONEY),
            Column("ytd_variance", "YTD variance", Kind.MONEY),
            Column("ytd_rag", "YTD RAG"),
            Column("explained", "Explained"),
        ),
        [row(line) for line in rec.lines],
        total=row(rec.total),
        notes=["Actual includes accruals and reversals; variance is actual - profile."],
    )


def _commentary_sheet(rec: Reconciliation) -> Sheet:
    rows = [
        [
            line.budget_line,
            line.explanation
            or f"NEEDED: explain in ledger/commentary.yaml (month {rec.month}, budget_line "
            f"{line.budget_line})",
        ]
        for line in rec.lines
        if line.explanation or line.needs_explanation
    ]
    return Sheet(
        "commentary",
        f"Commentary for {rec.month}",
        (Column("budget_line", "Budget line"), Column("text", "Explanation")),
        rows,
    )


# ----------------------------------------------------------------------------- formats


def print_reconciliation(rec: Reconciliation, width: int | None) -> None:
    from .console import make_console, sheets_group, show

    console = make_console(width)
    console.print(title(rec), style="bold")
    console.print(f"{rec.month} is {closed_text(rec)}.")
    console.print()
    show(console, sheets_group(reconciliation_sheets(rec)))


def reconciliation_text(rec: Reconciliation, fmt: str) -> str:
    """``json``, ``csv`` (the payments table) or ``markdown``."""
    if fmt == "json":
        return dumps(reconciliation_json(rec))
    sheets = reconciliation_sheets(rec)
    if fmt == "csv":
        return sheet_csv(_payments_sheet(rec))
    return sheets_markdown(
        sheets, title(rec), [summary(rec), f"{rec.month} is {closed_text(rec)}."]
    )


def reconciliation_json(rec: Reconciliation) -> dict[str, Any]:
    return {
        "month": str(rec.month),
        "fy_period": rec.month.fy_period,
        "reconciled": rec.reconciled,
        "closed": None
        if rec.closed is None
        else {
            "at": rec.closed.at.isoformat(),
            "by": rec.closed.by,
            "exports": dict(rec.closed.exports),
            "read_with_its_exports": rec.with_close_exports,
        },
        "sources": [
            {
                "path": s.path,
                "payments": s.payments,
                "in_month": s.in_month,
                "other_rows": s.other_rows,
                "skipped_rows": s.skipped_rows,
                "excluded": [{"reason": reason, "rows": rows} for reason, rows in s.excluded],
            }
            for s in rec.sources
        ],
        "payments": [_match_json(m) for m in rec.matches],
        "counts": {status.value: rec.count(status) for status in Status},
        "cash": {
            "ledger": money(rec.ledger_cash),
            "finance": money(rec.finance_cash),
            "finance_paid": money(
                rec.finance_cash if rec.finance_paid is None else rec.finance_paid
            ),
            "vat": money(rec.finance_vat),
            "difference": money(rec.cash_difference),
        },
        "spend": [_line_json(line) for line in rec.lines],
        "total": _line_json(rec.total),
        "unexplained": [line.budget_line for line in rec.unexplained],
    }


def _match_json(match: Match) -> dict[str, Any]:
    return {
        "status": match.status.value,
        "reference": match.reference,
        "ledger": _ledger_json(match.ledger) if match.ledger else None,
        "finance": [_payment_json(p) for p in match.finance],
        "difference": money(match.difference),
        "note": match.note or None,
    }


def _where(payment: Payment) -> str:
    """``payments-2025-01.csv:14``; a payment two exports list: ``a.csv:14 (also b.csv:3)``."""
    first = f"{PurePath(payment.path).name}:{payment.line}"
    if not payment.also:
        return first
    return first + " (also " + ", ".join(f"{PurePath(f).name}:{n}" for f, n in payment.also) + ")"


def _ledger_json(group: LedgerPayment) -> dict[str, Any]:
    return {
        "date": group.date.isoformat(),
        "amount": money(group.pence),
        "rows": list(group.ids),
        "lines": list(group.lines),
        "source": (
            {
                "path": group.source.file,
                "line": group.source.line,
                "payment_number": group.source.number or None,
            }
            if group.source
            else None
        ),
    }


def _payment_json(payment: Payment) -> dict[str, Any]:
    return {
        "path": payment.path,
        "line": payment.line,
        "date": payment.date.isoformat(),
        "amount": money(payment.pence),
        "reference": payment.reference,
        "supplier": payment.supplier,
        "description": payment.description,
        "payment_number": payment.number or None,
        "also": [{"path": path, "line": line} for path, line in payment.also],
    }


def _figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "profile": money(figures.profile),
        "actual": money(figures.actual),
        "variance": money(figures.variance),
        "rag": figures.rag.value,
    }


def _line_json(line: LineSpend) -> dict[str, Any]:
    return {
        "budget_line": line.budget_line,
        "name": line.name,
        "month": _figures_json(line.month),
        "year_to_date": _figures_json(line.year_to_date),
        "needs_explanation": line.needs_explanation,
        "explanation": line.explanation,
    }
