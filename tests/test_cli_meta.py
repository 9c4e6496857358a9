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
