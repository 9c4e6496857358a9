"""The commented ``config/finance-import.yaml`` a new workspace starts with.

It reads as it is (``reconcile`` and ``import`` load it without error) and says, in
comments, what to set once the finance system's first payments export is saved in
``ledger/finance/``.
"""

from __future__ import annotations


def finance_import_yaml(line_id: str) -> str:
    """The template, with the new decision's delivery line as the rules' example."""
    return f"""\
# How to read the finance system's payments export, how 'svdiversion import' turns its
# payments into ledger rows, and how 'svdiversion reconcile' matches it with the ledger.
# Every key is explained in docs/reconcile.md. The export is read as the finance system
# writes it: do not tidy it by hand. TO CONFIRM: set the values below from your export.

payments:
  # The exports read when no --payments / --file is given: save each one here.
  files: ledger/finance/*.csv
  # utf-8, utf-8-sig or windows-1252 (a "CSV" saved by Excel on Windows).
  encoding: utf-8
  delimiter: ","
  # The line holding the column names (title lines above it are left out).
  header_line: 1
  # Column names as the header writes them (case and spacing are ignored). Instead of
  # amount, name a debit and a credit column. Optional: account, cost_centre, area.
  columns:
    date: Payment Date
    amount: Amount
    reference: Reference
    supplier: Supplier Name
    description: Description
  date_format: "%d/%m/%Y"
  amounts:
    currency_symbol: "£"
    thousands_separator: ","
    decimal_point: "."
    negate: false
  # Only rows of this service's cost centre are compared and imported, for example
  # (values, prefixes or a pattern; a row matching any of them is kept):
  # keep_rows:
  #   column: Cost Centre
  #   values: [PF4410]
  #   prefixes: [PF44]
  skip_rows:
    blank: true
    when:
      - column: Payment Date
        matches: "^(Total|Report total)"

import:
  # The first rule that matches a payment places it on a budget line: a field
  # (counterparty, description, account, cost_centre or reference) equal to a value,
  # starting with a prefix, or matching a pattern. A payment no rule places is a problem
  # (E609) asking for a rule. Without an area column, a payment is split across areas
  # by the line's allocations on its date. For example:
  #   - field: counterparty
  #     equals: PROVIDER NAME LTD
  #     budget_line: {line_id}
  rules: []

reconcile:
  date_window_days: 5
  no_reference: ["-", "N/A", "NONE", "TBC"]
  explain_variances_above:
    fraction: 0.05
    amount: 1000.00
"""
