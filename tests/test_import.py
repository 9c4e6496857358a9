"""``svdiversion import``: the finance export's payments of a month as draft ledger rows.

The shipped workspace's export holds every payment of October 2024: the provider's
invoice TCS-INV-202410 (£26,411.96, split by area in the ledger) and the evaluation's
UNI-PO-4471-2 (£15,000.00). The tests remove October's rows from a copy of the ledger
and import them back.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time
from pathlib import Path

import pytest

from helpers import CliResult, run_cli
from svdiversion.core.money import apportion
from svdiversion.finance.posting import next_ids

TRANSACTIONS = "ledger/transactions.csv"


def invoke(root: Path, *args: str) -> CliResult:
    return run_cli("-C", str(root), *args)


def without_october(root: Path) -> bytes:
    """Remove October 2024's rows from ``root``'s ledger; return the file as it now is."""
    path = root / TRANSACTIONS
    lines = path.read_bytes().splitlines(keepends=True)
    kept = b"".join(line for line in lines if b",2024-10-" not in line)
    path.write_bytes(kept)
    return kept


# ------------------------------------------------------------------------ done when


def test_import_without_apply_writes_nothing(shipped: Path) -> None:
    before = without_october(shipped)

    code, out, err = invoke(shipped, "import", "--month", "2024-10", "--format", "csv")

    assert code == 0
    assert out == (
        "id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche,source\n"
        "TX-00120,2024-10-11,payment,evaluation,,15000.00,UNI-PO-4471-2,"
        "Evaluation partner (illustrative),Evaluation interim report,,payments-2024-25.csv:52\n"
        "TX-00121,2024-10-29,payment,provider_grant,herefordshire,4659.52,TCS-INV-202410,"
        "The Children's Society,Steer Clear delivery October 2024,PG-2024-25-P07,"
        "payments-2024-25.csv:58\n"
        "TX-00122,2024-10-29,payment,provider_grant,north_worcestershire,5150.00,TCS-INV-202410,"
        "The Children's Society,Steer Clear delivery October 2024,PG-2024-25-P07,"
        "payments-2024-25.csv:58\n"
        "TX-00123,2024-10-29,payment,provider_grant,south_worcestershire,5150.00,TCS-INV-202410,"
        "The Children's Society,Steer Clear delivery October 2024,PG-2024-25-P07,"
        "payments-2024-25.csv:58\n"
        "TX-00124,2024-10-29,payment,provider_grant,shropshire,5395.24,TCS-INV-202410,"
        "The Children's Society,Steer Clear delivery October 2024,PG-2024-25-P07,"
        "payments-2024-25.csv:58\n"
        "TX-00125,2024-10-29,payment,provider_grant,telford_wrekin,6057.20,TCS-INV-202410,"
        "The Children's Society,Steer Clear delivery October 2024,PG-2024-25-P07,"
        "payments-2024-25.csv:58\n"
    )
    assert err == (
        "2024-10: 2 payments in the finance export, 0 already in the ledger; 2 payments to "
        "import as 6 rows\n"
        "next: svdiversion import --month 2024-10 --apply\n"
    )
    assert (shipped / TRANSACTIONS).read_bytes() == before


def test_apply_restores_a_ledger_that_checks_and_reconciles(shipped: Path) -> None:
    before = without_october(shipped)

    code, out, err = invoke(shipped, "import", "--month", "2024-10", "--apply")

    assert code == 0, err
    assert err.splitlines()[1:] == [
        "appended 6 rows to ledger/transactions.csv (TX-00120..TX-00125)",
        "check: 0 errors, 0 warnings",
        "next: svdiversion reconcile --month 2024-10",
    ]
    after = (shipped / TRANSACTIONS).read_bytes()
    assert after.startswith(before), "the existing bytes stay as they are"
    assert invoke(shipped, "check")[0] == 0
    code, out, _ = invoke(shipped, "reconcile", "--month", "2024-10", "--format", "json")
    assert code == 0
    assert json.loads(out)["counts"]["matched"] == 2


def test_a_second_apply_changes_nothing(shipped: Path) -> None:
    without_october(shipped)
    assert invoke(shipped, "import", "--month", "2024-10", "--apply")[0] == 0
    once = (shipped / TRANSACTIONS).read_bytes()

    code, out, err = invoke(shipped, "import", "--month", "2024-10", "--apply")

    assert (code, out) == (0, "")
    assert err == (
        "2024-10: 2 payments in the finance export, 2 already in the ledger; nothing to import\n"
    )
    assert (shipped / TRANSACTIONS).read_bytes() == once


def test_the_shipped_ledger_has_every_payment_already(shipped: Path) -> None:
    before = (shipped / TRANSACTIONS).read_bytes()

    code, _, err = invoke(shipped, "import", "--month", "2024-11", "--apply")

    assert code == 0
    assert err.endswith("nothing to import\n")
    assert (shipped / TRANSACTIONS).read_bytes() == before


# -------------------------------------------------------------------------- refusals


def test_a_closed_month_is_refused(shipped: Path) -> None:
    assert invoke(shipped, "close", "--month", "2024-10", "--by", "A")[0] == 0
    before = (shipped / TRANSACTIONS).read_bytes()

    code, _, err = invoke(shipped, "import", "--month", "2024-10", "--apply")

    assert code == 1
    assert err.splitlines()[1] == (
        "  hint: to add rows to it, reopen it first: svdiversion reopen --month 2024-10 "
        "--reason TEXT"
    )
    assert (shipped / TRANSACTIONS).read_bytes() == before


@pytest.mark.parametrize("command", ["import", "reconcile", "close", "reopen"])
def test_a_month_outside_the_contract_is_a_usage_error(shipped: Path, command: str) -> None:
    extra = {"close": ["--by", "A"], "reopen": ["--by", "A", "--reason", "x"]}.get(command, [])

    code, _, err = invoke(shipped, command, "--month", "2025-06", *extra)

    assert code == 2
    assert err.splitlines()[0] == (
        "svdiversion: error: 2025-06 is outside the contract, which runs from 2023-07 to 2025-03"
    )
    assert not (shipped / "ledger/closes.yaml").exists()


def test_a_payment_no_rule_places_is_a_located_problem(shipped: Path) -> None:
    without_october(shipped)
    mapping = shipped / "config/finance-import.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.replace("prefix: UNI-PO-", "prefix: NOT-A-PO-"), encoding="utf-8")
    before = (shipped / TRANSACTIONS).read_bytes()

    code, _, err = invoke(shipped, "import", "--month", "2024-10", "--apply")

    assert code == 1
    assert "ledger/finance/payments-2024-25.csv:52:1: E609 no import rule places " in err
    assert "  hint: add a rule under import: rules: in config/finance-import.yaml" in err
    assert err.endswith("some payments cannot be imported; nothing was written (1 problem)\n")
    assert (shipped / TRANSACTIONS).read_bytes() == before


def test_a_rule_naming_an_unknown_line_is_located_in_the_mapping(shipped: Path) -> None:
    mapping = shipped / "config/finance-import.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.replace("budget_line: evaluation", "budget_line: evalu"), "utf-8")

    code, _, err = invoke(shipped, "import", "--month", "2024-10")

    assert code == 1
    assert "config/finance-import.yaml:" in err and "E201 unknown budget line 'evalu'" in err


def test_a_fresh_workspace_without_an_export_says_so(tmp_path: Path) -> None:
    root = tmp_path / "new"
    code, _, _ = run_cli(
        "init", str(root), "--service", "New", "--decision", "NEW/1", "--total", "1200",
        "--start", "2024-04-01", "--end", "2025-03-31",
    )  # fmt: skip
    assert code == 0

    code, out, err = invoke(root, "import", "--month", "2024-05", "--apply")

    assert (code, out) == (0, "")
    assert err.startswith("no finance export yet: ledger/finance/*.csv matches no file")


# ---------------------------------------------------------------------- hostile input


def test_hostile_text_in_the_export_is_written_as_plain_values(shipped: Path) -> None:
    without_october(shipped)
    export = shipped / "ledger/finance/payments-2024-25.csv"
    data = export.read_bytes().replace(
        b"Steer Clear delivery October 2024", b'"Steer Clear, ""October""\x07 =2024"'
    )
    export.write_bytes(data)

    code, _, err = invoke(shipped, "import", "--month", "2024-10", "--apply")

    assert code == 0, err
    tail = (shipped / TRANSACTIONS).read_text(encoding="utf-8").splitlines()[-1]
    assert tail.endswith(',"Steer Clear, ""October"" =2024",PG-2024-25-P07')
    assert invoke(shipped, "check")[0] == 0


def test_a_file_without_a_final_newline_keeps_its_bytes(shipped: Path) -> None:
    path = shipped / TRANSACTIONS
    before = without_october(shipped).rstrip(b"\n")
    path.write_bytes(before)

    assert invoke(shipped, "import", "--month", "2024-10", "--apply")[0] == 0

    after = path.read_bytes()
    assert after.startswith(before + b"\nTX-00120,2024-10-11,")


def _import_in_child(root: str) -> None:
    import contextlib
    import sys

    from svdiversion.__main__ import main

    sys.argv = ["svdiversion", "-C", root, "--quiet", "import", "--month", "2024-10", "--apply"]
    with contextlib.suppress(SystemExit):
        main()


@pytest.mark.slow
def test_two_imports_at_once_add_the_rows_once(shipped: Path) -> None:
    without_october(shipped)
    context = multiprocessing.get_context("spawn")
    runs = [context.Process(target=_import_in_child, args=(str(shipped),)) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(60)

    text = (shipped / TRANSACTIONS).read_text(encoding="utf-8")
    assert text.count("TCS-INV-202410") == 5
    assert text.count("UNI-PO-4471-2") == 1


@pytest.mark.slow
def test_a_killed_import_leaves_the_ledger_as_it_was(shipped: Path) -> None:
    before = without_october(shipped)
    context = multiprocessing.get_context("spawn")
    run = context.Process(target=_import_in_child, args=(str(shipped),))
    run.start()
    time.sleep(0.3)
    if run.pid is not None and run.is_alive():
        os.kill(run.pid, signal.SIGKILL)
    run.join(60)

    after = (shipped / TRANSACTIONS).read_bytes()
    assert after == before or invoke(shipped, "check")[0] == 0
    assert not list((shipped / "ledger").glob(".transactions.csv.*.tmp")) or after == before


# ------------------------------------------------------------------------------ pieces


def test_largest_remainder_sums_exactly() -> None:
    assert apportion(100, {"a": 1, "b": 1, "c": 1}) == {"a": 34, "b": 33, "c": 33}
    assert apportion(-100, {"a": 1, "b": 1, "c": 1}) == {"a": -34, "b": -33, "c": -33}
    assert sum(apportion(2641196, {"h": 95000, "t": 123496}).values()) == 2641196


def test_ids_continue_the_sequence() -> None:
    assert next_ids(["TX-00118", "TX-00119", "TX-00001"], 2) == ["TX-00120", "TX-00121"]
    assert next_ids(["TX-1", "TX-2"], 1) == ["TX-3"]
    assert next_ids([], 1) == ["TX-00001"]


def test_a_rule_with_an_area_places_the_payment_there_unsplit(shipped: Path) -> None:
    without_october(shipped)
    mapping = shipped / "config/finance-import.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace(
            "      budget_line: evaluation\n",
            "      budget_line: evaluation\n      area: herefordshire\n",
        ),
        encoding="utf-8",
    )

    code, out, _ = invoke(shipped, "import", "--month", "2024-10", "--format", "csv")

    assert code == 0
    assert out.splitlines()[1].startswith(
        "TX-00120,2024-10-11,payment,evaluation,herefordshire,15000.00,UNI-PO-4471-2,"
    )


def test_a_rule_with_an_area_not_valid_then_is_e202(shipped: Path) -> None:
    without_october(shipped)
    mapping = shipped / "config/finance-import.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace(
            "      budget_line: evaluation\n",
            "      budget_line: evaluation\n      area: atlantis\n",
        ),
        encoding="utf-8",
    )

    code, _, err = invoke(shipped, "import", "--month", "2024-10")

    assert code == 1
    assert err.splitlines()[0] == (
        "ledger/finance/payments-2024-25.csv:52:1: E202 the import rule's area 'atlantis' is "
        "not an area of config/areas.yaml"
    )


def test_a_rule_can_say_its_negative_amounts_are_reversals_not_refunds(shipped: Path) -> None:
    """A voided payment taken back out is a reversal; money coming back is a refund. The
    finance export shows both as a negative amount, so the rule that places it says which."""
    without_october(shipped)
    export = shipped / "ledger/finance/payments-2024-25.csv"
    lines = export.read_bytes().splitlines(keepends=True)
    void = (
        b"14/10/2024,BACS241014-009,S103317,EVALUATION PARTNER (ILLUSTRATIVE),UNI-PO-4471-2V,"
        b'VOID: interim report paid twice,PF4410,5320,"(\xa31,000.00)"\r\n'
    )
    export.write_bytes(b"".join([*lines[:52], void, *lines[52:]]))
    mapping = shipped / "config/finance-import.yaml"
    text = mapping.read_text(encoding="utf-8")
    code, out, err = invoke(shipped, "import", "--month", "2024-10", "--format", "csv")
    assert code == 0, err
    assert ",2024-10-14,refund,evaluation,,-1000.00,UNI-PO-4471-2V," in out
    mapping.write_text(
        text.replace(
            "      budget_line: evaluation\n",
            "      budget_line: evaluation\n      kind: reversal\n",
        ),
        encoding="utf-8",
    )
    code, out, err = invoke(shipped, "import", "--month", "2024-10", "--format", "csv")
    assert code == 0, err
    assert ",2024-10-14,reversal,evaluation,,-1000.00,UNI-PO-4471-2V," in out
    assert ",2024-10-11,payment,evaluation,,15000.00,UNI-PO-4471-2," in out
