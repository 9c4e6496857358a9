from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may know besides the ledger: the date the ledger is checked as of."""

    as_of: date
