"""Whether an optional file is there: the one probe every optional file goes through.

``Path.exists()`` raises ``PermissionError`` when a folder above the file cannot be
searched, and a traceback is the wrong answer to a folder's permissions. A file that
cannot be looked at counts as present: reading it then reports E002 with the reason,
the same problem a required file that cannot be read gets.
"""

from __future__ import annotations

import os
from pathlib import Path


def present(path: Path) -> bool:
    """``path`` exists, or cannot be looked at (so that reading it reports why)."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return False
    except NotADirectoryError:
        return False  # a file where a folder above it should be: nothing is there
    except OSError:
        return True
    return True
