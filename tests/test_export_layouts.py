"""Several export layouts in one workspace: each file is read by the first named layout
whose pattern matches it, else by ``payments:`` (a service paid from two finance systems,
or a register saved one way one year and another the next)."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import run_cli

LAYOUT = """
layouts:
  - name: unit4
    files: ledger/finance/unit4-*.csv
    encoding: utf-8
    delimiter: "\\t"
    header_line: 1
    columns:
      date: Paid On
      amount: Net Amount
      reference: Invoice
      supplier: Supplier
      description: Narrative
    date_format: "%Y-%m-%d"
    amounts:
      currency_symbol: ""
      thousands_separator: ""
"""


def with_january_in_a_second_layout(root: Path) -> None:
    """January 2025's payment moves from the CSV register into a tab-separated file of
    another layout, whose name the default layout's pattern (*.csv) also matches."""
    register = root / "ledger/finance/payments-2024-25.csv"
    lines = register.read_bytes().splitlines(keepends=True)
    register.write_bytes(b"".join(line for line in lines if b"BACS250127-001" not in line))
    (root / "ledger/finance/unit4-2025-01.csv").write_text(
        "Paid On\tInvoice\tSupplier\tNarrative\tNet Amount\n"
        "2025-01-27\tTCS-INV-202501\tTHE CHILDRENS SOCIETY\tSteer Clear delivery January 2025"
        "\t25078.54\n",
        encoding="utf-8",
    )
    mapping = root / "config/finance-import.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8") + LAYOUT, encoding="utf-8")


def test_each_file_is_read_by_its_own_layout(shipped: Path) -> None:
    with_january_in_a_second_layout(shipped)
    code, out, err = run_cli(
        "-C", str(shipped), "reconcile", "--month", "2025-01", "--format", "json"
    )
    assert code == 0, err
    document = json.loads(out)
    matched = [p for p in document["payments"] if p["status"] == "matched"]
    assert [(f["path"], f["line"], f["amount"]) for p in matched for f in p["finance"]] == [
        ("ledger/finance/unit4-2025-01.csv", 2, "25078.54")
    ]


def test_import_reads_a_payment_from_the_second_layout(shipped: Path) -> None:
    with_january_in_a_second_layout(shipped)
    transactions = shipped / "ledger/transactions.csv"
    lines = transactions.read_bytes().splitlines(keepends=True)
    transactions.write_bytes(b"".join(line for line in lines if b",2025-01-27," not in line))
    code, out, err = run_cli("-C", str(shipped), "import", "--month", "2025-01", "--format", "csv")
    assert code == 0, err
    rows = out.splitlines()[1:]
    assert len(rows) == 5  # split over the five areas
    assert all(",2025-01-27,payment,provider_grant," in row for row in rows)
    assert all(row.endswith("unit4-2025-01.csv:2") for row in rows)


def test_a_layout_without_a_name_says_what_to_write(shipped: Path) -> None:
    mapping = shipped / "config/finance-import.yaml"
    mapping.write_text(
        mapping.read_text(encoding="utf-8")
        + LAYOUT.replace("  - name: unit4\n    files", "  - files"),
        encoding="utf-8",
    )
    code, _, err = run_cli("-C", str(shipped), "reconcile", "--month", "2025-01")
    assert code == 1
    assert "E112 missing key 'name' in layouts.0" in err
