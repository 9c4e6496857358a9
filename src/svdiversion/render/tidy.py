"""Reports as tidy CSV: one row per value, for pivot tables, pandas, R and the like.

Each report is one file, made from the same sheets as the terminal and the workbook.
Every line is one value of one table, with what it is and what to pivot it on
(columns ``as_of, window, disclosure`` first, then)::

    report,table,row,column,value,unit,total,period,fy_period,area,budget_line,measure
    burndown,burndown,2024-07,actual,25847.82,GBP,false,2024-07,2024/25 P04,,,
    areas,areas,Herefordshire,referrals,65,count,false,,,herefordshire,,

``value`` is the machine form: money with two decimals and no symbol, a rate as a
fraction (0.1250), a count as an integer or a disclosure symbol such as ``[c]``. ``row``
is the row's label as the table shows it; ``total`` is ``true`` on a table's total row
(filter it out before summing); ``period``, ``fy_period``, ``area`` (its id),
``budget_line`` and ``measure`` are filled where the row is one of those. Blank cells (no
actual yet for a future month) have no line. Text that a spreadsheet would run as a
formula is made inert (see ``cells.inert``).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date

from ..core.ledger import Ledger
from ..core.sheet import Column, Kind, Sheet
from ..reports.areas import AreasReport
from ..reports.burndown import Burndown
from ..reports.disclosure import Disclosure
from ..reports.options import ReportOptions
from ..reports.outcome_sheets import outcomes_sheets
from ..reports.outcomes import OutcomesReport
from ..reports.sheets import areas_sheet, burndown_sheets, vfm_sheets
from ..reports.vfm import VfmReport
from .cells import CsvWriter, inert, machine
from .lazy_rows import ColumnRows
from .tabular import sheet_csv

DIMENSIONS = ("period", "fy_period", "area", "budget_line", "measure")
COLUMNS = (
    "as_of",
    "window",
    "disclosure",
    "report",
    "table",
    "row",
    "column",
    "value",
    "unit",
    "total",
    *DIMENSIONS,
)
UNITS = {
    Kind.COUNT: "count",
    Kind.PERCENT: "fraction",
    Kind.DECIMAL: "number",
    Kind.DATE: "date",
    Kind.TEXT: "text",
}

Dimensions = dict[str, str]
Table = tuple[Sheet, list[Dimensions]]
"""A sheet and, for each of its rows (the total last), the dimensions of that row."""


def tidy_files(
    burndown: Burndown,
    areas: AreasReport,
    outcomes: OutcomesReport,
    vfm: VfmReport | None,
    options: ReportOptions,
    disclosure: Disclosure,
) -> dict[str, str]:
    """File name -> CSV text, one file per report."""
    reports = tidy_tables(burndown, areas, outcomes, vfm)
    context = tidy_context(options, disclosure)
    return {
        f"{name}.csv": tidy_csv(name, tables, context, burndown.currency)
        for name, tables in reports.items()
    }


def tidy_tables(
    burndown: Burndown, areas: AreasReport, outcomes: OutcomesReport, vfm: VfmReport | None
) -> dict[str, list[Table]]:
    """Report name -> its tables, as every tidy format writes them."""
    reports = {
        "burndown": burndown_tables(burndown),
        "areas": areas_tables(areas),
        "outcomes": outcomes_tables(outcomes),
    }
    if vfm is not None:
        reports["vfm"] = [(sheet, []) for sheet in vfm_sheets(vfm)]
    return reports


def tidy_context(options: ReportOptions, disclosure: Disclosure) -> list[str]:
    """The ``as_of``, ``window`` and ``disclosure`` fields of every tidy row."""
    return [
        options.as_of.isoformat(),
        options.window.label if options.window else "",
        disclosure.value,
    ]


def tidy_csv(report: str, tables: Sequence[Table], context: list[str], currency: str) -> str:
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    writer.writerow(COLUMNS)
    for record in tidy_records(report, tables, context, currency, inert):
        writer.writerow(record)
    return buffer.getvalue()


def tidy_records(
    report: str,
    tables: Sequence[Table],
    context: list[str],
    currency: str,
    text: Callable[[str], str] = str,
) -> Iterator[list[str]]:
    """The tidy rows of one report, fields in the order of ``COLUMNS``. ``text`` is applied
    to every field that holds text from the ledger (the CSV makes it inert; Parquet keeps
    it as it is)."""
    for sheet, dimensions in tables:
        rows = sheet.all_rows()
        if dimensions and len(dimensions) != len(rows):
            raise ValueError(f"{report}/{sheet.name}: {len(dimensions)} dimensions for {len(rows)}")
        label = ""
        for number, row in enumerate(rows):
            label = str(row[0]) if row[0] not in (None, "") else label
            these = dimensions[number] if dimensions else {}
            total = "true" if sheet.total is not None and number == len(sheet.rows) else "false"
            for column, value in zip(sheet.columns[1:], row[1:], strict=True):
                if value is None or value == "":
                    continue
                kind = sheet.kind_of(number, column)
                yield [
                    *context,
                    report,
                    sheet.name,
                    text(label),
                    column.key,
                    text(value) if isinstance(value, str) else machine(value, kind),
                    currency if kind is Kind.MONEY else UNITS[kind],
                    total,
                    *(text(these.get(d, "")) for d in DIMENSIONS),
                ]


def burndown_tables(report: Burndown) -> list[Table]:
    headline, periods, lines = burndown_sheets(report)
    return [
        (headline, []),
        (periods, [{"period": p.label, "fy_period": p.fy_period} for p in report.periods]),
        (lines, [*({"budget_line": line.id} for line in report.lines), {}]),
    ]


def areas_tables(report: AreasReport) -> list[Table]:
    dimensions = [{"area": a.id or "", "budget_line": a.budget_line or ""} for a in report.areas]
    return [(areas_sheet(report), [*dimensions, {}])]


def outcomes_tables(report: OutcomesReport) -> list[Table]:
    by_area = [{"area": a.id} for a in report.areas]
    dimensions = {
        "referrals": [*by_area, {}],
        "measures": [{"measure": m.id} for m in report.measures],
        "measures_by_area": [
            {"area": a.id, "measure": m.id} for a in report.areas for m in a.measures
        ],
        "quarters": [{"period": q.label} for q in report.quarters],
    }
    return [(sheet, dimensions.get(sheet.name, [])) for sheet in outcomes_sheets(report)]


# ------------------------------------------------------------------------ ledger rows

TRANSACTION_COLUMNS = (
    Column("id", "id"),
    Column("date", "date", Kind.DATE),
    Column("kind", "kind"),
    Column("budget_line", "budget_line"),
    Column("area", "area"),
    Column("amount", "amount", Kind.MONEY),
    Column("reference", "reference"),
    Column("counterparty", "counterparty"),
    Column("description", "description"),
    Column("tranche", "tranche"),
)
EPISODE_DATES = frozenset({"referral_date", "start_date", "end_date"})


def rows_files(ledger: Ledger, options: ReportOptions, disclosure: Disclosure) -> dict[str, str]:
    """The ledger rows behind the return, as plain CSV (no total row): the transactions,
    and with internal disclosure the referral episodes."""
    return {
        f"{sheet.name}.csv": sheet_csv(replace(sheet, total=None))
        for sheet in rows_sheets(ledger, options, disclosure)
    }


def rows_sheets(ledger: Ledger, options: ReportOptions, disclosure: Disclosure) -> list[Sheet]:
    """The transactions of the period, and with internal disclosure its episodes."""
    sheets = [transactions_sheet(ledger, options)]
    if disclosure is Disclosure.INTERNAL:
        sheets.append(episodes_sheet(ledger, options))
    return sheets


def transactions_sheet(ledger: Ledger, options: ReportOptions) -> Sheet:
    """The ledger's transactions dated in the period covered, up to the as-of date; the
    total is the actual spend of the months shown."""
    table = ledger.transactions
    kept = _rows_in(table.column("date"), options)
    source = {
        c.key: table.column("pence" if c.key == "amount" else c.key) for c in TRANSACTION_COLUMNS
    }
    pence = source["amount"]
    return Sheet(
        "transactions",
        f"Transactions {_scope(options)}",
        TRANSACTION_COLUMNS,
        ColumnRows([source[c.key] for c in TRANSACTION_COLUMNS], kept),
        total=[
            "Total",
            None,
            None,
            None,
            None,
            sum(pence[i] for i in kept),
            None,
            None,
            None,
            None,
        ],
        notes=[
            "Rows of ledger/transactions.csv dated in the period covered and on or before the "
            "as-of date."
        ],
    )


def episodes_sheet(ledger: Ledger, options: ReportOptions) -> Sheet:
    """Referral episodes made in the period covered, up to the as-of date: internal only."""
    table = ledger.episodes
    columns = tuple(
        Column(name, name, Kind.DATE if name in EPISODE_DATES else Kind.TEXT)
        for name in table.header
    )
    values = [table.column(name) for name in table.header]
    kept = _rows_in(table.column("referral_date"), options)
    return Sheet(
        "episodes",
        f"Referral episodes {_scope(options)}",
        columns,
        ColumnRows(values, kept),
        notes=[
            "Rows of ledger/outcomes.csv referred in the period covered and on or before the "
            "as-of date, as the ledger records them now: a start, end or status recorded "
            "after the as-of date shows too."
        ],
    )


def _scope(options: ReportOptions) -> str:
    window = options.window
    return f"in {window.label} to {options.as_of}" if window else f"to {options.as_of}"


def _rows_in(days: Sequence[date], options: ReportOptions) -> list[int]:
    window = options.window
    return [
        i
        for i, day in enumerate(days)
        if day <= options.as_of and (window is None or day in window)
    ]
