"""Burn-down on small inline ledgers: exact pence, period boundaries, accruals, refunds."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import TX_HEADER, load_ledger, make_workspace
from svdiversion.core.fiscal import Month
from svdiversion.reports.burndown import burndown
from svdiversion.reports.options import Bucket, ReportOptions
from svdiversion.reports.rag import Rag

# A delivery line of £800 planned £400 in March 2024 (P12) and £400 in April 2024 (P01):
# the rows below cross the financial year end.
CONTRACT = """
    decisions:
      - id: D1
        reference: TEST/D/1
        title: Test decision
        service: Test service
        commissioner: Test Commissioner
        provider: Provider
        funding_source: Prevention Fund
        total: 1000.00
        start: 2024-02-01
        end: 2024-05-31
        lines:
          - {id: delivery, name: Delivery grant, kind: delivery, amount: 800.00}
          - {id: evaluation, name: Evaluation, kind: evaluation, amount: 150.00}
          - {id: unallocated, name: Not allocated, kind: unallocated, amount: 50.00}
        allocations:
          - {line: delivery, area: north, amount: 400.00}
          - {line: delivery, area: south, amount: 400.00}
        tranches:
          - {id: T1, line: delivery, due: 2024-03-31, amount: 400.00}
          - {id: T2, line: delivery, due: 2024-04-30, amount: 400.00}
          - {id: T3, line: evaluation, due: 2024-05-31, amount: 150.00}
    outcome_framework:
      measures:
        - {id: risk_reduction, name: Risk reduction, better: higher, target: 0.70}
        - {id: entered_cjs, name: Entered the justice system, better: lower}
"""

# March: a payment, and the year-end accrual of an invoice that arrives in April.
# April: the accrual is reversed and the invoice paid. May: a refund. February: nothing.
ROWS = [
    "TX-1,2024-03-15,payment,delivery,north,300.00,INV-1,Provider,March delivery,T1",
    "TX-2,2024-03-31,accrual,delivery,south,100.00,ACR-1,Provider,Year-end accrual,T1",
    "TX-3,2024-04-01,reversal,delivery,south,-100.00,ACR-1,Provider,Reverse accrual,T1",
    "TX-4,2024-04-12,payment,delivery,south,100.00,INV-2,Provider,March invoice paid,T1",
    "TX-5,2024-04-20,payment,delivery,north,350.50,INV-3,Provider,April delivery,T2",
    "TX-6,2024-05-03,refund,delivery,north,-20.25,CN-1,Provider,Credit note,T2",
]


def workspace(tmp_path: Path, rows: list[str] = ROWS) -> Path:
    transactions = "\n".join([TX_HEADER, *rows]) + "\n"
    return make_workspace(tmp_path, contract=CONTRACT, transactions=transactions)


def report(tmp_path: Path, as_of: date, bucket: Bucket = Bucket.MONTH, rows: list[str] = ROWS):
    return burndown(load_ledger(workspace(tmp_path, rows)), ReportOptions(as_of, bucket=bucket))


def period(result, month: str):
    return next(p for p in result.periods if p.month == month)


def test_accrual_counts_in_march_and_its_reversal_in_april(tmp_path: Path) -> None:
    result = report(tmp_path, date(2024, 5, 31))
    assert [(p.month, p.fy_period, p.planned, p.actual) for p in result.periods] == [
        ("2024-02", "2023/24 P11", 0, 0),
        ("2024-03", "2023/24 P12", 40000, 40000),
        ("2024-04", "2024/25 P01", 40000, 35050),
        ("2024-05", "2024/25 P02", 15000, -2025),
    ]
    assert [p.cumulative_actual for p in result.periods] == [0, 40000, 75050, 73025]
    assert [p.remaining for p in result.periods] == [100000, 60000, 24950, 26975]


def test_headline_after_the_contract(tmp_path: Path) -> None:
    result = report(tmp_path, date(2024, 6, 30))
    assert result.budget_total == 100000
    assert result.actual_to_date == 73025
    assert result.planned_to_date == 95000
    assert result.remaining == 26975
    assert result.forecast_outturn == 73025  # nothing is planned after the as-of date
    assert result.variance == -26975  # underspend is negative
    assert result.variance_to_profile == -21975
    assert result.rag is Rag.RED
    assert result.time_elapsed == Decimal("1.0000")


def test_as_of_in_the_middle_of_a_month_ignores_later_rows(tmp_path: Path) -> None:
    result = report(tmp_path, date(2024, 4, 15))
    april = period(result, "2024-04")
    assert april.actual == 0  # reversal -100 and payment +100; the 20th is after the as-of
    assert result.actual_to_date == 40000
    assert result.planned_to_date == 40000  # T2 is due on the 30th
    assert result.forecast_outturn == 40000 + 40000 + 15000
    assert result.rag is Rag.GREEN
    assert period(result, "2024-05").actual is None  # nothing is known about May yet


def test_empty_month_is_zero_not_missing(tmp_path: Path) -> None:
    result = report(tmp_path, date(2024, 5, 31))
    february = period(result, "2024-02")
    assert (february.planned, february.actual, february.cumulative_actual) == (0, 0, 0)


def test_quarters_follow_the_financial_year(tmp_path: Path) -> None:
    result = report(tmp_path, date(2024, 5, 31), Bucket.QUARTER)
    assert [(p.label, p.planned, p.actual) for p in result.periods] == [
        ("2023/24 Q4", 40000, 40000),
        ("2024/25 Q1", 55000, 33025),
    ]
    years = report(tmp_path / "fy", date(2024, 5, 31), Bucket.FY)
    assert [(p.label, p.actual) for p in years.periods] == [("2023/24", 40000), ("2024/25", 33025)]


def test_lines_break_down_the_headline(tmp_path: Path) -> None:
    result = report(tmp_path, date(2024, 5, 31))
    lines = {line.id: line for line in result.lines}
    assert lines["delivery"].actual_to_date == 73025
    assert lines["delivery"].remaining == 80000 - 73025
    assert lines["evaluation"].planned_to_date == 15000
    assert lines["evaluation"].forecast_outturn == 0
    assert lines["unallocated"].variance == -5000
    assert sum(line.actual_to_date for line in result.lines) == result.actual_to_date
    assert sum(line.forecast_outturn for line in result.lines) == result.forecast_outturn


def test_run_rate_forecast_uses_the_last_three_complete_months(tmp_path: Path) -> None:
    result = report(tmp_path, date(2024, 4, 30))
    # February 0, March 40000, April 35050: 75050 / 3 = 25016.67 -> 25017 a month, one left.
    assert result.run_rate_monthly == 25017
    assert result.run_rate_forecast == 75050 + 25017


@settings(max_examples=25, deadline=None)
@given(st.randoms(use_true_random=False))
def test_totals_do_not_depend_on_row_order(tmp_path_factory, rng: random.Random) -> None:
    rows = list(ROWS)
    rng.shuffle(rows)
    root = tmp_path_factory.mktemp("shuffled")
    shuffled = report(root, date(2024, 5, 31), rows=rows)
    original = report(tmp_path_factory.mktemp("original"), date(2024, 5, 31))
    assert shuffled == original


def test_month_helpers_cross_the_year_end() -> None:
    assert Month(2024, 3).fy_period == "2023/24 P12"
    assert Month(2024, 4).fy_period == "2024/25 P01"
    assert Month(2024, 3).next() == Month(2024, 4)


VARIATION = """
    variations:
      - id: V1
        decision: D1
        reference: TEST/V/1
        approved: 2024-04-15
        reason: More delivery in May
        total_change: 200.00
        line_changes:
          - {line: delivery, amount_change: 200.00}
        tranches:
          - {id: T4, line: delivery, due: 2024-05-31, amount: 200.00}
"""


def test_a_variation_counts_from_the_day_it_was_approved(tmp_path: Path) -> None:
    transactions = "\n".join([TX_HEADER, *ROWS]) + "\n"
    root = make_workspace(
        tmp_path,
        contract=CONTRACT,
        transactions=transactions,
        extra={"ledger/contract.d/v1.yaml": VARIATION},
    )
    ledger = load_ledger(root)
    before = burndown(ledger, ReportOptions(date(2024, 4, 14)))
    after = burndown(ledger, ReportOptions(date(2024, 4, 15)))
    assert (before.budget_total, after.budget_total) == (100000, 120000)
    assert (before.forecast_outturn, after.forecast_outturn) == (95000, 115000)
    delivery = next(line for line in after.lines if line.id == "delivery")
    assert (delivery.original, delivery.budget) == (80000, 100000)


REPROFILING = """
    variations:
      - id: V2
        decision: D1
        reference: TEST/V/2
        approved: 2024-04-15
        reason: Delivery lowered by £100; the April payment moves to May
        line_changes:
          - {line: delivery, amount_change: -100.00}
          - {line: unallocated, amount_change: 100.00}
        tranche_changes:
          - {tranche: T2, amount_change: -100.00, new_due: 2024-05-31}
"""


def test_a_reprofiling_changes_the_planned_figures_from_its_approval(tmp_path: Path) -> None:
    transactions = "\n".join([TX_HEADER, *ROWS]) + "\n"
    root = make_workspace(
        tmp_path,
        contract=CONTRACT,
        transactions=transactions,
        extra={"ledger/contract.d/v2.yaml": REPROFILING},
    )
    ledger = load_ledger(root)
    before = burndown(ledger, ReportOptions(date(2024, 4, 14)))
    after = burndown(ledger, ReportOptions(date(2024, 4, 15)))
    assert [(p.month, p.planned, p.cumulative_planned) for p in before.periods] == [
        ("2024-02", 0, 0),
        ("2024-03", 40000, 40000),
        ("2024-04", 40000, 80000),
        ("2024-05", 15000, 95000),
    ]
    assert [(p.month, p.planned, p.cumulative_planned) for p in after.periods] == [
        ("2024-02", 0, 0),
        ("2024-03", 40000, 40000),
        ("2024-04", 0, 40000),
        ("2024-05", 45000, 85000),
    ]
    # The total is unchanged (the £100 is kept as unallocated); the forecast is lower.
    assert (before.budget_total, after.budget_total) == (100000, 100000)
    assert (before.planned_to_date, after.planned_to_date) == (40000, 40000)
    assert (before.forecast_outturn, after.forecast_outturn) == (95000, 85000)
    assert after.variance == -15000
    delivery = next(line for line in after.lines if line.id == "delivery")
    assert (delivery.original, delivery.budget, delivery.forecast_outturn) == (80000, 70000, 70000)
    # At the end of May the revised tranche is due: planned to date covers it.
    end = burndown(ledger, ReportOptions(date(2024, 5, 31)))
    assert (end.planned_to_date, end.actual_to_date) == (85000, 73025)


def test_a_report_before_the_first_approval_says_the_decision_is_not_yet_approved(
    tmp_path: Path,
) -> None:
    import json

    from helpers import CONTRACT, make_workspace, run_cli, swap

    contract = swap(
        CONTRACT, "start: 2023-07-01", "start: 2023-07-01\n        approved: 2023-08-16"
    )
    root = make_workspace(tmp_path, contract=contract)

    def burndown_at(day: str, *fmt: str) -> str:
        code, out, err = run_cli("-C", str(root), "burndown", "--as-of", day, *fmt)
        assert (code, err) == (0, "")
        return out

    before = json.loads(burndown_at("2023-08-15", "--format", "json"))
    assert before["not_yet_approved"] == [{"decision": "D1", "approved": "2023-08-16"}]
    assert before["budget_total"] == "1000.00"  # the plan is shown, marked
    note = (
        "Decision D1 is not yet approved on 2023-08-15 (approved 2023-08-16): "
        "the figures show its plan."
    )
    assert note in " ".join(burndown_at("2023-08-15").split())  # however the console wraps it
    after = json.loads(burndown_at("2023-08-16", "--format", "json"))
    assert after["not_yet_approved"] == []
    assert "not yet approved" not in burndown_at("2023-08-16")
