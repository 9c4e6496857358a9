"""``config/finance-import.yaml``: how to read the finance system's payments export, and
how ``reconcile`` matches it with the ledger. Shapes only; ``importer`` reads the export
and ``reconcile`` applies the rules."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from ..core.codes import Code
from ..core.models import Frozen, Money, Share
from ..core.problems import Problem
from ..load.patterns import search, unsupported
from ..load.yamldoc import read_yaml, shape_problems
from .mapping_words import in_words

FINANCE_IMPORT = "config/finance-import.yaml"
DOCS = "docs/reconcile.md"

ColumnName = Annotated[str, StringConstraints(min_length=1, max_length=100)]


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {exc}") from None
    reason = unsupported(value)
    if reason is not None:
        raise ValueError(
            f"not a regular expression: {reason}; patterns are run in linear time (RE2), "
            "without look-ahead, look-behind or back-references"
        )
    return value


Pattern = Annotated[
    str, StringConstraints(min_length=1, max_length=1000), AfterValidator(_compiles)
]
"""A regular expression, searched in a value in linear time (see :mod:`.patterns`)."""


class Columns(Frozen):
    """Names of the export's columns, as its header writes them (case is ignored)."""

    date: ColumnName
    reference: ColumnName
    amount: ColumnName | None = None
    debit: ColumnName | None = None
    credit: ColumnName | None = None
    supplier: ColumnName | None = None
    description: ColumnName | None = None
    account: ColumnName | None = None
    cost_centre: ColumnName | None = None
    area: ColumnName | None = None
    payment_number: ColumnName | None = None
    vat: ColumnName | None = None
    """The VAT included in each row's amount (the amount is what was paid, gross)."""

    @model_validator(mode="after")
    def _one_amount(self) -> Columns:
        pair = self.debit is not None, self.credit is not None
        if self.amount is None and pair != (True, True):
            raise ValueError("name an amount column, or both a debit and a credit column")
        if self.amount is not None and pair != (False, False):
            raise ValueError("name an amount column or a debit/credit pair, not both")
        return self


class AmountStyle(Frozen):
    """How amounts are written. A minus sign, parentheses ``(1,234.50)`` or a trailing minus
    ``1,234.50-`` all mean negative; ``negate`` flips the sign for systems that write
    payments as negative numbers."""

    currency_symbol: str = "£"
    thousands_separator: Literal[",", ".", " ", ""] = ","
    decimal_point: Literal[".", ","] = "."
    negate: bool = False
    # a workbook's amount cell stored with binary noise (25950.4300000001) read as the
    # whole pence within half a penny of it, each cell listed (W604); off: E606
    round_workbook_amounts: bool = False
    # with a vat column: "recoverable" (the service reclaims it, so the ledger holds the
    # amount net of VAT) or "cost" (it cannot, so the ledger holds the gross amount)
    vat: Literal["recoverable", "cost"] = "recoverable"

    @model_validator(mode="after")
    def _distinct(self) -> AmountStyle:
        if self.thousands_separator == self.decimal_point:
            raise ValueError("the thousands separator and the decimal point must differ")
        return self


class RowPattern(Frozen):
    """Rows whose ``column`` matches the regular expression ``matches``; ``reason`` says
    why they are not this service's payments (VAT paid to HMRC, another service's
    invoice keyed to this cost centre), and the rows it leaves out are counted under it."""

    column: ColumnName
    matches: Pattern
    reason: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None


class SkipRows(Frozen):
    """Rows that are not payments: blank lines, the totals row, a report footer."""

    blank: bool = True
    when: tuple[RowPattern, ...] = ()


class KeepRows(Frozen):
    """Only rows whose ``column`` holds one of ``values``, starts with one of ``prefixes``
    (both ignoring case and spacing) or matches ``pattern`` (a regular expression searched
    in the value) are this service's payments."""

    column: ColumnName
    values: tuple[Annotated[str, StringConstraints(min_length=1)], ...] = ()
    prefixes: tuple[Annotated[str, StringConstraints(min_length=1)], ...] = ()
    pattern: Pattern | None = None

    @model_validator(mode="after")
    def _some_test(self) -> KeepRows:
        if not (self.values or self.prefixes or self.pattern):
            raise ValueError("give values, prefixes or a pattern for the rows to keep")
        return self

    def keeps(self, value: str) -> bool:
        """Whether a row whose ``column`` holds ``value`` is this service's."""
        key = normal(value)
        return (
            any(key == normal(v) for v in self.values)
            or any(key.startswith(normal(p)) for p in self.prefixes)
            or (self.pattern is not None and search(self.pattern, value))
        )


def normal(value: str) -> str:
    """A value as the mapping compares it: case and spacing ignored."""
    return " ".join(value.split()).casefold()


class PaymentsMapping(Frozen):
    files: str = "ledger/finance/*.csv"
    encoding: Literal["utf-8", "utf-8-sig", "windows-1252"] = "utf-8"
    delimiter: Literal[",", ";", "\t", "|"] = ","
    header_line: Annotated[int, Field(ge=1)] = 1
    sheet: ColumnName | None = None
    date_format: str = "%d/%m/%Y"
    columns: Columns
    amounts: AmountStyle = AmountStyle()
    keep_rows: KeepRows | None = None
    skip_rows: SkipRows = SkipRows()

    def mapped_columns(self) -> list[str]:
        """Every column the mapping names, once each, in the order it names them."""
        columns = self.columns
        names = [
            columns.date,
            columns.reference,
            *(
                name
                for name in (
                    columns.amount,
                    columns.debit,
                    columns.credit,
                    columns.supplier,
                    columns.description,
                    columns.account,
                    columns.cost_centre,
                    columns.area,
                    columns.payment_number,
                    columns.vat,
                )
                if name
            ),
        ]
        if self.keep_rows:
            names.append(self.keep_rows.column)
        names += [rule.column for rule in self.skip_rows.when]
        return list(dict.fromkeys(names))

    @field_validator("files")
    @classmethod
    def _inside_workspace(cls, value: str) -> str:
        path = PurePosixPath(value)
        if path.is_absolute() or ".." in path.parts:
            raise ValueError("give a pattern inside the workspace, such as ledger/finance/*.csv")
        return value

    @field_validator("date_format")
    @classmethod
    def _date_format(cls, value: str) -> str:
        sample = date(2024, 9, 30)
        try:
            if datetime.strptime(sample.strftime(value), value).date() != sample:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"{value!r} is not a date format with day, month and year, such as %d/%m/%Y"
            ) from None
        return value


class VarianceRule(Frozen):
    """A month's variance on a budget line needs an explanation in ledger/commentary.yaml
    when it is above both ``fraction`` of the line's profile and ``amount`` pounds (a line
    with no profile: above ``amount``)."""

    fraction: Share = Decimal("0.05")
    amount: Annotated[Money, Field(ge=0)] = Decimal("1000.00")


class ReconcileRules(Frozen):
    """How ``reconcile`` matches payments and which variances need an explanation."""

    date_window_days: Annotated[int, Field(ge=0, le=31)] = 5
    no_reference: tuple[str, ...] = ("-", "N/A", "NONE", "TBC")
    explain_variances_above: VarianceRule = VarianceRule()


MatchField = Literal["counterparty", "description", "account", "cost_centre", "reference"]


class LineRule(Frozen):
    """``import`` places a payment on ``budget_line`` when its ``field`` (the export's
    supplier, description, account, cost centre or reference column) equals ``equals``,
    starts with ``prefix`` (both ignoring case and spacing) or matches ``pattern``.
    ``counterparty`` is what the ledger rows say (default: the export's supplier); ``area``
    the one area its payments are for (default: the export's area column, else the
    line's allocations); ``kind`` what a negative amount it places is: a ``refund``
    (money coming back, the default) or a ``reversal`` (a voided or cancelled payment
    taken back out). A positive amount is always a payment."""

    field: MatchField
    equals: Annotated[str, StringConstraints(min_length=1)] | None = None
    prefix: Annotated[str, StringConstraints(min_length=1)] | None = None
    pattern: Pattern | None = None
    budget_line: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    counterparty: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    area: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    kind: Literal["refund", "reversal"] = "refund"

    @model_validator(mode="after")
    def _one_test(self) -> LineRule:
        given = [name for name in ("equals", "prefix", "pattern") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("give exactly one of equals, prefix or pattern")
        return self


class ImportRules(Frozen):
    """How ``import`` turns the export's payments into ledger rows: the first rule that
    matches a payment places it; ``areas`` maps the values of the export's area column
    (a cost centre code, say) to area ids (a value not listed is taken as an area id)."""

    rules: tuple[LineRule, ...] = ()
    areas: dict[str, Annotated[str, StringConstraints(min_length=1, max_length=64)]] = Field(
        default_factory=dict
    )


class Layout(PaymentsMapping):
    """A further export layout (another finance system, or the same one saved another
    way), named, for the files its ``files`` pattern matches."""

    name: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class FinanceConfig(Frozen):
    """``config/finance-import.yaml``: how to read the export, how to import it into the
    ledger, and how to reconcile. ``payments`` is the layout of the exports its ``files``
    pattern matches; each of ``layouts`` reads the files its own pattern matches, the
    first that matches a file taking it (before ``payments``)."""

    payments: PaymentsMapping
    layouts: tuple[Layout, ...] = ()
    reconcile: ReconcileRules = ReconcileRules()
    import_: ImportRules = Field(default=ImportRules(), alias="import")

    def mapping_for(self, display: str) -> PaymentsMapping:
        """The layout that reads the export at ``display`` (its workspace-relative path):
        the first named layout whose pattern matches it, else ``payments``."""
        path = PurePosixPath(display)
        for layout in self.layouts:
            if path.match(layout.files) or fnmatch(display, layout.files):
                return layout
        return self.payments

    @property
    def patterns(self) -> str:
        """Every layout's files pattern, for a message that says where exports go."""
        return ", ".join([self.payments.files, *(layout.files for layout in self.layouts)])


def load_config(
    root: Path, budget_lines: set[str] | None = None
) -> tuple[FinanceConfig | None, list[Problem]]:
    """The mapping, or ``None`` and located problems (E001 when the file is missing).
    Given the ledger's ``budget_lines``, an import rule naming another line is E201."""
    doc, problems = read_yaml(root / FINANCE_IMPORT, FINANCE_IMPORT)
    if doc is None:
        return None, [
            replace(
                p,
                hint=f"create {FINANCE_IMPORT}: it says how to read the finance "
                f"system's export (see {DOCS})",
            )
            if p.code == Code.E001
            else p
            for p in problems
        ]
    if problems:
        return None, problems
    try:
        config = FinanceConfig.model_validate(doc.data)
    except ValidationError as exc:
        return None, [
            replace(in_words(p), hint=f"correct the mapping (see {DOCS})")
            for p in shape_problems(doc, exc)
        ]
    if budget_lines is None:
        return config, []
    unknown = [
        doc.problem(
            ("import", "rules", index, "budget_line"),
            Code.E201,
            f"unknown budget line {rule.budget_line!r}",
            "use a line id of ledger/contract.yaml: " + ", ".join(sorted(budget_lines)),
        )
        for index, rule in enumerate(config.import_.rules)
        if rule.budget_line not in budget_lines
    ]
    return (None, unknown) if unknown else (config, [])


def export_files(root: Path, config: FinanceConfig) -> list[Path]:
    """The exports ``reconcile`` reads when no ``--payments`` file is given: every file a
    layout's pattern matches, once each."""
    patterns = [config.payments.files, *(layout.files for layout in config.layouts)]
    found = {path for pattern in patterns for path in root.glob(pattern) if path.is_file()}
    return sorted(found)
