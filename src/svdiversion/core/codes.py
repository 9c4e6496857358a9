"""Every problem code any command emits, each a constant with a one-line summary.

A problem's code is stable: users look it up in ``docs/checks.md``, CI systems key on it.
So a code is written once, here, and used as ``Code.E401`` where it is emitted::

    Problem(path, line, column, Code.E401, "a refund must be negative, got £200.00", hint)

``Code`` is a ``StrEnum``: a member *is* its text (``Code.E401 == "E401"``), so a problem
prints, sorts and serialises as before. ``check`` emits the :data:`CHECK_CODES` (and JUnit
output has one test case for each); reading the finance system's exports and the
commentary (``reconcile``, ``close``) adds the :data:`RECONCILE_CODES`. A test keeps this
list, the tables of ``docs/checks.md``, the codes emitted in ``src/`` and the bad-input
corpora (``tests/corpus/``, ``tests/corpus_reconcile/``) in step.
"""

from __future__ import annotations

from enum import StrEnum


class Code(StrEnum):
    """A problem code: ``E...`` an error, ``W...`` a warning."""

    summary: str

    def __new__(cls, code: str, summary: str) -> Code:
        member = str.__new__(cls, code)
        member._value_ = code
        member.summary = summary
        return member

    # Reading the files
    E001 = "E001", "A required file is missing"
    E002 = "E002", "A file cannot be read or is not UTF-8"
    E003 = "E003", "YAML syntax error"
    E004 = "E004", "Duplicate key in a YAML mapping"
    E005 = "E005", "YAML anchors and aliases over the limit, or merge keys"
    E006 = "E006", "Malformed CSV row (wrong number of values, bad quoting)"
    E007 = "E007", "Missing CSV column, or no header"
    E008 = "E008", "Unknown or repeated CSV column"
    E009 = "E009", "CSV columns out of the documented order"
    E010 = "E010", "A column that looks like personal data"
    # Values in the CSV files
    E101 = "E101", "A value of the wrong type or format"
    E102 = "E102", "A date not written as YYYY-MM-DD, or not a real date"
    E103 = "E103", "An amount that is not plain pounds with at most two decimals"
    E107 = "E107", "Duplicate id"
    E108 = "E108", "A cyp_ref that does not match the configured pseudonym pattern"
    # Values in the YAML files
    E110 = "E110", "A YAML value of the wrong type or format"
    E111 = "E111", "Unknown key in a YAML file"
    E112 = "E112", "Missing key in a YAML file"
    E113 = "E113", "The outcome framework is defined more than once"
    # References between files
    E201 = "E201", "Unknown budget line"
    E202 = "E202", "Unknown area"
    E203 = "E203", "Unknown outcome measure"
    E204 = "E204", "Unknown tranche"
    E205 = "E205", "An area used outside the dates it is valid for"
    E206 = "E206", "Unknown decision"
    E207 = "E207", "Unknown workshop kind, referral source or coded value"
    E208 = "E208", "A variation changes an allocation that is not recorded"
    E209 = "E209", "A ledger/sources.csv row for a transaction the ledger does not have"
    # Dates
    E301 = "E301", "A date outside the contract period"
    E302 = "E302", "A date after the as-of date"
    E303 = "E303", "Episode dates out of order"
    E304 = "E304", "A completed or disengaged episode with no end date"
    E305 = "E305", "An outcome recorded on an episode that never engaged"
    E306 = "E306", "Age at referral outside the eligible range"
    E307 = "E307", "An episode status that does not match its dates"
    E308 = "E308", "A period that ends before it starts"
    # Money
    E401 = "E401", "Amount sign does not match the transaction kind"
    E402 = "E402", "Spend above a budget line"
    E403 = "E403", "Budget lines do not sum to the decision total"
    E404 = "E404", "Tranches do not sum to their budget line"
    E405 = "E405", "Allocations above their budget line"
    E406 = "E406", "A variation takes a tranche or allocation below zero"
    # Closed months and shares
    E501 = "E501", "A closed month's transaction rows changed since it was closed"
    E502 = (
        "E502",
        "ledger/closes.yaml malformed, or a record that does not follow from the ones before",
    )
    E503 = "E503", "ledger/shares.yaml malformed, or a record out of time order"
    # The finance system's exports (reconcile, close and import) and the commentary (check too)
    E601 = "E601", "A finance export cannot be found or read"
    E602 = "E602", "A finance export is not in the mapping's encoding"
    E603 = "E603", "A finance export's header lacks a mapped column, or names one twice"
    E604 = "E604", "Malformed finance export row (wrong number of values, bad quoting)"
    E605 = "E605", "A finance export date not in the mapping's date format"
    E606 = "E606", "A finance export amount that cannot be read"
    E607 = "E607", "A debit/credit pair with both or neither holding an amount"
    E608 = "E608", "A month and budget line explained twice in ledger/commentary.yaml"
    E609 = "E609", "A finance export payment no import rule places on a budget line"
    # The treasurer's forecast
    E701 = "E701", "A treasurer's forecast for a budget line the contract does not define"
    E702 = "E702", "A treasurer's forecast month outside the contract, or before its from month"
    # Warnings
    W301 = "W301", "A child with more than one engaged episode"
    W401 = "W401", "Spend above an area allocation"
    W402 = "W402", "Allocations of a delivery line do not cover its budget"
    W403 = "W403", "Free text that looks like personal data"
    W404 = "W404", "Spend in an area with no allocation of its line in force on the date"
    W405 = "W405", "Ledger text a spreadsheet would run as a formula"
    W601 = "W601", "A finance export of which the mapping's keep_rows keeps no row"
    W602 = "W602", "A finance export row of another month that cannot be read"
    W603 = "W603", "Finance export text that would run as a formula, imported made inert"
    W604 = "W604", "A workbook amount cell read as the whole pence nearest (opt-in)"
    W605 = "W605", "A payment for an earlier month: an accrual and its reversal proposed"


RECONCILE_CODES: tuple[Code, ...] = tuple(
    code for code in Code if code[1] == "6" and code is not Code.E608
)
"""Emitted only where the finance inputs are read (``reconcile``, ``close``, ``import``).
``E608`` (commentary explaining a month and line twice) is ``check``'s too, since
``check`` reads ``ledger/commentary.yaml``."""

CHECK_CODES: tuple[Code, ...] = tuple(code for code in Code if code not in RECONCILE_CODES)
"""Every code ``check`` can emit, in order: JUnit output has one test case for each."""
