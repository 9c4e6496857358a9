"""Spend by supplier (the transactions' counterparty) and month: who the money went to.

A treasurer asks it of every grant: is one provider taking more than its share, did a
supplier's invoices stop, is a payment to an unexpected counterparty hiding in a line.
Every ledger row counts (payments, accruals, reversals and refunds, signed as written),
so a supplier's total is what the burn-down counts for it. Rows are grouped in the store
(``Table.sums``), so a million transactions cost a handful of sums, not a Python object
each.

>>> report = suppliers_report(ledger, ReportOptions(as_of=date(2025, 3, 31)))  # doctest: +SKIP
>>> report.rows[0].counterparty, report.rows[0].total  # doctest: +SKIP
("The Children's Society", 49358812)
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..core.fiscal import Month, months_between
from ..core.ledger import Ledger
from ..core.money import Pence
from ..core.sheet import Column, Kind, Sheet
from .kind import ReportKind
from .options import ReportOptions


@dataclass(frozen=True, slots=True)
class SupplierRow:
    """One counterparty: its spend in each month shown (pence, 0 where none), its total,
    its share of the spend shown, how many rows, and the budget lines they were on."""

    counterparty: str
    by_month: tuple[Pence, ...]
    total: Pence
    share: Decimal | None
    rows: int
    budget_lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SuppliersReport:
    as_of: date
    currency: str
    first: date
    last: date
    months: tuple[Month, ...]
    rows: tuple[SupplierRow, ...]
    """Largest total first; ties by name."""
    month_totals: tuple[Pence, ...]
    total: Pence


def suppliers_report(ledger: Ledger, options: ReportOptions) -> SuppliersReport:
    """Spend by counterparty and month over the window of ``options`` (the contract when
    there is none), counting rows dated on or before ``options.as_of``."""
    first = ledger.start if options.window is None else max(ledger.start, options.window.start)
    last = ledger.end if options.window is None else min(ledger.end, options.window.end)
    last = min(last, options.as_of)
    months = tuple(months_between(Month.of(first), Month.of(last))) if first <= last else ()
    index = {month: i for i, month in enumerate(months)}
    table = ledger.transactions

    def shown(day: date) -> bool:
        return first <= day <= last

    where = ("date", shown)
    sums = table.sums(["counterparty", ("date", Month.of)], "pence", where)
    counts = table.counts(["counterparty", "budget_line"], where)

    by_month: dict[str, list[Pence]] = defaultdict(lambda: [0] * len(months))
    for (counterparty, month), pence in sums.items():
        by_month[counterparty][index[month]] += pence
    rows_of: dict[str, int] = defaultdict(int)
    lines_of: dict[str, set[str]] = defaultdict(set)
    for (counterparty, line), count in counts.items():
        rows_of[counterparty] += count
        lines_of[counterparty].add(line)

    total = sum(sum(values) for values in by_month.values())
    rows = [
        SupplierRow(
            counterparty=name,
            by_month=tuple(values),
            total=sum(values),
            share=_share(sum(values), total),
            rows=rows_of[name],
            budget_lines=tuple(sorted(lines_of[name])),
        )
        for name, values in by_month.items()
    ]
    rows.sort(key=lambda row: (-row.total, row.counterparty))
    month_totals = tuple(sum(row.by_month[i] for row in rows) for i in range(len(months)))
    return SuppliersReport(
        as_of=options.as_of,
        currency=ledger.currency,
        first=first,
        last=last,
        months=months,
        rows=tuple(rows),
        month_totals=month_totals,
        total=total,
    )


def _share(part: Pence, whole: Pence) -> Decimal | None:
    """``part`` as a fraction of ``whole`` to four places; ``None`` when nothing was spent."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def suppliers_sheets(report: SuppliersReport) -> list[Sheet]:
    """One row per supplier: a column per month, the total, the share, the rows counted;
    the total row sums every column."""
    months = [Column(str(month), str(month), Kind.MONEY) for month in report.months]
    span = f"{report.first} to {report.last}"
    return [
        Sheet(
            "suppliers",
            f"Spend by supplier and month, {span}",
            (
                Column("counterparty", "Supplier"),
                *months,
                Column("total", "Total", Kind.MONEY),
                Column("share", "Share", Kind.PERCENT),
                Column("rows", "Rows", Kind.COUNT),
                Column("budget_lines", "Budget lines"),
            ),
            [
                [
                    row.counterparty,
                    *row.by_month,
                    row.total,
                    row.share,
                    row.rows,
                    ", ".join(row.budget_lines),
                ]
                for row in report.rows
            ],
            total=[
                "Total",
                *report.month_totals,
                report.total,
                _share(report.total, report.total),
                sum(row.rows for row in report.rows),
                "",
            ],
            notes=[
                f"Counts every ledger row dated from {span} (payments, accruals, reversals "
                "and refunds, signed as written) by its counterparty: a supplier's total "
                "is what the burn-down counts for it.",
            ],
        )
    ]


REPORT = ReportKind(
    name="suppliers",
    summary="Spend by supplier (counterparty) and month, with each supplier's share.",
    example="svdiversion suppliers --fy 2024/25 --format csv --out suppliers.csv",
    heading="Spend by supplier",
    compute=lambda ledger, options, _: suppliers_report(ledger, options),
    sheets=suppliers_sheets,
)
