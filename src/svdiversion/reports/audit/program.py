"""The exact attack: every published fact as a constraint of one integer program.

Propagation (:mod:`.intervals`) bounds each count from one sum at a time; a reader who
holds the releases can do better: solve for the least and greatest value of a hidden
count that every published figure, every sum and every order between them allows *at
once*, with counts whole. That is an integer program, and this module solves it with
HiGHS (through ``highspy``): columns are the unknowns of the :class:`.intervals.System`
(a count in one release, or the change in one between two period ends), with the
interval its published figure allows; rows are the system's sums and orders. (A
published rate is worked on the counts shown, so it adds no row.)

Deciding every count by two integer programs would take minutes, so the attack first
collects *witnesses*: whole-number solutions of the program, the true counts among them.
A count is safe when the witnesses alone show it taking ``protection_interval`` or more
values (any reader's range holds every witness), and so is a change between period ends
that a witness shows to be 0 or less (a change is exposed only as a small count, 1 to 4:
in a sparse service most changes are 0, and this settles them without programs of their
own; the audit of a generated service of 300 episodes 73 s to 29 s). Witnesses come from
programs that push many undecided counts at once (up, down, and in random directions,
each count capped at the spread it needs); a count they leave undecided is exposed at
once when the interval propagation left it is already narrow (that interval is wider
than the reader's; a change it leaves able to be 0 excepted), else decided by its own
integer programs: its greatest value within reach, and its least only when that greatest
value and the witnesses do not already span enough values (the shipped ledger's audit:
285 programs to 199; with the changes settled by a witness at 0, 100). The program
splits into independent parts (the referrals block, each outcome measure, each
workshop), solved one at a time.

A solver that fails, or runs past its time limit, raises :class:`AuditFailed`: the audit
says it could not decide rather than call anything safe.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from numpy.typing import NDArray

from .intervals import UNBOUNDED, AuditFailed, Range, System, Unknown

TIME_LIMIT = 60.0
"""Seconds one integer program may take before the audit gives up (and publication
refuses)."""

ROUNDS = 12
"""Rounds of witness-seeking programs before the counts still undecided are decided one
at a time."""

EPSILON = 1e-6


def _solver() -> highspy.Highs:
    """A HiGHS instance that prints nothing. HiGHS writes a banner to the process's
    standard output when its first instance is made, where it would land in a report's
    JSON: the file descriptor points at the null device for that moment."""
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            model = highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    model.setOptionValue("output_flag", False)
    return model


@dataclass(frozen=True, slots=True)
class Row:
    """``low <= sum(coefficient * unknown) <= high`` (``None``: no bound that side)."""

    terms: tuple[tuple[Unknown, int], ...]
    low: int | None
    high: int | None


@dataclass(frozen=True, slots=True)
class Check:
    """A count to audit: ``need`` values at least must stay possible for it. A count
    found to be in ``quiet`` (a true zero, say, or a change of 5 or more) is not
    exposed however narrow its range."""

    unknown: Unknown
    need: int
    small_only: bool = False
    """Exposed only when its least possible value is a small count (1 to 4)."""


class Attack:
    """The integer program of a system, its rows and the true counts."""

    def __init__(
        self,
        system: System,
        rows: Sequence[Row],
        truth: Mapping[Unknown, int] | None,
        suppress_below: int,
        time_limit: float | None = None,
    ) -> None:
        self.unknowns = list(system.lo)
        self.index = {u: i for i, u in enumerate(self.unknowns)}
        self.suppress_below = suppress_below
        self.time_limit = TIME_LIMIT if time_limit is None else time_limit
        n = len(self.unknowns)
        self.lower = np.array([system.lo[u] for u in self.unknowns], dtype=float)
        self.upper = np.array(
            [highspy.kHighsInf if system.hi[u] >= UNBOUNDED // 2 else system.hi[u]
             for u in self.unknowns],
            dtype=float,
        )  # fmt: skip
        self.truth = np.array([(truth or {}).get(u, 0) for u in self.unknowns], dtype=float)
        every = [
            Row(tuple(c.terms), 0, None if c.at_least else 0) for c in system.constraints
        ] + list(rows)
        self.rows = [r for r in every if all(u in self.index for u, _ in r.terms)]
        self.known = truth is not None
        """Whether ``truth`` holds the true counts (the audit's own attack); a reader's
        attack starts from any solution instead."""
        if self.known:
            self._check_truth()
        self.parts = self._components(n)

    def exposed(self, checks: Iterable[Check]) -> dict[Unknown, Range]:
        """Each checked count a reader can narrow to fewer than its ``need`` values, with
        the range the reader derives (or a range at least as wide as the reader's,
        within which fewer than ``need`` values lie)."""
        by_part: dict[int, list[Check]] = {}
        for check in checks:
            if check.unknown in self.index:
                by_part.setdefault(self.part_of[self.index[check.unknown]], []).append(check)
        found: dict[Unknown, Range] = {}
        for part, wanted in sorted(by_part.items()):
            found.update(_Part(self, self.parts[part]).exposed(wanted))
        return found

    def _check_truth(self) -> None:
        """The true counts satisfy every constraint (soundness: a reader's constraints
        must allow the truth); a failure is the audit's own error."""
        x = self.truth
        if np.any(x < self.lower - EPSILON) or np.any(x > self.upper + EPSILON):
            bad = [u for i, u in enumerate(self.unknowns)
                   if not self.lower[i] <= x[i] <= self.upper[i]]  # fmt: skip
            raise AuditFailed(f"the true counts fall outside what is published: {bad[:3]}")
        for row in self.rows:
            value = sum(x[self.index[u]] * c for u, c in row.terms)
            if (row.low is not None and value < row.low) or (
                row.high is not None and value > row.high
            ):
                raise AuditFailed(f"the true counts break a relation: {row}")

    def _components(self, n: int) -> list[NDArray[np.int64]]:
        parent = list(range(n))

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        for row in self.rows:
            first = find(self.index[row.terms[0][0]])
            for unknown, _ in row.terms[1:]:
                other = find(self.index[unknown])
                if other != first:
                    parent[other] = first
        roots = np.array([find(i) for i in range(n)])
        _, self.part_of = np.unique(roots, return_inverse=True)
        order = np.argsort(self.part_of, kind="stable")
        bounds = np.searchsorted(self.part_of[order], np.arange(self.part_of.max() + 2))
        return [order[bounds[k] : bounds[k + 1]] for k in range(len(bounds) - 1)]


class _Part:
    """One independent part of the program, as a HiGHS model."""

    def __init__(self, attack: Attack, columns: NDArray[np.int64]) -> None:
        self.attack = attack
        self.columns = columns
        self.local = {int(c): k for k, c in enumerate(columns)}
        rows = [r for r in attack.rows if attack.index[r.terms[0][0]] in self.local]
        n = len(columns)
        self.lower = attack.lower[columns].copy()
        self.upper = attack.upper[columns].copy()
        self.truth = attack.truth[columns]
        starts, indices, values, low, high = [0], [], [], [], []
        for row in rows:
            for unknown, coefficient in row.terms:
                indices.append(self.local[attack.index[unknown]])
                values.append(float(coefficient))
            starts.append(len(indices))
            low.append(-highspy.kHighsInf if row.low is None else float(row.low))
            high.append(highspy.kHighsInf if row.high is None else float(row.high))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n, len(rows)
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_, lp.col_upper_ = self.lower, self.upper
        lp.row_lower_, lp.row_upper_ = np.array(low), np.array(high)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(indices, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(values)
        lp.integrality_ = [highspy.HighsVarType.kInteger] * n
        self.model = _solver()
        self.model.setOptionValue("time_limit", attack.time_limit)
        self.model.setOptionValue("random_seed", 1)
        self.model.passModel(lp)
        self.n = n
        if not attack.known:  # a reader starts from any solution of what is published
            found = self._solve(np.zeros(n), self.lower, self.upper, gap=0.0)
            if found is None:
                raise AuditFailed("a program with no objective was unbounded")
            self.truth = np.round(found)
        self.witnesses: list[NDArray[np.float64]] = [self.truth]

    def exposed(self, checks: list[Check]) -> dict[Unknown, Range]:
        at = np.array([self.local[self.attack.index[c.unknown]] for c in checks])
        need = np.array([c.need for c in checks])
        small = np.array([c.small_only for c in checks], dtype=bool)
        undecided = self._undecided(at, need, small)
        rounds, random = 0, np.random.default_rng(len(checks))
        while undecided.any() and rounds < ROUNDS:
            before = int(undecided.sum())
            columns = at[undecided]
            if rounds == 0:
                direction = np.ones(len(columns))
            elif rounds == 1:
                direction = -np.ones(len(columns))
            else:
                direction = random.choice([-1.0, 1.0], size=len(columns))
            self._push(columns, direction, need[undecided] - 1)
            undecided = self._undecided(at, need, small)
            rounds += 1
            if rounds >= 3 and before - int(undecided.sum()) < max(1, before // 10):
                break
        found: dict[Unknown, Range] = {}
        for k in np.flatnonzero(undecided):
            if not self._undecided(at[k : k + 1], need[k : k + 1], small[k : k + 1])[0]:
                continue  # decided by a witness found for another count
            got = self._decide(int(at[k]), int(need[k]), bool(small[k]))
            check = checks[k]
            if got is not None and _counts(got, check, self.attack.suppress_below):
                found[check.unknown] = got
        return found

    def _undecided(
        self, at: NDArray[np.int64], need: NDArray[np.int64], small: NDArray[np.bool_]
    ) -> NDArray[np.bool_]:
        """Which counts the witnesses leave open: those they show taking fewer than
        ``need`` values, except a change exposed only as a small count (``small``) that
        some witness shows to be 0 or less (its least value cannot be 1 to 4)."""
        pool = np.array(self.witnesses)[:, at]
        low = pool.min(axis=0)
        narrow = (pool.max(axis=0) - low + 1) < need
        undecided: NDArray[np.bool_] = narrow & ~(small & (low <= 0))
        return undecided

    def _push(
        self, columns: NDArray[np.int64], direction: NDArray[np.float64], spread: NDArray[np.int64]
    ) -> None:
        """A witness with each column moved from its true value by up to ``spread`` in its
        direction: maximise the sum of the moves (a feasible whole solution is all it
        needs; optimality is not)."""
        lower, upper = self.lower.copy(), self.upper.copy()
        truth = self.truth[columns]
        up = direction > 0
        upper[columns[up]] = np.minimum(upper[columns[up]], truth[up] + spread[up])
        lower[columns[~up]] = np.maximum(lower[columns[~up]], truth[~up] - spread[~up])
        cost = np.zeros(self.n)
        cost[columns] = -direction
        solution = self._solve(cost, lower, upper, gap=0.2)
        if solution is not None:
            self.witnesses.append(np.round(solution))

    def _decide(self, column: int, need: int, small: bool) -> Range | None:
        """The range of one column, or ``None`` once it is known to be wide enough. The
        interval propagation left (wider than the reader's range) proves exposure when it
        is narrow, except for a change (``small``) it leaves able to be 0: whether the
        change can be 0 decides whether it is exposed, and the reader's least value may
        be 1 where propagation says 0. Otherwise integer programs, each capped at the
        spread needed, find the reader's greatest value within reach and, unless that and
        the witnesses already span ``need`` values, the least."""
        truth = self.truth[column]
        outer = Range(int(self.lower[column]), int(min(self.upper[column], UNBOUNDED)))
        if outer.values < need and not (small and outer.lo < 1 <= outer.hi):
            return outer
        cap_high = min(self.upper[column], truth + need - 1)
        cap_low = max(self.lower[column], truth - need + 1)
        top = self._optimise(column, -1.0, (self.lower[column], cap_high))
        if not self._undecided(np.array([column]), np.array([need]), np.array([small]))[0]:
            return None  # the greatest value and the witnesses already span enough values
        bottom = self._optimise(column, 1.0, (cap_low, self.upper[column]))
        got = Range(round(bottom), round(top))
        return got if got.values < need else None

    def _optimise(self, column: int, sense: float, bounds: tuple[float, float]) -> float:
        """Minimise (``sense`` 1) or maximise (-1) one column within ``bounds``; the
        solution found is a witness too. The column is bounded, so an unbounded answer
        is the solver's error."""
        cost = np.zeros(self.n)
        cost[column] = sense
        lower, upper = self.lower.copy(), self.upper.copy()
        lower[column], upper[column] = bounds
        solution = self._solve(cost, lower, upper, gap=0.0)
        if solution is None:
            raise AuditFailed("an integer program with bounded columns was unbounded")
        self.witnesses.append(np.round(solution))
        return float(solution[column])

    def _solve(
        self,
        cost: NDArray[np.float64],
        lower: NDArray[np.float64],
        upper: NDArray[np.float64],
        gap: float,
    ) -> NDArray[np.float64] | None:
        """A whole-number solution (``None`` when the objective is unbounded); every
        column is integer from the model's making."""
        model, every = self.model, np.arange(self.n, dtype=np.int32)
        model.changeColsCost(self.n, every, cost)
        model.changeColsBounds(self.n, every, lower, upper)
        model.setOptionValue("mip_rel_gap", gap)
        model.run()
        status = model.getModelStatus()
        if status == highspy.HighsModelStatus.kOptimal:
            return np.array(model.getSolution().col_value)
        if status in (
            highspy.HighsModelStatus.kUnbounded,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return None
        raise AuditFailed(f"the solver stopped: {model.modelStatusToString(status)}")


def _counts(got: Range, check: Check, suppress_below: int) -> bool:
    """Whether a narrow range exposes the count: a range of one value that is 0 does not
    (zeros are shown as 0), nor a change known to be 5 or more."""
    if got.hi <= 0:
        return False
    return not (check.small_only and not 1 <= got.lo < suppress_below)
