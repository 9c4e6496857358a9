"""A finance export's text as a ledger value: one line, at most 500 characters, inert.

Export text is untrusted: a description may hold control characters (a terminal escape,
a line break) or start like a formula (``=HYPERLINK(...)``). In the ledger it becomes
one line with control characters as spaces, cut to the ledger's 500 characters, and text
that a spreadsheet would run gets a leading ``'`` (:mod:`svdiversion.core.text`), which
``import`` reports as W603 at the export's row.
"""

from __future__ import annotations

import re

from ..core.text import made_inert

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
MAX_TEXT = 500


def clean_text(text: str) -> str:
    """Export text as a ledger value: control characters as spaces, at most 500
    characters (499 and the apostrophe when it is made inert), never a live formula."""
    return made_inert(" ".join(_CONTROL.sub(" ", text).split()))[:MAX_TEXT]


def runs_when_imported(text: str) -> bool:
    """Whether ``text`` is made inert on its way into the ledger."""
    one_line = " ".join(_CONTROL.sub(" ", text).split())
    return made_inert(one_line) != one_line
