"""The UK public-sector financial calendar: years April to March, periods P1 (April) to
P12 (March), quarters Q1 (Apr-Jun) to Q4 (Jan-Mar). Treasurers say "2024/25 P06"."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, slots=True, order=True)
class Month:
    """A calendar month; ``Month(2024, 9)`` is September 2024, period 2024/25 P06."""

    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """``2024-09``."""
        match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
        if not match or not 1 <= int(match[2]) <= 12:
            raise ValueError(f"{text!r} is not a month; write it as YYYY-MM, e.g. 2024-09")
        return cls(int(match[1]), int(match[2]))

    @property
    def index(self) -> int:
        return self.year * 12 + self.month - 1

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def fy_start(self) -> int:
        """The calendar year in which this month's financial year starts."""
        return self.year if self.month >= 4 else self.year - 1

    @property
    def period(self) -> int:
        return (self.month - 4) % 12 + 1

    @property
    def quarter(self) -> int:
        return (self.period - 1) // 3 + 1

    @property
    def fy_label(self) -> str:
        return fy_label(self.fy_start)

    @property
    def fy_period(self) -> str:
        """``2023/24 P04``."""
        return f"{self.fy_label} P{self.period:02d}"

    @property
    def fy_quarter(self) -> str:
        """``2023/24 Q2``."""
        return f"{self.fy_label} Q{self.quarter}"

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def fy_label(fy_start: int) -> str:
    return f"{fy_start}/{(fy_start + 1) % 100:02d}"


def months_between(first: Month, last: Month) -> Iterator[Month]:
    """Every month from ``first`` to ``last`` inclusive."""
    current = first
    while current <= last:
        yield current
        current = current.next()


@dataclass(frozen=True, slots=True)
class DateRange:
    """An inclusive span of days with a label a treasurer would use."""

    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def _fy_start_from(text: str) -> int:
    match = re.fullmatch(r"(\d{4})/(\d{2})", text)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ValueError(f"{text!r} is not a financial year; write it as 2024/25")
    return int(match[1])


def parse_month(text: str) -> DateRange:
    month = Month.parse(text)
    return DateRange(month.first_day, month.last_day, f"{month} ({month.fy_period})")


def parse_period(text: str) -> DateRange:
    """``2024/25-P06`` (also accepts a space or ``P6``)."""
    match = re.fullmatch(r"(\d{4}/\d{2})[- ]?P(\d{1,2})", text.strip(), re.IGNORECASE)
    if not match or not 1 <= int(match[2]) <= 12:
        raise ValueError(f"{text!r} is not a period; write it as 2024/25-P06 (P01 is April)")
    fy = _fy_start_from(match[1])
    period = int(match[2])
    month = Month(fy + (period + 2) // 12, (period + 2) % 12 + 1)
    return DateRange(month.first_day, month.last_day, f"{month.fy_period} ({month})")


def parse_quarter(text: str) -> DateRange:
    """``2024/25-Q2`` is July to September 2024."""
    match = re.fullmatch(r"(\d{4}/\d{2})[- ]?Q([1-4])", text.strip(), re.IGNORECASE)
    if not match:
        raise ValueError(f"{text!r} is not a quarter; write it as 2024/25-Q2 (Q1 is Apr-Jun)")
    fy = _fy_start_from(match[1])
    quarter = int(match[2])
    first = Month(fy, 4)
    for _ in range((quarter - 1) * 3):
        first = first.next()
    last = first.next().next()
    return DateRange(first.first_day, last.last_day, first.fy_quarter)


def parse_fy(text: str) -> DateRange:
    """``2024/25`` is 1 April 2024 to 31 March 2025."""
    fy = _fy_start_from(text.strip())
    return DateRange(date(fy, 4, 1), date(fy + 1, 3, 31), fy_label(fy))


FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2199, 12, 31)
"""The dates svdiversion works with: a year such as 9999 is a typing error, and a report
counting months up to it would run off the calendar."""


class OutsideDates(ValueError):
    """A date, month or window that is not within :data:`FIRST_DATE` to :data:`LAST_DATE`."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"{text!r} is outside the dates svdiversion works with, "
            f"{FIRST_DATE.isoformat()} to {LAST_DATE.isoformat()}"
        )


def check_within(text: str, first: date, last: date) -> None:
    """:class:`OutsideDates` unless ``first`` to ``last`` (what ``text`` names) lies
    within the dates svdiversion works with."""
    if first < FIRST_DATE or last > LAST_DATE:
        raise OutsideDates(text)


def parse_bounded(parse: Callable[[str], DateRange], text: str) -> DateRange:
    """``parse(text)``, a window within the dates svdiversion works with: its year is
    looked at first (9999's December has no end to work out), then its span.
    ``ValueError`` says what to write; :class:`OutsideDates` names the range."""
    year = re.match(r"\s*(\d{4})", text)
    if year and not FIRST_DATE.year <= int(year[1]) <= LAST_DATE.year:
        raise OutsideDates(text)
    window = parse(text)
    check_within(text, window.start, window.end)
    return window
