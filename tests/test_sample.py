"""The shipped sample is what ``scripts/make_sample.py`` makes, and it checks and reconciles.

The script is run, as ``make sample`` runs it, into a folder holding only the workspace's
``config/`` and ``ledger/contract.yaml``; every CSV file it writes must equal, byte for byte,
the one the repository ships: the ledger's three tables and the finance system's payments
listings in ``ledger/finance/``. A change to the sample is made by changing the script and
running ``make sample``, never by editing the files by hand.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import run_cli
from svdiversion.core.fiscal import Month, months_between
from svdiversion.load import load_workspace

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts/make_sample.py"
MADE = [
    "ledger/finance/payments-2023-24.csv",
    "ledger/finance/payments-2024-25.csv",
    "ledger/outcomes.csv",
    "ledger/transactions.csv",
    "ledger/workshops.csv",
]


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace with the shipped contract and config, and what the script writes."""
    root = tmp_path_factory.mktemp("made")
    shutil.copytree(REPO / "config", root / "config")
    (root / "ledger").mkdir()
    shutil.copy(REPO / "ledger/contract.yaml", root / "ledger/contract.yaml")
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "-C", str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    return root


def csv_files(root: Path) -> list[str]:
    found = [*root.glob("ledger/*.csv"), *root.glob("ledger/finance/*.csv")]
    return sorted(path.relative_to(root).as_posix() for path in found)


def first_difference(made: bytes, shipped: bytes) -> str:
    """Where two files part: the line number and both versions of that line."""
    for number, (ours, theirs) in enumerate(
        zip(made.splitlines(keepends=True), shipped.splitlines(keepends=True), strict=False),
        start=1,
    ):
        if ours != theirs:
            return f"line {number}: the script writes {ours!r}, the repository has {theirs!r}"
    return f"the script writes {len(made)} bytes, the repository has {len(shipped)}"


def test_the_script_writes_every_csv_file_the_workspace_ships(made: Path) -> None:
    assert csv_files(made) == MADE
    assert csv_files(REPO) == MADE
    leftovers = sorted(p.name for p in (made / "ledger").rglob("*") if p.suffix == ".tmp")
    assert leftovers == []


@pytest.mark.parametrize("name", MADE)
def test_the_shipped_file_is_byte_identical_to_what_the_script_writes(
    made: Path, name: str
) -> None:
    ours, theirs = (made / name).read_bytes(), (REPO / name).read_bytes()

    assert ours == theirs, f"{name}: {first_difference(ours, theirs)} (run 'make sample')"


def test_the_payments_listings_are_written_as_the_finance_system_saves_them(made: Path) -> None:
    listing = (made / "ledger/finance/payments-2024-25.csv").read_bytes()
    lines = listing.split(b"\r\n")

    assert b"\n" not in listing.replace(b"\r\n", b"")
    assert lines[0].startswith(b"West Mercia Police and Crime Commissioner - Payments Listing")
    assert lines[1] == b"Payment dates 01/04/2024 to 31/03/2025; run 08/04/2025 07:42,,,,,,,,"
    assert lines[2] == (
        b"Payment Date,Payment No,Supplier No,Supplier Name,Reference,Description,"
        b"Cost Centre,Account,Amount"
    )
    assert lines[-3:] == [b",,,,,,,,", b'Report total,,,,,,,,"\xa3772,813.19"', b""]
    # The untidiness reconcile must cope with, one row each.
    assert (
        b"26/06/2024,BACS240626-001,S100482,THE CHILDRENS SOCIETY,tcs-inv-202406,"
        b'Steer Clear delivery June 2024,PF4410,5210,"\xa325,847.82"'
    ) in lines
    assert (
        b"11/10/2024,BACS241011-001,S103317,EVALUATION PARTNER (ILLUSTRATIVE), UNI-PO-4471-2 ,"
        b'Evaluation interim report,PF4410,5320,"\xa315,000.00"'
    ) in lines
    assert (
        b"25/11/2024,BACS241125-002,S100482,THE CHILDRENS SOCIETY,,"
        b'Credit note - sessional worker costs,PF4410,5210,"(\xa31,250.00)"'
    ) in lines


def invoke(*args: str) -> tuple[int, str]:
    code, _, err = run_cli("-C", str(REPO), *args)
    return code, err


def test_check_on_the_shipped_workspace_exits_0() -> None:
    code, err = invoke("check")

    assert code == 0, err
    assert "0 errors, 0 warnings" in err


@pytest.mark.slow  # 21 reconciliations of the shipped ledger
def test_every_month_of_the_contract_reconciles() -> None:
    ledger, _ = load_workspace(REPO)
    assert ledger is not None
    months = [str(m) for m in months_between(Month.of(ledger.start), Month.of(ledger.end))]
    assert (len(months), months[0], months[-1]) == (21, "2023-07", "2025-03")

    failing = {}
    for month in months:
        code, err = invoke("reconcile", "--month", month)
        if code != 0 or not err.startswith(f"{month} reconciled: "):
            failing[month] = (code, err)

    assert failing == {}


@pytest.mark.slow
def test_a_measure_added_to_the_contract_is_in_the_sample_it_makes(tmp_path: Path) -> None:
    """The script takes its measures from the contract: one added there gets a column of
    its own, and the workspace still checks."""
    root = tmp_path / "ws"
    shutil.copytree(REPO / "config", root / "config")
    (root / "ledger").mkdir()
    contract = (REPO / "ledger/contract.yaml").read_text(encoding="utf-8")
    anchor = "    - id: entered_cjs\n"
    assert anchor in contract
    added = (
        "    - id: school_attendance\n"
        '      name: "Improved school attendance"\n'
        "      better: higher\n"
    )
    (root / "ledger/contract.yaml").write_text(
        contract.replace(anchor, added + anchor), encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "-C", str(root)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    header = (root / "ledger/outcomes.csv").read_text(encoding="utf-8").splitlines()[0]
    assert "progress_key_areas,school_attendance,entered_cjs" in header
    shutil.copytree(REPO / "ledger/finance", root / "ledger/finance", dirs_exist_ok=True)
    code, out, err = run_cli("-C", str(root), "check", "--as-of", "2025-03-31")
    assert code == 0, out + err
