"""CSV tables, read and validated column by column.

A ledger table can hold a million rows, so rows are not turned into a million model
objects. Instead each column is checked against the row model's field type once per
*distinct* value, in one pydantic call per column, and every row holding a bad value
gets its own located problem. The result is columnar (a ``Table``): one column per field,
plus the file line of every row. Nothing is skipped: every row and every value is checked.

Rules and reports ask a table for what they need (distinct values, totals by a few
columns) rather than walk its rows, so the pyarrow fast path can answer without making a
Python object per row; a rule walks the rows only to locate a problem it has found.
"""

from __future__ import annotations

import csv
import gc
import sys
from array import array
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from itertools import islice
from pathlib import Path
from typing import Any

from ..arrow_split import ARROW_MIN_BYTES
from ..core.codes import Code
from ..core.money import parse_pence
from ..core.problems import Problem
from ..core.table import Columns, ListColumns, Table
from .damage import csv_error_line, decode_problem, nul_problems
from .header import TableSpec, check_header, columns_hint, padded_names
from .limits import MAX_COLUMNS, MAX_CSV_BYTES, refused
from .values import Bad, parse_distinct, value_problems

CHUNK_ROWS = 65_536


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Building millions of small objects makes the cyclic GC rescan them over and over;
    none of them can form cycles, so collection is paused while a table is read."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


Reading = Future[tuple[Table | None, list[Problem]]]
"""A table being read on a thread of a pool: ``(table, problems)`` when done."""


def reading(pool: ThreadPoolExecutor, root: Path, name: str, spec: TableSpec) -> Reading:
    """``read_table`` of ``root / name`` on a thread of ``pool``."""
    return pool.submit(read_table, root / name, name, spec)


def result(read: Reading, problems: list[Problem]) -> Table | None:
    """The table read, its problems added to ``problems`` (in the order asked for)."""
    table, found = read.result()
    problems += found
    return table


def read_table(file: Path, display: str, spec: TableSpec) -> tuple[Table | None, list[Problem]]:
    """Read and validate one CSV file. Never raises for bad input."""
    over = refused(file, display, MAX_CSV_BYTES, "CSV")
    if over is not None:
        return None, [over]
    try:
        handle = file.open("r", encoding="utf-8-sig", newline="")
    except FileNotFoundError:
        return None, [
            Problem(
                display,
                0,
                0,
                Code.E001,
                "file not found",
                f"create {display} with its header row (see docs/ledger-format.md)",
            )
        ]
    except OSError as exc:
        return None, [
            Problem(
                display,
                0,
                0,
                Code.E002,
                f"cannot read file: {exc.strerror}",
                "check the file's permissions",
            )
        ]
    with handle, _gc_paused():
        try:
            damaged = nul_problems(handle, display)
            table, problems = _read(handle, file, display, spec, nul_free=not damaged)
            return _with_absent(table, spec), damaged + problems
        except UnicodeDecodeError as exc:
            return None, [decode_problem(file, display, exc)]
        except csv.Error as exc:
            return None, [
                Problem(
                    display,
                    csv_error_line(file),
                    0,
                    Code.E006,
                    f"malformed CSV: {exc}",
                    "check quoting on this line; values with commas need quotes",
                )
            ]


def _with_absent(table: Table | None, spec: TableSpec) -> Table | None:
    """The table knowing which optional columns its file leaves out, so a rule or a digest
    that reads one gets ``None`` per row rather than a missing column."""
    if table is None:
        return None
    fields = spec.model.model_fields
    absent = frozenset(n for n, f in fields.items() if not f.is_required()) - set(table.header)
    return replace(table, absent=absent) if absent else table


def _read(
    handle: Any, file: Path, display: str, spec: TableSpec, *, nul_free: bool
) -> tuple[Table | None, list[Problem]]:
    reader = csv.reader(handle, strict=True)
    problems: list[Problem] = []
    header_row = next(reader, None)
    while header_row == []:
        header_row = next(reader, None)
    if header_row is None:
        return None, [
            Problem(
                display,
                1,
                1,
                Code.E007,
                "the file is empty: no header row",
                f"start the file with the header: {','.join(spec.model.model_fields)}",
            )
        ]
    # The header's first line: a quoted name may hold a line break (so the record ends later).
    header_line = reader.line_num - sum(name.count("\n") for name in header_row)
    if len(header_row) > MAX_COLUMNS:
        return None, [_too_wide(display, header_line, len(header_row), spec)]
    problems += padded_names(display, header_line, header_row)
    header = tuple(name.strip() for name in header_row)
    types, header_problems = check_header(display, header_line, header, spec)
    problems += header_problems
    if any(p.code in {Code.E007, Code.E009} for p in header_problems):
        return None, problems
    # pyarrow reads a NUL as text where the csv module stops: a file with one is read by
    # the csv module (nul_problems has reported each NUL already).
    if reader.line_num == 1 and nul_free and _arrow_pays(file.stat().st_size):
        fast = _read_fast(file, display, header, types, spec, problems)
        if fast is not None:
            return fast

    raw, lines = _split_rows(reader, display, len(header), problems)
    if _arrow_pays(file.stat().st_size):
        held = _hold_in_arrow(display, header, types, spec, raw, lines, problems)
        if held is not None:
            return held
    columns, bad_rows, value_problems = _validate_columns(display, header, types, raw, lines)
    problems += value_problems
    if spec.pence_from is not None and spec.pence_from in columns:
        columns["pence"] = _pence(columns[spec.pence_from])
    return _without(Table(display, header, lines, ListColumns(columns)), bad_rows), problems


def _too_wide(display: str, line: int, columns: int, spec: TableSpec) -> Problem:
    message = f"the header has {columns:,} columns; a ledger file has at most {MAX_COLUMNS}"
    return Problem(display, line, MAX_COLUMNS + 1, Code.E008, message, columns_hint(spec))


def _split_rows(
    reader: Any, display: str, width: int, problems: list[Problem]
) -> tuple[list[list[str]], array[int]]:
    """The rows after the header split by the csv module, as one list of text per field,
    with the file line of each row; a row of the wrong width is a problem, left out."""
    lines = array("i")
    raw: list[list[str]] = [[] for _ in range(width)]
    next_line = reader.line_num + 1
    while chunk := list(islice(reader, CHUNK_ROWS)):
        chunk_lines = _chunk_lines(chunk, next_line, reader.line_num)
        next_line = reader.line_num + 1
        keep = [i for i, row in enumerate(chunk) if len(row) == width]
        if len(keep) != len(chunk):
            problems += _width_problems(display, chunk, chunk_lines, width)
            chunk = [chunk[i] for i in keep]
            chunk_lines = array("i", (chunk_lines[i] for i in keep))
        lines.extend(chunk_lines)
        if not chunk:  # every row of the chunk had the wrong number of values
            continue
        for target, values in zip(raw, zip(*chunk, strict=True), strict=True):
            target.extend(values)
    return raw, lines


def _arrow_pays(size: int) -> bool:
    """Whether a file is held by arrow: from ``ARROW_MIN_BYTES``; and once a larger file
    has imported pyarrow, from a 64th of it (64 KB), for then its import is paid and a
    file of a few thousand rows is already read faster by it (a million transactions
    bring 100,000 episodes: 0.3 s of the plain reader's validation). Either way the table,
    its problems and their lines are the same (tests/test_fast_reader.py)."""
    if size >= ARROW_MIN_BYTES:
        return True
    return size >= ARROW_MIN_BYTES // 64 and "pyarrow.csv" in sys.modules


def _read_fast(
    file: Path,
    display: str,
    header: tuple[str, ...],
    types: dict[str, Any],
    spec: TableSpec,
    problems: list[Problem],
) -> tuple[Table, list[Problem]] | None:
    """The same result as the plain reader, from pyarrow; ``None`` when it cannot say."""
    from . import arrow_csv  # pyarrow is imported only for a large file

    found = arrow_csv.read_rows(file, header, types, spec.pence_from)
    if found is None:
        return None
    lines, store, bad = found
    return _arrow_table(display, header, types, lines, store, bad, problems)


def _hold_in_arrow(
    display: str,
    header: tuple[str, ...],
    types: dict[str, Any],
    spec: TableSpec,
    raw: list[list[str]],
    lines: array[int],
    problems: list[Problem],
) -> tuple[Table, list[Problem]] | None:
    """A large file the csv module had to split (quoted values), held and checked as the
    fast path holds a file it splits itself; ``None`` to keep it as lists."""
    from . import arrow_csv

    found = arrow_csv.hold_rows(header, types, raw, spec.pence_from)
    if found is None:
        return None
    store, bad = found
    return _arrow_table(display, header, types, lines, store, bad, problems)


def _arrow_table(
    display: str,
    header: tuple[str, ...],
    types: dict[str, Any],
    lines: Sequence[int],
    store: Columns,
    bad: Bad,
    problems: list[Problem],
) -> tuple[Table, list[Problem]]:
    """The table less its rows with bad values, and a problem for each bad value."""
    problems += value_problems(display, header, types, lines, bad)
    bad_rows = {row for _, row, _, _ in bad}
    return _without(Table(display, header, lines, store), bad_rows), problems


def _without(table: Table, bad_rows: set[int]) -> Table:
    """The table less the rows that had a bad value (their problems are reported)."""
    if not bad_rows:
        return table
    lines = array("i", (line for i, line in enumerate(table.lines) if i not in bad_rows))
    return Table(table.path, table.header, lines, table.store.without(bad_rows), table.absent)


def _pence(amounts: list[str | None]) -> list[int]:
    """Signed pence of each amount, parsed once per distinct amount (bad ones are None)."""
    cache: dict[str | None, int] = {
        text: parse_pence(text) or 0 for text in set(amounts) if text is not None
    }
    return [cache.get(text, 0) for text in amounts]


def _chunk_lines(chunk: list[list[str]], first: int, last: int) -> array[int]:
    """File lines of each row. A quoted value may span lines; only then count them."""
    if last - first + 1 == len(chunk):
        return array("i", range(first, last + 1))
    lines = array("i")
    line = first
    for row in chunk:
        lines.append(line)
        line += 1 + sum(value.count("\n") for value in row)
    return lines


def _width_problems(
    display: str, chunk: list[list[str]], lines: array[int], width: int
) -> list[Problem]:
    problems = []
    for row, line in zip(chunk, lines, strict=True):
        if len(row) == width or not row:
            continue
        problems.append(
            Problem(
                display,
                line,
                1,
                Code.E006,
                f"the row has {len(row)} values but the header has {width}",
                "add or remove commas so every row has one value per column; "
                "quote values that contain commas",
            )
        )
    return problems


def _validate_columns(
    display: str,
    header: Sequence[str],
    types: dict[str, Any],
    raw: list[list[str]],
    lines: array[int],
) -> tuple[dict[str, list[Any]], set[int], list[Problem]]:
    columns: dict[str, list[Any]] = {}
    bad: Bad = []
    for position, (name, values) in enumerate(zip(header, raw, strict=True)):
        annotation = types.get(name)
        if annotation is None:
            continue
        parsed, errors = parse_distinct(annotation, values)
        if errors:
            bad += [(position, i, v, errors[v]) for i, v in enumerate(values) if v in errors]
            parsed.update(dict.fromkeys(errors))
        columns[name] = values if parsed is None else [parsed[v] for v in values]
    problems = value_problems(display, header, types, lines, bad)
    return columns, {row for _, row, _, _ in bad}, problems
