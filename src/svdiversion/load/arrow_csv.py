"""The fast path for large CSV tables: pyarrow splits the file, Python validates values.

Used by ``tables.read_table`` for large files when pyarrow is installed. It gives exactly
what the plain reader gives (same rows, values, problems and line numbers) or declines
(returns ``None``) and the plain reader does the work. It declines whenever the two
could differ: any ``"`` (quoting) or NUL in the file, a blank line or a row of the wrong
width (pyarrow stops; the plain reader reports each such row), invalid UTF-8, a field
over the csv module's size limit. So every row is one line, and row ``i`` is on line
``i + 2``.

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
"""

from __future__ import annotations

import csv
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pcsv
from pydantic.types import StringConstraints

try:
    # The kernels themselves: pyarrow.compute (its Python wrappers of every kernel) and
    # pyarrow.acero (which imports pyarrow.dataset) add about 0.05 s to start-up.
    from pyarrow._acero import AggregateNodeOptions, Declaration, TableSourceNodeOptions
    from pyarrow._compute import (
        CastOptions,
        MatchSubstringOptions,
        SetLookupOptions,
        SortOptions,
        call_function,
    )
except ImportError:  # pragma: no cover - a pyarrow that keeps them elsewhere
    from pyarrow.acero import AggregateNodeOptions, Declaration, TableSourceNodeOptions
    from pyarrow.compute import (
        CastOptions,
        MatchSubstringOptions,
        SetLookupOptions,
        SortOptions,
        call_function,
    )

from ..core.models import LedgerAmount
from ..core.money import AMOUNT_PATTERN
from ..core.table import Key

BLOCK_BYTES = 1 << 20
# The first rows decide how each column is held: read value by value (not
# dictionary-encoded) when more than DISTINCT_SHARE of them are distinct (ids, amounts).
SAMPLE_BYTES = 1 << 18
SAMPLE_ROWS = 10_000
DISTINCT_SHARE = 0.3
# Types with a validator of their own that is exactly this (pattern, min, max) rule.
_KNOWN_TEXT: tuple[tuple[Any, str, int | None, int | None], ...] = (
    (LedgerAmount, f"^(?:{AMOUNT_PATTERN})$", None, None),
)
Bad = list[tuple[int, int, str, str]]


class Decline(Exception):
    """The file is not plain enough for the fast path: the plain reader reads it."""


@dataclass(frozen=True, slots=True)
class Coded:
    """A column as codes into its distinct values: row ``i`` holds ``lookup[codes[i]]``."""

    codes: pa.Array
    lookup: list[Any]


@dataclass(frozen=True, slots=True)
class Plain:
    """A column whose arrow values are its values: validated text, or integer pence."""

    array: pa.Array


Column = Coded | Plain


class ArrowColumns:
    """The columns of a table read by pyarrow (see ``tables.Columns``).

    Grouping works on codes: values that are equal once parsed share one code (the
    first in the file), so groups are those of the parsed values, in order of first
    appearance, exactly as the plain reader's lists give them.
    """

    __slots__ = ("_canonical", "_columns", "_row_numbers")

    def __init__(self, columns: dict[str, Column]) -> None:
        self._columns = columns
        self._canonical: dict[str, tuple[pa.Array, list[Any]]] = {}
        self._row_numbers: pa.Array | None = None

    def names(self) -> list[str]:
        return list(self._columns)

    def values(self, name: str) -> list[Any]:
        column = self._columns[name]
        if isinstance(column, Plain):
            result: list[Any] = column.array.to_pylist()
            return result
        return list(map(column.lookup.__getitem__, _ints(column.codes)))

    def distinct(self, name: str) -> list[Any]:
        column = self._columns[name]
        if isinstance(column, Plain):
            result: list[Any] = _k("unique", column.array).to_pylist()
            return result
        codes, lookup = self._coded(name)
        return [lookup[code] for code in _k("unique", codes).to_pylist()]

    def count_distinct(self, name: str, where: Key | None) -> int:
        column = self._columns[name]
        if isinstance(column, Plain):
            array = column.array if where is None else _k("filter", column.array, self._mask(where))
            return len(array) if _increasing(array) else len(_k("unique", array))
        codes, _ = self._coded(name)
        if where is not None:
            codes = _k("filter", codes, self._mask(where))
        return len(_k("unique", codes))

    def aggregate(
        self, keys: Sequence[Key], value: str | None, how: Sequence[str], where: Key | None
    ) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        arrays: dict[str, pa.Array] = {"row": self._rows()}
        lookups: list[list[Any] | None] = []
        for i, key in enumerate(keys):
            arrays[f"k{i}"], lookup = self._key(key)
            lookups.append(lookup)
        wanted: list[tuple[Any, str]] = [("row", "min")]
        if value is not None:
            arrays["v"] = self._arrow(value)
            wanted += [("v", name) for name in how]
        else:
            wanted.append(([], "count_all"))
        table = pa.table(arrays)
        if where is not None:
            table = _k("filter", table, self._mask(where))
        if table.num_rows == 0:
            return {}
        found = _group_by(table, [f"k{i}" for i in range(len(keys))], wanted)
        # Groups in order of their first row, as a dict filled row by row would hold them.
        order = _k("sort_indices", found, options=SortOptions([("row_min", "ascending")]))
        found = _k("take", found, order)
        key_values = []
        for i, lookup in enumerate(lookups):
            codes = found.column(f"k{i}").to_pylist()
            key_values.append(codes if lookup is None else [lookup[c] for c in codes])
        names = ["count_all"] if value is None else [f"v_{name}" for name in how]
        results = [found.column(name).to_pylist() for name in names]
        rows = zip(*key_values, strict=True) if keys else [()] * found.num_rows
        return dict(zip(rows, zip(*results, strict=True), strict=True))

    def any_less(self, name: str, other: str) -> bool:
        first, then = self._arrow(name), self._arrow(other)
        if pa.types.is_null(first.type) or pa.types.is_null(then.type):
            return False  # a column with no value at all (every row empty)
        return bool(_k("any", _k("less", first, then)).as_py())

    def any_search(self, name: str, pattern: str) -> bool:
        return bool(_k("any", _matches(self._texts(name), pattern)).as_py())

    def all_fullmatch(self, name: str, pattern: re.Pattern[str]) -> bool:
        if _narrower_in_re2(pattern):
            whole = f"^(?:{pattern.pattern})$"
            try:
                if _k("all", _matches(self._texts(name), whole)).as_py():
                    return True
            except pa.ArrowInvalid:
                pass  # not RE2 syntax after all: Python decides
        return all(map(pattern.fullmatch, self.distinct(name)))

    def without(self, rows: set[int]) -> ArrowColumns:
        keep = pa.array([i not in rows for i in range(self._length())], pa.bool_())
        return ArrowColumns(
            {
                name: Coded(_k("filter", column.codes, keep), column.lookup)
                if isinstance(column, Coded)
                else Plain(_k("filter", column.array, keep))
                for name, column in self._columns.items()
            }
        )

    # ------------------------------------------------------------------ helpers

    def _rows(self) -> pa.Array:
        """0, 1, 2, ... one per row."""
        if self._row_numbers is None:
            ones = pa.repeat(1, self._length())
            self._row_numbers = _k("subtract", _k("cumulative_sum", ones), 1)
        return self._row_numbers

    def _length(self) -> int:
        for column in self._columns.values():
            return len(column.codes if isinstance(column, Coded) else column.array)
        return 0

    def _coded(self, name: str) -> tuple[pa.Array, list[Any]]:
        """Codes with one code per distinct parsed value, and the value of each code."""
        found = self._canonical.get(name)
        if found is not None:
            return found
        column = self._columns[name]
        if isinstance(column, Plain):
            encoded = _k("dictionary_encode", column.array)
            codes, lookup = _int32(encoded.indices), encoded.dictionary.to_pylist()
        else:
            codes, lookup = column.codes, column.lookup
        if len(set(lookup)) != len(lookup):
            index: dict[Any, int] = {}
            remap = [index.setdefault(value, len(index)) for value in lookup]
            codes, lookup = _k("take", pa.array(remap, pa.int32()), codes), list(index)
        self._canonical[name] = (codes, lookup)
        return codes, lookup

    def _key(self, key: Key) -> tuple[pa.Array, list[Any] | None]:
        if isinstance(key, str):
            if isinstance(self._columns[key], Plain):
                return self._columns[key].array, None  # type: ignore[union-attr]
            return self._coded(key)
        name, function = key
        codes, lookup = self._coded(name)
        # Only the values still present: a removed row's value may not suit the function.
        present = _k("unique", codes).to_pylist()
        index: dict[Any, int] = {}
        remap = [0] * len(lookup)
        for code in present:
            remap[code] = index.setdefault(function(lookup[code]), len(index))
        return _k("take", pa.array(remap, pa.int32()), codes), list(index)

    def _mask(self, where: Key) -> pa.Array:
        codes, lookup = self._key(where if not isinstance(where, str) else (where, bool))
        assert lookup is not None
        truth = pa.array([bool(value) for value in lookup], pa.bool_())
        return _k("take", truth, codes)

    def _arrow(self, name: str) -> pa.Array:
        """The parsed values as an arrow array (dates, numbers, text); None is null."""
        column = self._columns[name]
        if isinstance(column, Plain):
            return column.array
        return _k("take", pa.array(column.lookup), column.codes)

    def _texts(self, name: str) -> pa.Array:
        """The values of a text column (a coded one's distinct values)."""
        column = self._columns[name]
        if isinstance(column, Plain):
            return column.array
        return pa.array(self.distinct(name), pa.string())


def _narrower_in_re2(pattern: re.Pattern[str]) -> bool:
    """True when RE2 reads ``pattern`` as matching no more texts than Python does, so a
    text RE2 finds matching matches in Python too. That holds for literals, positive
    classes, groups ``(?:...)``, alternation, repetition, ``.``, ``^``, ``$``, escaped
    punctuation and ``\\d \\w \\s`` (ASCII in RE2, Unicode in Python). Anything else
    (flags, negated classes, ``\\b``, lookaround, other escapes, ``{,n}``) is left to
    Python; so is a pattern RE2 cannot compile."""
    if pattern.flags & ~re.UNICODE:
        return False
    text = pattern.pattern
    i = 0
    while i < len(text):
        pair = text[i : i + 2]
        if pair[0] == "\\":
            if pair[1:] not in _RE2_ESCAPES:
                return False
            i += 2
            continue
        if pair in ("[^", "[:", "{,") or (pair == "(?" and text[i : i + 3] != "(?:"):
            return False
        i += 1
    return True


_RE2_ESCAPES = frozenset("dws") | frozenset(string.punctuation)


def read_rows(
    file: Path,
    header: tuple[str, ...],
    types: dict[str, Any],
    pence_from: str | None,
    parse_distinct: Callable[[Any, list[str]], tuple[dict[str, Any], dict[str, str]]],
) -> tuple[range, ArrowColumns, Bad] | None:
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
    parse_distinct: Callable[[Any, list[str]], tuple[dict[str, Any], dict[str, str]]],
) -> tuple[range, ArrowColumns, Bad]:
    width = len(header)
    lines = _plain_lines(file) if width >= 2 else None
    if lines is None:
        raise Decline  # a blank line would be a valid one-column row to pyarrow
    names = [f"c{i}" for i in range(width)]
    rules = [_text_rule(types[name]) if name in types else None for name in header]
    by_value = _mostly_distinct(file, names, [i for i, rule in enumerate(rules) if rule])
    dictionary = pa.dictionary(pa.int32(), pa.string())
    table = pcsv.read_csv(
        file,
        read_options=pcsv.ReadOptions(
            skip_rows=1, column_names=names, block_size=BLOCK_BYTES, use_threads=True
        ),
        parse_options=_PARSE,
        convert_options=pcsv.ConvertOptions(
            column_types={
                name: pa.string() if i in by_value or header[i] not in types else dictionary
                for i, name in enumerate(names)
            },
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    ).unify_dictionaries()
    if table.num_rows != lines - 1:
        # pyarrow skipped blank lines, so its rows are no longer lines 2, 3, ...: the
        # plain reader places them. Told here, before a single value is validated.
        raise Decline
    limit = csv.field_size_limit()
    if any(_longest(table.column(i)) > limit for i in range(width)):
        raise Decline  # the csv module refuses a field over its size limit; pyarrow does not
    texts = {i: table.column(i) for i, name in enumerate(header) if name in types}
    columns, bad = _typed(texts, header, types, pence_from, parse_distinct)
    return range(2, table.num_rows + 2), columns, bad


def hold_rows(
    header: tuple[str, ...],
    types: dict[str, Any],
    raw: list[list[str]],
    pence_from: str | None,
    parse_distinct: Callable[[Any, list[str]], tuple[dict[str, Any], dict[str, str]]],
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
                array = _k("dictionary_encode", array)
            texts[position] = pa.chunked_array([array])
        return _typed(texts, header, types, pence_from, parse_distinct)
    except pa.ArrowException:
        return None


def _typed(
    texts: dict[int, pa.ChunkedArray],
    header: tuple[str, ...],
    types: dict[str, Any],
    pence_from: str | None,
    parse_distinct: Callable[[Any, list[str]], tuple[dict[str, Any], dict[str, str]]],
) -> tuple[ArrowColumns, Bad]:
    """Each field's text (plain or dictionary-encoded) validated against its type; ``bad``
    sorted by field then row, as the plain reader reports bad values."""
    columns: dict[str, Column] = {}
    pence: pa.Array | None = None
    bad: Bad = []
    for position, values in texts.items():
        name = header[position]
        annotation = types[name]
        columns[name] = _validated(
            values, position, annotation, _text_rule(annotation), parse_distinct, bad
        )
        if name == pence_from:
            pence = _pence_of(values)
    if pence is not None:
        columns["pence"] = Plain(pence)
    bad.sort()
    return ArrowColumns(columns), bad


_PARSE = pcsv.ParseOptions(quote_char=False, ignore_empty_lines=True)


def _plain_lines(file: Path) -> int | None:
    """The number of lines of ``file`` when it has no quote and no NUL anywhere (where
    pyarrow and the csv module would part ways), else ``None``. Single-byte searches
    and a count, each at memory speed."""
    lines, last = 0, b"\n"
    with file.open("rb") as handle:
        while block := handle.read(1 << 22):
            if b'"' in block or b"\x00" in block:
                return None
            lines += block.count(b"\n")
            last = block[-1:]
    return lines if last == b"\n" else lines + 1


def _mostly_distinct(file: Path, names: list[str], candidates: list[int]) -> set[int]:
    """The candidate columns whose first rows are mostly distinct (ids, amounts)."""
    if not candidates:
        return set()
    with file.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
        if handle.read(1):
            head = head[: head.rfind(b"\n") + 1]
    if head.count(b"\n") < 2:
        return set()
    sample = pcsv.read_csv(
        pa.BufferReader(head),
        read_options=pcsv.ReadOptions(skip_rows=1, column_names=names, use_threads=False),
        parse_options=_PARSE,
        convert_options=pcsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    ).slice(0, SAMPLE_ROWS)
    return {
        i
        for i in candidates
        if _k("count_distinct", sample.column(i)).as_py() > DISTINCT_SHARE * sample.num_rows
    }


def _longest(values: pa.ChunkedArray) -> int:
    if not values.num_chunks:
        return 0
    chunk = values.chunk(0)
    text = chunk.dictionary if pa.types.is_dictionary(values.type) else values
    if len(text) == 0:
        return 0
    return int(_k("max", _k("binary_length", text)).as_py())


def _validated(
    values: pa.ChunkedArray,
    position: int,
    annotation: Any,
    rule: tuple[str | None, int | None, int | None] | None,
    parse_distinct: Callable[[Any, list[str]], tuple[dict[str, Any], dict[str, str]]],
    bad: Bad,
) -> Column:
    if pa.types.is_dictionary(values.type):
        chunks = values.chunks
        if chunks:
            dictionary = chunks[0].dictionary
            codes = pa.concat_arrays([_int32(chunk.indices) for chunk in chunks])
        else:
            dictionary, codes = pa.array([], pa.string()), pa.array([], pa.int32())
    else:
        array = pa.concat_arrays(values.chunks) if values.chunks else pa.array([], pa.string())
        if rule is not None and _all_valid(array, rule):
            return Plain(array)
        encoded = _k("dictionary_encode", array)
        dictionary, codes = encoded.dictionary, _int32(encoded.indices)
    distinct: list[str] = dictionary.to_pylist()
    if rule is not None and _all_valid(dictionary, rule):
        return Coded(codes, distinct)  # text checked whole: each value is itself
    parsed, errors = parse_distinct(annotation, distinct)
    lookup = [parsed.get(value) for value in distinct]
    if errors:
        wrong = pa.array([i for i, value in enumerate(distinct) if value in errors], pa.int32())
        rows = _k("indices_nonzero", _k("is_in", codes, options=SetLookupOptions(wrong)))
        for row, code in zip(rows.to_pylist(), _k("take", codes, rows).to_pylist(), strict=True):
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
    if pattern is not None and not _k("all", _matches(values, pattern)).as_py():
        return False
    if low is None and high is None:
        return True
    lengths = _k("utf8_length", values)
    low_ok = low is None or _k("min", lengths).as_py() >= low
    return low_ok and (high is None or _k("max", lengths).as_py() <= high)


def _increasing(values: pa.Array) -> bool:
    """Strictly increasing (so no value repeats): ids numbered in order are."""
    if len(values) < 2:
        return True
    return bool(_k("all", _k("less", values.slice(0, len(values) - 1), values.slice(1))).as_py())


def _int32(indices: pa.Array) -> pa.Array:
    return indices if indices.type == pa.int32() else _cast(indices, pa.int32())


def _ints(codes: pa.Array) -> memoryview:
    """The codes as a memoryview of C ints (no Python object per row)."""
    view = memoryview(codes.buffers()[1]).cast("i")
    return view[codes.offset : codes.offset + len(codes)]


def _pence_of(amounts: pa.ChunkedArray) -> pa.Array:
    if pa.types.is_dictionary(amounts.type):
        if not amounts.num_chunks:
            return pa.array([], pa.int64())
        codes = pa.concat_arrays([_int32(chunk.indices) for chunk in amounts.chunks])
        return _k("take", _pence(amounts.chunk(0).dictionary), codes)
    if not amounts.num_chunks:
        return pa.array([], pa.int64())
    return _pence(pa.concat_arrays(amounts.chunks))


def _pence(amounts: pa.Array) -> pa.Array:
    """Signed pence of canonical amounts (``-12.5`` -> -1250), exact: a two-place decimal
    is stored as its value in hundredths, which read as a whole number is the pence. An
    amount with more places, or too large, stops the fast path (ArrowInvalid)."""
    pounds = _cast(amounts, pa.decimal128(20, 2))
    return _cast(pounds.view(pa.decimal128(20, 0)), pa.int64())


def _k(function: str, *args: Any, options: Any = None) -> Any:
    """The compute kernel ``function`` on ``args`` (as ``pyarrow.compute`` would call it)."""
    return call_function(function, list(args), options)


def _cast(values: Any, to: pa.DataType) -> Any:
    return _k("cast", values, options=CastOptions.safe(to))


def _matches(values: pa.Array, pattern: str) -> pa.Array:
    return _k("match_substring_regex", values, options=MatchSubstringOptions(pattern))


def _group_by(table: pa.Table, keys: list[str], aggregates: list[tuple[Any, str]]) -> pa.Table:
    """``table.group_by(keys, use_threads=False).aggregate(aggregates)``, one thread so
    the result does not depend on timing, through acero's own nodes."""
    named = []
    for target, function in aggregates:
        columns = [target] if isinstance(target, str) else list(target)
        name = f"{'_'.join(columns)}_{function}" if columns else function
        named.append((columns, f"hash_{function}" if keys else function, None, name))
    plan = Declaration.from_sequence(
        [
            Declaration("table_source", TableSourceNodeOptions(table)),
            Declaration("aggregate", AggregateNodeOptions(named, keys=keys)),
        ]
    )
    return plan.to_table(use_threads=False)
