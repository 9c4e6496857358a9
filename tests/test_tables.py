"""CSV tables read column by column: encodings, line ends, headers, every bad value.

Problems from ``read_table`` carry the CSV *field number* as their column; the tests of
the located character column are in ``test_corpus.py``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from helpers import EPISODE_HEADER, TX_HEADER, WORKSHOP_HEADER, inline, load_ledger, make_workspace
from svdiversion.core.models import MeasureValue, TransactionKind, TransactionRow, WorkshopRow
from svdiversion.load.header import TableSpec
from svdiversion.load.tables import read_table

# Every test here runs on both stores: Python lists and arrow arrays.
pytestmark = pytest.mark.usefixtures("each_store")

TX = "ledger/transactions.csv"
TRANSACTIONS = TableSpec(TransactionRow)


def read(tmp_path: Path, content: str | bytes, spec: TableSpec = TRANSACTIONS):
    file = tmp_path / "table.csv"
    file.write_bytes(content if isinstance(content, bytes) else inline(content).encode("utf-8"))
    return read_table(file, TX, spec)


def located(problems) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.column, p.code, p.message) for p in problems]


def test_rows_become_typed_columns(tmp_path: Path) -> None:
    table, problems = read(
        tmp_path,
        f"""
        {TX_HEADER}
        TX-1,2023-09-30,payment,delivery,north,200.00,INV-1,Provider,"Delivery, September",T1
        TX-2,2024-03-31,refund,evaluation,,-15.5,RF-1,University,Refund,
        """,
    )
    assert problems == []
    assert table is not None
    assert len(table) == 2
    assert list(table.lines) == [2, 3]
    assert table.header == tuple(TX_HEADER.split(","))
    assert table.column("date") == [date(2023, 9, 30), date(2024, 3, 31)]
    assert table.column("kind") == [TransactionKind.PAYMENT, TransactionKind.REFUND]
    assert table.column("area") == ["north", None]
    assert table.column("amount") == ["200.00", "-15.5"]
    assert table.column("description") == ["Delivery, September", "Refund"]
    assert table.column("tranche") == ["T1", None]
    assert table.column_number("amount") == 6
    assert table.column_number("nothing") == 0


def test_bom_crlf_and_blank_lines_are_fine(tmp_path: Path) -> None:
    content = (
        b"\xef\xbb\xbf\r\n"
        + TX_HEADER.encode()
        + b"\r\nTX-1,2023-09-30,payment,delivery,north,1.00,R,P,D,\r\n\r\n"
        + b"TX-2,2023-09-30,payment,delivery,north,2.00,R,P,D,\r\n\r\n\r\n"
    )
    table, problems = read(tmp_path, content)
    assert problems == []
    assert table is not None
    assert table.header[0] == "id"
    assert list(table.lines) == [3, 5]
    assert table.column("id") == ["TX-1", "TX-2"]


def test_the_tranche_column_is_optional(tmp_path: Path) -> None:
    header = TX_HEADER.removesuffix(",tranche")
    table, problems = read(tmp_path, f"{header}\nTX-1,2023-09-30,payment,delivery,,1.00,R,P,D\n")
    assert problems == []
    assert table is not None and "tranche" not in table.columns


def test_a_value_spanning_lines_keeps_the_line_numbers_right(tmp_path: Path) -> None:
    table, problems = read(
        tmp_path,
        f'{TX_HEADER}\nTX-1,2023-09-30,payment,delivery,,1.00,R,P,"two\nlines",\n'
        "TX-2,2023-09-30,payment,delivery,,1.00,R,P,D,\n"
        "TX-3,2023-13-01,payment,delivery,,1.00,R,P,D,\n",
    )
    assert table is not None
    assert list(table.lines) == [2, 4]
    assert located(problems) == [
        (
            5,
            2,
            "E102",
            "date: input should be a valid date or datetime, month value is outside expected "
            "range of 1-12 (got '2023-13-01')",
        )
    ]


def test_every_bad_value_is_reported_and_its_row_left_out(tmp_path: Path) -> None:
    table, problems = read(
        tmp_path,
        f"""
        {TX_HEADER}
        TX-1,30/09/2023,payment,delivery,north,£200.00,INV-1,Provider,Delivery,
        TX 2,2023-09-30,gift,delivery,north,"1,200.00",INV-1,Provider,Delivery,
        TX-3,2023-09-30,payment,delivery,north,200.001,INV-1,Provider,Delivery,
        TX-4,2023-02-30,payment,delivery,north,(5.00),INV-1,Provider,Delivery,
        TX-5,2023-09-30,payment,,north,5,INV-1,Provider,Delivery,
        TX-6,2023-09-30,payment,delivery,north,5.00,INV-1,Provider,Fine,
        """,
    )
    assert table is not None
    assert table.column("id") == ["TX-6"]
    assert located(problems) == [
        (
            3,
            1,
            "E101",
            "id: not a valid identifier (letters, digits and _ . - / only) (got 'TX 2')",
        ),
        (2, 2, "E102", "date: write dates as YYYY-MM-DD (got '30/09/2023')"),
        (
            5,
            2,
            "E102",
            "date: input should be a valid date or datetime, day value is outside expected "
            "range (got '2023-02-30')",
        ),
        (
            3,
            3,
            "E101",
            "kind: must be one of 'payment', 'accrual', 'reversal' or 'refund' (got 'gift')",
        ),
        (6, 4, "E101", "budget_line: a value is required (got an empty value)"),
        (2, 6, "E103", "amount: a currency symbol in the amount (got '£200.00')"),
        (3, 6, "E103", "amount: a thousands separator in the amount (got '1,200.00')"),
        (4, 6, "E103", "amount: more than two decimal places (got '200.001')"),
        (5, 6, "E103", "amount: a negative in parentheses (got '(5.00)')"),
    ]
    hints = {p.code: p.hint for p in problems}
    assert hints["E102"] == "write dates as YYYY-MM-DD, e.g. 2024-09-30"
    assert hints["E103"] == (
        "write amounts as plain pounds with at most two decimals, e.g. 1234.50 or -25.00"
    )
    assert hints["E101"] == "correct the budget_line value (see docs/ledger-format.md)"


def test_counts_must_be_whole_and_not_negative(tmp_path: Path) -> None:
    table, problems = read(
        tmp_path,
        f"""
        {WORKSHOP_HEADER}
        WS-1,2023-10-10,north,steer_clear_group,5,4,0
        WS-2,2023-10-11,north,steer_clear_group,-1,4,2.5
        """,
        TableSpec(WorkshopRow),
    )
    assert table is not None and table.column("cyp_attendees") == [5]
    assert located(problems) == [
        (3, 5, "E101", "cyp_attendees: input should be greater than or equal to 0 (got '-1')"),
        (
            3,
            7,
            "E101",
            "professional_attendees: input should be a valid integer, unable to parse string "
            "as an integer (got '2.5')",
        ),
    ]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("TX-1,2023-09-30,payment", (2, 1, "E006", "the row has 3 values but the header has 10")),
        (
            "TX-1,2023-09-30,payment,delivery,,1.00,R,P,D,,extra",
            (2, 1, "E006", "the row has 11 values but the header has 10"),
        ),
    ],
)
def test_rows_of_the_wrong_width(tmp_path: Path, row: str, expected: tuple) -> None:
    table, problems = read(tmp_path, f"{TX_HEADER}\n{row}\n")
    assert table is not None and len(table) == 0
    assert located(problems) == [expected]


def test_every_row_of_the_wrong_width(tmp_path: Path) -> None:
    """Regression: a file whose every row had the wrong width crashed the reader."""
    table, problems = read(tmp_path, f"{TX_HEADER}\nA,B\nC,D\n")
    assert table is not None and len(table) == 0
    assert [(p.line, p.code) for p in problems] == [(2, "E006"), (3, "E006")]


@pytest.mark.parametrize(
    ("tail", "line", "message"),
    [
        ('TX-1,"2023-09-30"x,payment,delivery,,1.00,R,P,D,\n', 2, "',' expected after '\"'"),
        ('TX-1,2023-09-30,payment,delivery,,1.00,R,P,"D,\nTX-2\n', 2, "unexpected end of data"),
    ],
)
def test_broken_quoting_names_its_line(tmp_path: Path, tail: str, line: int, message: str) -> None:
    table, problems = read(tmp_path, f"{TX_HEADER}\n{tail}")
    assert table is None
    assert located(problems) == [(line, 0, "E006", f"malformed CSV: {message}")]
    assert problems[0].hint == "check quoting on this line; values with commas need quotes"


@pytest.mark.parametrize("content", ["", "\n\n", "\r\n"])
def test_an_empty_file_has_no_header(tmp_path: Path, content: str) -> None:
    table, problems = read(tmp_path, content.encode())
    assert table is None
    assert located(problems) == [(1, 1, "E007", "the file is empty: no header row")]
    assert problems[0].hint == "start the file with the header: " + TX_HEADER


def test_header_problems(tmp_path: Path) -> None:
    table, problems = read(
        tmp_path,
        "id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche,"
        "notes,Email,amount\n",
    )
    assert table is not None
    assert located(problems) == [
        (1, 11, "E008", "unknown column 'notes'"),
        (1, 12, "E010", "column 'Email' looks like personal data"),
        (1, 13, "E008", "column 'amount' appears twice"),
    ]


def test_missing_columns_stop_the_table(tmp_path: Path) -> None:
    table, problems = read(tmp_path, "id,date,kind,area,amount\nTX-1,2023-09-30,payment,,1\n")
    assert table is None
    assert located(problems) == [
        (1, 1, "E007", "missing columns: budget_line, reference, counterparty, description")
    ]
    assert problems[0].hint == "the header is: " + TX_HEADER


def test_columns_out_of_order_stop_the_table(tmp_path: Path) -> None:
    header = "date,id" + TX_HEADER.removeprefix("id,date")
    table, problems = read(tmp_path, f"{header}\n2023-09-30,TX-1,payment,delivery,,1,R,P,D,\n")
    assert table is None
    assert located(problems) == [(1, 1, "E009", "columns are not in the documented order")]


@pytest.mark.parametrize(
    "name",
    [
        "name",
        "child_name",
        "Surname",
        "dob",
        "date_of_birth",
        "address_line_1",
        "postcode",
        "email",
        "phone_number",
        "mobile",
        "nhs_number",
        "ni_number",
        "upn",
    ],
)
def test_personal_data_column_names(tmp_path: Path, name: str) -> None:
    _, problems = read(tmp_path, f"{TX_HEADER},{name}\n")
    assert located(problems) == [(1, 11, "E010", f"column {name!r} looks like personal data")]


def test_extra_columns_by_rule(tmp_path: Path) -> None:
    """The outcomes table accepts measure columns of the framework, typed Y, N or empty."""
    spec = TableSpec(
        WorkshopRow,
        extra=lambda name: MeasureValue if name == "risk_reduction" else None,
        unknown_code="E203",
    )
    table, problems = read(
        tmp_path,
        f"""
        {WORKSHOP_HEADER},risk_reduction,reoffended
        WS-1,2023-10-10,north,steer_clear_group,5,4,0,Y,x
        WS-2,2023-10-10,north,steer_clear_group,5,4,0,,x
        WS-3,2023-10-10,north,steer_clear_group,5,4,0,yes,x
        """,
        spec,
    )
    assert table is not None
    assert table.column("risk_reduction") == ["Y", None]
    assert located(problems) == [
        (1, 9, "E203", "unknown column 'reoffended'"),
        (4, 8, "E101", "risk_reduction: input should be 'Y' or 'N' (got 'yes')"),
    ]


def test_windows_1252_is_located_at_its_field(tmp_path: Path) -> None:
    content = f"{TX_HEADER}\nTX-1,2023-09-30,payment,delivery,,1.00,R,P,Caf\xe9 £5,\n"
    table, problems = read(tmp_path, content.encode("cp1252"))
    assert table is None
    assert located(problems) == [(2, 9, "E002", "not UTF-8: byte 0xE9")]
    assert problems[0].hint == (
        "save the file as UTF-8 (CSV UTF-8 in Excel); finance exports go through import"
    )


def test_the_pound_sign_in_windows_1252_is_named(tmp_path: Path) -> None:
    content = "\ufeff" + f"{TX_HEADER}\n" + "TX-1,2023-09-30,payment,delivery,,1.00,R,P,£5,\n"
    data = content.encode("utf-8").replace("£".encode(), b"\xa3")
    _, problems = read(tmp_path, data)
    assert located(problems) == [(2, 9, "E002", "not UTF-8: byte 0xA3 (0xA3 is £ in Windows-1252)")]


def test_a_bad_byte_far_into_a_large_file(tmp_path: Path) -> None:
    rows = "".join(f"TX-{n},2023-09-30,payment,delivery,,1.00,R,P,D,\n" for n in range(5000))
    data = (
        TX_HEADER + "\n" + rows
    ).encode() + b"TX-X,2023-09-30,payment,delivery,,1.00,R,P,\xa3,\n"
    _, problems = read(tmp_path, data)
    assert located(problems) == [
        (5002, 9, "E002", "not UTF-8: byte 0xA3 (0xA3 is £ in Windows-1252)")
    ]


def test_missing_file(tmp_path: Path) -> None:
    table, problems = read_table(tmp_path / "absent.csv", TX, TRANSACTIONS)
    assert table is None
    assert [(p.path, p.line, p.code, p.message, p.hint) for p in problems] == [
        (
            TX,
            0,
            "E001",
            "file not found",
            "create ledger/transactions.csv with its header row (see docs/ledger-format.md)",
        )
    ]


def test_first_counts_count_each_group_once_at_its_smallest_value(tmp_path: Path) -> None:
    """Children who first started on each day, by area and in all: a child with two
    episodes in one area counts once, on the earlier start; one who moved counts in each
    area, and once in all."""
    root = make_workspace(
        tmp_path,
        outcomes=f"""
        {EPISODE_HEADER}
        EP-1,CYP-00001,north,2023-08-01,police,12,group,completed,2023-08-10,2023-09-30,Y,N
        EP-2,CYP-00001,north,2023-10-01,police,12,group,engaged,2023-10-05,,,
        EP-3,CYP-00001,south,2023-11-01,police,12,group,engaged,2023-11-07,,,
        EP-4,CYP-00002,south,2023-11-02,school,14,group,referred,,,,
        EP-5,CYP-00003,south,2023-08-01,school,15,group,engaged,2023-08-10,,,
        """,
    )
    table = load_ledger(root).episodes
    assert table.first_counts(["area", "cyp_ref"], "start_date", ["area"]) == {
        ("north", date(2023, 8, 10)): 1,
        ("south", date(2023, 11, 7)): 1,
        ("south", date(2023, 8, 10)): 1,
    }
    assert table.first_counts(["cyp_ref"], "start_date") == {(date(2023, 8, 10),): 2}
