"""A published RAG is shown only where the counts shown decide it, so it always equals the
internal RAG: worked on every window and month end of the shipped ledger and of a
generated service, and as a property over random counts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import load_ledger, run_cli
from svdiversion.core.fiscal import DateRange, Month, months_between, parse_month, parse_quarter
from svdiversion.core.models import DisclosurePolicy, RagThresholds
from svdiversion.reports.audit.release import Publisher
from svdiversion.reports.disclosure import cell_interval, round_count
from svdiversion.reports.options import ReportOptions
from svdiversion.reports.outcomes import outcomes
from svdiversion.reports.outcomes.publishing import decided_rag
from svdiversion.reports.rag import Rag, rag_against_target

REPO = Path(__file__).resolve().parent.parent
POLICY = DisclosurePolicy()
THRESHOLDS = RagThresholds()


def exact_rag(achieved: int, assessed: int, target: Decimal, higher: bool) -> Rag:
    rate = (Decimal(achieved) / Decimal(assessed)).quantize(Decimal("0.0001"))
    return rag_against_target(rate, target, higher, THRESHOLDS)


def test_a_rag_is_decided_only_where_every_allowed_pair_agrees() -> None:
    target = Decimal("0.70")
    # 300 of 380 (78.9%) rounded: 298-302 of 378-382, all above 70%: green.
    assert decided_rag((298, 302), (378, 382), target, True, THRESHOLDS) is Rag.GREEN
    # 45 of 70 rounded: 43-47 of 68-72 spans 59.7% to 69.1%: red and amber.
    assert decided_rag((43, 47), (68, 72), target, True, THRESHOLDS) is None
    assert decided_rag((20, 20), (40, 40), target, True, THRESHOLDS) is Rag.RED  # exact


@given(
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=20, max_value=400),
    st.sampled_from([Decimal("0.10"), Decimal("0.60"), Decimal("0.70"), Decimal("0.80")]),
    st.booleans(),
)
@settings(max_examples=300, deadline=None)
def test_a_decided_rag_of_rounded_counts_is_the_exact_rag(
    achieved: int, assessed: int, target: Decimal, higher: bool
) -> None:
    achieved = min(achieved, assessed)
    spans = []
    for count in (achieved, assessed):
        shown = round_count(count, POLICY)
        if isinstance(shown, str):
            return  # hidden: no rate, no RAG
        spans.append(cell_interval(shown, POLICY))
    got = decided_rag(spans[0], spans[1], target, higher, THRESHOLDS)
    assert got is None or got is exact_rag(achieved, assessed, target, higher)


def every_window(start: date, end: date) -> list[DateRange]:
    months = months_between(Month.of(start), Month.of(end))
    quarters = sorted({f"{m.fy_label}-Q{m.quarter}" for m in months})
    return [parse_month(str(m)) for m in months] + [parse_quarter(q) for q in quarters]


def compare(root: Path, as_of: date) -> tuple[int, int]:
    """(RAGs shown, RAGs shown that differ from the internal RAG) over every window and
    month end to ``as_of``."""
    ledger = load_ledger(root)
    options = [
        ReportOptions(min(w.end, as_of), window=w) for w in every_window(ledger.start, as_of)
    ]  # type: ignore[attr-defined]
    options += [
        ReportOptions(m.last_day) for m in months_between(Month.of(ledger.start), Month.of(as_of))
    ]
    shown = differ = 0
    publisher = Publisher(ledger)  # every release made once, as one reader holds them
    for option in options:
        published = publisher.report(option).outcomes
        internal = outcomes(ledger, option)
        # The RAG of the exact counts (the internal report leaves it out below 20
        # assessed, where a published window may still show one its counts decide).
        exact = [("*", m) for m in internal.measures]
        exact += [(a.id, m) for a in internal.areas for m in a.measures]
        truth = {
            (area, m.id): exact_rag(m.achieved, m.assessed, m.target, m.better == "higher")
            for area, m in exact
            if m.target is not None and isinstance(m.assessed, int) and m.assessed > 0
            and isinstance(m.achieved, int)
        }  # fmt: skip
        rows = [("*", m) for m in published.measures]
        rows += [(a.id, m) for a in published.areas for m in a.measures]
        for area, measure in rows:
            if measure.rag is not None:
                shown += 1
                differ += measure.rag is not truth[area, measure.id]
    return shown, differ


@pytest.mark.slow  # every window and month end, published and internal
def test_every_shown_rag_of_the_shipped_ledger_is_the_internal_rag() -> None:
    shown, differ = compare(REPO, date(2025, 3, 31))
    assert differ == 0
    assert shown > 100  # the month ends' totals are decided: the test is not empty


@pytest.mark.slow
def test_every_shown_rag_of_a_generated_service_is_the_internal_rag(tmp_path: Path) -> None:
    root = tmp_path / "generated"
    code, _, err = run_cli("generate", str(root), "--episodes", "2000", "--transactions", "200",
                           "--seed", "2")  # fmt: skip
    assert code == 0, err
    shown, differ = compare(root, date(2026, 3, 31))
    assert differ == 0 and shown > 0
