"""``svdiversion export xlsx``: the workbook read back with openpyxl and compared with the
CLI's own JSON for the same options, cell by cell.

Three workbooks of a copy of the shipped workspace are made once for the module: the
whole contract as of 2025-03-31 (published), 2024/25 Q2 (published) and September 2024
(internal, with its reconciliation). One transaction description in the copy begins with
``=HYPERLINK(`` and others with ``-``, ``@``, ``+`` and a tab, to show they stay text.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from helpers import make_workspace, run_cli
from svdiversion import __version__
from svdiversion.render.xlsx import (
    COUNT_FORMAT,
    DATE_FORMAT,
    DATETIME_FORMAT,
    MONEY_FORMAT,
    PERCENT_FORMAT,
)

REPO = Path(__file__).resolve().parent.parent
HYPERLINK = '=HYPERLINK("https://example.invalid/x","Click here")'
# (transaction id, description written into the copy of the shipped ledger)
RISKY = {
    "TX-00001": HYPERLINK,
    "TX-00002": "-2750.00 moved from August",
    "TX-00003": "@provider July invoice",
    "TX-00004": "+ July delivery",
    "TX-00005": "\tJuly delivery (tab)",
}
EPOCH = 1_735_689_600  # 2025-01-01 00:00:00 UTC
PUBLISHED_TABS = [
    "Cover",
    "Summary",
    "Burn-down",
    "Areas",
    "Trends",
    "Outcomes",
    "Value for money",
    "Transactions",
]


def cli_json(root: Path, *args: str) -> Any:
    code, out, err = run_cli("-C", str(root), *args, "--format", "json")
    assert code == 0, err
    return json.loads(out)


def pence(value: Any) -> int:
    """A money cell or a JSON money string, in pence."""
    if isinstance(value, str):
        return round(float(value) * 100)
    assert isinstance(value, int | float), value
    return round(value * 100)


def risky_copy(root: Path) -> Path:
    """A copy of the shipped workspace whose first five descriptions begin like formulas."""
    for sub in ("config", "ledger"):
        for path in (REPO / sub).rglob("*"):
            if path.is_file():
                target = root / path.relative_to(REPO)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
    csv_path = root / "ledger/transactions.csv"
    lines = csv_path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        tx = line.split(",", 1)[0]
        if tx in RISKY:
            fields = line.rstrip("\n").split(",")
            fields[8] = '"' + RISKY[tx].replace('"', '""') + '"'
            lines[i] = ",".join(fields) + "\n"
    csv_path.write_text("".join(lines), encoding="utf-8")
    return root


@dataclass
class Made:
    root: Path
    path: Path
    book: Any
    stderr: str


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Made]:
    base = tmp_path_factory.mktemp("xlsx")
    root = risky_copy(base / "ws")
    out = base / "out"
    out.mkdir()
    runs = {
        "contract": ["--as-of", "2025-03-31"],
        "q2": ["--quarter", "2024/25-Q2"],
        "september": ["--month", "2024-09", "--disclosure", "internal"],
    }
    books = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        for name, args in runs.items():
            path = out / f"{name}.xlsx"
            code, _, err = run_cli("-C", str(root), "export", "xlsx", *args, "--out", str(path))
            assert code == 0, err
            books[name] = Made(root, path, load_workbook(path), err)
    return books


@dataclass
class Found:
    """One table of a tab: its header row number, titles and cells."""

    header_row: int
    titles: list[str]
    rows: list[list[Any]]
    """Cells of each row below the header, the total row included."""

    def column(self, title: str) -> list[Any]:
        index = self.titles.index(title)
        return [row[index] for row in self.rows]

    def row(self, label: str) -> dict[str, Any]:
        found = [row for row in self.rows if row[0].value == label]
        assert len(found) == 1, label
        return dict(zip(self.titles, found[0], strict=True))


def table(ws: Any, title: str) -> Found:
    """The table whose title is ``title`` in column A: rows up to a blank or a note."""
    start = next(c.row for c in ws["A"] if c.value == title)
    header = start + 1
    titles = [c.value for c in ws[header] if c.value is not None]
    rows = []
    number = header + 1
    while True:
        cells = [ws.cell(number, i + 1) for i in range(len(titles))]
        if all(c.value is None for c in cells) or cells[0].font.i:
            break
        rows.append(cells)
        number += 1
    return Found(header, titles, rows)


def summed(ws: Any, cell: Any) -> list[Any]:
    """The values ``=SUM(C7:C27)`` (or ``=SUBTOTAL(109,...)``) adds: the cells above it."""
    match = re.fullmatch(r"=(?:SUM\(|SUBTOTAL\(109,)([A-Z]+)(\d+):([A-Z]+)(\d+)\)", cell.value)
    assert match, cell.value
    column, first, same, last = match.groups()
    assert column == same == cell.column_letter and int(last) == cell.row - 1
    return [ws[f"{column}{r}"].value or 0 for r in range(int(first), int(last) + 1)]


def sum_formula(ws: Any, cell: Any) -> int:
    """A money total worked out as a spreadsheet would, in pence."""
    return sum(pence(value) for value in summed(ws, cell))


# ------------------------------------------------------------------------------- tabs


def test_tabs_of_a_published_and_an_internal_return(made: dict[str, Made]) -> None:
    assert made["contract"].book.sheetnames == PUBLISHED_TABS
    assert made["q2"].book.sheetnames == PUBLISHED_TABS
    assert made["september"].book.sheetnames == [
        *PUBLISHED_TABS,
        "Episodes",
        "Reconciliation",
    ]
    assert made["contract"].book.active.title == "Cover"


def test_cover_says_whose_return_and_which_files_made_it(made: dict[str, Made]) -> None:
    book, root = made["q2"].book, made["q2"].root
    about = {row[0].value: row[1] for row in table(book["Cover"], "About this return").rows}
    assert about["Service"].value == (
        "Steer Clear West Mercia (Serious Violence CYP Diversionary Service)"
    )
    assert about["Decision"].value == (
        "PCC/D/2023/24 (Serious Violence Children and Young Persons Diversionary Service)"
    )
    assert about["Provider"].value == "The Children's Society"
    assert about["Period covered"].value == "2024/25 Q2: 1 July 2024 to 30 September 2024"
    assert about["As of"].value == datetime(2024, 9, 30)
    assert about["As of"].number_format == DATE_FORMAT
    assert about["Protective marking"].value == "OFFICIAL-SENSITIVE"
    assert about["Disclosure"].value == "published"
    assert about["Disclosure policy"].value.startswith(
        "Published: counts about children of 1 to 4 are shown as [c]; other counts are "
        "rounded to the nearest 5"
    )
    assert about["Made (UTC)"].value == datetime(2025, 1, 1)
    assert about["Made (UTC)"].number_format == DATETIME_FORMAT
    assert about["Made by"].value == f"svdiversion {__version__}"
    assert about["To make it again"].value == (
        "svdiversion export xlsx --as-of 2024-09-30 --quarter 2024/25-Q2 "
        "--disclosure published --out FILE"
    )
    assert "Reconciliation" not in about
    files = table(
        book["Cover"], "Files it was made from (ledger, settings, unit costs, finance inputs)"
    )
    expected = [
        "config/areas.yaml",
        "config/settings.yaml",
        "ledger/contract.yaml",
        "ledger/transactions.csv",
        "ledger/outcomes.csv",
        "ledger/workshops.csv",
        "ledger/forecasts.yaml",
        "ledger/commentary.yaml",
        "config/unit_costs.yaml",  # value for money is worked out with it
    ]
    assert [c.value for c in files.column("File")] == expected
    for name, digest, size in zip(
        expected, files.column("SHA-256"), files.column("Bytes"), strict=True
    ):
        data = (root / name).read_bytes()
        assert digest.value == hashlib.sha256(data).hexdigest()
        assert size.value == len(data)


def test_summary_agrees_with_burndown_json(made: dict[str, Made]) -> None:
    book, root = made["contract"].book, made["contract"].root
    report = cli_json(root, "burndown", "--as-of", "2025-03-31")
    ws = book["Summary"]
    headline = {row[0].value: row[1] for row in table(ws, "Headline as of 2025-03-31").rows}
    for label, key in [
        ("Budget", "budget_total"),
        ("Actual to date", "actual_to_date"),
        ("Remaining", "remaining"),
        ("Forecast outturn (profile)", "forecast_outturn"),
        ("Forecast outturn (treasurer)", "treasurer_forecast"),
        ("Variance (treasurer - budget)", "variance"),
    ]:
        assert pence(headline[label].value) == pence(report[key]), label
        assert headline[label].number_format == MONEY_FORMAT
    assert pence(headline["Budget"].value) == 60_000_000
    assert headline["RAG against budget"].value == report["rag"]  # on the last day
    assert headline["Time elapsed"].value == float(report["time_elapsed"])
    assert headline["Time elapsed"].number_format == PERCENT_FORMAT

    lines = table(ws, "By budget line")
    for line in report["lines"]:
        row = lines.row(line["id"])
        assert row["Name"].value == line["name"]
        for title, key in [("Budget", "budget"), ("Actual to date", "actual_to_date")]:
            assert pence(row[title].value) == pence(line[key])
    total = lines.row("Total")
    for title, key in [
        ("Budget", "budget_total"),
        ("Planned to date", "planned_to_date"),
        ("Actual to date", "actual_to_date"),
        ("Remaining", "remaining"),
        ("Forecast outturn", "forecast_outturn"),
        ("Variance", "variance"),
    ]:
        assert total[title].data_type == "f"
        assert sum_formula(ws, total[title]) == pence(report[key]), title


def test_summary_reach_and_outcome_rates(made: dict[str, Made]) -> None:
    book, root = made["q2"].book, made["q2"].root
    report = cli_json(root, "outcomes", "--quarter", "2024/25-Q2", "--disclosure", "published")
    ws = book["Summary"]
    reach = {row[0].value: row[1].value for row in table(ws, "Referrals and engagement").rows}
    assert reach == {
        "Referrals": report["totals"]["referrals"],
        "Engaged (started)": report["totals"]["engaged"],
        "Completed": report["totals"]["completed"],
    }
    measures = table(ws, "Outcome measures")
    for measure in report["measures"]:
        row = measures.row(measure["id"])
        target = measure["target"]
        assert row["Target"].value == (None if target is None else float(target))
        if target is not None:  # re-referral has none: an empty cell
            assert row["Target"].number_format == PERCENT_FORMAT
        if measure["rate"] == "[c]":
            assert (row["Rate"].value, row["Rate"].data_type) == ("[c]", "s")
        else:
            assert row["Rate"].value == float(measure["rate"])


def test_burndown_tab_rows_total_and_chart(made: dict[str, Made]) -> None:
    book, root = made["contract"].book, made["contract"].root
    report = cli_json(root, "burndown", "--as-of", "2025-03-31")
    ws = book["Burn-down"]
    found = table(ws, "Burn-down by month")
    assert found.titles == [
        "Month",
        "Financial period",
        "Planned",
        "Actual",
        "Cum. planned",
        "Cum. actual",
        "Remaining",
        "Time elapsed",
        "Budget spent",
        "Budget ceiling",
    ]
    assert found.header_row == 6
    rows, total = found.rows[:-1], found.rows[-1]
    assert len(rows) == len(report["periods"]) == 21
    for cells, period in zip(rows, report["periods"], strict=True):
        assert cells[0].value == period["label"]
        assert cells[1].value == period["fy_period"]
        assert [pence(c.value) for c in cells[2:7]] == [
            pence(period[k])
            for k in ("planned", "actual", "cumulative_planned", "cumulative_actual", "remaining")
        ]
        assert all(c.number_format == MONEY_FORMAT for c in cells[2:7])
        assert cells[7].value == float(period["time_elapsed"])
        assert pence(cells[9].value) == 60_000_000
    assert total[0].value == "Total"
    assert sum_formula(ws, total[2]) == pence(report["periods"][-1]["cumulative_planned"])
    assert sum_formula(ws, total[3]) == pence(report["actual_to_date"])

    chart, ahead = ws._charts  # to the as-of date; to the contract end, with forecasts
    assert type(chart).__name__ == type(ahead).__name__ == "LineChart"
    assert [(s.tx.strRef.f, s.val.numRef.f, s.cat.strRef.f) for s in chart.series] == [
        ("'Burn-down'!E6", "'Burn-down'!$E$7:$E$27", "'Burn-down'!$A$7:$A$27"),
        ("'Burn-down'!F6", "'Burn-down'!$F$7:$F$27", "'Burn-down'!$A$7:$A$27"),
        ("'Burn-down'!J6", "'Burn-down'!$J$7:$J$27", "'Burn-down'!$A$7:$A$27"),
    ]
    assert chart.series[2].graphicalProperties.line.prstDash == "dash"
    assert_reads_right(chart, "Month")


def assert_reads_right(chart: Any, category: str) -> None:
    """Straight lines, the category axis at the foot with a title, whole pounds from £0."""
    assert all(s.smooth is False for s in chart.series) or type(chart).__name__ == "BarChart"
    assert (chart.x_axis.axPos, chart.x_axis.tickLblPos, chart.x_axis.delete) == ("b", "low", False)
    assert chart.x_axis.title.tx.rich.p[0].r[0].t == category
    assert (chart.y_axis.axPos, chart.y_axis.delete) == ("l", False)
    assert chart.y_axis.numFmt.formatCode == "£#,##0"
    assert chart.y_axis.scaling.min == 0


def test_a_quarter_shows_its_three_months(made: dict[str, Made]) -> None:
    ws = made["q2"].book["Burn-down"]
    found = table(ws, "Burn-down by month")
    assert [r[0].value for r in found.rows] == ["2024-07", "2024-08", "2024-09", "Total"]
    assert [pence(c.value) for c in found.column("Actual")[:3]] == [2584782, 2471954, 2479647]
    assert sum_formula(ws, found.column("Actual")[3]) == 7536383
    # The chart shows the contract from its start to the quarter's end, the quarter marked.
    contract = table(ws, "The contract to the end of 2024/25 Q2, cumulative")
    assert contract.titles == ["Month", "Cum. planned", "Cum. actual", "Budget ceiling",
                               "2024/25 Q2"]  # fmt: skip
    months = [r[0].value for r in contract.rows]
    assert (months[0], months[-1], len(months)) == ("2023-07", "2024-09", 15)
    marked = [(r[0].value, r[4].value) for r in contract.rows if r[4].value is not None]
    assert [(m, pence(v)) for m, v in marked] == [
        ("2024-07", 31871222),
        ("2024-08", 34343176),
        ("2024-09", 36822823),
    ]
    assert ws.freeze_panes == "A4"  # two tables: the heading rows stay in view
    chart, _ = ws._charts
    first, last = contract.header_row + 1, contract.header_row + 15
    assert [(s.tx.strRef.f, s.val.numRef.f) for s in chart.series] == [
        (f"'Burn-down'!{c}{contract.header_row}", f"'Burn-down'!${c}${first}:${c}${last}")
        for c in "BCDE"
    ]
    window = chart.series[3]
    assert window.marker.symbol == "circle"
    assert window.graphicalProperties.line.w > chart.series[1].graphicalProperties.line.w
    assert_reads_right(chart, "Month")


def test_areas_tab_agrees_with_areas_json_and_has_a_bar_chart(made: dict[str, Made]) -> None:
    book, root = made["q2"].book, made["q2"].root
    report = cli_json(root, "areas", "--quarter", "2024/25-Q2", "--disclosure", "published")
    ws = book["Areas"]
    found = table(ws, "Areas as of 2024-09-30")
    for area in report["areas"]:
        row = found.row(area["name"])
        assert pence(row["Allocated"].value) == pence(area["allocated"])
        assert pence(row["Actual"].value) == pence(area["actual"])
        assert row["Referrals"].value == area["referrals"]
        assert row["Engaged"].value == area["engaged"]
    total = found.row("Total")
    for title, key in [
        ("Allocated", "allocated"),
        ("Actual", "actual"),
        ("Remaining", "remaining"),
    ]:
        assert sum_formula(ws, total[title]) == pence(report["total"][key])
    # Published counts are rounded from exact figures: the total is the report's value.
    assert total["Referrals"].value == report["total"]["referrals"] == 335
    assert total["Referrals"].data_type == "n"

    [chart] = ws._charts
    assert (type(chart).__name__, chart.type, chart.grouping) == ("BarChart", "col", "clustered")
    assert [(s.tx.strRef.f, s.val.numRef.f, s.cat.strRef.f) for s in chart.series] == [
        ("'Areas'!B6", "'Areas'!$B$7:$B$13", "'Areas'!$A$7:$A$13"),
        ("'Areas'!C6", "'Areas'!$C$7:$C$13", "'Areas'!$A$7:$A$13"),
    ]
    assert_reads_right(chart, "Area")


def test_outcomes_tab_is_disclosure_controlled(made: dict[str, Made]) -> None:
    book, root = made["q2"].book, made["q2"].root
    report = cli_json(root, "outcomes", "--quarter", "2024/25-Q2", "--disclosure", "published")
    ws = book["Outcomes"]
    found = table(ws, "Referrals and engagement by area")
    states = ["Referrals", "Declined", "Awaiting start", "Active", "Completed", "Disengaged"]
    keys = ["referrals", "declined", "awaiting", "active", "completed", "disengaged"]
    for area in report["areas"]:
        row = found.row(area["name"])
        assert [row[t].value for t in states] == [area[k] for k in keys]
    total = found.row("Total")
    shown = [
        # A live SUM where the published cells above add up to the published total.
        sum(found.row(a["name"])[t].value for a in report["areas"])
        if str(total[t].value).startswith("=SUM(")
        else total[t].value
        for t in states
    ]
    assert shown == [report["totals"][k] for k in keys]
    hidden = [c for row in found.rows for c in row if c.value == "[c]"]
    assert len(hidden) == 13
    assert all(c.data_type == "s" and c.alignment.horizontal == "right" for c in hidden)
    notes = [c.value for c in ws["A"] if isinstance(c.value, str)]
    assert (
        sum(n.startswith("Disclosure control: counts of 1 to 4 shown as [c]") for n in notes) == 1
    )
    quarters = table(ws, "By quarter")
    assert [[c.value for c in row] for row in quarters.rows] == [
        [q["quarter"], q["referrals"], q["engaged"], q["completed"], q["disengaged"]]
        for q in report["quarters"]
    ]
    ages = table(ws, "Age at referral")
    assert [row[0].value for row in ages.rows] == list(range(10, 18))  # numbers, not text


@pytest.mark.parametrize("name", ["contract", "q2"])
def test_a_published_return_has_no_small_count_about_children(
    made: dict[str, Made], name: str
) -> None:
    """Every count cell outside the cover is 0, at least 5, or [c]. Workshop sessions are
    counts of sessions, not of children, and are shown as the outcomes report shows them."""
    book = made[name].book
    sessions = table(book["Outcomes"], "Workshops").column("Sessions")
    small = [
        (ws.title, cell.coordinate, cell.value)
        for ws in book.worksheets[1:]
        for row in ws.iter_rows()
        for cell in row
        if cell.number_format == COUNT_FORMAT
        and isinstance(cell.value, int)
        and 0 < cell.value < 5
        and cell not in sessions
    ]
    assert small == []


def test_internal_return_is_exact_and_says_so_on_every_tab(made: dict[str, Made]) -> None:
    book, root = made["september"].book, made["september"].root
    for ws in book.worksheets:
        assert ws["A2"].value == (
            "OFFICIAL-SENSITIVE. INTERNAL - NOT FOR PUBLICATION: exact counts about children."
        )
        assert ws["A2"].font.color.rgb == "00C00000"
        assert ws.oddHeader.right.text == "INTERNAL - NOT FOR PUBLICATION"
    report = cli_json(root, "outcomes", "--month", "2024-09", "--disclosure", "internal")
    found = table(book["Outcomes"], "Referrals and engagement by area")
    assert [c.value for c in found.column("Referrals")][:-1] == [
        a["referrals"] for a in report["areas"]
    ]
    total = found.row("Total")["Referrals"]
    assert sum(summed(book["Outcomes"], total)) == report["totals"]["referrals"] == 32
    episodes = table(book["Episodes"], "Referral episodes in 2024-09 (2024/25 P06) to 2024-09-30")
    assert len(episodes.rows) == report["totals"]["referrals"] == 32
    assert episodes.titles[:4] == ["episode_id", "cyp_ref", "area", "referral_date"]
    assert all(c.number_format == DATE_FORMAT for c in episodes.column("referral_date"))
    assert list(book["Episodes"].tables) == ["Episodes"]
    # The filter takes in every episode, the last one too.
    last = episodes.header_row + len(episodes.rows)
    assert book["Episodes"].tables["Episodes"].ref.endswith(f"{last}")


def test_reconciliation_of_the_month(made: dict[str, Made]) -> None:
    book = made["september"].book
    about = {row[0].value: row[1].value for row in table(book["Cover"], "About this return").rows}
    assert about["Reconciliation"] == (
        "2024-09 reconciled: 1 payment agrees with the finance system; 1 variance explained"
    )
    ws = book["Reconciliation"]
    cash = {row[0].value: row[1].value for row in table(ws, "Cash in 2024-09").rows}
    assert {k: pence(v) for k, v in cash.items()} == {
        "Ledger (payments and refunds)": 2479647,
        "Finance system": 2479647,
        "Difference": 0,
    }
    spend = table(ws, "Spend against profile: 2024-09 and 2024/25 to date")
    assert sum_formula(ws, spend.row("Total")["Actual"]) == 2479647


def test_transactions_are_a_filterable_table_with_a_live_total(made: dict[str, Made]) -> None:
    book, root = made["contract"].book, made["contract"].root
    ws = book["Transactions"]
    found = table(ws, "Transactions to 2025-03-31")
    rows, total = found.rows[:-1], found.rows[-1]
    ledger_rows = (root / "ledger/transactions.csv").read_text(encoding="utf-8").splitlines()
    assert len(rows) == len(ledger_rows) - 1 == 119
    assert [ws.tables["Transactions"].ref, ws.auto_filter.ref] == ["A6:J125", None]
    assert ws.tables["Transactions"].autoFilter.ref == "A6:J125"
    first = dict(zip(found.titles, rows[0], strict=True))
    assert first["id"].value == "TX-00001"
    assert (first["date"].value, first["date"].number_format) == (
        datetime(2023, 7, 26),
        DATE_FORMAT,
    )
    assert (pence(first["amount"].value), first["amount"].number_format) == (248809, MONEY_FORMAT)
    assert total[5].value == "=SUBTOTAL(109,F7:F125)"
    report = cli_json(root, "burndown", "--as-of", "2025-03-31")
    assert sum_formula(ws, total[5]) == pence(report["actual_to_date"])


def test_text_that_looks_like_a_formula_stays_text(made: dict[str, Made]) -> None:
    ws = made["contract"].book["Transactions"]
    found = table(ws, "Transactions to 2025-03-31")
    described = {row[0].value: row[found.titles.index("description")] for row in found.rows}
    for tx, text in RISKY.items():
        cell = described[tx]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True), tx
    # In the file: no formula mentions HYPERLINK; the text is an inline string.
    with zipfile.ZipFile(made["contract"].path) as archive:
        names = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode("utf-8") for n in names)
    assert "HYPERLINK" in xml
    assert re.findall(r"<f>[^<]*HYPERLINK", xml) == []


def test_numbers_are_numbers_and_dates_are_dates(made: dict[str, Made]) -> None:
    """No cell holds a number as text; every number has the format of its kind."""
    number = re.compile(r"-?£?[0-9][0-9,]*(\.[0-9]+)?%?")
    formats = {MONEY_FORMAT, PERCENT_FORMAT, COUNT_FORMAT, "#,##0.00", "General"}
    for name in ("contract", "september"):
        for ws in made[name].book.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if cell.data_type == "s":
                        assert not number.fullmatch(cell.value), (ws.title, cell.coordinate)
                    elif cell.data_type == "n" and cell.value is not None:
                        assert cell.number_format in formats, (ws.title, cell.coordinate)
                    elif cell.data_type == "d":
                        assert cell.number_format in {DATE_FORMAT, DATETIME_FORMAT}


def test_frozen_headings_widths_print_set_up(made: dict[str, Made]) -> None:
    book = made["q2"].book
    assert {ws.title: ws.freeze_panes for ws in book.worksheets} == {
        "Cover": "A4",
        "Summary": "A4",
        "Burn-down": "A4",
        "Areas": "A7",
        "Trends": "A4",
        "Outcomes": "A4",
        "Value for money": "A4",
        "Transactions": "A7",
    }
    for ws in book.worksheets:
        setup = ws.page_setup
        assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("landscape", 1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.oddHeader.center.text == "&BOFFICIAL-SENSITIVE"
        assert ws.oddFooter.center.text == "&BOFFICIAL-SENSITIVE"
        assert ws.oddHeader.right.text == "Published figures"
        assert ws.oddFooter.right.text == "Page &P of &N"
    for ws in book.worksheets:  # headings and notes are wrapped across the tab's columns
        merged = {r.min_row: (r.min_col, r.max_col) for r in ws.merged_cells.ranges}
        assert merged[1] == merged[2] == merged[3] == (1, ws.max_column), ws.title
        notes = [row[0] for row in ws.iter_rows(min_row=4) if row[0].font.i and row[0].value]
        for note in notes:
            assert merged[note.row] == (1, ws.max_column), (ws.title, note.value)
            assert note.alignment.wrap_text
    outcomes = book["Outcomes"]
    assert [b.id for b in outcomes.row_breaks.brk]  # each table starts on a page with room
    for name in ("Burn-down", "Areas"):  # charts below their tables, from column A
        ws = book[name]
        chart = ws._charts[0]
        assert all(c.anchor._from.col == 0 for c in ws._charts)
        assert chart.anchor._from.row + 1 > table(ws, ws["A5"].value).header_row + 2
    summary = book["Summary"]
    assert summary.print_title_rows == "$1:$3"
    # Fitted to its text ("Variance (treasurer - budget)" + 2 is 31), the Summary would not
    # fit A4 at 8 points; its widest text columns are narrowed and wrap instead.
    assert summary.column_dimensions["A"].width == 25
    assert summary.page_setup.fitToWidth == 1
    assert book["Transactions"].column_dimensions["I"].width == 37


def test_document_properties(made: dict[str, Made]) -> None:
    book = made["q2"].book
    properties = book.properties
    assert properties.title == (
        "Steer Clear West Mercia (Serious Violence CYP Diversionary Service): return for "
        "2024/25 Q2, as of 2024-09-30"
    )
    assert properties.subject == "Budget, spend and outcomes as of 2024-09-30 (published figures)"
    assert properties.creator == f"svdiversion {__version__}"
    assert properties.created == datetime(2025, 1, 1)
    assert properties.keywords == "OFFICIAL-SENSITIVE"
    custom = {p.name: p.value for p in book.custom_doc_props.props}
    assert custom == {"Protective marking": "OFFICIAL-SENSITIVE", "Disclosure": "published"}


# ----------------------------------------------------------- options and refusals


def test_marking_from_settings_and_from_the_option(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path / "ws",
        settings="""
            service_name: Test & service
            referral_sources: [police, school]
            protective_marking: OFFICIAL
        """,
    )
    out = tmp_path / "default.xlsx"
    assert (
        run_cli("-C", str(root), "export", "xlsx", "--as-of", "2025-03-31", "--out", str(out))[0]
        == 0
    )
    ws = load_workbook(out)["Summary"]
    assert ws["A2"].value.startswith("OFFICIAL. Published figures")
    assert ws.oddHeader.center.text == "&BOFFICIAL"
    assert ws.oddFooter.left.text == "As of 2025-03-31"
    assert ws["A1"].value.startswith("Test & service: ")

    out = tmp_path / "marked.xlsx"
    code, _, err = run_cli(
        "-C", str(root), "export", "xlsx", "--as-of", "2025-03-31",
        "--marking", "OFFICIAL-SENSITIVE [PERSONAL]", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    book = load_workbook(out)
    assert book["Areas"].oddHeader.center.text == "&BOFFICIAL-SENSITIVE [PERSONAL]"
    about = {r[0].value: r[1].value for r in table(book["Cover"], "About this return").rows}
    assert about["Protective marking"] == "OFFICIAL-SENSITIVE [PERSONAL]"
    assert about["To make it again"] == (
        "svdiversion export xlsx --as-of 2025-03-31 --disclosure published "
        "--marking 'OFFICIAL-SENSITIVE [PERSONAL]' --out FILE"
    )


def test_headers_and_footers_stay_within_excels_limit(tmp_path: Path) -> None:
    """Excel refuses a workbook whose header or footer text is over 255 characters."""
    long_name = "Service & " * 40
    root = make_workspace(tmp_path / "ws", settings=f"service_name: {long_name.strip()}\n")
    out = tmp_path / "long.xlsx"
    code, _, err = run_cli(
        "-C", str(root), "export", "xlsx", "--as-of", "2025-03-31",
        "--marking", "OFFICIAL " * 40, "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    ws = load_workbook(out)["Cover"]
    assert ws.oddFooter.left.text == "As of 2025-03-31"
    assert ws.oddHeader.left.text == "&A"
    for part in (ws.oddHeader, ws.oddFooter):
        text = "".join(
            f"&{side}{getattr(part, name).text or ''}"
            for side, name in (("L", "left"), ("C", "center"), ("R", "right"))
        )
        assert len(text) <= 255


def test_a_small_ledger_cell_by_cell(tmp_path: Path) -> None:
    """The default test ledger: £1,000 decision, £400 paid in September 2023, £150 accrued."""
    root = make_workspace(tmp_path / "ws")
    out = tmp_path / "small.xlsx"
    code, _, err = run_cli(
        "-C", str(root), "export", "xlsx", "--as-of", "2025-03-31", "-o", str(out)
    )
    assert (code, err) == (0, f"wrote {out} (published, as of 2025-03-31)\n")
    book = load_workbook(out)
    # No config/unit_costs.yaml in this workspace: no value for money tab.
    assert book.sheetnames == [t for t in PUBLISHED_TABS if t != "Value for money"]
    lines = table(book["Summary"], "By budget line")
    assert [[c.value for c in row[:4]] for row in lines.rows] == [
        ["delivery", "Delivery grant", "delivery", 800],
        ["evaluation", "Evaluation", "evaluation", 150],
        ["unallocated", "Not allocated", "unallocated", 50],
        ["Total", None, None, "=SUM(D22:D24)"],
    ]
    areas = table(book["Areas"], "Areas as of 2025-03-31")
    assert [[c.value for c in row[:4]] for row in areas.rows] == [
        ["North", 400, 200, 200],
        ["South", 400, 200, 200],
        ["Evaluation", 150, 150, 0],
        ["Not allocated", 50, 0, 50],
        ["Total", "=SUM(B7:B10)", "=SUM(C7:C10)", "=SUM(D7:D10)"],
    ]
    referrals = table(book["Outcomes"], "Referrals and engagement by area")
    assert [[c.value for c in row[:2]] for row in referrals.rows] == [
        ["North", "[c]"],
        ["South", "[c]"],
        ["Total", "[c]"],
    ]


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (
            "ledger/return.xlsx",
            "svdiversion: error: refusing to write ledger/return.xlsx: it is inside the "
            "workspace's ledger or config folder\n"
            "  hint: write the return somewhere else, e.g. --out returns/return.xlsx\n",
        ),
        (
            "config/areas.xlsx",
            "svdiversion: error: refusing to write config/areas.xlsx: it is inside the "
            "workspace's ledger or config folder\n"
            "  hint: write the return somewhere else, e.g. --out returns/return.xlsx\n",
        ),
        (
            "return.csv",
            "svdiversion: error: return.csv does not end in .xlsx\n"
            "  hint: name the workbook FILE.xlsx\n",
        ),
        (
            "ledger/contract.yaml/return.xlsx",
            "svdiversion: error: refusing to write ledger/contract.yaml/return.xlsx: it is "
            "inside the workspace's ledger or config folder\n"
            "  hint: write the return somewhere else, e.g. --out returns/return.xlsx\n",
        ),
        (
            "README.md/return.xlsx",
            "svdiversion: error: cannot write README.md/return.xlsx: {root}/README.md is not "
            "a folder\n"
            "  hint: give a path whose folders exist or can be made\n",
        ),
    ],
)
def test_refuses_to_write_where_it_must_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str, message: str
) -> None:
    root = make_workspace(tmp_path / "ws", extra={"README.md": "keep me\n"})
    monkeypatch.chdir(root)
    before = sorted(p.relative_to(root) for p in root.rglob("*"))
    code, stdout, err = run_cli("export", "xlsx", "--out", out)
    assert (code, stdout, err) == (2, "", message.format(root=root.resolve()))
    assert sorted(p.relative_to(root) for p in root.rglob("*")) == before


def test_makes_the_folder_the_workbook_goes_in(tmp_path: Path) -> None:
    """Like 'check --out' and 'export csv', a missing folder is made, not an error."""
    root = make_workspace(tmp_path / "ws")
    out = tmp_path / "returns" / "2024-25" / "return.xlsx"
    assert (
        run_cli("-C", str(root), "export", "xlsx", "--as-of", "2025-03-31", "-o", str(out))[0] == 0
    )
    assert "Transactions" in load_workbook(out).sheetnames


def test_replaces_an_earlier_workbook_whole(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")
    out = tmp_path / "return.xlsx"
    out.write_bytes(b"an older return")
    assert (
        run_cli("-C", str(root), "export", "xlsx", "--as-of", "2025-03-31", "-o", str(out))[0] == 0
    )
    assert "Transactions" in load_workbook(out).sheetnames
    assert sorted(p.name for p in tmp_path.iterdir()) == ["return.xlsx", "ws"]


def test_a_ledger_with_errors_makes_no_workbook(tmp_path: Path) -> None:
    root = make_workspace(
        tmp_path / "ws",
        transactions="""
            id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche
            TX-1,2023-09-30,payment,delivery,north,200.00,INV-1,Provider,September,T1
            TX-2,2023-09-31,payment,delivery,south,200.00,INV-1,Provider,September,T1
        """,
    )
    out = tmp_path / "return.xlsx"
    code, _, err = run_cli("-C", str(root), "export", "xlsx", "--out", str(out))
    assert code == 1
    assert "ledger/transactions.csv:3:" in err
    assert err.endswith("svdiversion: error: the ledger has 1 error; no report made\n"
                        "  hint: run 'svdiversion check' for the full list\n")  # fmt: skip
    assert not out.exists()
