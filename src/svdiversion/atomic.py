"""Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed
over the target, so a reader sees the old file or the new one, never half of one, and an
interrupted write leaves the old file as it was.

A target that is a character device or a named pipe (``/dev/null``, ``/dev/stdout``, a
FIFO a CI step reads from) is not a file to replace: renaming over it would destroy the
device. Such a target is written through, as the shell's ``>`` would; an error it gives
(``/dev/full``: no space left on device) is raised like any other.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


def write_atomic(
    path: Path, data: bytes | str, *, verify: Callable[[Path], None] | None = None
) -> None:
    """Write ``data`` (text is UTF-8) to ``path``: see :func:`atomic_writer`."""
    with atomic_writer(path, verify=verify) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)


def is_stream_target(path: Path) -> bool:
    """A character device or a named pipe: written through, never replaced."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


@contextmanager
def atomic_writer(
    path: Path, *, verify: Callable[[Path], None] | None = None
) -> Iterator[BinaryIO]:
    """A binary stream whose bytes replace ``path`` only when the block ends without an
    error, making the folder if need be. ``verify`` is called with the complete temporary
    file before the rename and may raise to keep the old file. A new file gets the
    permissions ``open()`` would give it (0o666 less the umask); a replaced file keeps
    its own. A device or pipe is written through (see the module docstring)."""
    path = Path(path)
    if verify is None and is_stream_target(path):
        with open(path, "wb") as stream:
            yield stream
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = path.stat().st_mode & 0o7777 if path.exists() else _default_mode()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if verify is not None:
            verify(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows it."""
    with contextlib.suppress(OSError):
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _default_mode() -> int:
    """mkstemp creates files 0o600; a report or return is meant to be shared like any file."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask
