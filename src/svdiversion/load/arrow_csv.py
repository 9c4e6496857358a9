"""The fast path for large CSV tables: pyarrow splits the file, Python validates values.

Used by ``tables.read_table`` for large files when pyarrow is installed. It gives exactly
what the plain reader gives (same rows, values, problems and line numbers) or declines
(returns ``None``) and the plain reader does the work. It declines whenever the two
could differ: any ``"`` (quoting) or NUL in the file, a blank line or a row of the wrong
width (pyarrow stops; the plain reader reports each such row), invalid UTF-8, a field
over the csv module's size limit. So every row is one line, and row ``i`` is on line
``i + 2``.

Values are validated as in the plain reader, once per distinct value, by the same
pydantic types. Two shortcuts keep a million rows fast, neither changing a result:

* a text column whose type is a pattern and a length (an id, free text, an amount) is
  first checked whole by pyarrow's RE2; only if some value fails are the column's
  distinct values validated one by one, to word the problem exactly as pydantic does;
* low-cardinality columns are dictionary-encoded by pyarrow, so Python sees each
  distinct value once and builds the column by index.
"""

from __future__ import annotations

import csv
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from pydantic.types import StringConstraints

from ..models import LedgerAmount
from ..money import AMOUNT_PATTERN

BLOCK_BYTES = 1 << 22
# A column is read value by value (not dictionary-encoded) when more than this share of
# the first block's values are distinct: ids, amounts.
DISTINCT_SHARE = 0.3
# Types with a validator of their own that is exactly this (pattern, min, max) rule.
_KNOWN_TEXT: tuple[tuple[Any, str, int | None, int | None], ...] = (
    (LedgerAmount, f"^(?:{AMOUNT_PATTERN})$", None, None),
)


class Decline(Exception):
    """The file is not plain enough for the fast path: the plain reader reads it."""


@dataclass(slots=True)
class _Column:
    """One typed column being built, batch by batch."""

    name: str
    position: int
    annotation: Any
    text: tuple[str | None, int | None, int | None] | None
    values: list[Any] = field(default_factory=list)
    parsed: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    by_value: bool | None = None


def read_rows(
    file: Path,
    header: tuple[str, ...],
    types: dict[str, Any],
    pence_from: str | None,
    parse_distinct: Any,
) -> tuple[array[int], dict[str, list[Any]], list[tuple[int, int, str, str]]] | None:
    """Rows 2.. of ``file`` as typed columns, or ``None`` to let the plain reader work.

    Returns ``(lines, columns, bad)``, ``bad`` holding ``(position, row, value, error)``
    for every bad value, sorted by column then row as the plain reader reports them;
    ``parse_distinct`` is the plain reader's validator of distinct values, so errors are
    worded the same.
    """
    try:
        return _read(file, header, types, pence_from, parse_distinct)
    except (Decline, pa.ArrowException, UnicodeDecodeError):
        return None


def _read(
    file: Path,
    header: tuple[str, ...],
    types: dict[str, Any],
    pence_from: str | None,
    parse_distinct: Any,
) -> tuple[array[int], dict[str, list[Any]], list[tuple[int, int, str, str]]]:
    width = len(header)
    if width < 2 or not _plain_bytes(file):
        raise Decline  # a blank line would be a valid one-column row to pyarrow
    names = [f"c{i}" for i in range(width)]
    columns = [
        _Column(name, i, types[name], _text_rule(types[name]))
        for i, name in enumerate(header)
        if name in types
    ]
    pence: list[int] = []
    bad: list[tuple[int, int, str, str]] = []
    rows = 0
    for batch in _batches(file, names):
        for i in range(width):
            _refuse_huge(batch.column(i))
        for column in columns:
            _convert(column, batch.column(column.position), rows, bad, parse_distinct)
            if column.name == pence_from:
                pence += _pence(batch.column(column.position))
        rows += batch.num_rows
    bad.sort()
    lines = array("i", range(2, rows + 2))
    result = {column.name: column.values for column in columns}
    if pence_from is not None:
        result["pence"] = pence
    return lines, result, bad


def _batches(file: Path, names: list[str]) -> Iterator[pa.RecordBatch]:
    reader = pcsv.open_csv(
        file,
        read_options=pcsv.ReadOptions(
            skip_rows=1, column_names=names, block_size=BLOCK_BYTES, use_threads=True
        ),
        parse_options=pcsv.ParseOptions(quote_char=False, ignore_empty_lines=False),
        convert_options=pcsv.ConvertOptions(
            column_types={name: pa.string() for name in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    yield from reader


def _plain_bytes(file: Path) -> bool:
    """No quote and no NUL anywhere: where pyarrow and the csv module would part ways."""
    with file.open("rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            if b'"' in block or b"\x00" in block:
                return False
    return True


def _refuse_huge(values: pa.Array) -> None:
    """The csv module refuses a field over its size limit; pyarrow does not."""
    if len(values) and pc.max(pc.binary_length(values)).as_py() > csv.field_size_limit():
        raise Decline


def _text_rule(annotation: Any) -> tuple[str | None, int | None, int | None] | None:
    """``(pattern, min_length, max_length)`` when the type is exactly a text constraint."""
    for known, pattern, low, high in _KNOWN_TEXT:
        if annotation == known:
            return pattern, low, high
    if annotation is str:
        return None, None, None
    origin = getattr(annotation, "__origin__", None)
    metadata: tuple[Any, ...] = getattr(annotation, "__metadata__", ())
    rule = metadata[0] if len(metadata) == 1 else None
    if origin is not str or not isinstance(rule, StringConstraints):
        return None
    if not isinstance(rule.pattern, str | None) or any(
        getattr(rule, name) is not None
        for name in ("strip_whitespace", "to_upper", "to_lower", "strict", "ascii_only")
    ):
        return None
    return rule.pattern, rule.min_length, rule.max_length


def _all_valid(values: pa.Array, rule: tuple[str | None, int | None, int | None]) -> bool:
    pattern, low, high = rule
    if pattern is not None and not pc.all(pc.match_substring_regex(values, pattern)).as_py():
        return False
    if low is None and high is None:
        return True
    lengths = pc.utf8_length(values)
    low_ok = low is None or pc.min(lengths).as_py() >= low
    return low_ok and (high is None or pc.max(lengths).as_py() <= high)


def _convert(
    column: _Column,
    values: pa.Array,
    first_row: int,
    bad: list[tuple[int, int, str, str]],
    parse_distinct: Any,
) -> None:
    if len(values) == 0:
        return
    if column.by_value is None:
        column.by_value = column.text is not None and _mostly_distinct(values)
    if column.by_value and column.text is not None and _all_valid(values, column.text):
        column.values += values.to_pylist()
        return
    encoded = values.dictionary_encode()
    distinct: list[str] = encoded.dictionary.to_pylist()
    new = [value for value in distinct if value not in column.parsed]
    if new:
        parsed, errors = parse_distinct(column.annotation, new)
        column.parsed.update(parsed)
        column.parsed.update(dict.fromkeys(errors))
        column.errors.update(errors)
    lookup = [column.parsed[value] for value in distinct]
    codes = _codes(encoded.indices)
    column.values += map(lookup.__getitem__, codes)
    if column.errors:
        wrong = {i for i, value in enumerate(distinct) if value in column.errors}
        for row, code in enumerate(codes):
            if code in wrong:
                value = distinct[code]
                bad.append((column.position, first_row + row, value, column.errors[value]))


def _mostly_distinct(values: pa.Array) -> bool:
    sample = values.slice(0, 10_000)
    return bool(pc.count_distinct(sample).as_py() > DISTINCT_SHARE * len(sample))


def _codes(indices: pa.Array) -> memoryview[int]:
    """The dictionary indices as a memoryview of C ints (no Python object per row)."""
    if indices.type != pa.int32():
        indices = indices.cast(pa.int32())
    view = memoryview(indices.buffers()[1]).cast("i")
    return view[indices.offset : indices.offset + len(indices)]


def _pence(amounts: pa.Array) -> list[int]:
    """Signed pence of canonical amounts (``-12.5`` -> -1250), exact: as two-place
    decimals, times 100. An amount with more places stops the fast path (ArrowInvalid)."""
    hundred = pa.scalar(100, pa.decimal128(3, 0))
    pounds = pc.cast(amounts, pa.decimal128(20, 2))
    result: list[int] = pc.cast(pc.multiply(pounds, hundred), pa.int64()).to_pylist()
    return result
