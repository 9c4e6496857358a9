"""Referrals by equality column (sex, ethnicity, care experience, SEND): each group's
referrals and those of them that had completed, for the disproportionality table."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from .shapes import NOT_RECORDED, GroupRow, state_of

Rows = Callable[[list[Any]], Iterable[tuple[tuple[Any, ...], int]]]


def count_groups(
    rows: Rows, happened: Callable[[Any], bool], dimensions: list[str]
) -> dict[tuple[str, str], Counter[str]]:
    """(column, group) -> referrals and completions, an empty value counted as not
    recorded; ``happened`` says whether a date (or its month) has come by the report."""
    dates: list[Any] = [(name, happened) for name in ("referral_date", "start_date", "end_date")]
    found: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for dimension in dimensions:
        for (status, referred, started, ended, value), count in rows(["status", *dates, dimension]):
            state = state_of(status, referred, started, ended)
            if state is None:
                continue
            counts = found[dimension, group_name(value)]
            counts["referrals"] += count
            counts["completed"] += count if state == "completed" else 0
    return found


def group_name(value: object) -> str:
    """A group as published: its code, yes or no, or not recorded.

    >>> group_name("Y"), group_name(None), group_name("white")
    ('yes', 'not_recorded', 'white')
    """
    if value is None or value == "":
        return NOT_RECORDED
    if value in ("Y", "N"):
        return "yes" if value == "Y" else "no"
    return str(getattr(value, "value", value))


def group_rows(
    counted: Mapping[tuple[str, str], Counter[str]],
    dimensions: list[str],
    population: Mapping[str, Mapping[str, Decimal]],
) -> tuple[GroupRow, ...]:
    """Referrals and completions by each equality column, in the columns' order, "not
    recorded" last, beside each group's share of the 10-17 population."""
    return tuple(
        GroupRow(
            dimension,
            value,
            counts["referrals"],
            counts["completed"],
            population.get(dimension, {}).get(value),
        )
        for (dimension, value), counts in sorted(
            counted.items(),
            key=lambda kv: (dimensions.index(kv[0][0]), kv[0][1] == NOT_RECORDED, kv[0][1]),
        )
    )
