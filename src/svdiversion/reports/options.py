"""Options every report takes: the as-of date, an optional window, the bucket size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from ..core.fiscal import DateRange, Month


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
