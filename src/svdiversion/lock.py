"""One writer at a time: an exclusive lock on the workspace's ``ledger/`` folder.

The commands that change a ledger file (``close``, ``reopen``) read the ledger, decide,
and append. Two of them at once would each read the old file and the second rename
would drop the first one's record. Holding this lock from the read to the rename makes
the second wait and then decide on what the first wrote.

The lock is ``flock`` on the folder itself, so no lock file is ever left in the ledger;
the system releases it when the process ends, however it ends (``kill -9`` included).
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WAIT_SECONDS = 30.0
_POLL_SECONDS = 0.05


class LockUnavailable(Exception):
    """The lock was not taken: another command held the ledger longer than the wait
    allowed, or the folder cannot be opened. The message says which."""


@contextmanager
def ledger_lock(root: Path, wait: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the exclusive lock on ``root/ledger`` for the block, waiting up to ``wait``
    seconds for another command to finish. Raises :class:`LockUnavailable`."""
    try:
        handle = os.open(root / "ledger", os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise LockUnavailable(f"cannot open {root / 'ledger'}: {exc.strerror}") from None
    try:
        deadline = time.monotonic() + wait
        while not _try_lock(handle):
            if time.monotonic() >= deadline:
                raise LockUnavailable(
                    f"another svdiversion command has been writing to {root / 'ledger'} "
                    f"for over {wait:.0f} s"
                )
            time.sleep(_POLL_SECONDS)
        yield
    finally:
        os.close(handle)  # closing the descriptor releases the lock


def _try_lock(handle: int) -> bool:
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
            return False
        raise LockUnavailable(f"cannot lock the ledger folder: {exc.strerror}") from None
    return True
