"""The structured fuzz target (issue 13): a short run on every ``make test``, and every case
the long run (``make fuzz``, scripts/fuzz.py) ever found, replayed.

The mutators and the contract are in ``tests/fuzzing.py``. The short run is derandomised,
so it tries the same workspaces every time and a failure here is reproducible as it is;
the long run searches at random and saves what it finds to ``tests/fuzz_corpus/``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings

import fuzzing

# No shrinking: while the ledger code has a bug the short run meets, it reports the first
# failing workspace at once rather than spend a minute minimising it (the long run shrinks).
SHORT_RUN = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    report_multiple_bugs=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.slow  # 40 workspaces, each through every command
@SHORT_RUN
@given(case=fuzzing.cases())
def test_a_mutated_workspace_keeps_the_contract(case: fuzzing.Case) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        fuzzing.check_case(case, Path(tmp))


@pytest.mark.parametrize("folder", fuzzing.corpus_cases(), ids=lambda folder: folder.name)
def test_a_saved_case_keeps_the_contract(folder: Path, tmp_path: Path) -> None:
    fuzzing.replay(folder, tmp_path)


@pytest.mark.slow  # every command on the shipped workspace
def test_the_shipped_workspace_keeps_the_contract(tmp_path: Path) -> None:
    """The harness itself: the shipped workspace with two months closed (the valid
    closes.yaml the mutators start from), every command, nothing to report."""
    closes = {fuzzing.CLOSES: fuzzing.CLOSES_VALID.encode()}
    root = fuzzing.write_workspace(tmp_path, closes)
    every_input = [*fuzzing.shipped_files(), *closes]
    runs = fuzzing.check_contract(root, fuzzing.commands_for(every_input))
    assert {run.args[0]: run.exit_code for run in runs} == {
        "check": 0,
        "burndown": 0,
        "outcomes": 0,
        "report": 0,
        "vfm": 0,
        "reconcile": 0,
    }


def test_a_saved_case_replays_as_it_was_found(tmp_path: Path) -> None:
    """save_case and load_case round-trip: the files, the removals, the fault."""
    fault = fuzzing.Fault(fuzzing.TRANSACTIONS, 2, "invalid date")
    case = fuzzing.Case(
        (
            fuzzing.Mutation(fuzzing.TRANSACTIONS, "a date", b"id\nTX 1\n", fault),
            fuzzing.Mutation("ledger/workshops.csv", "file removed", None),
        )
    )
    run = fuzzing.Run(fuzzing.CHECK_JSON, 1, "", "", None, 0.1)
    broken = fuzzing.ContractBroken(run, "fault-missed", "invalid date", "nothing reported")
    folder = fuzzing.save_case(case, broken, tmp_path / "corpus", "today")
    saved = fuzzing.load_case(folder)
    assert folder.name == "check-fault-missed-invalid-date"
    assert saved.overlay == case.overlay
    assert saved.fault is None  # two mutations: no fault is claimed
    assert saved.commands == [list(c) for c in case.commands]
    assert saved.signature == broken.signature
