"""Published figures are true: every month and quarter of the contract, published against
internal, on the shipped ledger and `generate` workspaces (tests/truth.py says what an
offence is): no shown count more than 2 from the exact one, no rate other than the exact
rate to a whole percent, no RAG other than the internal one, no published trend signal
the internal chart lacks; a window's workshops are the window's."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from conftest import REPO
from helpers import load_ledger, run_cli
from truth import contract_windows, signal_offences, window_offences


@pytest.mark.slow
def test_the_shipped_ledger_publishes_true_figures_in_all_28_windows() -> None:
    ledger = load_ledger(REPO)
    assert len(contract_windows(ledger)) == 28
    assert [str(o) for o in window_offences(ledger, ledger.end)] == []
    assert [str(o) for o in signal_offences(ledger, ledger.end)] == []


@pytest.mark.slow
@pytest.mark.parametrize(("episodes", "seed"), [(300, 1), (2000, 2), (800, 3)])
def test_generated_services_publish_true_figures(tmp_path: Path, episodes: int, seed: int) -> None:
    root = tmp_path / "service"
    code, _, err = run_cli("generate", str(root), "--episodes", str(episodes), "--seed", str(seed))
    assert code == 0, err
    ledger = load_ledger(root)
    assert [str(o) for o in window_offences(ledger, ledger.end)] == []
    assert [str(o) for o in signal_offences(ledger, ledger.end)] == []


@pytest.mark.slow
@pytest.mark.parametrize("disclosure", ["internal", "published"])
def test_a_months_workshops_are_that_months(disclosure: str) -> None:
    def sessions(*args: str) -> dict[str, int]:
        code, out, err = run_cli(
            "-C", str(REPO), "outcomes", *args, "--disclosure", disclosure, "--format", "json"
        )
        assert code == 0, err
        return {w["kind"]: w["sessions"] for w in json.loads(out)["workshops"]}

    november = sessions("--month", "2024-11", "--as-of", "2025-03-31")
    assert november["steer_clear_group"] == 3
    assert november == sessions("--month", "2024-11")
    september = sessions("--month", "2023-09")
    whole = sessions("--as-of", str(date(2025, 3, 31)))
    assert sum(september.values()) < sum(whole.values())
