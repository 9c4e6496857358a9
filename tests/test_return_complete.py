"""The return is complete (issue 12, item 5), on the shipped ledger: pathways in the
workbook and the tidy CSV, tidy columns named as the JSON keys, ages formatted, every
file that feeds a figure digested on the cover, RAG against budget after the contract."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from helpers import run_cli
from svdiversion.render.xlsx import COUNT_FORMAT

JSON_LISTS = {  # tidy table of outcomes.csv -> the outcomes JSON list it mirrors
    "quarters": "quarters",
    "sources": "referral_sources",
    "ages": "ages",
    "pathways": "pathways",
    "workshops": "workshops",
}


def cli_json(root: Path, *args: str) -> Any:
    code, out, err = run_cli("-C", str(root), *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def tidy(root: Path, out: Path, *options: str) -> dict[str, list[dict[str, str]]]:
    code, _, err = run_cli("-C", str(root), "export", "csv", *options, "--out", str(out))
    assert code == 0, err
    files = {}
    for path in out.glob("*.csv"):
        with path.open(newline="", encoding="utf-8") as handle:
            files[path.stem] = list(csv.DictReader(handle))
    return files


@pytest.mark.slow  # every report in two formats
def test_tidy_columns_are_the_json_keys_and_pathways_are_there(
    shipped: Path, tmp_path: Path
) -> None:
    files = tidy(shipped, tmp_path / "csv", "--quarter", "2024/25-Q2")
    outcomes = cli_json(shipped, "outcomes", "--quarter", "2024/25-Q2")
    for table, key in JSON_LISTS.items():
        rows = [r for r in files["outcomes"] if r["table"] == table]
        keys = set().union(*(item.keys() for item in outcomes[key]))
        assert rows and {r["column"] for r in rows} <= keys, table
    workshops = {r["column"] for r in files["outcomes"] if r["table"] == "workshops"}
    assert workshops == {"sessions", "cyp_attendees", "parent_attendees", "professional_attendees"}
    pathways = {r["row"]: r["value"] for r in files["outcomes"] if r["table"] == "pathways"}
    assert pathways == {p["pathway"]: str(p["referrals"]) for p in outcomes["pathways"]}
    by_area = {r["column"] for r in files["outcomes"] if r["table"] == "measures_by_area"}
    area_keys = set(outcomes["areas"][0]["measures"][0])
    assert by_area <= area_keys
    vfm = cli_json(shipped, "vfm", "--quarter", "2024/25-Q2")
    columns = {r["column"] for r in files["vfm"] if r["table"].startswith("unit_costs")}
    assert columns <= set(vfm["unit_costs"][0])


def test_the_workbook_has_pathways_formatted_ages_and_every_input_digested(
    shipped: Path, tmp_path: Path
) -> None:
    out = tmp_path / "q2.xlsx"
    code, _, err = run_cli(
        "-C", str(shipped), "export", "xlsx", "--quarter", "2024/25-Q2", "--out", str(out)
    )
    assert code == 0, err
    book = load_workbook(out)
    cells = [c for row in book["Outcomes"].iter_rows() for c in row]
    titles = [c.value for c in cells if c.column == 1]
    assert "Referrals by pathway" in titles
    start = titles.index("Age (years)")
    ages = book["Outcomes"]["A"][start + 1 : start + 9]
    assert [c.value for c in ages] == list(range(10, 18))
    assert {c.number_format for c in ages} == {COUNT_FORMAT}
    cover = book["Cover"]
    digests = {
        row[0].value: row[1].value for row in cover.iter_rows() if isinstance(row[0].value, str)
    }
    for name in ("config/unit_costs.yaml", "config/settings.yaml", "config/areas.yaml"):
        assert digests[name] == hashlib.sha256((shipped / name).read_bytes()).hexdigest()


def test_a_month_with_a_reconciliation_digests_the_finance_inputs(
    shipped: Path, tmp_path: Path
) -> None:
    out = tmp_path / "m.xlsx"
    code, _, err = run_cli(
        "-C", str(shipped), "export", "xlsx", "--month", "2024-09", "--out", str(out)
    )
    assert code == 0, err
    names = [c.value for c in load_workbook(out)["Cover"]["A"]]
    assert "config/finance-import.yaml" in names
    assert "ledger/commentary.yaml" in names
    assert any(str(n).startswith("ledger/finance/") for n in names)


def test_after_the_contract_rag_is_against_the_budget(shipped: Path) -> None:
    during = cli_json(shipped, "burndown", "--as-of", "2024-09-30")
    # During the contract: against what the treasurer expected by then (ledger/forecasts.yaml
    # moves the £15,000 interim evaluation payment from September to October).
    assert (during["rag_basis"], during["rag"]) == ("treasurer", "amber")
    after = cli_json(shipped, "burndown", "--as-of", "2025-06-30")
    # £559,321.43 of £600,000.00 is 6.8% under budget: amber (green within 5%, amber 10%).
    assert (after["actual_to_date"], after["budget_total"]) == ("559321.43", "600000.00")
    assert (after["rag_basis"], after["rag"]) == ("budget", "amber")
    lines = {line["id"]: line["rag"] for line in after["lines"]}
    assert lines == {"provider_grant": "amber", "evaluation": "green", "unallocated": "red"}
    code, out, _ = run_cli("-C", str(shipped), "burndown", "--as-of", "2025-06-30")
    assert code == 0
    assert "RAG against budget" in out
