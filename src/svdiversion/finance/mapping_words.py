"""What to write for each key of ``config/finance-import.yaml``, so that a value the mapping
cannot use is reported in the treasurer's words, never pydantic's ("Input should be...",
a class name or a regular expression of a constrained type)."""

from __future__ import annotations

from dataclasses import replace

from ..core.codes import Code
from ..core.problems import Problem
from ..load.commentary import PYDANTIC_WORDS

WORDS = (
    *PYDANTIC_WORDS,
    *("instance of", "valid dictionary", "valid tuple", "valid string"),
    "must be ",  # the loader's own wording (load/yamldoc.py): say what to write instead
)

COLUMN = "the column's name as the export's header writes it, such as Payment Date"
A_MAPPING = "a mapping of keys, each 'key: value' on its own line (see docs/reconcile.md)"

WRITE = {
    "payments": A_MAPPING,
    "files": "a pattern inside the workspace, such as ledger/finance/*.csv",
    "encoding": "utf-8, utf-8-sig or windows-1252 (a UTF-16 export is known by itself)",
    "delimiter": 'the character between values, in quotes: ",", ";", "|" or "\\t" (a tab)',
    "header_line": "the number of the line with the column names, 1 or more, such as 3",
    "sheet": "the name of the workbook's sheet with the payments, such as Payments",
    "date_format": "a date format with day, month and year, such as %d/%m/%Y",
    "columns": A_MAPPING,
    "column": COLUMN,
    "amounts": A_MAPPING,
    "currency_symbol": 'the symbol the amounts carry, in quotes, such as "£" ("" for none)',
    "thousands_separator": 'the thousands separator, in quotes: ",", ".", " " or "" (none)',
    "decimal_point": 'the decimal point, in quotes: "." or ","',
    "negate": "true or false",
    "blank": "true or false",
    "keep_rows": "column: NAME and values, prefixes or a pattern, such as values: [PF4410]",
    "values": "a list of values, such as [PF4410]",
    "prefixes": "a list of prefixes, such as [PF44]",
    "pattern": 'a regular expression, in quotes, such as "^PF44"',
    "matches": 'a regular expression, in quotes, such as "^(Total|Report total)"',
    "skip_rows": "blank: true or false, and when: a list of rules",
    "reason": "why these rows are not this service's payments, such as VAT paid to HMRC",
    "when": "a list of rules, each '- column: NAME' with 'matches: PATTERN'",
    "reconcile": A_MAPPING,
    "date_window_days": "a whole number of days from 0 to 31, such as 5",
    "no_reference": 'a list of references that mean none, such as ["-", "N/A"]',
    "explain_variances_above": "fraction: and amount:, such as fraction: 0.05",
    "fraction": "a fraction from 0 to 1, such as 0.05",
    "import": "rules: (a list) and areas: (a mapping)",
    "rules": "a list of rules, each starting '- field:'",
    "field": "counterparty, description, account, cost_centre or reference",
    "equals": "the text to match, such as THE CHILDRENS SOCIETY",
    "prefix": "the start of the text to match, such as UNI-PO-",
    "budget_line": "the id of a budget line of the contract, such as evaluation",
    "counterparty": "what the ledger rows say, in 1 to 200 characters",
    "areas": "a mapping of the export's values to area ids, such as {PF4410-H: herefordshire}",
    "layouts": "a list of export layouts, each '- name: NAME' with files: and the keys "
    "payments: takes (columns:, date_format: ...)",
    "name": "the layout's name, in 1 to 64 characters, such as unit4",
}
COLUMN_KEYS = frozenset(
    {"date", "reference", "amount", "debit", "credit", "supplier", "description", "account"}
    | {"cost_centre", "area"}
)


def in_words(problem: Problem) -> Problem:
    """``problem`` (a value the mapping cannot use) saying what to write instead."""
    if problem.code != Code.E110:
        return problem
    where, _, said = problem.message.partition(": ")
    what = _what(where.split("."))
    if said.startswith("not a regular expression: "):
        reason = said.removeprefix("not a regular expression: ")
        return replace(
            problem, message=f"{where}: not a regular expression ({reason}): write {what}"
        )
    if not any(words in said for words in WORDS):
        return problem
    return replace(problem, message=f"{where}: write {what}")


def _what(parts: list[str]) -> str:
    if len(parts) >= 2 and parts[-2] == "columns" and parts[-1] in COLUMN_KEYS:
        return COLUMN
    if parts[-1] == "amount" and "explain_variances_above" in parts:
        return "plain pounds, 0 or more, such as 1000.00"
    if len(parts) >= 2 and parts[-2] == "areas" and parts[0] == "import":
        return "an area id, such as herefordshire"
    if parts[-1] == "area" and "rules" in parts:
        return "an area id, such as herefordshire, for every payment the rule places"
    if parts[-1] == "kind" and "rules" in parts:
        return (
            "refund (money coming back) or reversal (a voided payment taken back out): "
            "what a negative amount the rule places is"
        )
    named = next((part for part in reversed(parts) if part in WRITE), "payments")
    return WRITE[named]
