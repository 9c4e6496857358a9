"""The one clock: what "today" and "now" are, for every command and the library.

``SVDIVERSION_TODAY`` (``YYYY-MM-DD``) sets today, as ``SOURCE_DATE_EPOCH`` sets the
moment a file is stamped with: for tests and for a run that must give the same output
tomorrow (a report with no ``--as-of`` stands at today). Nothing else reads the system
date.
"""

from __future__ import annotations

import os
from datetime import date, datetime

TODAY = "SVDIVERSION_TODAY"


def today() -> date:
    """Today's date, or ``SVDIVERSION_TODAY`` when it is set to a date."""
    fixed = os.environ.get(TODAY, "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError:
            pass  # not a date: the system date, as if it were not set
    return date.today()


def now() -> datetime:
    """The time a record is stamped with: local time with its UTC offset, to the second."""
    return datetime.now().astimezone().replace(microsecond=0)
