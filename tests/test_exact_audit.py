"""The integer-programming attack: every published period-end release held at once, every
relation the audit knows, counts whole. Run as the audit runs it (with the true counts,
which it checks satisfy every relation) and as a reader would (from any solution of what
is published), on the shipped ledger, generated services and a sparse hostile workspace."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from random import Random

import numpy as np
import pytest

from helpers import load_ledger, make_workspace, run_cli
from svdiversion.reports.audit import program
from svdiversion.reports.audit.exposures import exact_exposures, exposures_in, true_values
from svdiversion.reports.audit.intervals import UNBOUNDED, System
from svdiversion.reports.audit.linking import History
from svdiversion.reports.audit.program import Attack, AuditFailed, Check
from svdiversion.reports.audit.release import Publisher, linked

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2025, 3, 31)

# One area of six children, referred in the contract's last three months: one declined,
# one awaiting a start, two active, two completed (one entering the criminal justice
# system).
SPARSE_AREA = """\
  - id: test_valley
    name: Test Valley
    local_authority: Test Council
    valid_from: 2018-04-01

"""
SPARSE_EPISODES = [
    "EP-90001,CYP-90001,test_valley,2025-01-06,police,14,one_to_one,declined,,,,,,,,"
    "male,white,N,N,in_education,violence,declined,,,",
    "EP-90002,CYP-90002,test_valley,2025-01-13,school,15,one_to_one,completed,2025-01-20,"
    "2025-03-10,Y,Y,N,Y,Y,male,white,N,N,in_education,violence,plan_completed,6,2025-03-12,",
    "EP-90003,CYP-90003,test_valley,2025-02-03,police,13,group,engaged,2025-02-10,,,,,,,"
    "female,white,N,N,in_education,violence,,4,,",
    "EP-90004,CYP-90004,test_valley,2025-02-17,police,16,one_to_one,referred,,,,,,,,"
    "male,asian,N,N,neet,weapon_carrying,,,,",
    "EP-90005,CYP-90005,test_valley,2025-03-03,health,12,group,completed,2025-03-05,"
    "2025-03-28,Y,Y,Y,Y,N,male,white,N,Y,in_education,exploitation_risk,plan_completed,3,"
    "2025-03-29,",
    "EP-90006,CYP-90006,test_valley,2025-03-10,police,17,one_to_one,engaged,2025-03-17,,,,,,,"
    "male,white,Y,N,neet,violence,,1,,",
]


def sparse_workspace(root: Path) -> Path:
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / "ledger", root / "ledger")
    areas = root / "config/areas.yaml"
    text = areas.read_text(encoding="utf-8")
    areas.write_text(text.replace("areas:\n", "areas:\n" + SPARSE_AREA, 1), encoding="utf-8")
    with (root / "ledger/outcomes.csv").open("a", encoding="utf-8") as episodes:
        episodes.write("\n".join(SPARSE_EPISODES) + "\n")
    return root


def history_of(root: Path, as_of: date) -> tuple[History, Publisher, list[date]]:
    publisher = Publisher(load_ledger(root))
    days = publisher.history(as_of)
    history = History(publisher.policy)
    for day in days:
        history.add(linked(publisher.released(day)))
    return history, publisher, days


def workspaces(tmp_path: Path, which: str) -> tuple[Path, date]:
    if which == "shipped":
        return REPO, AS_OF
    if which == "sparse":
        return sparse_workspace(tmp_path / "sparse"), AS_OF
    seed = int(which.removeprefix("generated-"))
    root = tmp_path / which
    code, _, err = run_cli(
        "generate", str(root), "--episodes", "4000", "--transactions", "300",
        "--seed", str(seed), "--equality",
    )  # fmt: skip
    assert code == 0, err
    return root, date(2026, 3, 31)


@pytest.mark.slow
@pytest.mark.parametrize(
    "which", ["shipped", "sparse", "generated-1", "generated-2", "generated-3"]
)
def test_a_reader_with_an_integer_program_narrows_nothing(tmp_path: Path, which: str) -> None:
    """The reader holds every period-end release, knows every relation and solves for
    the least and greatest value of every hidden count, rounded count and change: none
    is left with fewer than protection_interval values. The audit's own attack, started
    from the true counts, agrees; and the truth satisfies every relation (soundness)."""
    root, as_of = workspaces(tmp_path, which)
    history, publisher, days = history_of(root, as_of)
    assert exposures_in(history) == []
    assert exact_exposures(history) == []  # a reader: no true counts
    # Soundness: the true counts satisfy every relation the program holds (the audit's
    # own attack, `disclosure-audit`, starts from them; it checks this as it is built).
    exact = {publisher.released(d).tag(): publisher.exact(d).cells for d in days}
    truth = true_values(history, exact)
    Attack(history.system, (), truth, publisher.policy.suppress_below)
    assert len(truth) == len(history.system.lo)


def test_an_audit_that_cannot_finish_refuses_with_exit_1(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The real solver, given no time at all: the command says why and exits 1, with no
    traceback and nothing on stdout (a report that needs the audit writes nothing)."""
    monkeypatch.setattr(program, "TIME_LIMIT", 1e-9)
    code, out, err = run_cli("disclosure-audit", "--as-of", "2025-03-31")
    assert (code, out) == (1, "")
    assert "could not finish: the solver stopped: Time limit reached" in err
    assert "nothing was written and nothing is called safe" in err
    assert "--disclosure" not in err  # an option this command does not have


@pytest.mark.slow
def test_the_cli_audit_agrees_on_the_sparse_workspace(tmp_path: Path) -> None:
    root = sparse_workspace(tmp_path / "sparse")
    code, out, err = run_cli("-C", str(root), "disclosure-audit", "--as-of", "2025-03-31")
    assert code == 0, out + err
    assert "No hidden count is exposed." in out


def table_rules_only(root: Path, as_of: date) -> History:
    """The releases as the table rules alone would publish them (no audit)."""
    publisher = Publisher(load_ledger(root))
    history = History(publisher.policy)
    for day in publisher.history(as_of):
        history.add(linked(publisher.protected(day)))
    return history


@pytest.mark.slow
def test_the_integer_program_finds_what_the_table_rules_leave_exposed() -> None:
    """Without the audit's further hiding, an integer program narrows counts: the attack
    is no weaker than the exposures propagation sees, and finds them too."""
    history = table_rules_only(REPO, date(2023, 12, 31))
    by_sums = {e.unknown for e in exposures_in(history)}
    by_program = {e.unknown for e in exact_exposures(history)}
    assert by_sums
    assert by_sums <= by_program


def test_a_nested_sum_only_the_program_sees() -> None:
    """referrals = declined + awaiting + engaged, with engaged = active + completed +
    disengaged, written as two separate sums: referrals 5 (5-7), engaged 5 (5-7),
    declined 0, awaiting hidden: awaiting = referrals - engaged is 1-2, though neither
    sum alone says so."""
    system = System()
    system.add("ref", 5, 7)
    system.add("engaged", 5, 7)
    system.add("declined", 0, 0)
    system.add("awaiting", 1, 10**15)
    system.add("active", 0, 10**15)
    system.add("ended", 0, 10**15)
    system.sum_is("ref", ["declined", "awaiting", "active", "ended"])
    system.sum_is("engaged", ["active", "ended"])
    assert system.derive()["awaiting"].values > 2  # one sum at a time: not narrowed
    truth = {"ref": 6, "engaged": 5, "declined": 0, "awaiting": 1, "active": 2, "ended": 3}
    found = Attack(system, (), truth, suppress_below=5).exposed([Check("awaiting", 3)])
    assert str(found["awaiting"]) == "1-2"


Relation = tuple[str, ...]


def random_system(seed: int) -> tuple[System, dict[str, int], list[Relation], int]:
    """Parts at two releases, each part's change between them (mostly), the totals at
    each release and of the changes (sometimes), orders true of the truth, and what each
    figure allows: the truth give or take up to 3, a later count or a total sometimes
    unbounded above (a hidden cell). Returns the system, the truth, the relations (each
    later count and total as a sum of parts and changes, and the orders) and the values a
    count needs."""
    random = Random(seed)
    truth: dict[str, int] = {f"b{i}": random.randint(0, 4) for i in range(random.randint(2, 3))}
    system, relations = System(), []
    for part in list(truth):
        if random.random() < 0.8:
            truth[f"d{part}"] = random.choice([0, 0, 1, 2, 3, 4, 5, 6])
            truth[f"l{part}"] = truth[part] + truth[f"d{part}"]
            relations.append(("sum", f"l{part}", part, f"d{part}"))
    for total, prefix in (("T", "b"), ("T2", "l"), ("D", "d")):
        parts = [n for n in truth if n.startswith(prefix)]
        if len(parts) >= 2 and random.random() < 0.7:
            truth[total] = sum(truth[n] for n in parts)
            relations.append(("sum", total, *parts))
    for _ in range(random.randint(0, 3)):
        small, large = random.sample(list(truth), 2)
        if truth[small] <= truth[large]:
            relations.append(("order", small, large))
    for name in truth:
        high = truth[name] + random.randint(0, 3)
        unbounded = name[0] not in "bd" and random.random() < 0.25
        system.add(name, max(0, truth[name] - random.randint(0, 3)),
                   UNBOUNDED if unbounded else high)  # fmt: skip
    for kind, first, *rest in relations:
        if kind == "sum":
            system.sum_is(first, rest)
        else:
            system.at_most(first, rest[0])
    return system, truth, relations, random.choice([2, 3, 3, 4])


def listed_ranges(
    system: System, truth: dict[str, int], relations: list[Relation]
) -> dict[str, tuple[int, int]]:
    """Each count's least and greatest value over every whole solution, found by listing
    every value of the parts and changes (each bounded) and working out the rest."""
    free = [n for n in truth if n[0] in "bd"]
    grid = np.meshgrid(
        *(np.arange(system.lo[n], system.hi[n] + 1) for n in free),
        indexing="ij",
    )
    values = {n: g.ravel() for n, g in zip(free, grid, strict=True)}
    ok = np.ones(len(values[free[0]]), dtype=bool)
    for kind, first, *rest in relations:
        if kind == "sum":
            values[first] = sum(values[n] for n in rest)
    for name in truth:
        ok &= (values[name] >= system.lo[name]) & (values[name] <= system.hi[name])
    for kind, first, *rest in relations:
        if kind == "order":
            ok &= values[first] <= values[rest[0]]
    return {n: (int(values[n][ok].min()), int(values[n][ok].max())) for n in truth}


@pytest.mark.parametrize(
    ("seed", "reader"), [(s, False) for s in range(40)] + [(s, True) for s in range(40, 60)]
)
def test_the_attack_finds_what_listing_every_solution_finds(seed: int, reader: bool) -> None:
    """A small random system solved by listing every whole solution: the attack, from the
    true counts or (``reader``) from any solution, finds every count the listing shows
    exposed, and each count it reports is narrow with a range holding the exact one (a
    range propagation already left narrow is reported as it is, wider). A change is
    exposed only as a small count (1-4), so one a witness shows can be 0 is settled
    without a program of its own; this holds that shortcut to the truth (it fails with
    "2 or less" in place of "0 or less"). The rarer case of a change propagation leaves
    able to be 0 has a test of its own: 3,000 of these systems never met it."""
    system, truth, relations, need = random_system(seed)
    exact = listed_ranges(system, truth, relations)
    small = {n for n in truth if n[0] == "d" or n == "D"}
    exposed = {
        n for n, (low, high) in exact.items()
        if high - low + 1 < need and high > 0
        and (1 <= low < 5 or n not in small)
    }  # fmt: skip
    system.narrow()
    checks = [Check(n, need, small_only=n in small) for n in truth]
    found = Attack(system, (), None if reader else truth, suppress_below=5).exposed(checks)
    assert exposed <= set(found)  # nothing exposed is missed
    for name, got in found.items():  # and what is reported is narrow, and holds the truth
        low, high = exact[name]
        assert high - low + 1 < need
        assert got.lo <= low and high <= got.hi


def test_a_change_propagation_leaves_able_to_be_0_is_decided_exactly() -> None:
    """Two parts at two month ends, their totals and each part's change: totals 6-8 then
    12-13, part 0's change 2-3, part 1's 0-1 after propagation. But the totals' change is
    at least 4, so part 0's change is 3 and part 1's is 1 in every solution: a change
    pinned to a small count. Taking propagation's 0-1 as the range (it can be 0, so not
    a small count) missed it."""
    system = System()
    system.difference_is("d0", "l0", "b0")
    system.difference_is("d1", "l1", "b1")
    system.sum_is("T", ["b0", "b1"])
    system.sum_is("T2", ["l0", "l1"])
    for name, low, high in [
        ("b0", 1, UNBOUNDED), ("b1", 3, UNBOUNDED), ("d0", 2, 3), ("l0", 5, 8),
        ("d1", 0, 1), ("l1", 4, 6), ("T", 6, 8), ("T2", 12, 13),
    ]:  # fmt: skip
        system.add(name, low, high)
    system.narrow()
    assert str(system.range("d1")) == "0-1"
    truth = {"b0": 4, "b1": 4, "d0": 3, "l0": 7, "d1": 1, "l1": 5, "T": 8, "T2": 12}
    found = Attack(system, (), truth, suppress_below=5).exposed([Check("d1", 3, small_only=True)])
    assert str(found["d1"]) == "1"


def test_counts_that_break_a_relation_are_the_audits_own_error() -> None:
    system = System()
    system.add("total", 5, 7)
    system.add("part", 0, 10)
    system.sum_is("total", ["part"])
    with pytest.raises(AuditFailed, match=r"break a relation|outside what is published"):
        Attack(system, (), {"total": 6, "part": 4}, suppress_below=5)


def test_exposures_are_listed_by_release_and_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The order a search finds exposures in depends on its witnesses; the report lists
    them by release and cell, so the same findings always read the same."""
    from svdiversion.reports.audit import report
    from svdiversion.reports.audit.exposures import Exposure
    from svdiversion.reports.audit.intervals import Range

    found = [
        Exposure("2024-03-31", ("achieved", "*", "m"), 5, Range(5, 6), ("2024-03-31", "a")),
        Exposure("2023-09-30", ("ref", "north"), None, Range(1, 2), ("flow", "x", "y", "k")),
        Exposure("2023-09-30", ("ref", "*"), 5, Range(6, 7), ("2023-09-30", "b")),
    ]
    monkeypatch.setattr(report, "exact_exposures", lambda history, truth: list(found))
    root = make_workspace(tmp_path)
    audit = report.disclosure_audit(load_ledger(root), date(2025, 3, 31))
    assert [(e.release, e.what) for e in audit.exposed] == [
        ("2023-09-30", ("ref", "*")),
        ("2023-09-30", ("ref", "north")),
        ("2024-03-31", ("achieved", "*", "m")),
    ]
