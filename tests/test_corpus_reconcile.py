"""The bad-input corpus of ``reconcile``: one folder per code of reading the finance inputs.

Each ``tests/corpus_reconcile/<CODE>-<slug>/`` holds the files that differ from the small
valid workspace of ``helpers.make_workspace`` with the mapping and the export below (the
export is ``payments.csv`` at the workspace root), and an ``expected.txt`` in the format
of ``tests/corpus/`` (see ``test_corpus.py``): the first line of each problem
``svdiversion reconcile`` prints on stderr, in order. The command runs in the workspace
folder, so ``--payments payments.csv`` names the case's export as a user would. A case
whose ``args:`` begin with ``import`` runs ``svdiversion import`` instead (E609). A
warning's case (W6xx) shows the warning and goes on: it does not stop the command.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import make_workspace, run_cli
from test_corpus import Case, build, codes_shown, fingerprint, problem_heads, read_corpus

CORPUS = Path(__file__).parent / "corpus_reconcile"
DEFAULT_ARGS = ("--month", "2023-09", "--payments", "payments.csv")

MAPPING = """
    payments:
      encoding: utf-8
      columns:
        date: Date
        amount: Amount
        reference: Reference
        supplier: Supplier
        description: Description
"""
EXPORT = """
    Date,Reference,Supplier,Description,Amount
    30/09/2023,INV-1,PROVIDER,September delivery,£400.00
"""
FILES: dict[str, str | bytes] = {"config/finance-import.yaml": MAPPING, "payments.csv": EXPORT}

CASES = read_corpus(CORPUS, DEFAULT_ARGS)


def test_the_default_workspace_reconciles(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each case's problems are its own: without them the month reconciles."""
    root = make_workspace(tmp_path / "ws", extra=FILES)
    monkeypatch.chdir(root)

    code, _, err = run_cli("-C", str(root), "reconcile", *DEFAULT_ARGS)

    assert (code, err.splitlines()[0]) == (
        0,
        "2023-09 reconciled: 1 payment agrees with the finance system",
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build(case, tmp_path / "ws", FILES)
    before = fingerprint(root)
    monkeypatch.chdir(root)

    command, args = (
        ("import", case.args[1:]) if case.args[0] == "import" else ("reconcile", case.args)
    )
    code, out, err = run_cli("-C", str(root), command, *args)

    if case.code.startswith("W"):  # a warning is shown, and the command goes on
        assert problem_heads(err)[: len(case.problems)] == list(case.problems)
        assert code == case.exit
        assert "nothing was" not in err
        assert fingerprint(root) == before, "reconcile must never modify an input file"
        return
    assert (code, out) == (case.exit, "")
    assert problem_heads(err) == list(case.problems)
    count = f"{len(case.problems)} problem{'s' * (len(case.problems) != 1)}"
    stopped = {
        "reconcile": "the finance inputs have problems; nothing was reconciled",
        "import": "some payments cannot be imported; nothing was written",
    }[command]
    assert err.endswith(f"svdiversion: error: {stopped} ({count})\n")
    hints = [line for line in err.splitlines() if line.startswith("  hint: ")]
    assert len(hints) == len(case.problems), "every problem says how to fix it"
    assert fingerprint(root) == before, "reconcile must never modify an input file"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_shows_its_code_only(case: Case) -> None:
    assert codes_shown(case) == {case.code}
    warnings = dict.fromkeys(("W602", "W603", "W604", "W605"), 0)
    assert case.exit == {"E601": 2, "E602": 2, **warnings}.get(case.code, 1)
