"""Hostile finance exports cost bounded time and memory and get a clear message.

A workbook is compressed: its size on disk does not bound what reading it costs. A 1.7 KB
workbook can declare a cell at IV1048576 (openpyxl would make every empty cell of the
range), a 4.4 MB one can hold shared strings that inflate to 2 GB. Each is refused (E601,
exit 2) before a cell is read, by the limits of docs/reliability.md.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from helpers import make_workspace, run_cli
from svdiversion.finance import export_sheet
from svdiversion.finance.importer import read_export
from svdiversion.finance.mapping import PaymentsMapping

REPO = Path(__file__).resolve().parent.parent
NAME = "ledger/finance/payments.xlsx"
MAPPING = PaymentsMapping.model_validate(
    {"columns": {"date": "Date", "reference": "Reference", "amount": "Amount"}}
)
HEADER = ["Date", "Reference", "Amount"]


def book_with(tmp_path: Path, cells: dict[str, Any], rows: list[list[Any]] | None = None) -> Path:
    """A workbook of the rows given (a header and one payment by default) and cells set."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows or [HEADER, ["30/09/2023", "INV-1", 400]]:
        sheet.append(row)
    for ref, value in cells.items():
        sheet[ref] = value
    path = tmp_path / "payments.xlsx"
    book.save(path)
    return path


def messages(path: Path) -> list[str]:
    export, problems = read_export(path, NAME, MAPPING)
    assert export is None
    return [f"{p.code} {p.message}" for p in problems]


def test_one_cell_at_iv1048576_is_refused_from_the_declared_dimension(tmp_path: Path) -> None:
    path = book_with(tmp_path, {"IV1048576": 1})
    assert path.stat().st_size < 10_000

    assert messages(path) == [
        "E601 the sheet declares 1,048,576 rows and 256 columns; a sheet is read up to "
        "1,000,000 rows"
    ]


def test_a_sheet_declaring_too_many_cells_is_refused(tmp_path: Path) -> None:
    assert messages(book_with(tmp_path, {"Z300000": 1})) == [
        "E601 the sheet declares 300,000 rows and 26 columns; a sheet is read up to 5,000,000 cells"
    ]


def rewrite(path: Path, **changes: bytes) -> None:
    """The workbook with parts replaced or added (``xl_sharedStrings_xml`` for
    ``xl/sharedStrings.xml``: a part's name with its / and . written _)."""
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            parts[name] = archive.read(name)
    for key, data in changes.items():
        parts[key.replace("_xml", ".xml").replace("_", "/")] = data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def without_dimension(path: Path) -> None:
    """The workbook as a program that writes no <dimension> would save it."""
    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    rewrite(path, xl_worksheets_sheet1_xml=re.sub(rb"<dimension [^>]*/>", b"", sheet))


def shared_strings(size: int) -> bytes:
    """A shared strings part of about ``size`` bytes (openpyxl writes text inline, as some
    programs do; Excel keeps it here)."""
    item = b"<si><t>" + b"A" * 1000 + b"</t></si>"
    return (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + item * (size // len(item))
        + b"</sst>"
    )


def test_rows_beyond_the_limit_without_a_dimension_are_refused_not_cut(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_sheet, "MAX_SHEET_ROWS", 1_000)
    path = book_with(tmp_path, {"A5000": 1})
    without_dimension(path)

    assert messages(path) == ["E601 the sheet has more than 1,000 rows"]


@pytest.mark.slow  # a workbook of a million empty rows
def test_empty_rows_between_cells_cost_no_cell_each(tmp_path: Path) -> None:
    """Rows a sheet leaves out are blank rows, read as empty records however wide the
    sheet: 100,000 of them are skipped like blank lines of a CSV export."""
    path = book_with(tmp_path, {"A100000": "Report total"})
    without_dimension(path)

    export, problems = read_export(path, NAME, MAPPING)
    assert export is None
    # the 'Report total' row is not a date and has no amount: located at its row
    assert [(p.code, p.line) for p in problems] == [("E605", 100000), ("E606", 100000)]


def test_shared_strings_over_the_limit_are_refused_before_they_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_sheet, "MAX_SHARED_STRINGS_BYTES", 2**20)
    path = book_with(tmp_path, {})
    rewrite(path, xl_sharedStrings_xml=shared_strings(1_300_000))

    assert messages(path) == [
        "E601 the workbook's shared strings are 1.2 MiB uncompressed; they are read up to 1.0 MiB"
    ]


@pytest.mark.slow
def test_a_shared_strings_bomb_is_refused(tmp_path: Path) -> None:
    """65 MiB of shared strings in a workbook of under 200 KB."""
    path = book_with(tmp_path, {})
    rewrite(path, xl_sharedStrings_xml=shared_strings(65 * 2**20 + 2000))
    assert path.stat().st_size < 200_000

    assert messages(path) == [
        "E601 the workbook's shared strings are 65.0 MiB uncompressed; they are read up to 64.0 MiB"
    ]


def test_a_hostile_workbook_stops_reconcile_with_exit_2(tmp_path: Path) -> None:
    mapping = """
        payments:
          files: ledger/finance/*.xlsx
          columns: {date: Date, reference: Reference, amount: Amount}
    """
    root = make_workspace(tmp_path / "ws", extra={"config/finance-import.yaml": mapping})
    (root / "ledger/finance").mkdir(parents=True, exist_ok=True)
    book_with(root / "ledger/finance", {"IV1048576": 1})

    code, _, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")

    assert code == 2
    assert err.startswith(
        "ledger/finance/payments.xlsx: E601 the sheet declares 1,048,576 rows and 256 columns"
    )
    assert "hint: check it is the right file; save only the payments sheet" in err


# ------------------------------------------------------------------ patterns in linear time

EVIL = r"^(\w+\s?)+$"  # exponential for Python's re on a value it almost matches
ALMOST = "a" * 30 + "!"  # re.search(EVIL, ALMOST) runs for minutes


def test_a_catastrophic_pattern_runs_in_linear_time() -> None:
    from svdiversion.load.patterns import search

    assert search(EVIL, ALMOST) is False
    assert search(EVIL, "a" * 30) is True
    assert search("^PF44", "PF4410") is True


def test_a_catastrophic_pattern_does_not_hang_reconcile_or_import(tmp_path: Path) -> None:
    mapping = f"""
        payments:
          columns: {{date: Date, reference: Reference, amount: Amount, supplier: Supplier}}
          keep_rows: {{column: Supplier, pattern: '{EVIL}'}}
          skip_rows:
            when: [{{column: Supplier, matches: '{EVIL}'}}]
        import:
          rules:
            - {{field: counterparty, pattern: '{EVIL}', budget_line: delivery}}
    """
    export = f"Date,Reference,Supplier,Amount\n30/09/2023,INV-1,{ALMOST},400.00\n"
    root = make_workspace(
        tmp_path / "ws",
        extra={"config/finance-import.yaml": mapping, "ledger/finance/payments.csv": export},
    )

    code, _, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")

    # the supplier is not kept (the pattern does not match it), so the month has only the
    # ledger's payment: a disagreement reported, not a run that never ends
    assert code == 1
    assert "keep_rows keeps none of the 1 row of this export" in err


def test_a_pattern_re2_cannot_run_is_a_located_e110(tmp_path: Path) -> None:
    mapping = """
        payments:
          columns: {date: Date, reference: Reference, amount: Amount}
          skip_rows:
            when: [{column: Date, matches: '(?<=Report )total'}]
    """
    root = make_workspace(tmp_path / "ws", extra={"config/finance-import.yaml": mapping})

    code, _, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")

    assert code == 1
    assert err.splitlines()[0] == (
        "config/finance-import.yaml:4:36: E110 payments.skip_rows.when.0.matches: not a "
        "regular expression (invalid perl operator: (?<=; patterns are run in linear time "
        "(RE2), without look-ahead, look-behind or back-references): write a regular "
        'expression, in quotes, such as "^(Total|Report total)"'
    )


def test_docs_reliability_states_the_workbook_limits() -> None:
    doc = (REPO / "docs" / "reliability.md").read_text(encoding="utf-8")
    rows = {
        "a workbook's parts, uncompressed": f"{export_sheet.MAX_WORKBOOK_BYTES // 2**20} MiB",
        "a workbook's shared strings, uncompressed": (
            f"{export_sheet.MAX_SHARED_STRINGS_BYTES // 2**20} MiB"
        ),
        "rows of the sheet read": f"{export_sheet.MAX_SHEET_ROWS:,}",
        "cells of the sheet read (declared rows times columns)": (
            f"{export_sheet.MAX_SHEET_CELLS:,}"
        ),
    }
    for name, value in rows.items():
        assert f"| {name} | {value} |" in doc, name


# -------------------------------------------------- formulas and terminal escapes from exports

IMPORTING = """
    payments:
      columns: {date: Date, reference: Reference, amount: Amount, supplier: Supplier,
                description: Description}
    import:
      rules:
        - {field: counterparty, equals: PROVIDER, budget_line: delivery, counterparty: Provider}
"""


def importing(tmp_path: Path, description: str) -> Path:
    export = (
        "Date,Reference,Supplier,Description,Amount\n"
        "30/09/2023,INV-1,PROVIDER,September delivery,400.00\n"
        f'29/09/2023,INV-7,PROVIDER,"{description}",10.00\n'
    )
    return make_workspace(
        tmp_path / "ws",
        extra={"config/finance-import.yaml": IMPORTING, "ledger/finance/payments.csv": export},
    )


def test_a_formula_from_an_export_never_lands_live_in_the_ledger(tmp_path: Path) -> None:
    root = importing(tmp_path, '=HYPERLINK(""http://example.org"",""Invoice"")')

    code, _, err = run_cli("-C", str(root), "import", "--month", "2023-09", "--apply")

    assert code == 0, err
    assert err.startswith(
        'ledger/finance/payments.csv:3:1: W603 description \'=HYPERLINK("http://example.org",'
        "\"Invo...' would run as a formula in a spreadsheet: imported as text, with a leading "
        "apostrophe\n"
    )
    assert "check: 0 errors, 0 warnings" in err  # no W405: the text is inert
    rows = (root / "ledger/transactions.csv").read_text(encoding="utf-8").splitlines()
    assert rows[-1].endswith(',"\'=HYPERLINK(""http://example.org"",""Invoice"")",T1')
    assert not any(",=" in row or ',"=' in row for row in rows)


def test_the_import_preview_shows_terminal_escapes_never_runs_them(tmp_path: Path) -> None:
    root = importing(tmp_path, "Delivery \x1b]52;c;ZXZpbA==\x07 \x1b[2J done")

    code, out, _ = run_cli("-C", str(root), "import", "--month", "2023-09", "--format", "table")

    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    # the ledger text is one line with control characters as spaces; shown as it will be
    assert "Delivery ]52;c;ZXZpbA== [2J done" in out


def test_a_reconcile_table_shows_escapes_from_an_export(tmp_path: Path) -> None:
    root = importing(tmp_path, "x")
    export = root / "ledger/finance/payments.csv"
    export.write_text(
        "Date,Reference,Supplier,Description,Amount\n"
        "30/09/2023,INV-1\x1b[2J,PROVIDER,September delivery,400.00\n",
        encoding="utf-8",
    )

    _, out, _ = run_cli(
        "-C", str(root), "reconcile", "--month", "2023-09", env={"SVDIVERSION_WIDTH": "200"}
    )

    assert "\x1b" not in out
    assert "INV-1\\x1b[2J" in out
