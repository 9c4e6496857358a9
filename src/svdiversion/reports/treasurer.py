"""The treasurer's forecast beside the profile: what each line is now expected to spend.

For a line with a forecast (``ledger/forecasts.yaml``, entries said on or before the as-of
date), each month the forecast covers takes the treasurer's figure in place of the
tranches due in it, and that figure counts as if due on the month's last day. So, as of a
date:

* *expected to date* is the profile to date, with each covered month whose last day has
  passed counted at the treasurer's figure (and a covered month not yet ended at nothing);
* the *treasurer's forecast* (outturn) is the actual spend to date plus the profile still
  to come, with each covered month not yet ended counted at the treasurer's figure less
  what is already spent in it (never below nothing: a month's spend is never counted
  twice, once as actual and again as forecast), and a covered month already ended at
  nothing (its spend is in the actual).

A line without a forecast has neither: its report keeps the profile.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from ..core.fiscal import Month
from ..core.forecasts import treasurer_months
from ..core.ledger import Ledger
from ..core.money import Pence, to_pence


@dataclass(frozen=True, slots=True)
class TreasurerLine:
    """A line's figures with the treasurer's forecast in place of the profile."""

    expected_to_date: Pence
    forecast_outturn: Pence


def treasurer_lines(
    ledger: Ledger,
    actual_by_line: dict[str, Pence],
    as_of: date,
    actual_by_line_month: dict[tuple[str, Month], Pence] | None = None,
) -> dict[str, TreasurerLine]:
    """Budget line -> its figures, for each line with a forecast known on ``as_of``.

    ``ledger`` is the ledger as known on ``as_of`` (``Ledger.known_on``);
    ``actual_by_line_month`` the spend to ``as_of`` by line and month."""
    spent = actual_by_line_month or {}
    covered = treasurer_months(ledger.forecasts)
    if not covered:
        return {}
    to_date: dict[str, Pence] = defaultdict(int)
    to_come: dict[str, Pence] = defaultdict(int)
    for _, tranche in ledger.tranches():
        if Month.of(tranche.due) in covered.get(tranche.line, {}):
            continue
        target = to_date if tranche.due <= as_of else to_come
        target[tranche.line] += to_pence(tranche.amount)
    result = {}
    for line, months in covered.items():
        ended = sum(p for m, p in months.items() if m.last_day <= as_of)
        coming = sum(
            max(p - spent.get((line, m), 0), 0) for m, p in months.items() if m.last_day > as_of
        )
        result[line] = TreasurerLine(
            expected_to_date=to_date[line] + ended,
            forecast_outturn=actual_by_line.get(line, 0) + to_come[line] + coming,
        )
    return result
