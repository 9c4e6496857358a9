"""A registered report (``reports.registry``) in every format, from its sheets.

The terminal prints the sheets (a report may have a view of its own there: the
burn-down's chart beside its headline); CSV is the first sheet; Markdown is every sheet
under the report's heading. JSON is the report's own documented document where it has one
(``ReportKind.document``: areas, outcomes, vfm), else derived from the sheets, so it cannot
disagree with them:

    {"report": "suppliers", "as_of": "2025-03-31", "disclosure": null,
     "tables": {"suppliers": {"title": "...", "notes": [...],
                              "rows": [{"counterparty": "...", "total": "49358.12", ...}],
                              "total": {...} or null}}}

A value is written as its column's kind says: money a string with two decimals, a
percent or decimal a string holding a decimal fraction, a count an integer (or the
disclosure symbol), a date ``YYYY-MM-DD``, text as it is; no value is ``null``.
``disclosure`` is ``published`` or ``internal`` for a report with counts about children,
``null`` for one about money alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from ..core.money import format_money
from ..core.sheet import Column, Kind, Sheet
from ..reports.disclosure import Disclosure
from ..reports.kind import ReportKind
from .json_reports import dumps
from .tabular import sheet_csv, sheets_markdown

INTERNAL = "INTERNAL - NOT FOR PUBLICATION: exact counts about children."
PUBLISHED = "Published figures: disclosure control applied (see the notes under each table)."


def json_value(value: Any, kind: Kind) -> Any:
    """One cell as the JSON document writes it."""
    if value is None or isinstance(value, bool):
        return value
    if kind is Kind.MONEY and isinstance(value, int):
        return format_money(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _row(sheet: Sheet, number: int, row: list[Any]) -> dict[str, Any]:
    columns: tuple[Column, ...] = sheet.columns
    return {
        column.key: json_value(value, sheet.kind_of(number, column))
        for column, value in zip(columns, row, strict=True)
    }


def document(kind: ReportKind, value: Any, disclosure: Disclosure) -> dict[str, Any]:
    """The JSON document of a registered report: its own documented one where it has one
    (``ReportKind.document``), else the one derived from its sheets (module docstring)."""
    if kind.document is not None:
        return kind.document(value, disclosure)
    tables = {}
    for sheet in kind.sheets(value):
        tables[sheet.name] = {
            "title": sheet.title,
            "notes": list(sheet.notes),
            "rows": [_row(sheet, i, row) for i, row in enumerate(sheet.rows)],
            "total": _row(sheet, len(sheet.rows), sheet.total) if sheet.total else None,
        }
    return {
        "report": kind.name,
        "as_of": kind.as_of(value),
        "disclosure": disclosure.value if kind.about_children else None,
        "tables": tables,
    }


def _marking(kind: ReportKind, disclosure: Disclosure) -> list[str]:
    if not kind.about_children:
        return []
    return [INTERNAL if disclosure is Disclosure.INTERNAL else PUBLISHED]


def registered_text(kind: ReportKind, value: Any, fmt: str, disclosure: Disclosure) -> str:
    """The report as JSON, CSV (its first sheet) or Markdown."""
    if fmt == "json":
        return dumps(document(kind, value, disclosure))
    sheets = kind.sheets(value)
    if fmt == "csv":
        return sheet_csv(sheets[0])
    return sheets_markdown(sheets, kind.heading, _marking(kind, disclosure))


def print_registered(
    kind: ReportKind, value: Any, disclosure: Disclosure, width: int | None
) -> None:
    """The report on the terminal: the marking when it counts children, then its sheets;
    or the view of its own a report has (:func:`_own_view`)."""
    from .console import banner, make_console, sheets_group, show

    view = _own_view(kind.name)
    if view is not None:
        view(value, width)
        return
    console = make_console(width)
    if kind.about_children:
        console.print(banner(disclosure is Disclosure.INTERNAL))
    show(console, sheets_group(kind.sheets(value)))


def _own_view(name: str) -> Callable[[Any, int | None], None] | None:
    """The terminal view of the report called ``name``, when it has one of its own: the
    burn-down draws its chart beside its headline (rich, so it is drawn here, not named
    by the report)."""
    if name == "burndown":
        from .burndown_view import print_burndown

        return print_burndown
    return None
