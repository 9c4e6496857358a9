"""The pre-commit hook this repository offers (``.pre-commit-hooks.yaml``) runs ``check``.

The hook is run the way pre-commit runs a ``language: python`` hook with
``pass_filenames: false``: its ``entry`` split into words, then its ``args``, in the
ledger repository's folder, with the installed ``svdiversion`` first on the path.
A second test drives pre-commit itself (``try-repo``) when it is installed, on a copy of
the working tree; it is marked slow, since pre-commit installs the package with pip.
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


@pytest.mark.slow  # a whole process
def test_hook_entry_passes_a_clean_workspace(shipped: Path) -> None:
    done = run_hook(shipped)
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr == "0 errors, 0 warnings in 8 files\n"


@pytest.mark.slow  # a whole process
def test_hook_entry_fails_a_broken_workspace_with_located_problems(shipped: Path) -> None:
    break_rows(shipped, BREAKS[:2])
    done = run_hook(shipped)
    assert done.returncode == 1
    assert done.stderr == "2 errors, 0 warnings in 8 files\n"
    first_lines = [line for line in done.stdout.splitlines() if not line.startswith(" ")]
    assert first_lines == [
        "ledger/transactions.csv:2:58: E401 a payment must be positive, got -£2,488.09",
        "ledger/transactions.csv:4:44: E202 unknown area 'south_worcs'",
    ]


PRE_COMMIT = shutil.which("pre-commit") or shutil.which("pre-commit", path=str(BIN))
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(folder: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout


def working_tree(destination: Path) -> Path:
    """This repository as it is on disk, committed to a new repository at ``destination``:
    every tracked file and every new one git does not ignore, edits included, so that
    pre-commit installs the code under test rather than the last commit."""
    names = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, names.split("\0")):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree stays deleted
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    git(destination, "init", "-q")
    git(destination, "add", "-A")
    git(destination, "commit", "-q", "-m", "the working tree under test")
    return destination


@pytest.mark.slow
@pytest.mark.skipif(
    PRE_COMMIT is None or shutil.which("git") is None or not (REPO / ".git").exists(),
    reason="pre-commit (pip install pre-commit), git and this repository's history are "
    "needed to run the hook through pre-commit itself; the hook's entry is tested above",
)
def test_pre_commit_try_repo_runs_the_hook(shipped: Path, tmp_path: Path) -> None:
    """pre-commit installs this repository's working tree (as a ledger repository would
    install it at a tag) into a new environment with pip, and runs the hook on a ledger
    repository with a broken row; it takes a while, for the install."""
    assert PRE_COMMIT is not None
    hook_repo = working_tree(tmp_path / "svdiversion")
    ledger_repo = shipped
    git(ledger_repo, "init", "-q")
    break_rows(ledger_repo, BREAKS[:1])
    git(ledger_repo, "add", ".")
    done = subprocess.run(
        [
            PRE_COMMIT,
            "try-repo",
            str(hook_repo),
            "svdiversion-check",
            "--ref",
            "HEAD",
            "--all-files",
        ],
        cwd=ledger_repo,
        capture_output=True,
        text=True,
        check=False,
        # A cache of its own: each working tree is a new repository to pre-commit, and
        # its environments would pile up in ~/.cache/pre-commit.
        env={**os.environ, **GIT_ENV, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")},
        timeout=600,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert re.search(r"svdiversion check\.+Failed", done.stdout)
    assert "ledger/transactions.csv:2:58: E401 a payment must be positive" in done.stdout
