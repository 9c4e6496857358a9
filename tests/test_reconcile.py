"""Reconciling a month of the ledger with the finance system's payments.

The default test workspace (``tests/helpers.py``) pays invoice INV-1 on 2023-09-30 as two
rows of £200.00, one per area, against a September tranche of £400.00; an evaluation
accrual of £150.00 on 2024-03-31 meets a March tranche of £150.00, and a second delivery
tranche of £400.00 falls due in March 2024. Each test adds the finance system's export.
"""

# ruff: noqa: E501  (TABLE holds the exact terminal output, which is wider than 100 columns)

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from helpers import TX_HEADER, CliResult, inline, load_ledger, make_workspace, run_cli
from svdiversion.core.fiscal import Month, months_between
from svdiversion.finance.commentary import load_commentary
from svdiversion.finance.importer import read_export
from svdiversion.finance.mapping import export_files, load_config
from svdiversion.finance.reconcile import Reconciliation, reconcile

REPO = Path(__file__).resolve().parent.parent

MAPPING = """
    payments:
      encoding: utf-8
      columns:
        date: Date
        amount: Amount
        reference: Reference
        supplier: Supplier
        description: Description
    reconcile:
      explain_variances_above:
        fraction: 0.05
        amount: 10.00
"""
HEADER = "Date,Reference,Supplier,Description,Amount"
PAID = "30/09/2023,INV-1,PROVIDER,September delivery,£400.00"


def workspace(tmp_path: Path, *rows: str, **files: str) -> Path:
    """The default workspace, the mapping above and an export holding ``rows``."""
    export = "\n".join([HEADER, *rows]) + "\n"
    extra: dict[str, str | bytes] = {
        "config/finance-import.yaml": MAPPING,
        "ledger/finance/payments.csv": export.encode("utf-8"),
    }
    if "commentary" in files:
        extra["ledger/commentary.yaml"] = files.pop("commentary")
    return make_workspace(tmp_path / "ws", extra=extra, **files)


def reconciled(root: Path, month: str) -> Reconciliation:
    ledger = load_ledger(root)
    config, problems = load_config(root)
    assert problems == []
    assert config is not None
    exports = []
    for path in export_files(root, config):
        display = path.relative_to(root).as_posix()
        export, found = read_export(path, display, config.mapping_for(display))
        assert found == []
        assert export is not None
        exports.append(export)
    commentary, found = load_commentary(root, {line.id for line in ledger.line_budgets()})
    assert found == []
    return reconcile(ledger, Month.parse(month), exports, commentary, config.reconcile)


def statuses(rec: Reconciliation) -> list[tuple[str, str, int, int, str]]:
    return [
        (m.status.value, m.reference, m.ledger_pence, m.finance_pence, m.note) for m in rec.matches
    ]


def invoke(root: Path, *args: str, **env: str) -> CliResult:
    return run_cli("-C", str(root), *args, env={"SVDIVERSION_WIDTH": "120", **env})


# ----------------------------------------------------------------------------- matching


def test_an_invoice_split_by_area_matches_its_one_payment(tmp_path: Path) -> None:
    rec = reconciled(workspace(tmp_path, PAID), "2023-09")

    assert statuses(rec) == [("matched", "INV-1", 40000, 40000, "")]
    assert rec.matches[0].ledger is not None
    assert rec.matches[0].ledger.ids == ("TX-1", "TX-2")
    assert (rec.ledger_cash, rec.finance_cash, rec.cash_difference) == (40000, 40000, 0)
    assert rec.reconciled


def test_a_duplicated_payment_in_the_export(tmp_path: Path) -> None:
    rec = reconciled(workspace(tmp_path, PAID, PAID), "2023-09")

    assert statuses(rec) == [
        ("matched", "INV-1", 40000, 40000, ""),
        ("finance_only", "INV-1", 0, 40000, "same reference and amount as line 2: paid twice?"),
    ]
    assert [p.line for m in rec.matches for p in m.finance] == [2, 3]
    assert (rec.ledger_cash, rec.finance_cash, rec.cash_difference) == (40000, 80000, -40000)
    assert not rec.reconciled


def test_a_payment_split_in_two_by_the_finance_system_matches(tmp_path: Path) -> None:
    half = "30/09/2023,INV-1,PROVIDER,September delivery,200.00"

    rec = reconciled(workspace(tmp_path, half, half), "2023-09")

    assert statuses(rec) == [("matched", "INV-1", 40000, 40000, "")]


def test_a_payment_keyed_against_the_wrong_month(tmp_path: Path) -> None:
    october = inline(
        f"""
        {TX_HEADER}
        TX-1,2023-10-02,payment,delivery,north,200.00,INV-1,Provider,September delivery,T1
        TX-2,2023-10-02,payment,delivery,south,200.00,INV-1,Provider,September delivery,T1
        TX-3,2024-03-31,accrual,evaluation,,150.00,EV-1,University,Evaluation report,T3
        """
    )
    root = workspace(tmp_path, PAID, transactions=october)

    september, next_month = reconciled(root, "2023-09"), reconciled(root, "2023-10")

    assert statuses(september) == [
        (
            "other_month",
            "INV-1",
            40000,
            40000,
            "the ledger has it on 2023-10-02 (2023-10): keyed in the wrong month?",
        )
    ]
    assert statuses(next_month) == [
        (
            "other_month",
            "INV-1",
            40000,
            40000,
            "the finance system paid it on 2023-09-30 (2023-09): keyed in the wrong month?",
        )
    ]
    assert (september.ledger_cash, september.finance_cash) == (0, 40000)
    assert (next_month.ledger_cash, next_month.finance_cash) == (40000, 0)
    assert not september.reconciled
    assert not next_month.reconciled


def test_a_reference_typed_in_lower_case_matches(tmp_path: Path) -> None:
    rec = reconciled(workspace(tmp_path, PAID.replace("INV-1", " inv-1 ")), "2023-09")

    assert statuses(rec) == [("matched", "INV-1", 40000, 40000, "")]
    assert rec.matches[0].finance[0].reference == "inv-1"
    assert rec.reconciled


def test_the_same_reference_with_a_different_amount(tmp_path: Path) -> None:
    rec = reconciled(workspace(tmp_path, PAID.replace("£400.00", "£390.00")), "2023-09")

    assert statuses(rec) == [("amount_differs", "INV-1", 40000, 39000, "")]
    assert rec.matches[0].difference == 1000
    assert not rec.reconciled


@pytest.mark.parametrize("reference", ["", "N/A", "tbc"])
def test_no_usable_reference_matches_by_amount_within_the_window(
    tmp_path: Path, reference: str
) -> None:
    row = f"27/09/2023,{reference},PROVIDER,September delivery,400.00"

    rec = reconciled(workspace(tmp_path, row), "2023-09")

    assert statuses(rec) == [
        (
            "matched_by_amount",
            "INV-1",
            40000,
            40000,
            "no usable reference on one side; same amount, 3 days apart",
        )
    ]
    assert rec.reconciled


def test_no_reference_outside_the_date_window_does_not_match(tmp_path: Path) -> None:
    rec = reconciled(workspace(tmp_path, "24/09/2023,,PROVIDER,Delivery,400.00"), "2023-09")

    assert statuses(rec) == [
        ("finance_only", "", 0, 40000, ""),
        ("ledger_only", "INV-1", 40000, 0, ""),
    ]
    assert not rec.reconciled


def test_a_reference_typed_differently_is_flagged_not_matched(tmp_path: Path) -> None:
    rec = reconciled(workspace(tmp_path, PAID.replace("INV-1", "INV-l")), "2023-09")

    assert statuses(rec) == [
        (
            "ledger_only",
            "INV-1",
            40000,
            0,
            "same amount as 'INV-l' in line 2: a reference typed differently?",
        ),
        (
            "finance_only",
            "INV-l",
            0,
            40000,
            "same amount as 'INV-1' in the ledger: a reference typed differently?",
        ),
    ]


def test_accruals_and_reversals_are_not_cash(tmp_path: Path) -> None:
    rec = reconciled(workspace(tmp_path, PAID), "2024-03")

    assert statuses(rec) == []
    assert (rec.ledger_cash, rec.finance_cash) == (0, 0)
    assert rec.total.month.actual == 15000  # the accrual is spend, not cash


# -------------------------------------------------------------------------------- spend


def test_spend_against_profile_for_the_month_and_the_year_to_date(tmp_path: Path) -> None:
    rec = reconciled(workspace(tmp_path, PAID), "2024-03")

    assert [
        (
            line.budget_line,
            line.month.profile,
            line.month.actual,
            line.month.variance,
            line.month.rag.value,
            line.year_to_date.profile,
            line.year_to_date.actual,
            line.year_to_date.variance,
            line.year_to_date.rag.value,
            line.needs_explanation,
        )
        for line in (*rec.lines, rec.total)
    ] == [
        ("delivery", 40000, 0, -40000, "red", 80000, 40000, -40000, "red", True),
        ("evaluation", 15000, 15000, 0, "green", 15000, 15000, 0, "green", False),
        ("unallocated", 0, 0, 0, "green", 0, 0, 0, "green", False),
        ("total", 55000, 15000, -40000, "red", 95000, 55000, -40000, "red", False),
    ]
    assert [line.budget_line for line in rec.unexplained] == ["delivery"]
    assert not rec.reconciled


def test_a_variance_explained_in_the_commentary(tmp_path: Path) -> None:
    commentary = """
        commentary:
          - month: 2024-03
            budget_line: delivery
            text: The March invoice arrived in April.
    """
    rec = reconciled(workspace(tmp_path, PAID, commentary=commentary), "2024-03")

    assert rec.lines[0].explanation == "The March invoice arrived in April."
    assert rec.unexplained == ()
    assert rec.reconciled


@pytest.mark.parametrize(
    ("each", "rag", "needs_explanation"),
    [("195.00", "green", False), ("185.00", "amber", True), ("175.00", "red", True)],
)
def test_rag_and_the_explanation_threshold(
    tmp_path: Path, each: str, rag: str, needs_explanation: bool
) -> None:
    transactions = inline(
        f"""
        {TX_HEADER}
        TX-1,2023-09-30,payment,delivery,north,{each},INV-1,Provider,September delivery,T1
        TX-2,2023-09-30,payment,delivery,south,{each},INV-1,Provider,September delivery,T1
        """
    )
    total = f"{2 * float(each):.2f}"
    root = workspace(tmp_path, PAID.replace("£400.00", total), transactions=transactions)

    line = reconciled(root, "2023-09").lines[0]

    assert (line.month.rag.value, line.needs_explanation) == (rag, needs_explanation)


# ------------------------------------------------------------------------ shipped sample


@pytest.fixture(scope="module")
def shipped_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shipped")
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / "ledger", root / "ledger")
    return root


def test_the_shipped_sample_reconciles_every_month_of_the_contract(shipped_root: Path) -> None:
    failing = [
        str(month)
        for month in months_between(Month(2023, 7), Month(2025, 3))
        if not reconciled(shipped_root, str(month)).reconciled
    ]
    assert failing == []


def test_the_shipped_sample_for_september_2024(shipped_root: Path) -> None:
    rec = reconciled(shipped_root, "2024-09")

    assert statuses(rec) == [("matched", "TCS-INV-202409", 2479647, 2479647, "")]
    assert (rec.ledger_cash, rec.finance_cash) == (2479647, 2479647)
    assert [(s.path, s.payments, s.in_month, s.other_rows) for s in rec.sources] == [
        ("ledger/finance/payments-2023-24.csv", 9, 0, 83),
        ("ledger/finance/payments-2024-25.csv", 16, 1, 78),
    ]
    assert [
        (line.budget_line, line.month.variance, line.month.rag.value, line.year_to_date.variance)
        for line in (*rec.lines, rec.total)
    ] == [
        ("provider_grant", -84621, "green", -282070),
        ("evaluation", -1500000, "red", -1500000),
        ("unallocated", 0, "green", 0),
        ("total", -1584621, "red", -1782070),
    ]
    assert rec.lines[1].needs_explanation
    assert rec.lines[1].explanation is not None
    assert rec.reconciled


def test_shipped_november_2024_matches_a_credit_note_without_its_number(
    shipped_root: Path,
) -> None:
    rec = reconciled(shipped_root, "2024-11")

    assert statuses(rec) == [
        (
            "matched_by_amount",
            "TCS-CN-0007",
            -125000,
            -125000,
            "no usable reference on one side; same amount, 3 days apart",
        ),
        ("matched", "TCS-INV-202411", 2492468, 2492468, ""),
    ]


# ---------------------------------------------------------------------------------- CLI


def test_cli_shipped_september_2024(shipped_root: Path) -> None:
    code, out, err = invoke(shipped_root, "reconcile", "--month", "2024-09", "-f", "json")

    assert code == 0
    assert err == (
        "2024-09 reconciled: 1 payment agrees with the finance system; 1 variance explained\n"
        "2024-09 is open (not closed)\n"
        "next: svdiversion close --month 2024-09\n"
    )
    document = json.loads(out)
    assert document["reconciled"] is True
    assert document["closed"] is None
    assert document["cash"] == {
        "ledger": "24796.47",
        "finance": "24796.47",
        "finance_paid": "24796.47",
        "vat": "0.00",
        "difference": "0.00",
    }
    assert document["total"]["month"] == {
        "profile": "40642.68",
        "actual": "24796.47",
        "variance": "-15846.21",
        "rag": "red",
    }
    assert document["unexplained"] == []


TABLE = """\
Reconciliation of 2023-09 (2023/24 P06) with the finance system
2023-09 is open (not closed).

Payments in 2023-09
Status  ┃ Reference ┃ Ledger date ┃  Ledger ┃ Finance date ┃ Finance ┃ Difference ┃ Ledger rows ┃ Finance rows
━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━
matched │ INV-1     │ 2023-09-30  │ £400.00 │ 2023-09-30   │ £400.00 │      £0.00 │ TX-1 TX-2   │ payments.csv:2
  ledger/finance/payments.csv: 1 payment of this service, 1 in 2023-09; left out by the mapping: 0 rows of other cost centres, 0 blank or total

Cash in 2023-09
Cash                          ┃  Amount
━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━
Ledger (payments and refunds) │ £400.00
Finance system                │ £400.00
Difference                    │   £0.00

Spend against profile: 2023-09 and 2023/24 to date
Budget line ┃ Profile ┃  Actual ┃ Variance ┃ RAG   ┃ YTD profile ┃ YTD actual ┃ YTD variance ┃ YTD RAG
━━━━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━╇━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━
delivery    │ £400.00 │ £400.00 │    £0.00 │ green │     £400.00 │    £400.00 │        £0.00 │ green
evaluation  │   £0.00 │   £0.00 │    £0.00 │ green │       £0.00 │      £0.00 │        £0.00 │ green
unallocated │   £0.00 │   £0.00 │    £0.00 │ green │       £0.00 │      £0.00 │        £0.00 │ green
────────────┼─────────┼─────────┼──────────┼───────┼─────────────┼────────────┼──────────────┼────────
Total       │ £400.00 │ £400.00 │    £0.00 │ green │     £400.00 │    £400.00 │        £0.00 │ green
  Actual includes accruals and reversals; variance is actual - profile.
  No variance this month needs an explanation.

"""


def test_cli_table(tmp_path: Path) -> None:
    code, out, err = invoke(workspace(tmp_path, PAID), "reconcile", "--month", "2023-09")

    assert code == 0
    assert "\n".join(line.rstrip() for line in out.splitlines()) + "\n" == TABLE
    assert err == (
        "2023-09 reconciled: 1 payment agrees with the finance system\n"
        "2023-09 is open (not closed)\n"
        "next: svdiversion close --month 2023-09\n"
    )


def test_cli_csv_is_the_payments_table(tmp_path: Path) -> None:
    root = workspace(tmp_path, PAID, PAID)

    code, out, err = invoke(root, "reconcile", "--month", "2023-09", "--format", "csv")

    assert code == 1
    assert out == (
        "status,reference,ledger_date,ledger,finance_date,finance,difference,ledger_rows,"
        "finance_rows,note\n"
        "matched,INV-1,2023-09-30,400.00,2023-09-30,400.00,0.00,TX-1 TX-2,payments.csv:2,\n"
        "finance only,INV-1,,,2023-09-30,400.00,-400.00,,payments.csv:3,"
        "same reference and amount as line 2: paid twice?\n"
    )
    assert err == (
        "2023-09 does not reconcile: 1 payment in the finance system only\n"
        "2023-09 is open (not closed)\n"
    )


def test_cli_markdown_lists_what_needs_explaining(tmp_path: Path) -> None:
    code, out, err = invoke(
        workspace(tmp_path, PAID), "reconcile", "--month", "2024-03", "--format", "markdown"
    )

    assert code == 1
    assert out.startswith(
        "# Reconciliation of 2024-03 (2023/24 P12) with the finance system\n\n"
        "> 2024-03 does not reconcile: 1 unexplained variance\n\n"
        "> 2024-03 is open (not closed).\n\n"
        "## Cash in 2024-03\n"
    )
    assert out.endswith(
        "## Commentary for 2024-03\n\n"
        "| Budget line | Explanation |\n"
        "|---|---|\n"
        "| delivery | NEEDED: explain in ledger/commentary.yaml (month 2024-03, budget_line "
        "delivery) |\n"
    )
    assert err == (
        "2024-03 does not reconcile: 1 unexplained variance\n2024-03 is open (not closed)\n"
    )


def test_cli_json_for_a_payment_in_the_wrong_month(tmp_path: Path) -> None:
    root = workspace(tmp_path, PAID.replace("30/09/2023", "02/10/2023"))

    code, out, err = invoke(root, "reconcile", "--month", "2023-09", "--format", "json")

    assert code == 1
    document = json.loads(out)
    assert document["payments"] == [
        {
            "status": "other_month",
            "reference": "INV-1",
            "ledger": {
                "date": "2023-09-30",
                "amount": "400.00",
                "rows": ["TX-1", "TX-2"],
                "lines": [2, 3],
                "source": None,
            },
            "finance": [
                {
                    "path": "ledger/finance/payments.csv",
                    "line": 2,
                    "date": "2023-10-02",
                    "amount": "400.00",
                    "reference": "INV-1",
                    "supplier": "PROVIDER",
                    "description": "September delivery",
                    "payment_number": None,
                    "also": [],
                }
            ],
            "difference": "0.00",
            "note": "the finance system paid it on 2023-10-02 (2023-10): keyed in the wrong month?",
        }
    ]
    assert document["cash"] == {
        "ledger": "400.00",
        "finance": "0.00",
        "finance_paid": "0.00",
        "vat": "0.00",
        "difference": "400.00",
    }
    assert err == (
        "2023-09 does not reconcile: 1 payment dated in another month on one side\n"
        "2023-09 is open (not closed)\n"
    )


def test_cli_payments_option_reads_that_file_only(tmp_path: Path) -> None:
    root = workspace(tmp_path, PAID, PAID)
    other = tmp_path / "september.csv"
    other.write_text(f"{HEADER}\n{PAID}\n", encoding="utf-8")

    code, _, err = invoke(root, "reconcile", "--month", "2023-09", "--payments", str(other))

    assert code == 0
    assert err == (
        "2023-09 reconciled: 1 payment agrees with the finance system\n"
        "2023-09 is open (not closed)\n"
        "next: svdiversion close --month 2023-09\n"
    )


def test_cli_an_unreadable_export_row_stops_with_its_location(tmp_path: Path) -> None:
    root = workspace(tmp_path, PAID.replace("£400.00", "£400,00"))

    code, out, err = invoke(root, "reconcile", "--month", "2023-09")

    assert (code, out) == (1, "")
    assert err == (
        "ledger/finance/payments.csv:2: E604 6 values, but the header has 5\n"
        "  2 | 30/09/2023,INV-1,PROVIDER,September delivery,£400,00\n"
        "  hint: check the quotes on this line (a value with a comma needs quotes), or add a "
        "skip_rows rule in config/finance-import.yaml if it is not a payment\n"
        "svdiversion: error: the finance inputs have problems; nothing was reconciled "
        "(1 problem)\n"
    )


def test_cli_commentary_problems_are_located(tmp_path: Path) -> None:
    commentary = """
        commentary:
          - {month: 2024-03, budget_line: delivery, text: Late invoice.}
          - {month: 2024-03, budget_line: delivery, text: Said twice.}
          - {month: 2024-03, budget_line: deliveries, text: Misspelt.}
    """
    code, _, err = invoke(
        workspace(tmp_path, PAID, commentary=commentary), "reconcile", "--month", "2024-03"
    )

    assert code == 1
    assert [line for line in err.splitlines() if not line.startswith(" ")] == [
        "ledger/commentary.yaml:3:5: E608 2024-03 delivery is explained twice (first on line 2)",
        "ledger/commentary.yaml:4:35: E201 unknown budget line 'deliveries'",
        # The commentary is part of the ledger now: check's problems stop reconcile first.
        "svdiversion: error: the ledger has 2 errors; no report made",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--month", "2023-13"), "'2023-13' is not a month; write it as YYYY-MM, e.g. 2024-09"),
        (("--month", "2023-09", "--payments", "nowhere.csv"), "nowhere.csv: E601 file not found"),
    ],
)
def test_cli_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    code, out, err = invoke(workspace(tmp_path, PAID), "reconcile", *args)

    assert (code, out) == (2, "")
    assert message in err


def test_cli_without_a_mapping_exits_2(tmp_path: Path) -> None:
    root = make_workspace(tmp_path / "ws")

    code, _, err = invoke(root, "reconcile", "--month", "2023-09")

    assert code == 2
    assert err.splitlines()[0] == "config/finance-import.yaml: E001 file not found"


def test_cli_without_any_export_says_so_and_reconciles_the_ledger_alone(tmp_path: Path) -> None:
    root = workspace(tmp_path, PAID)
    (root / "ledger/finance/payments.csv").unlink()

    code, out, err = invoke(root, "reconcile", "--month", "2023-09", "--format", "json")

    assert code == 1, "the ledger's payment is in the ledger only"
    assert json.loads(out)["counts"]["ledger_only"] == 1
    assert err.splitlines()[0] == (
        "no finance export yet: ledger/finance/*.csv matches no file; save the finance "
        "system's payments export there, or pass --payments FILE"
    )


def test_close_without_any_export_exits_2(tmp_path: Path) -> None:
    root = workspace(tmp_path, PAID)
    (root / "ledger/finance/payments.csv").unlink()

    code, _, err = invoke(root, "close", "--month", "2023-09", "--by", "A")

    assert code == 2
    assert err == (
        "svdiversion: error: no finance export found: ledger/finance/*.csv matches no file\n"
        "  hint: save the finance system's payments export in ledger/finance/, or pass "
        "--payments FILE\n"
    )


def test_a_later_variation_does_not_change_a_month_already_past(tmp_path: Path) -> None:
    variation = """
        variations:
          - id: V1
            decision: D1
            reference: TEST/V/1
            approved: 2024-04-10
            reason: March delivery reduced after the year end
            total_change: -100.00
            line_changes:
              - {line: delivery, amount_change: -100.00}
            tranche_changes:
              - {tranche: T2, amount_change: -100.00}
    """
    root = workspace(tmp_path, PAID)
    (root / "ledger/contract.d").mkdir()
    (root / "ledger/contract.d/v1.yaml").write_text(inline(variation))
    march = reconciled(root, "2024-03")
    delivery = next(line for line in march.lines if line.budget_line == "delivery")
    assert delivery.month.profile == 40000  # as planned at the end of March
    april = reconciled(root, "2024-04")
    delivery = next(line for line in april.lines if line.budget_line == "delivery")
    assert delivery.year_to_date.profile == 0  # March is in the previous financial year


def test_a_payment_two_exports_list_is_one_payment(tmp_path: Path) -> None:
    root = workspace(tmp_path, PAID)
    (root / "ledger/finance/payments-later.csv").write_text(f"{HEADER}\n{PAID}\n", "utf-8")

    rec = reconciled(root, "2023-09")

    assert statuses(rec) == [("matched", "INV-1", 40000, 40000, "")]
    assert rec.matches[0].finance[0].where == (  # in file name order
        ("ledger/finance/payments-later.csv", 2),
        ("ledger/finance/payments.csv", 2),
    )
    assert (rec.ledger_cash, rec.finance_cash) == (40000, 40000)


def test_a_payment_listed_twice_in_one_export_and_once_in_another(tmp_path: Path) -> None:
    """Within one export a second row is a second payment (paid twice?); the other
    export's row is the same payment as the first."""
    root = workspace(tmp_path, PAID, PAID)
    (root / "ledger/finance/payments-later.csv").write_text(f"{HEADER}\n{PAID}\n", "utf-8")

    rec = reconciled(root, "2023-09")

    assert [m.status.value for m in rec.matches] == ["matched", "finance_only"]
    assert rec.finance_cash == 80000


def test_rows_a_rule_with_a_reason_leaves_out_are_counted_under_it(tmp_path: Path) -> None:
    root = workspace(
        tmp_path,
        PAID,
        "30/09/2023,VAT-Q2,HMRC,VAT Q2,£80.00",
        "30/09/2023,VAT-Q3,HMRC,VAT Q3,£20.00",
    )
    config = root / "config/finance-import.yaml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "    description: Description\n",
            "    description: Description\n"
            "  skip_rows:\n"
            "    when: [{column: Supplier, matches: '^HMRC$', reason: VAT paid to HMRC}]\n",
        ),
        encoding="utf-8",
    )

    code, out, _ = invoke(root, "reconcile", "--month", "2023-09", "--format", "json")

    assert code == 0
    assert json.loads(out)["sources"][0]["excluded"] == [{"reason": "VAT paid to HMRC", "rows": 2}]
    assert json.loads(out)["sources"][0]["skipped_rows"] == 0
    _, out, _ = invoke(root, "reconcile", "--month", "2023-09")
    assert "left out by the mapping: 0 rows of other cost centres, 0 blank or total, 2 " in out
    assert "excluded as 'VAT paid to HMRC'" in out
