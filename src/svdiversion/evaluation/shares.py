"""The record of every share: ``ledger/shares.yaml``, only ever appended to.

``svdiversion export evaluation`` appends one record per extract: when, by whom, to
whom and why, what was shared (as of, key id, k, quasi-identifiers, generalisation,
episodes and how many were withheld) and the SHA-256 of every file. As with
``ledger/closes.yaml`` the record is added to the end of the existing bytes, the whole is
read back the way ``check`` reads it, then written to a temporary file in the same folder,
flushed and renamed over the original; the caller holds the ledger lock
(:mod:`svdiversion.lock`) from reading the ledger to the rename. An interrupted or
refused write leaves the file as it was.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from .. import appendlog
from ..core.models import ShareRecord
from ..load.shares import SHARES, read_shares
from .extract import Extract

HEADER = (
    "# Evaluation extracts shared, appended by 'svdiversion export evaluation'.\n"
    "# Only ever appended to: do not edit or remove a record (see docs/evaluation.md).\n"
    "shares:\n"
)


def share_record(
    extract: Extract,
    at: datetime,
    by: str,
    recipient: str,
    purpose: str,
    files: Mapping[str, str],
) -> dict[str, object]:
    """The record appended for ``extract``; ``files`` maps each file to its digest."""
    return {
        "at": at.isoformat(),
        "by": by,
        "recipient": recipient,
        "purpose": purpose,
        "as_of": extract.as_of.isoformat(),
        "key_id": extract.key_id,
        "k": extract.settings.k,
        "quasi_identifiers": list(extract.settings.quasi_identifiers),
        "generalisation": extract.generalisation,
        "episodes": extract.referred - extract.withheld,
        "withheld": extract.withheld,
        "files": dict(files),
    }


def record_yaml(record: Mapping[str, object]) -> str:
    """One item of the ``shares:`` list; strings JSON-quoted (YAML reads them unchanged)."""
    lines = []
    for number, (key, value) in enumerate(record.items()):
        lead = "  - " if number == 0 else "    "
        if isinstance(value, dict):
            lines.append(f"{lead}{key}:")
            lines += [f"      {json.dumps(n)}: {json.dumps(v)}" for n, v in value.items()]
        else:
            lines.append(f"{lead}{key}: {json.dumps(value, ensure_ascii=False)}")
    return "".join(line + "\n" for line in lines)


def append_share(root: Path, record: Mapping[str, object]) -> ShareRecord:
    """Append ``record`` to ``ledger/shares.yaml`` atomically; return it as read back.
    Raises :class:`appendlog.NotAppended`, the file unchanged, when it would not read back as
    the old records plus this one, or when the write fails."""
    return appendlog.append(root / SHARES, SHARES, HEADER, record_yaml(record), _records)


def _records(file: Path) -> list[ShareRecord]:
    records, problems = read_shares(file)
    if records is None:
        reason = problems[0].message if problems else "it is not a list of share records"
        raise appendlog.NotAppended(f"{SHARES} does not read back: {reason}")
    return records
