"""The UK public-sector financial calendar: April to March, P1 is April, Q1 is Apr-Jun."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from svdiversion.core.fiscal import (
    DateRange,
    Month,
    fy_label,
    months_between,
    parse_fy,
    parse_month,
    parse_period,
    parse_quarter,
)


@pytest.mark.parametrize(
    ("month", "fy_period", "fy_quarter"),
    [
        (Month(2023, 7), "2023/24 P04", "2023/24 Q2"),
        (Month(2024, 3), "2023/24 P12", "2023/24 Q4"),
        (Month(2024, 4), "2024/25 P01", "2024/25 Q1"),
        (Month(2024, 9), "2024/25 P06", "2024/25 Q2"),
        (Month(2024, 12), "2024/25 P09", "2024/25 Q3"),
        (Month(2025, 1), "2024/25 P10", "2024/25 Q4"),
        (Month(2099, 6), "2099/00 P03", "2099/00 Q1"),
    ],
)
def test_periods_and_quarters(month: Month, fy_period: str, fy_quarter: str) -> None:
    assert month.fy_period == fy_period
    assert month.fy_quarter == fy_quarter


def test_the_contract_is_21_periods() -> None:
    months = list(months_between(Month(2023, 7), Month(2025, 3)))
    assert len(months) == 21
    assert [m.fy_period for m in months[:2]] == ["2023/24 P04", "2023/24 P05"]
    assert months[-1].fy_period == "2024/25 P12"


def test_month_days_and_neighbours() -> None:
    february = Month.of(date(2024, 2, 10))
    assert (february.first_day, february.last_day) == (date(2024, 2, 1), date(2024, 2, 29))
    assert Month(2025, 2).last_day == date(2025, 2, 28)
    assert Month(2024, 12).next() == Month(2025, 1)
    assert Month(2025, 1).previous() == Month(2024, 12)
    assert Month(2024, 12).last_day == date(2024, 12, 31)
    assert str(Month(2024, 9)) == "2024-09"
    assert Month(2024, 9) < Month(2024, 10) < Month(2025, 1)


def test_month_parse() -> None:
    assert Month.parse(" 2024-09 ") == Month(2024, 9)
    for text in ("2024-13", "2024-9", "Sep 2024", "2024/09", "2024-00"):
        with pytest.raises(ValueError, match=r"write it as YYYY-MM, e\.g\. 2024-09"):
            Month.parse(text)


def test_fy_label() -> None:
    assert (fy_label(2023), fy_label(2024), fy_label(1999)) == ("2023/24", "2024/25", "1999/00")


def test_parse_month() -> None:
    assert parse_month("2024-09") == DateRange(
        date(2024, 9, 1), date(2024, 9, 30), "2024-09 (2024/25 P06)"
    )


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2024/25-P06", date(2024, 9, 1), date(2024, 9, 30), "2024/25 P06 (2024-09)"),
        ("2024/25 P6", date(2024, 9, 1), date(2024, 9, 30), "2024/25 P06 (2024-09)"),
        ("2023/24-p12", date(2024, 3, 1), date(2024, 3, 31), "2023/24 P12 (2024-03)"),
        ("2024/25P01", date(2024, 4, 1), date(2024, 4, 30), "2024/25 P01 (2024-04)"),
        ("2024/25-P10", date(2025, 1, 1), date(2025, 1, 31), "2024/25 P10 (2025-01)"),
    ],
)
def test_parse_period(text: str, start: date, end: date, label: str) -> None:
    assert parse_period(text) == DateRange(start, end, label)


@pytest.mark.parametrize("text", ["2024/25-P13", "2024/25-P0", "2024/26-P01", "2024-P01", "P06"])
def test_parse_period_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        parse_period(text)


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2024/25-Q1", date(2024, 4, 1), date(2024, 6, 30), "2024/25 Q1"),
        ("2024/25-Q2", date(2024, 7, 1), date(2024, 9, 30), "2024/25 Q2"),
        ("2024/25 q3", date(2024, 10, 1), date(2024, 12, 31), "2024/25 Q3"),
        ("2024/25Q4", date(2025, 1, 1), date(2025, 3, 31), "2024/25 Q4"),
    ],
)
def test_parse_quarter(text: str, start: date, end: date, label: str) -> None:
    assert parse_quarter(text) == DateRange(start, end, label)


@pytest.mark.parametrize("text", ["2024/25-Q5", "2024/25-Q0", "2024-Q1", "2024/26-Q1"])
def test_parse_quarter_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="is not a"):
        parse_quarter(text)


def test_parse_fy() -> None:
    year = parse_fy("2024/25")
    assert year == DateRange(date(2024, 4, 1), date(2025, 3, 31), "2024/25")
    assert date(2025, 3, 31) in year and date(2024, 3, 31) not in year
    assert "2024-04-01" not in year
    with pytest.raises(
        ValueError, match=r"'2024/2025' is not a financial year; write it as 2024/25"
    ):
        parse_fy("2024/2025")


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31)))
def test_every_day_is_in_its_period_quarter_and_year(day: date) -> None:
    month = Month.of(day)
    label, period = month.fy_period.split(" ")
    assert day in parse_period(f"{label}-{period}")
    assert day in parse_quarter(month.fy_quarter.replace(" ", "-"))
    assert day in parse_fy(label)
    assert day in parse_month(str(month))
    assert month.fy_start == (day.year if day.month >= 4 else day.year - 1)
