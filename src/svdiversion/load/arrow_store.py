"""Arrow arrays as a table's store: ``ArrowColumns`` answers the ``core.table.Columns``
questions (distinct values, counts, sums, least and greatest values, the keys of
``core.table``) over whole columns with pyarrow's kernels, so a million rows need no
Python object per row.

``load.arrow_csv`` fills it from a large file; ``core.table.key_values`` says what each
key means, and this store must answer the same (``tests/test_fast_reader.py`` and every
rule test, run on both stores, hold it to that).
"""

from __future__ import annotations

import contextlib
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .. import arrow_lib  # noqa: F401  (before pyarrow: it imports pyarrow without numpy)

# isort: split

import pyarrow as pa

try:
    # The kernels themselves: pyarrow.compute (its Python wrappers of every kernel, about
    # 0.2 s to build on a loaded machine) and pyarrow.acero (which imports pyarrow.dataset)
    # are start-up a command never needs. ``kernel`` calls the kernels by name.
    from pyarrow._acero import AggregateNodeOptions, Declaration, TableSourceNodeOptions
    from pyarrow._compute import (
        CastOptions,
        MatchSubstringOptions,
        SortOptions,
        call_function,
    )
    from pyarrow._compute import (
        SetLookupOptions as SetLookupOptions,
    )
except ImportError:  # pragma: no cover - a pyarrow that keeps them elsewhere
    from pyarrow.acero import AggregateNodeOptions, Declaration, TableSourceNodeOptions
    from pyarrow.compute import (
        CastOptions,
        MatchSubstringOptions,
        SortOptions,
        call_function,
    )
    from pyarrow.compute import (
        SetLookupOptions as SetLookupOptions,
    )

from ..core.table import Key, Less, Matches, Sign


@dataclass(frozen=True, slots=True)
class Coded:
    """A column as codes into its distinct values: row ``i`` holds ``lookup[codes[i]]``.

    ``texts``, when given, is ``lookup`` as an arrow array of text (each value is its own
    text): a pattern is matched on it directly, not on an array remade from ``lookup``
    (34 ms for the 200,000 references of a million transactions, per rule)."""

    codes: pa.Array
    lookup: list[Any]
    texts: pa.Array | None = None


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
        return list(map(column.lookup.__getitem__, int_view(column.codes)))

    def distinct(self, name: str) -> list[Any]:
        column = self._columns[name]
        if isinstance(column, Plain):
            result: list[Any] = kernel("unique", column.array).to_pylist()
            return result
        codes, lookup = self._coded(name)
        return [lookup[code] for code in kernel("unique", codes).to_pylist()]

    def count_distinct(self, name: str, where: Key | None) -> int:
        column = self._columns[name]
        if isinstance(column, Plain):
            array = (
                column.array if where is None else kernel("filter", column.array, self._mask(where))
            )
            return len(array) if _increasing(array) else len(kernel("unique", array))
        codes, _ = self._coded(name)
        if where is not None:
            codes = kernel("filter", codes, self._mask(where))
        return len(kernel("unique", codes))

    def aggregate(
        self, keys: Sequence[Key], value: str | None, how: Sequence[str], where: Key | None
    ) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        arrays: dict[str, pa.Array] = {"row": self._rows()}
        lookups: list[list[Any] | None] = []
        for i, key in enumerate(keys):
            arrays[f"k{i}"], lookup = self._key(key)
            lookups.append(lookup)
        if value is None and where is None and len(keys) == 1 and lookups[0] is None:
            truth = arrays["k0"]
            if pa.types.is_boolean(truth.type) and truth.null_count == 0:
                return _truth_counts(truth)
        wanted: list[tuple[Any, str]] = [("row", "min")]
        if value is not None:
            arrays["v"] = self._arrow(value)
            wanted += [("v", name) for name in how]
        else:
            wanted.append(([], "count_all"))
        table = pa.table(arrays)
        if where is not None:
            table = kernel("filter", table, self._mask(where))
        if table.num_rows == 0:
            return {}
        found = group_by(table, [f"k{i}" for i in range(len(keys))], wanted)
        # Groups in order of their first row, as a dict filled row by row would hold them.
        order = kernel("sort_indices", found, options=SortOptions([("row_min", "ascending")]))
        found = kernel("take", found, order)
        key_values = []
        for i, lookup in enumerate(lookups):
            codes = found.column(f"k{i}").to_pylist()
            key_values.append(codes if lookup is None else [lookup[c] for c in codes])
        names = ["count_all"] if value is None else [f"v_{name}" for name in how]
        results = [found.column(name).to_pylist() for name in names]
        rows = zip(*key_values, strict=True) if keys else [()] * found.num_rows
        return dict(zip(rows, zip(*results, strict=True), strict=True))

    def first_counts(
        self, keys: Sequence[str], value: str, by: Sequence[str]
    ) -> dict[tuple[Any, ...], int]:
        arrays: dict[str, pa.Array] = {"v": self._arrow(value)}
        lookups: dict[str, list[Any] | None] = {}
        for i, key in enumerate(keys):
            arrays[f"k{i}"], lookups[f"k{i}"] = self._key(key)
        table = pa.table(arrays)
        table = kernel("filter", table, kernel("is_valid", table.column("v")))
        if table.num_rows == 0:
            return {}
        names = [f"k{i}" for i in range(len(keys))]
        firsts = group_by(table, names, [("v", "min")])
        kept = [names[list(keys).index(b)] for b in by]
        found = group_by(firsts, [*kept, "v_min"], [([], "count_all")])
        columns = []
        for name in kept:
            codes = found.column(name).to_pylist()
            lookup = lookups[name]
            columns.append(codes if lookup is None else [lookup[c] for c in codes])
        columns.append(found.column("v_min").to_pylist())
        counts = found.column("count_all").to_pylist()
        return dict(zip(zip(*columns, strict=True), counts, strict=True))

    def without(self, rows: set[int]) -> ArrowColumns:
        keep = pa.array([i not in rows for i in range(self._length())], pa.bool_())
        return ArrowColumns(
            {
                name: Coded(kernel("filter", column.codes, keep), column.lookup, column.texts)
                if isinstance(column, Coded)
                else Plain(kernel("filter", column.array, keep))
                for name, column in self._columns.items()
            }
        )

    # ------------------------------------------------------------------ helpers

    def _rows(self) -> pa.Array:
        """0, 1, 2, ... one per row."""
        if self._row_numbers is None:
            ones = pa.repeat(1, self._length())
            self._row_numbers = kernel("subtract", kernel("cumulative_sum", ones), 1)
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
            encoded = kernel("dictionary_encode", column.array)
            codes, lookup = int32_codes(encoded.indices), encoded.dictionary.to_pylist()
        else:
            codes, lookup = column.codes, column.lookup
        if len(set(lookup)) != len(lookup):
            index: dict[Any, int] = {}
            remap = [index.setdefault(value, len(index)) for value in lookup]
            codes, lookup = kernel("take", pa.array(remap, pa.int32()), codes), list(index)
        self._canonical[name] = (codes, lookup)
        return codes, lookup

    def _key(self, key: Key) -> tuple[pa.Array, list[Any] | None]:
        """The key's value on every row: an array of values (lookup None), or of codes
        with the value of each code. Means what ``core.table.key_values`` says."""
        if isinstance(key, str):
            if isinstance(self._columns[key], Plain):
                return self._columns[key].array, None  # type: ignore[union-attr]
            return self._coded(key)
        if isinstance(key, Less):
            first, then = self._arrow(key.name), self._arrow(key.other)
            if pa.types.is_null(first.type) or pa.types.is_null(then.type):
                return pa.repeat(False, self._length()), None  # a column with no value at all
            return _or_false(kernel("less", first, then)), None
        if isinstance(key, Sign):
            return cast(kernel("sign", self._arrow(key.name)), pa.int64()), None
        if isinstance(key, Matches):
            return self._matches(key), None
        name, function = key
        codes, lookup = self._coded(name)
        # Only the values still present: a removed row's value may not suit the function.
        present = kernel("unique", codes).to_pylist()
        index: dict[Any, int] = {}
        remap = [0] * len(lookup)
        for code in present:
            remap[code] = index.setdefault(function(lookup[code]), len(index))
        return kernel("take", pa.array(remap, pa.int32()), codes), list(index)

    def _matches(self, key: Matches) -> pa.Array:
        """Whether each row's value matches: decided on the distinct values of a coded
        column, in bulk by RE2 where that is exact, by Python for the rest."""
        column = self._columns[key.name]
        if isinstance(column, Plain):
            texts, codes = column.array, None
        else:
            texts, codes = _texts(column), column.codes
        truth = _matching(texts, key)
        return truth if codes is None else kernel("take", truth, codes)

    def _mask(self, where: Key) -> pa.Array:
        codes, lookup = self._key(where if not isinstance(where, str) else (where, bool))
        if lookup is None:
            raise TypeError(f"a mask needs a predicate to apply: {where!r}")
        truth = pa.array([bool(value) for value in lookup], pa.bool_())
        return kernel("take", truth, codes)

    def _arrow(self, name: str) -> pa.Array:
        """The parsed values as an arrow array (dates, numbers, text); None is null."""
        column = self._columns[name]
        if isinstance(column, Plain):
            return column.array
        values = column.texts if column.texts is not None else pa.array(column.lookup)
        return kernel("take", values, column.codes)


def _texts(column: Coded) -> pa.Array:
    return column.texts if column.texts is not None else pa.array(column.lookup, pa.string())


def _matching(texts: pa.Array, key: Matches) -> pa.Array:
    """``key.test`` of each text, as booleans. A whole match RE2 finds is a Python match
    (``_narrower_in_re2``), and a prefilter rules out what it does not find; Python
    decides the distinct values left."""
    sure = pa.repeat(False, len(texts))
    if not key.search and _narrower_in_re2(key.pattern):
        with contextlib.suppress(pa.ArrowInvalid):  # not RE2 syntax after all: Python decides
            sure = _or_false(regex_match(texts, f"^(?:{key.pattern.pattern})$"))
    undecided = kernel("invert", sure)
    if key.prefilter is not None:
        maybe = _or_false(regex_match(texts, key.prefilter))
        undecided = kernel("and", undecided, maybe)
    if not kernel("any", undecided).as_py():
        return sure
    left = kernel("unique", kernel("filter", texts, undecided)).to_pylist()
    hits = [value for value in left if key.test(value)]
    if not hits:
        return sure
    found = kernel("is_in", texts, options=SetLookupOptions(pa.array(hits, pa.string())))
    return kernel("or", sure, _or_false(found))


def _or_false(truth: pa.Array) -> pa.Array:
    """Booleans with every null (an empty value) made false."""
    return kernel("coalesce", truth, pa.scalar(False))


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


def int32_codes(indices: pa.Array) -> pa.Array:
    return indices if indices.type == pa.int32() else cast(indices, pa.int32())


def int_view(codes: pa.Array) -> memoryview:
    """The codes as a memoryview of C ints (no Python object per row)."""
    view = memoryview(codes.buffers()[1]).cast("i")
    return view[codes.offset : codes.offset + len(codes)]


def kernel(function: str, *args: Any, options: Any = None) -> Any:
    """The compute kernel ``function`` on ``args`` (as ``pyarrow.compute`` would call it)."""
    return call_function(function, list(args), options)


def cast(values: Any, to: pa.DataType) -> Any:
    return kernel("cast", values, options=CastOptions.safe(to))


def regex_match(values: pa.Array, pattern: str) -> pa.Array:
    return kernel("match_substring_regex", values, options=MatchSubstringOptions(pattern))


def group_by(table: pa.Table, keys: list[str], aggregates: list[tuple[Any, str]]) -> pa.Table:
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


def _truth_counts(truth: pa.Array) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Rows per value of a boolean column with no null, in order of first appearance (the
    first row's value first): a sum, where a grouping would hash every row. A rule that
    asks whether each row matches a pattern, or keeps an order, asks this."""
    if len(truth) == 0:
        return {}
    trues = kernel("sum", truth).as_py() or 0
    first = truth[0].as_py()
    counts = {True: trues, False: len(truth) - trues}
    return {(v,): (counts[v],) for v in (first, not first) if counts[v]}


def _increasing(values: pa.Array) -> bool:
    """Strictly increasing (so no value repeats): ids numbered in order are."""
    if len(values) < 2:
        return True
    return bool(
        kernel("all", kernel("less", values.slice(0, len(values) - 1), values.slice(1))).as_py()
    )
