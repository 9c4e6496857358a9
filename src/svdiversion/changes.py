"""Which lines of which ledger files changed since a git revision.

``check --changed-since REV`` keeps warnings only for rows a change touched, so a pull
request is not blamed for warnings it did not cause. The answer comes from git:

    git diff --unified=0 REV -- config ledger

read as "these lines of the working tree are new or changed", plus files added since
``REV`` (and files git does not track yet), which count as changed throughout.

changes = changed_since(Path("."), "origin/main")
changes.touches("ledger/transactions.csv", 42)
"""

from __future__ import annotations

import codecs
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

# The folders of a workspace that hold ledger files (see load/__init__.py).
LEDGER_FOLDERS = ("config", "ledger")

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class ChangesUnavailable(Exception):
    """git is missing, the folder is not in a repository, or the revision is unknown."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True, slots=True)
class Changes:
    """Changed line numbers per workspace-relative path, and files that are new as a whole."""

    lines: dict[str, frozenset[int]] = field(default_factory=dict)
    added: frozenset[str] = frozenset()

    def touches(self, path: str, line: int) -> bool:
        """Whether line ``line`` of ``path`` is new or changed (any line of an added file)."""
        return path in self.added or line in self.lines.get(path, frozenset())


def parse_diff(text: str) -> Changes:
    """Read ``git diff --unified=0 --no-renames`` output into :class:`Changes`.

    Only the new side matters: a hunk ``@@ -12,0 +13,2 @@`` changed lines 13 and 14;
    ``+13,0`` (lines only removed) changed none.
    """
    lines: dict[str, set[int]] = {}
    added: set[str] = set()
    current: str | None = None
    new_file = False
    for row in text.splitlines():
        if row.startswith("diff --git "):
            current, new_file = None, False
        elif row.startswith("new file mode"):
            new_file = True
        elif row.startswith("+++ "):
            target = row[4:]
            current = None if target == "/dev/null" else _unquote(target).removeprefix("b/")
            if current is not None:
                lines.setdefault(current, set())
                if new_file:
                    added.add(current)
        elif current is not None and (hunk := _HUNK.match(row)):
            start, count = int(hunk[1]), int(hunk[2] if hunk[2] is not None else 1)
            lines[current].update(range(start, start + count))
    return Changes({path: frozenset(numbers) for path, numbers in lines.items()}, frozenset(added))


def _unquote(path: str) -> str:
    """git writes unusual paths C-quoted: ``"b/caf\\303\\251.csv"``."""
    if len(path) >= 2 and path[0] == path[-1] == '"':
        raw = codecs.escape_decode(path[1:-1].encode("utf-8"))[0]
        return bytes(raw).decode("utf-8", "replace")
    return path


def changed_since(root: Path, revision: str, *, git: str = "git") -> Changes:
    """Lines of the workspace at ``root`` that changed since ``revision``.

    Raises :class:`ChangesUnavailable` when git cannot answer.
    """
    _git(root, git, "rev-parse", "--show-toplevel")
    if revision.startswith("-"):
        raise ChangesUnavailable(f"{revision!r} is not a revision", _REV_HINT)
    try:
        _git(
            root,
            git,
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            f"{revision}^{{commit}}",
        )
    except ChangesUnavailable:
        raise ChangesUnavailable(f"unknown revision {revision!r}", _REV_HINT) from None
    diff = _git(
        root,
        git,
        "diff",
        "--unified=0",
        "--no-renames",
        "--no-color",
        "--no-ext-diff",
        "--no-textconv",
        "--relative",
        "--src-prefix=a/",
        "--dst-prefix=b/",
        revision,
        "--",
        *LEDGER_FOLDERS,
    )
    changes = parse_diff(diff)
    untracked = _git(
        root, git, "ls-files", "--others", "--exclude-standard", "-z", "--", *LEDGER_FOLDERS
    )
    new = {name for name in untracked.split("\0") if name}
    return Changes(changes.lines, changes.added | new)


_REV_HINT = (
    "name a commit, branch or tag git knows, e.g. origin/main; in CI fetch the history "
    "first (actions/checkout with fetch-depth: 0)"
)


def _git(root: Path, git: str, *args: str) -> str:
    try:
        done = subprocess.run(
            [git, "-C", str(root), *args],
            capture_output=True,
            check=False,
            encoding="utf-8",
            errors="replace",
        )
    except FileNotFoundError:
        raise ChangesUnavailable(
            "--changed-since needs git, and git was not found",
            "install git, or check without --changed-since",
        ) from None
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()
        raise ChangesUnavailable(
            f"git cannot answer: {reason[-1] if reason else f'exit {done.returncode}'}",
            "--changed-since works in a git repository that holds the workspace",
        )
    return done.stdout
