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
import mmap
import os
import re
import sys
from array import array
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from ..core.money import parse_pence
from ..core.problems import Problem
from ..core.table import Columns, ListColumns, Table
from .limits import MAX_COLUMNS, MAX_CSV_BYTES, MAX_PROBLEMS_PER_CODE, refused

CHUNK_ROWS = 65_536
# From this size a file is split by pyarrow when it is installed (see ``arrow_csv``);
# below it, importing pyarrow (about 0.1 s) would cost more than it saves. Once a large
# file has imported it, a file from ARROW_LOADED_MIN_BYTES is read faster by pyarrow too.
ARROW_MIN_BYTES = 4 << 20
ARROW_LOADED_MIN_BYTES = 64 << 10

# Column names that suggest personal data. Ledger files hold pseudonymous references only.
PERSONAL_DATA = re.compile(
    r"^(name|child_?name|cyp_?name|(first|last|full|sur|fore|given|family)_?name|surname|forename"
    r"|dob|d_o_b|date_?of_?birth|birth_?date|birthday|address.*|home_?address|street|postcode"
    r"|post_?code|zip_?code|e_?mail.*|phone.*|telephone|mobile.*|tel|nhs_?number|ni_?number"
    r"|national_?insurance.*|upn|uln)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What a table must look like: its row model and how to treat extra columns.

    ``extra`` is called with a column name that is not a model field; it returns the
    type to validate that column with, or ``None`` when the column is not allowed.
    """

    model: type[BaseModel]
    extra: Callable[[str], Any] | None = None
    unknown_code: str = "E008"
    pence_from: str | None = None
    """An amount column: the table gets a ``pence`` column (signed int pence) from it."""


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
                "E001",
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
                "E002",
                f"cannot read file: {exc.strerror}",
                "check the file's permissions",
            )
        ]
    with handle, _gc_paused():
        try:
            damaged = _nul_problems(handle, display)
            table, problems = _read(handle, file, display, spec)
            return _with_absent(table, spec), damaged + problems
        except UnicodeDecodeError as exc:
            return None, [_decode_problem(file, display, exc)]
        except csv.Error as exc:
            return None, [
                Problem(
                    display,
                    _csv_error_line(file),
                    0,
                    "E006",
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


def _csv_error_line(file: Path) -> int:
    """The line of the record the CSV reader gave up on: its error does not say."""
    with file.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        start = 1
        try:
            for _ in reader:
                start = reader.line_num + 1
        except csv.Error:
            return start
    return 0


def _line_and_field(data: bytes, offset: int) -> tuple[int, int]:
    """The line of byte ``offset`` and, like every CSV problem, its field number as the
    column (excerpts.locate makes it a character column)."""
    return data.count(b"\n", 0, offset) + 1, _field_number(data, offset)


def _field_number(data: bytes | mmap.mmap, offset: int) -> int:
    """One more than the commas outside quotes before byte ``offset`` on its line."""
    outside_quotes = data[data.rfind(b"\n", 0, offset) + 1 : offset].split(b'"')[::2]
    return 1 + sum(part.count(b",") for part in outside_quotes)


def _nul_problems(handle: Any, display: str) -> list[Problem]:
    """E006 for each NUL byte: no text a person types holds one, so it is the mark of a
    damaged file or a binary one saved as .csv (the csv module would read it as text).
    One C-level byte search over the mapped file; lines are counted only up to a find."""
    if os.fstat(handle.fileno()).st_size == 0:
        return []
    problems: list[Problem] = []
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        line, counted = 1, 0
        offset = data.find(b"\x00")
        while offset != -1 and len(problems) < MAX_PROBLEMS_PER_CODE:
            line += data[counted:offset].count(b"\n")
            counted = offset
            problems.append(
                Problem(
                    display,
                    line,
                    _field_number(data, offset),
                    "E006",
                    "a NUL byte in the row: the file looks damaged",
                    "restore the file from version control or re-export it as CSV UTF-8",
                )
            )
            offset = data.find(b"\x00", offset + 1)
    return problems


def _decode_problem(file: Path, display: str, exc: UnicodeDecodeError) -> Problem:
    data = file.read_bytes()
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    offset = exc.start + bom
    # The decoder works in blocks, so find the first undecodable byte ourselves.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as first:
        offset = first.start
    line, column = _line_and_field(data, offset)
    byte = data[offset]
    guess = " (0xA3 is £ in Windows-1252)" if byte == 0xA3 else ""
    return Problem(
        display,
        line,
        column,
        "E002",
        f"not UTF-8: byte 0x{byte:02X}{guess}",
        "save the file as UTF-8 (CSV UTF-8 in Excel); finance exports go through import",
    )


def _read(
    handle: Any, file: Path, display: str, spec: TableSpec
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
                "E007",
                "the file is empty: no header row",
                f"start the file with the header: {','.join(spec.model.model_fields)}",
            )
        ]
    header_line = reader.line_num
    if len(header_row) > MAX_COLUMNS:
        return None, [
            Problem(
                display,
                header_line,
                MAX_COLUMNS + 1,
                "E008",
                f"the header has {len(header_row):,} columns; a ledger file has at most "
                f"{MAX_COLUMNS}",
                _columns_hint(spec),
            )
        ]
    problems += _padded_names(display, header_line, header_row)
    header = tuple(name.strip() for name in header_row)
    types, header_problems = _check_header(display, header_line, header, spec)
    problems += header_problems
    if any(p.code in {"E007", "E009"} for p in header_problems):
        return None, problems
    if header_line == 1 and _arrow_pays(file.stat().st_size):
        fast = _read_fast(file, display, header, types, spec, problems)
        if fast is not None:
            return fast

    width = len(header)
    lines = array("i")
    raw: list[list[str]] = [[] for _ in header]
    next_line = header_line + 1
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
    del chunk

    if _arrow_pays(file.stat().st_size):
        held = _hold_in_arrow(display, header, types, spec, raw, lines, problems)
        if held is not None:
            return held
    columns, bad_rows, value_problems = _validate_columns(display, header, types, raw, lines)
    problems += value_problems
    if spec.pence_from is not None and spec.pence_from in columns:
        columns["pence"] = _pence(columns[spec.pence_from])
    return _without(Table(display, header, lines, ListColumns(columns)), bad_rows), problems


def _arrow_pays(size: int) -> bool:
    if size >= ARROW_MIN_BYTES:
        return True
    return size >= ARROW_LOADED_MIN_BYTES and "pyarrow.csv" in sys.modules


def _read_fast(
    file: Path,
    display: str,
    header: tuple[str, ...],
    types: dict[str, Any],
    spec: TableSpec,
    problems: list[Problem],
) -> tuple[Table, list[Problem]] | None:
    """The same result as the plain reader, from pyarrow; ``None`` when it cannot say."""
    try:
        from . import arrow_csv
    except ImportError:
        return None
    found = arrow_csv.read_rows(file, header, types, spec.pence_from, _parse_distinct)
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
    try:
        from . import arrow_csv
    except ImportError:
        return None
    found = arrow_csv.hold_rows(header, types, raw, spec.pence_from, _parse_distinct)
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
    bad: list[tuple[int, int, str, str]],
    problems: list[Problem],
) -> tuple[Table, list[Problem]]:
    """The table less its rows with bad values, and a problem for each bad value."""
    for position, row, value, error in bad:
        name = header[position]
        annotation = types[name]
        problems.append(
            Problem(
                display,
                lines[row],
                position + 1,
                _value_code(name, annotation),
                f"{name}: {error} (got {_show(value)})",
                _type_hint(name, annotation),
            )
        )
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


def _padded_names(display: str, line: int, names: list[str]) -> list[Problem]:
    """E008 for a column name with spaces around it: a spreadsheet or a script that
    reads the file by name would not find the column. The name is read without them,
    so the rest of the file is still checked."""
    return [
        Problem(
            display,
            line,
            position + 1,
            "E008",
            f"column {name!r} has spaces around its name",
            f"write it as {name.strip()!r}, without spaces",
        )
        for position, name in enumerate(names)
        if name != name.strip()
    ]


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
                "E006",
                f"the row has {len(row)} values but the header has {width}",
                "add or remove commas so every row has one value per column; "
                "quote values that contain commas",
            )
        )
    return problems


def _check_header(
    display: str, line: int, header: tuple[str, ...], spec: TableSpec
) -> tuple[dict[str, Any], list[Problem]]:
    problems: list[Problem] = []
    fields = spec.model.model_fields
    required = [name for name, info in fields.items() if info.is_required()]
    types: dict[str, Any] = {}
    positions: dict[str, int] = {}  # first position of each name: a repeat is E008 only
    for position, name in enumerate(header):
        positions.setdefault(name, position)

    seen: set[str] = set()
    for position, name in enumerate(header):
        if name in seen:
            problems.append(
                Problem(
                    display,
                    line,
                    position + 1,
                    "E008",
                    f"column {name!r} appears twice",
                    "remove one of them",
                )
            )
        seen.add(name)
        if PERSONAL_DATA.search(name):
            problems.append(
                Problem(
                    display,
                    line,
                    position + 1,
                    "E010",
                    f"column {name!r} looks like personal data",
                    "ledger files hold pseudonymous references only: "
                    "remove the column and its values",
                )
            )
        elif name in fields:
            types[name] = _field_type(fields[name])
        elif spec.extra is not None and (extra := spec.extra(name)) is not None:
            types[name] = extra
        else:
            problems.append(
                Problem(
                    display,
                    line,
                    position + 1,
                    spec.unknown_code,
                    f"unknown column {name!r}",
                    _columns_hint(spec),
                )
            )
    missing = [name for name in required if name not in positions]
    if missing:
        problems.append(
            Problem(
                display,
                line,
                1,
                "E007",
                f"missing column{'s' if len(missing) > 1 else ''}: " + ", ".join(missing),
                _columns_hint(spec),
            )
        )
    else:
        order = [positions[name] for name in fields if name in positions]
        if order != sorted(order) or order != list(range(len(order))):
            problems.append(
                Problem(
                    display,
                    line,
                    1,
                    "E009",
                    "columns are not in the documented order",
                    _columns_hint(spec),
                )
            )
    return types, problems


def _field_type(info: FieldInfo) -> Any:
    """The field's full type: pydantic keeps ``Annotated`` metadata apart from the annotation."""
    if not info.metadata:
        return info.annotation
    return Annotated[(info.annotation, *info.metadata)]


def _columns_hint(spec: TableSpec) -> str:
    names = list(spec.model.model_fields)
    return "the header is: " + ",".join(names) + (" (then measure columns)" if spec.extra else "")


@cache
def _list_adapter(annotation: Any) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[annotation])


def _validate_columns(
    display: str,
    header: Sequence[str],
    types: dict[str, Any],
    raw: list[list[str]],
    lines: array[int],
) -> tuple[dict[str, list[Any]], set[int], list[Problem]]:
    columns: dict[str, list[Any]] = {}
    bad_rows: set[int] = set()
    problems: list[Problem] = []
    for position, (name, values) in enumerate(zip(header, raw, strict=True)):
        annotation = types.get(name)
        if annotation is None:
            continue
        parsed, errors = _parse_distinct(annotation, values)
        if errors:
            for i, value in enumerate(values):
                if value in errors:
                    bad_rows.add(i)
                    problems.append(
                        Problem(
                            display,
                            lines[i],
                            position + 1,
                            _value_code(name, annotation),
                            f"{name}: {errors[value]} (got {_show(value)})",
                            _type_hint(name, annotation),
                        )
                    )
            parsed.update(dict.fromkeys(errors))
        columns[name] = values if parsed is None else [parsed[v] for v in values]
    return columns, bad_rows, problems


def _parse_distinct(annotation: Any, values: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate each distinct value once; return value -> parsed, and value -> error."""
    distinct = list(dict.fromkeys(values))
    adapter = _list_adapter(annotation)
    try:
        return dict(zip(distinct, adapter.validate_python(distinct), strict=True)), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors(include_url=False):
            index = error["loc"][0]
            assert isinstance(index, int)
            value = distinct[index]
            errors.setdefault(value, "a value is required" if value == "" else _error_text(error))
    good = [v for v in distinct if v not in errors]
    return dict(zip(good, adapter.validate_python(good), strict=True)), errors


def _error_text(error: Any) -> str:
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if error["type"] == "string_pattern_mismatch":
        return "not a valid identifier (letters, digits and _ . - / only)"
    if error["type"] == "enum" and "expected" in error.get("ctx", {}):
        return f"must be one of {error['ctx']['expected']}"
    return message[0].lower() + message[1:] if message else "invalid value"


def _value_code(name: str, annotation: Any) -> str:
    """E102 for dates, E103 for amounts, E101 for any other value of the wrong shape."""
    if name == "amount":
        return "E103"
    return "E102" if "date" in repr(annotation) else "E101"


def _type_hint(name: str, annotation: Any) -> str:
    code = _value_code(name, annotation)
    if code == "E102":
        return "write dates as YYYY-MM-DD, e.g. 2024-09-30"
    if code == "E103":
        return "write amounts as plain pounds with at most two decimals, e.g. 1234.50 or -25.00"
    return f"correct the {name} value (see docs/ledger-format.md)"


def _show(value: str) -> str:
    return repr(value) if value else "an empty value"
