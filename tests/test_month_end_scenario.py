"""A treasurer's January and February 2025, end to end, from monthly payment registers.

The shipped workspace cut back to December 2024, and two monthly registers as the
finance system writes them (Windows-1252, two title rows, a payment number, every cost
centre, a totals row). They overlap: January's register (by GL period) lists the 3
February payment of January's invoice, and February's lists it again. The months hold
what every month holds: a payment without an invoice number, a credit note, an invoice
voided and issued again, and an invoice paid in two parts.

Each month imports, reconciles with no payment on one side only and closes; importing
again changes no byte; the overlapping payment is in the ledger once; each closed
month's pack agrees with its close.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from helpers import CliResult, run_cli

REPO = Path(__file__).resolve().parent.parent
TRANSACTIONS = "ledger/transactions.csv"
SOURCES = "ledger/sources.csv"

TITLES = (
    "West Mercia PCC - Payments Register,,,,,,\r\n"
    "GL period {period}; run {run},,,,,,\r\n"
    "Payment No,Payment Date,Supplier Name,Reference,Description,Cost Centre,Amount\r\n"
)
JANUARY = TITLES.format(period="2024/25 P10", run="01/02/2025 06:10") + (
    "PAY-1002,15/01/2025,THE CHILDRENS SOCIETY,,Steer Clear extra group sessions,PF4410,"
    '"£1,200.00"\r\n'
    "PAY-1003,20/01/2025,THE CHILDRENS SOCIETY,TCS-CN-0011,Credit note: sessions not run,"
    "PF4410,(£300.00)\r\n"
    "PAY-1004,22/01/2025,THE CHILDRENS SOCIETY,TCS-INV-202501A,Steer Clear venue hire,"
    "PF4410,£500.00\r\n"
    "PAY-1005,24/01/2025,THE CHILDRENS SOCIETY,TCS-INV-202501A,VOID PAY-1004 wrong bank,"
    "PF4410,(£500.00)\r\n"
    "PAY-1006,24/01/2025,THE CHILDRENS SOCIETY,TCS-INV-202501A,Steer Clear venue hire,"
    "PF4410,£500.00\r\n"
    "PAY-1007,24/01/2025,OFFICE SUPPLIES LTD,INV51999,Stationery,OP1100,£88.20\r\n"
    "PAY-1010,03/02/2025,THE CHILDRENS SOCIETY,TCS-INV-202501,Steer Clear delivery January "
    '2025,PF4410,"£25,078.54"\r\n'
    ",,,,,,\r\n"
    'Report total,,,,,,"£26,566.74"\r\n'
)
FEBRUARY = TITLES.format(period="2024/25 P11", run="01/03/2025 06:12") + (
    "PAY-1010,03/02/2025,THE CHILDRENS SOCIETY,TCS-INV-202501,Steer Clear delivery January "
    ' 2025,PF4410,"£25,078.54"\r\n'
    "PAY-1011,10/02/2025,THE CHILDRENS SOCIETY,TCS-INV-202502,Steer Clear delivery February "
    'part 1,PF4410,"£12,000.00"\r\n'
    "PAY-1012,26/02/2025,THE CHILDRENS SOCIETY,TCS-INV-202502,Steer Clear delivery February "
    'part 2,PF4410,"£13,929.83"\r\n'
    ",,,,,,\r\n"
    'Report total,,,,,,"£51,008.37"\r\n'
)
COMMENTARY = """\
commentary:
  - month: 2025-01
    budget_line: provider_grant
    text: January's invoice TCS-INV-202501 was paid on 3 February 2025 (2024/25 P11).
  - month: 2025-02
    budget_line: provider_grant
    text: February holds January's invoice, paid on 3 February, and February's own.
"""


def cut_to_december(root: Path) -> None:
    """The shipped ledger without a row after December 2024, with the two registers as
    its only exports and their payment number mapped."""
    path = root / TRANSACTIONS
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(line for line in lines if b",2025-0" not in line))
    shutil.rmtree(root / "ledger/finance")
    (root / "ledger/finance").mkdir()
    (root / "ledger/finance/register-2025-01.csv").write_bytes(JANUARY.encode("cp1252"))
    (root / "ledger/finance/register-2025-02.csv").write_bytes(FEBRUARY.encode("cp1252"))
    mapping = root / "config/finance-import.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(
        text.replace(
            "    description: Description\n",
            "    description: Description\n    payment_number: Payment No\n",
        ),
        encoding="utf-8",
    )
    commentary = root / "ledger/commentary.yaml"
    kept = commentary.read_text(encoding="utf-8")
    commentary.write_text(kept + COMMENTARY.removeprefix("commentary:\n"), encoding="utf-8")


@pytest.fixture
def trial(shipped: Path) -> Path:
    cut_to_december(shipped)
    return shipped


def cli(root: Path, *args: str) -> CliResult:
    return run_cli("-C", str(root), *args, env={"SVDIVERSION_WIDTH": "200"})


def month_end(root: Path, month: str, as_of: str) -> None:
    code, _, err = cli(root, "import", "--month", month, "--apply", "--as-of", as_of)
    assert code == 0, err
    code, out, err = cli(root, "reconcile", "--month", month, "--format", "json", "--as-of", as_of)
    assert code == 0, err
    assert [m["status"] for m in json.loads(out)["payments"]] == ["matched"] * len(
        json.loads(out)["payments"]
    )
    code, _, err = cli(root, "close", "--month", month, "--by", "A. Treasurer", "--as-of", as_of)
    assert code == 0, err


def ledger_rows(root: Path, reference: str) -> list[str]:
    text = (root / TRANSACTIONS).read_text(encoding="utf-8")
    return [line for line in text.splitlines() if f",{reference}," in line]


@pytest.mark.slow
def test_january_and_february_import_reconcile_and_close(trial: Path) -> None:
    as_of = "2025-04-10"
    month_end(trial, "2025-01", as_of)
    month_end(trial, "2025-02", as_of)

    # the 3 February payment both registers list is in the ledger once, split by area
    paid_twice = ledger_rows(trial, "TCS-INV-202501")
    assert len(paid_twice) == 5
    assert all(",2025-02-03," in line for line in paid_twice)
    code, out, _ = cli(
        trial, "reconcile", "--month", "2025-02", "--format", "json", "--as-of", as_of
    )
    assert code == 0
    payment = json.loads(out)["payments"][0]
    assert [(f["path"], f["line"], f["also"]) for f in payment["finance"]] == [
        (
            "ledger/finance/register-2025-01.csv",
            10,
            [{"path": "ledger/finance/register-2025-02.csv", "line": 4}],
        )
    ]
    assert json.loads(out)["cash"] == {
        "ledger": "51008.37",
        "finance": "51008.37",
        "finance_paid": "51008.37",
        "vat": "0.00",
        "difference": "0.00",
    }
    # each closed month's pack agrees with its close
    closes = yaml.safe_load((trial / "ledger/closes.yaml").read_text(encoding="utf-8"))["closes"]
    for close in closes:
        code, out, err = cli(trial, "report", "--month", close["month"], "--format", "json")
        assert code == 0, err
        rec = json.loads(out)["reconciliation"]
        assert rec["reconciled"] is True
        assert rec["closed"]["exports"] == close["exports"]
        assert Decimal(rec["cash"]["ledger"]) == Decimal(str(close["totals"]["ledger_cash"]))
        assert Decimal(rec["cash"]["finance"]) == Decimal(str(close["totals"]["finance_cash"]))
        assert Decimal(rec["total"]["month"]["actual"]) == Decimal(str(close["totals"]["actual"]))


def test_the_payment_without_an_invoice_number_is_one_payment(trial: Path) -> None:
    as_of = "2025-04-10"
    assert cli(trial, "import", "--month", "2025-01", "--apply", "--as-of", as_of)[0] == 0

    code, out, _ = cli(
        trial, "reconcile", "--month", "2025-01", "--format", "json", "--as-of", as_of
    )

    assert code == 0
    payments = json.loads(out)["payments"]
    assert [(p["status"], p["reference"], p["ledger"]["amount"]) for p in payments] == [
        ("matched", "", "1200.00"),
        ("matched", "TCS-CN-0011", "-300.00"),
        ("matched", "TCS-INV-202501A", "500.00"),
        ("matched", "TCS-INV-202501A", "-500.00"),
        ("matched", "TCS-INV-202501A", "500.00"),
    ]
    assert len(payments[0]["ledger"]["rows"]) == 5
    assert payments[0]["ledger"]["source"] == {
        "path": "ledger/finance/register-2025-01.csv",
        "line": 4,
        "payment_number": "PAY-1002",
    }


def test_importing_again_changes_no_byte(trial: Path) -> None:
    as_of = "2025-04-10"
    for month in ("2025-01", "2025-02"):
        assert cli(trial, "import", "--month", month, "--apply", "--as-of", as_of)[0] == 0
    before = {name: (trial / name).read_bytes() for name in (TRANSACTIONS, SOURCES)}

    for month in ("2025-01", "2025-02"):
        code, _, err = cli(trial, "import", "--month", month, "--apply", "--as-of", as_of)
        assert code == 0
        assert "nothing to import" in err

    assert {name: (trial / name).read_bytes() for name in before} == before


def test_overlapping_registers_without_payment_numbers(trial: Path) -> None:
    """Without a payment number, reference, date and amount say it is one payment."""
    mapping = trial / "config/finance-import.yaml"
    text = mapping.read_text(encoding="utf-8")
    mapping.write_text(text.replace("    payment_number: Payment No\n", ""), encoding="utf-8")
    as_of = "2025-04-10"
    for month in ("2025-01", "2025-02"):
        assert cli(trial, "import", "--month", month, "--apply", "--as-of", as_of)[0] == 0

    assert len(ledger_rows(trial, "TCS-INV-202501")) == 5
    code, out, err = cli(trial, "reconcile", "--month", "2025-02", "--as-of", as_of)
    assert code == 0, out
    assert "register-2025-01.csv:10 (also register-2025-02.csv:4)" in out
    assert err.startswith("2025-02 reconciled: 3 payments agree with the finance system")


MARCH = TITLES.format(period="2024/25 P12", run="01/04/2025 06:15") + (
    "PAY-1013,27/02/2025,THE CHILDRENS SOCIETY,TCS-INV-202502B,Late-listed February payment,"
    "PF4410,£100.00\r\n"
)


def closed_months(root: Path) -> None:
    for month in ("2025-01", "2025-02"):
        month_end(root, month, "2025-04-10")


@pytest.mark.slow
def test_a_closed_months_pack_uses_the_exports_it_was_closed_with(trial: Path) -> None:
    closed_months(trial)
    # a later register lists a February payment the close did not see
    (trial / "ledger/finance/register-2025-03.csv").write_bytes(MARCH.encode("cp1252"))
    as_of = "2025-04-10"
    assert cli(trial, "reconcile", "--month", "2025-02", "--as-of", as_of)[0] == 1

    code, out, _ = cli(trial, "report", "--month", "2025-02", "--format", "json", "--as-of", as_of)

    assert code == 0
    pack = json.loads(out)
    assert pack["reconciliation_note"] is None
    rec = pack["reconciliation"]
    assert rec["reconciled"] is True
    assert rec["closed"]["read_with_its_exports"] is True
    assert sorted(rec["closed"]["exports"]) == [
        "ledger/finance/register-2025-01.csv",
        "ledger/finance/register-2025-02.csv",
    ]
    assert [s["path"] for s in rec["sources"]] == sorted(rec["closed"]["exports"])
    code, out, _ = cli(
        trial, "report", "--month", "2025-02", "--format", "markdown", "--as-of", as_of
    )
    book = trial.parent / "return-2025-02.xlsx"
    code, _, err = cli(
        trial, "export", "xlsx", "--month", "2025-02", "--as-of", as_of, "--out", str(book)
    )
    assert code == 0, err
    cover = load_workbook(book)["Cover"]
    status = next(row[1].value for row in cover.iter_rows() if row[0].value == "Reconciliation")
    assert status.startswith("2025-02 reconciled: 3 payments agree with the finance system")
    assert status.endswith(
        "reconciled here with the exports it was closed with: register-2025-01.csv, "
        "register-2025-02.csv)"
    )
    assert (
        "_2025-02 is closed (on " in out
        and "; reconciled here with the exports it was closed with: register-2025-01.csv, "
        "register-2025-02.csv)._"
        in out
    )


@pytest.mark.slow
def test_a_closed_months_pack_says_when_its_export_changed(trial: Path) -> None:
    closed_months(trial)
    register = trial / "ledger/finance/register-2025-02.csv"
    register.write_bytes(register.read_bytes().replace(b"part 2", b"part two"))

    code, out, _ = cli(
        trial, "report", "--month", "2025-02", "--format", "json", "--as-of", "2025-04-10"
    )

    assert code == 0
    pack = json.loads(out)
    assert pack["reconciliation"] is None
    assert pack["reconciliation_note"].startswith(
        "2025-02 not reconciled in this report: it was closed with "
        "ledger/finance/register-2025-02.csv (sha256:"
    )
    assert pack["reconciliation_note"].endswith(
        "which has changed since (now sha256:"
        + hashlib.sha256(register.read_bytes()).hexdigest()[:12]
        + "...): reopen the month to reconcile it with the export as it is"
    )


FORECAST = """\
  - budget_line: provider_grant
    from: 2025-01
    said_by: A. Treasurer
    said_on: 2025-02-05
    reason: >-
      January's invoice TCS-INV-202501 was paid on 3 February; February pays January's
      and February's invoices.
    spend:
      2025-01: 1400.00
      2025-02: 51008.37
"""


def closing_on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    from svdiversion.cli import finance as finance_cli

    at = datetime(day.year, day.month, day.day, 9, 30, tzinfo=UTC)
    monkeypatch.setattr(finance_cli, "now", lambda: at)


def burndown_of(root: Path, month: str) -> dict[str, Any]:
    code, out, err = cli(root, "report", "--month", month, "--format", "json")
    assert code == 0, err
    return json.loads(out)["burndown"]


def provider_grant(burndown: dict[str, Any]) -> dict[str, Any]:
    return next(line for line in burndown["lines"] if line["id"] == "provider_grant")


@pytest.mark.slow
def test_januarys_figures_count_the_forecast_said_during_its_close(
    trial: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forecasts = trial / "ledger/forecasts.yaml"
    forecasts.write_text(forecasts.read_text(encoding="utf-8") + FORECAST, encoding="utf-8")
    as_of = "2025-04-10"
    assert cli(trial, "import", "--month", "2025-01", "--apply", "--as-of", as_of)[0] == 0
    open_month = burndown_of(trial, "2025-01")  # as of 31 January: said later, not counted
    assert provider_grant(open_month)["treasurer_forecast"] is None

    closing_on(monkeypatch, date(2025, 2, 6))
    assert cli(trial, "close", "--month", "2025-01", "--by", "A. T", "--as-of", as_of)[0] == 0
    closed = burndown_of(trial, "2025-01")

    assert closed["as_of"] == "2025-01-31"
    # actual to date 434,562.63 + February as forecast 51,008.37 + March's tranche 25,642.72
    assert provider_grant(closed)["treasurer_forecast"] == "511213.72"
    assert (closed["rag"], closed["rag_basis"]) == ("amber", "treasurer")
    assert (open_month["rag"], open_month["rag_basis"]) == ("red", "treasurer")
    # A note says which close the figures stand at; --quiet silences it, as every note.
    code, _, err = cli(trial, "burndown", "--month", "2025-01", "--format", "json")
    assert code == 0
    assert err == (
        "note: 2025-01 is closed: its figures count the treasurer's forecasts said by its "
        "close on 2025-02-06\n"
    )
    quiet = run_cli("-q", "-C", str(trial), "burndown", "--month", "2025-01", "--format", "json")
    assert (quiet.exit_code, quiet.stderr) == (0, "")


# ------------------------------------------------ three finance systems' exports, as they come

ORACLE_MAPPING = """\
payments:
  files: ledger/finance/*.csv
  encoding: windows-1252
  header_line: 3
  columns:
    date: Payment Date
    reference: Invoice Number
    debit: Dr
    credit: Cr
    supplier: Supplier
    description: Description
    payment_number: Payment Number
  date_format: "%d-%b-%Y"
  keep_rows: {column: Cost Centre, values: [PF4410]}
  skip_rows:
    when: [{column: Payment Date, matches: "^Total"}]
"""
ORACLE = (
    "Oracle Fusion Payables,,,,,,,\r\n"
    "Payments Register: January 2025,,,,,,,\r\n"
    "Payment Number,Payment Date,Supplier,Invoice Number,Description,Cost Centre,Dr,Cr\r\n"
    "100231,27-JAN-2025,THE CHILDRENS SOCIETY,TCS-INV-202501,Steer Clear delivery January"
    ' 2025,PF4410,"25,078.54",-\r\n'
    "100232,28-JAN-2025,THE CHILDRENS SOCIETY,TCS-CN-0011,Credit note,PF4410,-,300.00\r\n"
    "100233,28-JAN-2025,OFFICE SUPPLIES LTD,INV51999,Stationery,OP1100,88.20,-\r\n"
    'Total,,,,,,"25,166.74",300.00\r\n'
).encode("cp1252")

UNIT4_MAPPING = """\
payments:
  files: ledger/finance/*.txt
  delimiter: "\\t"
  columns:
    date: TransDate
    reference: ExtInvRef
    amount: CurAmount
    supplier: SupplierName
    description: Description
    cost_centre: Dim1
  amounts: {currency_symbol: "", thousands_separator: ""}
  keep_rows: {column: Dim1, prefixes: [PF44]}
"""
UNIT4 = "\ufeff" + (
    "TransDate\tVoucherNo\tSupplierName\tExtInvRef\tDescription\tDim1\tCurAmount\r\n"
    "27/01/2025\t5500123\tTHE CHILDRENS SOCIETY\tTCS-INV-202501\tSteer Clear delivery"
    " January 2025\tPF4410\t25078.54\r\n"
    "28/01/2025\t5500124\tTHE CHILDRENS SOCIETY\tTCS-CN-0011\tCredit note\tPF4410\t-300.00\r\n"
    "28/01/2025\t5500125\tOFFICE SUPPLIES LTD\tINV51999\tStationery\tOP1100\t88.20\r\n"
)

CIVICA_MAPPING = """\
payments:
  files: ledger/finance/*.xlsx
  sheet: Payments
  header_line: 2
  columns:
    date: Paid On
    reference: Invoice Ref
    amount: Value
    supplier: Creditor
    description: Narrative
  keep_rows: {column: Cost Code, values: [PF4410]}
  skip_rows:
    when: [{column: Creditor, matches: "^TOTAL"}]
"""


def civica_workbook(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Payments"
    sheet.append(["Civica Financials: creditor payments, January 2025"])
    sheet.append(["Paid On", "Creditor", "Invoice Ref", "Narrative", "Cost Code", "Value"])
    sheet.append(
        [
            datetime(2025, 1, 27),
            "THE CHILDRENS SOCIETY",
            "TCS-INV-202501",
            "Steer Clear delivery January 2025",
            "PF4410",
            25078.54,  # a float, as Excel stores it
        ]
    )
    sheet.append(
        [
            datetime(2025, 1, 28),
            "THE CHILDRENS SOCIETY",
            "TCS-CN-0011",
            "Credit note",
            "PF4410",
            -300,
        ]
    )
    sheet.append([None, "TOTAL", None, None, None, 24778.54])
    book.save(path)


@pytest.mark.parametrize("system", ["oracle", "unit4", "civica"])
def test_each_finance_systems_export_imports_as_it_comes(trial: Path, system: str) -> None:
    shutil.rmtree(trial / "ledger/finance")
    (trial / "ledger/finance").mkdir()
    mapping = {"oracle": ORACLE_MAPPING, "unit4": UNIT4_MAPPING, "civica": CIVICA_MAPPING}[system]
    text = (trial / "config/finance-import.yaml").read_text(encoding="utf-8")
    rules = text[text.index("\nimport:") :]
    (trial / "config/finance-import.yaml").write_text(mapping + rules, encoding="utf-8")
    export = (
        trial / "ledger/finance" / {"oracle": "jan.csv", "unit4": "jan.txt"}.get(system, "jan.xlsx")
    )
    if system == "oracle":
        export.write_bytes(ORACLE)
    elif system == "unit4":
        export.write_bytes(UNIT4.encode("utf-16-le"))
    else:
        civica_workbook(export)
    before = export.read_bytes()
    as_of = "2025-04-10"

    code, _, err = cli(trial, "import", "--month", "2025-01", "--apply", "--as-of", as_of)

    assert code == 0, err
    assert err.startswith(
        "2025-01: 2 payments in the finance export, 0 already in the ledger; 2 payments to "
        "import as 10 rows\n"
    )
    assert export.read_bytes() == before
    code, out, err = cli(
        trial, "reconcile", "--month", "2025-01", "--format", "json", "--as-of", as_of
    )
    assert code == 0, err
    assert [(p["status"], p["ledger"]["amount"]) for p in json.loads(out)["payments"]] == [
        ("matched", "25078.54"),
        ("matched", "-300.00"),
    ]


def test_a_workbook_amount_with_binary_noise(trial: Path) -> None:
    """25950.43 summed in Excel is stored as 25950.430000000001: E606 with a hint that
    fits a workbook; with round_workbook_amounts, read as 25950.43 and the cell listed."""
    shutil.rmtree(trial / "ledger/finance")
    (trial / "ledger/finance").mkdir()
    text = (trial / "config/finance-import.yaml").read_text(encoding="utf-8")
    rules = text[text.index("\nimport:") :]
    (trial / "config/finance-import.yaml").write_text(CIVICA_MAPPING + rules, encoding="utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Payments"
    sheet.append(["Civica Financials: creditor payments, January 2025"])
    sheet.append(["Paid On", "Creditor", "Invoice Ref", "Narrative", "Cost Code", "Value"])
    paid = [datetime(2025, 1, 27), "THE CHILDRENS SOCIETY", "TCS-INV-202501", "Jan", "PF4410"]
    sheet.append([*paid, 25950.4300000001])
    book.save(trial / "ledger/finance/jan.xlsx")
    args = ("import", "--month", "2025-01", "--as-of", "2025-04-10")

    code, _, err = cli(trial, *args)

    assert code == 1
    assert err.splitlines()[0] == (
        "ledger/finance/jan.xlsx:3:6: E606 Value: more than two decimal places "
        "(got '25950.4300000001')"
    )
    assert "set round_workbook_amounts: true under amounts:" in err

    mapping = trial / "config/finance-import.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8").replace(
            "  keep_rows:", "  amounts: {round_workbook_amounts: true}\n  keep_rows:"
        ),
        encoding="utf-8",
    )
    code, out, err = cli(trial, *args, "--format", "csv")

    assert code == 0, err
    assert err.splitlines()[0] == (
        "ledger/finance/jan.xlsx:3:6: W604 the workbook stores 25950.4300000001 in this amount "
        "cell: read as 25950.43"
    )
    assert sum(Decimal(line.split(",")[5]) for line in out.splitlines()[1:]) == Decimal("25950.43")


# ------------------------------------------------ VAT: cash shown gross and net

VAT_MAPPING = """\
payments:
  files: ledger/finance/*.csv
  columns:
    date: Payment Date
    reference: Invoice
    amount: Gross
    vat: VAT
    supplier: Supplier
    payment_number: Payment No
  amounts: {vat: VAT_IS}
"""
VAT_EXPORT = (
    "Payment No,Payment Date,Supplier,Invoice,Net,VAT,Gross\r\n"
    'PAY-2001,27/01/2025,THE CHILDRENS SOCIETY,TCS-INV-202501,"25,078.54",'
    '"5,015.71","30,094.25"\r\n'
    "PAY-2002,28/01/2025,THE CHILDRENS SOCIETY,TCS-CN-0011,(300.00),(60.00),(360.00)\r\n"
)


@pytest.mark.parametrize(
    ("vat_is", "posted", "finance", "paid"),
    [
        ("recoverable", ["25078.54", "-300.00"], "24778.54", "29734.25"),
        ("cost", ["30094.25", "-360.00"], "29734.25", "29734.25"),
    ],
)
def test_vat_is_shown_not_skipped(
    trial: Path, vat_is: str, posted: list[str], finance: str, paid: str
) -> None:
    """A register with a VAT column: the ledger holds the net amounts when VAT is
    reclaimed and the gross ones when it is a cost; reconcile matches either way and
    shows what was paid, its VAT and the figure the ledger is matched with."""
    shutil.rmtree(trial / "ledger/finance")
    (trial / "ledger/finance").mkdir()
    text = (trial / "config/finance-import.yaml").read_text(encoding="utf-8")
    rules = text[text.index("\nimport:") :]
    mapping = VAT_MAPPING.replace("VAT_IS", vat_is)
    (trial / "config/finance-import.yaml").write_text(mapping + rules, encoding="utf-8")
    (trial / "ledger/finance/jan.csv").write_bytes(VAT_EXPORT.encode("utf-8"))
    as_of = "2025-04-10"

    code, _, err = cli(trial, "import", "--month", "2025-01", "--apply", "--as-of", as_of)
    assert code == 0, err
    code, out, err = cli(
        trial, "reconcile", "--month", "2025-01", "--format", "json", "--as-of", as_of
    )

    assert code == 0, err
    found = json.loads(out)
    assert [(p["status"], p["ledger"]["amount"]) for p in found["payments"]] == [
        ("matched", posted[0]),
        ("matched", posted[1]),
    ]
    assert found["cash"]["finance"] == finance
    assert found["cash"]["finance_paid"] == paid
    assert found["cash"]["vat"] == "4955.71"
    assert found["cash"]["difference"] == "0.00"
    code, out, _ = cli(trial, "reconcile", "--month", "2025-01", "--as-of", as_of)
    assert "Finance system, paid (VAT included)" in out, out


def test_januarys_invoice_paid_in_february_is_flagged_for_accrual(trial: Path) -> None:
    code, _, err = cli(trial, "import", "--month", "2025-02", "--as-of", "2025-04-10")

    assert code == 0, err
    assert "W605 paid on 2025-02-03 (2025-02) for 2025-01, as its description says" in err
    assert "accruals of 25,078.54 (" not in err  # split by area, not one sum
    assert "on 2025-01-31 and reversals of the same, negative, on 2025-02-01" in err
    # the February invoice names February: nothing to accrue
    assert err.count("W605") == 1


def test_a_payment_after_the_contract_is_flagged_for_accrual(shipped: Path) -> None:
    """A payment made after the contract's last day is imported by no month: importing
    the last month lists it (W605) with the accruals that put it in the contract; asking
    for the month after says where to look."""
    listing = shipped / "ledger/finance/payments-2024-25.csv"
    with listing.open("ab") as export:
        export.write(
            "10/04/2025,BACS250410-001,S100100,THE CHILDRENS SOCIETY,TCS-INV-202503B,"
            'Steer Clear delivery March 2025 (final),PF4410,5210,"£1,500.00"\r\n'.encode("cp1252")
        )
    before = listing.read_bytes()
    code, _, err = cli(shipped, "import", "--month", "2025-03", "--as-of", "2025-04-30")
    assert code == 0, err
    assert "W605 paid on 2025-04-10, after the contract ended on 2025-03-31" in err
    assert "accruals of 264.63 (herefordshire), 292.48 (north_worcestershire)" in err
    assert "on 2025-03-31 (budget line provider_grant)" in err
    code, _, err = cli(shipped, "import", "--month", "2025-04", "--as-of", "2025-04-30")
    assert code == 2
    assert "'svdiversion import --month 2025-03' lists each with the accruals to add" in err
    assert listing.read_bytes() == before


def test_a_quiet_month_end_gives_no_next_steps(trial: Path) -> None:
    """``--quiet`` silences every note, the ``next:`` step of each month-end command with
    them; what the command found (its summary, the check after an import) stays."""
    as_of = "2025-04-10"
    month = ("--month", "2025-01", "--as-of", as_of)
    steps = [
        ("import", *month),
        ("import", *month, "--apply"),
        ("reconcile", *month),
        ("close", *month, "--by", "A. Treasurer"),
        ("reopen", "--month", "2025-01", "--by", "A. Treasurer", "--reason", "a late credit"),
    ]
    for step in steps:
        said = run_cli("-q", "-C", str(trial), *step, env={"SVDIVERSION_WIDTH": "200"})
        assert said.exit_code == 0, said.stderr
        assert "next:" not in said.stderr, step
        if step[0] in ("import", "reconcile"):
            assert "2025-01" in said.stderr  # the summary of what it found
    assert "next: svdiversion close --month 2025-01" in cli(trial, "reconcile", *month).stderr
