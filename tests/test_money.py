"""Exact money: integer pence inside, canonical text at the edges, never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from svdiversion.core.money import (
    divide_pence,
    format_money,
    format_pounds,
    from_pence,
    parse_pence,
    ratio,
    to_pence,
)


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("0", 0),
        ("0.5", 50),
        ("0.05", 5),
        ("538496.32", 53849632),
        ("-1234.5", -123450),
        ("-0.01", -1),
        ("600000", 60000000),
        ("11503.68", 1150368),
    ],
)
def test_parse_pence(text: str, pence: int) -> None:
    assert parse_pence(text) == pence


@pytest.mark.parametrize(
    "text",
    ["", "£5.00", "1,200.00", "1.234", "(5.00)", "+5", "05.00", "5.", ".5", "1e3", " 5", "NaN"],
)
def test_parse_pence_refuses_what_is_not_canonical(text: str) -> None:
    assert parse_pence(text) is None


def test_the_decision_adds_up_exactly() -> None:
    lines = [parse_pence("538496.32"), parse_pence("50000.00"), parse_pence("11503.68")]
    assert sum(p for p in lines if p is not None) == parse_pence("600000.00") == 60000000


@pytest.mark.parametrize(
    ("pence", "money", "pounds"),
    [
        (0, "0.00", "£0.00"),
        (5, "0.05", "£0.05"),
        (-1, "-0.01", "-£0.01"),
        (53849632, "538496.32", "£538,496.32"),
        (-120000, "-1200.00", "-£1,200.00"),
        (60000000, "600000.00", "£600,000.00"),
        (123456789012, "1234567890.12", "£1,234,567,890.12"),
    ],
)
def test_formats(pence: int, money: str, pounds: str) -> None:
    assert format_money(pence) == money
    assert format_pounds(pence) == pounds


def test_decimal_round_trip() -> None:
    assert to_pence(Decimal("538496.32")) == 53849632
    assert to_pence(Decimal("-0.5")) == -50
    assert to_pence(Decimal("50000")) == 5000000
    assert from_pence(53849632) == Decimal("538496.32")
    assert str(from_pence(-5)) == "-0.05"


LARGEST = 10**12 - 1  # £9,999,999,999.99: ten digits of pounds, see MAX_WHOLE_DIGITS


@given(st.integers(min_value=-LARGEST, max_value=LARGEST))
def test_format_and_parse_round_trip(pence: int) -> None:
    assert parse_pence(format_money(pence)) == pence
    assert to_pence(from_pence(pence)) == pence
    assert to_pence(Decimal(format_money(pence))) == pence


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (1, 3, Decimal("0.3333")),
        (2, 3, Decimal("0.6667")),
        (5, 8, Decimal("0.6250")),
        (1, 20000, Decimal("0.0000")),
        (3, 20000, Decimal("0.0002")),
        (0, 7, Decimal("0.0000")),
    ],
)
def test_ratio_rounds_half_even_to_four_places(
    numerator: int, denominator: int, expected: Decimal
) -> None:
    assert ratio(numerator, denominator) == expected


def test_ratio_of_nothing_is_none() -> None:
    assert ratio(5, 0) is None


@pytest.mark.parametrize(
    ("pence", "count", "expected"),
    [(1000, 3, 333), (1000, 4, 250), (250, 100, 2), (350, 100, 4), (-1000, 3, -333), (0, 5, 0)],
)
def test_divide_pence_rounds_half_even(pence: int, count: int, expected: int) -> None:
    assert divide_pence(pence, count) == expected


def test_divide_by_no_units_is_none() -> None:
    assert divide_pence(1000, 0) is None


@pytest.mark.parametrize("text", ["10000000000", "-10000000000.00", "12345678901234567890"])
def test_an_amount_of_eleven_or_more_digits_is_not_money(text: str) -> None:
    """No total can be thrown off by an amount no budget could hold (a pasted account
    number, a run of digits from a broken export)."""
    assert parse_pence(text) is None
