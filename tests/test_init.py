"""``svdiversion init``: a new workspace that passes check, and ``--extension``."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from helpers import run_cli
from svdiversion.core.money import to_pence
from svdiversion.load import load_workspace
from svdiversion.scaffold import decision_id, financial_year, plan_decision

REPO = Path(__file__).resolve().parent.parent
FILES = [
    "config/areas.yaml",
    "config/finance-import.yaml",
    "config/settings.yaml",
    "ledger/README.md",
    "ledger/commentary.yaml",
    "ledger/contract.yaml",
    "ledger/forecasts.yaml",
    "ledger/outcomes.csv",
    "ledger/transactions.csv",
    "ledger/workshops.csv",
]
CLIMB = (
    "--service",
    "CLIMB",
    "--decision",
    "PCC/D/2025/12",
    "--total",
    "288000",
    "--start",
    "2025-04-01",
    "--end",
    "2026-03-31",
)


def tree(root: Path) -> dict[str, str]:
    """Every file below ``root`` with a digest of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_init_then_check_exits_0(tmp_path: Path) -> None:
    code, out, err = run_cli("init", "climb", *CLIMB)
    assert code == 0, err
    assert out.splitlines() == [f"created climb/{name}" for name in sorted(FILES, key=_order)]
    assert err == "next: record the ledger, then run 'svdiversion -C climb check'\n"
    assert sorted(tree(tmp_path / "climb")) == FILES
    assert run_cli("-C", "climb", "check") == (0, "", "0 errors, 0 warnings in 8 files\n")
    assert run_cli("-C", "climb", "check", "--strict", "--as-of", "2025-04-01")[0] == 0


def _order(name: str) -> int:
    return [
        "config/areas.yaml",
        "config/settings.yaml",
        "config/finance-import.yaml",
        "ledger/contract.yaml",
        "ledger/transactions.csv",
        "ledger/outcomes.csv",
        "ledger/workshops.csv",
        "ledger/commentary.yaml",
        "ledger/forecasts.yaml",
        "ledger/README.md",
    ].index(name)


def test_init_writes_the_exact_headers_and_the_decision(tmp_path: Path) -> None:
    run_cli("init", "climb", *CLIMB)
    root = tmp_path / "climb"
    assert (root / "ledger/transactions.csv").read_text() == (
        "id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche\n"
    )
    assert (root / "ledger/outcomes.csv").read_text() == (
        "episode_id,cyp_ref,area,referral_date,referral_source,age_at_referral,pathway,status,"
        "start_date,end_date,risk_reduction,increased_awareness,positive_activity,"
        "progress_key_areas,entered_cjs\n"
    )
    assert (root / "ledger/workshops.csv").read_text() == (
        "session_id,date,area,kind,cyp_attendees,parent_attendees,professional_attendees\n"
    )
    ledger, problems = load_workspace(root)
    assert problems == []
    (decision,) = ledger.decisions
    assert (decision.id, decision.reference, decision.service) == (
        "PCC-D-2025-12",
        "PCC/D/2025/12",
        "CLIMB",
    )
    assert (decision.start, decision.end, to_pence(decision.total)) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
        28_800_000,
    )
    assert [(line.id, line.kind.value, to_pence(line.amount)) for line in decision.lines] == [
        ("PCC-D-2025-12-delivery", "delivery", 28_800_000)
    ]
    tranches = [(t.id, t.due, to_pence(t.amount)) for t in decision.tranches]
    assert len(tranches) == 12
    assert tranches[0] == ("PCC-D-2025-12-2025-26-P01", date(2025, 4, 30), 2_400_000)
    assert tranches[-1] == ("PCC-D-2025-12-2025-26-P12", date(2026, 3, 31), 2_400_000)
    assert [(a.area, to_pence(a.amount)) for a in decision.allocations] == [
        ("service_area", 28_800_000)
    ]
    assert [m.id for m in ledger.measures] == [
        "risk_reduction",
        "increased_awareness",
        "positive_activity",
        "progress_key_areas",
        "entered_cjs",
    ]
    assert ledger.settings.service_name == "CLIMB"


def test_tranches_divide_the_total_exactly_in_pence() -> None:
    plan = plan_decision(
        service=None,
        reference="X",
        total=100_001,
        start=date(2023, 7, 15),
        end=date(2023, 9, 10),
        today=date(2024, 1, 1),
    )
    assert plan.tranches() == [
        ("X-2023-24-P04", "X-delivery", date(2023, 7, 31), 33_333),
        ("X-2023-24-P05", "X-delivery", date(2023, 8, 31), 33_333),
        ("X-2023-24-P06", "X-delivery", date(2023, 9, 10), 33_335),
    ]
    tiny = plan_decision(
        service=None,
        reference="X",
        total=2,
        start=date(2023, 7, 1),
        end=date(2023, 9, 30),
        today=date(2024, 1, 1),
    )
    assert tiny.tranches() == [("X-2023-24-P06", "X-delivery", date(2023, 9, 30), 2)]


def test_init_without_options_writes_marked_placeholders(tmp_path: Path) -> None:
    code, _, err = run_cli("init", "new")
    assert code == 0
    assert "placeholders to replace in new/ledger/contract.yaml: period, reference, " in err
    contract = (tmp_path / "new/ledger/contract.yaml").read_text()
    assert "    total: 12000.00  # placeholder: replace with the approved total\n" in contract
    assert '    reference: "DECISION-1"  # placeholder: replace with its reference\n' in contract
    ledger, problems = load_workspace(tmp_path / "new")
    assert problems == []
    start, end = financial_year(date.today())
    assert (ledger.decisions[0].start, ledger.decisions[0].end) == (start, end)
    assert run_cli("-C", "new", "check")[0] == 0


def test_init_refuses_a_non_empty_folder_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "books"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    before = tree(folder)
    code, out, err = run_cli("init", "books", *CLIMB)
    assert (code, out) == (2, "")
    assert err == (
        "svdiversion: error: books is not empty (notes.txt); nothing written\n"
        "  hint: name a new or empty folder, or pass --force to overwrite the workspace files\n"
    )
    assert tree(folder) == before


def test_init_force_overwrites_only_the_workspace_files(tmp_path: Path) -> None:
    run_cli("init", "books", *CLIMB)
    folder = tmp_path / "books"
    (folder / "notes.txt").write_text("mine\n")
    (folder / "ledger/transactions.csv").write_text("changed\n")
    code, _, _ = run_cli("init", "books", "--force", *CLIMB)
    assert code == 0
    assert (folder / "notes.txt").read_text() == "mine\n"
    assert (folder / "ledger/transactions.csv").read_text().startswith("id,date,kind,")
    assert sorted(tree(folder)) == sorted([*FILES, "notes.txt"])  # no temporary files


def test_init_into_a_fresh_git_repository(tmp_path: Path) -> None:
    (tmp_path / "repo/.git").mkdir(parents=True)
    assert run_cli("init", "repo", *CLIMB)[0] == 0
    assert (tmp_path / "repo/ledger/contract.yaml").is_file()


def test_init_onto_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "taken").write_text("x")
    code, _, err = run_cli("init", "taken")
    assert code == 2
    assert err.startswith("svdiversion: error: taken is a file, not a folder\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start", "2025-04-01", "--end", "2025-03-01"), "the period ends (2025-03-01) before"),
        (("--total", "£288,000"), "'£288,000' is not an amount; write plain pounds"),
        (("--total", "0"), "the total must be above zero, got £0.00"),
        (("--start", "01/04/2025"), "'01/04/2025' is not a date; write it as YYYY-MM-DD"),
    ],
)
def test_init_bad_options_exit_2_and_write_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = run_cli("init", "new", *args)
    assert (code, out) == (2, "")
    assert message in err
    assert not (tmp_path / "new").exists()


def test_init_copies_an_areas_file_and_splits_the_line_between_its_areas(tmp_path: Path) -> None:
    code, _, err = run_cli("init", "wm", *CLIMB, "--areas", str(REPO / "config/areas.yaml"))
    assert code == 0, err
    root = tmp_path / "wm"
    assert (root / "config/areas.yaml").read_bytes() == (REPO / "config/areas.yaml").read_bytes()
    ledger, problems = load_workspace(root)
    assert problems == []
    # The five local policing areas are valid on 2025-04-01; the two from 2026 are not.
    assert [(a.area, to_pence(a.amount)) for a in ledger.decisions[0].allocations] == [
        ("herefordshire", 5_760_000),
        ("north_worcestershire", 5_760_000),
        ("south_worcestershire", 5_760_000),
        ("shropshire", 5_760_000),
        ("telford_wrekin", 5_760_000),
    ]
    assert run_cli("-C", "wm", "check", "--strict")[0] == 0


def test_init_with_a_broken_areas_file_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "areas.yaml").write_text(
        "areas:\n  - id: north\n    name: North\n    valid_from: 2025-04-01\n"
    )
    code, out, err = run_cli("init", "new", "--areas", "areas.yaml")
    assert (code, out) == (1, "")
    assert err == (
        "areas.yaml:2:5: E112 missing key 'local_authority' in areas.0\n"
        "  hint: add local_authority: (see docs/ledger-format.md)\n"
        "svdiversion: error: the areas file areas.yaml has problems; nothing written\n"
        "  hint: correct the problems above and run init again\n"
    )
    assert not (tmp_path / "new").exists()


def test_init_with_areas_that_fail_a_rule_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "areas.yaml").write_text(
        "areas:\n"
        "  - id: north\n"
        "    name: North\n"
        "    local_authority: North Council\n"
        "    valid_from: 2020-04-01\n"
        "    successor: nowhere\n"
    )
    code, _, err = run_cli("init", "new", "--areas", "areas.yaml")
    assert code == 1
    assert err.startswith("config/areas.yaml:2:5: E202 area north names unknown successor")
    assert (
        "the new workspace would not pass check (config/areas.yaml is a copy of areas.yaml)" in err
    )
    assert not (tmp_path / "new").exists()


def test_init_with_a_missing_areas_file_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = run_cli("init", "new", "--areas", "nowhere.yaml")
    assert code == 2
    assert "cannot read the areas file nowhere.yaml: not found" in err
    assert not (tmp_path / "new").exists()


# ------------------------------------------------------------------ --extension

EXTENSION = (
    "--decision",
    "PCC/D/2025/03",
    "--total",
    "288000.00",
    "--start",
    "2025-04-01",
    "--end",
    "2026-03-31",
)


def test_extension_adds_a_file_and_touches_nothing_else(shipped: Path) -> None:
    before = tree(shipped)
    code, out, err = run_cli("init", str(shipped), "--extension", *EXTENSION)
    assert code == 0, err
    assert out == f"created {shipped}/ledger/contract.d/PCC-D-2025-03.yaml\n"
    after = tree(shipped)
    assert set(after) - set(before) == {"ledger/contract.d/PCC-D-2025-03.yaml"}
    assert {name: after[name] for name in before} == before
    ledger, problems = load_workspace(shipped)
    assert problems == []
    assert [d.id for d in ledger.decisions] == ["PCC-D-2023-24", "PCC-D-2025-03"]
    extension = ledger.decisions[1]
    assert (
        extension.service == "Steer Clear West Mercia (Serious Violence CYP Diversionary Service)"
    )
    assert to_pence(extension.total) == 28_800_000
    assert len(extension.tranches) == 12
    assert len(extension.allocations) == 5
    assert ledger.budget_total == 88_800_000
    assert run_cli("-C", str(shipped), "check", "--strict", "--as-of", "2025-03-31")[0] == 0


def test_extension_refuses_a_decision_already_recorded(shipped: Path) -> None:
    before = tree(shipped)
    code, _, err = run_cli(
        "init", str(shipped), "--extension", *EXTENSION[:1], "PCC/D/2023/24", *EXTENSION[2:]
    )
    assert code == 2
    assert err == (
        "svdiversion: error: a decision with id 'PCC-D-2023-24' is already recorded in this "
        "workspace\n  hint: give the new decision its own reference with --decision\n"
    )
    assert run_cli("init", str(shipped), "--extension", *EXTENSION)[0] == 0
    assert run_cli("init", str(shipped), "--extension", *EXTENSION)[0] == 2
    assert len(tree(shipped)) == len(before) + 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--decision", "X"), "--extension needs --total, --start, --end"),
        ((*EXTENSION, "--force"), "--extension takes neither --areas nor --force"),
        ((*EXTENSION, "--areas", "a.yaml"), "--extension takes neither --areas nor --force"),
    ],
)
def test_extension_usage_errors(shipped: Path, args: tuple[str, ...], message: str) -> None:
    before = tree(shipped)
    code, _, err = run_cli("init", str(shipped), "--extension", *args)
    assert code == 2
    assert err.startswith(f"svdiversion: error: {message}\n")
    assert tree(shipped) == before


def test_extension_needs_a_workspace(tmp_path: Path) -> None:
    code, _, err = run_cli("init", "nothing", "--extension", *EXTENSION)
    assert code == 2
    assert "nothing is not a workspace: it needs config/ and ledger/ folders" in err


def test_extension_uses_the_workspace_given_with_C(shipped: Path) -> None:
    assert run_cli("-C", str(shipped), "init", "--extension", *EXTENSION)[0] == 0
    assert (shipped / "ledger/contract.d/PCC-D-2025-03.yaml").is_file()


def test_decision_ids_are_safe_file_names() -> None:
    assert decision_id("PCC/D/2025/12") == "PCC-D-2025-12"
    assert decision_id("  CLIMB 2025/26 (extension) ") == "CLIMB-2025-26-extension"
    assert decision_id("///") == "decision"
    assert len(decision_id("A" * 80)) == 48


def test_help_shows_examples() -> None:
    for command in ("init", "check"):
        code, out, _ = run_cli(command, "--help")
        assert code == 0
        assert "Examples:" in out
        assert f"svdiversion {command}" in out or "svdiversion -C" in out


def test_a_new_workspace_runs_the_month_end_and_the_reports(tmp_path: Path) -> None:
    """Day one: no unit costs, no finance export yet; every command still works."""
    assert run_cli("init", "climb", *CLIMB)[0] == 0
    assert not (tmp_path / "climb/config/unit_costs.yaml").exists()
    as_of = ("--as-of", "2025-06-15")

    for command in (("check",), ("report",), ("vfm",), ("import", "--month", "2025-05")):
        code, out, err = run_cli("-C", "climb", *command, *as_of)
        assert code == 0, (command, err)

    # Nothing spent against May's tranche is a variance to explain: a finding (exit 1),
    # reported in full, not an error.
    code, out, err = run_cli("-C", "climb", "reconcile", "--month", "2025-05", *as_of)
    assert code == 1
    assert err.splitlines() == [
        "no finance export yet: ledger/finance/*.csv matches no file; save the finance "
        "system's payments export there, or pass --payments FILE",
        "2025-05 does not reconcile: 1 unexplained variance",
        "2025-05 is open (not closed)",
    ]

    code, out, _ = run_cli("-C", "climb", "vfm", "--format", "markdown", *as_of)
    assert "No break-even table: config/unit_costs.yaml (optional) is not there" in out
    code, _, err = run_cli("-C", "climb", "import", "--month", "2025-05", *as_of)
    assert err.startswith("no finance export yet: ledger/finance/*.csv matches no file")


def test_init_with_quarterly_tranches_checks(tmp_path: Path) -> None:
    root = tmp_path / "climb"
    code, _, err = run_cli("init", str(root), *CLIMB, "--tranches", "quarter")
    assert code == 0, err

    ledger, problems = load_workspace(root)

    assert problems == []
    assert ledger is not None
    assert [(t.id, str(t.due), to_pence(t.amount)) for _, t in ledger.tranches()] == [
        ("PCC-D-2025-12-2025-26-Q1", "2025-06-30", 7_200_000),
        ("PCC-D-2025-12-2025-26-Q2", "2025-09-30", 7_200_000),
        ("PCC-D-2025-12-2025-26-Q3", "2025-12-31", 7_200_000),
        ("PCC-D-2025-12-2025-26-Q4", "2026-03-31", 7_200_000),
    ]
    assert run_cli("-C", str(root), "check", "--as-of", "2025-04-01")[0] == 0
    assert "commentary: []" in (root / "ledger/commentary.yaml").read_text(encoding="utf-8")
    assert "forecasts: []" in (root / "ledger/forecasts.yaml").read_text(encoding="utf-8")


def test_init_with_an_evaluation_line_as_the_decision_notice_has(tmp_path: Path) -> None:
    """The decision carves the evaluation out of the total: a line of kind evaluation,
    paid at the end, not split between areas; delivery holds the rest."""
    root = tmp_path / "climb"
    code, _, err = run_cli("init", str(root), *CLIMB, "--evaluation", "24000")
    assert code == 0, err
    ledger, problems = load_workspace(root)
    assert problems == []
    assert ledger is not None
    lines = {b.id: (b.kind, b.budget) for b in ledger.line_budgets()}
    assert lines == {
        "PCC-D-2025-12-delivery": ("delivery", 26_400_000),
        "PCC-D-2025-12-evaluation": ("evaluation", 2_400_000),
    }
    tranches = [(t.line, str(t.due), to_pence(t.amount)) for _, t in ledger.tranches()]
    assert tranches[-1] == ("PCC-D-2025-12-evaluation", "2026-03-31", 2_400_000)
    assert sum(p for line, _, p in tranches if line.endswith("delivery")) == 26_400_000
    assert {a.line for _, a in ledger.allocations()} == {"PCC-D-2025-12-delivery"}
    assert run_cli("-C", str(root), "check", "--as-of", "2025-04-01")[0] == 0


@pytest.mark.parametrize("amount", ["0", "288000", "300000"])
def test_an_evaluation_not_inside_the_total_is_a_usage_error(tmp_path: Path, amount: str) -> None:
    code, _, err = run_cli("init", str(tmp_path / "x"), *CLIMB, "--evaluation", amount)
    assert code == 2
    assert "the evaluation must be above zero and below the total of £288,000.00" in err
    assert not (tmp_path / "x").exists()


def test_init_with_several_delivery_lines(tmp_path: Path) -> None:
    """Each --line is a delivery line of its own, paid in its own tranches and split
    between the areas; with the evaluation they make up the total."""
    root = tmp_path / "climb"
    code, _, err = run_cli(
        "init",
        str(root),
        *CLIMB,
        "--evaluation",
        "24000",
        "--tranches",
        "quarter",
        "--line",
        "Steer Clear groups=120000",
        "--line",
        "One-to-one work=144000.01",
        "--total",
        "288000.01",
    )
    assert code == 0, err
    ledger, problems = load_workspace(root)
    assert problems == []
    assert ledger is not None
    lines = {b.id: (b.kind, b.budget) for b in ledger.line_budgets()}
    assert lines == {
        "PCC-D-2025-12-steer-clear-groups": ("delivery", 12_000_000),
        "PCC-D-2025-12-one-to-one-work": ("delivery", 14_400_001),
        "PCC-D-2025-12-evaluation": ("evaluation", 2_400_000),
    }
    paid: dict[str, int] = {}
    for _, tranche in ledger.tranches():
        paid[tranche.line] = paid.get(tranche.line, 0) + to_pence(tranche.amount)
    assert paid == {line: budget for line, (_, budget) in lines.items()}
    quarters = [t for _, t in ledger.tranches() if t.line.endswith("one-to-one-work")]
    assert [str(t.due) for t in quarters] == [
        "2025-06-30",
        "2025-09-30",
        "2025-12-31",
        "2026-03-31",
    ]
    assert {a.line for _, a in ledger.allocations()} == {
        "PCC-D-2025-12-steer-clear-groups",
        "PCC-D-2025-12-one-to-one-work",
    }
    assert run_cli("-C", str(root), "check", "--as-of", "2025-04-01")[0] == 0


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (
            ("A=100000", "B=100000"),
            "the lines and the evaluation add up to £224,000.00, but the total is £288,000.00",
        ),
        (("A100000",), "'A100000' is not NAME=AMOUNT"),
        (("=5",), "'=5' is not NAME=AMOUNT"),
        (("Groups=0", "Work=264000"), "a line's amount must be above zero"),
        (("A b=132000", "a-B=132000"), "two lines would have the same id (a-b)"),
        (("Groups=£100,000", "Work=164000"), "is not an amount"),
    ],
)
def test_bad_lines_are_usage_errors(tmp_path: Path, lines: tuple[str, ...], message: str) -> None:
    args = [arg for line in lines for arg in ("--line", line)]
    code, _, err = run_cli("init", str(tmp_path / "x"), *CLIMB, "--evaluation", "24000", *args)
    assert code == 2
    assert message in err
    assert not (tmp_path / "x").exists()


def test_init_with_tranches_on_given_dates(tmp_path: Path) -> None:
    """--tranche-on: each line paid in equal tranches on the dates given (in date order,
    the remainder in the last), for a contract paid on milestones."""
    root = tmp_path / "milestones"
    dates = ("2025-09-30", "2026-03-31", "2025-06-30")
    args = [arg for day in dates for arg in ("--tranche-on", day)]
    code, _, err = run_cli("init", str(root), *CLIMB, "--total", "100000.01", *args)
    assert code == 0, err
    ledger, problems = load_workspace(root)
    assert problems == []
    assert ledger is not None
    tranches = [(str(t.due), to_pence(t.amount)) for _, t in ledger.tranches()]
    assert tranches == [
        ("2025-06-30", 3_333_333),
        ("2025-09-30", 3_333_333),
        ("2026-03-31", 3_333_335),
    ]


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (("2027-01-01",), "a tranche date (2027-01-01) is outside the period"),
        (("2025-06-30", "2025-06-30"), "a tranche date is given twice"),
        (("soon",), "'soon' is not a date"),
    ],
)
def test_bad_tranche_dates_are_usage_errors(
    tmp_path: Path, dates: tuple[str, ...], message: str
) -> None:
    args = [arg for day in dates for arg in ("--tranche-on", day)]
    code, _, err = run_cli("init", str(tmp_path / "x"), *CLIMB, *args)
    assert code == 2
    assert message in err
    assert not (tmp_path / "x").exists()
