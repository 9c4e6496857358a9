"""Append-only YAML logs: ``ledger/closes.yaml`` and ``ledger/shares.yaml``.

A log is a YAML file whose one key holds a block list of records. A new record is added
to the end of the existing bytes (nothing already written is rewritten, except that an
empty flow list ``key: []`` becomes ``key:`` so a block item can follow it), the whole
file is read back the way ``check`` reads it and must be the old records plus exactly the
new one, then it replaces the original atomically (:mod:`svdiversion.atomic`). The
caller holds the ledger lock (:mod:`svdiversion.lock`) from reading the ledger to the
rename. An interrupted or refused write leaves the file as it was.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .atomic import write_atomic

R = TypeVar("R")


class NotAppended(Exception):
    """The log was left as it was; the message says why. ``io`` is true when the file
    system failed, false when the file's content stood in the way."""

    def __init__(self, message: str, *, io: bool = False) -> None:
        super().__init__(message)
        self.io = io


def append(
    path: Path,
    display: str,
    header: str,
    record_text: str,
    read: Callable[[Path], list[R]],
) -> R:
    """Append ``record_text`` (one list item) to the log at ``path`` and return the new
    record as ``read`` reads it back. ``header`` starts a log that does not exist yet and
    ends in its key (``"closes:\\n"``); ``read`` raises :class:`NotAppended` for a file
    that does not read as a list of records."""
    key = header.rstrip().rsplit("\n", 1)[-1].removesuffix(":")
    try:
        old = path.read_bytes() if path.exists() else header.encode("utf-8")
    except OSError as exc:
        raise NotAppended(f"cannot read {display}: {exc.strerror}", io=True) from None
    before = read(path) if path.exists() else []
    if not before:
        old = _open_list(old, key)
    if old and not old.endswith(b"\n"):
        old += b"\n"
    written: list[R] = []

    def verify(temporary: Path) -> None:
        after = read(temporary)
        if after[: len(before)] != before or len(after) != len(before) + 1:
            raise NotAppended(f"{display} does not end with its list of records")
        written.append(after[-1])

    try:
        write_atomic(path, old + record_text.encode("utf-8"), verify=verify)
    except OSError as exc:
        raise NotAppended(f"cannot write {display}: {exc.strerror or exc}", io=True) from None
    return written[0]


def _open_list(old: bytes, key: str) -> bytes:
    """``key: []`` (or ``null``, ``~``, nothing) made ``key:``, ready for a block item."""
    empty = re.compile(
        rb"^" + re.escape(key.encode()) + rb":[ \t]*(\[[ \t]*\]|null|~)?[ \t]*(#[^\r\n]*)?$",
        re.MULTILINE,
    )
    return empty.sub(key.encode() + b":", old, count=1)
