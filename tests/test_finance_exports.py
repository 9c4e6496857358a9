"""Finance exports as they come (issue 11, part 5): keep_rows by prefix or pattern, a `-`
for zero, a bracketed credit, UTF-16, `.xlsx` workbooks, a bad row in another month, and
mapping messages in the treasurer's words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import inline, make_workspace, run_cli
from svdiversion.core.problems import Problem
from svdiversion.finance.importer import Export, read_export
from svdiversion.finance.mapping import PaymentsMapping

NAME = "ledger/finance/payments.csv"

MAPPING: dict[str, Any] = {
    "columns": {
        "date": "Date",
        "reference": "Reference",
        "amount": "Amount",
        "supplier": "Supplier",
    },
    "keep_rows": {"column": "Cost Centre", "values": ["PF4410"]},
}

EXPORT = """
    Date,Reference,Supplier,Cost Centre,Amount
    27/09/2024,INV-1,PROVIDER,PF4410,£400.00
    27/09/2024,INV-2,OFFICE,OP1100,£12.00
    28/09/2024,INV-3,PROVIDER,PF4411-H,£50.00
    29/09/2024,INV-4,PROVIDER, pf4410 ,£7.00
"""


def read_text(
    tmp_path: Path, text: str, name: str = "payments.csv", **changes: Any
) -> tuple[Export | None, list[Problem]]:
    path = tmp_path / name
    path.write_bytes(inline(text).encode("utf-8"))
    return read_export(path, NAME, PaymentsMapping.model_validate({**MAPPING, **changes}))


def references(export: Export | None) -> list[str]:
    assert export is not None
    return [p.reference for p in export.payments]


# ------------------------------------------------------------------ 1. keep_rows


@pytest.mark.parametrize(
    ("keep", "kept"),
    [
        ({"values": ["PF4410"]}, ["INV-1", "INV-4"]),
        ({"prefixes": ["pf44"]}, ["INV-1", "INV-3", "INV-4"]),
        ({"prefixes": ["OP", "PF4411"]}, ["INV-2", "INV-3"]),
        ({"pattern": r"^PF44\d\d-"}, ["INV-3"]),
        ({"values": ["OP1100"], "pattern": "-H$"}, ["INV-2", "INV-3"]),
    ],
)
def test_keep_rows_by_value_prefix_or_pattern(
    tmp_path: Path, keep: dict[str, Any], kept: list[str]
) -> None:
    export, problems = read_text(tmp_path, EXPORT, keep_rows={"column": "Cost Centre", **keep})

    assert problems == []
    assert references(export) == kept
    assert export is not None and export.other_rows == 4 - len(kept)


def test_a_mapping_that_keeps_no_row_is_a_located_warning(tmp_path: Path) -> None:
    export, problems = read_text(
        tmp_path, EXPORT, keep_rows={"column": "Cost Centre", "prefixes": ["PF99"]}
    )

    assert export is not None and export.payments == () and export.other_rows == 4
    assert [(p.path, p.line, p.column, p.code, p.message) for p in problems] == [
        (
            NAME,
            1,
            25,
            "W601",
            "keep_rows keeps none of the 4 rows of this export (by 'Cost Centre')",
        )
    ]
    assert problems[0].hint == (
        "set keep_rows: under payments: in config/finance-import.yaml to this service's "
        "'Cost Centre' values (values, prefixes or a pattern)"
    )


def test_an_export_with_no_rows_at_all_is_no_warning(tmp_path: Path) -> None:
    export, problems = read_text(tmp_path, "Date,Reference,Supplier,Cost Centre,Amount\n")

    assert (problems, references(export)) == ([], [])


def test_keep_rows_needs_something_to_keep() -> None:
    with pytest.raises(ValueError, match="give values, prefixes or a pattern"):
        PaymentsMapping.model_validate({**MAPPING, "keep_rows": {"column": "Cost Centre"}})


def test_cli_reconcile_shows_the_warning_and_goes_on(tmp_path: Path) -> None:
    mapping = """
        payments:
          encoding: utf-8
          columns: {date: Date, amount: Amount, reference: Reference}
          keep_rows: {column: Cost Centre, prefixes: [PF99]}
    """
    export = """
        Date,Reference,Cost Centre,Amount
        30/09/2023,INV-1,PF4410,£400.00
    """
    root = make_workspace(
        tmp_path / "ws",
        extra={"config/finance-import.yaml": mapping, "ledger/finance/payments.csv": export},
    )

    code, _, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")

    assert code == 1  # the ledger's payment is then in the ledger only
    assert err.startswith(
        "ledger/finance/payments.csv:1:16: W601 keep_rows keeps none of the 1 row of this "
        "export (by 'Cost Centre')\n"
    )
    assert "2023-09 does not reconcile: 1 payment in the ledger only" in err


# ------------------------------------------------------------- 2. a dash for zero

PAIR: dict[str, Any] = {
    "columns": {"date": "Date", "reference": "Reference", "debit": "Debit", "credit": "Credit"},
}


def read_pair(tmp_path: Path, *rows: str) -> tuple[Export | None, list[Problem]]:
    text = "Date,Reference,Debit,Credit\n" + "\n".join(rows) + "\n"
    (tmp_path / "payments.csv").write_text(text, encoding="utf-8")
    return read_export(tmp_path / "payments.csv", NAME, PaymentsMapping.model_validate(PAIR))


def test_a_dash_in_a_debit_or_credit_column_means_zero(tmp_path: Path) -> None:
    export, problems = read_pair(
        tmp_path,
        '01/10/2024,INV-1,"£1,000.00",-',
        "02/10/2024,CN-1, - ,250.00",
        "03/10/2024,INV-2,-,-",
    )

    assert problems == []
    assert export is not None
    assert [(p.reference, p.pence) for p in export.payments] == [
        ("INV-1", 100000),
        ("CN-1", -25000),
        ("INV-2", 0),  # zero, as 0.00 in both is: import leaves it out and counts it
    ]


@pytest.mark.parametrize("value", ["--", "-0-", "- -", "—"])
def test_more_than_a_dash_is_not_zero(tmp_path: Path, value: str) -> None:
    export, problems = read_pair(tmp_path, f"01/10/2024,INV-1,{value},")

    assert export is None
    assert [(p.line, p.column, p.code) for p in problems] == [(2, 18, "E606")]


# ------------------------------------------------------- 3. a bracketed credit


@pytest.mark.parametrize(
    ("credit", "column", "written"),
    [
        ('"(£1,250.00)"', 18, "a bracketed amount in the credit column (got '(£1,250.00)')"),
        ("(1250.00)", 18, "a bracketed amount in the credit column (got '(1250.00)')"),
        ("-1250.00", 18, "a negative amount in the credit column (got '-1250.00')"),
        ("1250.00-", 18, "a negative amount in the credit column (got '1250.00-')"),
    ],
)
def test_a_bracketed_or_negative_credit_is_an_error_not_a_sign_flip(
    tmp_path: Path, credit: str, column: int, written: str
) -> None:
    export, problems = read_pair(tmp_path, "01/10/2024,INV-1,100.00,", f"02/10/2024,CN-1,,{credit}")

    assert export is None
    assert [(p.path, p.line, p.column, p.code, p.message) for p in problems] == [
        (NAME, 3, column, "E606", f"Credit: {written}")
    ]
    assert problems[0].hint == (
        "write money received as a positive amount in 'Credit' (1250.00); if the row is a "
        "payment, write it in 'Debit' instead"
    )


def test_a_bracketed_amount_in_an_amount_column_is_still_negative(tmp_path: Path) -> None:
    export, problems = read_text(
        tmp_path, "Date,Reference,Supplier,Cost Centre,Amount\n01/10/2024,CN-1,P,PF4410,(£5.00)\n"
    )

    assert problems == []
    assert export is not None and export.payments[0].pence == -500


def test_cli_reconcile_stops_on_a_bracketed_credit_located(tmp_path: Path) -> None:
    mapping = """
        payments:
          encoding: utf-8
          columns: {date: Date, reference: Reference, debit: Debit, credit: Credit}
    """
    export = """
        Date,Reference,Debit,Credit
        30/09/2023,INV-1,£400.00,-
        30/09/2023,CN-1,-,(£25.00)
    """
    root = make_workspace(
        tmp_path / "ws",
        extra={"config/finance-import.yaml": mapping, "ledger/finance/payments.csv": export},
    )

    code, out, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")

    assert (code, out) == (1, "")
    assert err.splitlines()[:4] == [
        "ledger/finance/payments.csv:3:19: E606 Credit: a bracketed amount in the credit "
        "column (got '(£25.00)')",
        "  3 | 30/09/2023,CN-1,-,(£25.00)",
        "    |                   ^",
        "  hint: write money received as a positive amount in 'Credit' (25.00); if the row "
        "is a payment, write it in 'Debit' instead",
    ]
    assert "Traceback" not in err


# ------------------------------------------------------------------ 4. UTF-16

UTF16_EXPORT = inline(EXPORT).replace("\n", "\r\n")


def read_bytes(
    tmp_path: Path, data: bytes, encoding: str = "windows-1252"
) -> tuple[Export | None, list[Problem]]:
    path = tmp_path / "payments.csv"
    path.write_bytes(data)
    mapping = PaymentsMapping.model_validate({**MAPPING, "encoding": encoding})
    return read_export(path, NAME, mapping)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("encoding", ["utf-8", "windows-1252"])
def test_a_utf16_export_reads_like_a_utf8_one(tmp_path: Path, codec: str, encoding: str) -> None:
    bom = "\ufeff".encode(codec)
    utf16, _ = read_bytes(tmp_path, bom + UTF16_EXPORT.encode(codec), encoding)
    utf8, _ = read_bytes(tmp_path, UTF16_EXPORT.encode("utf-8"), "utf-8")

    assert utf16 is not None and utf16 == utf8
    assert [p.pence for p in utf16.payments] == [40000, 700]


def test_a_second_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    data = b"\xff\xfe\xff\xfe" + UTF16_EXPORT.encode("utf-16-le")

    export, problems = read_bytes(tmp_path, data)

    assert problems == [] and references(export) == ["INV-1", "INV-4"]


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        (
            b"\xff\xfe" + UTF16_EXPORT.encode("utf-16-le")[:-1],
            (5, 42),
            "the file starts as UTF-16LE text, but it ends in the middle of a character "
            "(an odd number of bytes)",
        ),
        (
            b"\xfe\xff\x00",
            (1, 1),
            "the file starts as UTF-16BE text, but it ends in the middle "
            "of a character (an odd number of bytes)",
        ),
        (
            b"\xff\xfe" + "Date\n".encode("utf-16-le") + b"\x00\xd8A\x00",
            (2, 1),
            "the file starts as UTF-16LE text, but holds half of a surrogate pair, not a character",
        ),
        (
            b"\xff\xfe\x00\x00" + "Date".encode("utf-32-le"),
            (1, 1),
            "the file starts with a UTF-32 byte order mark",
        ),
    ],
)
def test_broken_utf16_is_a_located_e602(
    tmp_path: Path, data: bytes, where: tuple[int, int], message: str
) -> None:
    export, problems = read_bytes(tmp_path, data)

    assert export is None
    assert [(p.line, p.column, p.code, p.message) for p in problems] == [(*where, "E602", message)]


def test_a_utf16_export_with_only_its_byte_order_mark_has_no_header(tmp_path: Path) -> None:
    export, problems = read_bytes(tmp_path, b"\xff\xfe")

    assert export is None
    assert [p.code for p in problems] == ["E603"]


def test_cli_reconcile_reads_a_utf16_export(tmp_path: Path) -> None:
    mapping = """
        payments:
          encoding: windows-1252
          columns: {date: Date, amount: Amount, reference: Reference}
    """
    text = "Date,Reference,Amount\r\n30/09/2023,INV-1,£400.00\r\n"
    root = make_workspace(
        tmp_path / "ws",
        extra={
            "config/finance-import.yaml": mapping,
            "ledger/finance/payments.csv": b"\xff\xfe" + text.encode("utf-16-le"),
        },
    )

    code, _, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")

    assert (code, err.splitlines()[0]) == (
        0,
        "2023-09 reconciled: 1 payment agrees with the finance system",
    )


# ---------------------------------------------------------------- 5. workbooks

XLSX = "ledger/finance/payments.xlsx"


def workbook(tmp_path: Path, rows: list[list[Any]], **options: Any) -> Path:
    """A workbook of one sheet ``Payments`` (after ``Cover`` when ``cover=True``)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    if options.get("cover"):
        sheet.title = "Cover"
        sheet.append(["Payments listing"])
        sheet = book.create_sheet("Payments")
    else:
        sheet.title = "Payments"
    for row in rows:
        sheet.append(row)
    if options.get("epoch_1904"):
        book.epoch = __import__("openpyxl").utils.datetime.CALENDAR_MAC_1904
    path = tmp_path / "payments.xlsx"
    book.save(path)
    return path


def read_book(path: Path, **changes: Any) -> tuple[Export | None, list[Problem]]:
    return read_export(path, XLSX, PaymentsMapping.model_validate({**MAPPING, **changes}))


HEADER = ["Date", "Reference", "Supplier", "Cost Centre", "Amount"]


def test_a_workbook_reads_like_the_csv_export_of_its_sheet(tmp_path: Path) -> None:
    from datetime import date, datetime

    path = workbook(
        tmp_path,
        [
            ["Payments listing"],
            HEADER,
            [datetime(2024, 9, 27), "INV-1", "PROVIDER", "PF4410", 24796.47],
            [date(2024, 9, 28), 12345, "PROVIDER", "PF4410", 0.1],
            [45565, "INV-3", "PROVIDER", "PF4410", -1250],  # 45565 is 30/09/2024
            ["30/09/2024", "INV-4", "PROVIDER", "PF4410", "£7.00"],
            [datetime(2024, 9, 30), "INV-5", "OFFICE", "OP1100", 3.5],
        ],
    )

    export, problems = read_book(path, header_line=2)

    assert problems == []
    assert export is not None and export.other_rows == 1
    assert [(p.line, p.date.isoformat(), p.reference, p.pence) for p in export.payments] == [
        (3, "2024-09-27", "INV-1", 2479647),
        (4, "2024-09-28", "12345", 10),
        (5, "2024-09-30", "INV-3", -125000),
        (6, "2024-09-30", "INV-4", 700),
    ]


def test_a_named_sheet_and_a_1904_workbook(tmp_path: Path) -> None:
    path = workbook(
        tmp_path, [HEADER, [44103, "INV-1", "P", "PF4410", 5]], cover=True, epoch_1904=True
    )

    export, problems = read_book(path, sheet="payments")

    assert problems == []
    assert export is not None
    assert [(p.date.isoformat(), p.pence) for p in export.payments] == [("2024-09-30", 500)]


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (1234.567, "Amount: more than two decimal places (got '1234.567')"),
        (1.005, "Amount: more than two decimal places (got '1.005')"),
        (None, "Amount: a value is required (got '')"),
        ("=SUM(1,2)", "Amount: a value is required (got '')"),  # a formula never calculated
        ("#DIV/0!", "Amount: not an amount (a letter or another currency symbol) (got '#DIV/0!')"),
    ],
)
def test_a_cell_that_is_not_an_exact_amount_is_located_at_its_cell(
    tmp_path: Path, amount: Any, message: str
) -> None:
    path = workbook(tmp_path, [HEADER, [45565, "INV-1", "P", "PF4410", amount]])

    export, problems = read_book(path)

    assert export is None
    assert [(p.path, p.line, p.column, p.code, p.message) for p in problems] == [
        (XLSX, 2, 5, "E606", message)
    ]


def test_huge_numbers_stay_exact(tmp_path: Path) -> None:
    path = workbook(tmp_path, [HEADER, [45565, "INV-1", "P", "PF4410", 1e20]])

    export, problems = read_book(path)

    assert problems == []
    assert export is not None and export.payments[0].pence == 10**22


def test_a_missing_sheet_is_named_with_the_sheets_there(tmp_path: Path) -> None:
    path = workbook(tmp_path, [HEADER], cover=True)

    export, problems = read_book(path, sheet="Ledger")

    assert export is None
    assert [(p.code, p.message) for p in problems] == [
        ("E603", "no sheet 'Ledger' in the workbook (its sheets: 'Cover', 'Payments')")
    ]


@pytest.mark.parametrize(
    "data",
    [b"", inline(EXPORT).encode("utf-8"), b"PK\x03\x04 not really a zip", b"\x00" * 100],
    ids=["empty", "a renamed csv", "a broken zip", "zeros"],
)
def test_a_file_that_is_not_a_workbook_is_e601(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "payments.xlsx").write_bytes(data)

    export, problems = read_book(tmp_path / "payments.xlsx")

    assert export is None
    assert [(p.path, p.code) for p in problems] == [(XLSX, "E601")]
    assert problems[0].message.startswith("not an Excel workbook (.xlsx): ")
    assert "save the export from Excel as an .xlsx workbook" in problems[0].hint


def test_cli_reconcile_reads_a_workbook_and_an_unreadable_one_exits_2(tmp_path: Path) -> None:
    mapping = """
        payments:
          files: ledger/finance/*.xlsx
          sheet: Payments
          columns: {date: Date, amount: Amount, reference: Reference}
    """
    root = make_workspace(tmp_path / "ws", extra={"config/finance-import.yaml": mapping})
    (root / "ledger" / "finance").mkdir()
    workbook(root / "ledger" / "finance", [["Date", "Reference", "Amount"], [45199, "INV-1", 400]])
    before = (root / "ledger/finance/payments.xlsx").read_bytes()

    code, _, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")

    assert (code, err.splitlines()[0]) == (
        0,
        "2023-09 reconciled: 1 payment agrees with the finance system",
    )
    assert (root / "ledger/finance/payments.xlsx").read_bytes() == before

    (root / "ledger/finance/payments.xlsx").write_text("Date,Reference,Amount\n")
    code, _, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")

    assert code == 2
    assert err.startswith("ledger/finance/payments.xlsx: E601 not an Excel workbook (.xlsx): ")
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1 + 0.2, "0.30000000000000004"),  # never rounded into an amount it is not
        (24796.47, "24796.47"),
        (-0.0, "0.0"),
        (1e-7, "0.0000001"),
        (float("inf"), "inf"),
        (float("nan"), "nan"),
        (12345, "12345"),
        (True, "TRUE"),
    ],
)
def test_a_number_becomes_the_text_of_its_shortest_decimal_form(value: Any, text: str) -> None:
    from svdiversion.finance.export_sheet import _CellText

    cells = _CellText(PaymentsMapping.model_validate(MAPPING), None)

    assert cells.text(value, "amount") == text


# ------------------------------------------------- 6. a bad row in another month

YEAR = """
    Date,Reference,Supplier,Cost Centre,Amount
    30/09/2023,INV-1,PROVIDER,PF4410,£400.00
    31/10/2023,INV-2,PROVIDER,PF4410,£400.005
    3l/10/2023,INV-3,PROVIDER,PF4410,£1.00
"""


def test_read_for_a_month_a_bad_row_of_another_month_is_w602(tmp_path: Path) -> None:
    from svdiversion.core.fiscal import Month

    path = tmp_path / "payments.csv"
    path.write_text(inline(YEAR.replace("3l/10", "31/10")), encoding="utf-8")
    mapping = PaymentsMapping.model_validate(MAPPING)

    whole, problems = read_export(path, NAME, mapping)
    assert whole is None and [p.code for p in problems] == ["E606"]

    september, problems = read_export(path, NAME, mapping, Month(2023, 9))
    assert references(september) == ["INV-1", "INV-3"]
    assert [(p.line, p.column, p.code, p.message) for p in problems] == [
        (
            3,
            34,
            "W602",
            "a row of 2023-10, not 2023-09: E606 Amount: more than two decimal places "
            "(got '£400.005')",
        )
    ]
    assert problems[0].hint.startswith("amounts are read like")

    october, problems = read_export(path, NAME, mapping, Month(2023, 10))
    assert october is None and [p.code for p in problems] == ["E606"]


def test_a_row_whose_date_does_not_read_stops_every_month(tmp_path: Path) -> None:
    from svdiversion.core.fiscal import Month

    path = tmp_path / "payments.csv"
    path.write_text(inline(YEAR), encoding="utf-8")

    export, problems = read_export(
        path, NAME, PaymentsMapping.model_validate(MAPPING), Month(2023, 9)
    )

    assert export is None
    assert [(p.line, p.code) for p in problems] == [(3, "W602"), (4, "E605")]


def test_cli_import_and_reconcile_of_one_month_go_on_past_another_months_bad_row(
    tmp_path: Path,
) -> None:
    mapping = """
        payments:
          encoding: utf-8
          columns: {date: Date, amount: Amount, reference: Reference, supplier: Supplier}
        import:
          rules:
            - {field: counterparty, equals: PROVIDER, budget_line: delivery}
    """
    export = """
        Date,Reference,Supplier,Amount
        30/09/2023,INV-1,PROVIDER,£400.00
        31/10/2023,INV-9,PROVIDER,£12.345
    """
    root = make_workspace(
        tmp_path / "ws",
        extra={"config/finance-import.yaml": mapping, "ledger/finance/payments.csv": export},
    )
    warning = (
        "ledger/finance/payments.csv:3:27: W602 a row of 2023-10, not 2023-09: E606 Amount: "
        "more than two decimal places (got '£12.345')"
    )

    code, _, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")
    assert (code, err.splitlines()[0]) == (0, warning)
    assert "2023-09 reconciled: 1 payment agrees with the finance system" in err

    code, _, err = run_cli("-C", str(root), "import", "--month", "2023-09")
    assert (code, err.splitlines()[0]) == (0, warning)

    code, _, err = run_cli("-C", str(root), "reconcile", "--month", "2023-10")
    assert code == 1
    assert err.startswith("ledger/finance/payments.csv:3:27: E606 Amount: more than two")


# ------------------------------------------- 7. messages in the treasurer's words

PYDANTIC_WORDING = (
    "Input should",
    "should be",
    "should have",
    "should match",
    "Field required",
    "Value error",
    "instance of",
    "valid dictionary",
    "valid tuple",
    "RowPattern",
    "KeepRows",
    "pattern '",
    "^[",
    "type=",
)

SAYING = ("write", "give", "name", "the thousands separator")

BAD_MAPPINGS = [
    """
    payments:
      files: /etc/*.csv
      encoding: latin-1
      delimiter: "::"
      header_line: 0
      sheet: ""
      date_format: "%Q"
      columns:
        date: ""
        reference: [a]
        amount: Amount
      amounts:
        currency_symbol: 5
        thousands_separator: "x"
        negate: maybe
      keep_rows:
        column: Cost Centre
        values: PF4410
        pattern: "("
      skip_rows:
        blank: perhaps
        when:
          - column: Date
            matches: "["
          - nothing
    reconcile:
      date_window_days: 40
      no_reference: N/A
      explain_variances_above:
        fraction: 2
        amount: -5
    import:
      rules:
        - field: supplier
          equals: X
          budget_line: ""
        - field: counterparty
          pattern: "(("
          budget_line: delivery
      areas: [a, b]
    """,
    """
    payments:
      columns: {date: Date, reference: Ref, amount: Amount, debit: Debit}
      amounts: {thousands_separator: ",", decimal_point: ","}
      keep_rows: {column: Cost Centre}
    import:
      rules:
        - {field: reference, equals: X, prefix: Y, budget_line: delivery}
        - {field: reference, budget_line: delivery}
      areas: {PF4410-H: ""}
    reconcile: {explain_variances_above: {amount: lots}}
    """,
    "payments: [1, 2]\n",
    "payments:\n  columns: 5\n",
]


@pytest.mark.parametrize("text", BAD_MAPPINGS)
def test_a_bad_mapping_says_what_to_write_never_in_pydantic_words(
    tmp_path: Path, text: str
) -> None:
    from svdiversion.finance.mapping import load_config

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "finance-import.yaml").write_text(inline(text), encoding="utf-8")

    config, problems = load_config(tmp_path)

    assert config is None and problems
    for problem in problems:
        shown = f"{problem.message} {problem.hint}"
        assert not [w for w in PYDANTIC_WORDING if w in shown], shown
        assert problem.line > 0 and problem.column > 0, shown
        if problem.code == "E110":  # says what to write (or give, or name)
            said = problem.message
            assert any(f": {verb} " in said for verb in SAYING) or "such as" in said, shown


def test_the_first_bad_mapping_in_words(tmp_path: Path) -> None:
    from svdiversion.finance.mapping import load_config

    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "finance-import.yaml").write_text(
        inline(BAD_MAPPINGS[0]), encoding="utf-8"
    )

    _, problems = load_config(tmp_path)

    shown = {p.message.partition(": ")[0]: p.message.partition(": ")[2] for p in problems}
    assert shown["payments.encoding"] == (
        "write utf-8, utf-8-sig or windows-1252 (a UTF-16 export is known by itself)"
    )
    assert shown["payments.amounts.negate"] == "write true or false"
    assert shown["reconcile.explain_variances_above.amount"] == (
        "write plain pounds, 0 or more, such as 1000.00"
    )
    assert shown["import.rules.1.pattern"] == (
        "not a regular expression (missing ), unterminated subpattern at position 1): "
        'write a regular expression, in quotes, such as "^PF44"'
    )


def test_cli_a_bad_mapping_is_located_and_exits_1_without_pydantic_words(
    tmp_path: Path,
) -> None:
    root = make_workspace(tmp_path / "ws", extra={"config/finance-import.yaml": BAD_MAPPINGS[1]})

    code, out, err = run_cli("-C", str(root), "reconcile", "--month", "2023-09")

    assert (code, out) == (1, "")
    assert "config/finance-import.yaml:" in err and "Traceback" not in err
    assert not [w for w in PYDANTIC_WORDING if w in err], err
