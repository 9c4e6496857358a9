"""``svdiversion export journal``: one journal transaction per ledger row, with balances
per account equal to the ledger's sums, readable by hledger and ledger-cli."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import TX_HEADER, CliResult, load_ledger, make_workspace, run_cli
from svdiversion.render.journal import journal_text, slug
from svdiversion.synthetic import generate

REPO = Path(__file__).resolve().parent.parent
AS_OF = "2026-06-30"
TRICKY = '"Sept\tdelivery  (a) | b"'
POSTING = re.compile(r"^    (\S+)(?:  (-?)£(\d+\.\d\d))?$")


def run(root: Path, *args: str) -> CliResult:
    return run_cli("-C", str(root), *args)


def journal_balances(text: str) -> dict[str, Decimal]:
    """Per-account totals read from the journal, the elided posting balancing each one."""
    totals: dict[str, Decimal] = defaultdict(Decimal)
    pending: Decimal | None = None
    for line in text.splitlines():
        match = POSTING.match(line)
        if not match:
            continue
        account, sign, amount = match.groups()
        if amount is not None:
            pending = Decimal(sign + amount)
            totals[account] += pending
        else:
            assert pending is not None
            totals[account] -= pending
            pending = None
    return dict(totals)


def ledger_sums(root: Path) -> dict[str, Decimal]:
    """The same sums straight from the CSV and contract, without the journal code."""
    ledger = load_ledger(root)
    decision_of = {b.id: b.decision for b in ledger.line_budgets()}
    funds = {d.id: "funds:" + slug(d.funding_source) for d in ledger.decisions}
    totals: dict[str, Decimal] = defaultdict(Decimal)
    with (root / "ledger/transactions.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            decision = decision_of[row["budget_line"]]
            account = f"expenses:{decision}:{row['budget_line']}:{row['area'] or 'unassigned'}"
            totals[account] += Decimal(row["amount"])
            totals[funds[decision]] -= Decimal(row["amount"])
    return dict(totals)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("journal") / "ws"
    generate(root, transactions=2_000, episodes=10, seed=5)
    out = root.parent / "spend.journal"
    code, _, stderr = run(root, "export", "journal", "--as-of", AS_OF, "--out", str(out))
    assert (code, stderr) == (0, f"wrote {out}: 2000 transactions\n")
    return root, out


def test_a_row_becomes_one_transaction_with_safe_text(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=f"""
            {TX_HEADER}
            TX-1,2023-09-30,payment,delivery,north,200.00,INV-1,"Provider; Ltd",{TRICKY},T1
            TX-2,2023-10-02,refund,delivery,south,-12.30,CN-1,,"Two
            lines",
            TX-3,2024-03-31,accrual,evaluation,,150.00,EV-1,University,Report,T3
        """,
    )
    assert journal_text(load_ledger(root)) == (
        "; 3 transactions exported by svdiversion from ledger/transactions.csv\n"
        "; expenses:DECISION:BUDGET_LINE:AREA, balanced by funds:FUNDING_SOURCE\n"
        "\n"
        "2023-09-30 (TX-1) Provider Ltd | Sept delivery (a) | b\n"
        "    expenses:D1:delivery:north  £200.00\n"
        "    funds:prevention-fund\n"
        "\n"
        "2023-10-02 (TX-2) Two lines\n"
        "    expenses:D1:delivery:south  -£12.30\n"
        "    funds:prevention-fund\n"
        "\n"
        "2024-03-31 (TX-3) University | Report\n"
        "    expenses:D1:evaluation:unassigned  £150.00\n"
        "    funds:prevention-fund\n"
        "\n"
    )


def test_slug_of_a_funding_source() -> None:
    assert slug("Prevention Fund (commissioning reserve, ring-fenced for prevention)") == (
        "prevention-fund-commissioning-reserve-ring-fenced-for-prevention"
    )
    assert slug("£ !") == "unspecified"


def test_balances_equal_the_ledger_on_the_shipped_workspace(tmp_path: Path) -> None:
    out = tmp_path / "shipped.journal"
    code, stdout, _ = run(REPO, "export", "journal", "--as-of", "2025-06-30", "--out", str(out))
    assert (code, stdout) == (0, "")
    balances = journal_balances(out.read_text(encoding="utf-8"))
    assert balances == ledger_sums(REPO)
    assert balances["expenses:PCC-D-2023-24:evaluation:unassigned"] == Decimal("50000.00")
    assert sum(balances.values()) == 0


def test_balances_equal_the_ledger_on_a_synthetic_workspace(synthetic: tuple[Path, Path]) -> None:
    root, out = synthetic
    text = out.read_text(encoding="utf-8")
    assert text.count("\n    funds:") == 2_000
    assert journal_balances(text) == ledger_sums(root)


def test_stdout_when_no_out_and_refusal_inside_the_workspace(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    code, stdout, _ = run(root, "export", "journal", "--as-of", "2025-03-31")
    assert code == 0
    assert stdout == journal_text(load_ledger(root))
    code, _, stderr = run(
        root, "export", "journal", "--as-of", "2025-03-31", "--out", str(root / "ledger/x")
    )
    assert code == 2
    assert "refusing to write" in stderr
    assert not (root / "ledger/x").exists()


def test_a_ledger_with_errors_is_not_exported(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path / "ws",
        transactions=f"""
            {TX_HEADER}
            TX-1,2023-09-30,payment,nowhere,north,200.00,INV-1,Provider,September,
        """,
    )
    out = tmp_path / "out.journal"
    code, stdout, stderr = run(
        root, "export", "journal", "--as-of", "2025-03-31", "--out", str(out)
    )
    assert (code, stdout) == (1, "")
    assert "E201 unknown budget line 'nowhere'" in stderr
    assert not out.exists()


def test_the_file_is_replaced_whole(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    out = tmp_path / "out.journal"
    out.write_text("old content\n", encoding="utf-8")
    code, _, _ = run(root, "export", "journal", "--as-of", "2025-03-31", "--out", str(out))
    assert code == 0
    assert out.read_text(encoding="utf-8") == journal_text(load_ledger(root))
    assert {p.name for p in tmp_path.iterdir()} == {"ws", "out.journal"}  # no temporary left


@pytest.mark.skipif(shutil.which("hledger") is None, reason="hledger is not installed")
def test_hledger_reads_it_and_agrees(synthetic: tuple[Path, Path]) -> None:
    root, out = synthetic
    subprocess.run(["hledger", "-f", str(out), "check"], check=True, capture_output=True)
    result = subprocess.run(
        ["hledger", "-f", str(out), "bal", "--flat", "--no-total", "-O", "csv"],
        check=True,
        capture_output=True,
        text=True,
    )
    balances = {
        row["account"]: Decimal(row["balance"].replace("£", ""))
        for row in csv.DictReader(result.stdout.splitlines())
    }
    assert balances == nonzero(ledger_sums(root))


@pytest.mark.skipif(shutil.which("ledger") is None, reason="ledger-cli is not installed")
def test_ledger_cli_reads_it_and_agrees(synthetic: tuple[Path, Path]) -> None:
    root, out = synthetic
    result = subprocess.run(
        ["ledger", "-f", str(out), "bal", "--flat", "--no-total"],
        check=True,
        capture_output=True,
        text=True,
    )
    balances = {}
    for line in result.stdout.splitlines():
        amount, account = line.split()
        balances[account] = Decimal(amount.replace("£", ""))
    assert balances == nonzero(ledger_sums(root))


def nonzero(sums: dict[str, Decimal]) -> dict[str, Decimal]:
    """The tools leave out accounts whose balance is zero."""
    return {account: amount for account, amount in sums.items() if amount}
