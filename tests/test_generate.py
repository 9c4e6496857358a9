"""The synthetic workspace: deterministic, any size, and clean under ``check``."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from helpers import run_cli
from svdiversion.synthetic import generate
from svdiversion.workspace import open_workspace

AFTER_CONTRACT = date(2026, 6, 30)
FILES = (
    "config/areas.yaml",
    "config/settings.yaml",
    "ledger/contract.yaml",
    "ledger/transactions.csv",
    "ledger/outcomes.csv",
    "ledger/workshops.csv",
)


def rows(root: Path, name: str) -> list[dict[str, str]]:
    with (root / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_generated_workspace_passes_check(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    generate(root, transactions=3_000, episodes=1_200, seed=7)
    result = open_workspace(root, as_of=AFTER_CONTRACT)
    assert result.problems == []
    assert result.ledger is not None
    assert len(result.ledger.transactions) == 3_000
    assert len(result.ledger.episodes) == 1_200
    assert len(result.ledger.workshops) == 120
    assert len(result.ledger.decisions) == 12


def test_same_seed_same_bytes_other_seed_other_rows(tmp_path: Path) -> None:
    generate(tmp_path / "a", transactions=500, episodes=300, seed=3)
    generate(tmp_path / "b", transactions=500, episodes=300, seed=3)
    generate(tmp_path / "c", transactions=500, episodes=300, seed=4)
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    a = (tmp_path / "a" / "ledger/transactions.csv").read_bytes()
    assert a != (tmp_path / "c" / "ledger/transactions.csv").read_bytes()


def test_rows_cover_the_period_kinds_statuses_and_the_area_change(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    generate(root, transactions=4_000, episodes=2_000, seed=1)
    transactions = rows(root, "ledger/transactions.csv")
    assert transactions[0]["date"] == "2023-04-01"
    assert transactions[-1]["date"] == "2026-03-31"
    assert [t["id"] for t in transactions[:2]] == ["TX-00001", "TX-00002"]
    assert set(Counter(t["kind"] for t in transactions)) == {
        "payment",
        "accrual",
        "reversal",
        "refund",
    }
    # Rows dated after 19 January 2026 use the two areas that replaced the five.
    late_areas = {t["area"] for t in transactions if t["date"] >= "2026-01-19"}
    assert late_areas == {"", "shropshire_telford", "herefordshire_worcestershire"}
    early_areas = {t["area"] for t in transactions if t["date"] < "2026-01-19"} - {""}
    assert len(early_areas) == 5
    episodes = rows(root, "ledger/outcomes.csv")
    assert set(Counter(e["status"] for e in episodes)) == {
        "referred",
        "declined",
        "engaged",
        "completed",
        "disengaged",
    }
    assert episodes[0]["cyp_ref"] == "CYP-00001"


def test_budgets_grow_with_the_rows(tmp_path: Path) -> None:
    generate(tmp_path / "small", transactions=100, episodes=0, seed=0)
    generate(tmp_path / "large", transactions=20_000, episodes=0, seed=0)
    small = open_workspace(tmp_path / "small", as_of=AFTER_CONTRACT)
    large = open_workspace(tmp_path / "large", as_of=AFTER_CONTRACT)
    assert small.problems == [] and large.problems == []
    assert small.ledger is not None and large.ledger is not None
    assert large.ledger.budget_total > 50 * small.ledger.budget_total


def test_empty_tables_still_make_a_valid_workspace(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    generate(root, transactions=0, episodes=0, seed=0)
    assert (root / "ledger/transactions.csv").read_text(encoding="utf-8") == (
        "id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche\n"
    )
    assert open_workspace(root, as_of=AFTER_CONTRACT).problems == []


@pytest.mark.slow  # 100,000 episodes: the size is the point
def test_more_than_99999_children_widen_the_pseudonym(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    generate(root, transactions=0, episodes=100_000, workshops=0, seed=0)
    assert 'cyp_ref_pattern: "^CYP-[0-9]{6}$"' in (root / "config/settings.yaml").read_text(
        encoding="utf-8"
    )
    assert rows(root, "ledger/outcomes.csv")[-1]["cyp_ref"] == "CYP-100000"


def test_cli_generate_then_check(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    code, out, err = run_cli(
        "generate", str(root), "--transactions", "250", "--episodes", "40", "--seed", "2"
    )
    assert (code, out) == (0, ""), err
    assert err == f"wrote {root}: 250 transactions, 40 episodes, 4 workshop sessions (seed 2)\n"
    checked = run_cli("-C", str(root), "check", "--as-of", "2026-04-01")
    assert checked == (0, "", "0 errors, 0 warnings in 6 files\n")


def test_cli_quiet_writes_nothing_on_stderr(tmp_path: Path) -> None:
    code, _, err = run_cli("--quiet", "generate", str(tmp_path / "ws"), "--transactions", "10")
    assert (code, err) == (0, "")


def test_cli_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "notes.txt").write_text("keep me", encoding="utf-8")
    code, _, err = run_cli("generate", str(tmp_path / "ws"))
    assert code == 2
    assert err == (
        f"svdiversion: error: {tmp_path / 'ws'} already exists and is not an empty folder\n"
        "  hint: choose a new folder; generate never writes over files\n"
    )
    assert (tmp_path / "ws" / "notes.txt").read_text(encoding="utf-8") == "keep me"
