"""``ledger/commentary.yaml`` (optional): the treasurer's explanations, shape-checked.

A missing file is no commentary. A file that does not read as a list of entries gives
located problems (E110, E111, E112) and counts as no commentary. The rules between files
(a budget line the contract defines, a month inside it, one entry per month and line) are
``checks.commentary``; ``reconcile`` and ``close`` read the file the same way.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError

from ..core.models import Comment, CommentaryFile
from ..core.problems import Problem
from .presence import present
from .yamldoc import YamlDoc, read_yaml, shape_problems

COMMENTARY = "ledger/commentary.yaml"
HINT = "each entry has month (YYYY-MM), budget_line and text (see docs/reconcile.md)"
WRITE = {
    "commentary": "a list of entries, each starting '- month:'",
    "month": "the month explained, as YYYY-MM, such as 2024-09",
    "budget_line": "the id of a budget line of the contract, such as evaluation",
    "text": "the explanation, in 1 to 2,000 characters",
}
PYDANTIC_WORDS = ("Input should", "should match", "should have", "Field required", "should be")

Origins = dict[tuple[str, str], list[tuple[str, int, int]]]


def read_commentary(root: Path) -> tuple[YamlDoc | None, tuple[Comment, ...], list[Problem]]:
    """The document (for locating entries), its entries and the located problems."""
    if not present(root / COMMENTARY):
        return None, (), []
    doc, problems = read_yaml(root / COMMENTARY, COMMENTARY)
    if doc is None or problems:
        return None, (), problems
    try:
        return doc, CommentaryFile.model_validate(doc.data).commentary, []
    except ValidationError as exc:
        return doc, (), [_in_words(p) for p in shape_problems(doc, exc)]


def load_commentary_file(
    root: Path, problems: list[Problem], origins: Origins
) -> tuple[Comment, ...]:
    """The workspace's commentary; problems and the place of each entry, its month and its
    line (``("comment", "0")``, ``("comment_month", "0")``...) are added to those given."""
    doc, comments, found = read_commentary(root)
    problems += found
    if doc is not None:
        for index in range(len(comments)):
            for kind, key in (("comment", ()), ("comment_month", ("month",))):
                place = (COMMENTARY, *doc.locate(("commentary", index, *key)))
                origins[(kind, str(index))] = [place]
            place = (COMMENTARY, *doc.locate(("commentary", index, "budget_line")))
            origins[("comment_line", str(index))] = [place]
    return comments


def _in_words(problem: Problem) -> Problem:
    """A value problem says what to write, never a pydantic sentence or a pattern."""
    where, _, said = problem.message.partition(": ")
    if not any(words in said for words in PYDANTIC_WORDS):
        return replace(problem, hint=HINT)
    field = next((p for p in reversed(where.split(".")) if p in WRITE), "commentary")
    return replace(problem, message=f"{where}: write {WRITE[field]}", hint=HINT)
