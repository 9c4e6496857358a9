"""A format-neutral table: what a report shows, before any format is chosen.

A :class:`Sheet` is a titled table whose columns know their kind (money, count, percent,
date, text). The terminal, CSV, Markdown, JSON and the workbook all render sheets, so
every format shows the same figures from the same report value. It lives in the core so
that a report module can say what its tables are (``reports.registry``) without
importing a renderer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # int pence
    COUNT = "count"  # int, or a disclosure symbol such as [c]
    PERCENT = "percent"  # Decimal fraction, 0.25 is 25%
    DECIMAL = "decimal"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: Kind = Kind.TEXT


@dataclass(frozen=True, slots=True)
class Sheet:
    """``total`` is a last row that sums the money and count columns above it."""

    name: str
    title: str
    columns: tuple[Column, ...]
    rows: Sequence[list[Any]]
    total: list[Any] | None = None
    notes: list[str] = field(default_factory=list)
    value_kinds: list[Kind] | None = None
    """For a two-column key/value sheet (a headline): the kind of each row's value."""

    def kind_of(self, row: int, column: Column) -> Kind:
        if self.value_kinds is not None and column.key == "value" and row < len(self.value_kinds):
            return self.value_kinds[row]
        return column.kind

    def all_rows(self) -> list[list[Any]]:
        return [*self.rows, *([self.total] if self.total else [])]
