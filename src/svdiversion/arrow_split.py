"""pyarrow's split of a large, plain CSV file into columns of text, now or read ahead.

``load.arrow_csv`` validates what this splits. The split needs nothing of a table's
model: how each column is held (dictionary-encoded, or value by value when its first
rows are mostly distinct: ids, amounts) is decided from the file alone, so the split can
start before the models are imported.

Starting the ``svdiversion`` command costs about 0.2 s of imports on one core before a
command can load its workspace, while pyarrow's parse of a large file runs without the
GIL. So the command (``__main__``), before importing its CLI, has the workspace's
transactions file split on a thread of its own (:func:`read_ahead`), and the loader takes
that split (:func:`taken`) only if it is of the file as it is now (same size, times and
inode) and the split it would make itself. Any other case (another workspace, a small
or changed file, a command that reads nothing) costs a split no one takes, never a
different result.

Imported by the loader and the command; pyarrow (without numpy, ``arrow_lib``) is
imported by the functions that split, not with this module.
"""

from __future__ import annotations

import mmap
import os
import stat
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

TRANSACTIONS = "ledger/transactions.csv"
ARROW_MIN_BYTES = 4 << 20
"""From this size a file is read by pyarrow and held as arrow arrays (``load.arrow_csv``);
below it, importing pyarrow (about 0.1 s) would cost more than it saves. The size alone
decides, so a test, a command and a benchmark take the same path for the same file."""
BLOCK_BYTES = 1 << 22
"""pyarrow parses a file in blocks of this size, side by side: 4 MiB parsed a million
transactions (180 MB) in 0.22 s against 0.26-0.30 s in blocks of 1 MiB."""
TAIL_BYTES = 1 << 16
# The first rows decide how each column is held: read value by value (not
# dictionary-encoded) when more than DISTINCT_SHARE of them are distinct (ids, amounts).
SAMPLE_BYTES = 1 << 18
SAMPLE_ROWS = 10_000
DISTINCT_SHARE = 0.3
NOT_READING = frozenset({"init", "generate"})
"""Commands that do not load the workspace: nothing is read ahead for them."""


@dataclass(frozen=True, slots=True)
class Plan:
    """How a file is split: its number of columns, and those held value by value."""

    width: int
    by_value: frozenset[int]


def plain_bytes(file: Path) -> bool:
    """No quote anywhere (where pyarrow and the csv module would part ways), and no blank
    line in the last 64 KiB (trailing blank lines, the usual way a file gets millions of
    them, decline at once instead of being parsed into empty rows). One byte search of
    the mapped file (memchr, no copy), and one small look at its end."""
    with file.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return True
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data.find(b'"') != -1:
                return False
            tail = data[max(0, len(data) - TAIL_BYTES) :]
    return b"\n\n" not in tail and b"\n\r\n" not in tail


def plan(file: Path, width: int) -> Plan:
    """The columns of ``file`` whose first rows are mostly distinct are held value by
    value; the others are dictionary-encoded."""
    from . import arrow_lib  # noqa: F401  (before pyarrow: it imports pyarrow without numpy)

    # isort: split
    import pyarrow as pa
    import pyarrow.csv as pcsv
    from pyarrow._compute import call_function

    with file.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        if handle.read(1):
            head = head[: head.rfind(b"\n") + 1]
    if head.count(b"\n") < 2:
        return Plan(width, frozenset())
    names = _names(width)
    sample = pcsv.read_csv(
        pa.BufferReader(head),
        read_options=pcsv.ReadOptions(skip_rows=1, column_names=names, use_threads=False),
        parse_options=_parse_options(),
        convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.binary())),
    ).slice(0, SAMPLE_ROWS)
    limit = DISTINCT_SHARE * sample.num_rows
    distinct = [call_function("count_distinct", [sample.column(i)]).as_py() for i in range(width)]
    return Plan(width, frozenset(i for i, count in enumerate(distinct) if count > limit))


def split(file: Path, plan: Plan) -> pa.Table:
    """Rows 2.. of ``file``, one column of text per field (``c0``, ``c1``, ...): values
    for the columns held value by value, and bytes dictionary-encoded for the others
    (each distinct value made text once, by whoever validates it). Raises
    ``pyarrow.ArrowInvalid`` for a row of the wrong width."""
    from . import arrow_lib  # noqa: F401

    # isort: split
    import pyarrow as pa
    import pyarrow.csv as pcsv

    names = _names(plan.width)
    dictionary = pa.dictionary(pa.int32(), pa.binary())
    return pcsv.read_csv(
        file,
        read_options=pcsv.ReadOptions(
            skip_rows=1, column_names=names, block_size=BLOCK_BYTES, use_threads=True
        ),
        parse_options=_parse_options(),
        convert_options=pcsv.ConvertOptions(
            column_types={
                name: pa.string() if i in plan.by_value else dictionary
                for i, name in enumerate(names)
            },
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    ).unify_dictionaries()


def _names(width: int) -> list[str]:
    return [f"c{i}" for i in range(width)]


def _parse_options() -> Any:
    import pyarrow.csv as pcsv

    return pcsv.ParseOptions(quote_char=False, ignore_empty_lines=False)


# -------------------------------------------------------------------------- read ahead


@dataclass(slots=True)
class _Ahead:
    file: Path
    stat: tuple[int, ...]
    done: threading.Event
    width: int = 0
    table: pa.Table | None = None


_ahead: _Ahead | None = None
_imported = threading.Event()
_imported.set()  # nothing is being imported until read_ahead starts a thread


def read_ahead(args: list[str]) -> None:
    """Split the transactions file of the workspace the command line ``args`` names, on a
    thread of its own, when the command loads the workspace and the file is large."""
    root = _workspace(args)
    if root is None:
        return
    file = root / TRANSACTIONS
    found = _stat(file)
    if found is None or found[0] < ARROW_MIN_BYTES:
        return
    global _ahead
    _ahead = _Ahead(file.resolve(), found, threading.Event())
    _imported.clear()
    threading.Thread(target=_split_ahead, args=(_ahead,), name="read-ahead", daemon=True).start()


def imported() -> None:
    """Wait until the read-ahead has imported pyarrow: while it does, numpy is hidden
    (``arrow_lib``), so no command may start (and import numpy) before."""
    _imported.wait()


def taken(file: Path, width: int) -> pa.Table | None:
    """The split read ahead of ``file``, if there is one of the file as it is now, split
    as :func:`plan` would split it with ``width`` columns (it is handed over once)."""
    global _ahead
    ahead = _ahead
    if ahead is None or ahead.file != file.resolve():
        return None
    ahead.done.wait()
    _ahead = None
    if ahead.table is None or ahead.width != width or _stat(file) != ahead.stat:
        return None
    return ahead.table


def _split_ahead(ahead: _Ahead) -> None:
    try:
        try:
            from . import arrow_lib  # noqa: F401  (pyarrow, numpy hidden)
        finally:
            _imported.set()
        if not plain_bytes(ahead.file):
            return
        with ahead.file.open("rb") as handle:
            width = handle.readline().count(b",") + 1
        table = split(ahead.file, plan(ahead.file, width))
        if _stat(ahead.file) == ahead.stat:  # not changed while it was split
            ahead.width, ahead.table = width, table
    except Exception:  # the loader splits the file itself, and says what is wrong with it
        ahead.table = None
    finally:
        ahead.done.set()


def _stat(file: Path) -> tuple[int, ...] | None:
    try:
        found = file.stat()
    except OSError:
        return None
    if not stat.S_ISREG(found.st_mode):
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


def _workspace(args: list[str]) -> Path | None:
    """The workspace a command line runs in, when its command loads it: the options
    before the command are ``-C DIR`` / ``--dir DIR`` / ``--dir=DIR`` and ``-q``; any
    other (help, version) or no command, or a help option anywhere, reads nothing."""
    root, i = Path("."), 0
    while i < len(args):
        arg = args[i]
        if arg in ("-C", "--dir") and i + 1 < len(args):
            root, i = Path(args[i + 1]), i + 2
        elif arg.startswith("--dir="):
            root, i = Path(arg.removeprefix("--dir=")), i + 1
        elif arg in ("-q", "--quiet"):
            i += 1
        elif arg.startswith("-") or arg in NOT_READING:
            return None
        else:
            help_asked = any(a in ("-h", "--help") for a in args[i + 1 :])
            return None if help_asked else root
    return None
