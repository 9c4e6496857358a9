"""``ledger/forecasts.yaml``: the treasurer's expected spend, by month and budget line.

The profile (the tranches) says what the contract planned; the run rate what recent months
suggest. The treasurer often knows better: an invoice held, a milestone that slipped. One
entry records that knowledge for one budget line from a month on, with who said it, when
and why::

    forecasts:
      - budget_line: evaluation
        from: 2024-09
        said_by: A. Treasurer
        said_on: 2024-09-20
        reason: The interim report slipped; the evaluator will invoice in October.
        spend:
          2024-09: 0.00
          2024-10: 15000.00

The months an entry lists replace the profile of its line for those months; months it
does not list keep the profile. A later word (``said_on``, then file order) replaces an
earlier one for the same line from its ``from`` month on. A report as of a date counts
only the entries said on or before it. How reports use the figures is in
``reports.burndown`` and docs/output-formats.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints

from .fiscal import Month
from .models import Frozen, LedgerDate, LineId, Money, MonthText
from .money import Pence, to_pence


def _keys_as_text(value: object) -> object:
    """Month keys as text: ``2024-10-01`` (a date in YAML) or ``202410`` stay readable, so
    the loader can say what to write instead of a type error."""
    if isinstance(value, dict):
        return {str(key): amount for key, amount in value.items()}
    return value


class Forecast(Frozen):
    """One entry of ``ledger/forecasts.yaml``. Month keys of ``spend`` are checked by the
    loader (written ``YYYY-MM``, from ``from`` on), where each can be located."""

    budget_line: LineId
    from_: MonthText = Field(alias="from")
    said_by: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    said_on: LedgerDate
    reason: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    spend: Annotated[
        dict[str, Money], BeforeValidator(_keys_as_text), Field(min_length=1, max_length=600)
    ]


class ForecastsFile(Frozen):
    forecasts: tuple[Forecast, ...] = ()


def said_by_then(forecasts: Iterable[Forecast], day: date) -> tuple[Forecast, ...]:
    """The entries said on or before ``day``, in file order."""
    return tuple(f for f in forecasts if f.said_on <= day)


def treasurer_months(forecasts: Iterable[Forecast]) -> dict[str, dict[Month, Pence]]:
    """Budget line -> month -> the treasurer's expected spend in pence, for the months a
    forecast covers now. Entries apply in the order they were said (file order on the same
    day); each first drops what earlier entries said of its line from its ``from`` on.
    Month keys that do not read as months are left out (the check reports them)."""
    result: dict[str, dict[Month, Pence]] = {}
    for forecast in sorted(forecasts, key=lambda f: f.said_on):
        start = Month.parse(forecast.from_)
        months = result.setdefault(forecast.budget_line, {})
        for month in [m for m in months if m >= start]:
            del months[month]
        for key, amount in forecast.spend.items():
            listed = month_key(key)
            if listed is not None and listed >= start:
                months[listed] = to_pence(amount)
    return {line: months for line, months in result.items() if months}


def month_key(text: str) -> Month | None:
    """A key of ``spend`` as a month, or ``None`` when it is not written ``YYYY-MM``."""
    try:
        return Month.parse(text) if len(text) == 7 else None
    except ValueError:
        return None
