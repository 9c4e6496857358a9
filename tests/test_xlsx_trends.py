"""The workbook looks ahead and across: its burn-down runs to the contract end (March
2025) with the three forecasts, and its Trends tab charts the main series with their
limits, as native line charts drawing the cells above them."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from helpers import run_cli


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """The return of September 2024 (published), its burn-down and trends as JSON."""
    from conftest import REPO

    out = tmp_path_factory.mktemp("xlsx") / "september.xlsx"
    args = ("-C", str(REPO))
    code, _, err = run_cli(*args, "export", "xlsx", "--month", "2024-09", "-o", str(out))
    assert code == 0, err
    _, burndown, _ = run_cli(*args, "burndown", "--as-of", "2024-09-30", "-f", "json")
    _, trends, _ = run_cli(*args, "trends", "--as-of", "2024-09-30", "-f", "json")
    return load_workbook(out), json.loads(burndown), json.loads(trends)


def pence(value: float | None) -> int | None:
    return None if value is None else round(Decimal(str(value)) * 100)


def rows_of(ws: Any, title: str) -> tuple[int, list[list[Any]]]:
    """The header row number of the table titled ``title``, and its rows of values."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == title)
    header = start + 1
    rows = []
    row = header + 1
    while ws.cell(row, 1).value not in (None, "Total") and not ws.cell(row, 1).font.i:
        rows.append([c.value for c in ws[row]])
        row += 1
    return header, rows


@pytest.mark.slow
def test_the_burndown_runs_to_the_contract_end_with_the_forecasts(made: Any) -> None:
    book, burndown, _ = made
    ws = book["Burn-down"]
    header, rows = rows_of(ws, "Cumulative spend to March 2025, with forecasts")
    titles = [c.value for c in ws[header] if c.value]
    assert titles == [
        "Month", "Cum. planned", "Cum. actual", "Forecast on profile", "Forecast at run rate",
        "Treasurer's forecast", "Budget ceiling",
    ]  # fmt: skip
    assert (rows[0][0], rows[-1][0], len(rows)) == ("2023-07", "2025-03", 21)
    september = next(r for r in rows if r[0] == "2024-09")
    assert pence(september[2]) == pence(float(burndown["actual_to_date"]))
    last = rows[-1]
    assert [pence(v) for v in last[3:6]] == [
        pence(float(burndown[k]))
        for k in ("forecast_outturn", "run_rate_forecast", "treasurer_forecast")
    ]
    assert rows[-1][2] is None  # no actual after the as-of date

    _, ahead = ws._charts
    assert ahead.title.tx.rich.p[0].r[0].t == "Cumulative spend to March 2025, with forecasts"
    refs = [s.val.numRef.f for s in ahead.series]
    assert len(refs) == 6 and all(f.endswith(f"${header + 21}") for f in refs)
    assert {s.cat.strRef.f for s in ahead.series} == {
        f"'Burn-down'!$A${header + 1}:$A${header + 21}"
    }


@pytest.mark.slow
def test_the_trends_tab_charts_each_main_series_with_its_limits(made: Any) -> None:
    book, _, trends = made
    ws = book["Trends"]
    main = [s for s in trends["series"] if s["id"] == "referrals" or s["unit"] == "rate"]
    assert len(ws._charts) == len(main) == 6
    for chart, series in zip(ws._charts, main, strict=True):
        assert type(chart).__name__ == "LineChart"
        assert chart.title.tx.rich.p[0].r[0].t == series["name"]
        _, rows = rows_of(ws, series["name"])
        assert [r[0] for r in rows] == [p["label"] for p in series["points"]]
        names = [ws[s.tx.strRef.f.split("!")[1]].value for s in chart.series]
        expected = ["Value"] + (
            ["Centre", "Lower limit", "Upper limit"] if series["centre"] else []
        )
        assert names == expected + (["Target"] if series["target"] else [])
    total = next(s for s in trends["series"] if s["id"] == "referrals")
    _, rows = rows_of(ws, "All referrals")
    values = [r[1] for r in rows]
    assert values == [p["value"] if isinstance(p["value"], int) else None for p in total["points"]]
    assert {str(Decimal(str(r[3])).quantize(Decimal("0.01"))) for r in rows} == {total["lower"]}
