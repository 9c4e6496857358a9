"""Shared fixtures and options: a copy of the shipped workspace, golden files.

``pytest --update-golden`` rewrites the golden files (``tests/golden/``) from the current
output instead of comparing with them: run it after an intended change to an output and
review the diff. ``-m "not slow"`` (``make test-fast``) leaves out the slow tests.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from unittest import mock

import pytest
import typer.main
import typer.testing

from helpers import Golden

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def build_the_cli_once() -> Iterator[None]:
    """Typer's test runner turns the app into a click command on every call, which costs
    more than most commands take to run (it evaluates the type hints of every command
    function, 50 ms a call). A process builds it once; so does the suite. Should typer
    rename what is patched here, every test fails at once rather than the suite slowing."""
    with mock.patch.object(typer.testing, "_get_command", cache(typer.main.get_command)):
        yield


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="write the golden files in tests/golden/ from the current output instead of "
        "comparing with them; review the diff",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Golden:
    """``golden(path, text)``: ``text`` must equal the golden file at ``path`` (with
    ``--update-golden``, it is written there first)."""
    update = bool(request.config.getoption("--update-golden"))

    def compare(path: Path, text: str) -> None:
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        assert text == path.read_text(encoding="utf-8"), (
            f"output differs from {path}; if the change is intended, run "
            "'pytest --update-golden' and review the diff"
        )

    return compare


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped workspace, safe to modify."""
    root = tmp_path / "ws"
    (root).mkdir()
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / "ledger", root / "ledger")
    return root


WorkspaceFactory = Callable[..., Path]


@pytest.fixture(params=["lists", "arrow"])
def each_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test once with every CSV file held as Python lists and once held as arrow
    arrays (the store of a large file), so every rule test is an equivalence test."""
    from svdiversion.load import tables

    if request.param == "arrow":
        monkeypatch.setattr(tables, "ARROW_MIN_BYTES", 0)
    return str(request.param)
