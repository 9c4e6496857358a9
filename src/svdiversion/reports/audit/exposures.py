"""What an adversary derives of the counts of published releases, and which counts to
hide when it derives too much.

Two attacks: interval propagation (:func:`exposures_in`, :mod:`.intervals`), cheap and
run at every step of publishing; and the integer program (:func:`exact_exposures`,
:mod:`.program`), which holds every relation at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ...core.models import DisclosurePolicy
from ..disclosure import Cell
from ..outcomes.cells import TOTAL, Key, ReleaseCells
from .intervals import Range, System, Unknown
from .linking import History
from .linking import Release as Linked


@dataclass(frozen=True, slots=True)
class Exposure:
    """What an adversary derives: ``range`` for the count named by ``what``."""

    release: str
    what: Key
    shown: Cell | None
    range: Range
    unknown: Unknown
    """The cell as the attack names it, or ``("flow", earlier, later, key)`` for a
    change between two releases."""

    @property
    def derived(self) -> bool:
        return self.shown is None


def exposures(policy: DisclosurePolicy, releases: list[Linked]) -> tuple[System, list[Exposure]]:
    """Every exposed cell of ``releases`` held together, and every exposed change
    between consecutive ones, with the system that shows why."""
    history = History(policy)
    for release in sorted(releases, key=lambda r: r.as_of):
        history.add(release)
    return history.system, exposures_in(history)


def exposures_in(history: History, since: int = 0) -> list[Exposure]:
    """A hidden count is exposed when fewer than ``protection_interval`` values remain for
    it; so is a rounded count (the reader would know it better than rounding says); a
    change between two period ends when it is known to be a small count (1 to 4) to
    fewer than ``protection_interval`` values.

    With ``since``, the releases before that index were free of exposures when the system
    last stood still, so only their counts narrowed since then are looked at again."""
    policy, system = history.policy, history.system
    changed = system.narrow()
    found: list[Exposure] = []
    for index, release in enumerate(history.releases):
        new = index >= since
        for key, cell in release.shown.cells.items():
            unknown = (release.tag, key)
            if cell == 0 or not (new or unknown in changed):
                continue
            got = system.range(unknown)
            if got is not None and got.values < policy.protection_interval:
                found.append(Exposure(release.tag, key, cell, got, unknown))
    flows = changed if since else system.lo.keys()
    for flow in flows:
        if isinstance(flow, tuple) and is_change(flow):
            got = system.range(flow)
            if got is not None and _small(got, policy):
                found.append(Exposure(flow[2], flow[3], None, got, flow))
    return found


def exact_exposures(history: History, truth: Mapping[Unknown, int] | None = None) -> list[Exposure]:
    """What the integer program derives (:mod:`.program`): every shown count of every
    release and every change between period ends, checked at once. ``truth`` (the
    audit's own attack) holds the true value of every unknown; without it the attack
    starts, as a reader's would, from any solution of what is published."""
    from .program import Attack, Check  # the solver loads only for the exact audit

    history.system.narrow()
    need = history.policy.protection_interval
    checks: list[Check] = []
    shown: dict[Unknown, tuple[str, Key, Cell]] = {}
    for release in history.releases:
        for key, cell in release.shown.cells.items():
            cell_unknown: Unknown = (release.tag, key)
            if (isinstance(cell, int) and cell == 0) or cell_unknown not in history.system.lo:
                continue
            shown[cell_unknown] = (release.tag, key, cell)
            checks.append(Check(cell_unknown, need))
    checks += [Check(u, need, small_only=True) for u in history.system.lo if is_change(u)]
    attack = Attack(history.system, (), truth, history.policy.suppress_below)
    exposed: list[Exposure] = []
    for unknown, got in attack.exposed(checks).items():
        if unknown in shown:
            tag, key, cell = shown[unknown]
            exposed.append(Exposure(tag, key, cell, got, unknown))
        elif isinstance(unknown, tuple) and len(unknown) == 4:  # ("flow", earlier, later, key)
            exposed.append(Exposure(unknown[2], unknown[3], None, got, unknown))
    return exposed


def true_values(history: History, exact: Mapping[str, ReleaseCells]) -> dict[Unknown, int]:
    """The true value of every unknown of ``history``, from each release's exact cells
    (by tag): a cell's count, a change's difference."""
    found: dict[Unknown, int] = {}
    for unknown in history.system.lo:
        if not isinstance(unknown, tuple):
            continue
        if is_change(unknown):
            earlier, later, key = unknown[1:]
            found[unknown] = int_cell(exact[later].cells.get(key, 0)) - int_cell(
                exact[earlier].cells.get(key, 0)
            )
        elif unknown[1][0] == "not_achieved":  # assessed less achieved
            cells, rest = exact[unknown[0]].cells, unknown[1][1:]
            found[unknown] = int_cell(cells.get(("assessed", *rest), 0)) - int_cell(
                cells.get(("achieved", *rest), 0)
            )
        else:
            found[unknown] = int_cell(exact[unknown[0]].cells.get(unknown[1], 0))
    return found


def is_change(unknown: Unknown) -> bool:
    return isinstance(unknown, tuple) and unknown[0] == "flow"


def _small(got: Range, policy: DisclosurePolicy) -> bool:
    return got.values < policy.protection_interval and 1 <= got.lo < policy.suppress_below


def to_hide(
    system: System,
    exposed: list[Exposure],
    exact: Mapping[Key, Cell],
    tag: str,
    shown: Mapping[Key, Cell],
) -> set[Key]:
    """For each exposure, the cell of the new release that loses least when hidden: the
    smallest non-zero count shown among those that share a sum with the exposed one or
    with the same count in the new release; a total only where no other count will do
    (they are the figures a reader needs most)."""
    hide: set[Key] = set()
    for exposure in exposed:
        own = (tag, exposure.what)
        near = system.neighbours(exposure.unknown) | system.neighbours(own) | {own}
        candidates = [
            u[1]
            for u in near
            if isinstance(u, tuple) and len(u) == 2 and u[0] == tag
            and isinstance(shown.get(u[1]), int) and shown.get(u[1]) != 0
        ]  # fmt: skip
        if candidates:
            hide.add(min(candidates, key=lambda k: (k[1] == TOTAL, int_cell(exact.get(k, 0)), k)))
    return hide


def int_cell(cell: Cell) -> int:
    """An exact release's cell, which is always a count."""
    if not isinstance(cell, int):
        raise TypeError(f"an exact release has counts only, got {cell!r}")
    return cell
