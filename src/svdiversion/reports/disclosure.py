"""Disclosure control: counts about children made safe to publish.

The policy follows common UK statistical practice (GSS, DfE, Ofqual; see
docs/disclosure.md): counts from 1 to ``suppress_below - 1`` are shown as ``[c]``; other
counts are rounded to the nearest ``round_to``; a true zero stays 0; where a row or column
of an additive table has a single hidden cell, the next smallest cell is hidden too
(secondary suppression), so a hidden cell cannot be worked back from the total; totals
are computed from exact figures and then rounded; rates are worked on the counts as
shown, and only where the denominator is at least ``min_rate_denominator``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from math import ceil

from ..core.models import DisclosurePolicy

Cell = int | str
"""A published count: an integer (rounded) or a symbol such as ``[c]``."""


class Disclosure(StrEnum):
    PUBLISHED = "published"
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class ProtectedTable:
    """An additive table after disclosure control: ``cells[r][c]`` with totals."""

    cells: list[list[Cell]]
    row_totals: list[Cell]
    column_totals: list[Cell]
    grand_total: Cell


UNBOUNDED = 10**15
"""An upper bound for a value nothing bounds (far above any count of children)."""


def cell_interval(cell: Cell, policy: DisclosurePolicy) -> tuple[int, int]:
    """What a published cell says of the true count: a zero is exact, the symbol is at
    least 1 (a zero is never hidden), a rounded count is within half a base of itself."""
    if isinstance(cell, str):
        return 1, UNBOUNDED
    if cell == 0:
        return 0, 0
    base = policy.round_to
    low = max(ceil(cell - base / 2), policy.suppress_below)
    high = ceil(cell + base / 2) - 1
    return low, high


def change_interval(late: Cell, early: Cell, policy: DisclosurePolicy) -> tuple[int, int]:
    """What two published cumulative cells allow of the count between them (a window's):
    the least and greatest difference of the true counts each allows, never below 0, and
    :data:`UNBOUNDED` above where the later one is hidden."""
    (late_lo, late_hi), (early_lo, early_hi) = (
        cell_interval(late, policy),
        cell_interval(early, policy),
    )
    high = UNBOUNDED if late_hi >= UNBOUNDED // 2 else late_hi - early_lo
    return max(late_lo - early_hi, 0), high


def round_count(value: int, policy: DisclosurePolicy) -> Cell:
    """A single count on its own: ``[c]`` when small, else rounded; 0 stays 0."""
    if value == 0:
        return 0
    if abs(value) < policy.suppress_below:
        return policy.suppressed_symbol
    base = policy.round_to
    return int((Decimal(value) / base).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * base


def protect_table(
    matrix: Sequence[Sequence[int]],
    policy: DisclosurePolicy,
    *,
    row_totals_shown: bool = True,
    column_totals_shown: bool = True,
) -> ProtectedTable:
    """Primary and secondary suppression, then rounding, of an additive table.

    Secondary suppression protects each row (column) whose total is published; say
    ``row_totals_shown=False`` when the rows are summed nowhere (measures side by side).
    """
    rows = len(matrix)
    columns = len(matrix[0]) if rows else 0
    row_totals = [sum(row) for row in matrix]
    column_totals = [sum(matrix[r][c] for r in range(rows)) for c in range(columns)]
    hidden = [[_small(matrix[r][c], policy) for c in range(columns)] for r in range(rows)]
    # A total that is not published counts as hidden: it gives nothing away.
    hidden_row_total = [_small(t, policy) or not row_totals_shown for t in row_totals]
    hidden_column_total = [_small(t, policy) or not column_totals_shown for t in column_totals]
    if policy.secondary_suppression:
        _secondary(matrix, hidden, hidden_row_total, hidden_column_total)

    def show(value: int, is_hidden: bool) -> Cell:
        return policy.suppressed_symbol if is_hidden else round_count(value, policy)

    grand = sum(row_totals)
    return ProtectedTable(
        cells=[[show(matrix[r][c], hidden[r][c]) for c in range(columns)] for r in range(rows)],
        row_totals=[show(t, _small(t, policy)) for t in row_totals],
        column_totals=[show(t, _small(t, policy)) for t in column_totals],
        grand_total=show(grand, _small(grand, policy)),
    )


def protect_list(values: Sequence[int], policy: DisclosurePolicy) -> tuple[list[Cell], Cell]:
    """A breakdown with its total (referrals by source, say): a one-row table."""
    table = protect_table([list(values)], policy)
    return table.cells[0] if values else [], table.grand_total


def protect_rate(
    numerator: Cell, denominator: Cell, policy: DisclosurePolicy
) -> Decimal | str | None:
    """A rate worked on the counts as they are shown: in a published report the rounded
    ones, so the rate tells a reader nothing the two counts do not. The symbol where
    either count is hidden or fewer than ``min_rate_denominator`` are shown assessed."""
    if denominator == 0:
        return None
    if isinstance(numerator, str) or isinstance(denominator, str):
        return policy.suppressed_symbol
    if denominator < policy.min_rate_denominator:
        return policy.suppressed_symbol
    return (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.0001"))


def _small(value: int, policy: DisclosurePolicy) -> bool:
    return 0 < abs(value) < policy.suppress_below


def _secondary(
    matrix: Sequence[Sequence[int]],
    hidden: list[list[bool]],
    hidden_row_total: list[bool],
    hidden_column_total: list[bool],
) -> None:
    """Until nothing changes: a row or column whose total is shown and that has exactly one
    hidden cell gets a second one, the smallest non-zero cell still shown (a zero cell
    reveals nothing when hidden, so it does not protect)."""
    rows = len(matrix)
    columns = len(matrix[0]) if rows else 0
    changed = True
    while changed:
        changed = False
        for r in range(rows):
            if not hidden_row_total[r]:
                changed |= _hide_second([(matrix[r][c], (r, c)) for c in range(columns)], hidden)
        for c in range(columns):
            if not hidden_column_total[c]:
                changed |= _hide_second([(matrix[r][c], (r, c)) for r in range(rows)], hidden)


def _hide_second(line: list[tuple[int, tuple[int, int]]], hidden: list[list[bool]]) -> bool:
    hidden_here = [pos for _, pos in line if hidden[pos[0]][pos[1]]]
    if len(hidden_here) != 1:
        return False
    candidates = [(value, pos) for value, pos in line if value != 0 and not hidden[pos[0]][pos[1]]]
    if not candidates:
        return False
    _, (r, c) = min(candidates)
    hidden[r][c] = True
    return True
