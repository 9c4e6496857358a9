"""A progress bar on stderr for long work, and silence for short work.

The bar appears only once the work has lasted ``DELAY`` seconds, only when stderr is a
terminal, and never with ``--quiet``; rich is imported only then, so quick commands and
pipes pay nothing for it.

    with progress_bar("Writing rows", total=n, enabled=show) as advance:
        for chunk in chunks:
            ...
            advance(len(chunk))
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

DELAY = 1.0

Advance = Callable[[int], None]


def terminal_progress(quiet: bool) -> bool:
    """Whether a command should offer a bar: stderr is a terminal and not ``--quiet``."""
    return not quiet and sys.stderr.isatty()


class _LateBar:
    """Counts work done; shows a rich bar once the work has taken more than DELAY."""

    def __init__(self, description: str, total: int, enabled: bool) -> None:
        self.description = description
        self.total = total
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def advance(self, amount: int) -> None:
        self.done += amount
        if not self.enabled:
            return
        if self.bar is None:
            if time.monotonic() - self.started < DELAY:
                return
            self._show()
        if self.bar is not None:
            self.bar.update(self.task, completed=self.done)

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        self.bar = Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task(self.description, total=self.total, completed=self.done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@contextmanager
def progress_bar(description: str, total: int, enabled: bool) -> Iterator[Advance]:
    """Yield ``advance(n)``; a bar is drawn on stderr only for work over a second."""
    bar = _LateBar(description, total, enabled)
    try:
        yield bar.advance
    finally:
        bar.close()
