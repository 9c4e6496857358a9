"""The staged pipeline: read files, check shapes, run the business rules, locate problems.

from svdiversion.workspace import open_workspace
result = open_workspace(Path("."), as_of=date(2025, 3, 31))
result.ledger, result.problems
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .checks import CheckContext, run_checks
from .core.ledger import Ledger
from .core.problems import UNREADABLE_CODES, Problem, sort_problems
from .load import NotAWorkspace, load_workspace
from .load.excerpts import locate
from .load.limits import cap_repeats

__all__ = ["LoadResult", "NotAWorkspace", "open_workspace"]


@dataclass(frozen=True, slots=True)
class LoadResult:
    ledger: Ledger | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def unreadable(self) -> bool:
        """A required file is missing or cannot be read at all."""
        return any(p.code in UNREADABLE_CODES for p in self.problems)


def open_workspace(root: Path, *, as_of: date) -> LoadResult:
    """Load ``root`` and run every check as of ``as_of``. Raises only :class:`NotAWorkspace`."""
    ledger, problems = load_workspace(root)
    if ledger is not None:
        problems += run_checks(ledger, CheckContext(as_of=as_of))
    return LoadResult(ledger, locate(root, cap_repeats(sort_problems(problems))))
