"""Appending imported rows to ``ledger/transactions.csv``.

The rows are added after the file's existing bytes, which stay exactly as they are (a
missing final newline is supplied, the file's own line ending is kept), in the columns
of the file's own header. The whole is written to a temporary file in the same folder,
checked to start with the old bytes, flushed and renamed over the original
(:mod:`svdiversion.atomic`): an interrupted import leaves the file as it was. The caller
holds the ledger lock (:mod:`svdiversion.lock`) from reading the ledger to the rename.

Ids continue the file's sequence: after ``TX-00119`` come ``TX-00120``, ``TX-00121``...
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..atomic import write_atomic
from ..core.money import from_pence
from ..load import TRANSACTIONS
from .drafts import Draft
from .ledger_text import clean_text

SOURCES = "ledger/sources.csv"
SOURCE_COLUMNS = ("id", "file", "line", "payment_number")
COLUMNS = (
    "id",
    "date",
    "kind",
    "budget_line",
    "area",
    "amount",
    "reference",
    "counterparty",
    "description",
    "tranche",
)
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


class NotPosted(Exception):
    """The rows were not appended; the file is unchanged. The message says why."""


def next_ids(existing: Iterable[str], count: int) -> list[str]:
    """``count`` new ids continuing the sequence of ``existing``: the most used prefix,
    its highest number plus one, at the width its ids are written.

    >>> next_ids(["TX-00118", "TX-00119"], 2)
    ['TX-00120', 'TX-00121']
    """
    numbered = [m for m in map(_NUMBERED.match, existing) if m]
    if not numbered:
        return [f"TX-{n:05d}" for n in range(1, count + 1)]
    prefix = Counter(m[1] for m in numbered).most_common(1)[0][0]
    same = [m for m in numbered if m[1] == prefix]
    width = max(len(m[2]) for m in same)
    taken = {m[0] for m in numbered}
    start = max(int(m[2]) for m in same) + 1
    ids: list[str] = []
    number = start
    while len(ids) < count:
        candidate = f"{prefix}{number:0{width}d}"
        if candidate not in taken:
            ids.append(candidate)
        number += 1
    return ids


def rows_text(drafts: Sequence[Draft], ids: Sequence[str], header: Sequence[str], eol: str) -> str:
    """The drafts as CSV records in the order of ``header``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=eol)
    for draft, row_id in zip(drafts, ids, strict=True):
        values = {
            "id": row_id,
            "date": draft.date.isoformat(),
            "kind": draft.kind.value,
            "budget_line": draft.budget_line,
            "area": draft.area or "",
            "amount": str(from_pence(draft.pence)),
            "reference": clean_text(draft.reference),
            "counterparty": clean_text(draft.counterparty),
            "description": clean_text(draft.description),
            "tranche": draft.tranche or "",
        }
        writer.writerow([values.get(name, "") for name in header])
    return buffer.getvalue()


def append_drafts(root: Path, drafts: Sequence[Draft], ids: Sequence[str]) -> None:
    """Append ``drafts`` as rows with ``ids`` to ``ledger/transactions.csv``, and where
    each came from to ``ledger/sources.csv``. Raises :class:`NotPosted`, both files
    unchanged."""
    old = _append_rows(root, drafts, ids)
    try:
        _append_sources(root, drafts, ids)
    except NotPosted:
        try:
            write_atomic(root / TRANSACTIONS, old)
        except OSError as exc:
            raise NotPosted(
                f"cannot write {SOURCES}, and cannot put {TRANSACTIONS} back as it was "
                f"({exc.strerror}): remove the rows {ids[0]}..{ids[-1]} from it"
            ) from None
        raise


def source_file(root: Path, path: str) -> str:
    """An export's path as ``ledger/sources.csv`` records it: inside the workspace,
    relative to it (``ledger/finance/payments-2025-01.csv``); else as given."""
    given = Path(path)
    if not given.is_absolute():
        return given.as_posix()
    try:
        return given.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return given.as_posix()


def sources_text(root: Path, drafts: Sequence[Draft], ids: Sequence[str], eol: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=eol)
    for draft, row_id in zip(drafts, ids, strict=True):
        source = draft.source
        writer.writerow(
            [row_id, source_file(root, source.path), source.line, clean_text(source.number)]
        )
    return buffer.getvalue()


def _append_sources(root: Path, drafts: Sequence[Draft], ids: Sequence[str]) -> None:
    path = root / SOURCES
    try:
        old = path.read_bytes() if path.exists() else b""
    except OSError as exc:
        raise NotPosted(f"cannot read {SOURCES}: {exc.strerror}") from None
    _, eol = _header(old) if old else ([], "\n")
    lead = "" if not old or old.endswith(b"\n") else eol
    if not old:
        lead = ",".join(SOURCE_COLUMNS) + eol
    added = (lead + sources_text(root, drafts, ids, eol)).encode("utf-8")
    try:
        write_atomic(path, old + added)
    except OSError as exc:
        raise NotPosted(f"cannot write {SOURCES}: {exc.strerror}") from None


def _append_rows(root: Path, drafts: Sequence[Draft], ids: Sequence[str]) -> bytes:
    """Append the rows to ``ledger/transactions.csv``; return its bytes before."""
    path = root / TRANSACTIONS
    try:
        old = path.read_bytes()
    except OSError as exc:
        raise NotPosted(f"cannot read {TRANSACTIONS}: {exc.strerror}") from None
    header, eol = _header(old)
    lead = "" if not old or old.endswith(b"\n") else eol
    if not old:
        lead = ",".join(COLUMNS) + eol
        header = list(COLUMNS)
    added = (lead + rows_text(drafts, ids, header, eol)).encode("utf-8")

    def verify(temporary: Path) -> None:
        if not temporary.read_bytes().startswith(old):
            raise NotPosted(f"{TRANSACTIONS} would not keep its existing rows")

    try:
        write_atomic(path, old + added, verify=verify)
    except OSError as exc:
        raise NotPosted(f"cannot write {TRANSACTIONS}: {exc.strerror}") from None
    return old


def _header(data: bytes) -> tuple[list[str], str]:
    """The column names of the file's first line, and its line ending."""
    first, _, _ = data.partition(b"\n")
    eol = "\r\n" if first.endswith(b"\r") else "\n"
    text = first.decode("utf-8-sig", errors="replace").rstrip("\r")
    names = next(csv.reader([text]), [])
    return [name.strip() for name in names], eol
