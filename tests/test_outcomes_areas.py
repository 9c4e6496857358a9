"""Outcomes and areas on small inline ledgers, exact and published."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from helpers import EPISODE_HEADER, TX_HEADER, load_ledger, make_workspace
from svdiversion.core.fiscal import parse_quarter
from svdiversion.reports.areas import areas_report
from svdiversion.reports.audit.release import Publisher
from svdiversion.reports.disclosure import Disclosure
from svdiversion.reports.options import ReportOptions
from svdiversion.reports.outcomes import outcomes, publish
from svdiversion.reports.pack import published_reports
from svdiversion.reports.rag import Rag

EPISODES = f"""
    {EPISODE_HEADER}
    EP-1,CYP-00001,north,2023-08-01,police,14,one_to_one,completed,2023-08-15,2024-02-15,Y,N
    EP-2,CYP-00002,south,2023-09-01,school,12,group,declined,,,,
    EP-3,CYP-00003,south,2023-10-05,police,15,one_to_one,disengaged,2023-10-20,2024-01-10,N,Y
    EP-4,CYP-00004,south,2024-01-15,police,13,one_to_one,completed,2024-02-01,2024-09-30,Y,
    EP-5,CYP-00005,north,2024-06-01,school,16,group,engaged,2024-06-10,,,
"""


def ledger(tmp_path: Path):
    return load_ledger(make_workspace(tmp_path, outcomes=EPISODES))


def test_states_follow_the_dates_as_of_the_report(tmp_path: Path) -> None:
    report = outcomes(ledger(tmp_path), ReportOptions(date(2024, 3, 31)))
    totals = report.totals
    assert (
        totals.referrals,
        totals.declined,
        totals.awaiting,
        totals.active,
        totals.completed,
        totals.disengaged,
        totals.engaged,
    ) == (4, 1, 0, 1, 1, 1, 3)
    # EP-4 ends after the as-of date: it is active, and its outcome is not counted yet.
    risk = next(m for m in report.measures if m.id == "risk_reduction")
    assert (risk.achieved, risk.assessed, risk.rate) == (1, 2, Decimal("0.5000"))
    assert risk.rag is Rag.RED  # 50% against a 70% target
    cjs = next(m for m in report.measures if m.id == "entered_cjs")
    assert (cjs.achieved, cjs.assessed, cjs.better, cjs.rag) == (1, 2, "lower", None)


def test_by_area_source_age_and_quarter(tmp_path: Path) -> None:
    report = outcomes(ledger(tmp_path), ReportOptions(date(2025, 3, 31)))
    assert [(a.id, a.counts.referrals, a.counts.engaged) for a in report.areas] == [
        ("north", 2, 2),
        ("south", 3, 2),
    ]
    assert report.sources == (("police", 3), ("school", 2))
    assert report.ages == ((12, 1), (13, 1), (14, 1), (15, 1), (16, 1))
    assert [
        (q.label, q.referrals, q.engaged, q.completed, q.disengaged) for q in report.quarters
    ] == [
        ("2023/24 Q2", 2, 1, 0, 0),
        ("2023/24 Q3", 1, 1, 0, 0),
        ("2023/24 Q4", 1, 1, 1, 1),
        ("2024/25 Q1", 1, 1, 0, 0),
        ("2024/25 Q2", 0, 0, 1, 0),
    ]
    assert [(w.kind, w.sessions, w.cyp, w.parents) for w in report.workshops] == [
        ("steer_clear_group", 1, 5, 4)
    ]


def test_a_quarter_window_counts_events_in_the_quarter(tmp_path: Path) -> None:
    """Referrals, starts and endings dated in the quarter; children active as it ends."""
    window = parse_quarter("2023/24-Q3")
    report = outcomes(ledger(tmp_path), ReportOptions(window.end, window=window))
    assert report.window == "2023/24 Q3"
    assert (report.totals.referrals, report.totals.engaged) == (1, 1)
    assert report.totals.active == 2


def test_published_outcomes_hide_small_counts(tmp_path: Path) -> None:
    exact = outcomes(ledger(tmp_path), ReportOptions(date(2025, 3, 31)))
    shown = publish(exact)
    assert shown.disclosure is Disclosure.PUBLISHED
    assert shown.totals.referrals == 5
    assert shown.totals.completed == "[c]"
    assert all(v == "[c]" for _, v in shown.sources)
    assert all(m.rate in ("[c]", None) for m in shown.measures)


def test_areas_money_and_reach(tmp_path: Path) -> None:
    report = areas_report(ledger(tmp_path), ReportOptions(date(2025, 3, 31)))
    rows = {a.id: a for a in report.areas}
    assert (rows["north"].allocated, rows["north"].actual, rows["north"].remaining) == (
        40000,
        20000,
        20000,
    )
    assert rows["north"].utilisation == Decimal("0.5000")
    assert (rows["south"].referrals, rows["south"].engaged) == (3, 2)
    assert rows["south"].cost_per_engaged == 10000
    assert rows["south"].population_10_17 is None or rows["south"].population_share is None
    # Money not allocated to an area: a row per line, against that line's budget.
    others = [
        (a.budget_line, a.name, a.allocated, a.actual, a.remaining)
        for a in report.areas
        if a.id is None
    ]
    assert others == [
        ("evaluation", "Evaluation", 15000, 15000, 0),
        ("unallocated", "Not allocated", 5000, 0, 5000),
    ]
    # The total is the whole budget against all the spend: like for like.
    total = report.total
    assert (total.allocated, total.actual, total.remaining) == (100000, 55000, 45000)
    assert total.referrals == 5
    assert total.budget_share == Decimal(1)


def test_apportioning_shares_unassigned_costs_to_the_penny(tmp_path: Path) -> None:
    transactions = (
        "\n".join(
            [
                TX_HEADER,
                "TX-1,2023-09-30,payment,delivery,north,200.00,INV-1,Provider,"
                "September delivery,T1",
                "TX-2,2023-09-30,payment,delivery,south,200.00,INV-1,Provider,"
                "September delivery,T1",
                "TX-3,2024-03-31,payment,evaluation,,100.01,EV-1,University,Evaluation report,T3",
            ]
        )
        + "\n"
    )
    root = make_workspace(tmp_path, transactions=transactions, outcomes=EPISODES)
    report = areas_report(load_ledger(root), ReportOptions(date(2025, 3, 31)), apportion=True)
    shares = {a.id: a.apportioned for a in report.areas}
    assert shares == {"north": 5001, "south": 5000}
    assert None not in shares
    assert report.total.actual == 50001
    # The budgets not tied to an area (150.00 + 50.00) are shared the same way, so each
    # area's spend stays against a budget that includes its share.
    assert {a.id: (a.apportioned_allocation, a.allocated) for a in report.areas} == {
        "north": (10000, 50000),
        "south": (10000, 50000),
    }
    assert (report.total.allocated, report.total.remaining) == (100000, 49999)


def test_successors_roll_old_areas_into_new(tmp_path: Path) -> None:
    report = areas_report(ledger(tmp_path), ReportOptions(date(2025, 3, 31)), successors=True)
    assert [a.id for a in report.areas if a.id] == ["central", "south"]
    central = report.areas[0]
    assert (central.allocated, central.referrals) == (40000, 2)


def test_published_areas_work_costs_out_on_published_counts(tmp_path: Path) -> None:
    options = ReportOptions(date(2025, 3, 31))
    exact = areas_report(ledger(tmp_path), options)
    _, shown = published_reports(Publisher(load_ledger(tmp_path)), options, exact)
    assert {a.id: a.referrals for a in shown.areas} == {"north": "[c]", "south": "[c]", None: 0}
    assert all(a.cost_per_engaged is None for a in shown.areas)


REALLOCATION = """
    variations:
      - id: V1
        decision: D1
        reference: TEST/V/1
        approved: 2024-06-01
        reason: £100 of north's delivery moves to south
        allocation_changes:
          - {line: delivery, area: north, amount_change: -100.00}
          - {line: delivery, area: south, amount_change: 100.00}
"""


def test_a_reallocation_moves_allocation_between_areas_from_its_approval(
    tmp_path: Path,
) -> None:
    root = make_workspace(
        tmp_path, outcomes=EPISODES, extra={"ledger/contract.d/v1.yaml": REALLOCATION}
    )
    ledger = load_ledger(root)

    def allocated(as_of: date, **kwargs: bool) -> dict[str | None, tuple[int, int]]:
        report = areas_report(ledger, ReportOptions(as_of), **kwargs)
        return {a.id: (a.allocated, a.remaining) for a in report.areas if a.id}

    assert allocated(date(2024, 5, 31)) == {"north": (40000, 20000), "south": (40000, 20000)}
    assert allocated(date(2024, 6, 1)) == {"north": (30000, 10000), "south": (50000, 30000)}
    report = areas_report(ledger, ReportOptions(date(2025, 3, 31)))
    rows = {a.id: a for a in report.areas}
    assert rows["north"].utilisation == Decimal("0.6667")
    assert rows["south"].budget_share == Decimal("0.6250")
    assert sum(a.allocated for a in report.areas if a.id) == 80000
    assert report.total.allocated == 100000  # with the evaluation and unallocated lines
    # Rolled into today's geography, central carries north's revised allocation.
    assert allocated(date(2025, 3, 31), successors=True) == {
        "central": (30000, 10000),
        "south": (50000, 30000),
    }


def test_an_area_in_force_follows_its_successors_to_the_one_valid_that_day() -> None:
    """The one rule import's split and the areas report's --successors both use."""
    from svdiversion.core.models import Area, area_in_force

    def area(ident: str, until: str | None, successor: str | None) -> Area:
        return Area(
            id=ident,
            name=ident,
            local_authority=ident,
            valid_from=date(2020, 4, 1),
            valid_to=date.fromisoformat(until) if until else None,
            successor=successor,
        )

    areas = {
        "old": area("old", "2023-12-31", "middle"),
        "middle": area("middle", "2024-12-31", "new"),
        "new": area("new", None, None),
        "loop_a": area("loop_a", "2023-12-31", "loop_b"),
        "loop_b": area("loop_b", "2023-12-31", "loop_a"),
        "lost": area("lost", "2023-12-31", "nowhere"),
    }
    assert area_in_force(areas, "old", date(2023, 6, 1)) == "old"
    assert area_in_force(areas, "old", date(2024, 6, 1)) == "middle"
    assert area_in_force(areas, "old", date(2025, 6, 1)) == "new"
    assert area_in_force(areas, "loop_a", date(2025, 6, 1)) == "loop_b"  # stops at the cycle
    assert area_in_force(areas, "lost", date(2025, 6, 1)) == "lost"  # unknown successor
    assert area_in_force(areas, "unknown", date(2025, 6, 1)) == "unknown"
