"""Where a command may write: the one guard every ``--out`` goes through.

An output never lands on a file the ledger is read from. The check compares *resolved*
paths on both sides, so a symlinked ``ledger/`` or ``config/`` folder, a symlink named as
the output, or ``..`` in a path cannot slip past it. Besides the inputs, a target must be
something a report can be written to: a regular file (replaced atomically), a character
device or a named pipe (written through, see :mod:`svdiversion.atomic`), or a path that
does not exist yet. A folder, a block device or a socket is refused.

The guard raises :class:`OutputRefused` with a message and a hint; the CLI turns it into
exit 2. It never writes anything itself.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .load import workspace_files

PROTECTED_FOLDERS = ("ledger", "config")


class OutputRefused(Exception):
    """The output was not written; ``message`` says why and ``hint`` what to do."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def output_file(root: Path, out: Path, example: str, what: str = "it") -> Path:
    """The resolved path a file output may be written to, or :class:`OutputRefused`.
    ``example`` is a path the hints suggest, ``what`` the hints' word for the output."""
    target = _outside_inputs(root, out, example, what)
    mode = _mode(target)
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputRefused(
            f"cannot write {out}: it is a folder", f"give a file name, e.g. --out {example}"
        )
    if mode is not None and (stat.S_ISBLK(mode) or stat.S_ISSOCK(mode)):
        raise OutputRefused(
            f"cannot write {out}: it is not a file, a terminal or a pipe",
            f"give a file name, e.g. --out {example}",
        )
    _parent_is_folder(out, target)
    return target


def output_folder(root: Path, out: Path, example: str, what: str = "it") -> Path:
    """The resolved folder a set of files may be written into, or :class:`OutputRefused`."""
    target = _outside_inputs(root, out, example, what)
    mode = _mode(target)
    if mode is not None and not stat.S_ISDIR(mode):
        raise OutputRefused(
            f"cannot write into {out}: it is a file", f"give a folder, e.g. --out {example}"
        )
    _parent_is_folder(out, target)
    return target


def _outside_inputs(root: Path, out: Path, example: str, what: str) -> Path:
    target = out.resolve()
    base = root.resolve()
    for name in PROTECTED_FOLDERS:
        folder = (base / name).resolve()
        if target == folder or target.is_relative_to(folder):
            raise OutputRefused(
                f"refusing to write {out}: it is inside the workspace's ledger or config folder",
                f"write {what} somewhere else, e.g. --out {example}",
            )
    if any(target == (base / name).resolve() for name in workspace_files(base)):
        raise OutputRefused(
            f"refusing to write {out}: it is a file the ledger is read from",
            f"write {what} somewhere else, e.g. --out {example}",
        )
    return target


def _parent_is_folder(out: Path, target: Path) -> None:
    """Missing folders above the target are made when it is written; a file in the way
    of one is refused now, before anything is written."""
    for parent in target.parents:
        mode = _mode(parent)
        if mode is None:
            continue
        if not stat.S_ISDIR(mode):
            raise OutputRefused(
                f"cannot write {out}: {parent} is not a folder",
                "give a path whose folders exist or can be made",
            )
        return


def _mode(path: Path) -> int | None:
    try:
        return os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise OutputRefused(f"cannot write {path}: {describe_os_error(exc)}") from None


def describe_os_error(exc: OSError) -> str:
    """``no space left on device``: the system's reason, in the case the messages use."""
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]
