"""The record of shares is appended to, never rewritten: its records stay in time order
(``ledger/shares.yaml``, written by ``svdiversion export evaluation``)."""

from __future__ import annotations

from collections.abc import Iterable

from ..core.codes import Code
from ..core.ledger import Ledger
from ..core.problems import Problem
from ..load.shares import HINT
from .context import CheckContext


def shares_in_order(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """E503 for a share record made before the one above it: records are only appended,
    so one out of order was edited or moved."""
    for index in range(1, len(ledger.shares)):
        before, record = ledger.shares[index - 1], ledger.shares[index]
        if record.at < before.at:
            path, line, column = ledger.origin("share", str(index))
            yield Problem(
                path,
                line,
                column,
                Code.E503,
                f"the share to {record.recipient} is dated {record.at.isoformat()}, before "
                f"the record above it ({before.at.isoformat()}): records are only appended",
                HINT,
            )


SHARE_CHECKS = (shares_in_order,)
