"""The workbook opened by LibreOffice: every formula recalculated, every tab saved as CSV,
and the recalculated totals compared with the CLI's JSON to the penny.

LibreOffice (``soffice``, Debian package ``libreoffice-calc-nogui``) is started once for
the module, with a private profile and a time limit, and converts both workbooks in one
go. Without it the tests are skipped, saying so.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from helpers import run_cli

REPO = Path(__file__).resolve().parent.parent
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
# CSV of every sheet (the last token, -1; LibreOffice 7.2 and later), comma-separated,
# UTF-8 (76), formulas saved as their results.
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
HYPERLINK = '=HYPERLINK("https://example.invalid/x","Click here")'
TABS = [
    "Cover", "Summary", "Burn-down", "Areas", "Trends", "Outcomes", "Value for money",
    "Transactions",
]  # fmt: skip

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="LibreOffice is not installed (soffice not on PATH); CI installs "
        "libreoffice-calc-nogui to run these",
    ),
]


def run(*args: str) -> str:
    code, out, err = run_cli(*args)
    assert code == 0, err
    return out


def cli_json(root: Path, *args: str) -> Any:
    return json.loads(run("-C", str(root), *args, "--format", "json"))


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(workspace, folder of CSVs): ``contract-<tab>.csv`` (published, as of 2025-03-31)
    and ``september-<tab>.csv`` (internal, September 2024)."""
    base = tmp_path_factory.mktemp("libreoffice")
    root = base / "ws"
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / "ledger", root / "ledger")
    transactions = root / "ledger/transactions.csv"
    text = transactions.read_text(encoding="utf-8")
    quoted = '"' + HYPERLINK.replace('"', '""') + '"'
    transactions.write_text(
        text.replace(",Steer Clear delivery July 2023,", f",{quoted},", 1), encoding="utf-8"
    )
    books = base / "books"
    books.mkdir()
    for name, args in {
        "contract": ["--as-of", "2025-03-31"],
        "september": ["--month", "2024-09", "--disclosure", "internal"],
    }.items():
        run("-C", str(root), "export", "xlsx", *args, "--out", str(books / f"{name}.xlsx"))
    out = base / "csv"
    assert SOFFICE is not None
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(base / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            CSV_FILTER,
            "--outdir",
            str(out),
            str(books / "contract.xlsx"),
            str(books / "september.xlsx"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return root, out


def sheet(converted: tuple[Path, Path], book: str, tab: str) -> list[list[str]]:
    path = converted[1] / f"{book}-{tab}.csv"
    assert path.exists(), f"LibreOffice wrote no {path.name}: is it older than 7.2?"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def table(rows: list[list[str]], title: str) -> dict[str, dict[str, str]]:
    """First cell of each row -> {column title: text} for the table titled ``title``."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == title)
    titles = [t for t in rows[start + 1] if t]
    found = {}
    for row in rows[start + 2 :]:
        if not any(row):
            break
        found[row[0]] = dict(zip(titles, row, strict=False))
    return found


def money(text: str) -> Decimal:
    return Decimal(text).quantize(Decimal("0.01"))


def test_every_tab_is_converted(converted: tuple[Path, Path]) -> None:
    names = sorted(p.name for p in converted[1].iterdir())
    assert names == sorted(
        [f"contract-{t}.csv" for t in TABS]
        + [f"september-{t}.csv" for t in [*TABS, "Episodes", "Reconciliation"]]
    )


def test_recalculated_budget_line_totals_equal_burndown_json(
    converted: tuple[Path, Path],
) -> None:
    report = cli_json(converted[0], "burndown", "--as-of", "2025-03-31")
    total = table(sheet(converted, "contract", "Summary"), "By budget line")["Total"]
    assert {
        key: money(total[title])
        for title, key in [
            ("Budget", "budget_total"),
            ("Planned to date", "planned_to_date"),
            ("Actual to date", "actual_to_date"),
            ("Remaining", "remaining"),
            ("Forecast outturn", "forecast_outturn"),
            ("Variance", "variance"),
        ]
    } == {
        key: Decimal(report[key])
        for key in (
            "budget_total",
            "planned_to_date",
            "actual_to_date",
            "remaining",
            "forecast_outturn",
            "variance",
        )
    }
    assert money(total["Budget"]) == Decimal("600000.00")


def test_recalculated_burndown_total_equals_burndown_json(converted: tuple[Path, Path]) -> None:
    report = cli_json(converted[0], "burndown", "--as-of", "2025-03-31")
    found = table(sheet(converted, "contract", "Burn-down"), "Burn-down by month")
    assert money(found["Total"]["Planned"]) == Decimal(report["periods"][-1]["cumulative_planned"])
    assert money(found["Total"]["Actual"]) == Decimal(report["actual_to_date"])
    assert money(found["2024-09"]["Cum. actual"]) == Decimal("368228.23")


def test_recalculated_area_totals_equal_areas_json(converted: tuple[Path, Path]) -> None:
    report = cli_json(converted[0], "areas", "--as-of", "2025-03-31", "--disclosure", "published")
    total = table(sheet(converted, "contract", "Areas"), "Areas as of 2025-03-31")["Total"]
    for title, key in [
        ("Allocated", "allocated"),
        ("Actual", "actual"),
        ("Remaining", "remaining"),
    ]:
        assert money(total[title]) == Decimal(report["total"][key]), title
    assert int(total["Referrals"]) == report["total"]["referrals"]


def test_recalculated_transactions_total_equals_actual_to_date(
    converted: tuple[Path, Path],
) -> None:
    report = cli_json(converted[0], "burndown", "--as-of", "2025-03-31")
    found = table(sheet(converted, "contract", "Transactions"), "Transactions to 2025-03-31")
    assert money(found["Total"]["amount"]) == Decimal(report["actual_to_date"])


def test_internal_month_totals(converted: tuple[Path, Path]) -> None:
    report = cli_json(converted[0], "outcomes", "--month", "2024-09", "--disclosure", "internal")
    found = table(sheet(converted, "september", "Outcomes"), "Referrals and engagement by area")
    assert int(found["Total"]["Referrals"]) == report["totals"]["referrals"] == 32
    spend = table(
        sheet(converted, "september", "Reconciliation"),
        "Spend against profile: 2024-09 and 2024/25 to date",
    )
    assert money(spend["Total"]["Actual"]) == Decimal("24796.47")
    assert money(spend["Total"]["Profile"]) == Decimal("40642.68")


def test_formula_text_from_the_ledger_stays_text(converted: tuple[Path, Path]) -> None:
    found = table(sheet(converted, "contract", "Transactions"), "Transactions to 2025-03-31")
    assert found["TX-00001"]["description"] == HYPERLINK
    assert "Click here" not in {row["description"] for row in found.values()}
