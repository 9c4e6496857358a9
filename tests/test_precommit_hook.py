"""The pre-commit hook this repository offers (``.pre-commit-hooks.yaml``) runs ``check``.

The hook is run the way pre-commit runs a ``language: python`` hook with
``pass_filenames: false``: its ``entry`` split into words, then its ``args``, in the
ledger repository's folder, with the installed ``svdiversion`` first on the path.
A second test drives pre-commit itself (``try-repo``) when it is installed.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from test_ci_formats import BREAKS, break_rows

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def hook() -> dict[str, Any]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["svdiversion-check"]
    found: dict[str, Any] = hooks[0]
    return found


def run_hook(workspace: Path) -> subprocess.CompletedProcess[str]:
    definition = hook()
    command = [*shlex.split(definition["entry"]), *definition.get("args", [])]
    return subprocess.run(
        command,
        cwd=workspace,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )


def test_hook_definition() -> None:
    definition = hook()
    assert definition["entry"] == "svdiversion check"
    assert definition["language"] == "python"
    assert definition["pass_filenames"] is False
    assert definition["name"] == "svdiversion check"


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("ledger/transactions.csv", True),
        ("ledger/contract.yaml", True),
        ("ledger/contract.d/PCC-D-2025-03.yaml", True),
        ("config/areas.yaml", True),
        ("config/settings.yml", True),
        ("books/ledger/outcomes.csv", True),
        ("ledger/README.md", False),
        ("README.md", False),
        ("src/svdiversion/models.py", False),
        ("myledger/transactions.csv", False),
    ],
)
def test_hook_runs_when_a_ledger_or_config_file_changes(path: str, runs: bool) -> None:
    # pre-commit selects files with re.search on the repository-relative path.
    assert bool(re.search(hook()["files"], path)) is runs


def test_hook_entry_passes_a_clean_workspace(shipped: Path) -> None:
    done = run_hook(shipped)
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == "0 errors, 0 warnings in 6 files\n"


def test_hook_entry_fails_a_broken_workspace_with_located_problems(shipped: Path) -> None:
    break_rows(shipped, BREAKS[:2])
    done = run_hook(shipped)
    assert done.returncode == 1
    assert done.stderr == "2 errors, 0 warnings in 6 files\n"
    first_lines = [line for line in done.stdout.splitlines() if not line.startswith(" ")]
    assert first_lines == [
        "ledger/transactions.csv:2:58: E401 a payment must be positive, got -£2,488.09",
        "ledger/transactions.csv:4:44: E202 unknown area 'south_worcs'",
    ]


PRE_COMMIT = shutil.which("pre-commit") or shutil.which("pre-commit", path=str(BIN))


@pytest.mark.skipif(
    PRE_COMMIT is None or shutil.which("git") is None or not (REPO / ".git").exists(),
    reason="pre-commit (pip install pre-commit), git and this repository's history are "
    "needed to run the hook through pre-commit itself; the hook's entry is tested above",
)
def test_pre_commit_try_repo_runs_the_hook(shipped: Path) -> None:
    """pre-commit installs this repository at its last commit (as a ledger repository
    would at a tag) and runs the hook; it takes a minute, for the install."""
    assert PRE_COMMIT is not None
    ledger_repo = shipped
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    subprocess.run(["git", "init", "-q"], cwd=ledger_repo, check=True, env=env)
    break_rows(ledger_repo, BREAKS[:1])
    subprocess.run(["git", "add", "."], cwd=ledger_repo, check=True, env=env)
    done = subprocess.run(
        [PRE_COMMIT, "try-repo", str(REPO), "svdiversion-check", "--ref", "HEAD", "--all-files"],
        cwd=ledger_repo,
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"svdiversion check\.+Failed", done.stdout)
    assert "ledger/transactions.csv:2:58: E401 a payment must be positive" in done.stdout
