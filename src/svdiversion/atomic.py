"""Atomic file writes: a temporary file in the same folder, flushed to disk, then renamed
over the target, so a reader sees the old file or the new one, never half of one, and an
interrupted write leaves the old file as it was."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` (text is UTF-8) to ``path``, making its folder if need be. A new file
    gets the permissions ``open()`` would give it (0o666 less the umask); a replaced file
    keeps its own."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    mode = path.stat().st_mode & 0o7777 if path.exists() else _default_mode()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _default_mode() -> int:
    """mkstemp creates files 0o600; a report or return is meant to be shared like any file."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask
