"""``svdiversion export csv``: each report as tidy CSV, one row per value, read back and
compared with the CLI's JSON for the same options."""

from __future__ import annotations

import csv
import io
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from helpers import inline, make_workspace, run_cli

REPO = Path(__file__).resolve().parent.parent
HYPERLINK = '=HYPERLINK("https://example.invalid/x","Click here")'
HEADER = (
    "as_of,window,disclosure,report,table,row,column,value,unit,total,"
    "period,fy_period,area,budget_line,measure"
)


def cli_json(root: Path, *args: str) -> Any:
    code, out, err = run_cli("-C", str(root), *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def values(rows: list[dict[str, str]], **where: str) -> list[str]:
    return [r["value"] for r in rows if all(r[k] == v for k, v in where.items())]


@pytest.fixture(scope="module")
def shipped_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped workspace with a budget line name and a description that begin with
    ``=HYPERLINK(``."""
    root = tmp_path_factory.mktemp("csv") / "ws"
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / "ledger", root / "ledger")
    contract = root / "ledger/contract.yaml"
    contract.write_text(
        contract.read_text(encoding="utf-8").replace(
            "name: Provider grant (Steer Clear West Mercia)",
            "name: '" + HYPERLINK.replace("'", "''") + "'",
        ),
        encoding="utf-8",
    )
    transactions = root / "ledger/transactions.csv"
    quoted = '"' + HYPERLINK.replace('"', '""') + '"'
    transactions.write_text(
        transactions.read_text(encoding="utf-8").replace(
            ",Steer Clear delivery July 2024,", f",{quoted},", 1
        ),
        encoding="utf-8",
    )
    return root


@pytest.fixture(scope="module")
def q2(shipped_copy: Path) -> Path:
    out = shipped_copy.parent / "q2"
    code, stdout, err = run_cli(
        "-C", str(shipped_copy), "export", "csv", "--quarter", "2024/25-Q2", "--out", str(out)
    )
    assert (code, stdout) == (0, ""), err
    assert err == (
        f"wrote burndown.csv, areas.csv, outcomes.csv, vfm.csv, transactions.csv in {out} "
        "(published, as of 2024-09-30)\n"
    )
    return out


def test_one_file_per_report_and_the_rows_behind_them(q2: Path) -> None:
    assert sorted(p.name for p in q2.iterdir()) == [
        "areas.csv",
        "burndown.csv",
        "outcomes.csv",
        "transactions.csv",
        "vfm.csv",
    ]
    for name in ("areas.csv", "burndown.csv", "outcomes.csv", "vfm.csv"):
        first = (q2 / name).read_text(encoding="utf-8").splitlines()[0]
        assert first == HEADER


def test_burndown_values_equal_the_json(q2: Path, shipped_copy: Path) -> None:
    report = cli_json(shipped_copy, "burndown", "--quarter", "2024/25-Q2")
    rows = read(q2 / "burndown.csv")
    assert {(r["as_of"], r["window"], r["disclosure"], r["report"]) for r in rows} == {
        ("2024-09-30", "2024/25 Q2", "published", "burndown")
    }
    assert values(rows, table="headline", row="Budget") == ["600000.00"]
    assert values(rows, table="headline", row="Actual to date") == [report["actual_to_date"]]
    for period in report["periods"]:
        [line] = [r for r in rows if r["table"] == "burndown" and r["column"] == "actual"
                  and r["period"] == period["label"]]  # fmt: skip
        assert (line["value"], line["unit"], line["fy_period"]) == (
            period["actual"],
            "GBP",
            period["fy_period"],
        )
    for line in report["lines"]:
        assert values(rows, table="lines", budget_line=line["id"], column="variance") == [
            line["variance"]
        ]
    assert values(rows, table="lines", total="true", column="actual_to_date") == [
        report["actual_to_date"]
    ]
    # A pivot over the periods adds up to the months shown.
    actual = sum(Decimal(v) for v in values(rows, table="burndown", column="actual"))
    assert actual == Decimal("75363.83")


def test_areas_values_equal_the_published_json(q2: Path, shipped_copy: Path) -> None:
    report = cli_json(shipped_copy, "areas", "--quarter", "2024/25-Q2", "--disclosure", "published")
    rows = read(q2 / "areas.csv")
    for area in report["areas"]:
        where = {"area": area["id"] or "", "row": area["name"]}
        assert values(rows, column="allocated", **where) == [area["allocated"]]
        assert values(rows, column="referrals", **where) == [str(area["referrals"])]
    assert values(rows, total="true", column="referrals") == ["335"]
    assert values(rows, total="true", column="utilisation") == [report["total"]["utilisation"]]
    units = {(r["column"], r["unit"]) for r in rows if r["column"] in {"actual", "engaged"}}
    assert units == {("actual", "GBP"), ("engaged", "count")}


def test_published_outcomes_hide_small_counts(q2: Path, shipped_copy: Path) -> None:
    rows = read(q2 / "outcomes.csv")
    report = cli_json(
        shipped_copy, "outcomes", "--quarter", "2024/25-Q2", "--disclosure", "published"
    )
    for area in report["areas"]:
        assert values(rows, table="referrals", area=area["id"], column="declined") == [
            str(area["declined"])
        ]
    counts = [r for r in rows if r["unit"] == "count"]
    # A quarter's count is the difference of the published cumulative counts at its ends,
    # hidden where either of them is, or where both are the same rounded count.
    recorded = [r for r in counts if r["table"] != "groups" and r["measure"] != "re_referral"]
    assert sum(r["value"] == "[c]" for r in recorded) == 22
    # The re-referral measure: the quarter's closed follow-ups are 1 to 4, so hidden.
    rereferral = [r for r in counts if r["measure"] == "re_referral"]
    assert sum(r["value"] == "[c]" for r in rereferral) == 4
    hidden_groups = sum(r["value"] == "[c]" for r in counts if r["table"] == "groups")
    assert hidden_groups == sum(
        g[column] == "[c]" for g in report["groups"] for column in ("referrals", "completed")
    )
    assert hidden_groups > 0
    # Workshop sessions count sessions, not children: shown as the outcomes report shows them.
    small = [
        (r["table"], r["row"], r["column"], r["value"])
        for r in counts
        if r["value"].isdigit() and 0 < int(r["value"]) < 5
    ]
    assert small == [
        ("workshops", "parent_session", "sessions", "1"),
        ("workshops", "professional_training", "sessions", "1"),
    ]
    assert values(rows, table="measures_by_area", area="herefordshire", measure="risk_reduction",
                  column="achieved") == ["5"]  # fmt: skip
    # (15 published to 2024-06-30, 20 to 2024-09-30: the quarter shows 5 of the exact 8)


def test_text_that_looks_like_a_formula_is_made_inert(q2: Path) -> None:
    rows = read(q2 / "burndown.csv")
    assert values(rows, table="lines", budget_line="provider_grant", column="name") == [
        "'" + HYPERLINK
    ]
    transactions = read(q2 / "transactions.csv")
    assert transactions[0]["description"] == "'" + HYPERLINK
    assert [r["id"] for r in transactions][:2] == ["TX-00071", "TX-00072"]
    assert len(transactions) == 15
    total = sum(Decimal(r["amount"]) for r in transactions)
    assert total == Decimal("75363.83")  # the actual of the quarter's three months


def test_internal_adds_the_episodes(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    code, _, err = run_cli(
        "-C", str(root), "export", "csv", "--as-of", "2025-03-31",
        "--disclosure", "internal", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    assert sorted(p.name for p in out.iterdir()) == [
        "areas.csv",
        "burndown.csv",
        "episodes.csv",
        "outcomes.csv",
        "transactions.csv",
    ]
    assert (out / "episodes.csv").read_text(encoding="utf-8") == inline(
        """
        episode_id,cyp_ref,area,referral_date,referral_source,age_at_referral,pathway,status,start_date,end_date,risk_reduction,entered_cjs
        EP-1,CYP-00001,north,2023-08-01,police,14,one_to_one,completed,2023-08-15,2024-02-15,Y,N
        EP-2,CYP-00002,south,2023-09-01,school,12,group,referred,,,,
        """
    )
    rows = read(out / "areas.csv")
    assert values(rows, area="north", column="referrals") == ["1"]


def test_a_small_ledger_exactly(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    assert (
        run_cli("-C", str(root), "export", "csv", "--as-of", "2025-03-31", "-o", str(out))[0] == 0
    )
    text = (out / "areas.csv").read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    assert [line[5:11] + line[12:13] for line in lines[1:8]] == [
        ["North", "allocated", "400.00", "GBP", "false", "", "north"],
        ["North", "actual", "200.00", "GBP", "false", "", "north"],
        ["North", "remaining", "200.00", "GBP", "false", "", "north"],
        ["North", "utilisation", "0.5000", "fraction", "false", "", "north"],
        ["North", "referrals", "[c]", "count", "false", "", "north"],
        ["North", "engaged", "[c]", "count", "false", "", "north"],
        ["North", "budget_share", "0.5000", "fraction", "false", "", "north"],
    ]
    assert lines[-1] == [
        "2025-03-31", "", "published", "areas", "areas", "Total", "budget_share", "1.0000",
        "fraction", "true", "", "", "", "", "",
    ]  # fmt: skip
    assert (out / "transactions.csv").read_text(encoding="utf-8") == inline(
        """
        id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche
        TX-1,2023-09-30,payment,delivery,north,200.00,INV-1,Provider,September delivery,T1
        TX-2,2023-09-30,payment,delivery,south,200.00,INV-1,Provider,September delivery,T1
        TX-3,2024-03-31,accrual,evaluation,,150.00,EV-1,University,Evaluation report,T3
        """
    )


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (
            "ledger",
            "svdiversion: error: refusing to write ledger: it is inside the workspace's ledger "
            "or config folder\n  hint: write the return somewhere else, e.g. --out "
            "returns/2024-25-Q2\n",
        ),
        (
            "config/export",
            "svdiversion: error: refusing to write config/export: it is inside the workspace's "
            "ledger or config folder\n  hint: write the return somewhere else, e.g. --out "
            "returns/2024-25-Q2\n",
        ),
        (
            "notes.txt",
            "svdiversion: error: cannot write into notes.txt: it is a file\n"
            "  hint: give a folder, e.g. --out returns/2024-25-Q2\n",
        ),
    ],
)
def test_refuses_to_write_where_it_must_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, message: str
) -> None:
    root = make_workspace(tmp_path / "ws")
    (root / "notes.txt").write_text("keep me\n", encoding="utf-8")
    monkeypatch.chdir(root)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    assert run_cli("export", "csv", "--out", out) == (2, "", message)
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    assert (root / "notes.txt").read_text(encoding="utf-8") == "keep me\n"
