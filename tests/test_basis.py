"""Every figure states its basis, on the shipped ledger: value for money for a window
against the contract to date, a window outside the contract refused, and the areas
compared like for like (money not tied to an area against its own budget)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from helpers import run_cli


def cli_json(root: Path, *args: str) -> Any:
    code, out, err = run_cli("-C", str(root), *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def by_basis(report: dict[str, Any], basis: str) -> dict[str, dict[str, Any]]:
    return {r["per"]: r for r in report["unit_costs"] if r["basis"] == basis}


@pytest.mark.slow  # published reports of a quarter
def test_a_quarter_spends_the_quarter_and_the_contract_to_date_separately(shipped: Path) -> None:
    report = cli_json(shipped, "vfm", "--quarter", "2024/25-Q2")
    burndown = cli_json(shipped, "burndown", "--quarter", "2024/25-Q2")
    quarter = sum(Decimal(p["actual"]) for p in burndown["periods"])
    assert quarter == Decimal("75363.83")
    assert (report["window"], report["spend_in_window"]) == ("2024/25 Q2", "75363.83")
    window, cumulative = by_basis(report, "window"), by_basis(report, "cumulative")
    assert (
        list(window)
        == list(cumulative)
        == [
            "referral",
            "engaged child",
            "completed episode",
            "completed episode, without evaluation spend",
            "positive outcome",
        ]
    )
    assert {r["spend"] for r in window.values()} == {"75363.83"}  # no evaluation spend in Q2
    without = "completed episode, without evaluation spend"
    assert {r["spend"] for p, r in cumulative.items() if p != without} == {"368228.23"}
    # The inception milestone of the evaluation (£10,000) is left out of delivery spend.
    assert (cumulative[without]["spend"], cumulative[without]["cost_each"]) == (
        "358228.23",
        "3115.03",
    )
    # Published: each cost is the spend over the published (rounded) count.
    for row in [*window.values(), *cumulative.values()]:
        if row["count"] == "[c]":  # a hidden count: no cost each
            assert row["cost_each"] is None
            continue
        expected = (Decimal(row["spend"]) / row["count"]).quantize(Decimal("0.01"))
        assert Decimal(row["cost_each"]) == expected
    # Completed in the window: episodes that ended completed in the quarter, as the
    # outcomes report's quarter row shows (not those referred in it).
    outcomes = cli_json(shipped, "outcomes", "--quarter", "2024/25-Q2")
    [q2] = outcomes["quarters"]
    assert window["completed episode"]["count"] == q2["completed"] == 45
    assert window["engaged child"]["count"] == q2["engaged"]
    assert window["referral"]["count"] == outcomes["totals"]["referrals"]
    assert window["completed episode"]["cost_each"] == "1674.75"
    # Positive outcomes respect the window; the cumulative basis equals the contract view.
    whole = cli_json(shipped, "vfm", "--as-of", "2024-09-30")
    assert by_basis(whole, "window") == {}
    assert by_basis(whole, "cumulative") == cumulative
    # Published, a window's positive outcomes are the sum of its published measures, hidden
    # where one is (entered the criminal justice system: 0 to 4 in the quarter).
    assert window["positive outcome"]["count"] == "[c]"
    internal = by_basis(
        cli_json(shipped, "vfm", "--quarter", "2024/25-Q2", "--disclosure", "internal"), "window"
    )
    assert 0 < internal["positive outcome"]["count"] < cumulative["positive outcome"]["count"]


def test_internal_window_counts_are_the_exact_events_of_the_window(shipped: Path) -> None:
    report = cli_json(shipped, "vfm", "--month", "2024-09", "--disclosure", "internal")
    outcomes = cli_json(shipped, "outcomes", "--month", "2024-09", "--disclosure", "internal")
    window = by_basis(report, "window")
    [month] = outcomes["quarters"]
    assert window["engaged child"]["count"] == month["engaged"]
    assert window["completed episode"]["count"] == month["completed"]
    burndown = cli_json(shipped, "burndown", "--month", "2024-09")
    [september] = burndown["periods"]
    assert window["referral"]["spend"] == september["actual"] == "24796.47"


@pytest.mark.parametrize(
    ("args", "span"),
    [
        (["vfm", "--quarter", "2026/27-Q2"], "2026/27 Q2, 2026-07-01 to 2026-09-30,"),
        (["burndown", "--fy", "2022/23"], "2022/23, 2022-04-01 to 2023-03-31,"),
        (["areas", "--month", "2023-06"], "2023-06 (2023/24 P03), 2023-06-01 to 2023-06-30,"),
        (["report", "--period", "2025/26-P01"], "2025/26 P01 (2025-04), 2025-04-01 to 2025-04-30,"),
    ],
)
def test_a_window_outside_the_contract_is_refused_naming_the_span(
    shipped: Path, args: list[str], span: str
) -> None:
    code, out, err = run_cli("-C", str(shipped), *args)
    assert (code, out) == (2, "")
    assert err == (
        f"svdiversion: error: {span} is outside the contract, which runs from 2023-07-01 "
        "to 2025-03-31\n  hint: give a --month, --period, --quarter or --fy within the contract\n"
    )


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_an_export_outside_the_contract_writes_nothing(
    shipped: Path, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / ("return.xlsx" if kind == "xlsx" else "return")
    code, _, err = run_cli(
        "-C", str(shipped), "export", kind, "--quarter", "2025/26-Q1", "--out", str(out)
    )
    assert code == 2
    assert "2025/26 Q1, 2025-04-01 to 2025-06-30, is outside the contract" in err
    assert not out.exists()


def test_a_window_overlapping_the_contract_is_reported(shipped: Path) -> None:
    """2023/24 starts before the contract but overlaps it: the months in it are reported."""
    report = cli_json(shipped, "vfm", "--fy", "2023/24")
    assert report["window"] == "2023/24"
    assert by_basis(report, "window")["referral"]["spend"] == report["spend_in_window"]


@pytest.mark.slow  # published reports of a quarter
def test_the_q4_areas_total_is_like_for_like_and_shows_no_overspend(
    shipped: Path, tmp_path: Path
) -> None:
    report = cli_json(shipped, "areas", "--quarter", "2024/25-Q4")
    others = [
        (a["budget_line"], a["allocated"], a["actual"], a["remaining"])
        for a in report["areas"]
        if a["id"] is None
    ]
    assert others == [
        ("evaluation", "50000.00", "50000.00", "0.00"),
        ("unallocated", "11503.68", "0.00", "11503.68"),
    ]
    areas = [a for a in report["areas"] if a["id"] is not None]
    allocated = sum(Decimal(a["allocated"]) for a in areas)
    spent = sum(Decimal(a["actual"]) for a in areas)
    assert (allocated, spent) == (Decimal("538496.32"), Decimal("509321.43"))
    total = report["total"]
    assert (total["allocated"], total["actual"], total["remaining"], total["utilisation"]) == (
        "600000.00",
        "559321.43",
        "40678.57",
        "0.9322",
    )
    burndown = cli_json(shipped, "burndown", "--quarter", "2024/25-Q4")
    assert total["actual"] == burndown["actual_to_date"]
    assert total["allocated"] == burndown["budget_total"]

    out = tmp_path / "q4.xlsx"
    code, _, err = run_cli(
        "-C", str(shipped), "export", "xlsx", "--quarter", "2024/25-Q4", "--out", str(out)
    )
    assert code == 0, err
    sheet = load_workbook(out)["Areas"]
    names = [c.value for c in sheet["A"]]
    first, last = names.index("Herefordshire") + 1, names.index("Total") + 1
    remaining = [sheet.cell(r, 4).value for r in range(first, last)]
    assert sheet.cell(last, 4).value == f"=SUM(D{first}:D{last - 1})"
    # What the formula gives: an underspend, as the burn-down says.
    assert sum(Decimal(str(v)) for v in remaining) == Decimal("40678.57")
    assert min(remaining) >= 0
