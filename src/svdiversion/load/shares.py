"""``ledger/shares.yaml``: the record of every evaluation extract shared.

Written by ``svdiversion export evaluation`` only, one record appended per extract
(see ``evaluation.shares``). A file that does not read as a list of share records is
E503, located at the value at fault; it then counts as no shares.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from ..core.codes import Code
from ..core.models import ShareRecord, SharesFile
from ..core.problems import Problem
from .presence import present
from .yamldoc import as_written_by_the_tool, read_yaml, shape_problems

SHARES = "ledger/shares.yaml"
HINT = (
    "the file is written by 'svdiversion export evaluation' only: restore it from version control"
)

Origins = dict[tuple[str, str], list[tuple[str, int, int]]]


def read_shares(
    file: Path, display: str = SHARES
) -> tuple[list[ShareRecord] | None, list[Problem]]:
    """The records of a shares file, or ``None`` and the located problems (E002, E503)."""
    records, problems, _ = _read(file, display)
    return records, problems


def load_shares(root: Path, problems: list[Problem], origins: Origins) -> tuple[ShareRecord, ...]:
    """The workspace's shares (none when the file is absent or malformed); problems and
    the place of every record (``("share", "0")``...) are added to those given."""
    if not present(root / SHARES):
        return ()
    records, found, places = _read(root / SHARES, SHARES)
    problems += found
    for index, place in enumerate(places):
        origins[("share", str(index))] = [place]
    return tuple(records or ())


def _read(
    file: Path, display: str
) -> tuple[list[ShareRecord] | None, list[Problem], list[tuple[str, int, int]]]:
    doc, problems = read_yaml(file, display)
    if doc is None:
        return None, as_written_by_the_tool(problems, Code.E503, HINT), []
    items = doc.data.get("shares") if isinstance(doc.data, dict) else None
    count = len(items) if isinstance(items, list) else 0
    places = [(display, *doc.locate(("shares", i))) for i in range(count)]
    if problems:
        return None, as_written_by_the_tool(problems, Code.E503, HINT), places
    try:
        return list(SharesFile.model_validate(doc.data).shares), [], places
    except ValidationError as exc:
        return None, as_written_by_the_tool(shape_problems(doc, exc), Code.E503, HINT), places
