"""Shared fixtures: a workspace built inline from a few YAML and CSV lines."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def shipped(tmp_path: Path) -> Path:
    """A copy of the shipped workspace, safe to modify."""
    root = tmp_path / "ws"
    (root).mkdir()
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / "ledger", root / "ledger")
    return root


WorkspaceFactory = Callable[..., Path]
