"""Structured fuzzing of the shipped workspace: the mutators, and the contract every command
keeps however broken its input (issue 13). This module holds no tests.

A *case* is the shipped workspace (``config/`` and ``ledger/``) with one to four mutations
applied in order: optionally a ``ledger/closes.yaml`` (valid, empty or broken), up to two
structural mutations (CSV rows, columns and cells; YAML keys, values, nesting, aliases,
tags, control characters) and optionally one byte mutation (flip, insert, delete,
truncate, NUL, bare CR, escape sequences, invalid UTF-8, long runs of blank lines or
commas, a file removed). Half the cases are a single mutation, where the fault it makes
is known. :func:`cases` is the hypothesis strategy.

The contract (:func:`check_contract`), for every command run on a case:

* the exit code is 0, 1 or 2, and no exception but ``SystemExit`` escapes (no traceback,
  and none printed either);
* no file of the workspace changes (same SHA-256 before and after) and none appears;
* each command grows the process by less than :data:`MEMORY_LIMIT` bytes and is
  interrupted after :data:`WATCHDOG` seconds (a hang, not a speed test); the long run
  (``make fuzz``) also holds each command to :data:`TIME_LIMIT` seconds, which ``make
  test`` does not: no test asserts wall-clock time on a machine it does not know;
* ``check --format json`` prints the documented JSON (``ok``, ``problems``, ``counts``)
  that agrees with its exit code (2 exactly when a file is missing or unreadable: E001,
  E002), and every problem has a line, except those two codes (docs/checks.md: only "a
  problem about a whole file" has none) and the closing count of a code shown
  :data:`CAPPED_AT` times in a file;
* where a mutation certainly made a fault on a known line (a bad date in one row, a
  duplicated id, a NUL in a CSV field, a control character in YAML...), ``check``
  reports a problem on that line (:class:`Fault`; only claimed for single-mutation cases,
  so that two mutations cannot mask or move each other);
* ``check``'s text output holds no raw control characters: escape sequences and bare
  carriage returns in a ledger file must not reach a terminal;
* a report that exits 0 prints JSON that parses, and a report refuses (with ``check``'s
  exit code) a ledger that ``check`` rejects.

Used by ``tests/test_fuzz.py`` (a short derandomised run in ``make test``, and the replay
of every case saved in ``tests/fuzz_corpus/``) and ``scripts/fuzz.py`` (``make fuzz``: the
long run, which saves each new kind of failure to the corpus with :func:`save_case`).

``pyarrow.csv`` is imported here so that every run reads a CSV file of 64 KiB or more with
pyarrow, as a long-lived process does: the fast path is reached with files of modest size,
and a case behaves the same whatever ran before it in the process.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import resource
import shlex
import signal
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pyarrow.csv  # noqa: F401  (see the module docstring)
import yaml
from hypothesis import strategies as st
from typer.testing import CliRunner

from svdiversion.cli import app

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"
CASE_FILE = "case.yaml"

AS_OF = "2025-03-31"
TIME_LIMIT = 10.0  # seconds: the contract for one command on a workspace of this size
WATCHDOG = 60.0  # seconds: a command still running then is interrupted, so a run goes on
MEMORY_LIMIT = 1 << 30  # bytes a command may grow by on a workspace of this size
ADDRESS_SPACE_LIMIT = 3 << 30  # bytes of address space past which its allocations fail
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

TRANSACTIONS = "ledger/transactions.csv"
OUTCOMES = "ledger/outcomes.csv"
WORKSHOPS = "ledger/workshops.csv"
TABLES = (TRANSACTIONS, OUTCOMES, WORKSHOPS)
CLOSES = "ledger/closes.yaml"
# The YAML files `check` reads (closes.yaml only when present); the others are read by
# reconcile (commentary, finance-import) and vfm (unit costs).
CHECKED_YAML = ("config/areas.yaml", "config/settings.yaml", "ledger/contract.yaml", CLOSES)
OTHER_YAML = ("config/finance-import.yaml", "config/unit_costs.yaml", "ledger/commentary.yaml")
CHECKED = (*TABLES, *CHECKED_YAML)
NOT_READ = ("ledger/README.md",)
FILE_LEVEL_CODES = frozenset({"E001", "E002"})  # a missing or unreadable file: no line
# docs/reliability.md: at most 200 problems of one code per file are shown, then one more,
# with no line, counting the rest.
CAPPED_AT = 200


# --- the shipped workspace -------------------------------------------------------------


@cache
def shipped_files() -> Mapping[str, bytes]:
    """Every file of the shipped workspace, by workspace path (``ledger/outcomes.csv``)."""
    found = {}
    for folder in ("config", "ledger"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                found[path.relative_to(REPO).as_posix()] = path.read_bytes()
    return MappingProxyType(found)


def write_workspace(root: Path, overlay: Mapping[str, bytes | None]) -> Path:
    """Write the shipped workspace into ``root`` with ``overlay`` applied: a path mapped to
    bytes is written with them, a path mapped to ``None`` is left out. Returns ``root``."""
    files: dict[str, bytes | None] = {**shipped_files(), **overlay}
    for name, content in files.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    (root / "config").mkdir(parents=True, exist_ok=True)
    (root / "ledger").mkdir(parents=True, exist_ok=True)
    return root


def line_at(data: bytes, offset: int) -> int:
    """The 1-based line of the byte at ``offset`` (lines end with ``\\n``)."""
    return data.count(b"\n", 0, offset) + 1


# --- cases and mutations ---------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """A fault a mutation certainly made on a known line: ``check`` must report a problem
    (any code, any severity) at ``path`` and ``line``. ``why`` names the kind of fault."""

    path: str
    line: int
    why: str


@dataclass(frozen=True)
class Mutation:
    """One change to one file: what it did (for people), the file's new content (``None``:
    the file is removed) and, when certain, the fault it made."""

    path: str
    what: str
    content: bytes | None
    fault: Fault | None = None

    def describe(self) -> str:
        return f"{self.path}: {self.what}"


@dataclass(frozen=True)
class Case:
    """A mutated workspace: the shipped files with ``mutations`` applied in order."""

    mutations: tuple[Mutation, ...]

    @property
    def overlay(self) -> dict[str, bytes | None]:
        """The final content of every file a mutation touched."""
        return {m.path: m.content for m in self.mutations}

    @property
    def fault(self) -> Fault | None:
        """The fault ``check`` must locate; claimed only when one mutation made the case."""
        return self.mutations[0].fault if len(self.mutations) == 1 else None

    @property
    def commands(self) -> tuple[tuple[str, ...], ...]:
        return commands_for(self.overlay)

    def describe(self) -> list[str]:
        return [m.describe() for m in self.mutations]

    def __repr__(self) -> str:
        return "Case(" + "; ".join(self.describe()) + ")"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        """How hypothesis prints a failing example: the mutations, not the files' bytes."""
        printer.text(repr(self))


def current(files: Mapping[str, bytes | None], path: str) -> bytes:
    """The content of ``path`` after the mutations so far (empty once removed)."""
    content = files[path] if path in files else shipped_files().get(path, b"")
    return content or b""


# --- byte mutations --------------------------------------------------------------------

# Byte strings inserted as they are, by name. NOT_UTF8 are not UTF-8 wherever they land:
# the first byte that is not is then on the line of the insertion (E002, located).
# YAML_REFUSES are characters YAML does not allow (E003, located); a NUL in a CSV file is
# a corrupted file (issue 13, item 14).
NOT_UTF8 = (
    ("invalid UTF-8 byte 0xFF", b"\xff"),
    ("UTF-16 byte order mark", b"\xff\xfe"),
    ("Windows-1252 pound sign 0xA3", b"\xa3"),
    ("truncated UTF-8 sequence", b"\xe2\x82"),
)
YAML_REFUSES = (
    ("NUL", b"\x00"),
    ("ESC: clear screen", b"\x1b[2J\x1b[H"),
    ("OSC 52 clipboard write", b"\x1b]52;c;ZXZpbA==\x07"),
    ("C1 control U+009B (CSI)", "\u009b31m".encode()),
    ("DEL", b"\x7f"),
)
PAYLOADS = (
    *YAML_REFUSES,
    ("bare CR", b"\r"),
    ("CRLF", b"\r\n"),
    ("right-to-left override U+202E", "\u202e".encode()),
    ("byte order mark", b"\xef\xbb\xbf"),
    ("double quote", b'"'),
    *NOT_UTF8,
)
RUNS = ((b"\n", "blank lines"), (b"\r\n", "CRLF blank lines"), (b",", "commas"))
MAX_RUN_BYTES = 60_000  # outcomes.csv (49 KB) then crosses the 64 KiB pyarrow threshold


def byte_targets(files: Mapping[str, bytes | None]) -> list[str]:
    """Files a byte mutation may hit: the ones some command reads, checked ones first."""
    present = [p for p in CHECKED if p in shipped_files() or p in files]
    others = [p for p in shipped_files() if p not in CHECKED and p not in NOT_READ]
    return present + others


def payload_fault(path: str, data: bytes, offset: int, name: str, payload: bytes) -> Fault | None:
    """The fault an inserted payload certainly makes in a file ``check`` reads, if any."""
    if path not in CHECKED:
        return None
    line = line_at(data, offset)
    if (name, payload) in NOT_UTF8:
        return Fault(path, line, "bytes that are not UTF-8")
    if path in TABLES and payload == b"\x00":
        return Fault(path, line, "NUL in a CSV file")
    if path in CHECKED_YAML and (name, payload) in YAML_REFUSES:
        return Fault(path, line, "control character in YAML")
    return None


def insert_payload(draw: st.DrawFn, path: str, data: bytes) -> Mutation:
    """A named byte string (NUL, CR, an escape sequence, bytes that are not UTF-8...)
    inserted anywhere."""
    offset = draw(st.integers(0, len(data)))
    name, payload = draw(st.sampled_from(PAYLOADS))
    fault = payload_fault(path, data, offset, name, payload)
    return Mutation(
        path, f"{name} inserted at byte {offset}", _splice(data, offset, payload), fault
    )


def insert_bytes(draw: st.DrawFn, path: str, data: bytes) -> Mutation:
    """A few arbitrary bytes inserted anywhere."""
    offset = draw(st.integers(0, len(data)))
    payload = draw(st.binary(min_size=1, max_size=16))
    return Mutation(
        path, f"bytes {payload!r} inserted at byte {offset}", _splice(data, offset, payload)
    )


def flip_byte(draw: st.DrawFn, path: str, data: bytes) -> Mutation:
    """One byte changed, as a bad disk or a bad transfer does."""
    if not data:
        return Mutation(path, "byte 0x00 written into the empty file", b"\x00")
    offset = draw(st.integers(0, len(data) - 1))
    mask = draw(st.integers(1, 255))
    content = data[:offset] + bytes([data[offset] ^ mask]) + data[offset + 1 :]
    return Mutation(path, f"byte {offset} xor 0x{mask:02x}", content)


def delete_bytes(draw: st.DrawFn, path: str, data: bytes) -> Mutation:
    """Up to 64 bytes gone from anywhere."""
    offset = draw(st.integers(0, len(data)))
    size = draw(st.integers(1, 64))
    return Mutation(
        path, f"{size} bytes deleted at byte {offset}", data[:offset] + data[offset + size :]
    )


def truncate(draw: st.DrawFn, path: str, data: bytes) -> Mutation:
    """The file cut short, as an interrupted copy leaves it."""
    size = draw(st.integers(0, len(data)))
    return Mutation(path, f"truncated to {size} bytes", data[:size])


def insert_run(draw: st.DrawFn, path: str, data: bytes) -> Mutation:
    """A long run of blank lines or commas (issue 13, items 10 and 11), at the start,
    middle or end; at most MAX_RUN_BYTES, so an example stays well under a second."""
    unit, name = draw(st.sampled_from(RUNS))
    count = draw(st.one_of(st.integers(1, 50), st.integers(1, MAX_RUN_BYTES // len(unit))))
    offset = draw(st.sampled_from([len(data), 0, len(data) // 2]))
    return Mutation(
        path, f"{count} {name} inserted at byte {offset}", _splice(data, offset, unit * count)
    )


def remove_file(draw: st.DrawFn, path: str, data: bytes) -> Mutation:
    """The file gone (E001 for a required file)."""
    return Mutation(path, "file removed", None)


def _splice(data: bytes, offset: int, payload: bytes) -> bytes:
    return data[:offset] + payload + data[offset:]


ByteOp = Callable[[st.DrawFn, str, bytes], Mutation]
BYTE_OPS: tuple[ByteOp, ...] = (
    insert_payload,
    flip_byte,
    insert_bytes,
    delete_bytes,
    truncate,
    insert_run,
    remove_file,
)


@st.composite
def byte_mutation(draw: st.DrawFn, files: Mapping[str, bytes | None]) -> Mutation:
    """One byte-level mutation of one file."""
    path = draw(st.sampled_from(byte_targets(files)))
    op = draw(st.sampled_from(BYTE_OPS))
    return op(draw, path, current(files, path))


# --- CSV mutations ---------------------------------------------------------------------


def columns(names: str) -> tuple[str, ...]:
    return tuple(names.split())


# The documented columns of each table, in order (docs/ledger-format.md). After them come
# the optional `tranche` of transactions.csv and the measure columns of outcomes.csv, whose
# order among themselves is free.
DOCUMENTED = {
    TRANSACTIONS: columns(
        "id date kind budget_line area amount reference counterparty description"
    ),
    OUTCOMES: columns(
        "episode_id cyp_ref area referral_date referral_source age_at_referral pathway status "
        "start_date end_date"
    ),
    WORKSHOPS: columns(
        "session_id date area kind cyp_attendees parent_attendees professional_attendees"
    ),
}
OPTIONAL_COLUMNS = {TRANSACTIONS: ("tranche",)}

# Values that are certainly an error in their column, on their row (E101, E102, E103,
# E108, E201, E202, E204, E207, E306, E401).
BAD_DATES = ("2024-02-30", "31/03/2024", "")
BAD_COUNTS = ("-1", "1.5", "many", "")
TOO_LONG = "x" * 501  # free text is up to 500 characters
BAD_CELLS: dict[str, dict[str, tuple[str, ...]]] = {
    TRANSACTIONS: {
        "id": ("", "TX 1"),
        "date": BAD_DATES,
        "kind": ("invoice", ""),
        "budget_line": ("no_such_line",),
        "area": ("no_such_area",),
        "amount": ("£1.00", "1,000.00", "1.234", "(5.00)", "0.00", "abc", ""),
        "reference": (TOO_LONG,),
        "counterparty": (TOO_LONG,),
        "description": (TOO_LONG,),
        "tranche": ("NO-SUCH-TRANCHE",),
    },
    OUTCOMES: {
        "episode_id": ("", "EP 1"),
        "cyp_ref": ("Jo Bloggs", ""),
        "area": ("no_such_area", ""),
        "referral_date": BAD_DATES,
        "age_at_referral": ("abc", "1.5", "99", ""),
        "pathway": ("bus", ""),
        "status": ("lost", ""),
        "risk_reduction": ("maybe",),
        "entered_cjs": ("yes",),
    },
    WORKSHOPS: {
        "session_id": ("",),
        "date": BAD_DATES,
        "area": ("no_such_area", ""),
        "kind": ("football",),
        "cyp_attendees": BAD_COUNTS,
        "parent_attendees": BAD_COUNTS,
        "professional_attendees": BAD_COUNTS,
    },
}
# Extreme or hostile values that may or may not be errors: the contract must hold anyway.
ODD_CELLS = (
    "12345678901234567890.00",
    "-99999999999999999999.99",
    "-0.00",
    "1e3",
    "NaN",
    "-Infinity",
    "2024-02-29",
    "9999-12-31",
    "0001-01-01",
    "2024-2-3",
    'said "hello"',
    "two\nlines",
    "bare\rreturn",
    "\r=cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
    "+1+1",
    "@SUM(A1:A9)",
    " padded ",
    "tab\there",
    "\x1b[2J\x1b[H",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x00",
    "\u202etxet",
    "ＴＸ－００００１",
    "x" * 501,
)
RENAMES = (" {}", "{} ", "{}_x", "date_of_birth", "postcode", "cost_centre", "", "{}\x00")


@dataclass(frozen=True)
class Edit:
    """A table edited by a CSV mutation: the rows (header first), what was done and, when
    certain, the index of the row the fault is on (0: the header) and what it is."""

    rows: list[list[str]]
    what: str
    fault_row: int | None = None
    why: str = ""


def parse_csv(data: bytes) -> list[list[str]]:
    """Rows of a CSV file as the csv module reads them; bytes that are not UTF-8 survive."""
    text = data.decode("utf-8", "surrogateescape")
    return list(csv.reader(io.StringIO(text, newline="")))


def render_field(value: str) -> str:
    """A field as a careful writer quotes it: commas, quotes, CR and LF inside quotes (the
    csv module with ``lineterminator='\\n'`` would leave a bare CR unquoted)."""
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def render_csv(rows: Sequence[Sequence[str]]) -> tuple[bytes, list[int | None]]:
    """The file's bytes and the line each row starts on; ``None`` for a row after a bare CR
    (where a reader counting CR as a line end and one that does not disagree)."""
    parts: list[str] = []
    starts: list[int | None] = []
    line, after_cr = 1, False
    for row in rows:
        text = '""' if list(row) == [""] else ",".join(render_field(v) for v in row)
        starts.append(None if after_cr else line)
        line += text.count("\n") + 1
        after_cr = after_cr or "\r" in text.replace("\r\n", "")
        parts.append(text + "\n")
    return "".join(parts).encode("utf-8", "surrogateescape"), starts


def column_fault(path: str, name: str, changed: str) -> tuple[int | None, str]:
    """The header (row 0) is certainly at fault after a change to a column that is not
    optional; ``changed`` says what happened to it."""
    if name in OPTIONAL_COLUMNS.get(path, ()):
        return None, ""
    return 0, f"column {changed}"


def drop_column(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """A column gone from the header and every row (E007 unless it is optional)."""
    j = draw(st.integers(0, max(len(rows[0]) - 1, 0)))
    name = rows[0][j] if j < len(rows[0]) else ""
    edited = [row[:j] + row[j + 1 :] for row in rows]
    fault_row, why = column_fault(path, name, "dropped")
    return Edit(edited, f"column {j + 1} ({name!r}) dropped", fault_row, why)


def drop_tranche(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """The optional last column of transactions.csv, dropped (issue 13, item 7)."""
    if path != TRANSACTIONS or "tranche" not in rows[0]:
        return drop_column(draw, path, rows)
    j = rows[0].index("tranche")
    return Edit([row[:j] + row[j + 1 :] for row in rows], "the optional tranche column dropped")


def duplicate_column(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """A column given twice, values and all (E008)."""
    j = draw(st.integers(0, max(len(rows[0]) - 1, 0)))
    name = rows[0][j] if j < len(rows[0]) else ""
    edited = [row[: j + 1] + row[j : j + 1] + row[j + 1 :] for row in rows]
    return Edit(edited, f"column {j + 1} ({name!r}) given twice", 0, "column given twice")


def rename_column(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """A header cell renamed: padded with a space, misspelt, personal data, empty,
    arbitrary text (E007, E008, E010, E203). A change of case only is not claimed."""
    j = draw(st.integers(0, max(len(rows[0]) - 1, 0)))
    name = rows[0][j] if j < len(rows[0]) else ""
    pattern = draw(st.sampled_from(RENAMES))
    new = draw(st.one_of(st.just(pattern.format(name)), st.text(max_size=12)))
    header = [*rows[0]]
    if j < len(header):
        header[j] = new
    edited = [header, *rows[1:]]
    what = f"column {j + 1} renamed from {name!r} to {new!r}"
    if new.lstrip("\ufeff").casefold() == name.casefold():  # a BOM at the file's start goes
        return Edit(edited, what)
    return Edit(edited, what, 0, rename_fault(name, new))


def rename_fault(name: str, new: str) -> str:
    """What a renamed header cell is: padded names are told apart (issue 13, item 14)."""
    if new.strip() == name:
        return f"header cell with a {'leading' if new.startswith(' ') else 'trailing'} space"
    return "column renamed"


def swap_columns(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """Two columns swapped, values and all (E009 when a documented column moves)."""
    width = len(rows[0])
    if width < 2:
        return drop_column(draw, path, rows)
    j, k = sorted(draw(st.lists(st.integers(0, width - 1), min_size=2, max_size=2, unique=True)))
    edited = []
    for row in rows:
        row = [*row]
        if k < len(row):
            row[j], row[k] = row[k], row[j]
        edited.append(row)
    names = rows[0][j], rows[0][k]
    what = f"columns {j + 1} and {k + 1} ({names[0]!r}, {names[1]!r}) swapped"
    if names[0] != names[1] and any(n in DOCUMENTED[path] for n in names):
        return Edit(edited, what, 0, "columns out of the documented order")
    return Edit(edited, what)


def pick_row(draw: st.DrawFn, rows: list[list[str]]) -> int:
    """A data row (never the header)."""
    return draw(st.integers(1, len(rows) - 1)) if len(rows) > 1 else 1


def remove_row(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """A record gone (E501 when its month is closed)."""
    i = pick_row(draw, rows)
    return Edit(rows[:i] + rows[i + 1 :], f"row {i + 1} removed")


def duplicate_row(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """A record given twice, right below itself (E107 on the copy)."""
    if len(rows) < 2:
        return add_row(draw, path, rows)
    i = pick_row(draw, rows)
    edited = [*rows[: i + 1], rows[i], *rows[i + 1 :]]
    return Edit(edited, f"row {i + 1} given twice", i + 1, "duplicate row (same id)")


def swap_rows(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """Two records swapped: the order of rows carries no meaning."""
    i, k = pick_row(draw, rows), pick_row(draw, rows)
    edited = [*rows]
    if max(i, k) < len(rows):
        edited[i], edited[k] = rows[k], rows[i]
    return Edit(edited, f"rows {i + 1} and {k + 1} swapped")


def add_row(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """A record of odd values and arbitrary text, of any length."""
    i = draw(st.integers(1, len(rows)))
    row = draw(st.lists(st.one_of(st.sampled_from(ODD_CELLS), st.text(max_size=12)), max_size=12))
    return Edit([*rows[:i], row, *rows[i:]], f"row {row!r} inserted as row {i + 1}")


def resize_row(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """A row with one value fewer or one more than the header (E006)."""
    if len(rows) < 2 or not rows[1]:
        return add_row(draw, path, rows)
    i = pick_row(draw, rows)
    longer = draw(st.booleans())
    row = [*rows[i], draw(st.sampled_from(ODD_CELLS))] if longer else rows[i][:-1]
    what = f"row {i + 1} given {'one value more' if longer else 'one value fewer'}"
    return Edit([*rows[:i], row, *rows[i + 1 :]], what, i, "wrong number of values")


def change_cell(draw: st.DrawFn, path: str, rows: list[list[str]]) -> Edit:
    """One value changed: to one certainly wrong in its column (claimed), or to an
    extreme or hostile one (20-digit amounts, impossible dates, CR and LF, formula
    triggers, escape sequences, NUL: claimed too, a corrupted file)."""
    if len(rows) < 2 or not rows[0]:
        return add_row(draw, path, rows)
    i = pick_row(draw, rows)
    j = draw(st.integers(0, len(rows[0]) - 1))
    name = rows[0][j]
    bad = BAD_CELLS[path].get(name, ())
    value = draw(st.one_of(st.sampled_from((*bad, *ODD_CELLS)), st.text(max_size=24)))
    row = [*rows[i]]
    row += [""] * (j + 1 - len(row))
    row[j] = value
    what = f"row {i + 1}, column {name!r} set to {value!r}"
    edited = [*rows[:i], row, *rows[i + 1 :]]
    if value in bad:
        return Edit(edited, what, i, f"invalid {name}")
    if "\x00" in value:
        return Edit(edited, what, i, "NUL in a CSV field")
    return Edit(edited, what)


CsvOp = Callable[[st.DrawFn, str, list[list[str]]], Edit]
CSV_OPS: tuple[CsvOp, ...] = (
    change_cell,
    drop_column,
    drop_tranche,
    duplicate_column,
    rename_column,
    swap_columns,
    remove_row,
    duplicate_row,
    swap_rows,
    add_row,
    resize_row,
)


@st.composite
def csv_mutation(draw: st.DrawFn, files: Mapping[str, bytes | None]) -> Mutation:
    """One structural mutation of one of the three ledger tables, re-written as CSV."""
    path = draw(st.sampled_from(TABLES))
    rows = parse_csv(current(files, path)) or [[""]]
    edit = draw(st.sampled_from(CSV_OPS))(draw, path, rows)
    content, starts = render_csv(edit.rows)
    fault = None
    if edit.fault_row is not None and path in CHECKED:
        line = starts[edit.fault_row]
        fault = Fault(path, line, edit.why) if line is not None else None
    return Mutation(path, edit.what, content, fault)


# --- YAML mutations --------------------------------------------------------------------

# A line `key: value` with the value on the line (not a block below it).
VALUE_LINE = re.compile(r"^(?P<indent>\s*)(?P<dash>- )?(?P<key>[\w-]+):[ ]+(?P<value>\S.*)$")
YAML_CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x0e\x1b\x7f\x80\x9b\x9f\ufffe\uffff"
# (tag expression, certainly refused): a tag on a scalar with no safe constructor is a
# constructor error located at the value; on collections the outcome is left open.
TAGS = (
    ("!!python/name:os.system ''", True),
    ("!custom value", True),
    ("!!python/object/apply:os.system ['true']", False),
    ("!!python/object:builtins.dict {a: 1}", False),
    ("!!binary aGVsbG8=", False),
    ("!!set {a, b}", False),
    ("!!omap [a: 1, b: 2]", False),
    ("!!timestamp 2024-02-30", False),
    ("!!float nan", False),
    ("!!int 0x1F", False),
    ("!!str 2024-01-01", False),
    ("!!null ''", False),
)
ALIAS_BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**25), 10**25),
    st.floats(),
    st.text(max_size=30),
    st.dates(),
    st.datetimes(),
    st.sampled_from(["2024-02-30", "£600,000.00", "600,000.00", "1e400", "yes", "~", ""]),
)
VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.dictionaries(st.text(max_size=8), SCALARS, max_size=3),
)


def value_lines(lines: list[str]) -> list[int]:
    """The indexes of the lines that hold a `key: value`."""
    return [i for i, line in enumerate(lines) if VALUE_LINE.match(line)]


def with_value(lines: list[str], i: int, value: str) -> str:
    """The document with the value on line ``i`` (a VALUE_LINE) replaced by ``value``."""
    match = VALUE_LINE.match(lines[i])
    assert match is not None
    edited = [*lines]
    edited[i] = lines[i][: match.start("value")] + value
    return "".join(line + "\n" for line in edited)


def yaml_fault(path: str, line: int, why: str) -> Fault | None:
    """A fault on ``line``, claimed only in the YAML files check reads."""
    return Fault(path, line, why) if path in CHECKED_YAML else None


def nest(draw: st.DrawFn, path: str, text: str) -> Mutation:
    """A value replaced by flow collections nested very deep (issue 13, item 6)."""
    depth = draw(st.one_of(st.sampled_from([600, 499, 500, 1000, 5000]), st.integers(1, 5000)))
    opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}")]))
    closed = draw(st.booleans())
    nested = opener * depth + ("1" + closer * depth if closed else "")
    lines = text.splitlines()
    where = value_lines(lines)
    shape = f"{depth} levels of {opener!r}{'' if closed else ', never closed'}"
    if not where:
        return Mutation(path, f"replaced by {shape}", nested.encode())
    i = draw(st.sampled_from(where))
    return Mutation(
        path, f"line {i + 1}: value replaced by {shape}", _utf8(with_value(lines, i, nested))
    )


def duplicate_key(draw: st.DrawFn, path: str, text: str) -> Mutation:
    """A `key: value` line given again right below, in the same mapping (E004)."""
    lines = text.splitlines()
    where = value_lines(lines)
    if not where:
        return control_character(draw, path, text)
    i = draw(st.sampled_from(where))
    match = VALUE_LINE.match(lines[i])
    assert match is not None
    indent = match["indent"] + ("  " if match["dash"] else "")
    copy = f"{indent}{match['key']}: {match['value']}"
    edited = [*lines[: i + 1], copy, *lines[i + 1 :]]
    content = _utf8("".join(line + "\n" for line in edited))
    fault = yaml_fault(path, i + 2, "duplicate YAML key")
    return Mutation(path, f"line {i + 1}: key {match['key']!r} given twice", content, fault)


def control_character(draw: st.DrawFn, path: str, text: str) -> Mutation:
    """A character YAML does not allow, anywhere on a line (issue 13, item 12)."""
    lines = text.splitlines() or [""]
    i = draw(st.integers(0, len(lines) - 1))
    column = draw(st.integers(0, len(lines[i])))
    char = draw(st.sampled_from(YAML_CONTROLS))
    edited = [*lines]
    edited[i] = lines[i][:column] + char + lines[i][column:]
    content = _utf8("".join(line + "\n" for line in edited))
    fault = yaml_fault(path, i + 1, "control character in YAML")
    return Mutation(path, f"line {i + 1}: {char!r} inserted at column {column + 1}", content, fault)


# A value written in place of a line's value, and the fault it certainly makes.
ALIASES = {
    "undefined": ("*nowhere", "undefined YAML alias"),
    "recursive": ("&loop [*loop]", None),
    "merge": ("{<<: {a: 1}, b: 2}", "YAML merge key"),
}


def alias(draw: st.DrawFn, path: str, text: str) -> Mutation:
    """Anchors and aliases: a value shared by two keys, an undefined alias, an alias inside
    its own anchor, a merge key (E005), or a whole "billion laughs" document (E005)."""
    lines = text.splitlines()
    where = value_lines(lines)
    kind = draw(st.sampled_from(["shared", *ALIASES, "bomb"]))
    if kind == "bomb" or not where:
        return Mutation(path, "replaced by an alias bomb", ALIAS_BOMB.encode())
    i = draw(st.sampled_from(where))
    if kind == "shared":
        return shared_value(draw, path, lines, i)
    value, why = ALIASES[kind]
    fault = yaml_fault(path, i + 1, why) if why else None
    content = _utf8(with_value(lines, i, value))
    return Mutation(path, f"line {i + 1}: value replaced by {value!r}", content, fault)


def shared_value(draw: st.DrawFn, path: str, lines: list[str], i: int) -> Mutation:
    """The value on line ``i`` anchored, and given by alias as another line's value."""
    k = draw(st.sampled_from(value_lines(lines)))
    match = VALUE_LINE.match(lines[i])
    assert match is not None
    anchored = with_value(lines, i, f"&shared {match['value']}").splitlines()
    content = with_value(anchored, k, "*shared") if k != i else "\n".join(anchored) + "\n"
    return Mutation(path, f"line {i + 1} anchored, aliased on line {k + 1}", _utf8(content))


def tag(draw: st.DrawFn, path: str, text: str) -> Mutation:
    """A value given a YAML tag: python objects, a custom tag, the standard ones."""
    lines = text.splitlines()
    where = value_lines(lines)
    expression, refused = draw(st.sampled_from(TAGS))
    if not where:
        return Mutation(path, f"replaced by {expression!r}", _utf8(expression + "\n"))
    i = draw(st.sampled_from(where))
    fault = yaml_fault(path, i + 1, "YAML tag") if refused else None
    content = _utf8(with_value(lines, i, expression))
    return Mutation(path, f"line {i + 1}: value replaced by {expression!r}", content, fault)


# Dates at the edges of what Python's date can hold, and of the calendar.
EDGE_DATES = ("9999-12-31", "9999-12-01", "0001-01-01", "1900-02-29", "2024-02-29", "2100-01-01")
DATE_VALUE = re.compile(r"^['\"]?\d{4}-\d{2}-\d{2}")


def edge_date(draw: st.DrawFn, path: str, text: str) -> Mutation:
    """A date value moved to an edge: year 1 or 9999 (a period reaching the end of the
    calendar), a 29 February that does not exist."""
    lines = text.splitlines()
    where = [i for i in value_lines(lines) if DATE_VALUE.match(_value(lines[i]))]
    if not where:
        return tag(draw, path, text)
    i = draw(st.sampled_from(where))
    date = draw(st.sampled_from(EDGE_DATES))
    content = _utf8(with_value(lines, i, date))
    return Mutation(path, f"line {i + 1}: date {_value(lines[i])!r} set to {date}", content)


def _value(line: str) -> str:
    match = VALUE_LINE.match(line)
    return match["value"] if match else ""


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


MAX_TREE_DEPTH = 40  # deeper documents (nested by `nest`) are left to the text mutations
MAX_TREE_VALUES = 20_000  # so are larger ones: an alias bomb stands for 9**9 values


def editable_tree(text: str) -> Any:
    """The document as PyYAML's safe loader reads it, when a tree mutation can edit and
    re-write it: a mapping or a list, small (:func:`small_tree`). ``None`` otherwise."""
    try:
        data = yaml.safe_load(text)
    except Exception:  # whatever PyYAML cannot read, the text mutations still can
        return None
    if not isinstance(data, (dict, list)) or not small_tree(data):
        return None
    return data


def small_tree(data: Any) -> bool:
    """Whether ``data``, walked as a tree (a value shared by aliases counts each time it
    is reached), has at most MAX_TREE_VALUES values, MAX_TREE_DEPTH levels and no cycle
    (an alias inside its own anchor). The walk stops as soon as one is exceeded."""
    budget = [MAX_TREE_VALUES]

    def walk(node: Any, depth: int, ancestors: frozenset[int]) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if not isinstance(node, (dict, list)):
            return True
        if depth == 0 or id(node) in ancestors:
            return False
        children = node.values() if isinstance(node, dict) else node
        inner = ancestors | {id(node)}
        return all(walk(child, depth - 1, inner) for child in children)

    return walk(data, MAX_TREE_DEPTH, frozenset())


def tree_paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path into ``data`` (``("decisions", 0, "total")``)."""
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        yield (*prefix, key)
        yield from tree_paths(value, (*prefix, key))


def parent_of(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        data = data[key]
    return data


def delete_key(draw: st.DrawFn, path: str, text: str) -> Mutation:
    """A key or list item removed; the file re-written by PyYAML (comments go)."""
    data = editable_tree(text)
    paths = list(tree_paths(data))
    if not paths:
        return control_character(draw, path, text)
    where = draw(st.sampled_from(paths))
    del parent_of(data, where)[where[-1]]
    return Mutation(path, f"{_dotted(where)} deleted (file re-written)", _dump(data))


def retype(draw: st.DrawFn, path: str, text: str) -> Mutation:
    """A value replaced by one of another type or shape (None, a huge integer, NaN, a
    date, text, a list, a mapping...); the file re-written by PyYAML."""
    data = editable_tree(text)
    paths = list(tree_paths(data))
    if not paths:
        return control_character(draw, path, text)
    where = draw(st.sampled_from(paths))
    value = draw(VALUES)
    parent_of(data, where)[where[-1]] = value
    return Mutation(path, f"{_dotted(where)} set to {value!r} (file re-written)", _dump(data))


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(key) for key in path)


def _dump(data: Any) -> bytes:
    return _utf8(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200))


YamlOp = Callable[[st.DrawFn, str, str], Mutation]
YAML_TEXT_OPS: tuple[YamlOp, ...] = (
    nest,
    duplicate_key,
    control_character,
    alias,
    tag,
    edge_date,
)
YAML_TREE_OPS: tuple[YamlOp, ...] = (delete_key, retype)


@st.composite
def yaml_mutation(draw: st.DrawFn, files: Mapping[str, bytes | None]) -> Mutation:
    """One structural mutation of one YAML file."""
    targets = [p for p in (*CHECKED_YAML, *OTHER_YAML) if p in shipped_files() or p in files]
    path = draw(st.sampled_from(targets))
    text = current(files, path).decode("utf-8", "surrogateescape")
    tree = editable_tree(text) is not None
    op = draw(st.sampled_from(YAML_TEXT_OPS + (YAML_TREE_OPS if tree else ())))
    return op(draw, path, text)


# --- ledger/closes.yaml ----------------------------------------------------------------

CLOSES_HEADER = (
    "# Months closed and reopened, appended by 'svdiversion close' and 'reopen'.\ncloses:\n"
)


def close_record(month: str, at: str, actual: str, digest: str, rows: dict[str, str]) -> str:
    """A close record as 'svdiversion close' writes it."""
    return (
        f'  - action: "close"\n    month: "{month}"\n    at: "{at}"\n    by: "A. Treasurer"\n'
        f"    totals:\n      actual: {actual}\n      profile: 25642.68\n"
        f"      ledger_cash: {actual}\n      finance_cash: {actual}\n"
        f'    digest: "sha256:{digest}"\n    rows:\n'
        + "".join(f'      {ident}: "{short}"\n' for ident, short in rows.items())
    )


# Two months closed on the shipped rows, as 'svdiversion close' wrote them.
CLOSES_VALID = (
    CLOSES_HEADER
    + close_record(
        "2023-09",
        "2023-10-05T09:00:00+00:00",
        "23078.41",
        "54ce05c879ff13589d23f9cfc4378814209448570b1d4f59e8146d2572167ef3",
        {
            "TX-00011": "bc3b4e89aa83a205",
            "TX-00012": "be3bfded3100a37e",
            "TX-00013": "8587bfb23f329263",
            "TX-00014": "e5fdfa3856753880",
            "TX-00015": "a04e238e8eae6394",
        },
    )
    + close_record(
        "2024-10",
        "2024-11-06T09:00:00+00:00",
        "41411.96",
        "175659cc9fc3ec853be50184edaa856c4a31feb62bd55c7054c7d47f0b20ad2b",
        {
            "TX-00086": "c9fbcd26c29d5b25",
            "TX-00087": "fe21dd46f41c98d3",
            "TX-00088": "c9c5fc1003462026",
            "TX-00089": "bdced54bc5794f30",
            "TX-00090": "714505d40038e676",
            "TX-00118": "9b2d6c5e765b8793",
        },
    )
)
REOPEN_NOT_CLOSED = CLOSES_HEADER + (
    '  - action: "reopen"\n'
    '    month: "2024-01"\n'
    '    at: "2024-02-06T09:00:00+00:00"\n'
    '    by: "A. Treasurer"\n'
    '    reason: "late credit note"\n'
)
# (what, text, the line check must report on, if certain)
CLOSES_VARIANTS = (
    ("two closed months (valid)", CLOSES_VALID, None),
    ("no records: closes: []", "closes: []\n", None),
    ("an empty file", "", None),
    ("closes: with no value", "closes:\n", None),
    ("a reopen of a month never closed", REOPEN_NOT_CLOSED, 3),
    ("a close with a wrong digest", CLOSES_VALID.replace("sha256:54ce", "sha256:0000"), None),
    ("a list, not a mapping", "- 2023-09\n- 2024-10\n", None),
)


@st.composite
def closes_mutation(draw: st.DrawFn) -> Mutation:
    """A ``ledger/closes.yaml`` (the shipped workspace has none)."""
    what, text, line = draw(st.sampled_from(CLOSES_VARIANTS))
    fault = Fault(CLOSES, line, "a close record that does not follow") if line else None
    return Mutation(CLOSES, f"created: {what}", text.encode(), fault)


# --- the strategy ----------------------------------------------------------------------


def single_mutation() -> st.SearchStrategy[Mutation]:
    """One mutation of any family: the cases where a fault on a known line is claimed."""
    return st.one_of(csv_mutation({}), yaml_mutation({}), byte_mutation({}), closes_mutation())


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """A mutated shipped workspace. Half the cases are a single mutation (so the fault it
    makes is checked for, located); the others are optionally a closes.yaml, up to two
    structural mutations and optionally one byte mutation, at least one in all."""
    if draw(st.booleans()):
        return Case((draw(single_mutation()),))
    files: dict[str, bytes | None] = {}
    mutations: list[Mutation] = []

    def apply(mutation: Mutation) -> None:
        mutations.append(mutation)
        files[mutation.path] = mutation.content

    if draw(st.booleans()):
        apply(draw(closes_mutation()))
    for _ in range(draw(st.integers(0, 2))):
        apply(draw(st.one_of(csv_mutation(files), yaml_mutation(files))))
    if not mutations or draw(st.booleans()):
        apply(draw(byte_mutation(files)))
    return Case(tuple(mutations))


# --- running the commands --------------------------------------------------------------

CHECK_JSON = ("check", "--format", "json")
CHECK_TEXT = ("check",)
BURNDOWN = ("burndown", "--format", "json", "--as-of", AS_OF)
OUTCOMES_REPORT = ("outcomes", "--format", "json", "--as-of", AS_OF)
PACK = ("report", "--format", "json", "--as-of", AS_OF)
VFM = ("vfm", "--format", "json", "--as-of", AS_OF)
REFUSING_REPORTS = (BURNDOWN, OUTCOMES_REPORT, PACK, VFM)  # stop on a ledger with errors
PACK_INPUTS = ("config/areas.yaml", "config/settings.yaml", "config/unit_costs.yaml")
RECONCILE = ("reconcile", "--month", "2024-09", "--format", "json", "--as-of", AS_OF)
RECONCILE_INPUTS = (TRANSACTIONS, CLOSES, "config/finance-import.yaml", "ledger/commentary.yaml")


def commands_for(paths: Mapping[str, Any] | Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The commands a case runs: check (JSON and text), burndown and outcomes; the monthly
    pack when the areas, settings or unit costs changed (its area, disclosure and VfM
    views), vfm when the unit costs did, reconcile when its inputs did."""
    commands = [CHECK_JSON, CHECK_TEXT, BURNDOWN, OUTCOMES_REPORT]
    if any(p in PACK_INPUTS for p in paths):
        commands.append(PACK)
    if "config/unit_costs.yaml" in paths:
        commands.append(VFM)
    if any(p in RECONCILE_INPUTS or p.startswith("ledger/finance/") for p in paths):
        commands.append(RECONCILE)
    return tuple(commands)


class Overran(BaseException):
    """Raised in a command that ran past :data:`WATCHDOG` seconds or grew by more than
    :data:`MEMORY_LIMIT` bytes. A BaseException, so that no ``except Exception`` in the
    command or the test runner swallows it; ``what`` is ``time`` or ``memory``."""

    def __init__(self, what: str, message: str) -> None:
        super().__init__(message)
        self.what = what


def memory_pages(field: int) -> int | None:
    """A field of /proc/self/statm in bytes (0: address space, 1: resident); ``None``
    where it cannot be read (not Linux)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[field])
    except (OSError, IndexError, ValueError):
        return None
    return pages * PAGE_SIZE


@contextmanager
def memory_cap(extra: int) -> Iterator[None]:
    """Let the block add at most ``extra`` bytes of address space: an allocation beyond
    fails with MemoryError, in the command, instead of the machine running out of memory
    (a single allocation of many gigabytes is over before any watcher could look). The
    process's own limit (RLIMIT_AS) is restored after; no cap where it cannot be set."""
    size = memory_pages(0)
    if size is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = size + extra
    for limit in (soft, hard):
        if limit != resource.RLIM_INFINITY:
            cap = min(cap, limit)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def watchdog(seconds: float, memory: int) -> Iterator[None]:
    """Interrupt the block with :class:`Overran` after ``seconds``, or once the process
    has grown by ``memory`` bytes (checked every 50 ms by a thread, which signals the main
    thread). Only in the main thread, where signals are delivered; elsewhere no guard."""
    main = threading.main_thread()
    if threading.current_thread() is not main:
        yield
        return
    reason = ["time", f"still running after {seconds:.0f} s"]

    def interrupt(signum: int, frame: Any) -> None:
        raise Overran(*reason)

    def watch(start: int, done: threading.Event) -> None:
        while not done.wait(0.05):
            now = memory_pages(1) or 0
            if now - start > memory:
                reason[:] = ["memory", f"grew by {(now - start) >> 20} MB, over the limit"]
                signal.pthread_kill(main.ident or 0, signal.SIGALRM)
                return

    previous = signal.signal(signal.SIGALRM, interrupt)
    done = threading.Event()
    start = memory_pages(1)
    if start is not None:
        threading.Thread(target=watch, args=(start, done), daemon=True).start()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        done.set()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Run:
    """One command's outcome: exit code, both streams, any exception that escaped."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None
    seconds: float

    @property
    def name(self) -> str:
        return " ".join(self.args)


def run(root: Path, args: tuple[str, ...]) -> Run:
    """``svdiversion -C root ARGS`` in-process, stdout and stderr apart."""
    started = time.perf_counter()
    try:
        with watchdog(WATCHDOG, MEMORY_LIMIT), memory_cap(ADDRESS_SPACE_LIMIT):
            result = CliRunner().invoke(app, ["-C", str(root), *args])
    except Overran as overran:
        return Run(args, -1, "", "", overran, time.perf_counter() - started)
    seconds = time.perf_counter() - started
    return Run(args, result.exit_code, result.stdout, result.stderr, result.exception, seconds)


def snapshot(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root``, by relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


# --- the contract ----------------------------------------------------------------------


class ContractBroken(AssertionError):
    """A command broke the contract. ``signature`` names the kind of failure (command,
    clause, and where or what), so that a long run keeps one case per kind."""

    def __init__(self, run: Run, clause: str, key: str, detail: str) -> None:
        self.run = run
        self.clause = clause
        self.key = key
        self.detail = detail
        super().__init__(f"{self.headline}: {detail}")

    @property
    def headline(self) -> str:
        return f"{self.run.name}: {self.clause} ({self.key})"

    @property
    def signature(self) -> str:
        """An exception is named by where it was raised, whichever command met it; any
        other failure by the command, the clause and the key."""
        if self.clause == "exception":
            return f"{self.clause} {self.key}"
        return f"{self.run.args[0]} {self.clause} {self.key}"


# docs/checks.md: what each problem of `check --format json` holds.
PROBLEM_KEYS = frozenset({"path", "line", "column", "code", "severity", "message", "hint"})
# C0 controls but tab and line feed, DEL and C1: never raw in text meant for a terminal.
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
EXCERPT = re.compile(r"^ +\d+ \| ")  # the quoted line under a problem: `  3 | TX-2,...`


def check_contract(
    root: Path,
    commands: Sequence[Sequence[str]],
    fault: Fault | None = None,
    time_limit: float | None = None,
) -> list[Run]:
    """Run ``commands`` on the workspace at ``root`` and assert the contract of the module
    docstring; raise :class:`ContractBroken` at the first clause broken. ``time_limit``
    (seconds a command may take) is for the long run on a known machine."""
    before = snapshot(root)
    runs: list[Run] = []
    for args in commands:
        result = run(root, tuple(args))
        runs.append(result)
        check_run(result, time_limit)
        check_untouched(result, before, snapshot(root))
        if result.args == CHECK_JSON:
            check_json_problems(result, fault)
        elif result.args == CHECK_TEXT:
            check_text_output(result)
        else:
            check_report(result)
    check_agreement(runs)
    return runs


def check_run(result: Run, time_limit: float | None = None) -> None:
    """Exit 0, 1 or 2 without hanging (within ``time_limit`` seconds when one is given);
    no exception but SystemExit, and no traceback."""
    exc = result.exception
    if isinstance(exc, Overran):
        clause = "slow" if exc.what == "time" else "memory"
        raise ContractBroken(result, clause, "watchdog", str(exc))
    if isinstance(exc, MemoryError):
        where = exception_key(exc).partition(" in ")[2]
        raise ContractBroken(result, "memory", where, describe_exception(exc))
    if exc is not None and not isinstance(exc, SystemExit):
        raise ContractBroken(result, "exception", exception_key(exc), describe_exception(exc))
    for stream in (result.stdout, result.stderr):
        if "Traceback (most recent call last)" in stream:
            raise ContractBroken(result, "traceback", "printed", stream[-2000:])
    if result.exit_code not in (0, 1, 2):
        raise ContractBroken(result, "exit-code", str(result.exit_code), result.stderr[-500:])
    if time_limit is not None and result.seconds > time_limit:
        detail = f"took {result.seconds:.1f} s, over the {time_limit:.0f} s limit"
        raise ContractBroken(result, "slow", "time", detail)


def check_untouched(result: Run, before: dict[str, str], after: dict[str, str]) -> None:
    """No input file changed, and none was added or removed."""
    if before == after:
        return
    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
    raise ContractBroken(result, "inputs-changed", changed[0], f"files changed: {changed}")


def check_json_problems(result: Run, fault: Fault | None) -> None:
    """``check --format json``: the documented document, agreeing with the exit code, every
    problem located; and the fault the mutation made, reported on its line."""
    document = parse_json(result)
    if document is None:
        return
    problems = document.get("problems") if isinstance(document, dict) else None
    if not isinstance(problems, list) or set(document) != {"ok", "problems", "counts"}:
        raise ContractBroken(result, "json", "shape", f"document {str(document)[:300]}")
    for problem in problems:
        if not isinstance(problem, dict) or not PROBLEM_KEYS.issubset(problem):
            raise ContractBroken(result, "json", "shape", f"problem {str(problem)[:300]}")
    check_counts(result, document, problems)
    located = Counter((p["path"], p["code"]) for p in problems if p["line"])
    for problem in problems:
        if problem["line"] or problem["code"] in FILE_LEVEL_CODES:
            continue
        if located[problem["path"], problem["code"]] >= CAPPED_AT:
            continue  # the closing count of a capped code
        detail = f"{problem['path']}: {problem['code']} {problem['message']}"
        raise ContractBroken(result, "unlocated", problem["code"], detail)
    if fault is not None:
        check_fault(result, fault, problems)


def parse_json(result: Run) -> Any:
    """The JSON on stdout; ``None`` when the command exited 2 with nothing on stdout."""
    if result.exit_code == 2 and not result.stdout.strip():
        return None
    try:
        return json.loads(result.stdout)
    except ValueError as exc:
        raise ContractBroken(
            result, "json", "unparseable", f"{exc}: {result.stdout[:300]!r}"
        ) from None


def check_counts(result: Run, document: dict[str, Any], problems: list[Any]) -> None:
    """``counts`` counts the problems; ``ok`` and the exit code follow from them."""
    errors = [p for p in problems if p["severity"] == "error"]
    counts = {"error": len(errors), "warning": len(problems) - len(errors)}
    unreadable = any(p["code"] in FILE_LEVEL_CODES for p in problems)
    expected_exit = 2 if unreadable else 1 if errors else 0
    if document["counts"] != counts or document["ok"] is not (not errors):
        detail = f"counts {document['counts']}, ok {document['ok']}, problems give {counts}"
        raise ContractBroken(result, "json", "counts", detail)
    if result.exit_code != expected_exit:
        detail = f"exit {result.exit_code} with {counts}, unreadable={unreadable}"
        raise ContractBroken(result, "exit-code", f"{result.exit_code}-not-{expected_exit}", detail)


def check_fault(result: Run, fault: Fault, problems: list[Any]) -> None:
    """A problem on the line the mutation certainly broke."""
    if any(p["path"] == fault.path and p["line"] == fault.line for p in problems):
        return
    nearby = [f"{p['path']}:{p['line']} {p['code']}" for p in problems][:8]
    detail = f"nothing reported at {fault.path}:{fault.line} ({fault.why}); got {nearby}"
    raise ContractBroken(result, "fault-missed", fault.why, detail)


def check_text_output(result: Run) -> None:
    """Plain ``check``: no raw control character reaches the terminal."""
    for stream in (result.stdout, result.stderr):
        found = RAW_CONTROL.search(stream)
        if found:
            start = stream.rfind("\n", 0, found.start()) + 1
            line = stream[start:].split("\n", 1)[0]
            where = "excerpt" if EXCERPT.match(line) else "message"
            detail = f"{found.group()!r} printed raw in {line[:200]!r}"
            raise ContractBroken(result, "raw-control", where, detail)


def check_report(result: Run) -> None:
    """A report that succeeds prints JSON that parses."""
    if result.exit_code != 0:
        return
    try:
        json.loads(result.stdout)
    except ValueError as exc:
        raise ContractBroken(
            result, "json", "unparseable", f"{exc}: {result.stdout[:300]!r}"
        ) from None


def check_agreement(runs: list[Run]) -> None:
    """check in text and in JSON exit alike; a report refuses, with check's exit code, a
    ledger check rejects (reports read the ledger as check does, as of today)."""
    by_args = {r.args: r for r in runs}
    checked = by_args.get(CHECK_JSON)
    if checked is None:
        return
    text = by_args.get(CHECK_TEXT)
    if text is not None and text.exit_code != checked.exit_code:
        detail = f"check exits {text.exit_code}, check --format json {checked.exit_code}"
        raise ContractBroken(text, "disagree", "check-formats", detail)
    for report in (by_args.get(args) for args in REFUSING_REPORTS):
        if report is None or checked.exit_code == 0 or report.exit_code == checked.exit_code:
            continue
        detail = f"check exits {checked.exit_code} but the report {report.exit_code}"
        raise ContractBroken(report, "disagree", f"check-{checked.exit_code}", detail)


def exception_key(exc: BaseException) -> str:
    """The exception's type and the innermost svdiversion function it passed through."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "svdiversion" in f.filename] or frames
    where = f" in {Path(ours[-1].filename).stem}.{ours[-1].name}" if ours else ""
    return f"{type(exc).__name__}{where}"


def describe_exception(exc: BaseException) -> str:
    """The last lines of the traceback: enough to find the cause, short enough to read."""
    lines = "".join(traceback.format_exception(exc)).rstrip().splitlines()
    return "\n".join(lines[-24:])


def check_case(case: Case, root: Path, time_limit: float | None = None) -> list[Run]:
    """Write ``case`` into the empty folder ``root`` and check the contract on it; the
    message of a failure lists the mutations."""
    write_workspace(root, case.overlay)
    try:
        return check_contract(root, case.commands, case.fault, time_limit)
    except ContractBroken as broken:
        broken.args = (f"{broken.args[0]}\nmutations:\n  " + "\n  ".join(case.describe()),)
        raise


# --- the corpus ------------------------------------------------------------------------


@dataclass
class SavedCase:
    """A corpus case: the mutated files (the rest is the shipped workspace), the files
    removed, the commands, and where the contract was broken when it was found."""

    folder: Path
    overlay: dict[str, bytes | None] = field(default_factory=dict)
    commands: list[list[str]] = field(default_factory=list)
    fault: Fault | None = None
    signature: str = ""
    mutations: list[str] = field(default_factory=list)


def corpus_cases(corpus: Path = CORPUS) -> list[Path]:
    """Every saved case folder, by name."""
    if not corpus.is_dir():
        return []
    return sorted(p for p in corpus.iterdir() if (p / CASE_FILE).is_file())


def load_case(folder: Path) -> SavedCase:
    """Read a case folder written by :func:`save_case`."""
    meta = yaml.safe_load((folder / CASE_FILE).read_text(encoding="utf-8"))
    overlay: dict[str, bytes | None] = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != CASE_FILE
    }
    overlay.update(dict.fromkeys(meta.get("removed") or [], None))
    fault = Fault(**meta["fault"]) if meta.get("fault") else None
    commands = [shlex.split(command) for command in meta["commands"]]
    signature, mutations = meta.get("signature", ""), meta.get("mutations") or []
    return SavedCase(folder, overlay, commands, fault, signature, mutations)


def replay(folder: Path, root: Path) -> list[Run]:
    """Write a saved case into the empty folder ``root`` and check the contract on it."""
    case = load_case(folder)
    write_workspace(root, case.overlay)
    try:
        return check_contract(root, case.commands, case.fault)
    except ContractBroken as broken:
        broken.args = (f"{broken.args[0]}\nmutations:\n  " + "\n  ".join(case.mutations),)
        raise


EXPECTED = (
    "the contract of tests/fuzzing.py: exit 0, 1 or 2; no traceback; check's JSON documented "
    "and every problem located (and on the line of a claimed fault); no raw control "
    "characters from check; reports agree with check; inputs untouched; bounded time and "
    "memory"
)


class _CaseDumper(yaml.SafeDumper):
    """Writes a case.yaml people can read: tracebacks as literal blocks."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_CaseDumper.add_representer(str, _text)


def case_yaml(meta: dict[str, Any]) -> str:
    return yaml.dump(
        meta,
        Dumper=_CaseDumper,
        sort_keys=False,
        allow_unicode=True,
        width=100,
        default_flow_style=False,
    )


def case_name(broken: ContractBroken) -> str:
    """A short folder name from the failure's signature: ``check-unlocated-e003``."""
    slug = re.sub(r"[^a-z0-9]+", "-", broken.signature.lower()).strip("-")
    return slug[:60].rstrip("-")


def save_case(case: Case, broken: ContractBroken, corpus: Path, found: str) -> Path:
    """Save the files ``case`` changed and a ``case.yaml`` into a new folder of ``corpus``
    named after the failure; ``found`` says when and how (date, seed)."""
    name = base = case_name(broken)
    number = 2
    while (corpus / name).exists():
        name, number = f"{base}-{number}", number + 1
    folder = corpus / name
    for path, content in case.overlay.items():
        if content is not None:
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            (folder / path).write_bytes(content)
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "signature": broken.signature,
        "found": found,
        "mutations": case.describe(),
        "removed": sorted(p for p, c in case.overlay.items() if c is None),
        "commands": [shlex.join(c) for c in case.commands],
        "fault": vars(case.fault) if case.fault else None,
        "broken": broken.headline,
        "error": broken.detail.strip().splitlines()[-1] if broken.detail.strip() else "",
        "detail": broken.detail,
        "expected": EXPECTED,
    }
    (folder / CASE_FILE).write_text(case_yaml(meta), encoding="utf-8")
    return folder
