"""The treasurer's forecast (``ledger/forecasts.yaml``) speaks of the contract: each entry
names a budget line it defines and months inside its period, from the entry's ``from`` on."""

from __future__ import annotations

from collections.abc import Iterable

from ..core.codes import Code
from ..core.fiscal import Month
from ..core.forecasts import month_key
from ..core.ledger import Ledger
from ..core.problems import Problem
from .context import CheckContext


def forecasts_name_known_lines(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """E701 for an entry whose budget line no decision or variation defines."""
    lines = sorted(line.id for line in ledger.line_budgets())
    for index, forecast in enumerate(ledger.forecasts):
        if forecast.budget_line in lines:
            continue
        path, line, column = ledger.origin("forecast_budget_line", str(index))
        yield Problem(
            path,
            line,
            column,
            Code.E701,
            f"forecast for unknown budget line {forecast.budget_line!r}",
            "write the id of a budget line of the contract: " + ", ".join(lines),
        )


def forecast_months_in_contract(ledger: Ledger, context: CheckContext) -> Iterable[Problem]:
    """E702 for a ``from`` month or a month of ``spend`` outside the contract period, and
    for a month of ``spend`` before the entry's ``from``."""
    if not ledger.decisions:
        return
    first, last = Month.of(ledger.start), Month.of(ledger.end)
    span = f"the contract runs from {first} to {last}"
    for index, forecast in enumerate(ledger.forecasts):
        start = Month.parse(forecast.from_)
        if not first <= start <= last:
            path, line, column = ledger.origin("forecast_from", str(index))
            yield Problem(
                path,
                line,
                column,
                Code.E702,
                f"forecast for {forecast.budget_line} from {start}, outside the contract "
                f"({first} to {last})",
                f"write a month from {first} to {last}: {span}",
            )
        for key in forecast.spend:
            month = month_key(key)
            if month is None:
                continue
            if first <= month <= last and month >= start:
                continue
            path, line, column = ledger.origin("forecast_month", f"{index}/{key}")
            outside = month < first or month > last
            why = (
                f"outside the contract ({first} to {last})"
                if outside
                else f"before its from month {start}"
            )
            yield Problem(
                path,
                line,
                column,
                Code.E702,
                f"forecast for {forecast.budget_line} in {month}, {why}",
                f"list months from {start} (the entry's from) to {last}; {span}",
            )


FORECAST_CHECKS = (forecasts_name_known_lines, forecast_months_in_contract)
