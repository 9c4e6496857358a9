"""Disclosure control: what a published table may and may not show."""

from __future__ import annotations

from decimal import Decimal

from svdiversion.core.models import DisclosurePolicy
from svdiversion.reports.disclosure import protect_list, protect_rate, protect_table, round_count

POLICY = DisclosurePolicy()  # [c] below 5, round to 5, rates on 20 or more, secondary on


def test_a_cell_of_three_is_hidden() -> None:
    assert round_count(3, POLICY) == "[c]"


def test_a_true_zero_stays_zero() -> None:
    assert round_count(0, POLICY) == 0
    table = protect_table([[0, 12], [7, 9]], POLICY)
    assert table.cells[0][0] == 0


def test_other_counts_round_to_five_half_up() -> None:
    assert [round_count(n, POLICY) for n in (5, 7, 8, 12, 13)] == [5, 5, 10, 10, 15]


def test_row_total_does_not_reveal_the_hidden_cell() -> None:
    # Row: 3 and 17, total 20. Hiding 3 alone would leave 20 - 17 = 3 to be worked out.
    table = protect_table([[3, 17], [10, 10]], POLICY)
    assert table.cells[0] == ["[c]", "[c]"]
    assert table.row_totals[0] == 20
    # The column of the second hidden cell now has one hidden cell too: its total is
    # published (27), so one more cell in that column is hidden as well.
    assert table.cells[1][1] == "[c]"
    assert table.cells[1][0] == "[c]"  # and that row in turn; no row or column has one alone
    for row in table.cells:
        assert sum(cell == "[c]" for cell in row) != 1
    for column in zip(*table.cells, strict=True):
        assert sum(cell == "[c]" for cell in column) != 1


def test_zero_cells_are_not_used_to_protect() -> None:
    table = protect_table([[3, 0, 40]], POLICY)
    assert table.cells == [["[c]", 0, "[c]"]]


def test_totals_are_rounded_from_exact_figures() -> None:
    table = protect_table([[6, 6, 6]], POLICY, column_totals_shown=False)
    assert table.cells == [[5, 5, 5]]
    assert table.row_totals == [20]  # 18 rounds to 20, not 5 + 5 + 5


def test_unpublished_totals_need_no_secondary_suppression() -> None:
    table = protect_table([[3, 40]], POLICY, row_totals_shown=False, column_totals_shown=False)
    assert table.cells == [["[c]", 40]]


def test_list_with_total() -> None:
    cells, total = protect_list([2, 30, 31], POLICY)
    assert cells == ["[c]", "[c]", 30]
    assert total == 65


def test_rates_need_a_large_enough_denominator() -> None:
    assert protect_rate(10, 19, POLICY) == "[c]"
    assert protect_rate(10, 20, POLICY) == Decimal("0.5000")
    assert protect_rate(0, 0, POLICY) is None


def test_thresholds_come_from_the_policy() -> None:
    strict = DisclosurePolicy(suppress_below=10, round_to=10, suppressed_symbol="*")
    assert round_count(9, strict) == "*"
    assert round_count(14, strict) == 10
    assert round_count(15, strict) == 20
