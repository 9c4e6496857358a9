"""Ledger rows as a table without a Python list per row.

A million transactions as lists of ten values would hold about a gigabyte; a
:class:`ColumnRows` keeps the ledger's columns and the positions of the rows shown, and
makes a row only when it is asked for. Writers that go column by column (the
workbook's column widths) read :meth:`ColumnRows.column` instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from enum import Enum
from typing import Any, overload


class ColumnRows(Sequence[list[Any]]):
    """The rows ``kept`` (positions into every column) of ``columns``, in that order."""

    def __init__(self, columns: Sequence[Sequence[Any]], kept: Sequence[int]) -> None:
        self.columns = [_plain_column(values) for values in columns]
        self.kept = kept

    def __len__(self) -> int:
        return len(self.kept)

    @overload
    def __getitem__(self, index: int) -> list[Any]: ...
    @overload
    def __getitem__(self, index: slice) -> list[list[Any]]: ...
    def __getitem__(self, index: int | slice) -> list[Any] | list[list[Any]]:
        if isinstance(index, slice):
            return [self._row(i) for i in self.kept[index]]
        return self._row(self.kept[index])

    def __iter__(self) -> Iterator[list[Any]]:
        return map(self._row, self.kept)

    def column(self, number: int) -> Iterable[Any]:
        """The values of one column (0-based) on the rows kept."""
        return map(self.columns[number].__getitem__, self.kept)

    def _row(self, position: int) -> list[Any]:
        return [values[position] for values in self.columns]


def _plain_column(values: Sequence[Any]) -> Sequence[Any]:
    """A column of enum members (a ledger column of a few known words) as their values."""
    first = next((v for v in values if v is not None), None)
    if not isinstance(first, Enum):
        return values
    words = {v: plain(v) for v in set(values)}
    return [words[v] for v in values]


def plain(value: Any) -> Any:
    """An enum member as its value: the ledger's words, as the CSV file has them."""
    return value.value if isinstance(value, Enum) else value
