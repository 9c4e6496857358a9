"""The finance system's payments export, read as the finance system writes it.

Real exports are messy: a title row or two above the column names, UK dates, amounts
such as ``£1,234.50`` or ``(1,234.50)``, Windows-1252 text, other services' payments,
a totals row at the end. A mapping (``config/finance-import.yaml``, in the spirit of
hledger's CSV rules) says how to read one:

* ``header_line``: the line holding the column names (the lines above are titles);
* ``columns``: which columns hold the date, amount (or a debit/credit pair), reference,
  supplier and description, matched by name ignoring case;
* ``date_format``, ``amounts`` and ``encoding``: how values are written;
* ``keep_rows``: which rows are this service's (a cost-centre column, say);
* ``skip_rows``: which rows are not payments at all (blank lines, the totals row).

Every other row must read cleanly. A row that does not is a located problem (E6xx) with
the file, line, column, an excerpt and a fix, never a silent skip. Decoding the file and
reading one amount or date are in :mod:`.export_text`::

    config, problems = load_config(root)            # finance.mapping
    export, problems = read_export(path, "ledger/finance/payments-2024-25.csv", config.payments)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from ..core.codes import Code
from ..core.fiscal import Month
from ..core.problems import Problem
from ..load.excerpts import field_start
from ..load.limits import MAX_CSV_BYTES, refused
from ..load.patterns import search
from .export_rows import Export, Payment, file_digest
from .export_sheet import Records, is_workbook_name, read_sheet
from .export_text import decode
from .export_values import RowValues
from .mapping import FINANCE_IMPORT, PaymentsMapping, normal

__all__ = ["UNREADABLE_EXPORT_CODES", "Export", "Payment", "file_digest", "read_export"]

# Problems about the export itself: the file cannot be read at all, so the CLI exits 2.
UNREADABLE_EXPORT_CODES = frozenset({Code.E601, Code.E602})


def read_export(
    file: Path, display: str, mapping: PaymentsMapping, month: Month | None = None
) -> tuple[Export | None, list[Problem]]:
    """Read one export. Never raises for bad input: every problem is returned, located.
    Read for one ``month``, a row dated in another month that cannot be read is the
    warning W602 and the export is still returned, without that row."""
    over = refused(file, display, MAX_CSV_BYTES, "finance export")
    if over is not None:
        return None, [replace(over, code=Code.E601)]
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        return None, [
            Problem(display, 0, 0, Code.E601, "file not found", "check the path of the export")
        ]
    except OSError as exc:
        return None, [
            Problem(
                display, 0, 0, Code.E601, f"cannot read file: {exc.strerror}", "check permissions"
            )
        ]
    if is_workbook_name(file.name):
        records, found = read_sheet(data, display, mapping)
        if records is None:
            return None, found
        export, problems = _SheetReader(display, records, mapping, month).read()
        problems = found + problems
    else:
        text, problem = decode(data, display, mapping.encoding)
        if problem is not None:
            return None, [problem]
        export, problems = _ExportReader(display, text, mapping, month).read()
    return (replace(export, digest=file_digest(data)) if export else None), problems


_key = normal


class _ExportReader:
    """One pass over the records of one export, collecting payments and problems."""

    def __init__(
        self, display: str, text: str, mapping: PaymentsMapping, month: Month | None = None
    ) -> None:
        self.display = display
        self.mapping = mapping
        self.lines = text.split("\n")
        self.text = text
        self.problems: list[Problem] = []
        self.index: dict[str, int] = {}
        self.header_line = mapping.header_line
        self.kept = 0  # rows keep_rows keeps, read cleanly or not
        self.month = month
        self.row_months: dict[int, Month] = {}  # the month of each row whose date reads
        self.excluded: dict[str, int] = {}  # rows a skip_rows rule with a reason left out

    def read(self) -> tuple[Export | None, list[Problem]]:
        records = self._records()
        header = self._header(records)
        if header is None:
            return None, self.problems
        payments, other, skipped = self._body(records, len(header))
        if other and not self.kept:
            self._kept_nothing(other)
        if self.month is not None:
            self.problems = [self._elsewhere(p, self.month) for p in self.problems]
        if any(p.is_error for p in self.problems):
            return None, self.problems
        excluded = tuple(sorted(self.excluded.items()))
        skipped -= sum(self.excluded.values())
        return Export(self.display, tuple(payments), other, skipped, excluded=excluded), (
            self.problems
        )

    def _elsewhere(self, problem: Problem, month: Month) -> Problem:
        """A row dated in another month than the one being read for is W602: it is shown,
        located, but it does not stop ``month`` (a bad November row in a yearly export
        does not stop October reconciling). A row whose date does not read stays an error:
        it may be a row of ``month``."""
        row_month = self.row_months.get(problem.line)
        if not problem.is_error or row_month is None or row_month == month:
            return problem
        return replace(
            problem,
            code=Code.W602,
            message=f"a row of {row_month}, not {month}: {problem.code} {problem.message}",
        )

    def _kept_nothing(self, other: int) -> None:
        """W601: a mapping that keeps none of a file's rows is probably the wrong mapping
        (a cost centre renamed, a prefix mistyped), not a month without payments."""
        keep = self.mapping.keep_rows
        if keep is None:  # only keep_rows leaves rows out as other rows
            return
        rows = f"{other} row{'s' * (other != 1)}"
        self.problems.append(
            self._field_problem(
                self.header_line,
                keep.column,
                Code.W601,
                f"keep_rows keeps none of the {rows} of this export (by {keep.column!r})",
                f"set keep_rows: under payments: in {FINANCE_IMPORT} to this service's "
                f"{keep.column!r} values (values, prefixes or a pattern)",
            )
        )

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        """(first line, values) of every record; a CSV syntax error ends the file."""
        reader = csv.reader(
            io.StringIO(self.text, newline=""), delimiter=self.mapping.delimiter, strict=True
        )
        start = 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                hint = (
                    "check the quotes on this line: a value with a comma needs quotes, and a "
                    "quote inside a quoted value is doubled"
                )
                self.problems.append(
                    self._problem(start, 0, Code.E604, f"malformed CSV: {exc}", hint)
                )
                return
            yield start, record
            start = reader.line_num + 1

    # -------------------------------------------------------------------- header

    def _header(self, records: Iterator[tuple[int, list[str]]]) -> list[str] | None:
        wanted = self.mapping.header_line
        seen: list[tuple[int, list[str]]] = []
        for start, record in records:
            if start < wanted:
                seen.append((start, record))
                continue
            if start == wanted:
                return self._columns(start, record, records, seen)
            break
        self.problems.append(
            self._problem(
                wanted,
                0,
                Code.E603,
                f"no header on line {wanted}: the file ends before it",
                f"set header_line: under payments: in {FINANCE_IMPORT} to the line with the "
                "column names",
            )
        )
        return None

    def _columns(
        self,
        line: int,
        header: list[str],
        records: Iterator[tuple[int, list[str]]],
        seen: list[tuple[int, list[str]]],
    ) -> list[str] | None:
        names = [_key(name) for name in header]
        missing, doubled = [], []
        for name in self.mapping.mapped_columns():
            count = names.count(_key(name))
            if count == 0:
                missing.append(name)
            elif count > 1:
                doubled.append(name)
            else:
                self.index[_key(name)] = names.index(_key(name))
        if not missing and not doubled:
            self.header_line = line
            return header
        if missing:
            found = ", ".join(repr(n.strip()) for n in header if n.strip()) or "nothing"
            plural = "s" * (len(missing) > 1)
            message = (
                f"no column{plural} {', '.join(repr(m) for m in missing)} in the header on "
                f"line {line} (found {found})"
            )
            hint = self._header_hint(line, header, records, seen)
        else:
            message = f"the header names {', '.join(repr(d) for d in doubled)} more than once"
            hint = "export the file again, or map another column"
        self.problems.append(self._problem(line, 1, Code.E603, message, hint))
        return None

    def _header_hint(
        self,
        line: int,
        header: list[str],
        records: Iterator[tuple[int, list[str]]],
        seen: list[tuple[int, list[str]]],
    ) -> str:
        wanted = {_key(name) for name in self.mapping.mapped_columns()}
        nearby = [*seen, (line, header)]
        for start, record in records:
            nearby.append((start, record))
            if len(nearby) >= 30:
                break
        for start, record in nearby:
            if wanted <= {_key(value) for value in record}:
                return f"the column names are on line {start}: set header_line: {start}"
        return f"correct the column names under payments.columns in {FINANCE_IMPORT}"

    # ---------------------------------------------------------------------- body

    def _body(
        self, records: Iterator[tuple[int, list[str]]], width: int
    ) -> tuple[list[Payment], int, int]:
        payments: list[Payment] = []
        other = skipped = 0
        keep = self.mapping.keep_rows
        for line, record in records:
            if self._skipped(line, record):
                skipped += 1
                continue
            if len(record) > width and not any(v.strip() for v in record[width:]):
                record = record[:width]
            if len(record) != width:
                self.problems.append(
                    self._problem(
                        line,
                        0,
                        Code.E604,
                        f"{len(record)} values, but the header has {width}",
                        "check the quotes on this line (a value with a comma needs quotes), "
                        f"or add a skip_rows rule in {FINANCE_IMPORT} if it is not a payment",
                    )
                )
                continue
            if keep and not keep.keeps(self._value(record, keep.column)):
                other += 1
                continue
            self.kept += 1
            payment = self._payment(line, record)
            if payment is not None:
                payments.append(payment)
        return payments, other, skipped

    def _skipped(self, line: int, record: list[str]) -> bool:
        rules = self.mapping.skip_rows
        if not any(value.strip() for value in record):
            if rules.blank:
                return True
            self.problems.append(
                self._problem(
                    line,
                    0,
                    Code.E604,
                    "a blank row",
                    f"remove it, or set skip_rows: blank: true in {FINANCE_IMPORT}",
                )
            )
            return True
        for rule in rules.when:
            if search(rule.matches, self._value(record, rule.column)):
                if rule.reason:  # excluded for a stated reason: counted under it
                    self.excluded[rule.reason] = self.excluded.get(rule.reason, 0) + 1
                return True
        return False

    def _value(self, record: list[str], column: str) -> str:
        position = self.index[_key(column)]
        return record[position] if position < len(record) else ""

    def _payment(self, line: int, record: list[str]) -> Payment | None:
        columns = self.mapping.columns
        values = RowValues(
            self.mapping,
            lambda column: self._value(record, column),
            lambda column, code, message, hint: self._field_problem(
                line, column, code, message, hint
            ),
        )
        day, gross, vat = values.date(), values.amount(), values.vat()
        self.problems += values.problems
        if day is not None:
            self.row_months[line] = Month.of(day)
        if day is None or gross is None or vat is None:
            return None
        amounts = self.mapping.amounts
        if amounts.negate:
            gross, vat = -gross, -vat
        recoverable = amounts.vat == "recoverable"
        return Payment(
            self.display,
            line,
            day,
            gross - vat if recoverable else gross,
            self._value(record, columns.reference).strip(),
            self._optional(record, columns.supplier),
            self._optional(record, columns.description),
            self._optional(record, columns.account),
            self._optional(record, columns.cost_centre),
            self._optional(record, columns.area),
            self._optional(record, columns.payment_number),
            vat=vat,
            vat_recoverable=recoverable,
        )

    def _optional(self, record: list[str], column: str | None) -> str:
        return self._value(record, column).strip() if column else ""

    # ------------------------------------------------------------------ problems

    def _field_problem(self, line: int, column: str, code: str, message: str, hint: str) -> Problem:
        text = self._line(line)
        start = field_start(text, self.index[_key(column)] + 1, self.mapping.delimiter)
        return self._problem(line, start, code, message, hint)

    def _problem(self, line: int, column: int, code: str, message: str, hint: str) -> Problem:
        return Problem(self.display, line, column, code, message, hint, self._line(line))

    def _line(self, line: int) -> str:
        return self.lines[line - 1].rstrip("\r") if 0 < line <= len(self.lines) else ""


class _SheetReader(_ExportReader):
    """The rows of a workbook's sheet, already text (see :mod:`.export_sheet`). A problem
    is located at the row and the cell's column number, without an excerpt: the sheet
    has no line of text to show."""

    def __init__(
        self, display: str, records: Records, mapping: PaymentsMapping, month: Month | None
    ) -> None:
        super().__init__(display, "", mapping, month)
        self.sheet_records = records

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        yield from self.sheet_records

    def _field_problem(self, line: int, column: str, code: str, message: str, hint: str) -> Problem:
        if code == Code.E606 and "more than two decimal places" in message:
            hint = (
                "the workbook stores a number with more than two decimals in this cell (a "
                "sum or a division, kept as binary floating point): round it to pence in "
                "the workbook (=ROUND(...,2)), or set round_workbook_amounts: true under "
                f"amounts: in {FINANCE_IMPORT} to read it as the whole pence nearest, each "
                "such cell listed"
            )
        return self._problem(line, self.index[_key(column)] + 1, code, message, hint)

    def _line(self, line: int) -> str:
        return ""
