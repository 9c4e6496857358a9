"""Closing a month: the digest of its rows, and the append-only ``ledger/closes.yaml``.

A month's rows are the rows of ``ledger/transactions.csv`` dated in it, all kinds. Their
canonical text is one line per row, sorted by id: the JSON array (UTF-8, no spaces) of

    id, date (YYYY-MM-DD), kind, budget_line, area ("" if none),
    amount (pounds with two decimals, e.g. "-1250.00"), reference, counterparty,
    description, tranche ("" if none)

each line ending in a newline. The month digest is ``sha256:`` and the hex SHA-256 of
that text; each row also gets a short digest (the first 16 hex digits of the SHA-256 of
its own line) so a later change can be named row by row. Writing ``2750.0`` for
``2750.00`` or reordering the file changes nothing; changing any value does.

``ledger/closes.yaml`` is only ever appended to: the new record is added to the end of
the existing bytes, the whole is parsed again to be sure it reads back, then written to
a temporary file in the same folder, flushed to disk and renamed over the original. An
interrupted write leaves the file as it was.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from .. import appendlog
from ..fiscal import Month
from ..ledger import Ledger
from ..load.yamldoc import read_yaml
from ..models import CloseAction, ClosesFile, MonthClose
from ..money import format_money, from_pence

CLOSES = "ledger/closes.yaml"

HEADER = (
    "# Months closed and reopened, appended by 'svdiversion close' and 'svdiversion reopen'.\n"
    "# Only ever appended to: do not edit or remove a record (see docs/reconcile.md).\n"
    "closes:\n"
)


@dataclass(frozen=True, slots=True)
class MonthRows:
    """A month's transaction rows as the digest sees them."""

    month: Month
    digest: str
    rows: dict[str, str]  # id -> short row digest, sorted by id
    lines: dict[str, int]  # id -> line in ledger/transactions.csv


@dataclass(frozen=True, slots=True)
class Closed:
    """A month that is closed now: its latest record is a close."""

    index: int
    record: MonthClose


class ClosesNotWritten(Exception):
    """``ledger/closes.yaml`` was left as it was; the message says why. ``io`` is true when
    the file system failed, false when the file's content stood in the way."""

    def __init__(self, message: str, *, io: bool = False) -> None:
        super().__init__(message)
        self.io = io


# ------------------------------------------------------------------------------- digests


def month_rows(ledger: Ledger, months: Iterable[Month]) -> dict[Month, MonthRows]:
    """The digest and row digests of each month in ``months``, in one pass over the table."""
    wanted = set(months)
    table = ledger.transactions
    found: dict[Month, list[int]] = defaultdict(list)
    for i, day in enumerate(table.column("date")):
        month = Month(day.year, day.month)
        if month in wanted:
            found[month].append(i)
    ids = table.column("id")
    result = {}
    for month in wanted:
        rows = sorted(found.get(month, []), key=lambda i: ids[i])
        texts = [canonical_row(ledger, i) for i in rows]
        canonical = "".join(text + "\n" for text in texts)
        result[month] = MonthRows(
            month,
            "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
            {ids[i]: _short(text) for i, text in zip(rows, texts, strict=True)},
            {ids[i]: table.lines[i] for i in rows},
        )
    return result


def canonical_row(ledger: Ledger, row: int) -> str:
    """Row ``row`` of the transactions table in the canonical form the digest is taken of."""
    column = ledger.transactions.column
    values = [
        column("id")[row],
        column("date")[row].isoformat(),
        str(column("kind")[row]),
        column("budget_line")[row],
        column("area")[row] or "",
        format_money(column("pence")[row]),
        column("reference")[row],
        column("counterparty")[row],
        column("description")[row],
        column("tranche")[row] or "",
    ]
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _short(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def changed_rows(closed: MonthClose, now: MonthRows) -> list[tuple[str, str]]:
    """(id, "changed" / "added" / "removed") for every row that differs from the close."""
    result = []
    for ident in sorted(closed.rows.keys() | now.rows.keys()):
        if ident not in now.rows:
            result.append((ident, "removed"))
        elif ident not in closed.rows:
            result.append((ident, "added"))
        elif closed.rows[ident] != now.rows[ident]:
            result.append((ident, "changed"))
    return result


# ------------------------------------------------------------------------------- history


def closed_months(records: Sequence[MonthClose]) -> tuple[dict[str, Closed], list[tuple[int, str]]]:
    """Months closed now (the latest record of each is a close), and (record index,
    message) for every record that does not follow from the ones before it."""
    closed: dict[str, Closed] = {}
    wrong: list[tuple[int, str]] = []
    for index, record in enumerate(records):
        if record.action is CloseAction.CLOSE:
            if record.month in closed:
                wrong.append((index, f"{record.month} is closed again without a reopen"))
            closed[record.month] = Closed(index, record)
        elif record.month in closed:
            del closed[record.month]
        else:
            wrong.append((index, f"{record.month} is reopened but it is not closed"))
    return closed, wrong


def close_record(
    month: MonthRows, at: datetime, by: str, totals: dict[str, int]
) -> dict[str, object]:
    """The record ``svdiversion close`` appends, as plain data (``totals`` in pence)."""
    return {
        "action": CloseAction.CLOSE.value,
        "month": str(month.month),
        "at": at.isoformat(),
        "by": by,
        "totals": {name: from_pence(pence) for name, pence in totals.items()},
        "digest": month.digest,
        "rows": month.rows,
    }


def reopen_record(month: Month, at: datetime, by: str, reason: str) -> dict[str, object]:
    return {
        "action": CloseAction.REOPEN.value,
        "month": str(month),
        "at": at.isoformat(),
        "by": by,
        "reason": reason,
    }


def record_yaml(record: dict[str, object]) -> str:
    """One item of the ``closes:`` list. Strings are written JSON-quoted (YAML reads a JSON
    string unchanged), money as plain decimals."""
    lines = []
    for number, (key, value) in enumerate(record.items()):
        lead = "  - " if number == 0 else "    "
        if isinstance(value, dict) and not value:
            lines.append(f"{lead}{key}: {{}}")
        elif isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            lines += [f"      {name}: {_scalar(item)}" for name, item in value.items()]
        else:
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return "".join(line + "\n" for line in lines)


def _scalar(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def append_record(root: Path, record: dict[str, object]) -> MonthClose:
    """Append ``record`` to ``ledger/closes.yaml`` atomically; return it as read back.

    Raises :class:`ClosesNotWritten`, the file unchanged, when the file with the record
    would not read back as the old records plus this one, or when the write fails.
    """
    try:
        return appendlog.append(root / CLOSES, CLOSES, HEADER, record_yaml(record), _records)
    except appendlog.NotAppended as exc:
        raise ClosesNotWritten(str(exc), io=exc.io) from None


def _records(file: Path) -> list[MonthClose]:
    """The records of a closes file, read the way the loader reads them."""
    doc, problems = read_yaml(file, CLOSES)
    if doc is None or problems:
        raise appendlog.NotAppended(f"{CLOSES} does not read back: {problems[0].message}")
    try:
        return list(ClosesFile.model_validate(doc.data).closes)
    except ValidationError as exc:
        message = exc.errors(include_url=False)[0]["msg"]
        raise appendlog.NotAppended(f"{CLOSES} does not read back: {message}") from None
