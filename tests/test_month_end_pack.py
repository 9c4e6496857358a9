"""The monthly pack holds the month's reconciliation; a window outside the contract is a
usage error. On a copy of the shipped workspace (contract July 2023 to March 2025)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers import run_cli


def test_the_pack_of_a_month_holds_its_reconciliation(shipped: Path) -> None:
    code, out, _ = run_cli("-C", str(shipped), "report", "--month", "2024-10", "-f", "json")

    assert code == 0
    document = json.loads(out)
    reconciliation = document["reconciliation"]
    assert (reconciliation["month"], reconciliation["reconciled"]) == ("2024-10", True)
    assert reconciliation["closed"] is None
    assert reconciliation["counts"]["matched"] == 2
    assert document["reconciliation_note"] is None


def test_the_markdown_pack_says_whether_the_month_is_closed(shipped: Path) -> None:
    assert run_cli("-C", str(shipped), "close", "--month", "2024-10", "--by", "A. T")[0] == 0

    code, out, _ = run_cli("-C", str(shipped), "report", "--month", "2024-10", "-f", "markdown")

    assert code == 0
    assert "## Payments in 2024-10" in out
    assert "2024-10 reconciled: 2 payments agree with the finance system" in out
    assert "2024-10 is closed (on " in out and (
        " by A. T; reconciled here with the exports it was closed with: "
        "payments-2023-24.csv, payments-2024-25.csv)." in out
    )
    assert "## Commentary for 2024-10" in out


def test_a_pack_without_the_month_in_the_export_says_why(shipped: Path) -> None:
    for export in (shipped / "ledger/finance").iterdir():
        export.unlink()

    code, out, _ = run_cli("-C", str(shipped), "report", "--month", "2024-10", "-f", "json")

    assert code == 0
    document = json.loads(out)
    assert document["reconciliation"] is None
    assert document["reconciliation_note"] == (
        "2024-10 not reconciled in this report: no finance export with payments in 2024-10"
    )


def test_a_pack_of_a_longer_window_has_no_reconciliation(shipped: Path) -> None:
    code, out, _ = run_cli("-C", str(shipped), "report", "--quarter", "2024/25-Q3", "-f", "json")

    assert code == 0
    assert json.loads(out)["reconciliation"] is None


@pytest.mark.parametrize("command", ["report", "vfm", "burndown", "areas", "outcomes"])
def test_a_report_window_outside_the_contract_is_a_usage_error(shipped: Path, command: str) -> None:
    code, out, err = run_cli("-C", str(shipped), command, "--month", "2025-06")

    assert (code, out) == (2, "")
    assert err == (
        "svdiversion: error: 2025-06 (2025/26 P03), 2025-06-01 to 2025-06-30, is outside the "
        "contract, which runs from 2023-07-01 to 2025-03-31\n"
        "  hint: give a --month, --period, --quarter or --fy within the contract\n"
    )
