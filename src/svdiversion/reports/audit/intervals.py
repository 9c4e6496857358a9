"""What an adversary can derive from published counts: interval derivation.

Every published count about children says something about its true value: a ``0`` is
exact, a ``[c]`` is at least 1, and a rounded ``10`` lies between 8 and 12. The reader
also knows how counts add up: parts to their totals, this month's cumulative figure to
last month's plus the month's own, a window to the difference of two cumulative reports.
From those sums an adversary narrows each hidden value, in the manner of tau-Argus's
audit of a suppression pattern.

:class:`System` holds integer unknowns, each with the interval the published figure
allows, and linear constraints with coefficients ``+1``/``-1`` (``sum == 0``, or
``sum >= 0``). :meth:`System.derive` narrows every interval by constraint propagation
until nothing changes: each constraint in turn bounds each of its unknowns by what the
others allow. The bounds it finds are ones an adversary can reach with sums and
differences alone; on one-dimensional and hierarchical tables, and on the
differences between releases, they are the tightest there are.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from ..disclosure import UNBOUNDED

__all__ = [
    "UNBOUNDED",
    "AuditFailed",
    "Constraint",
    "Inconsistent",
    "Range",
    "System",
    "Unknown",
]

Unknown = Hashable


class AuditFailed(Exception):
    """The solver failed or ran out of time, or the true counts break a relation the
    audit holds: nothing can be said to be safe."""


class Inconsistent(Exception):
    """No values satisfy every constraint: the figures or the model of them are wrong."""


@dataclass(frozen=True, slots=True)
class Range:
    """The values an unknown can take, ``lo`` to ``hi`` inclusive."""

    lo: int
    hi: int

    @property
    def values(self) -> int:
        return max(0, self.hi - self.lo + 1)

    @property
    def exact(self) -> int | None:
        return self.lo if self.lo == self.hi else None

    def __str__(self) -> str:
        if self.lo == self.hi:
            return str(self.lo)
        return f"{self.lo}+" if self.hi >= UNBOUNDED else f"{self.lo}-{self.hi}"


@dataclass(frozen=True, slots=True)
class Constraint:
    """``sum(sign * unknown) == 0``, or ``>= 0`` when ``at_least`` is set."""

    terms: tuple[tuple[Unknown, int], ...]
    at_least: bool = False


class System:
    """Unknowns with intervals, and the sums that tie them together."""

    def __init__(self) -> None:
        self.lo: dict[Unknown, int] = {}
        self.hi: dict[Unknown, int] = {}
        self.constraints: list[Constraint] = []
        self._of: dict[Unknown, list[int]] = {}
        self._fresh: set[int] = set()
        """Constraints to look at on the next :meth:`derive`: new ones, and those of an
        unknown whose interval was narrowed by :meth:`add`."""

    def copy(self) -> System:
        """An independent system with the same unknowns, intervals and constraints."""
        other = System()
        other.lo, other.hi = dict(self.lo), dict(self.hi)
        other.constraints = list(self.constraints)
        other._of = dict(self._of)  # lists are replaced, never changed in place
        other._fresh = set(self._fresh)
        return other

    def add(self, unknown: Unknown, lo: int = 0, hi: int = UNBOUNDED) -> None:
        """An unknown, or a narrower interval for one already known."""
        if unknown in self.lo:
            if lo > self.lo[unknown] or hi < self.hi[unknown]:
                self.lo[unknown] = max(self.lo[unknown], lo)
                self.hi[unknown] = min(self.hi[unknown], hi)
                self._fresh.update(self._of[unknown])
        else:
            self.lo[unknown], self.hi[unknown] = lo, hi
            self._of[unknown] = []

    def sum_is(self, total: Unknown, parts: Iterable[Unknown]) -> None:
        """``total == sum(parts)``."""
        self._constrain(((total, 1), *((p, -1) for p in parts)), at_least=False)

    def difference_is(self, part: Unknown, later: Unknown, earlier: Unknown) -> None:
        """``part == later - earlier``."""
        self._constrain(((later, 1), (earlier, -1), (part, -1)), at_least=False)

    def at_most(self, small: Unknown, large: Unknown) -> None:
        """``small <= large``."""
        self._constrain(((large, 1), (small, -1)), at_least=True)

    def _constrain(self, terms: tuple[tuple[Unknown, int], ...], *, at_least: bool) -> None:
        merged: dict[Unknown, int] = {}
        for unknown, sign in terms:
            self.add(unknown)
            merged[unknown] = merged.get(unknown, 0) + sign
        kept = tuple((u, s) for u, s in merged.items() if s)
        if not kept:
            return
        index = len(self.constraints)
        self.constraints.append(Constraint(kept, at_least))
        self._fresh.add(index)
        for unknown, _ in kept:
            self._of[unknown] = [*self._of[unknown], index]

    def neighbours(self, unknown: Unknown) -> set[Unknown]:
        """The unknowns that share a constraint with ``unknown`` (itself included)."""
        return {u for i in self._of.get(unknown, []) for u, _ in self.constraints[i].terms}

    def derive(self, max_rounds: int = 200) -> dict[Unknown, Range]:
        """Every unknown's interval after propagation to a fixed point."""
        self.narrow(max_rounds)
        return {u: Range(self.lo[u], self.hi[u]) for u in self.lo}

    def narrow(self, max_rounds: int = 200) -> set[Unknown]:
        """Propagate to a fixed point; the unknowns whose interval changed. Only what
        changed since the last call is looked at first: adding constraints to a system at a
        fixed point and propagating again reaches the fixed point of the whole."""
        pending = self._fresh
        changed = {u for i in pending for u, _ in self.constraints[i].terms}
        self._fresh = set()
        rounds = 0
        while pending and rounds < max_rounds:
            rounds += 1
            touched: set[Unknown] = set()
            for index in sorted(pending):
                touched |= self._narrow(self.constraints[index])
            changed |= touched
            pending = {i for u in touched for i in self._of[u]}
        crossed = [u for u in changed if self.lo[u] > self.hi[u]]
        if crossed:
            raise Inconsistent(crossed)
        return changed

    def range(self, unknown: Unknown) -> Range | None:
        """The interval of ``unknown`` as propagated so far (``None`` if it is not one)."""
        return Range(self.lo[unknown], self.hi[unknown]) if unknown in self.lo else None

    def _narrow(self, constraint: Constraint) -> set[Unknown]:
        """Bound each unknown of one constraint by what the others allow."""
        lo, hi = self.lo, self.hi
        # The least and greatest the whole sum can be.
        low = sum(lo[u] if s > 0 else -hi[u] for u, s in constraint.terms)
        high = sum(hi[u] if s > 0 else -lo[u] for u, s in constraint.terms)
        touched: set[Unknown] = set()
        for unknown, sign in constraint.terms:
            own_low = lo[unknown] if sign > 0 else -hi[unknown]
            own_high = hi[unknown] if sign > 0 else -lo[unknown]
            others_low, others_high = low - own_low, high - own_high
            # sign * x + others == 0 (or >= 0): sign * x lies in [-others_high, -others_low].
            if sign > 0:
                new_lo = -others_high
                new_hi = UNBOUNDED if constraint.at_least else -others_low
            else:
                new_lo = -UNBOUNDED if constraint.at_least else others_low
                new_hi = others_high
            new_lo, new_hi = max(lo[unknown], new_lo), min(hi[unknown], new_hi)
            if new_hi < UNBOUNDED // 2 and (new_lo, new_hi) != (lo[unknown], hi[unknown]):
                lo[unknown], hi[unknown] = new_lo, new_hi
                touched.add(unknown)
            elif new_lo != lo[unknown]:
                lo[unknown] = new_lo
                touched.add(unknown)
        return touched
