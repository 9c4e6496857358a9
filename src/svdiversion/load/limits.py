"""The sizes a ledger file may have: checked before a file is parsed, so a hostile or
broken file costs a bounded time and memory and gets a located problem, never a stall.

| limit | value | why |
| --- | --- | --- |
| a CSV file | 512 MiB | about 4 million transactions, 8 times the largest ledger benchmarked |
| a YAML file | 8 MiB | a contract with thousands of lines and tranches is under 1 MiB |
| columns of a CSV header | 256 | the widest file (episodes) has 14 plus its outcome measures |
| YAML nesting | 64 levels | ledger files use about six (see ``yamldoc.MAX_DEPTH``) |
| problems shown per code and file | 200 | the rest are counted in one closing problem |

``docs/reliability.md`` lists the same table; a test keeps the two in step.
"""

from __future__ import annotations

import os
import stat
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from ..core.codes import Code
from ..core.problems import Problem

MAX_CSV_BYTES = 512 * 2**20
MAX_YAML_BYTES = 8 * 2**20
MAX_COLUMNS = 256
MAX_PROBLEMS_PER_CODE = 200


def refused(path: Path, display: str, limit: int, kind: str) -> Problem | None:
    """E002 when ``path`` is not a regular file (a device or a pipe would never end, or
    block the open) or is over ``limit`` bytes; ``None`` when it may be read, or when it
    cannot be looked at (opening it then reports why)."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) and not stat.S_ISDIR(info.st_mode):  # open names a folder
        return Problem(
            display,
            0,
            0,
            Code.E002,
            "cannot read file: it is a device or a pipe, not a file",
            f"make {display} a file of its own",
        )
    if info.st_size <= limit:
        return None
    return Problem(
        display,
        0,
        0,
        Code.E002,
        f"the file is {_mebibytes(info.st_size)}; a ledger {kind} file is read up to "
        f"{_mebibytes(limit)}",
        "check it is the right file; a ledger this large should be split by year "
        "(see docs/reliability.md)",
    )


def cap_repeats(problems: Iterable[Problem], limit: int = MAX_PROBLEMS_PER_CODE) -> list[Problem]:
    """At most ``limit`` problems of one code in one file, in the order given, and for
    each code over it one more problem saying how many were left out (same file and
    code, so the exit code and the JSON counts by code still tell the truth)."""
    kept: list[Problem] = []
    seen: Counter[tuple[str, str]] = Counter()
    for problem in problems:
        key = (problem.path, problem.code)
        seen[key] += 1
        if seen[key] <= limit:
            kept.append(problem)
    for (path, code), count in seen.items():
        if count > limit:
            kept.append(
                Problem(
                    path,
                    0,
                    0,
                    code,
                    f"... and {count - limit:,} more {code} problems in this file, not shown",
                    f"fix the {limit} shown (often one cause), then run check again",
                )
            )
    return kept


def _mebibytes(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"
