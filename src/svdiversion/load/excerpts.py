"""Final touches on problems: character columns and a line excerpt for each.

CSV problems are made with the field number as column (cheap for the checks); here the
field number becomes the character column an editor or a CI annotation expects, and
each problem gets the text of its line, so the terminal can show it with a caret.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from ..core.problems import Problem

MAX_EXCERPTS = 2_000


def locate(root: Path, problems: list[Problem]) -> list[Problem]:
    wanted: dict[str, set[int]] = defaultdict(set)
    for problem in problems[:MAX_EXCERPTS]:
        if problem.line:
            wanted[problem.path].add(problem.line)
    texts = {path: _lines(root / path, lines) for path, lines in wanted.items()}
    located = []
    for index, problem in enumerate(problems):
        text = texts.get(problem.path, {}).get(problem.line) if index < MAX_EXCERPTS else None
        if problem.path.endswith(".csv") and problem.column:
            column = field_start(text, problem.column) if text is not None else problem.column
            problem = replace(problem, column=column)
        if text is not None:
            problem = replace(problem, excerpt=text)
        located.append(problem)
    return located


def _lines(file: Path, numbers: set[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    last = max(numbers)
    try:
        # Lines end at LF only, as the readers count them: a bare CR inside a quoted
        # value is part of its line, not the end of one.
        with file.open("r", encoding="utf-8-sig", errors="replace", newline="\n") as handle:
            for number, text in enumerate(handle, start=1):
                if number in numbers:
                    found[number] = text.rstrip("\r\n")
                if number >= last:
                    break
    except OSError:
        pass
    return found


def field_start(text: str, field: int, delimiter: str = ",") -> int:
    """1-based character column where CSV field ``field`` (1-based) starts in ``text``."""
    current, quoted = 1, False
    for position, char in enumerate(text):
        if current == field:
            return position + 1
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            current += 1
    return len(text) + 1 if current == field else 1
