"""Recording a close: the append-only ``ledger/closes.yaml``.

What a close records (the digest of a month's rows, see :mod:`svdiversion.core.closes`)
is appended to the end of the existing bytes, the whole is parsed again to be sure it
reads back, then written to a temporary file in the same folder, flushed to disk and
renamed over the original (:mod:`svdiversion.appendlog`). An interrupted write leaves the
file as it was.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from pydantic import ValidationError

from .. import appendlog
from ..core.closes import MonthRows
from ..core.fiscal import Month
from ..core.models import CloseAction, ClosesFile, MonthClose
from ..core.money import from_pence
from ..load.yamldoc import read_yaml

CLOSES = "ledger/closes.yaml"

HEADER = (
    "# Months closed and reopened, appended by 'svdiversion close' and 'svdiversion reopen'.\n"
    "# Only ever appended to: do not edit or remove a record (see docs/reconcile.md).\n"
    "closes:\n"
)


def close_record(
    month: MonthRows,
    at: datetime,
    by: str,
    totals: dict[str, int],
    commentary: dict[str, str] | None = None,
    exports: dict[str, str] | None = None,
) -> dict[str, object]:
    """The record ``svdiversion close`` appends, as plain data (``totals`` in pence;
    ``commentary`` the short digest of the month's explanation on each line; ``exports``
    the digest of each finance export the month was reconciled with)."""
    return {
        "action": CloseAction.CLOSE.value,
        "month": str(month.month),
        "at": at.isoformat(),
        "by": by,
        "totals": {name: from_pence(pence) for name, pence in totals.items()},
        "digest": month.digest,
        "rows": month.rows,
        "commentary": commentary or {},
        "exports": exports or {},
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
            lines += [f"      {_key(name)}: {_scalar(item)}" for name, item in value.items()]
        else:
            lines.append(f"{lead}{key}: {_scalar(value)}")
    return "".join(line + "\n" for line in lines)


def _key(name: str) -> str:
    """A mapping key: an id or a plain path as written, anything else JSON-quoted."""
    return name if _PLAIN_KEY.fullmatch(name) else json.dumps(name, ensure_ascii=False)


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-/]*")


def _scalar(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def append_record(root: Path, record: dict[str, object]) -> MonthClose:
    """Append ``record`` to ``ledger/closes.yaml`` atomically; return it as read back.

    Raises :class:`appendlog.NotAppended`, the file unchanged, when the file with the record
    would not read back as the old records plus this one, or when the write fails.
    """
    return appendlog.append(root / CLOSES, CLOSES, HEADER, record_yaml(record), _records)


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
