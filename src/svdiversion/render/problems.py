"""Problems as text (``path:line:col: CODE message``, an excerpt with a caret, the hint)
and as JSON (the documented shape, see docs/output-formats.md)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..core.problems import Problem, count_by_severity

# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts the
# sequences that clear a screen or write the clipboard), DEL, and the bidirectional
# overrides that make text read in another order than it is stored.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """``text`` with every character a terminal would act on written as an escape
    (``\\x1b``, ``\\u202e``), so an excerpt shows a line and never runs it."""
    return _UNSHOWABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


EXCERPT_WIDTH = 160
"""Characters of a line shown at most; a longer line is cut around the column."""


def excerpt_window(text: str, column: int) -> tuple[str, int]:
    """``text`` cut to about :data:`EXCERPT_WIDTH` characters around ``column`` (1-based,
    0 for none), with ``...`` where it was cut, and the column in the cut text."""
    if len(text) <= EXCERPT_WIDTH:
        return text, column
    start = max(0, min(column - 1 - EXCERPT_WIDTH // 2, len(text) - EXCERPT_WIDTH))
    cut = text[start : start + EXCERPT_WIDTH]
    lead = "..." if start else ""
    tail = "..." if start + EXCERPT_WIDTH < len(text) else ""
    return lead + cut + tail, column - start + len(lead) if column else 0


def problem_lines(problem: Problem, *, excerpt: bool = True) -> list[str]:
    lines = [f"{problem.location}: {problem.code} {visible(problem.message)}"]
    if excerpt and problem.excerpt:
        number = str(problem.line)
        shown, column = excerpt_window(problem.excerpt, problem.column)
        lines.append(f"  {number} | {visible(shown)}")
        if column:
            lead = len(visible(shown[: column - 1]))
            lines.append(f"  {' ' * len(number)} | {' ' * lead}^")
    if problem.hint:
        lines.append(f"  hint: {visible(problem.hint)}")
    return lines


def problems_text(problems: Iterable[Problem], *, excerpt: bool = True) -> str:
    return "".join(line + "\n" for p in problems for line in problem_lines(p, excerpt=excerpt))


def problem_dict(problem: Problem) -> dict[str, Any]:
    return {
        "path": problem.path,
        "line": problem.line or None,
        "column": problem.column or None,
        "code": problem.code,
        "severity": problem.severity.value,
        "message": problem.message,
        "hint": problem.hint,
    }


def problems_json(problems: Sequence[Problem], *, strict: bool = False) -> str:
    counts = count_by_severity(problems)
    ok = counts["error"] == 0 and not (strict and counts["warning"])
    document = {"ok": ok, "problems": [problem_dict(p) for p in problems], "counts": counts}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def summary_line(problems: Sequence[Problem], files: int) -> str:
    """``3 errors, 1 warning in 4 files``."""
    counts = count_by_severity(problems)
    errors, warnings = counts["error"], counts["warning"]
    return (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)} "
        f"in {files} file{'s' * (files != 1)}"
    )
