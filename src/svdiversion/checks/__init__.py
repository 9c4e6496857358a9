"""Business rules over a loaded ledger.

Every check is a plain function ``(ledger, context) -> Iterable[Problem]`` listed in
``CHECKS``. Adding a rule is adding one function here, one member of ``core.codes.Code``
and one case in the bad-input corpus (``tests/corpus``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

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
    return [problem for check in CHECKS for problem in check(ledger, context)]


__all__ = ["CHECKS", "Check", "CheckContext", "run_checks"]
