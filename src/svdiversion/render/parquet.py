"""The return as Parquet, for Power BI, DuckDB and pandas.

``tidy.parquet`` is the tidy table of ``export csv`` (every report, one row per value,
the same columns and the same published values, text as the ledger has it: Parquet is
not opened by a spreadsheet, so nothing is made inert); ``transactions.parquet`` (and,
internal only, ``episodes.parquet``) the ledger rows of the period with typed columns:
dates as dates, amounts as exact decimals with two places, empty cells as nulls.

This is the one render module that imports pyarrow (the loader reads CSV with it).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..core.sheet import Kind, Sheet
from .tidy import COLUMNS, Table, tidy_records

MONEY = pa.decimal128(18, 2)
TYPES = {Kind.DATE: pa.date32(), Kind.MONEY: MONEY}


def tidy_parquet(reports: dict[str, list[Table]], context: list[str], currency: str) -> bytes:
    """Every report's tidy rows in one table: ``total`` is a boolean, the rest text, an
    empty field (no window, no area) a null."""
    columns: list[list[Any]] = [[] for _ in COLUMNS]
    total = COLUMNS.index("total")
    for name, tables in reports.items():
        for record in tidy_records(name, tables, context, currency):
            for i, field in enumerate(record):
                columns[i].append(field == "true" if i == total else field or None)
    schema = pa.schema(
        [(name, pa.bool_() if i == total else pa.string()) for i, name in enumerate(COLUMNS)]
    )
    return _bytes(pa.table(columns, schema=schema))


def rows_parquet(sheet: Sheet) -> bytes:
    """Ledger rows (no total) with a type per column: dates, money as decimals, text."""
    columns = []
    for j, column in enumerate(sheet.columns):
        kind = column.kind
        values = [_value(row[j], kind) for row in sheet.rows]
        columns.append(pa.array(values, type=TYPES.get(kind, pa.string())))
    return _bytes(pa.table(columns, names=[c.key for c in sheet.columns]))


def _value(value: Any, kind: Kind) -> Any:
    if value is None or value == "":
        return None
    if kind is Kind.MONEY:
        return Decimal(value).scaleb(-2)  # pence to pounds, exactly
    if kind is Kind.DATE:
        return value
    return str(value)


def _bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="zstd")
    return buffer.getvalue()


def parquet_files(
    reports: dict[str, list[Table]],
    context: list[str],
    currency: str,
    rows: Sequence[Sheet],
) -> dict[str, bytes]:
    """File name -> Parquet bytes: the tidy table and the ledger rows of the period."""
    files = {"tidy.parquet": tidy_parquet(reports, context, currency)}
    files.update({f"{sheet.name}.parquet": rows_parquet(sheet) for sheet in rows})
    return files
