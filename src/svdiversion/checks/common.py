"""Helpers shared by the table checks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from ..core.ledger import Ledger
from ..core.problems import Problem
from ..core.table import Table


def repeated(values: list[str]) -> Iterator[tuple[int, int]]:
    """``(row, first_row)`` for every row whose value was already used by an earlier row."""
    if len(set(values)) == len(values):
        return
    first: dict[str, int] = {}
    for row, value in enumerate(values):
        earlier = first.setdefault(value, row)
        if earlier != row:
            yield row, earlier


def duplicate_id_problems(table: Table, name: str, what: str, hint: str) -> Iterable[Problem]:
    if table.count_distinct(name) == len(table):
        return
    values = table.column(name)
    for row, first in repeated(values):
        yield table.problem(
            row,
            name,
            "E107",
            f"duplicate {what} id {values[row]!r} (first on line {table.lines[first]})",
            hint,
        )


def area_problems(ledger: Ledger, table: Table, date_column: str, what: str) -> Iterable[Problem]:
    """Unknown areas (E202) and areas used outside their valid dates (E205)."""

    def valid_throughout(area_id: str | None, first: date, last: date) -> bool:
        area = ledger.areas.get(area_id) if area_id is not None else None
        return area_id is None or (
            area is not None and area.valid_on(first) and area.valid_on(last)
        )

    # An area is valid over one span of dates, so its first and last date say it all.
    spans = table.bounds(["area"], date_column)
    if all(valid_throughout(area, first, last) for (area,), (first, last) in spans.items()):
        return
    bad: dict[tuple[str | None, date], tuple[str, str, str]] = {}
    for area_id, day in table.counts(["area", date_column]):
        if area_id is None:
            continue
        area = ledger.areas.get(area_id)
        if area is None:
            bad[area_id, day] = (
                "E202",
                f"unknown area {area_id!r}",
                "use an area id from config/areas.yaml: " + ", ".join(sorted(ledger.areas)),
            )
        elif not area.valid_on(day):
            until = f" to {area.valid_to}" if area.valid_to else ""
            successor = f"; after {area.valid_to} use {area.successor}" if area.successor else ""
            bad[area_id, day] = (
                "E205",
                f"{what} dated {day} is in area {area_id}, which is valid from "
                f"{area.valid_from}{until}",
                f"use the area valid on that date{successor}",
            )
    if not bad:
        return
    for row, key in enumerate(zip(table.column("area"), table.column(date_column), strict=True)):
        if key in bad:
            code, message, hint = bad[key]
            yield table.problem(row, "area", code, message, hint)


def date_problems(
    table: Table, column: str, start: date, end: date, as_of: date, what: str
) -> Iterable[Problem]:
    """Dates outside ``start..end`` (E301) or after the as-of date (E302)."""
    days = table.distinct(column)
    outside = {d for d in days if d is not None and not start <= d <= end}
    late = {d for d in days if d is not None and d > as_of}
    if not outside and not late:
        return
    for row, day in enumerate(table.column(column)):
        if day in outside:
            yield table.problem(
                row,
                column,
                "E301",
                f"{what} {column} {day} is outside the contract period {start} to {end}",
                "correct the date, or record the decision or variation that "
                "covers it in ledger/contract.d/",
            )
        elif day in late:
            yield table.problem(
                row,
                column,
                "E302",
                f"{what} {column} {day} is after the as-of date {as_of}",
                "correct the date, or check with --as-of a later date",
            )
