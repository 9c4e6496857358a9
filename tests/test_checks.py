"""Every business rule, one function at a time, on ledgers written inline.

Each check in ``svdiversion.checks.CHECKS`` passes on the default test workspace (and on
the shipped one), and has at least one test named ``test_<check>_...`` that makes it
fail and asserts the exact problems: path, line, column, code, message. CSV problems are
asserted as the check makes them, with the *field number* as column (``load.excerpts``
turns it into a character column for display).
"""

from __future__ import annotations

import random
import shutil
import textwrap
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers import (
    AS_OF,
    CONTRACT,
    EPISODE_HEADER,
    OUTCOMES,
    SETTINGS,
    TRANSACTIONS,
    TX_HEADER,
    WORKSHOP_HEADER,
    WORKSHOPS,
    check_workspace,
    found,
    inline,
    load_ledger,
    make_workspace,
    run_check,
    swap,
)
from svdiversion.checks import CHECKS, CheckContext, run_checks
from svdiversion.checks.contract import (
    allocations_within_lines,
    duplicate_contract_ids,
    lines_sum_to_total,
    periods_in_order,
    tranche_dates_in_contract,
    tranches_sum_to_lines,
    unknown_references,
    variation_changes_known,
    variation_changes_not_negative,
)
from svdiversion.checks.episodes import (
    configured_vocabularies,
    duplicate_episode_ids,
    eligible_ages,
    episode_areas,
    episode_dates,
    episode_order,
    equality_vocabularies,
    follow_up_dates,
    one_engagement_per_child,
    pseudonymous_refs,
)
from svdiversion.checks.transactions import (
    duplicate_transaction_ids,
    known_budget_lines,
    known_tranches,
    no_formula_text,
    no_personal_text,
    sign_matches_kind,
    sources_of_known_rows,
    spend_within_budget,
    transaction_areas,
    transaction_dates,
)

# Every test here runs on both stores: Python lists and arrow arrays.
pytestmark = pytest.mark.usefixtures("each_store")

CONTRACT_YAML = "ledger/contract.yaml"
AREAS_YAML = "config/areas.yaml"
TX = "ledger/transactions.csv"
EP = "ledger/outcomes.csv"
WS = "ledger/workshops.csv"

VARIATION = """
    variations:
      - id: V1
        decision: D1
        reference: TEST/V/1
        approved: 2024-01-10
        reason: Extension to September 2025
"""


def variation(*more: str) -> dict[str, str | bytes]:
    """``ledger/contract.d/v1.yaml`` holding variation V1 of D1 plus the given lines."""
    text = inline(VARIATION) + "".join(textwrap.indent(inline(m), "    ") for m in more)
    return {"ledger/contract.d/v1.yaml": text}


# ------------------------------------------------------------------------- every check


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_passes_on_the_default_workspace(check, tmp_path: Path) -> None:
    assert run_check(check, make_workspace(tmp_path)) == []


@pytest.fixture(scope="module")
def shipped_ledger(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("shipped")
    repo = Path(__file__).resolve().parent.parent
    shutil.copytree(repo / "config", root / "config")
    shutil.copytree(repo / "ledger", root / "ledger")
    return load_ledger(root)


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_passes_on_the_shipped_workspace(check, shipped_ledger) -> None:
    assert list(check(shipped_ledger, CheckContext(as_of=date(2025, 3, 31)))) == []


def test_every_check_has_a_failing_test() -> None:
    tests = [name for name in globals() if name.startswith("test_")]
    missing = [
        c.__name__ for c in CHECKS if not any(t.startswith(f"test_{c.__name__}_") for t in tests)
    ]
    assert missing == []


# ---------------------------------------------------------------------------- contract


def test_duplicate_contract_ids_line_added_again_by_a_variation(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        extra=variation("""
            total_change: 100.00
            lines:
              - {id: delivery, name: More delivery, kind: delivery, amount: 100.00}
        """),
    )
    assert found(run_check(duplicate_contract_ids, root)) == [
        (
            "ledger/contract.d/v1.yaml",
            9,
            9,
            "E107",
            "duplicate line id 'delivery' (first at ledger/contract.yaml:13)",
        )
    ]


def test_duplicate_contract_ids_area_defined_twice(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        areas="""
            areas:
              - {id: north, name: North, local_authority: N, valid_from: 2020-04-01}
              - {id: south, name: South, local_authority: S, valid_from: 2020-04-01}
              - {id: north, name: North again, local_authority: N, valid_from: 2020-04-01}
        """,
    )
    assert found(run_check(duplicate_contract_ids, root)) == [
        (AREAS_YAML, 4, 5, "E107", "duplicate area id 'north' (first at config/areas.yaml:2)")
    ]


def test_unknown_references_in_allocations_and_tranches(tmp_path: Path) -> None:
    contract = swap(
        CONTRACT,
        "{line: delivery, area: south, amount: 400.00}",
        "{line: delivry, area: east, amount: 400.00}",
    )
    contract = swap(contract, "{id: T3, line: evaluation,", "{id: T3, line: evalution,")
    problems = run_check(unknown_references, make_workspace(tmp_path, contract=contract))
    assert found(problems) == [
        (CONTRACT_YAML, 18, 9, "E201", "allocation names unknown budget line 'delivry'"),
        (CONTRACT_YAML, 18, 9, "E202", "allocation names unknown area 'east'"),
        (CONTRACT_YAML, 22, 9, "E201", "tranche T3 names unknown budget line 'evalution'"),
    ]
    assert problems[0].hint == "use one of: delivery, evaluation, unallocated"
    assert problems[1].hint == "use one of: central, north, south"


def test_unknown_references_in_a_variation(tmp_path: Path) -> None:
    extension = variation("""
        line_changes:
          - {line: evaluaton, amount_change: 10.00}
    """)
    root = make_workspace(
        tmp_path,
        extra={
            name: swap(str(text), "decision: D1", "decision: D9")
            for name, text in extension.items()
        },
    )
    problems = run_check(unknown_references, root)
    assert found(problems) == [
        ("ledger/contract.d/v1.yaml", 2, 5, "E206", "variation V1 names unknown decision 'D9'"),
        (
            "ledger/contract.d/v1.yaml",
            2,
            5,
            "E201",
            "variation V1 changes unknown budget line 'evaluaton'",
        ),
    ]


def test_unknown_references_area_successor(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        areas="""
            areas:
              - {id: north, name: North, local_authority: N, valid_from: 2020-04-01,
                 valid_to: 2024-12-31, successor: centre}
              - {id: south, name: South, local_authority: S, valid_from: 2020-04-01}
        """,
    )
    assert found(run_check(unknown_references, root)) == [
        (AREAS_YAML, 2, 5, "E202", "area north names unknown successor 'centre'")
    ]


def test_periods_in_order_decision_and_area(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        contract=swap(CONTRACT, "end: 2025-03-31", "end: 2023-06-30"),
        areas="""
            areas:
              - {id: north, name: North, local_authority: N, valid_from: 2020-04-01,
                 valid_to: 2019-03-31}
              - {id: south, name: South, local_authority: S, valid_from: 2020-04-01}
        """,
    )
    assert found(run_check(periods_in_order, root)) == [
        (
            CONTRACT_YAML,
            2,
            5,
            "E308",
            "decision D1 ends (2023-06-30) before it starts (2023-07-01)",
        ),
        (
            AREAS_YAML,
            2,
            5,
            "E308",
            "area north is valid to 2019-03-31, before it is valid from 2020-04-01",
        ),
    ]


@pytest.mark.parametrize(
    ("total", "message"),
    [
        (
            "1100.00",
            "budget lines of D1 sum to £1,000.00, but the decision total is "
            "£1,100.00 (£100.00 unassigned)",
        ),
        (
            "999.99",
            "budget lines of D1 sum to £1,000.00, but the decision total is £999.99 (£0.01 over)",
        ),
    ],
)
def test_lines_sum_to_total_when_they_do_not(total: str, message: str, tmp_path: Path) -> None:
    root = make_workspace(tmp_path, contract=swap(CONTRACT, "total: 1000.00", f"total: {total}"))
    assert found(run_check(lines_sum_to_total, root)) == [(CONTRACT_YAML, 2, 5, "E403", message)]


def test_lines_sum_to_total_counts_variations(tmp_path: Path) -> None:
    """A variation that raises the total without a line to hold the money is E403; one
    that adds the line too is fine."""
    raised = variation("total_change: 300.00\n")
    root = make_workspace(tmp_path / "a", extra=raised)
    assert found(run_check(lines_sum_to_total, root)) == [
        (
            CONTRACT_YAML,
            2,
            5,
            "E403",
            "budget lines of D1 sum to £1,000.00, but the decision total is £1,300.00 "
            "(£300.00 unassigned)",
        )
    ]
    with_line = variation("""
        total_change: 300.00
        lines:
          - {id: extension, name: Extension, kind: delivery, amount: 300.00}
    """)
    assert run_check(lines_sum_to_total, make_workspace(tmp_path / "b", extra=with_line)) == []


def test_tranches_sum_to_lines_short_profile(tmp_path: Path) -> None:
    contract = swap(CONTRACT, "due: 2024-03-31, amount: 400.00", "due: 2024-03-31, amount: 390.00")
    problems = run_check(tranches_sum_to_lines, make_workspace(tmp_path, contract=contract))
    assert found(problems) == [
        (
            CONTRACT_YAML,
            13,
            9,
            "E404",
            "tranches of line delivery sum to £790.00, but its budget is £800.00",
        )
    ]


def test_tranches_sum_to_lines_unallocated_line_has_none(tmp_path: Path) -> None:
    contract = swap(
        CONTRACT,
        "{id: T3, line: evaluation, due: 2024-03-31, amount: 150.00}\n",
        "{id: T3, line: evaluation, due: 2024-03-31, amount: 150.00}\n"
        "          - {id: T4, line: unallocated, due: 2024-03-31, amount: 50.00}\n",
    )
    problems = run_check(tranches_sum_to_lines, make_workspace(tmp_path, contract=contract))
    assert found(problems) == [
        (
            CONTRACT_YAML,
            15,
            9,
            "E404",
            "tranches of line unallocated sum to £50.00, but an unallocated line has no tranches",
        )
    ]


def test_tranches_sum_to_lines_after_a_line_change(tmp_path: Path) -> None:
    extension = variation("""
        total_change: 100.00
        line_changes:
          - {line: evaluation, amount_change: 100.00}
    """)
    problems = run_check(tranches_sum_to_lines, make_workspace(tmp_path, extra=extension))
    assert found(problems) == [
        (
            CONTRACT_YAML,
            14,
            9,
            "E404",
            "tranches of line evaluation sum to £150.00, but its budget is £250.00",
        )
    ]


def test_allocations_within_lines_above_the_line(tmp_path: Path) -> None:
    contract = swap(CONTRACT, "area: south, amount: 400.00", "area: south, amount: 450.00")
    problems = run_check(allocations_within_lines, make_workspace(tmp_path, contract=contract))
    assert found(problems) == [
        (
            CONTRACT_YAML,
            13,
            9,
            "E405",
            "allocations of line delivery sum to £850.00, above its budget of £800.00",
        )
    ]


def test_allocations_within_lines_short_of_a_delivery_line(tmp_path: Path) -> None:
    contract = swap(CONTRACT, "area: south, amount: 400.00", "area: south, amount: 399.99")
    problems = run_check(allocations_within_lines, make_workspace(tmp_path, contract=contract))
    assert found(problems) == [
        (
            CONTRACT_YAML,
            13,
            9,
            "W402",
            "allocations of delivery line delivery sum to £799.99 of its £800.00 budget",
        )
    ]


def test_allocations_within_lines_negative_budget_after_variation(tmp_path: Path) -> None:
    extension = variation("""
        total_change: -100.00
        line_changes:
          - {line: unallocated, amount_change: -100.00}
    """)
    root = make_workspace(tmp_path, extra=extension)
    assert found(run_check(allocations_within_lines, root)) == [
        (
            CONTRACT_YAML,
            15,
            9,
            "E405",
            "allocations of line unallocated sum to £0.00, above its budget of -£50.00",
        )
    ]
    # The line has no spend: it is not also an overspend of a transaction row.
    assert run_check(spend_within_budget, root) == []


def test_tranche_dates_in_contract_outside_and_extended(tmp_path: Path) -> None:
    contract = swap(CONTRACT, "due: 2023-09-30", "due: 2023-06-30")
    extension = variation("""
        new_end: 2025-09-30
        total_change: 100.00
        lines:
          - {id: extension, name: Extension, kind: other, amount: 100.00}
        tranches:
          - {id: T9, line: extension, due: 2025-09-30, amount: 100.00}
    """)
    root = make_workspace(tmp_path, contract=contract, extra=extension)
    assert found(run_check(tranche_dates_in_contract, root)) == [
        (
            CONTRACT_YAML,
            20,
            9,
            "E301",
            "tranche T1 is due 2023-06-30, outside the contract period 2023-07-01 to 2025-09-30",
        )
    ]


V1_YAML = "ledger/contract.d/v1.yaml"

# A second decision, for changes that reach across decisions.
DECISION_2 = """
    decisions:
      - id: D2
        reference: TEST/D/2
        title: Second decision
        service: Test service
        commissioner: Test Commissioner
        provider: Provider
        funding_source: Prevention Fund
        total: 100.00
        start: 2025-04-01
        end: 2026-03-31
        lines:
          - {id: delivery_2, name: Delivery 2025/26, kind: delivery, amount: 100.00}
        allocations:
          - {line: delivery_2, area: south, amount: 100.00}
        tranches:
          - {id: T5, line: delivery_2, due: 2025-06-30, amount: 100.00}
"""

# Delivery lowered by £100 (kept as unallocated), taken from T2 and from south's share,
# and £50 of north's share moved to south: a reprofiling and a reallocation.
REDUCTION = """
    line_changes:
      - {line: delivery, amount_change: -100.00}
      - {line: unallocated, amount_change: 100.00}
    tranche_changes:
      - {tranche: T2, amount_change: -100.00, new_due: 2024-06-30}
    allocation_changes:
      - {line: delivery, area: north, amount_change: -50.00}
      - {line: delivery, area: south, amount_change: -50.00}
"""


def test_a_reduction_with_reprofiling_and_reallocation_passes_every_check(
    tmp_path: Path,
) -> None:
    root = make_workspace(tmp_path, extra=variation(REDUCTION))
    assert check_workspace(root) == []
    ledger = load_ledger(root)
    assert [(d, t.id, t.due, t.amount) for d, t in ledger.tranches()] == [
        ("D1", "T1", date(2023, 9, 30), Decimal("400.00")),
        ("D1", "T2", date(2024, 6, 30), Decimal("300.00")),
        ("D1", "T3", date(2024, 3, 31), Decimal("150.00")),
    ]
    assert [(a.line, a.area, a.amount) for _, a in ledger.allocations()] == [
        ("delivery", "north", Decimal("350.00")),
        ("delivery", "south", Decimal("350.00")),
    ]
    # As of the day before the approval the contract is as first recorded.
    before = ledger.known_on(date(2024, 1, 9))
    assert [(t.id, t.due, t.amount) for _, t in before.tranches()][1] == (
        "T2",
        date(2024, 3, 31),
        Decimal("400.00"),
    )
    assert [a.amount for _, a in before.allocations()] == [Decimal("400.00")] * 2


def test_changes_apply_in_approval_order_not_file_order(tmp_path: Path) -> None:
    """V0 sits first in file order but is approved after V1: its new_due is the last word."""
    later = inline("""
        variations:
          - id: V0
            decision: D1
            reference: TEST/V/0
            approved: 2024-06-01
            reason: Payment deferred again
            tranche_changes:
              - {tranche: T2, new_due: 2024-09-30}
    """)
    extra = {"ledger/contract.d/v0.yaml": later}
    extra |= variation("tranche_changes:\n  - {tranche: T2, new_due: 2024-06-30}\n")
    ledger = load_ledger(make_workspace(tmp_path, extra=extra))
    assert [v.id for v in ledger.variations] == ["V0", "V1"]
    assert [v.id for v in ledger.variations_in_order()] == ["V1", "V0"]

    def due(day: date) -> date:
        return next(t.due for _, t in ledger.known_on(day).tranches() if t.id == "T2")

    assert due(date(2024, 1, 9)) == date(2024, 3, 31)
    assert due(date(2024, 1, 10)) == date(2024, 6, 30)
    assert due(date(2024, 6, 1)) == date(2024, 9, 30)
    assert [(r.variation.id, r.before.due, r.after.due) for r in ledger.tranche_revisions()] == [
        ("V1", date(2024, 3, 31), date(2024, 6, 30)),
        ("V0", date(2024, 6, 30), date(2024, 9, 30)),
    ]


def test_variation_changes_known_unknown_tranche_and_allocation(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        extra=variation("""
            tranche_changes:
              - {tranche: T9, amount_change: -10.00}
            allocation_changes:
              - {line: delivry, area: east, amount_change: 10.00}
              - {line: delivery, area: central, amount_change: 10.00}
        """),
    )
    problems = run_check(variation_changes_known, root)
    assert found(problems) == [
        (V1_YAML, 8, 9, "E204", "variation V1 changes unknown tranche 'T9'"),
        (V1_YAML, 10, 9, "E201", "variation V1 reallocates unknown budget line 'delivry'"),
        (V1_YAML, 10, 9, "E202", "variation V1 reallocates in unknown area 'east'"),
        (
            V1_YAML,
            11,
            9,
            "E208",
            "variation V1 changes the allocation of line delivery in area central, "
            "which is not recorded",
        ),
    ]
    assert problems[0].hint == "use one of: T1, T2, T3"
    assert problems[3].hint == (
        "allocation_changes change recorded allocations; add a new line and area pair, "
        "with its amount, under the variation's allocations"
    )


def test_variation_changes_known_records_added_later(tmp_path: Path) -> None:
    """V1 (approved 2024-01-10) changes a tranche and an allocation V2 adds in February."""
    v2 = inline("""
        variations:
          - id: V2
            decision: D1
            reference: TEST/V/2
            approved: 2024-02-01
            reason: Central area
            allocations:
              - {line: delivery, area: central, amount: 0.00}
            tranches:
              - {id: T4, line: delivery, due: 2024-12-31, amount: 10.00}
    """)
    extra = {"ledger/contract.d/v2.yaml": v2}
    extra |= variation("""
        tranche_changes:
          - {tranche: T4, amount_change: -10.00}
        allocation_changes:
          - {line: delivery, area: central, amount_change: 10.00}
    """)
    problems = run_check(variation_changes_known, make_workspace(tmp_path, extra=extra))
    assert found(problems) == [
        (
            V1_YAML,
            8,
            9,
            "E204",
            "variation V1 changes tranche T4, which variation V2 adds later (approved 2024-02-01)",
        ),
        (
            V1_YAML,
            10,
            9,
            "E208",
            "variation V1 changes the allocation of line delivery in area central, "
            "which variation V2 adds later (approved 2024-02-01)",
        ),
    ]


def test_variation_changes_known_of_another_decision(tmp_path: Path) -> None:
    extra = {"ledger/contract.d/d2.yaml": DECISION_2}
    extra |= variation("""
        tranche_changes:
          - {tranche: T5, amount_change: -10.00}
        allocation_changes:
          - {line: delivery_2, area: south, amount_change: -10.00}
    """)
    ledger = load_ledger(make_workspace(tmp_path, extra=extra))
    assert found(list(variation_changes_known(ledger, CheckContext(as_of=AS_OF)))) == [
        (V1_YAML, 8, 9, "E204", "variation V1 of D1 changes tranche T5 of decision D2"),
        (
            V1_YAML,
            10,
            9,
            "E208",
            "variation V1 of D1 changes the allocation of line delivery_2 in area south, "
            "of decision D2",
        ),
    ]
    # Not applied: D2's figures stand as recorded.
    assert [t.amount for d, t in ledger.tranches() if d == "D2"] == [Decimal("100.00")]
    assert [a.amount for d, a in ledger.allocations() if d == "D2"] == [Decimal("100.00")]


def test_variation_changes_not_negative_tranche_and_allocation(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        extra=variation("""
            tranche_changes:
              - {tranche: T1, amount_change: -400.00}
              - {tranche: T2, amount_change: -400.01}
            allocation_changes:
              - {line: delivery, area: north, amount_change: -450.00}
        """),
    )
    problems = run_check(variation_changes_not_negative, root)
    assert found(problems) == [
        (V1_YAML, 9, 9, "E406", "variation V1 takes tranche T2 to -£0.01 (it was £400.00)"),
        (
            V1_YAML,
            11,
            9,
            "E406",
            "variation V1 takes the allocation of line delivery in area north to -£50.00 "
            "(it was £400.00)",
        ),
    ]
    assert problems[0].hint == (
        "a change can at most cancel the tranche: amount_change of at least -£400.00"
    )
    # T1 cancelled to zero is fine, and stays a tranche transactions may name.
    assert [(t.id, t.amount) for _, t in load_ledger(root).tranches()][:2] == [
        ("T1", Decimal("0.00")),
        ("T2", Decimal("-0.01")),
    ]
    assert run_check(known_tranches, root) == []


def test_variation_changes_not_negative_reported_where_it_goes_below(tmp_path: Path) -> None:
    """V1 takes T2 below zero; V2 (later) restores it: V1 is wrong while it stands alone."""
    v2 = inline("""
        variations:
          - id: V2
            decision: D1
            reference: TEST/V/2
            approved: 2024-02-01
            reason: Correction
            tranche_changes:
              - {tranche: T2, amount_change: 100.00}
    """)
    extra = {"ledger/contract.d/v2.yaml": v2}
    extra |= variation("tranche_changes:\n  - {tranche: T2, amount_change: -450.00}\n")
    problems = run_check(variation_changes_not_negative, make_workspace(tmp_path, extra=extra))
    assert found(problems) == [
        (V1_YAML, 8, 9, "E406", "variation V1 takes tranche T2 to -£50.00 (it was £400.00)")
    ]


def test_tranche_dates_in_contract_moved_by_a_variation(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path, extra=variation("tranche_changes:\n  - {tranche: T2, new_due: 2025-04-30}\n")
    )
    assert found(run_check(tranche_dates_in_contract, root)) == [
        (
            V1_YAML,
            8,
            9,
            "E301",
            "tranche T2 is due 2025-04-30, outside the contract period 2023-07-01 to "
            "2025-03-31 (moved by variation V1)",
        )
    ]


def test_a_tranche_change_that_changes_nothing_is_a_shape_error(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, extra=variation("tranche_changes:\n  - {tranche: T2}\n"))
    assert found(check_workspace(root)) == [
        (
            V1_YAML,
            8,
            9,
            "E110",
            "variations.0.tranche_changes.0: a tranche change needs an amount_change, "
            "a new_due, or both",
        )
    ]


def test_tranches_sum_to_lines_after_a_reprofiling(tmp_path: Path) -> None:
    """Lowering a line and its tranche keeps the profile whole; lowering the line alone
    leaves the profile above the budget."""
    lowered = variation("""
        line_changes:
          - {line: evaluation, amount_change: -50.00}
          - {line: unallocated, amount_change: 50.00}
    """)
    problems = run_check(tranches_sum_to_lines, make_workspace(tmp_path / "a", extra=lowered))
    assert found(problems) == [
        (
            CONTRACT_YAML,
            14,
            9,
            "E404",
            "tranches of line evaluation sum to £150.00, but its budget is £100.00",
        )
    ]
    reprofiled = {
        name: str(text) + "    tranche_changes:\n      - {tranche: T3, amount_change: -50.00}\n"
        for name, text in lowered.items()
    }
    assert run_check(tranches_sum_to_lines, make_workspace(tmp_path / "b", extra=reprofiled)) == []


# ------------------------------------------------------------------------ transactions


def test_duplicate_transaction_ids_every_repeat(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=f"""
            {TX_HEADER}
            TX-1,2023-09-30,payment,delivery,north,100.00,INV-1,Provider,Delivery,T1
            TX-1,2023-09-30,payment,delivery,south,100.00,INV-1,Provider,Delivery,T1
            TX-2,2023-09-30,payment,delivery,south,100.00,INV-1,Provider,Delivery,T1
            TX-1,2023-09-30,payment,delivery,north,100.00,INV-1,Provider,Delivery,T1
        """,
    )
    problems = run_check(duplicate_transaction_ids, root)
    assert found(problems) == [
        (TX, 3, 1, "E107", "duplicate transaction id 'TX-1' (first on line 2)"),
        (TX, 5, 1, "E107", "duplicate transaction id 'TX-1' (first on line 2)"),
    ]
    assert problems[0].hint == (
        "give every transaction its own id; to correct a row, add a reversal with a new id"
    )


def test_sign_matches_kind_each_kind(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=f"""
            {TX_HEADER}
            TX-1,2023-09-30,payment,delivery,north,-5.00,INV-1,Provider,Wrong sign,
            TX-2,2023-09-30,accrual,delivery,north,5.00,ACC-1,Provider,Right,
            TX-3,2023-10-01,reversal,delivery,north,0,ACC-1,Provider,Zero,
            TX-4,2023-10-01,refund,delivery,north,5,RF-1,Provider,Wrong sign,
            TX-5,2023-10-01,refund,delivery,north,-0.50,RF-2,Provider,Right,
            TX-6,2023-10-01,accrual,delivery,north,-0.01,ACC-2,Provider,Wrong sign,
        """,
    )
    assert found(run_check(sign_matches_kind, root)) == [
        (TX, 2, 6, "E401", "a payment must be positive, got -£5.00"),
        (TX, 4, 6, "E401", "a reversal must be negative, got £0.00"),
        (TX, 5, 6, "E401", "a refund must be negative, got £5.00"),
        (TX, 7, 6, "E401", "a accrual must be positive, got -£0.01"),
    ]


def test_known_budget_lines_unknown_line(tmp_path: Path) -> None:
    transactions = swap(TRANSACTIONS, "accrual,evaluation,", "accrual,evaluaton,")
    transactions = swap(transactions, ",T3\n", ",\n")
    problems = run_check(known_budget_lines, make_workspace(tmp_path, transactions=transactions))
    assert found(problems) == [(TX, 4, 4, "E201", "unknown budget line 'evaluaton'")]
    assert (
        problems[0].hint
        == "use a line id from ledger/contract.yaml: delivery, evaluation, unallocated"
    )


def test_known_tranches_unknown_and_on_another_line(tmp_path: Path) -> None:
    transactions = swap(TRANSACTIONS, ",T3\n", ",T9\n")
    transactions = swap(
        transactions,
        "south,200.00,INV-1,Provider,September delivery,T1",
        "south,200.00,INV-1,Provider,September delivery,T3",
    )
    root = make_workspace(tmp_path, transactions=transactions)
    assert found(run_check(known_tranches, root)) == [
        (TX, 3, 10, "E204", "tranche T3 belongs to line evaluation, not delivery"),
        (TX, 4, 10, "E204", "unknown tranche 'T9'"),
    ]


def test_known_tranches_column_is_optional(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions="""
            id,date,kind,budget_line,area,amount,reference,counterparty,description
            TX-1,2023-09-30,payment,delivery,north,200.00,INV-1,Provider,Delivery
        """,
    )
    ledger = load_ledger(root)
    assert "tranche" not in ledger.transactions.columns
    assert list(known_tranches(ledger, CheckContext(as_of=AS_OF))) == []


def test_transaction_areas_unknown_outside_dates_and_empty(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=f"""
            {TX_HEADER}
            TX-1,2023-09-30,payment,delivery,east,100.00,INV-1,Provider,Delivery,
            TX-2,2025-01-01,payment,delivery,north,100.00,INV-2,Provider,Delivery,
            TX-3,2024-12-31,payment,delivery,north,100.00,INV-3,Provider,Delivery,
            TX-4,2024-12-31,payment,delivery,central,100.00,INV-3,Provider,Delivery,
            TX-5,2024-03-31,payment,evaluation,,150.00,EV-1,University,Report,
        """,
    )
    problems = run_check(transaction_areas, root)
    assert found(problems) == [
        (TX, 2, 5, "E202", "unknown area 'east'"),
        (
            TX,
            3,
            5,
            "E205",
            "the transaction dated 2025-01-01 is in area north, which is valid from "
            "2020-04-01 to 2024-12-31",
        ),
        (
            TX,
            5,
            5,
            "E205",
            "the transaction dated 2024-12-31 is in area central, which is valid from 2025-01-01",
        ),
    ]
    assert problems[1].hint == "use the area valid on that date; after 2024-12-31 use central"


def test_transaction_dates_outside_period_and_after_as_of(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=f"""
            {TX_HEADER}
            TX-1,2023-06-30,payment,delivery,north,100.00,INV-1,Provider,Too early,
            TX-2,2023-07-01,payment,delivery,north,100.00,INV-2,Provider,First day,
            TX-3,2024-06-01,payment,delivery,south,100.00,INV-3,Provider,After as-of,
            TX-4,2025-04-01,payment,delivery,south,100.00,INV-4,Provider,Too late,
        """,
    )
    problems = run_check(transaction_dates, root, as_of=date(2024, 5, 31))
    assert found(problems) == [
        (
            TX,
            2,
            2,
            "E301",
            "transaction dated 2023-06-30 is outside the period 2023-07-01 to 2025-03-31 "
            "of line delivery",
        ),
        (TX, 4, 2, "E302", "transaction dated 2024-06-01 is after the as-of date 2024-05-31"),
        (
            TX,
            5,
            2,
            "E301",
            "transaction dated 2025-04-01 is outside the period 2023-07-01 to 2025-03-31 "
            "of line delivery",
        ),
    ]


def test_transaction_dates_extended_by_a_variation(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=TRANSACTIONS
        + "    TX-4,2025-06-30,payment,delivery,south,100.00,INV-4,Provider,Extension,\n",
        extra=variation("new_end: 2025-09-30\n"),
    )
    assert run_check(transaction_dates, root, as_of=date(2025, 9, 30)) == []


def test_spend_within_budget_line_and_area(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=f"""
            {TX_HEADER}
            TX-1,2023-09-30,payment,evaluation,,100.00,EV-1,University,Inception,
            TX-2,2024-03-31,payment,evaluation,,100.00,EV-2,University,Interim,
            TX-3,2024-03-31,payment,delivery,north,400.01,INV-1,Provider,Delivery,
            TX-4,2024-04-30,refund,delivery,south,-10.00,RF-1,Provider,Refund,
        """,
    )
    problems = run_check(spend_within_budget, root)
    assert found(problems) == [
        (
            TX,
            3,
            6,
            "E402",
            "spend on line evaluation reaches £200.00, above its budget of £150.00",
        ),
        (
            CONTRACT_YAML,
            17,
            9,
            "W401",
            "spend on line delivery in area north is £400.01, above its allocation of £400.00",
        ),
    ]


def test_spend_within_budget_counts_refunds_and_reversals(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=f"""
            {TX_HEADER}
            TX-1,2024-03-31,accrual,evaluation,,150.00,EV-1,University,Year-end accrual,
            TX-2,2024-04-01,reversal,evaluation,,-150.00,EV-1,University,Reverse accrual,
            TX-3,2024-04-15,payment,evaluation,,150.00,EV-1,University,Invoice paid,
        """,
    )
    assert run_check(spend_within_budget, root) == []


def test_no_personal_text_email_phone_postcode(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=f"""
            {TX_HEADER}
            TX-1,2023-09-30,payment,delivery,north,100.00,INV-2023-0930-01,Provider,Delivery,
            TX-2,2023-09-30,payment,delivery,north,100.00,INV-2,jo@example.org,Delivery,
            TX-3,2023-09-30,payment,delivery,north,100.00,INV-3,Provider,Call 07700 900123,
            TX-4,2023-09-30,payment,delivery,north,100.00,INV-4,Provider,Lives at SY1 1AA,
            TX-5,2023-09-30,payment,delivery,north,100.00,PO 4500012345,Provider,Delivery,
        """,
    )
    assert found(run_check(no_personal_text, root)) == [
        (TX, 3, 8, "W403", "counterparty looks like it holds personal data ('jo@example.org')"),
        (TX, 4, 9, "W403", "description looks like it holds personal data ('07700 900123')"),
        (TX, 5, 9, "W403", "description looks like it holds personal data ('SY1 1AA')"),
    ]


def test_no_formula_text_in_any_ledger_file(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        transactions=f"""
            {TX_HEADER}
            TX-1,2023-09-30,payment,delivery,north,100.00,-,Provider,"=HYPERLINK(""http://x"")",
            TX-2,2023-09-30,payment,delivery,north,100.00,INV-2,@SUM(A1),- Credit note,
            TX-3,2023-09-30,payment,delivery,north,100.00,+44 1234,Provider,-£1.00,
            TX-4,2023-09-30,payment,delivery,north,100.00,INV-4,Provider,"'=1+1 made inert",
        """,
        extra={"ledger/sources.csv": "id,file,line,payment_number\nTX-1,x.csv,2,=1+1\n"},
    )
    assert found(run_check(no_formula_text, root)) == [
        (TX, 3, 8, "W405", "counterparty would run as a formula in a spreadsheet ('@SUM(A1)')"),
        (
            TX,
            2,
            9,
            "W405",
            "description would run as a formula in a spreadsheet ('=HYPERLINK(\"http://x\")')",
        ),
        (TX, 3, 9, "W405", "description would run as a formula in a spreadsheet ('- Credit note')"),
        (
            "ledger/sources.csv",
            2,
            4,
            "W405",
            "payment_number would run as a formula in a spreadsheet ('=1+1')",
        ),
    ]


def test_sources_of_known_rows_names_an_unknown_transaction(tmp_path: Path) -> None:
    sources = "id,file,line,payment_number\nTX-1,x.csv,2,\nTX-9,x.csv,3,\n"
    root = make_workspace(tmp_path, extra={"ledger/sources.csv": sources})
    assert found(run_check(sources_of_known_rows, root)) == [
        (
            "ledger/sources.csv",
            3,
            1,
            "E209",
            "ledger/sources.csv names transaction 'TX-9', which ledger/transactions.csv "
            "does not have",
        )
    ]


# ---------------------------------------------------------------- episodes and workshops


def test_duplicate_episode_ids_episodes_and_sessions(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        outcomes=swap(OUTCOMES, "EP-2,", "EP-1,"),
        workshops=WORKSHOPS + "    WS-1,2023-10-11,south,parent_session,0,6,0\n",
    )
    assert found(run_check(duplicate_episode_ids, root)) == [
        (EP, 3, 1, "E107", "duplicate episode id 'EP-1' (first on line 2)"),
        (WS, 3, 1, "E107", "duplicate workshop session id 'WS-1' (first on line 2)"),
    ]


def test_pseudonymous_refs_configured_pattern(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        settings=SETTINGS + '    cyp_ref_pattern: "^WM[0-9]{4}$"\n',
        outcomes=swap(OUTCOMES, "CYP-00002", "WM0002"),
    )
    problems = run_check(pseudonymous_refs, root)
    assert found(problems) == [
        (EP, 2, 2, "E108", "cyp_ref 'CYP-00001' does not match the pseudonym pattern ^WM[0-9]{4}$")
    ]


def test_pseudonymous_refs_default_pattern(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, outcomes=swap(OUTCOMES, "CYP-00002", "JSmith"))
    assert found(run_check(pseudonymous_refs, root)) == [
        (EP, 3, 2, "E108", "cyp_ref 'JSmith' does not match the pseudonym pattern ^CYP-[0-9]{5}$")
    ]


def test_episode_areas_outcomes_and_workshops(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        outcomes=swap(OUTCOMES, "CYP-00002,south,", "CYP-00002,west,"),
        workshops=swap(WORKSHOPS, "WS-1,2023-10-10,north", "WS-1,2025-02-10,north"),
    )
    assert found(run_check(episode_areas, root)) == [
        (EP, 3, 3, "E202", "unknown area 'west'"),
        (
            WS,
            2,
            3,
            "E205",
            "the session dated 2025-02-10 is in area north, which is valid from 2020-04-01 "
            "to 2024-12-31",
        ),
    ]


def test_episode_dates_outside_contract_and_after_as_of(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        outcomes=swap(OUTCOMES, "south,2023-09-01", "south,2023-06-01"),
        workshops=swap(WORKSHOPS, "2023-10-10", "2024-02-01"),
    )
    assert found(run_check(episode_dates, root, as_of=date(2024, 1, 31))) == [
        (
            EP,
            3,
            4,
            "E301",
            "episode referral_date 2023-06-01 is outside the contract period 2023-07-01 "
            "to 2025-03-31",
        ),
        (EP, 2, 10, "E302", "episode end_date 2024-02-15 is after the as-of date 2024-01-31"),
        (WS, 2, 2, "E302", "session date 2024-02-01 is after the as-of date 2024-01-31"),
    ]


def test_episode_order_every_rule(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        outcomes=f"""
            {EPISODE_HEADER}
            EP-1,CYP-00001,north,2023-08-01,police,14,one_to_one,completed,2023-07-31,2023-09-01,Y,N
            EP-2,CYP-00002,north,2023-08-01,police,14,one_to_one,completed,2023-08-02,2023-08-01,,
            EP-3,CYP-00003,north,2023-08-01,police,14,one_to_one,disengaged,2023-08-02,,,
            EP-4,CYP-00004,north,2023-08-01,police,14,group,declined,2023-08-02,,,
            EP-5,CYP-00005,north,2023-08-01,police,14,group,engaged,,,,
            EP-6,CYP-00006,north,2023-08-01,police,14,group,engaged,2023-08-02,2023-09-01,,
            EP-7,CYP-00007,north,2023-08-01,police,14,group,referred,,,N,Y
            EP-8,CYP-00008,north,2023-08-01,police,14,group,engaged,2023-08-02,,Y,
        """,
    )
    assert found(run_check(episode_order, root)) == [
        (EP, 2, 9, "E303", "start_date 2023-07-31 is before referral_date 2023-08-01"),
        (EP, 3, 10, "E303", "end_date 2023-08-01 is before start_date 2023-08-02"),
        (EP, 4, 10, "E304", "a disengaged episode has no end_date"),
        (EP, 5, 8, "E307", "status declined but the episode has a start_date"),
        (EP, 6, 8, "E307", "status engaged but the episode has no start_date"),
        (EP, 7, 8, "E307", "status engaged but the episode has an end_date"),
        (EP, 8, 11, "E305", "outcome risk_reduction recorded on an episode that never engaged"),
        (EP, 8, 12, "E305", "outcome entered_cjs recorded on an episode that never engaged"),
    ]


def test_eligible_ages_default_and_configured(tmp_path: Path) -> None:
    outcomes = f"""
        {EPISODE_HEADER}
        EP-1,CYP-00001,north,2023-08-01,police,9,group,referred,,,,
        EP-2,CYP-00002,north,2023-08-01,police,10,group,referred,,,,
        EP-3,CYP-00003,north,2023-08-01,police,17,group,referred,,,,
        EP-4,CYP-00004,north,2023-08-01,police,18,group,referred,,,,
    """
    root = make_workspace(tmp_path / "a", outcomes=outcomes)
    assert found(run_check(eligible_ages, root)) == [
        (EP, 2, 6, "E306", "age at referral 9 is outside the eligible 10 to 17"),
        (EP, 5, 6, "E306", "age at referral 18 is outside the eligible 10 to 17"),
    ]
    wider = make_workspace(
        tmp_path / "b", outcomes=outcomes, settings=SETTINGS + "    age_min: 8\n    age_max: 17\n"
    )
    assert found(run_check(eligible_ages, wider)) == [
        (EP, 5, 6, "E306", "age at referral 18 is outside the eligible 8 to 17")
    ]


def test_configured_vocabularies_kinds_and_sources(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path / "a",
        outcomes=swap(OUTCOMES, ",school,", ",gp,"),
        workshops=f"""
            {WORKSHOP_HEADER}
            WS-1,2023-10-10,north,football,8,0,0
            WS-2,2023-10-11,south,parent_session,0,6,0
        """,
    )
    problems = run_check(configured_vocabularies, root)
    assert found(problems) == [
        (WS, 2, 4, "E207", "unknown kind 'football'"),
        (EP, 3, 5, "E207", "unknown referral_source 'gp'"),
    ]
    assert problems[1].hint == (
        "use one of police, school, or add it to referral_sources in config/settings.yaml"
    )
    # Without a configured list, any referral source is accepted.
    open_sources = make_workspace(
        tmp_path / "b", outcomes=swap(OUTCOMES, ",school,", ",gp,"), settings="{}\n"
    )
    assert run_check(configured_vocabularies, open_sources) == []


EQUALITY = f"""
    {EPISODE_HEADER},sex,ethnicity,care_experienced,send,sessions_attended,outcome_assessed_date,cjs_follow_up_end
    EP-1,CYP-00001,north,2023-08-01,police,14,one_to_one,completed,2023-08-15,2024-02-15,Y,N,female,white,Y,N,9,2024-02-20,2025-02-15
    EP-2,CYP-00002,south,2023-09-01,school,12,group,referred,,,,,male,,,,,,
"""


def test_equality_vocabularies_unknown_values(tmp_path: Path) -> None:
    assert run_check(equality_vocabularies, make_workspace(tmp_path / "a", outcomes=EQUALITY)) == []
    root = make_workspace(
        tmp_path / "b", outcomes=swap(swap(EQUALITY, ",white,", ",british,"), ",male,", ",boy,")
    )
    problems = run_check(equality_vocabularies, root)
    assert found(problems) == [
        (EP, 3, 13, "E207", "unknown sex 'boy'"),
        (EP, 2, 14, "E207", "unknown ethnicity 'british'"),
    ]
    assert problems[1].hint == (
        "use one of asian, black, mixed, white, other, not_known (or leave it empty when not "
        "recorded), or add it to equality.ethnicity in config/settings.yaml"
    )


def test_equality_columns_of_the_wrong_shape_are_located(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path, outcomes=swap(swap(EQUALITY, ",9,", ",nine,"), ",Y,N,nine", ",yes,N,nine")
    )
    problems = check_workspace(root)
    assert [(p.line, p.column, p.code, p.message) for p in problems if p.path == EP] == [
        (2, 103, "E101", "care_experienced: input should be 'Y' or 'N' (got 'yes')"),
        (
            2,
            109,
            "E101",
            "sessions_attended: input should be a valid integer, unable to parse string as an "
            "integer (got 'nine')",
        ),
    ]


def test_follow_up_dates_before_the_end(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        outcomes=swap(swap(EQUALITY, ",2024-02-20,", ",2024-02-10,"), ",,,,,,", ",,,,,2024-01-01,"),
    )
    problems = run_check(follow_up_dates, root)
    assert found(problems) == [
        (EP, 2, 18, "E303", "outcome_assessed_date 2024-02-10 is before end_date 2024-02-15"),
        (
            EP,
            3,
            18,
            "E303",
            "outcome_assessed_date 2024-01-01 is set on an episode that has not ended",
        ),
    ]


def test_one_engagement_per_child_repeat_engagement(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        outcomes=OUTCOMES
        + "    EP-3,CYP-00002,south,2024-01-05,school,13,group,engaged,2024-01-10,,,\n"
        + "    EP-4,CYP-00001,north,2024-03-01,police,15,group,referred,,,,\n"
        + "    EP-5,CYP-00001,south,2024-06-01,police,15,group,engaged,2024-06-10,,,\n",
    )
    assert found(run_check(one_engagement_per_child, root)) == [
        (EP, 6, 2, "W301", "CYP-00001 already engaged in episode EP-1 (line 2)")
    ]


# ---------------------------------------------------------------------------- invariants

ROW = st.tuples(
    st.sampled_from(["payment", "accrual", "refund", "reversal"]),
    st.sampled_from(["delivery", "evaluation", "unknown_line"]),
    st.sampled_from(["north", "south", ""]),
    st.integers(min_value=-3_000, max_value=3_000),
    st.dates(min_value=date(2023, 6, 25), max_value=date(2025, 1, 5)),
)


def transactions_csv(rows: list[tuple[str, str, str, int, date]]) -> str:
    lines = [TX_HEADER]
    for number, (kind, line, area, pence, day) in enumerate(rows, start=1):
        sign = "-" if pence < 0 else ""
        amount = f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"
        lines.append(f"TX-{number},{day},{kind},{line},{area},{amount},R-{number},Payee,Row,")
    return "\n".join(lines) + "\n"


def by_row(root: Path, as_of: date) -> tuple[set[tuple[str, str, str]], dict[str, int]]:
    """Problems keyed by the transaction id of their row (not its line), and the sum of
    pence per budget line."""
    ledger = load_ledger(root)
    ids = dict(zip(ledger.transactions.lines, ledger.transactions.column("id"), strict=True))
    problems = {
        (p.code, ids.get(p.line, "") if p.path == TX else f"{p.path}:{p.line}", p.message)
        for p in run_checks(ledger, CheckContext(as_of=as_of))
        if p.code != "E402"  # located on the last row of its line, which moves
    }
    sums: dict[str, int] = defaultdict(int)
    for line, pence in zip(
        ledger.transactions.column("budget_line"), ledger.transactions.column("pence"), strict=True
    ):
        sums[line] += pence
    return problems, dict(sums)


@pytest.mark.slow  # 40 generated ledgers on both stores
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(ROW, min_size=1, max_size=12), seed=st.integers(0, 2**32 - 1))
def test_reordering_rows_changes_neither_problems_nor_sums(
    rows: list[tuple[str, str, str, int, date]], seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    base = make_workspace(tmp_path_factory.mktemp("ws"), transactions=transactions_csv(rows))
    numbered = inline(transactions_csv(rows)).splitlines()
    shuffled = numbered[1:]
    random.Random(seed).shuffle(shuffled)
    other = make_workspace(
        tmp_path_factory.mktemp("ws"), transactions="\n".join([numbered[0], *shuffled]) + "\n"
    )
    as_of = date(2024, 12, 31)
    assert by_row(base, as_of) == by_row(other, as_of)
    assert sorted(p.code for p in check_workspace(base, as_of)) == sorted(
        p.code for p in check_workspace(other, as_of)
    )


@pytest.mark.slow  # 40 generated ledgers on both stores
@settings(max_examples=40, deadline=None)
@given(rows=st.lists(ROW, min_size=1, max_size=8), data=st.data())
def test_splitting_a_row_keeps_the_sums(
    rows: list[tuple[str, str, str, int, date]],
    data: st.DataObject,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    index = data.draw(st.integers(0, len(rows) - 1))
    kind, line, area, pence, day = rows[index]
    part = data.draw(st.integers(min_value=min(0, pence), max_value=max(0, pence)))
    split = [
        *rows[:index],
        (kind, line, area, part, day),
        (kind, line, area, pence - part, day),
        *rows[index + 1 :],
    ]
    whole = load_ledger(
        make_workspace(tmp_path_factory.mktemp("ws"), transactions=transactions_csv(rows))
    )
    parts = load_ledger(
        make_workspace(tmp_path_factory.mktemp("ws"), transactions=transactions_csv(split))
    )

    def sums(ledger) -> dict[str, int]:
        totals: dict[str, int] = defaultdict(int)
        for name, pence in zip(
            ledger.transactions.column("budget_line"),
            ledger.transactions.column("pence"),
            strict=True,
        ):
            totals[name] += pence
        return dict(totals)

    assert sums(whole) == sums(parts)
    assert sum(parts.transactions.column("pence")) == sum(whole.transactions.column("pence"))


# ------------------------------------------------------------------------ closed months


def test_closed_months_unchanged_names_changed_added_and_removed_rows(tmp_path: Path) -> None:
    from svdiversion.checks.closes import closed_months_unchanged
    from svdiversion.core.closes import month_rows
    from svdiversion.core.fiscal import Month
    from svdiversion.finance.closes import HEADER, close_record, record_yaml

    september = Month(2023, 9)
    at_close = month_rows(load_ledger(make_workspace(tmp_path / "before")), [september])
    record = close_record(at_close[september], datetime(2023, 10, 5, 9, 30), "A. Treasurer", {})
    closes = {"ledger/closes.yaml": HEADER + record_yaml(record)}
    edited = f"""
        {TX_HEADER}
        TX-2,2023-09-30,payment,delivery,south,210.00,INV-1,Provider,September delivery,T1
        TX-3,2024-03-31,accrual,evaluation,,150.00,EV-1,University,Evaluation report,T3
        TX-4,2023-09-15,payment,delivery,north,190.00,INV-0,Provider,September delivery,T1
    """
    root = make_workspace(tmp_path / "after", transactions=edited, extra=closes)
    now = month_rows(load_ledger(root), [september])[september].digest

    assert found(run_check(closed_months_unchanged, root)) == [
        (
            "ledger/transactions.csv",
            2,
            1,
            "E501",
            "2023-09 was closed on 2023-10-05 by A. Treasurer, but its rows changed (TX-1 "
            "removed, TX-2 changed, TX-4 added): digest at close "
            "sha256:7637e84b6e1e5d31ba09112c044110086082db6f51e9ac2f6c270e37f6cfb5df, "
            f"now {now}",
        )
    ]


SHARE = """
      - at: "{at}"
        by: "A. Analyst"
        recipient: "{recipient}"
        purpose: "Interim evaluation report"
        as_of: "2025-03-31"
        key_id: "f25810f682a06592"
        k: 5
        quasi_identifiers: ["area", "age", "referral_period", "referral_source"]
        generalisation: "periods withheld; age withheld"
        episodes: 2
        withheld: 0
        files:
          "episodes.csv": "sha256:{digest}"
"""


def test_shares_in_order_reports_a_record_dated_before_the_one_above(tmp_path: Path) -> None:
    from svdiversion.checks.shares import shares_in_order

    records = [("2025-04-02T10:00:00+01:00", "University"), ("2025-04-01T09:00:00+01:00", "Board")]
    shares = "shares:\n" + "".join(
        inline(SHARE.format(at=at, recipient=who, digest="0" * 64)) for at, who in records
    )
    root = make_workspace(tmp_path, extra={"ledger/shares.yaml": shares})

    assert found(run_check(shares_in_order, root)) == [
        (
            "ledger/shares.yaml",
            15,
            3,
            "E503",
            "the share to Board is dated 2025-04-01T09:00:00+01:00, before the record above it "
            "(2025-04-02T10:00:00+01:00): records are only appended",
        )
    ]


# --------------------------------------------------------------------- the treasurer's forecast

FORECAST = """
    forecasts:
      - budget_line: {line}
        from: {start}
        said_by: A. Treasurer
        said_on: 2024-03-20
        reason: The report slips to April.
        spend:
          {first}: 0.00
          2024-04: 150.00
"""


def forecast(line: str = "evaluation", start: str = "2024-03", first: str = "2024-03") -> dict:
    return {"ledger/forecasts.yaml": FORECAST.format(line=line, start=start, first=first)}


def test_forecasts_name_known_lines_reports_an_unknown_line(tmp_path: Path) -> None:
    from svdiversion.checks.forecasts import forecasts_name_known_lines

    root = make_workspace(tmp_path, extra=forecast(line="evaluaton"))

    assert found(run_check(forecasts_name_known_lines, root)) == [
        ("ledger/forecasts.yaml", 2, 18, "E701", "forecast for unknown budget line 'evaluaton'")
    ]


def test_forecast_months_in_contract_reports_from_and_months_outside(tmp_path: Path) -> None:
    from svdiversion.checks.forecasts import forecast_months_in_contract

    root = make_workspace(tmp_path, extra=forecast(start="2023-06", first="2023-06"))

    assert found(run_check(forecast_months_in_contract, root)) == [
        (
            "ledger/forecasts.yaml",
            3,
            11,
            "E702",
            "forecast for evaluation from 2023-06, outside the contract (2023-07 to 2025-03)",
        ),
        (
            "ledger/forecasts.yaml",
            8,
            16,
            "E702",
            "forecast for evaluation in 2023-06, outside the contract (2023-07 to 2025-03)",
        ),
    ]


def test_forecast_months_in_contract_reports_a_month_before_from(tmp_path: Path) -> None:
    from svdiversion.checks.forecasts import forecast_months_in_contract

    root = make_workspace(tmp_path, extra=forecast(start="2024-04", first="2024-03"))

    assert found(run_check(forecast_months_in_contract, root)) == [
        (
            "ledger/forecasts.yaml",
            8,
            16,
            "E702",
            "forecast for evaluation in 2024-03, before its from month 2024-04",
        )
    ]


# ------------------------------------------------------------------------- the commentary


def commentary(*entries: str) -> dict[str, str | bytes]:
    return {"ledger/commentary.yaml": "commentary:\n" + "".join(f"  - {e}\n" for e in entries)}


def test_commentary_lines_known_reports_an_unknown_line(tmp_path: Path) -> None:
    from svdiversion.checks.commentary import commentary_lines_known

    root = make_workspace(
        tmp_path, extra=commentary("{month: 2024-03, budget_line: deliveries, text: Late.}")
    )

    assert found(run_check(commentary_lines_known, root)) == [
        ("ledger/commentary.yaml", 2, 35, "E201", "unknown budget line 'deliveries'")
    ]


def test_commentary_months_in_contract_reports_a_month_outside(tmp_path: Path) -> None:
    from svdiversion.checks.commentary import commentary_months_in_contract

    root = make_workspace(
        tmp_path,
        extra=commentary(
            "{month: 2023-06, budget_line: delivery, text: Before the start.}",
            "{month: 2023-07, budget_line: delivery, text: The first month.}",
            "{month: 2025-04, budget_line: delivery, text: After the end.}",
        ),
    )

    assert found(run_check(commentary_months_in_contract, root)) == [
        (
            "ledger/commentary.yaml",
            2,
            13,
            "E301",
            "commentary month 2023-06 is outside the contract period 2023-07-01 to 2025-03-31",
        ),
        (
            "ledger/commentary.yaml",
            4,
            13,
            "E301",
            "commentary month 2025-04 is outside the contract period 2023-07-01 to 2025-03-31",
        ),
    ]


def test_commentary_once_reports_a_second_explanation(tmp_path: Path) -> None:
    from svdiversion.checks.commentary import commentary_once

    root = make_workspace(
        tmp_path,
        extra=commentary(
            "{month: 2024-03, budget_line: delivery, text: Late invoice.}",
            "{month: 2024-03, budget_line: delivery, text: Said twice.}",
        ),
    )

    assert found(run_check(commentary_once, root)) == [
        (
            "ledger/commentary.yaml",
            3,
            5,
            "E608",
            "2024-03 delivery is explained twice (first on line 2)",
        )
    ]


def test_commentary_that_does_not_read_says_what_to_write(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path,
        extra=commentary("{month: 2024-3, budget_line: 'bad id!', text: ''}", "{month: 2024-03}"),
    )

    assert found(check_workspace(root)) == [
        (
            "ledger/commentary.yaml",
            2,
            13,
            "E110",
            "commentary.0.month: write the month explained, as YYYY-MM, such as 2024-09",
        ),
        (
            "ledger/commentary.yaml",
            2,
            34,
            "E110",
            "commentary.0.budget_line: write the id of a budget line of the contract, "
            "such as evaluation",
        ),
        (
            "ledger/commentary.yaml",
            2,
            51,
            "E110",
            "commentary.0.text: write the explanation, in 1 to 2,000 characters",
        ),
        ("ledger/commentary.yaml", 3, 5, "E112", "missing key 'budget_line' in commentary.1"),
        ("ledger/commentary.yaml", 3, 5, "E112", "missing key 'text' in commentary.1"),
    ]


# ------------------------------------------------------------------- spend without allocation


def test_spend_on_allocated_areas_warns_on_a_successor_without_allocation(tmp_path: Path) -> None:
    from svdiversion.checks.allocations import spend_on_allocated_areas

    rows = inline(TRANSACTIONS) + (
        "TX-4,2025-01-15,payment,delivery,central,100.00,INV-2,Provider,January,T2\n"
        "TX-5,2025-02-15,payment,delivery,central,50.00,INV-3,Provider,February,T2\n"
        "TX-6,2025-02-15,payment,evaluation,central,0.01,EV-2,University,Not split by area,\n"
    )
    root = make_workspace(tmp_path, transactions=rows)

    assert found(run_check(spend_on_allocated_areas, root)) == [
        (
            TX,
            5,
            5,
            "W404",
            "spend on line delivery in area central on 2025-01-15 (and 1 more row): "
            "no allocation of the line to central is in force on that date",
        )
    ]


def test_spend_on_allocated_areas_is_quiet_once_a_variation_allocates(tmp_path: Path) -> None:
    from svdiversion.checks.allocations import spend_on_allocated_areas

    rows = inline(TRANSACTIONS) + (
        "TX-4,2025-01-15,payment,delivery,central,100.00,INV-2,Provider,January,T2\n"
    )
    extra = variation("""
        allocations:
          - {line: delivery, area: central, amount: 0.00}
    """)
    root = make_workspace(tmp_path, transactions=rows, extra=extra)

    assert run_check(spend_on_allocated_areas, root) == []
