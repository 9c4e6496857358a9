"""The report commands end to end on the shipped workspace.

Golden files hold the exact terminal output at a fixed width; refresh them after an
intended change with ``pytest --update-golden tests/test_report_cli.py`` and review the diff.
The JSON is also checked against sums computed straight from the CSV files.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import CliResult, Golden, run_cli

GOLDEN = Path(__file__).parent / "golden" / "reports"
AS_OF = "2024-09-30"
WIDTH = "160"


def run(root: Path, *args: str) -> CliResult:
    return run_cli("-C", str(root), *args, env={"SVDIVERSION_WIDTH": WIDTH, "COLUMNS": WIDTH})


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("burndown.txt", ["burndown", "--as-of", AS_OF]),
        ("burndown-quarter.txt", ["burndown", "--as-of", AS_OF, "--by", "quarter"]),
        ("areas.txt", ["areas", "--as-of", AS_OF]),
        ("outcomes.txt", ["outcomes", "--as-of", AS_OF]),
        ("outcomes-published.txt", ["outcomes", "--as-of", AS_OF, "--disclosure", "published"]),
        ("vfm.txt", ["vfm", "--as-of", AS_OF]),
        ("report.txt", ["report", "--as-of", AS_OF]),
        ("burndown.json", ["burndown", "--as-of", AS_OF, "--format", "json"]),
        ("areas.json", ["areas", "--as-of", AS_OF, "--format", "json"]),
        ("outcomes.json", ["outcomes", "--as-of", AS_OF, "--format", "json"]),
        ("outcomes.md", ["outcomes", "--quarter", "2024/25-Q2", "--format", "markdown"]),
        ("burndown.csv", ["burndown", "--as-of", AS_OF, "--format", "csv"]),
    ],
)
def test_golden_output(shipped: Path, name: str, args: list[str], golden: Golden) -> None:
    code, out, _ = run(shipped, *args)
    assert code == 0
    golden(GOLDEN / name, out)


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_burndown_json_agrees_with_the_csv(shipped: Path) -> None:
    code, out, _ = run(shipped, "burndown", "--as-of", AS_OF, "--format", "json")
    assert code == 0
    document = json.loads(out)
    by_month: dict[str, Decimal] = defaultdict(Decimal)
    by_line: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows(shipped / "ledger/transactions.csv"):
        if row["date"] <= AS_OF:
            by_month[row["date"][:7]] += Decimal(row["amount"])
            by_line[row["budget_line"]] += Decimal(row["amount"])
    assert document["actual_to_date"] == f"{sum(by_month.values()):.2f}"
    for period in document["periods"]:
        if period["actual"] is not None:
            assert period["actual"] == f"{by_month[period['month']]:.2f}"
    for line in document["lines"]:
        assert line["actual_to_date"] == f"{by_line[line['id']]:.2f}"
    assert document["budget_total"] == "600000.00"
    assert [line["budget"] for line in document["lines"]] == ["538496.32", "50000.00", "11503.68"]
    assert document["periods"][0]["fy_period"] == "2023/24 P04"


def test_areas_json_agrees_with_the_csv(shipped: Path) -> None:
    code, out, _ = run(
        shipped, "areas", "--as-of", AS_OF, "--format", "json", "--disclosure", "internal"
    )
    assert code == 0
    document = json.loads(out)
    spend: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows(shipped / "ledger/transactions.csv"):
        if row["date"] <= AS_OF:
            # Spend not tied to an area is on the row of its budget line.
            spend[row["area"] or row["budget_line"]] += Decimal(row["amount"])
    referrals: dict[str, int] = defaultdict(int)
    engaged: dict[str, set[str]] = defaultdict(set)
    for row in rows(shipped / "ledger/outcomes.csv"):
        if row["referral_date"] <= AS_OF:
            referrals[row["area"]] += 1
        if row["start_date"] and row["start_date"] <= AS_OF:
            engaged[row["area"]].add(row["cyp_ref"])
    for area in document["areas"]:
        assert area["actual"] == f"{spend[area['id'] or area['budget_line']]:.2f}"
        if area["id"] is not None:
            assert area["referrals"] == referrals[area["id"]]
            assert area["engaged"] == len(engaged[area["id"]])
    assert document["total"]["actual"] == f"{sum(spend.values()):.2f}"


def test_outcomes_json_agrees_with_the_csv(shipped: Path) -> None:
    code, out, _ = run(
        shipped, "outcomes", "--as-of", "2026-01-01", "--format", "json", "--disclosure", "internal"
    )
    assert code == 0
    document = json.loads(out)
    episodes = rows(shipped / "ledger/outcomes.csv")
    assert document["disclosure"]["mode"] == "internal"
    assert document["totals"]["referrals"] == len(episodes)
    assert document["totals"]["completed"] == sum(e["status"] == "completed" for e in episodes)
    assert document["totals"]["engaged"] == sum(bool(e["start_date"]) for e in episodes)
    derived = {m["id"] for m in document["measures"]} - set(episodes[0])
    assert derived == {"re_referral"}  # worked out, not recorded: test_rereferral.py
    for measure in document["measures"]:
        if measure["id"] in derived:
            continue
        values = [e[measure["id"]] for e in episodes if e[measure["id"]]]
        assert measure["assessed"] == len(values)
        assert measure["achieved"] == values.count("Y")


def published_counts(value: object) -> list[int]:
    """Every integer count anywhere in a published JSON document."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, dict):
        return [
            n
            for key, v in value.items()
            if key
            not in {
                "suppress_below",
                "round_to",
                "min_rate_denominator",
                "sessions",
                "age",
                "population_10_17",
            }
            for n in published_counts(v)
        ]
    if isinstance(value, list):
        return [n for v in value for n in published_counts(v)]
    return []


@pytest.mark.parametrize("command", ["outcomes", "areas", "vfm", "report"])
@pytest.mark.parametrize("as_of", ["2023-10-31", AS_OF, "2025-03-31"])
def test_published_output_never_shows_a_small_count(
    shipped: Path, command: str, as_of: str
) -> None:
    code, out, _ = run(shipped, command, "--as-of", as_of, "--format", "json")
    assert code == 0
    counts = published_counts(json.loads(out))
    assert counts, "the document has counts"
    assert [n for n in counts if 0 < n < 5] == []
    assert all(n % 5 == 0 for n in counts if command != "report")


def test_terminal_output_is_marked_internal(shipped: Path) -> None:
    _, out, _ = run(shipped, "outcomes", "--as-of", AS_OF)
    assert "INTERNAL - NOT FOR PUBLICATION" in out


def test_markdown_file_is_published_by_default(shipped: Path, tmp_path: Path) -> None:
    target = tmp_path / "q2.md"
    code, out, err = run(
        shipped, "outcomes", "--quarter", "2024/25-Q2", "--format", "markdown", "--out", str(target)
    )
    assert (code, out) == (0, "")
    assert err == f"wrote {target}\n"
    assert "Published figures: disclosure control applied" in target.read_text()


def test_out_refuses_to_overwrite_a_ledger_file(shipped: Path) -> None:
    before = (shipped / "ledger/transactions.csv").read_bytes()
    code, _, err = run(
        shipped, "burndown", "--format", "csv", "--out", str(shipped / "ledger/transactions.csv")
    )
    assert code == 2
    assert "refusing to write" in err
    assert (shipped / "ledger/transactions.csv").read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["burndown", "--month", "2024-13"], "is not a month"),
        (["burndown", "--period", "2024/26-P06"], "is not a financial year"),
        (["burndown", "--quarter", "2024/25-Q5"], "is not a quarter"),
        (["burndown", "--month", "2024-09", "--fy", "2024/25"], "give only one of"),
        (["report", "--format", "csv"], "many tables"),
    ],
)
def test_bad_options_are_usage_errors(shipped: Path, args: list[str], message: str) -> None:
    code, _, err = run(shipped, *args)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_period_options_name_the_same_month(shipped: Path) -> None:
    outputs = {
        run(shipped, "burndown", *args, "--format", "json")[1]
        for args in (["--month", "2024-09"], ["--period", "2024/25-P06"])
    }
    assert len(outputs) == 1
    document = json.loads(outputs.pop())
    assert document["as_of"] == "2024-09-30"
    assert [p["month"] for p in document["periods"]] == ["2024-09"]


def test_a_ledger_with_errors_gives_no_report(shipped: Path) -> None:
    path = shipped / "ledger/transactions.csv"
    path.write_text(path.read_text().replace(",2750.00,", ",£2750.00,", 1))
    code, out, err = run(shipped, "burndown")
    assert (code, out) == (1, "")
    assert "E103" in err
    assert "no report made" in err


def test_a_ledger_without_decisions_has_nothing_to_report(tmp_path: Path) -> None:
    from helpers import EPISODE_HEADER, TX_HEADER, WORKSHOP_HEADER, make_workspace

    root = make_workspace(
        tmp_path,
        contract="""
            decisions: []
            outcome_framework:
              measures:
                - {id: risk_reduction, name: Risk reduction, better: higher}
                - {id: entered_cjs, name: Entered the justice system, better: lower}
        """,
        transactions=TX_HEADER + "\n",
        outcomes=EPISODE_HEADER + "\n",
        workshops=WORKSHOP_HEADER + "\n",
    )
    code, out, err = run(root, "burndown")
    assert (code, out) == (1, "")
    assert "no decisions yet" in err
