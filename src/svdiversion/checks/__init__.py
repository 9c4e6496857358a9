"""Business rules over a loaded ledger.

Every check is a plain function ``(ledger, context) -> Iterable[Problem]`` listed in
``CHECKS``. Adding a rule is adding one function here, one member of ``core.codes.Code``
and one case in the bad-input corpus (``tests/corpus``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from ..core.ledger import Ledger
from ..core.problems import Problem
from .allocations import ALLOCATION_CHECKS
from .closes import CLOSE_CHECKS
from .commentary import COMMENTARY_CHECKS
from .context import CheckContext
from .contract import CONTRACT_CHECKS
from .episodes import EPISODE_CHECKS
from .forecasts import FORECAST_CHECKS
from .shares import SHARE_CHECKS
from .transactions import TRANSACTION_CHECKS

Check = Callable[[Ledger, CheckContext], Iterable[Problem]]

SIDE_BY_SIDE_ROWS = 100_000
"""From this many rows the checks run side by side (below it, threads cost more)."""

CHECKS: tuple[Check, ...] = (
    *CONTRACT_CHECKS,
    *TRANSACTION_CHECKS,
    *ALLOCATION_CHECKS,
    *EPISODE_CHECKS,
    *CLOSE_CHECKS,
    *SHARE_CHECKS,
    *FORECAST_CHECKS,
    *COMMENTARY_CHECKS,
)


def run_checks(ledger: Ledger, context: CheckContext) -> list[Problem]:
    """Every check's problems, in the order of ``CHECKS``.

    On a large ledger the checks run side by side (their column questions are pyarrow
    kernels, which release the GIL); a check only reads the ledger, whose tables cache
    each answer they build whole, so which thread asks first changes nothing."""
    if len(ledger.transactions) + len(ledger.episodes) < SIDE_BY_SIDE_ROWS:
        return [problem for check in CHECKS for problem in check(ledger, context)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        found = pool.map(lambda check: list(check(ledger, context)), CHECKS)
        return [problem for problems in found for problem in problems]


__all__ = ["CHECKS", "Check", "CheckContext", "run_checks"]
