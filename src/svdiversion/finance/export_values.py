"""The date and amount of one row of a finance export, read as the mapping says, or the
located problems that stop them reading (E605, E606, E607). Used by :mod:`.importer`,
which knows where the row and its values are; nothing here knows about files.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from ..core.codes import Code
from ..core.money import Pence
from ..core.problems import Problem
from .export_text import dash_as_zero, human_date_format, parse_amount
from .mapping import FINANCE_IMPORT, PaymentsMapping

Value = Callable[[str], str]
"""The text of the row's value in a column, by the column's name."""
Locate = Callable[[str, str, str, str], Problem]
"""A problem of the row at a column: (column, code, message, hint) -> Problem."""


class RowValues:
    """One row's date and amount; ``problems`` holds what stopped either reading."""

    def __init__(self, mapping: PaymentsMapping, value: Value, problem: Locate) -> None:
        self.mapping = mapping
        self.value = value
        self.problem = problem
        self.problems: list[Problem] = []

    def date(self) -> date | None:
        column = self.mapping.columns.date
        text = self.value(column).strip()
        pattern = self.mapping.date_format
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            human = human_date_format(pattern)
            shown = repr(text) if text else "an empty value"
            self.problems.append(
                self.problem(
                    column,
                    Code.E605,
                    f"{column}: {shown} is not a date written {human}",
                    f"the mapping reads dates as {human} (date_format: {pattern!r} in "
                    f"{FINANCE_IMPORT}); correct the value or the format",
                )
            )
            return None

    def amount(self) -> Pence | None:
        columns = self.mapping.columns
        if columns.amount:
            return self._parse(columns.amount)
        if not (columns.debit and columns.credit):  # Columns' validator: one of the two
            raise ValueError("the mapping names neither an amount nor a debit/credit pair")
        debit_text = dash_as_zero(self.value(columns.debit))
        credit_text = dash_as_zero(self.value(columns.credit))
        debit = self._parse(columns.debit, debit_text) if debit_text else 0
        credit = self._parse(columns.credit, credit_text) if credit_text else 0
        if debit is None or credit is None:
            return None
        if credit < 0:
            self._negative_credit(columns.credit, columns.debit, credit_text, -credit)
            return None
        if (debit_text or credit_text) and not (debit and credit):
            return debit - credit
        state = "both" if debit_text else "neither"
        self.problems.append(
            self.problem(
                columns.debit,
                Code.E607,
                f"{state} of {columns.debit!r} and {columns.credit!r} "
                f"{'have' if debit_text else 'has'} an amount",
                "a row has its amount in exactly one of the two columns",
            )
        )
        return None

    def vat(self) -> Pence | None:
        """The row's VAT (0 when the mapping names no vat column, or the cell is empty)."""
        column = self.mapping.columns.vat
        if not column:
            return 0
        text = dash_as_zero(self.value(column))
        return self._parse(column, text) if text else 0

    def _negative_credit(self, column: str, debit: str, text: str, pence: Pence) -> None:
        """A credit column holds money coming back, always written positive: a bracketed
        or signed credit could be a credit reversed (a payment) or a credit written the
        way an amount column writes one. Neither is guessed."""
        written = "a bracketed" if text.startswith("(") else "a negative"
        self.problems.append(
            self.problem(
                column,
                Code.E606,
                f"{column}: {written} amount in the credit column (got {text!r})",
                f"write money received as a positive amount in {column!r} "
                f"({pence // 100}.{pence % 100:02d}); if the row is a payment, write it in "
                f"{debit!r} instead",
            )
        )

    def _parse(self, column: str, text: str | None = None) -> Pence | None:
        text = self.value(column) if text is None else text
        try:
            return parse_amount(text, self.mapping.amounts)
        except ValueError as exc:
            style = self.mapping.amounts
            example = (
                f"{style.currency_symbol}1{style.thousands_separator}234{style.decimal_point}50"
            )
            self.problems.append(
                self.problem(
                    column,
                    Code.E606,
                    f"{column}: {exc} (got {text.strip()!r})",
                    f"amounts are read like {example}, -{example} or ({example}) "
                    f"(amounts: in {FINANCE_IMPORT})",
                )
            )
            return None
