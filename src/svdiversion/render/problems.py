"""Problems as text (``path:line:col: CODE message``, an excerpt with a caret, the hint)
and as JSON (the documented shape, see docs/output-formats.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..problems import Problem, count_by_severity


def problem_lines(problem: Problem, *, excerpt: bool = True) -> list[str]:
    lines = [f"{problem.location}: {problem.code} {problem.message}"]
    if excerpt and problem.excerpt:
        number = str(problem.line)
        lines.append(f"  {number} | {problem.excerpt}")
        if problem.column:
            lines.append(f"  {' ' * len(number)} | {' ' * (problem.column - 1)}^")
    if problem.hint:
        lines.append(f"  hint: {problem.hint}")
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
