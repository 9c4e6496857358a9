"""Text a spreadsheet would run as a formula.

Ledger files are opened in spreadsheets. A value such as ``=HYPERLINK("http://...")`` or
``-cmd|' /C calc'!A0``, typed in or brought in from a finance export, would run there
instead of being read. A value *runs as a formula* when, after any spaces or control
characters, it starts with ``=`` or ``@``, or with ``+`` or ``-`` followed by anything but
a plain number or amount: ``-`` alone (a reference meaning none), ``-£1,250.00`` and
``+44 1234`` are text; ``- Credit note`` and ``+SUM(A1)`` run. ``import`` makes such text
inert with a leading ``'``; ``check`` warns on any it finds (W405).
"""

from __future__ import annotations

import re

_SKIPPED = r"[\x00-\x20\x7f\xa0]"
RUNS_AS_FORMULA = re.compile(
    rf"^{_SKIPPED}*(?:[=@]|[+\-](?!{_SKIPPED}*[£$€]?[0-9.,\x00-\x20\x7f\xa0]*$))"
)
MAYBE_FORMULA = rf"^{_SKIPPED}*[=@+\-]"
"""A pattern in the syntax Python's ``re`` and RE2 share that matches at least every value
:data:`RUNS_AS_FORMULA` does, so a column can be ruled out whole."""


def runs_as_formula(text: str) -> bool:
    """Whether a spreadsheet would run ``text`` as a formula (see the module docstring).

    >>> runs_as_formula('=HYPERLINK("http://x")'), runs_as_formula("-")
    (True, False)
    """
    return RUNS_AS_FORMULA.search(text) is not None


def made_inert(text: str) -> str:
    """``text`` with a leading apostrophe when it would run as a formula: a spreadsheet
    shows it as text, and a reader of the CSV sees at once that it was changed."""
    return "'" + text if runs_as_formula(text) else text
