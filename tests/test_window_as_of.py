"""A window counts what happened in it: an as-of date after the window's end adds nothing
(referrals, endings, outcomes and workshop sessions after it belong to later windows),
published or internal."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from svdiversion import api
from svdiversion.reports.disclosure import Disclosure
from svdiversion.reports.options import ReportOptions

ROOT = Path(__file__).resolve().parents[1]
LATE = date(2025, 3, 31)


@pytest.mark.parametrize("text", ["2023-09", "2024-11", "2023/24-Q4", "2023/24"])
@pytest.mark.parametrize(
    "disclosure",
    [Disclosure.INTERNAL, pytest.param(Disclosure.PUBLISHED, marks=pytest.mark.slow)],
)
def test_a_later_as_of_adds_nothing_to_a_window(text: str, disclosure: Disclosure) -> None:
    ledger = api.open_workspace(ROOT).ledger
    window = api.parse_window(text)
    assert window is not None
    at_end = api.outcomes(ledger, ReportOptions(window.end, window=window), disclosure)
    later = api.outcomes(ledger, ReportOptions(LATE, window=window), disclosure)
    assert replace(later, as_of=at_end.as_of) == at_end
    assert later.workshops == at_end.workshops


def test_november_workshops_are_novembers() -> None:
    ledger = api.open_workspace(ROOT).ledger
    window = api.parse_window("2024-11")
    report = api.outcomes(ledger, ReportOptions(LATE, window=window), Disclosure.INTERNAL)
    assert window is not None
    held = sum(
        count
        for (day,), count in ledger.workshops.counts(["date"]).items()
        if window.start <= day <= window.end
    )
    assert sum(w.sessions for w in report.workshops) == held > 0
