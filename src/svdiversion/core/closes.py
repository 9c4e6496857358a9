"""A closed month as data: the digest of its rows and which months are closed now.

A month's rows are the rows of ``ledger/transactions.csv`` dated in it, all kinds. Their
canonical text is one line per row, sorted by id: the JSON array (UTF-8, no spaces) of

    id, date (YYYY-MM-DD), kind, budget_line, area ("" if none),
    amount (pounds with two decimals, e.g. "-1250.00"), reference, counterparty,
    description, tranche ("" if none)

each line ending in a newline. The month digest is ``sha256:`` and the hex SHA-256 of
that text; each row also gets a short digest (the first 16 hex digits of the SHA-256 of
its own line) so a later change can be named row by row. Writing ``2750.0`` for
``2750.00`` or reordering the file changes nothing; changing any value does.

A close also locks the month's commentary (``ledger/commentary.yaml``): for each budget
line explained, the short digest of the JSON array ``[month, budget_line, text]``.

Pure functions of the ledger: ``checks`` compares a closed month with its rows now, and
``finance.closes`` records a close (the only writer of ``ledger/closes.yaml``).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .fiscal import Month
from .ledger import Ledger
from .models import CloseAction, MonthClose
from .money import format_money


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


def month_commentary(ledger: Ledger, month: Month) -> dict[str, str]:
    """Budget line -> short digest of the month's commentary on it, sorted by line."""
    found = {}
    for comment in ledger.commentary:
        if comment.month == str(month):
            values = [comment.month, comment.budget_line, comment.text]
            found[comment.budget_line] = _short(
                json.dumps(values, ensure_ascii=False, separators=(",", ":"))
            )
    return dict(sorted(found.items()))


def changed_commentary(closed: MonthClose, now: dict[str, str]) -> list[tuple[str, str]]:
    """(budget line, "changed" / "added" / "removed") for each explanation that differs
    from the close; none for a close made before commentary was locked."""
    if closed.commentary is None:
        return []
    result = []
    for line in sorted(closed.commentary.keys() | now.keys()):
        if line not in now:
            result.append((line, "removed"))
        elif line not in closed.commentary:
            result.append((line, "added"))
        elif closed.commentary[line] != now[line]:
            result.append((line, "changed"))
    return result


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
