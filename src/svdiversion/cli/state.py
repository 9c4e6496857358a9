"""What the top-level options (``-C DIR``, ``--quiet``) tell every command, typed.

``say`` is the one way a command writes a note on stderr (``wrote FILE``, ``note: ...``,
``next: ...``): ``--quiet`` silences every note, never a problem, an error or a summary
that says whether the command did its job.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import typer


@dataclass(frozen=True, slots=True)
class CliState:
    root: Path = Path(".")
    quiet: bool = False


def state(ctx: typer.Context) -> CliState:
    """The top-level options of this invocation (their defaults when a command is called
    without the application's callback, as in a test of one command)."""
    found = ctx.find_root().obj
    return found if isinstance(found, CliState) else CliState()


def say(ctx: typer.Context, text: str) -> None:
    """A note on stderr, unless ``--quiet``."""
    if not state(ctx).quiet:
        sys.stderr.write(text + "\n")
