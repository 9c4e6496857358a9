"""The fast path for large CSV tables: pyarrow splits the file (``arrow_split``, ahead of
the load when the command line started it), Python validates values.

Used by ``tables.read_table`` for large files when pyarrow is installed. It gives exactly
what the plain reader gives (same rows, values, problems and line numbers) or declines
(returns ``None``) and the plain reader does the work. It declines whenever the two
could differ: any ``"`` (quoting) in the file, a blank line or a row of the wrong
width (pyarrow stops; the plain reader reports each such row), invalid UTF-8, a field
over the csv module's size limit. A file with a NUL byte is never given to it
(``tables.read_table`` reports each NUL and reads the file with the csv module). So every
row is one line, and row ``i`` is on line ``i + 2``.

Values are validated as in the plain reader, once per distinct value, by the same
pydantic types, and stay in arrow arrays (``ArrowColumns``): no Python object per row
is made unless a rule or report asks for a whole column. Two shortcuts keep a million
rows fast, neither changing a result:

* low-cardinality columns are read dictionary-encoded, so Python sees each distinct
  value once and a row is a code into the parsed values;
* a text column whose type is a pattern and a length (an id, free text, an amount) and
  whose values are mostly distinct is checked whole by pyarrow's RE2; only if some value
  fails are its distinct values validated one by one, to word the problem exactly as
  pydantic does.

Columns are validated side by side, one per core (pyarrow's kernels release the GIL);
each column's bad values are its own list, and the lists are merged and sorted, so the
result does not depend on which finishes first.
"""

from __future__ import annotations

import csv
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .. import arrow_lib  # noqa: F401  (before pyarrow: it imports pyarrow without numpy)

# isort: split

import pyarrow as pa
from pydantic.types import StringConstraints

from ..arrow_split import DISTINCT_SHARE, SAMPLE_ROWS, plain_bytes, plan, split, taken
from ..core.models import LedgerAmount
from ..core.money import AMOUNT_PATTERN
from .arrow_store import (
    ArrowColumns,
    Coded,
    Column,
    Plain,
    SetLookupOptions,
    cast,
    int32_codes,
    kernel,
    regex_match,
)
from .values import Bad, parse_distinct

WORKERS = max(1, pa.cpu_count())
"""Columns validated at once: pyarrow's kernels release the GIL, so each core takes one."""
# Types with a validator of their own that is exactly this (pattern, min, max) rule.
_KNOWN_TEXT: tuple[tuple[Any, str, int | None, int | None], ...] = (
    (LedgerAmount, f"^(?:{AMOUNT_PATTERN})$", None, None),
)


class Decline(Exception):
    """The file is not plain enough for the fast path: the plain reader reads it."""


def read_rows(
    file: Path,
    header: tuple[str, ...],
    types: dict[str, Any],
    pence_from: str | None,
) -> tuple[range, ArrowColumns, Bad] | None:
    """Rows 2.. of ``file`` as typed columns, or ``None`` to let the plain reader work.

    Returns ``(lines, columns, bad)``, ``bad`` holding ``(position, row, value, error)``
    for every bad value, sorted by column then row as the plain reader reports them;
    Values are parsed and bad ones worded by ``load.values``, as the plain reader does.
    """
    try:
        return _read(file, header, types, pence_from)
    except (Decline, pa.ArrowException, UnicodeDecodeError):
        return None


def _read(
    file: Path,
    header: tuple[str, ...],
    types: dict[str, Any],
    pence_from: str | None,
) -> tuple[range, ArrowColumns, Bad]:
    width = len(header)
    if width < 2:
        raise Decline
    # A split read ahead was made only of a file with plain bytes, as it is now.
    table = taken(file, width)
    if table is None:
        if not plain_bytes(file):
            raise Decline
        table = split(file, plan(file, width))
    if _has_empty(table.column(0)):
        # A blank line (pyarrow reads it as a row of empty values) or an empty first
        # value: the plain reader places and words them. Told before any value is
        # validated, so a file of blank lines costs a parse, not a validation.
        raise Decline
    limit = csv.field_size_limit()
    if any(_longest(table.column(i)) > limit for i in range(width)):
        raise Decline  # the csv module refuses a field over its size limit; pyarrow does not
    texts = {i: table.column(i) for i, name in enumerate(header) if name in types}
    columns, bad = _typed(texts, header, types, pence_from)
    return range(2, table.num_rows + 2), columns, bad


def hold_rows(
    header: tuple[str, ...],
    types: dict[str, Any],
    raw: list[list[str]],
    pence_from: str | None,
) -> tuple[ArrowColumns, Bad] | None:
    """Columns the csv module split (a large file with quoted values), validated and held
    as ``read_rows`` holds them; ``None`` when an amount cannot be made pence here (the
    plain reader then holds the table as lists). ``raw`` has one list of text per field."""
    texts: dict[int, pa.ChunkedArray] = {}
    try:
        for position, name in enumerate(header):
            if name not in types:
                continue
            values = raw[position]
            array = pa.array(values, pa.string())
            sample = values[:SAMPLE_ROWS]
            if _text_rule(types[name]) is None or len(set(sample)) <= DISTINCT_SHARE * len(sample):
                array = kernel("dictionary_encode", array)
            texts[position] = pa.chunked_array([array])
        return _typed(texts, header, types, pence_from)
    except pa.ArrowException:
        return None


def _typed(
    texts: dict[int, pa.ChunkedArray],
    header: tuple[str, ...],
    types: dict[str, Any],
    pence_from: str | None,
) -> tuple[ArrowColumns, Bad]:
    """Each field's text (plain or dictionary-encoded) validated against its type; ``bad``
    sorted by field then row, as the plain reader reports bad values."""

    def work(position: int) -> tuple[Column, Bad, pa.Array | None]:
        name, values = header[position], texts[position]
        annotation = types[name]
        found: Bad = []
        column = _validated(values, position, annotation, _text_rule(annotation), found)
        return column, found, _pence_of(values) if name == pence_from else None

    # The longest work first (the amounts, made pence too, then the text read value by
    # value), so the last column to start is a short one and no core waits on it alone.
    longest_first = sorted(
        texts,
        key=lambda p: (header[p] != pence_from, pa.types.is_dictionary(texts[p].type)),
    )
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        done = dict(zip(longest_first, pool.map(work, longest_first), strict=True))
    columns: dict[str, Column] = {}
    bad: Bad = []
    for position in texts:
        column, found, pence = done[position]
        columns[header[position]] = column
        bad += found
        if pence is not None:
            columns["pence"] = Plain(pence)
    bad.sort()
    return ArrowColumns(columns), bad


def _has_empty(values: pa.ChunkedArray) -> bool:
    """Whether some row of the column is the empty text."""
    for chunk in values.chunks:
        text = chunk.dictionary if pa.types.is_dictionary(chunk.type) else chunk
        if len(text) and kernel("any", kernel("equal", text, "")).as_py():
            return True
    return False


def _longest(values: pa.ChunkedArray) -> int:
    if not values.num_chunks:
        return 0
    chunk = values.chunk(0)
    text = chunk.dictionary if pa.types.is_dictionary(values.type) else values
    if len(text) == 0:
        return 0
    return int(kernel("max", kernel("binary_length", text)).as_py())


def _validated(
    values: pa.ChunkedArray,
    position: int,
    annotation: Any,
    rule: tuple[str | None, int | None, int | None] | None,
    bad: Bad,
) -> Column:
    if pa.types.is_dictionary(values.type):
        chunks = values.chunks
        if chunks:
            dictionary = cast(chunks[0].dictionary, pa.string())  # not UTF-8: ArrowInvalid
            codes = pa.concat_arrays([int32_codes(chunk.indices) for chunk in chunks])
        else:
            dictionary, codes = pa.array([], pa.string()), pa.array([], pa.int32())
    else:
        array = pa.concat_arrays(values.chunks) if values.chunks else pa.array([], pa.string())
        if rule is not None and _all_valid(array, rule):
            return Plain(array)
        encoded = kernel("dictionary_encode", array)
        dictionary, codes = encoded.dictionary, int32_codes(encoded.indices)
    distinct: list[str] = dictionary.to_pylist()
    if rule is not None and _all_valid(dictionary, rule):
        return Coded(codes, distinct, dictionary)  # text checked whole: each value is itself
    parsed, errors = parse_distinct(annotation, distinct)
    lookup = [parsed.get(value) for value in distinct]
    if errors:
        wrong = pa.array([i for i, value in enumerate(distinct) if value in errors], pa.int32())
        rows = kernel("indices_nonzero", kernel("is_in", codes, options=SetLookupOptions(wrong)))
        for row, code in zip(
            rows.to_pylist(), kernel("take", codes, rows).to_pylist(), strict=True
        ):
            bad.append((position, row, distinct[code], errors[distinct[code]]))
    return Coded(codes, lookup)


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
    if not len(values):
        return True
    if pattern is not None and not kernel("all", regex_match(values, pattern)).as_py():
        return False
    if low is None and high is None:
        return True
    lengths = kernel("utf8_length", values)
    low_ok = low is None or kernel("min", lengths).as_py() >= low
    return low_ok and (high is None or kernel("max", lengths).as_py() <= high)


def _pence_of(amounts: pa.ChunkedArray) -> pa.Array:
    if pa.types.is_dictionary(amounts.type):
        if not amounts.num_chunks:
            return pa.array([], pa.int64())
        codes = pa.concat_arrays([int32_codes(chunk.indices) for chunk in amounts.chunks])
        return kernel("take", _pence(amounts.chunk(0).dictionary), codes)
    if not amounts.num_chunks:
        return pa.array([], pa.int64())
    return _pence(pa.concat_arrays(amounts.chunks))


def _pence(amounts: pa.Array) -> pa.Array:
    """Signed pence of canonical amounts (``-12.5`` -> -1250), exact: a two-place decimal
    is stored as its value in hundredths, which read as a whole number is the pence. An
    amount with more places, or too large, stops the fast path (ArrowInvalid)."""
    pounds = cast(amounts, pa.decimal128(20, 2))
    return cast(pounds.view(pa.decimal128(20, 0)), pa.int64())
