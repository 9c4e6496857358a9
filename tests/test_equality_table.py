"""Referrals by group against the 10 to 17 population: the disproportionality table of
the outcomes report, internal and published, and its settings."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import run_cli
from svdiversion import api
from svdiversion.reports.disclosure import Disclosure
from svdiversion.reports.options import ReportOptions

ROOT = Path(__file__).resolve().parents[1]
GROUPS = ("sex", "ethnicity", "care_experienced", "send")


def groups_of(*args: str, root: Path = ROOT) -> list[dict[str, object]]:
    code, out, err = run_cli("-C", str(root), "outcomes", "--format", "json", *args)
    assert code == 0, err
    found: list[dict[str, object]] = json.loads(out)["groups"]
    return found


def test_each_column_adds_up_to_the_referrals_internal() -> None:
    ledger = api.open_workspace(ROOT).ledger
    report = api.outcomes(ledger, ReportOptions(ledger.end), Disclosure.INTERNAL)
    for column in GROUPS:
        rows = [g for g in report.groups if g.dimension == column]
        assert rows, column
        assert sum(int(g.referrals) for g in rows) == report.totals.referrals
        assert sum(int(g.completed) for g in rows) == report.totals.completed


def test_the_table_sets_referrals_against_the_population() -> None:
    code, out, err = run_cli("-C", str(ROOT), "outcomes", "--as-of", "2025-03-31")
    assert code == 0, err
    table = out[out.index("Referrals by group") :]
    row = next(line for line in table.splitlines() if line.startswith("Care experienced │ yes"))
    # 64 of 460 referrals (13.9%) against an illustrative 1.0% of 10-17 year olds
    assert [cell.strip() for cell in row.split("│")][2:6] == ["64", "13.9%", "1.0%", "13.90"]
    assert "Population shares: illustrative shares for the sample ledger" in table


@pytest.mark.parametrize(
    "as_of",
    [
        pytest.param("2023-09-30", marks=pytest.mark.slow),
        pytest.param("2024-06-30", marks=pytest.mark.slow),
        "2025-03-31",
    ],
)
def test_published_groups_are_true_or_hidden(as_of: str) -> None:
    """Every shown count of a cumulative release within rounding of the exact one; a
    hidden one stays hidden. (A window's are the differences of the published releases
    at its ends, as every window's counts are: the next test.)"""
    window: tuple[str, ...] = ()
    exact = groups_of(*window, "--as-of", as_of, "--disclosure", "internal")
    shown = groups_of(*window, "--as-of", as_of, "--disclosure", "published")
    truth = {(g["column"], g["group"]): g for g in exact}
    assert set(truth) <= {(g["column"], g["group"]) for g in shown}
    for published in shown:
        true_row = truth.get((published["column"], published["group"]), {})
        for column in ("referrals", "completed"):
            value, true = published[column], true_row.get(column, 0)
            assert isinstance(true, int)
            if isinstance(value, int):
                assert abs(value - true) <= 2, (true_row, published)
                assert value == 0 or value >= 5
            else:
                assert value == "[c]"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("window", "before", "end"),
    [
        (("--quarter", "2024/25-Q2"), "2024-06-30", "2024-09-30"),
        (("--month", "2024-11"), "2024-10-31", "2024-11-30"),
    ],
)
def test_a_windows_groups_are_the_differences_of_the_releases(
    window: tuple[str, ...], before: str, end: str
) -> None:
    shown = groups_of(*window, "--as-of", end, "--disclosure", "published")
    early = {
        (g["column"], g["group"]): g
        for g in groups_of("--as-of", before, "--disclosure", "published")
    }
    late = {
        (g["column"], g["group"]): g for g in groups_of("--as-of", end, "--disclosure", "published")
    }
    for row in shown:
        key = (row["column"], row["group"])
        for column in ("referrals", "completed"):
            a, b = late[key][column], early.get(key, {}).get(column, 0)
            if isinstance(a, int) and isinstance(b, int) and a != b:
                assert row[column] == a - b, (key, column)
            else:
                assert row[column] in ("[c]", 0), (key, column)


def test_a_column_with_a_hidden_count_shows_no_shares() -> None:
    code, out, err = run_cli(
        "-C", str(ROOT), "outcomes", "--as-of", "2025-03-31", "--disclosure", "published"
    )
    assert code == 0, err
    table = out[out.index("Referrals by group") : out.index("Workshops")]
    for line in table.splitlines():
        cells = [c.strip() for c in line.split("│")]
        if len(cells) == 7 and cells[0] == "Sex":
            assert cells[3] == "" and cells[5] == "", line  # female or not known is hidden


def settings_with(shipped: Path, text: str) -> None:
    path = shipped / "config/settings.yaml"
    kept = path.read_text(encoding="utf-8")
    kept = kept[: kept.index("equality:")]
    path.write_text(kept + text, encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'equality:\n  population_source: x\n  population_10_17:\n    age: {"10": 0.1}\n',
            "'age' is not one of sex, ethnicity, care_experienced, send",
        ),
        (
            "equality:\n  population_source: x\n  population_10_17:\n    sex: {girls: 0.5}\n",
            "sex has no group girls",
        ),
        (
            "equality:\n  population_10_17:\n    sex: {female: 0.5}\n",
            "population_10_17 needs population_source",
        ),
        (
            "equality:\n  population_source: x\n  population_10_17:\n"
            "    sex: {female: 0.6, male: 0.6}\n",
            "the shares of sex add up to more than 1",
        ),
    ],
)
def test_population_shares_are_checked(shipped: Path, text: str, message: str) -> None:
    settings_with(shipped, text)
    code, out, err = run_cli("-C", str(shipped), "check")
    assert code == 1
    assert "E110 equality: population_10_17" in out + err
    assert message in out + err
    assert "config/settings.yaml:" in out + err
    assert "Traceback" not in out + err


def test_without_population_shares_the_table_says_how_to_add_them(shipped: Path) -> None:
    settings_with(shipped, "")
    code, out, err = run_cli("-C", str(shipped), "outcomes", "--as-of", "2025-03-31")
    assert code == 0, err
    assert "No population shares are given: add equality: population_10_17" in out
    groups = groups_of("--as-of", "2025-03-31", "--disclosure", "internal", root=shipped)
    shares = [g["population_share"] for g in groups]
    assert set(shares) == {None}
    assert Decimal("0.49") not in shares


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_services_publish_groups_true_or_hidden(tmp_path: Path, seed: int) -> None:
    root = tmp_path / "generated"
    code, _, err = run_cli(
        "generate", str(root), "--episodes", "800", "--transactions", "500",
        "--seed", str(seed), "--equality",
    )  # fmt: skip
    assert code == 0, err
    for as_of in ("2024-03-31", "2025-03-31"):
        exact = groups_of("--as-of", as_of, "--disclosure", "internal", root=root)
        shown = groups_of("--as-of", as_of, "--disclosure", "published", root=root)
        truth = {(g["column"], g["group"]): g for g in exact}
        assert {"sex", "ethnicity", "care_experienced", "send"} <= {g["column"] for g in shown}
        for published in shown:
            true_row = truth.get((published["column"], published["group"]), {})
            for column in ("referrals", "completed"):
                value, true = published[column], true_row.get(column, 0)
                assert isinstance(true, int)
                if isinstance(value, int):
                    assert abs(value - true) <= 2, (true_row, published)
                else:
                    assert value == "[c]"
