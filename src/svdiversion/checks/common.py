"""Helpers shared by the table checks."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from ..core.codes import Code
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
            Code.E107,
            f"duplicate {what} id {values[row]!r} (first on line {table.lines[first]})",
            hint,
        )


def area_problems(ledger: Ledger, table: Table, date_column: str, what: str) -> Iterable[Problem]:
    """Unknown areas (E202) and areas used outside their valid dates (E205)."""

    def wrong(area_id: str | None, day: date) -> bool:
        area = ledger.areas.get(area_id) if area_id is not None else None
        return area_id is not None and (area is None or not area.valid_on(day))

    # An area is valid over one span of dates, so its first and last date clear it whole;
    # only the areas they do not clear are asked of day by day.
    unclear = {
        area_id
        for (area_id,), (first, last) in table.bounds(["area"], date_column).items()
        if wrong(area_id, first) or wrong(area_id, last)
    }
    if not unclear:
        return
    for row in table.rows_where(
        [("area", unclear.__contains__), "area", date_column],
        lambda asked, area_id, day: asked and wrong(area_id, day),
    ):
        area_id, day = table.column("area")[row], table.column(date_column)[row]
        area = ledger.areas.get(area_id)
        if area is None:
            yield table.problem(
                row,
                "area",
                Code.E202,
                f"unknown area {area_id!r}",
                "use an area id from config/areas.yaml: " + ", ".join(sorted(ledger.areas)),
            )
            continue
        until = f" to {area.valid_to}" if area.valid_to else ""
        successor = f"; after {area.valid_to} use {area.successor}" if area.successor else ""
        yield table.problem(
            row,
            "area",
            Code.E205,
            f"{what} dated {day} is in area {area_id}, which is valid from "
            f"{area.valid_from}{until}",
            f"use the area valid on that date{successor}",
        )


def date_problems(
    table: Table, column: str, start: date, end: date, as_of: date, what: str
) -> Iterable[Problem]:
    """Dates outside ``start..end`` (E301) or after the as-of date (E302)."""

    def wrong(day: date | None) -> bool:
        return day is not None and (not start <= day <= end or day > as_of)

    for row in table.rows_where([column], wrong):
        day = table.column(column)[row]
        if not start <= day <= end:
            yield table.problem(
                row,
                column,
                Code.E301,
                f"{what} {column} {day} is outside the contract period {start} to {end}",
                "correct the date, or record the decision or variation that "
                "covers it in ledger/contract.d/",
            )
        else:
            yield table.problem(
                row,
                column,
                Code.E302,
                f"{what} {column} {day} is after the as-of date {as_of}",
                "correct the date, or check with --as-of a later date",
            )
