"""Options every report takes: the as-of date, an optional window, the bucket size."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from ..core.fiscal import DateRange, Month
from .disclosure import Disclosure


class Bucket(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    FY = "fy"


@dataclass(frozen=True, slots=True)
class ReportOptions:
    """``as_of``: only data dated on or before it is used. ``window``: the months shown
    (a month, period, quarter or financial year); ``None`` shows the whole contract."""

    as_of: date
    window: DateRange | None = None
    bucket: Bucket = Bucket.MONTH
    # The treasurer's forecasts said by this day count (default: by ``as_of``): the day a
    # closed month was closed, so its pack counts what was said during its month end.
    forecasts_said_by: date | None = None

    def at_period_end(self) -> ReportOptions:
        """The options a published report stands at: the last month end on or before
        ``as_of``. A report for any day would differ from the day before's by the children
        whose episode ended that day; period ends are the only days published."""
        return replace(self, as_of=period_end(self.as_of))

    def standing(self, disclosure: Disclosure) -> ReportOptions:
        """Where a report in ``disclosure`` stands: a published one at the last month end
        on or before ``as_of`` (:meth:`at_period_end`), an internal one at ``as_of``."""
        return self.at_period_end() if disclosure is Disclosure.PUBLISHED else self

    def in_window(self, month: Month) -> bool:
        if self.window is None:
            return True
        return self.window.start <= month.last_day and month.first_day <= self.window.end


def bucket_label(month: Month, bucket: Bucket) -> str:
    if bucket is Bucket.QUARTER:
        return month.fy_quarter
    if bucket is Bucket.FY:
        return month.fy_label
    return str(month)


def period_end(day: date) -> date:
    """The last month end on or before ``day`` (``day`` itself when it is one)."""
    following = day + timedelta(days=1)
    return day if following.day == 1 else following.replace(day=1) - timedelta(days=1)
