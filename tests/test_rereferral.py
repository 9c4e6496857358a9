"""The re-referral measure: worked out from the referrals, assessed when an ended
episode's follow-up closes, achieved when the same child was referred again in it."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, timedelta
from pathlib import Path

from helpers import load_ledger, run_cli
from svdiversion.reports.audit.release import Publisher
from svdiversion.reports.options import ReportOptions
from svdiversion.reports.outcomes.counting import cumulative, outcomes

REPO = Path(__file__).resolve().parent.parent
ENDED = {"completed", "disengaged"}


def by_hand(root: Path, as_of: date, days: int = 365) -> tuple[int, int]:
    """(re-referred, assessed) counted from ledger/outcomes.csv with nothing but csv."""
    with (root / "ledger/outcomes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    referred: dict[str, list[date]] = {}
    for row in rows:
        if row["referral_date"]:
            referred.setdefault(row["cyp_ref"], []).append(date.fromisoformat(row["referral_date"]))
    assessed = again = 0
    for row in rows:
        if row["status"] not in ENDED or not row["end_date"] or not row["start_date"]:
            continue
        end = date.fromisoformat(row["end_date"])
        closes = end + timedelta(days=days)
        if closes > as_of:
            continue
        assessed += 1
        again += any(end < day <= closes for day in referred[row["cyp_ref"]])
    return again, assessed


def measure(report_measures: tuple, name: str = "re_referral") -> tuple[object, object]:  # type: ignore[type-arg]
    row = next(m for m in report_measures if m.id == name)
    return row.achieved, row.assessed


def test_the_shipped_ledger_counts_what_a_hand_count_does_at_every_month_end() -> None:
    ledger = load_ledger(REPO)
    publisher = Publisher(ledger)
    seen = set()
    for day in publisher.history(date(2025, 3, 31)):
        expected = by_hand(REPO, day)
        seen.add(expected)
        assert measure(cumulative(ledger, day).measures) == expected, day
        assert measure(publisher.exact(day).outcomes.measures) == expected, day
    assert (0, 0) in seen and (2, 58) in seen  # none closed at first; 2 of 58 by the end


def test_a_follow_up_that_has_not_closed_is_not_assessed_even_if_the_child_came_back(
    shipped: Path,
) -> None:
    path = shipped / "ledger/outcomes.csv"
    with path.open(encoding="utf-8") as handle:
        header = handle.readline().rstrip("\n").split(",")
    blank = dict.fromkeys(header, "")
    first = {
        **blank,
        "episode_id": "EP-99001", "cyp_ref": "CYP-99001", "area": "shropshire",
        "referral_date": "2023-08-01", "referral_source": "police", "age_at_referral": "14",
        "pathway": "one_to_one", "status": "completed", "start_date": "2023-08-10",
        "end_date": "2023-10-01", "risk_reduction": "Y", "increased_awareness": "Y",
        "positive_activity": "Y", "progress_key_areas": "Y", "entered_cjs": "N",
    }  # fmt: skip
    again = {
        **first,
        "episode_id": "EP-99002", "referral_date": "2024-05-01", "status": "referred",
        "start_date": "", "end_date": "", "risk_reduction": "", "increased_awareness": "",
        "positive_activity": "", "progress_key_areas": "", "entered_cjs": "",
    }  # fmt: skip
    with path.open("a", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writerow(first)
        writer.writerow(again)
    ledger = load_ledger(shipped)
    base = load_ledger(REPO)
    # Ended 2023-10-01: its 365 days of follow-up close on 2024-09-30 (2024 is a leap year).
    for day, added in ((date(2024, 9, 29), (0, 0)), (date(2024, 9, 30), (1, 1))):
        had = measure(cumulative(base, day).measures)
        got = measure(cumulative(ledger, day).measures)
        assert (got[0] - had[0], got[1] - had[1]) == added, day  # type: ignore[operator]
    # The window of September 2024 holds it: its follow-up closed then.
    window = ReportOptions(date(2024, 9, 30), window=_month(2024, 9))
    in_window = measure(outcomes(ledger, window).measures)
    before = measure(outcomes(base, window).measures)
    assert (in_window[0], in_window[1]) == (before[0] + 1, before[1] + 1)  # type: ignore[operator]


def _month(year: int, month: int):  # type: ignore[no-untyped-def]
    from svdiversion.core.fiscal import parse_month

    return parse_month(f"{year}-{month:02d}")


def test_a_column_of_a_derived_measure_is_a_located_error(shipped: Path) -> None:
    path = shipped / "ledger/outcomes.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",re_referral", *(line + "," for line in lines[1:])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = run_cli("-C", str(shipped), "check")
    assert code == 1
    assert re.search(r"ledger/outcomes.csv:1:\d+: E008 column re_referral is a derived", out + err)
    assert "hint: remove the column re_referral" in out + err
    assert "Traceback" not in out + err


def test_published_and_json_carry_it_with_its_follow_up() -> None:
    code, out, _ = run_cli("-C", str(REPO), "outcomes", "--as-of", "2025-03-31",
                           "--format", "json", "--disclosure", "internal")  # fmt: skip
    assert code == 0
    rows = {m["id"]: m for m in json.loads(out)["measures"]}
    assert rows["re_referral"]["achieved"] == 2 and rows["re_referral"]["assessed"] == 58
    code, out, _ = run_cli("-C", str(REPO), "outcomes", "--as-of", "2025-03-31")
    assert "Re-referred within 12 months is worked out from the referrals" in out


def test_a_follow_up_closing_after_the_contract_is_never_assessed() -> None:
    """The measure is of the contract: like every other figure it stops changing with the
    contract's activity, so a report a year later shows what the last release shows."""
    ledger = load_ledger(REPO)
    at_end = measure(cumulative(ledger, ledger.end).measures)
    assert at_end == by_hand(REPO, ledger.end) == (2, 58)
    assert measure(cumulative(ledger, date(2026, 3, 31)).measures) == at_end


def test_every_published_count_a_year_after_the_contract_is_the_exact_one_rounded() -> None:
    """A published report after the last release stands on that release: its counts must
    still be the exact counts of its date, rounded or hidden (a measure that went on
    changing after it would show stale counts)."""
    ledger = load_ledger(REPO)
    day = date(2026, 3, 31)
    published = Publisher(ledger).released(day).outcomes
    exact = cumulative(ledger, day)
    rows = [(m, e) for m, e in zip(published.measures, exact.measures, strict=True)]
    for area, exact_area in zip(published.areas, exact.areas, strict=True):
        rows += list(zip(area.measures, exact_area.measures, strict=True))
    for shown, truth in rows:
        for got, want in ((shown.achieved, truth.achieved), (shown.assessed, truth.assessed)):
            assert isinstance(got, str) or abs(got - want) <= 2, (shown.id, got, want)  # type: ignore[operator]
