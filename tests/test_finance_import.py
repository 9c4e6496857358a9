"""The finance system's payments export, read through the mapping, as the finance system
writes it: title rows, UK dates, £ amounts, Windows-1252, other cost centres, a totals
row. Every row that cannot be read is a located problem, never a silent skip."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from helpers import inline
from svdiversion.core.problems import Problem
from svdiversion.finance.export_text import parse_amount
from svdiversion.finance.importer import Export, Payment, read_export
from svdiversion.finance.mapping import AmountStyle, PaymentsMapping, load_config

NAME = "ledger/finance/payments.csv"

# The shape of the shipped mapping: two title rows, a cost-centre filter, a totals row.
LISTING: dict[str, Any] = {
    "encoding": "windows-1252",
    "header_line": 3,
    "columns": {
        "date": "Payment Date",
        "amount": "Amount",
        "reference": "Reference",
        "supplier": "Supplier Name",
        "description": "Description",
    },
    "keep_rows": {"column": "Cost Centre", "values": ["PF4410"]},
    "skip_rows": {"when": [{"column": "Payment Date", "matches": "^Report total"}]},
}

EXPORT = """\
West Mercia PCC - Payments Listing,,,,,
Payment dates 01/04/2024 to 31/03/2025; run 08/04/2025 07:42,,,,,
Payment Date,Supplier Name,Reference,Description,Cost Centre,Amount
27/09/2024,THE CHILDRENS SOCIETY,TCS-INV-202409,Steer Clear September 2024,PF4410,"£24,796.47"
27/09/2024,OFFICE SUPPLIES LTD,INV51234,Stationery,OP1100,£312.40
22/11/2024,THE CHILDRENS SOCIETY,TCS-CN-0007,Credit note,pf4410,"(£1,250.00)"
,,,,,
Report total,,,,,"£23,858.87"
"""


def write(tmp_path: Path, text: str, encoding: str = "cp1252", crlf: bool = True) -> Path:
    path = tmp_path / "payments.csv"
    data = text.replace("\n", "\r\n") if crlf else text
    path.write_bytes(data.encode(encoding))
    return path


def mapping(**changes: Any) -> PaymentsMapping:
    return PaymentsMapping.model_validate({**LISTING, **changes})


def read(path: Path, **changes: Any) -> tuple[Export | None, list[Problem]]:
    return read_export(path, NAME, mapping(**changes))


def located(problems: list[Problem]) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.column, p.code, p.message) for p in problems]


# ------------------------------------------------------------------------ a good export


def test_windows_1252_export_with_title_rows_and_a_totals_row(tmp_path: Path) -> None:
    path = write(tmp_path, EXPORT)
    assert b"\xa3" in path.read_bytes()  # £ is one byte in Windows-1252

    export, problems = read(path)

    assert problems == []
    assert export == Export(
        NAME,
        (
            Payment(
                NAME,
                4,
                date(2024, 9, 27),
                2479647,
                "TCS-INV-202409",
                "THE CHILDRENS SOCIETY",
                "Steer Clear September 2024",
            ),
            Payment(
                NAME,
                6,
                date(2024, 11, 22),
                -125000,
                "TCS-CN-0007",
                "THE CHILDRENS SOCIETY",
                "Credit note",
            ),
        ),
        other_rows=1,
        skipped_rows=2,
    )


def test_utf8_with_a_byte_order_mark_reads_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_bytes(b"\xef\xbb\xbf" + EXPORT.encode("utf-8"))

    export, problems = read(path, encoding="utf-8")

    assert problems == []
    assert export is not None
    assert [p.pence for p in export.payments] == [2479647, -125000]


def test_a_debit_and_credit_pair_gives_signed_amounts(tmp_path: Path) -> None:
    text = inline(
        """
        Date,Ref,Debit,Credit
        01/10/2024,INV-1,"1,000.00",
        02/10/2024,CN-1,,250.00
        03/10/2024,INV-2,0.00,
        """
    )
    columns = {"date": "Date", "reference": "Ref", "debit": "Debit", "credit": "Credit"}
    path = write(tmp_path, text, "utf-8")

    export, problems = read_export(
        path, NAME, PaymentsMapping.model_validate({"header_line": 1, "columns": columns})
    )

    assert problems == []
    assert export is not None
    assert [(p.reference, p.pence) for p in export.payments] == [
        ("INV-1", 100000),
        ("CN-1", -25000),
        ("INV-2", 0),
    ]


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("£1,234.50", 123450),
        ("1234.5", 123450),
        ("  £7  ", 700),
        ("-1,234.50", -123450),
        ("-£1,234.50", -123450),
        ("£-1,234.50", -123450),
        ("(1,234.50)", -123450),
        ("(£1,234.50)", -123450),
        ("1,234.50-", -123450),
        ("£1,000,000.00", 100000000),
    ],
)
def test_amounts_as_exports_write_them(text: str, pence: int) -> None:
    assert parse_amount(text, AmountStyle()) == pence


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "a value is required"),
        ("1,234.567", "more than two decimal places"),
        ("12,34.00", "not an amount"),
        ("(-100.00)", "more than one sign"),
        ("-(100.00)", "not an amount"),
        ("--5", "more than one sign"),
        ("$100", "not an amount (a letter or another currency symbol)"),
        ("N/A", "not an amount (a letter or another currency symbol)"),
    ],
)
def test_amounts_that_cannot_be_read(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=rf"^{reason.replace('(', '.').replace(')', '.')}$"):
        parse_amount(text, AmountStyle())


def test_european_amounts_with_a_decimal_comma() -> None:
    style = AmountStyle(currency_symbol="€", thousands_separator=".", decimal_point=",")
    assert parse_amount("(€1.234,50)", style) == -123450


# ------------------------------------------------------------------------- bad exports


def test_every_bad_row_is_located_and_none_is_skipped(tmp_path: Path) -> None:
    text = EXPORT.replace("27/09/2024,THE", "31/09/2024,THE").replace(
        '"(£1,250.00)"', '"1,250.005"'
    )

    export, problems = read(write(tmp_path, text))

    assert export is None
    assert located(problems) == [
        (4, 1, "E605", "Payment Date: '31/09/2024' is not a date written dd/mm/yyyy"),
        (6, 65, "E606", "Amount: more than two decimal places (got '1,250.005')"),
    ]
    assert problems[0].path == NAME
    assert problems[0].excerpt == EXPORT.splitlines()[3].replace("27/09", "31/09")
    assert problems[0].hint == (
        "the mapping reads dates as dd/mm/yyyy (date_format: '%d/%m/%Y' in "
        "config/finance-import.yaml); correct the value or the format"
    )


def test_a_totals_row_the_mapping_does_not_name_is_an_error(tmp_path: Path) -> None:
    export, problems = read(write(tmp_path, EXPORT), keep_rows=None, skip_rows={})

    assert export is None
    assert located(problems) == [
        (8, 1, "E605", "Payment Date: 'Report total' is not a date written dd/mm/yyyy")
    ]


def test_a_row_with_the_wrong_number_of_values(tmp_path: Path) -> None:
    text = EXPORT.replace("£312.40", "£312.40,extra")  # an unquoted comma

    export, problems = read(write(tmp_path, text))

    assert export is None
    assert located(problems) == [(5, 0, "E604", "7 values, but the header has 6")]


def test_bad_quoting_is_located(tmp_path: Path) -> None:
    text = EXPORT.replace('"£24,796.47"', '"£24,796.47')

    _, problems = read(write(tmp_path, text))

    assert [(p.line, p.code) for p in problems] == [(4, "E604")]
    assert problems[0].message.startswith("malformed CSV: ")


def test_the_header_is_not_on_the_mapped_line(tmp_path: Path) -> None:
    text = "Extra title row,,,,,\n" + EXPORT

    export, problems = read(write(tmp_path, text))

    assert export is None
    assert located(problems) == [
        (
            3,
            1,
            "E603",
            "no columns 'Payment Date', 'Reference', 'Amount', 'Supplier Name', 'Description', "
            "'Cost Centre' in the header on line 3 (found 'Payment dates 01/04/2024 to "
            "31/03/2025; run 08/04/2025 07:42')",
        )
    ]
    assert problems[0].hint == "the column names are on line 4: set header_line: 4"


def test_a_mapped_column_the_header_lacks(tmp_path: Path) -> None:
    _, problems = read(write(tmp_path, EXPORT), keep_rows={"column": "Cost Code", "values": ["X"]})

    assert located(problems) == [
        (
            3,
            1,
            "E603",
            "no column 'Cost Code' in the header on line 3 (found 'Payment Date', "
            "'Supplier Name', 'Reference', 'Description', 'Cost Centre', 'Amount')",
        )
    ]
    assert problems[0].hint == (
        "correct the column names under payments.columns in config/finance-import.yaml"
    )


def test_windows_1252_read_as_utf8_points_at_the_pound_sign(tmp_path: Path) -> None:
    _, problems = read(write(tmp_path, EXPORT), encoding="utf-8")

    assert located(problems) == [(4, 84, "E602", "not utf-8 text: byte 0xA3 cannot be read")]
    assert problems[0].hint == (
        "byte 0xA3 is £ in Windows-1252: set 'encoding:' under payments: in "
        "config/finance-import.yaml to windows-1252"
    )


def test_utf8_read_as_windows_1252_is_caught(tmp_path: Path) -> None:
    _, problems = read(write(tmp_path, EXPORT, "utf-8"))

    assert located(problems) == [
        (4, 0, "E602", "£ reads as 'Â£': the file is UTF-8, not Windows-1252")
    ]


def test_a_byte_order_mark_when_windows_1252_is_mapped(tmp_path: Path) -> None:
    path = tmp_path / "payments.csv"
    path.write_bytes(b"\xef\xbb\xbf" + b"Date\n")

    _, problems = read(path)

    assert located(problems) == [(1, 1, "E602", "the file starts with a UTF-8 byte order mark")]


def test_a_missing_export(tmp_path: Path) -> None:
    _, problems = read(tmp_path / "nowhere.csv")

    assert located(problems) == [(0, 0, "E601", "file not found")]


def test_debit_and_credit_both_filled(tmp_path: Path) -> None:
    text = "Date,Ref,Debit,Credit\n01/10/2024,INV-1,5.00,5.00\n01/10/2024,INV-2,,\n"
    columns = {"date": "Date", "reference": "Ref", "debit": "Debit", "credit": "Credit"}

    _, problems = read_export(
        write(tmp_path, text, "utf-8", crlf=False),
        NAME,
        PaymentsMapping.model_validate({"columns": columns}),
    )

    assert located(problems) == [
        (2, 18, "E607", "both of 'Debit' and 'Credit' have an amount"),
        (3, 18, "E607", "neither of 'Debit' and 'Credit' has an amount"),
    ]


# ---------------------------------------------------------------------------- the mapping


def test_the_shipped_mapping_reads_the_shipped_exports() -> None:
    root = Path(__file__).resolve().parent.parent
    config, problems = load_config(root)
    assert problems == []
    assert config is not None
    totals = {}
    for path in sorted((root / "ledger/finance").glob("*.csv")):
        export, found = read_export(path, path.name, config.payments)
        assert found == []
        assert export is not None
        totals[path.name] = (len(export.payments), export.other_rows, export.skipped_rows)
    assert totals == {"payments-2023-24.csv": (9, 83, 2), "payments-2024-25.csv": (16, 78, 2)}


def test_a_mapping_with_both_an_amount_and_a_debit_column(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config/finance-import.yaml").write_text(
        inline(
            """
            payments:
              columns:
                date: Date
                reference: Ref
                amount: Amount
                debit: Debit
              date_format: "%Y"
            """
        ),
        encoding="utf-8",
    )

    config, problems = load_config(tmp_path)

    assert config is None
    assert [(p.path, p.line, p.column, p.code, p.message) for p in problems] == [
        (
            "config/finance-import.yaml",
            7,
            16,
            "E110",
            "payments.date_format: '%Y' is not a date format with day, month and year, such "
            "as %d/%m/%Y",
        ),
        (
            "config/finance-import.yaml",
            3,
            5,
            "E110",
            "payments.columns: name an amount column or a debit/credit pair, not both",
        ),
    ]
    assert problems[0].hint == "correct the mapping (see docs/reconcile.md)"


def test_a_missing_mapping_says_what_it_is_for(tmp_path: Path) -> None:
    config, problems = load_config(tmp_path)

    assert config is None
    assert [(p.code, p.message) for p in problems] == [("E001", "file not found")]
    assert problems[0].hint == (
        "create config/finance-import.yaml: it says how to read the finance system's export "
        "(see docs/reconcile.md)"
    )
