"""Problems are values, not exceptions.

Loading and checking a workspace returns a list of :class:`Problem`; the CLI decides
what to print and which exit code to use. Every problem carries where it is (path, line,
column), a stable code, what is wrong and how to fix it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .codes import Code


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One located finding. ``line`` and ``column`` are 1-based; 0 means unknown."""

    path: str
    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    excerpt: str = ""

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.code.startswith("W") else Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    @property
    def location(self) -> str:
        """``path:line:col``, leaving out what is unknown."""
        parts = [self.path]
        if self.line:
            parts.append(str(self.line))
            if self.column:
                parts.append(str(self.column))
        return ":".join(parts)


# Codes whose problem means the workspace itself could not be read: the CLI exits 2.
UNREADABLE_CODES = frozenset({Code.E001, Code.E002})


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Sorted by file, then line and column, then code: the order every output uses."""
    return sorted(problems, key=lambda p: (p.path, p.line, p.column, p.code, p.message))


def count_by_severity(problems: Iterable[Problem]) -> dict[str, int]:
    counts = {Severity.ERROR.value: 0, Severity.WARNING.value: 0}
    for problem in problems:
        counts[problem.severity.value] += 1
    return counts
