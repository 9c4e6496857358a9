"""A validated CSV table held by column, and the questions rules and reports ask of it.

``Table`` is what the loader makes of a CSV file (see ``load.tables``): one column per
field plus the file line of every row. Its values live in a *store* behind the
``Columns`` protocol: Python lists (``ListColumns``, here) for small files, arrow arrays
(``load.arrow_csv``) for large ones. Rules and reports ask the table for distinct values,
counts and sums rather than walk its rows, so either store can answer without a
Python object per row.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from typing import Any, Protocol

from .problems import Problem


@dataclass(frozen=True, slots=True)
class Less:
    """A key: true on a row where both columns hold a value and ``name``'s is the lesser."""

    name: str
    other: str


@dataclass(frozen=True, slots=True)
class Sign:
    """A key: -1, 0 or 1, the side of zero of an integer column's value."""

    name: str


@dataclass(frozen=True, slots=True)
class Matches:
    """A key: whether a text value matches ``pattern`` whole (``search``: anywhere).

    ``prefilter`` is a pattern in the syntax Python's ``re`` and RE2 share that matches at
    least wherever ``pattern`` does; a store may use it to rule values out in bulk. An
    empty value (``None``) does not match."""

    name: str
    pattern: re.Pattern[str]
    search: bool = False
    prefilter: str | None = None

    def test(self, value: object) -> bool:
        if not isinstance(value, str):
            return False
        found = self.pattern.search(value) if self.search else self.pattern.fullmatch(value)
        return found is not None


Key = str | tuple[str, Callable[[Any], Any]] | Less | Sign | Matches
"""What rows are grouped or filtered by: a column's values; ``(column, function)``, the
function of each value, called once per distinct value (so plain Python is fast enough);
or one of the keys above, which a store may answer over a whole column at once."""


def _names(key: Key | None) -> set[str]:
    """The columns a key reads."""
    if key is None:
        return set()
    if isinstance(key, str):
        return {key}
    if isinstance(key, Less):
        return {key.name, key.other}
    if isinstance(key, Sign | Matches):
        return {key.name}
    return {key[0]}


def key_values(column: Callable[[str], list[Any]], key: Key) -> list[Any]:
    """The value of ``key`` on every row, from the columns as Python lists: the meaning of
    every key, which each store must answer the same way."""
    if isinstance(key, str):
        return column(key)
    if isinstance(key, Less):
        pairs = zip(column(key.name), column(key.other), strict=True)
        return [a is not None and b is not None and a < b for a, b in pairs]
    if isinstance(key, Sign):
        return [(value > 0) - (value < 0) for value in column(key.name)]
    function: Callable[[Any], Any]
    name, function = (key.name, key.test) if isinstance(key, Matches) else key
    values = column(name)
    mapped = {value: function(value) for value in dict.fromkeys(values)}
    return list(map(mapped.__getitem__, values))


class Columns(Protocol):
    """Where a table keeps its values. ``ListColumns`` holds Python lists; the pyarrow
    fast path (``arrow_store.ArrowColumns``) holds arrays and builds lists only on demand.
    Both answer every question the same way, in the same order (first appearance)."""

    def names(self) -> list[str]: ...

    def values(self, name: str) -> list[Any]: ...

    def distinct(self, name: str) -> list[Any]: ...

    def count_distinct(self, name: str, where: Key | None) -> int: ...

    def aggregate(
        self, keys: Sequence[Key], value: str | None, how: Sequence[str], where: Key | None
    ) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """Per distinct combination of ``keys`` (on the rows where ``where`` is true), in
        order of first appearance: ``(rows,)`` when ``value`` is None, else one total of
        the column ``value`` per name in ``how`` ("sum" of integers; "min", "max")."""
        ...

    def first_counts(
        self, keys: Sequence[str], value: str, by: Sequence[str]
    ) -> dict[tuple[Any, ...], int]:
        """How many distinct combinations of ``keys`` have each smallest (first) value of
        ``value``, by the keys in ``by`` (a part of ``keys``): ``{(*by, first): groups}``.
        Rows where ``value`` is None are left out."""
        ...

    def without(self, rows: set[int]) -> Columns: ...


@dataclass(frozen=True, slots=True)
class Table:
    """Validated rows of one CSV file, stored by column.

    ``lines[i]`` is the file line of row ``i``; ``column(name)[i]`` its parsed value.
    Rows with any problem are left out (their problems are reported instead).
    Problems about a CSV file carry the *field number* as their column until
    ``load.excerpts.locate`` turns it into a character column.

    Rules and reports that need only distinct values, or totals by a few columns, ask
    for them (``distinct``, ``counts``, ``sums``, ``count_distinct``, ``rows_where``): on a
    large file these are answered without a Python object per row. ``column`` builds
    the full list of a column once, when something needs every value.
    """

    path: str
    header: tuple[str, ...]
    lines: Sequence[int]
    store: Columns
    absent: frozenset[str] = frozenset()
    """Optional columns the file leaves out: every row's value is ``None``."""
    _lists: dict[str, list[Any]] = field(default_factory=dict, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.lines)

    @property
    def columns(self) -> Mapping[str, list[Any]]:
        """Every column by name (each list is built on first use)."""
        return _ColumnsView(self)

    def column(self, name: str) -> list[Any]:
        """The value of ``name`` on every row."""
        found = self._lists.get(name)
        if found is None:
            found = self._lists[name] = (
                [None] * len(self) if name in self.absent else self.store.values(name)
            )
        return found

    def distinct(self, name: str) -> list[Any]:
        """The distinct values of ``name``, in order of first appearance."""
        if name in self._lists or name in self.absent:
            return list(dict.fromkeys(self.column(name)))
        return self.store.distinct(name)

    def count_distinct(self, name: str, where: Key | None = None) -> int:
        """How many distinct values ``name`` has (on the rows where ``where`` is true)."""
        return self.store.count_distinct(name, where)

    def counts(self, keys: Sequence[Key], where: Key | None = None) -> dict[tuple[Any, ...], int]:
        """Rows per distinct combination of ``keys`` (on the rows where ``where`` is true).

        >>> table.counts(["kind", ("date", lambda day: day.year)])  # doctest: +SKIP
        {(<TransactionKind.PAYMENT: 'payment'>, 2023): 1210, ...}
        """
        if self.absent and any(_names(key) & self.absent for key in [*keys, where] if key):
            # A key on a column the file leaves out: every value None, from the lists.
            store: Columns = ListColumns({n: self.column(n) for n in self._used([*keys, where])})
            found = store.aggregate(keys, None, ("count",), where)
        else:
            found = self.store.aggregate(keys, None, ("count",), where)
        return {key: totals[0] for key, totals in found.items()}

    def first_counts(
        self, keys: Sequence[str], value: str, by: Sequence[str] = ()
    ) -> dict[tuple[Any, ...], int]:
        """How many distinct combinations of ``keys`` first have each value of ``value``
        (its smallest), by ``by`` (some of ``keys``): the children who first started on
        each day, by area, say. Rows where ``value`` is None are left out."""
        return self.store.first_counts(keys, value, by)

    def _used(self, keys: Sequence[Key | None]) -> set[str]:
        return set().union(*(_names(key) for key in keys if key is not None))

    def sums(
        self, keys: Sequence[Key], value: str, where: Key | None = None
    ) -> dict[tuple[Any, ...], int]:
        """The sum of the integer column ``value`` per distinct combination of ``keys``."""
        found = self.store.aggregate(keys, value, ("sum",), where)
        return {key: totals[0] for key, totals in found.items()}

    def bounds(self, keys: Sequence[Key], value: str) -> dict[tuple[Any, ...], tuple[Any, Any]]:
        """The least and greatest value of the column ``value`` (every row has one) per
        distinct combination of ``keys``: a rule whose answer holds over a span of dates
        can clear a whole group from its first and last date."""
        found = self.store.aggregate(keys, value, ("min", "max"), None)
        return {key: (low, high) for key, (low, high) in found.items()}

    def rows_where(self, keys: Sequence[Key], predicate: Callable[..., bool]) -> Iterator[int]:
        """The rows whose values of ``keys`` make ``predicate`` true, in row order.

        The predicate is asked once per distinct combination of the keys (``counts``,
        which either store answers without a Python object per row); only when some
        combination fails are the rows walked, to say which. A row rule is one such
        predicate: there is no second, faster test that could disagree with it.

        >>> list(table.rows_where(["kind", Sign("pence")], wrong_sign))  # doctest: +SKIP
        [17, 942]
        """
        failing = {combo for combo in self.counts(keys) if predicate(*combo)}
        if not failing:
            return
        per_row = zip(*(key_values(self.column, key) for key in keys), strict=True)
        yield from (row for row, combo in enumerate(per_row) if combo in failing)

    def column_number(self, name: str) -> int:
        """1-based field position of ``name`` in the header (0 if absent)."""
        return self.header.index(name) + 1 if name in self.header else 0

    def problem(self, row: int, name: str, code: str, message: str, hint: str) -> Problem:
        """A problem on field ``name`` of row ``row``."""
        return Problem(self.path, self.lines[row], self.column_number(name), code, message, hint)


class _ColumnsView(Mapping[str, list[Any]]):
    __slots__ = ("_table",)

    def __init__(self, table: Table) -> None:
        self._table = table

    def __getitem__(self, name: str) -> list[Any]:
        return self._table.column(name)  # KeyError for a name that is not a column

    def __contains__(self, name: object) -> bool:
        return name in self._table.store.names()

    def __iter__(self) -> Iterator[str]:
        return iter(self._table.store.names())

    def __len__(self) -> int:
        return len(self._table.store.names())


_FOLDS: dict[str, Callable[[Any, Any], Any]] = {"sum": operator.add, "min": min, "max": max}


@dataclass(frozen=True, slots=True)
class ListColumns:
    """Columns as Python lists: what the plain reader builds (small or quoted files)."""

    data: dict[str, list[Any]]

    def names(self) -> list[str]:
        return list(self.data)

    def values(self, name: str) -> list[Any]:
        return self.data[name]

    def distinct(self, name: str) -> list[Any]:
        return list(dict.fromkeys(self.data[name]))

    def count_distinct(self, name: str, where: Key | None) -> int:
        values = self.data[name]
        if where is not None:
            values = list(compress(values, self._keyed(where)))
        return len(set(values))

    def aggregate(
        self, keys: Sequence[Key], value: str | None, how: Sequence[str], where: Key | None
    ) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        rows: Iterable[tuple[Any, ...]] = zip(*(self._keyed(k) for k in keys), strict=True)
        if not keys:
            rows = repeat((), len(next(iter(self.data.values()), ())))
        if value is None:
            if where is not None:
                rows = compress(rows, self._keyed(where))
            return {key: (count,) for key, count in Counter(rows).items()}
        pairs: Iterable[tuple[tuple[Any, ...], int]] = zip(rows, self.data[value], strict=True)
        if where is not None:
            pairs = compress(pairs, self._keyed(where))
        folds = [_FOLDS[name] for name in how]
        found: dict[tuple[Any, ...], list[Any]] = {}
        for key, number in pairs:
            totals = found.get(key)
            if totals is None:
                found[key] = [number] * len(folds)
            else:
                for i, fold in enumerate(folds):
                    totals[i] = fold(totals[i], number)
        return {key: tuple(totals) for key, totals in found.items()}

    def first_counts(
        self, keys: Sequence[str], value: str, by: Sequence[str]
    ) -> dict[tuple[Any, ...], int]:
        first: dict[tuple[Any, ...], Any] = {}
        for *key, found in zip(*(self.data[k] for k in keys), self.data[value], strict=True):
            if found is None:
                continue
            group = tuple(key)
            if group not in first or found < first[group]:
                first[group] = found
        where = [list(keys).index(b) for b in by]
        return dict(Counter((*(g[i] for i in where), v) for g, v in first.items()))

    def without(self, rows: set[int]) -> ListColumns:
        count = len(next(iter(self.data.values()), ()))
        good = [i for i in range(count) if i not in rows]
        return ListColumns({name: [values[i] for i in good] for name, values in self.data.items()})

    def _keyed(self, key: Key) -> list[Any]:
        return key_values(self.data.__getitem__, key)
