"""``svdiversion suppliers``: spend by counterparty and month, a registered report.

What a treasurer relies on: every supplier's months add up to what the burn-down counts,
in every window and every format; and the report is one module and one registration
(the runner gives it its command, options and formats).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import pytest

from helpers import AS_OF, load_ledger, run_cli
from svdiversion.core.fiscal import parse_fy, parse_month, parse_quarter
from svdiversion.reports.burndown import burndown
from svdiversion.reports.options import ReportOptions
from svdiversion.reports.registry import REPORTS, report_kind
from svdiversion.reports.suppliers import suppliers_report

REPO = Path(__file__).resolve().parent.parent

WINDOWS = {
    "contract": None,
    "2024/25": parse_fy("2024/25"),
    "2024/25 Q2": parse_quarter("2024/25-Q2"),
    "2024-10": parse_month("2024-10"),
}


@pytest.mark.parametrize("name", list(WINDOWS))
def test_each_month_and_the_total_are_the_burn_downs_actuals(name: str) -> None:
    ledger = load_ledger(REPO)
    window = WINDOWS[name]
    options = ReportOptions(as_of=AS_OF, window=window)
    report = suppliers_report(ledger, options)
    actual = {
        str(p.month): p.actual
        for p in burndown(ledger, options).periods
        if p.actual is not None and (window is None or p.month >= str(report.months[0]))
    }
    assert {str(m): t for m, t in zip(report.months, report.month_totals, strict=True)} == {
        str(m): actual.get(str(m), 0) for m in report.months
    }
    assert report.total == sum(row.total for row in report.rows) == sum(report.month_totals)


def test_the_shipped_contract_by_supplier() -> None:
    report = suppliers_report(load_ledger(REPO), ReportOptions(as_of=date(2025, 3, 31)))
    assert [
        (r.counterparty, r.total, str(r.share), r.rows, r.budget_lines) for r in report.rows
    ] == [
        ("The Children's Society", 50932143, "0.9106", 116, ("provider_grant",)),
        ("Evaluation partner (illustrative)", 5000000, "0.0894", 3, ("evaluation",)),
    ]
    assert [str(m) for m in report.months][:2] == ["2023-07", "2023-08"]
    assert len(report.months) == 21


def test_rows_after_the_as_of_date_are_not_counted() -> None:
    ledger = load_ledger(REPO)
    before = suppliers_report(ledger, ReportOptions(as_of=date(2024, 9, 15)))
    assert str(before.months[-1]) == "2024-09"
    assert before.month_totals[-1] == 0  # September's payment is dated the 27th


def test_csv_json_and_markdown_are_made_from_the_same_table(shipped: Path) -> None:
    args = ("-C", str(shipped), "suppliers", "--quarter", "2024/25-Q2")
    code, out, err = run_cli(*args, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    code, out, err = run_cli(*args, "--format", "json")
    assert code == 0, err
    document = json.loads(out)
    assert (document["report"], document["as_of"], document["disclosure"]) == (
        "suppliers",
        "2024-09-30",
        None,
    )
    table = document["tables"]["suppliers"]
    assert [*table["rows"], table["total"]] == [
        {key: (int(value) if key == "rows" else value) for key, value in row.items()}
        for row in rows
    ]
    assert table["total"]["total"] == "75363.83"
    code, out, _ = run_cli(*args, "--format", "markdown")
    assert out.startswith("# Spend by supplier\n")
    assert "| The Children's Society | £25,847.82 | £24,719.54 | £24,796.47 | £75,363.83 |" in out


def test_a_report_about_money_alone_takes_no_disclosure_option(shipped: Path) -> None:
    code, _, err = run_cli("-C", str(shipped), "suppliers", "--disclosure", "published")
    assert code == 2
    assert "No such option: --disclosure" in err


def test_a_ledger_with_errors_gives_no_report(shipped: Path) -> None:
    file = shipped / "ledger" / "transactions.csv"
    file.write_text(file.read_text(encoding="utf-8").replace(",2488.09,", ",2,488.09,", 1))
    code, out, err = run_cli("-C", str(shipped), "suppliers")
    assert (code, out) == (1, "")
    assert "no report made" in err


def test_every_registered_report_is_a_command_with_its_help() -> None:
    assert [kind.name for kind in REPORTS] == ["burndown", "areas", "outcomes", "vfm", "suppliers"]
    for kind in REPORTS:
        code, out, _ = run_cli(kind.name, "--help")
        assert code == 0
        assert kind.summary in " ".join(out.split())
    with pytest.raises(KeyError, match="there are burndown, areas, outcomes, vfm, suppliers"):
        report_kind("nothing")


@pytest.mark.parametrize("name", ["month", "out", "Apportion", "by-area", "2nd", ""])
def test_a_flag_cannot_take_a_shared_option_or_a_name_that_is_not_one(name: str) -> None:
    from svdiversion.reports.kind import Flag

    with pytest.raises(ValueError, match="a report's flag is a lower-case name"):
        Flag(name, "help")
    assert Flag("by_area", "help").option == "--by-area"


def test_the_names_a_flag_cannot_take_are_the_runners_own_options() -> None:
    """``kind.SHARED_OPTIONS`` restates the options ``cli.registered`` can give a report
    command (``--by`` to a report per period, ``--disclosure`` to one about children):
    the two lists must not drift."""
    from dataclasses import replace

    from svdiversion.cli.registered import _parameters
    from svdiversion.reports.kind import SHARED_OPTIONS

    for kind in REPORTS:
        plain = replace(kind, flags=(), publish=kind.publish or (lambda *_: None), by_period=True)
        assert {p.name for p in _parameters(plain)} == SHARED_OPTIONS
