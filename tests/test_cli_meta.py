"""Every command is helpful and documented: help text with an example, a README mention."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from helpers import run_cli
from svdiversion.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    """Every command path: ``check``, ``export xlsx``..."""
    group = typer.main.get_command(app)
    found = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subcommands = getattr(command, "commands", None)
        found += [f"{name} {sub}" for sub in subcommands] if subcommands else [name]
    return sorted(found)


def test_the_commands_are_the_documented_ones() -> None:
    assert commands() == sorted([
        "areas", "burndown", "check", "close", "disclosure-audit", "export csv",
        "export evaluation", "export journal", "export parquet", "export xlsx", "generate",
        "import", "init", "outcomes", "reconcile", "reopen", "report", "suppliers", "trends",
        "vfm",
    ])  # fmt: skip


@pytest.mark.parametrize("command", commands())
def test_help_has_an_example(command: str) -> None:
    code, out, _ = run_cli(*command.split(), "--help")
    assert code == 0
    assert "Example" in out
    assert f"svdiversion {command}" in " ".join(out.split())


@pytest.mark.parametrize("command", commands())
def test_readme_mentions_the_command(command: str) -> None:
    assert f"svdiversion {command}" in README


@pytest.fixture(scope="module")
def large_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """25,000 transactions: a file over 4 MB, read by pyarrow."""
    workspace = tmp_path_factory.mktemp("large") / "ws"
    assert run_cli("-q", "generate", str(workspace), "--transactions", "25000").exit_code == 0
    assert (workspace / "ledger" / "transactions.csv").stat().st_size > 4 << 20
    return workspace


@pytest.mark.parametrize(
    "command", [["check"], ["burndown", "--format", "json"]], ids=["check", "burndown-json"]
)
def test_a_command_imports_only_what_it_uses(
    large_workspace: Path, tmp_path: Path, command: list[str]
) -> None:
    """pyarrow asks pandas, when installed, about the first Python value it converts (0.2 s
    of a large check); the command-line process refuses the import. A pandas that fails
    loudly on import stands on the path: the large file is read by pyarrow, and the
    command passes only if pandas was never imported. Nor is rich imported by a command
    that draws nothing, nor the reports about children by the burn-down's JSON, nor numpy
    (half of pyarrow's import; ``arrow_lib`` hides it from pyarrow)."""
    import os
    import re
    import subprocess
    import sys

    fake = tmp_path / "site" / "pandas"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise AssertionError('pandas was imported')\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(fake.parent), *sys.path])}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "svdiversion", "-C", str(large_workspace),
         *command, "--as-of", "2026-06-30"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )  # fmt: skip
    assert "pandas was imported" not in done.stderr
    assert done.returncode == 0, done.stderr[-2000:]
    imported = re.findall(r"^import time:[^|]*\|[^|]*\|\s*(\S+)$", done.stderr, re.M)
    assert "pyarrow.csv" in imported  # pyarrow read the large file
    assert not [name for name in imported if name == "numpy" or name.startswith("numpy.")]
    assert not [name for name in imported if name == "rich" or name.startswith("rich.")]
    # The finance export's reader and the reconciliation are for the month-end commands.
    assert not {"svdiversion.finance.mapping", "svdiversion.finance.reconcile"} & set(imported)
    # A report about money loads no module of the reports about children, nor the audit.
    children = {"svdiversion.reports.outcomes", "svdiversion.reports.trends"}
    assert not children & set(imported) or command[0] != "burndown"
    assert not [name for name in imported if name.startswith("svdiversion.reports.audit")]


def test_importing_the_cli_builds_no_pydantic_model() -> None:
    """A model's validator is built when it first validates (``defer_build``), and no
    default is a model instance made at import: building one loads pydantic's schema
    machinery, 80 ms of every command's start-up (a command that reads no YAML file
    never needs it)."""
    import subprocess
    import sys

    code = (
        "import svdiversion.cli\n"
        "from svdiversion.core.models import Frozen\n"
        "def below(c):\n"
        "    for s in c.__subclasses__():\n"
        "        yield s\n"
        "        yield from below(s)\n"
        "print(sorted(c.__name__ for c in below(Frozen) if c.__pydantic_complete__))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_library_user_keeps_pyarrow_with_numpy(large_workspace: Path) -> None:
    """Only the command line's process imports pyarrow without numpy: a notebook that
    opens a large workspace (pyarrow reads it) can still hand pyarrow a numpy array and
    ask for one back."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from svdiversion import api\n"
        f"ws = api.open_workspace({str(large_workspace)!r})\n"
        "assert 'pyarrow.csv' in sys.modules, 'pyarrow did not read the workspace'\n"
        "import numpy as np, pyarrow as pa\n"
        "print(pa.array(np.arange(3)).to_pylist(), pa.array([1, 2]).to_numpy().tolist())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[0, 1, 2] [1, 2]"


def test_importing_the_cli_never_imports_numpy() -> None:
    """The read-ahead imports pyarrow with numpy hidden while the main thread imports the
    CLI (``arrow_lib``): that is safe only if no module of the CLI imports numpy, which
    this holds with numpy importable (a failed import under the hiding would not show)."""
    import subprocess
    import sys

    probe = (
        "import sys, svdiversion.cli; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'numpy'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"
    assert (
        subprocess.run(
            [sys.executable, "-c", "import numpy"], capture_output=True, timeout=60, check=False
        ).returncode
        == 0
    )  # numpy is installed: its absence above is the CLI's doing
