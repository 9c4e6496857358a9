"""``svdiversion check``: exact output on stdout and stderr, and exit codes 0, 1 and 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import TRANSACTIONS, CliResult, make_workspace, run_cli, swap

AS_OF = ["--as-of", "2025-03-31"]


def check(root: Path, *args: str) -> CliResult:
    return run_cli("-C", str(root), "check", *args)


def refund_and_email(root: Path) -> Path:
    """One error (a positive refund) and one warning (an email address in a description)."""
    transactions = swap(TRANSACTIONS, "TX-2,2023-09-30,payment", "TX-2,2023-09-30,refund")
    transactions = swap(transactions, "Evaluation report", "Report for jo@example.org")
    return make_workspace(root, transactions=transactions)


def email_only(root: Path) -> Path:
    transactions = swap(TRANSACTIONS, "Evaluation report", "Report for jo@example.org")
    return make_workspace(root, transactions=transactions)


def test_shipped_workspace_is_clean(shipped: Path) -> None:
    result = check(shipped, *AS_OF)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "",
        "0 errors, 0 warnings in 8 files\n",
    )


def test_shipped_workspace_is_clean_as_of_today(shipped: Path) -> None:
    result = check(shipped)
    assert (result.exit_code, result.stderr) == (0, "0 errors, 0 warnings in 8 files\n")


def test_default_workspace_is_the_current_folder(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shipped)
    result = run_cli("check", *AS_OF)
    assert (result.exit_code, result.stderr) == (0, "0 errors, 0 warnings in 8 files\n")


def test_text_output(tmp_path: Path) -> None:
    result = check(refund_and_email(tmp_path), *AS_OF)
    assert result.exit_code == 1
    assert result.stdout == (
        "ledger/transactions.csv:3:39: E401 a refund must be negative, got £200.00\n"
        "  3 | TX-2,2023-09-30,refund,delivery,south,200.00,INV-1,Provider,September delivery,T1\n"
        "    |                                       ^\n"
        "  hint: payments and accruals are positive; reversals and refunds negative; "
        "a zero amount is not a transaction\n"
        "ledger/transactions.csv:4:60: W403 description looks like it holds personal data "
        "('jo@example.org')\n"
        "  4 | TX-3,2024-03-31,accrual,evaluation,,150.00,EV-1,University,Report for "
        "jo@example.org,T3\n"
        "    |                                                            ^\n"
        "  hint: ledger text must not identify a person: remove it\n"
    )
    assert result.stderr == "1 error, 1 warning in 6 files\n"


def test_json_output(tmp_path: Path) -> None:
    result = check(refund_and_email(tmp_path), *AS_OF, "--format", "json")
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "ok": False,
        "problems": [
            {
                "path": "ledger/transactions.csv",
                "line": 3,
                "column": 39,
                "code": "E401",
                "severity": "error",
                "message": "a refund must be negative, got £200.00",
                "hint": "payments and accruals are positive; reversals and refunds negative; "
                "a zero amount is not a transaction",
            },
            {
                "path": "ledger/transactions.csv",
                "line": 4,
                "column": 60,
                "code": "W403",
                "severity": "warning",
                "message": "description looks like it holds personal data ('jo@example.org')",
                "hint": "ledger text must not identify a person: remove it",
            },
        ],
        "counts": {"error": 1, "warning": 1},
    }
    assert result.stderr == "1 error, 1 warning in 6 files\n"


def test_json_output_when_clean(tmp_path: Path) -> None:
    result = check(make_workspace(tmp_path), *AS_OF, "-f", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {
        "ok": True,
        "problems": [],
        "counts": {"error": 0, "warning": 0},
    }


def test_json_null_line_and_column_for_a_missing_file(tmp_path: Path) -> None:
    result = check(make_workspace(tmp_path, omit=("ledger/workshops.csv",)), "--format", "json")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["problems"] == [
        {
            "path": "ledger/workshops.csv",
            "line": None,
            "column": None,
            "code": "E001",
            "severity": "error",
            "message": "file not found",
            "hint": "create ledger/workshops.csv with its header row (see docs/ledger-format.md)",
        }
    ]


def test_warnings_pass_unless_strict(tmp_path: Path) -> None:
    root = email_only(tmp_path)
    relaxed = check(root, *AS_OF)
    strict = check(root, *AS_OF, "--strict")
    assert (relaxed.exit_code, relaxed.stderr) == (0, "0 errors, 1 warning in 6 files\n")
    assert (strict.exit_code, strict.stderr) == (1, "0 errors, 1 warning in 6 files\n")
    assert strict.stdout == relaxed.stdout
    assert relaxed.stdout.startswith("ledger/transactions.csv:4:60: W403 ")


def test_strict_json_is_not_ok_with_a_warning(tmp_path: Path) -> None:
    root = email_only(tmp_path)
    relaxed = json.loads(check(root, *AS_OF, "--format", "json").stdout)
    strict = json.loads(check(root, *AS_OF, "--format", "json", "--strict").stdout)
    assert (relaxed["ok"], strict["ok"]) == (True, False)
    assert strict["counts"] == {"error": 0, "warning": 1}


def test_as_of_moves_what_is_in_the_future(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    result = check(root, "--as-of", "2024-03-30")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "ledger/transactions.csv:4:6: E302 transaction dated 2024-03-31 is after the as-of "
        "date 2024-03-30"
    )


def test_not_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "ledger").mkdir()
    result = check(tmp_path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"svdiversion: error: {tmp_path} is not a workspace: it needs config/ and ledger/ "
        "folders\n"
        "  hint: run inside a workspace, pass -C DIR, or create one with "
        "'svdiversion init DIR'\n"
    )


def test_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    result = check(tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"svdiversion: error: {tmp_path / 'nowhere'} is not a ")


def test_missing_files_exit_2_and_name_each_file(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, omit=("config/areas.yaml", "ledger/workshops.csv"))
    result = check(root)
    assert result.exit_code == 2
    assert result.stdout == (
        "config/areas.yaml: E001 file not found\n"
        "  hint: create config/areas.yaml (see docs/ledger-format.md), or pass -C DIR to use "
        "another workspace\n"
        "ledger/workshops.csv: E001 file not found\n"
        "  hint: create ledger/workshops.csv with its header row (see docs/ledger-format.md)\n"
    )
    assert result.stderr == "2 errors, 0 warnings in 6 files\n"


def test_problems_in_several_files_are_sorted_by_file_and_line(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=swap(TRANSACTIONS, "TX-3,2024-03-31", "TX-3,31/03/2024"),
        areas="""
            areas:
              - {id: north, name: North, local_authority: N, valid_from: 2020-04-01}
              - {id: south, name: South, local_authority: S, valid_from: 2020-04-01,
                 population_10_17: lots}
        """,
        workshops="""
            session_id,date,area,kind,cyp_attendees,parent_attendees,professional_attendees
            WS-1,2023-10-10,north,steer_clear_group,5,4
        """,
    )
    result = check(root, *AS_OF)
    heads = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert heads == [
        "config/areas.yaml:4:24: E110 areas.1.population_10_17: must be a whole number, not 'lots'",
        "ledger/transactions.csv:4:6: E102 date: write dates as YYYY-MM-DD (got '31/03/2024')",
        "ledger/workshops.csv:2:1: E006 the row has 6 values but the header has 7",
    ]
    assert result.exit_code == 1
    assert result.stderr == "3 errors, 0 warnings in 6 files\n"


def test_a_bad_as_of_date_is_a_usage_error(tmp_path: Path) -> None:
    result = check(make_workspace(tmp_path), "--as-of", "31/03/2025")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "'31/03/2025' is not a date; write it as YYYY-MM-DD" in result.stderr


def test_check_never_writes(tmp_path: Path) -> None:
    root = refund_and_email(tmp_path)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}
    for args in ([], ["--format", "json"], ["--strict"]):
        check(root, *AS_OF, *args)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}
    assert after == before


@pytest.mark.slow  # a whole process
def test_installed_command_on_the_shipped_workspace(shipped: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "svdiversion", "-C", str(shipped), "check", *AS_OF],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "",
        "0 errors, 0 warnings in 8 files\n",
    )


def test_help_shows_an_example() -> None:
    result = run_cli("check", "--help")
    assert result.exit_code == 0
    assert "svdiversion check --as-of 2025-03-31 --format json" in result.stdout
