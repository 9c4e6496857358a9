"""The pyarrow fast path of the table reader gives exactly what the plain reader gives:
the same rows, values, line numbers and problems, or it declines and the plain reader
reads the file. Each case reads one file both ways and compares."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given
from hypothesis import strategies as st

import svdiversion.checks
from svdiversion.checks.transactions import MAYBE_PERSONAL_TEXT, PERSONAL_TEXT
from svdiversion.core.fiscal import parse_quarter
from svdiversion.core.models import EpisodeRow, MeasureValue, TransactionRow
from svdiversion.core.problems import Problem
from svdiversion.core.table import Less, Matches, Sign, Table
from svdiversion.load import arrow_csv, arrow_store, tables
from svdiversion.load.header import TableSpec
from svdiversion.load.tables import read_table
from svdiversion.reports.areas import areas_report
from svdiversion.reports.burndown import burndown
from svdiversion.reports.options import ReportOptions
from svdiversion.reports.outcomes import outcomes
from svdiversion.synthetic import generate
from svdiversion.workspace import open_workspace

HEADER = "id,date,kind,budget_line,area,amount,reference,counterparty,description,tranche"
GOOD = "TX-1,2023-09-30,payment,delivery,north,200.5,INV-1,Provider,September,T1"
SPEC = TableSpec(TransactionRow, pence_from="amount")


def both_ways(
    path: Path, spec: TableSpec, monkeypatch: pytest.MonkeyPatch
) -> tuple[tuple[Table | None, list[Problem]], tuple[Table | None, list[Problem]], bool]:
    """(plain result, fast result, whether the fast path answered)."""
    monkeypatch.setattr(tables, "ARROW_MIN_BYTES", 1 << 62)
    plain = read_table(path, "t.csv", spec)
    answered: list[bool] = []
    original = arrow_csv.read_rows

    def spy(*args: object) -> object:
        found = original(*args)  # type: ignore[arg-type]
        answered.append(found is not None)
        return found

    monkeypatch.setattr(tables, "ARROW_MIN_BYTES", 0)
    monkeypatch.setattr(arrow_csv, "read_rows", spy)
    fast = read_table(path, "t.csv", spec)
    return plain, fast, answered == [True]


def same(a: tuple[Table | None, list[Problem]], b: tuple[Table | None, list[Problem]]) -> None:
    (table_a, problems_a), (table_b, problems_b) = a, b
    assert problems_a == problems_b
    assert (table_a is None) == (table_b is None)
    if table_a is not None and table_b is not None:
        assert table_a.header == table_b.header
        assert list(table_a.lines) == list(table_b.lines)
        assert table_a.columns == table_b.columns


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "t.csv"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def test_a_clean_file_is_read_fast_with_pence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [GOOD, "TX-2,2023-10-01,refund,delivery,,-12,CN-1,Provider,Credit,"]
    plain, fast, answered = both_ways(
        write(tmp_path, "\n".join([HEADER, *rows]) + "\n"), SPEC, monkeypatch
    )
    assert answered
    same(plain, fast)
    table = fast[0]
    assert table is not None
    assert table.column("pence") == [20050, -1200]
    assert table.column("area") == ["north", None]
    assert list(table.lines) == [2, 3]


def test_bad_values_give_the_same_problems_and_drop_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        GOOD,
        "TX 2,2023-02-30,payment,delivery,north,£5.00,INV-2,Provider,Bad,T1",
        "TX-3,2023-10-01,gift,delivery,north,1.234,INV-3,Provider,Bad kind,",
        "TX-4,23/10/2023,payment,bad line!,north,5,INV-4,Provider,Bad,",
        "TX-5,2023-10-01,payment,delivery,north,5,INV-5,Provider,Good,",
    ]
    plain, fast, answered = both_ways(
        write(tmp_path, "\n".join([HEADER, *rows]) + "\n"), SPEC, monkeypatch
    )
    same(plain, fast)
    table = plain[0]
    assert table is not None and list(table.lines) == [2, 6]
    # A bad amount cannot become pence: the fast path hands the file to the plain reader,
    # which keeps it as lists.
    assert not answered
    assert fast[0] is not None and isinstance(fast[0].store, tables.ListColumns)


def test_bad_values_other_than_amounts_are_located_by_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        GOOD,
        "TX 2,2023-02-30,payment,delivery,north,5.00,INV-2,Provider,Bad,T1",
        "TX-3,2023-10-01,gift,delivery,north,1.23,INV-3,Provider,Bad kind,",
        "TX-4,23/10/2023,payment,bad line!,north,5,INV-4,Provider,Bad,",
    ]
    plain, fast, answered = both_ways(
        write(tmp_path, "\n".join([HEADER, *rows]) + "\n"), SPEC, monkeypatch
    )
    assert answered
    same(plain, fast)
    assert [(p.line, p.column, p.code) for p in fast[1]] == [
        (3, 1, "E101"),
        (3, 2, "E102"),
        (5, 2, "E102"),
        (4, 3, "E101"),
        (5, 4, "E101"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        HEADER + "\n" + GOOD.replace("September", '"Sept, Oct"') + "\n",  # quoting
        HEADER + "\n" + GOOD + "\n\n" + GOOD.replace("TX-1", "TX-2") + "\n",  # blank line
        HEADER + "\n" + GOOD + ",extra\n",  # wrong width
        HEADER + "\n" + GOOD.replace("Provider", "Pro\x00vider") + "\n",  # NUL
        (HEADER + "\n" + GOOD + "\n").encode("utf-8").replace(b"Provider", b"Pr\xa3vider"),
        "\n" + HEADER + "\n" + GOOD + "\n",  # header not on line 1
    ],
    ids=["quotes", "blank-line", "width", "nul", "not-utf8", "late-header"],
)
def test_files_the_fast_path_declines_read_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes
) -> None:
    plain, fast, answered = both_ways(write(tmp_path, text), SPEC, monkeypatch)
    same(plain, fast)
    assert not answered
    if fast[0] is not None:  # split by the csv module, then held in arrow all the same
        assert isinstance(fast[0].store, arrow_store.ArrowColumns)


def test_crlf_bom_and_no_final_newline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "\ufeff" + HEADER + "\r\n" + GOOD + "\r\n" + GOOD.replace("TX-1", "TX-2")
    plain, fast, answered = both_ways(write(tmp_path, text), SPEC, monkeypatch)
    assert answered
    same(plain, fast)


def test_episodes_with_measure_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path / "ws", transactions=0, episodes=3_000, seed=9)
    spec = TableSpec(
        EpisodeRow,
        extra=lambda name: MeasureValue if name != "risk_reduction" else None,
        unknown_code="E203",
    )
    plain, fast, answered = both_ways(tmp_path / "ws/ledger/outcomes.csv", spec, monkeypatch)
    assert answered
    same(plain, fast)
    assert [p.code for p in plain[1]] == ["E203"]


def test_a_synthetic_ledger_reads_the_same(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path / "ws", transactions=30_000, episodes=0, seed=4)
    path = tmp_path / "ws/ledger/transactions.csv"
    plain, fast, answered = both_ways(path, SPEC, monkeypatch)
    assert answered
    same(plain, fast)


# ---------------------------------------------------------------- questions to a table


def test_both_stores_answer_every_question_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Distinct values, counts, sums and bounds by plain and derived keys, with and
    without a row filter, on columns held as codes (dates, lines) and as plain arrays
    (ids, pence); a bad row left out first, so the fast path filters its arrays."""
    generate(tmp_path / "ws", transactions=2_000, episodes=0, seed=7)
    path = tmp_path / "ws/ledger/transactions.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "TX-BAD,2023-02-30,payment,delivery,north,5.00,R,C,D,\n")
    plain, fast, answered = both_ways(path, SPEC, monkeypatch)
    assert answered
    same(plain, fast)
    a, b = plain[0], fast[0]
    assert a is not None and b is not None
    assert isinstance(a.store, tables.ListColumns) and isinstance(b.store, arrow_store.ArrowColumns)
    year = ("date", lambda day: day.year)  # would fail on the bad row's missing date
    positive = ("pence", lambda pence: pence > 0)
    for name in ("id", "date", "kind", "budget_line", "area", "amount", "tranche", "pence"):
        assert a.distinct(name) == b.distinct(name), name
        assert a.count_distinct(name) == b.count_distinct(name), name
        assert a.count_distinct(name, year) == b.count_distinct(name, year), name
    for keys in (["kind"], ["budget_line", "area"], [year, "tranche"], [], [positive]):
        assert a.counts(keys) == b.counts(keys)
        assert list(a.counts(keys)) == list(b.counts(keys))  # first appearance order
        assert a.counts(keys, positive) == b.counts(keys, positive)
        assert a.sums(keys, "pence") == b.sums(keys, "pence")
        assert a.sums(keys, "pence", year) == b.sums(keys, "pence", year)
        for value in ("pence", "date"):  # the least and greatest per combination
            bounds = (keys, value, ("min", "max"), None)
            assert a.store.aggregate(*bounds) == b.store.aggregate(*bounds)
    by_year: dict[tuple[int], int] = {}
    for day, pence in zip(a.column("date"), a.column("pence"), strict=True):
        by_year[(day.year,)] = by_year.get((day.year,), 0) + pence
    assert b.sums([year], "pence") == by_year
    for pattern in (r"^INV-", r"Network$", "@", r"\d{9}"):
        for name in ("reference", "counterparty", "description"):
            found = Matches(name, re.compile(pattern), search=True, prefilter=pattern)
            assert list(a.counts([found]).items()) == list(b.counts([found]).items())
            assert list(a.rows_where([found], bool)) == list(b.rows_where([found], bool))
    for pattern in (r"TX-\d+", r"TX-0\d+", r"[A-Z]{2}-\d{5}", r"(?i)tx-\d+", r"[^ ]+"):
        whole = Matches("id", re.compile(pattern))
        assert list(a.counts([whole]).items()) == list(b.counts([whole]).items())
        expected = [row for row, v in enumerate(a.column("id")) if not whole.pattern.fullmatch(v)]
        assert list(b.rows_where([whole], lambda ok: not ok)) == expected
    assert a.counts(["kind", Sign("pence")]) == b.counts(["kind", Sign("pence")])


def test_dates_compared_across_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate(tmp_path / "ws", transactions=0, episodes=2_000, seed=2)
    spec = TableSpec(EpisodeRow, extra=lambda name: MeasureValue, unknown_code="E203")
    path = tmp_path / "ws/ledger/outcomes.csv"
    plain, fast, answered = both_ways(path, spec, monkeypatch)
    assert answered
    a, b = plain[0], fast[0]
    assert a is not None and b is not None
    for first, then in (("start_date", "referral_date"), ("referral_date", "start_date")):
        assert a.counts([Less(first, then)]) == b.counts([Less(first, then)])
    assert b.counts([Less("start_date", "referral_date")]) == {(False,): len(b)}
    assert b.counts([Less("referral_date", "end_date")]).get((True,), 0) > 0


def test_a_column_with_no_value_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Early in a contract no episode has started: start_date and end_date are empty on
    every row."""
    header = (
        "episode_id,cyp_ref,area,referral_date,referral_source,age_at_referral,pathway,"
        "status,start_date,end_date"
    )
    rows = [
        f"EP-{i},CYP-{i:05d},north,2023-05-0{1 + i % 9},police,12,group,referred,,"
        for i in range(1, 40)
    ]
    path = write(tmp_path, "\n".join([header, *rows]) + "\n")
    plain, fast, answered = both_ways(path, TableSpec(EpisodeRow), monkeypatch)
    assert answered
    same(plain, fast)
    a, b = plain[0], fast[0]
    assert a is not None and b is not None
    for first, then in (("end_date", "start_date"), ("start_date", "referral_date")):
        assert a.counts([Less(first, then)]) == b.counts([Less(first, then)]) == {(False,): 39}
    assert a.counts(["end_date"]) == b.counts(["end_date"]) == {(None,): 39}


def test_regex_shapes_read_the_same_by_re2_and_python() -> None:
    """A pattern goes to RE2 only if RE2 cannot match more than Python does."""
    narrower = arrow_store._narrower_in_re2
    for pattern in (r"^CYP-[0-9]{5}$", r"^CYP-\d{5}$", r"(?:ab|c)+\.x", r"a\\b"):
        assert narrower(re.compile(pattern)), pattern
    for pattern in (r"(?i)cyp", r"^[^x]+$", r"\bA", r"a{,3}", r"(?P<x>a)", r"\A\d", r"(?=a)"):
        assert not narrower(re.compile(pattern)), pattern
    assert not narrower(re.compile("cyp", re.IGNORECASE))


@given(st.text(alphabet="0123456789 -+@.ABCMSWxyz\u0660\u0661\u00a0\u2003\t\u00e9", max_size=24))
def test_the_personal_text_prefilter_finds_every_match(text: str) -> None:
    """The cheap search (either engine) finds at least what the exact search finds."""
    if PERSONAL_TEXT.search(text):
        assert re.search(MAYBE_PERSONAL_TEXT, text)
        assert pc.any(pc.match_substring_regex(pa.array([text]), MAYBE_PERSONAL_TEXT)).as_py()


# ---------------------------------------------------------------- whole workspaces


TX_EXTRA = [
    "TX-00001,2023-05-01,payment,{line},herefordshire,10.00,R-1,Provider,Duplicate id,",
    "TX-90002,2023-05-01,refund,{line},herefordshire,25.00,R-2,Provider,Wrong sign,",
    "TX-90003,2023-05-01,payment,{line},herefordshire,0,R-3,Provider,Zero,",
    "TX-90004,2023-05-01,payment,no-such-line,herefordshire,5.00,R-4,Provider,Unknown line,",
    "TX-90005,2023-05-01,payment,{line},herefordshire,5.00,R-5,Provider,Bad tranche,nope",
    "TX-90006,2023-05-01,payment,{line},herefordshire,5.00,R-6,Provider,Other tranche,{other}",
    "TX-90007,2023-05-01,payment,{line},atlantis,5.00,R-7,Provider,Unknown area,",
    "TX-90008,2023-05-01,payment,{line},shropshire_telford,5.00,R-8,Provider,Too early,",
    "TX-90009,2019-05-01,payment,{line},herefordshire,5.00,R-9,Provider,Outside,",
    "TX-90010,2023-05-01,payment,{line},herefordshire,9999999.00,R-10,Provider,Overspend,",
    "TX-90011,2023-05-01,payment,{line},herefordshire,5.00,SW1A 1AA,a@b.com,call 07700 900123,",
    "TX-90012,2023-02-30,payment,{line},herefordshire,5.00,R-12,Provider,Bad date,",
]
EP_EXTRA = [
    "EP-00001,CYP-90001,herefordshire,2023-05-01,police,12,group,referred,,,,,,,",
    "EP-90002,XYZ-1,herefordshire,2023-05-01,police,12,group,referred,,,,,,,",
    "EP-90003,CYP-90003,herefordshire,2023-05-01,police,12,group,engaged,2023-04-01,,,,,,",
    "EP-90004,CYP-90004,herefordshire,2023-05-01,police,12,group,completed,2023-06-01,2023-05-20,"
    ",,,,",
    "EP-90005,CYP-90005,herefordshire,2023-05-01,police,12,group,completed,2023-06-01,,,,,,",
    "EP-90006,CYP-90006,herefordshire,2023-05-01,police,12,group,engaged,,,,,,,",
    "EP-90007,CYP-90007,herefordshire,2023-05-01,police,12,group,engaged,2023-06-01,2023-07-01,"
    ",,,,",
    "EP-90008,CYP-90008,herefordshire,2023-05-01,police,12,group,declined,,,Y,,,,",
    "EP-90009,CYP-90009,herefordshire,2023-05-01,police,25,group,referred,,,,,,,",
    "EP-90010,CYP-90010,herefordshire,2023-05-01,rumour,12,group,referred,,,,,,,",
    "EP-90011,CYP-00001,herefordshire,2023-05-01,police,12,group,engaged,2023-06-01,,,,,,",
    "EP-90012,CYP-90012,atlantis,2019-05-01,police,12,group,referred,,,,,,,",
]
WS_EXTRA = ["WS-00001,2023-05-01,herefordshire,knitting,1,1,1"]


def workspace_with_problems(root: Path, quoted: bool = False) -> None:
    """A synthetic workspace with rows breaking every table rule; ``quoted``: one
    transaction's description quoted over two lines, so pyarrow cannot split the file."""
    generate(root, transactions=3_000, episodes=3_000, seed=11)
    ledger = root / "ledger"
    contract = (ledger / "contract.yaml").read_text(encoding="utf-8")
    lines = re.findall(r"\{id: ([\w.-]+-delivery), name", contract)
    other = re.search(r"\{id: ([\w.-]+-training-P01), line", contract)
    assert lines and other, "the synthetic contract changed shape"
    extra = [row.format(line=lines[0], other=other.group(1)) for row in TX_EXTRA]
    if quoted:
        extra.insert(
            3,
            extra[1]
            .replace("TX-90002", "TX-90100")
            .replace("Wrong sign", '"Wrong sign, and\nover two lines"'),
        )
    for name, rows in (("transactions", extra), ("outcomes", EP_EXTRA), ("workshops", WS_EXTRA)):
        path = ledger / f"{name}.csv"
        path.write_text(path.read_text(encoding="utf-8") + "\n".join(rows) + "\n")


def both_loads(
    root: Path, monkeypatch: pytest.MonkeyPatch, as_of: date, split: list[bool] | None = None
) -> tuple[Any, Any]:
    """(plain, fast) results of open_workspace; asserts which tables pyarrow split itself
    (``split``, every table by default). The plain load runs the checks one after
    another, the fast one side by side (``checks.SIDE_BY_SIDE_ROWS``), so comparing the
    two also holds the threads to the order and the problems of one thread."""
    monkeypatch.setattr(tables, "ARROW_MIN_BYTES", 1 << 62)
    monkeypatch.setattr(svdiversion.checks, "SIDE_BY_SIDE_ROWS", 1 << 62)
    plain = open_workspace(root, as_of=as_of)
    monkeypatch.setattr(svdiversion.checks, "SIDE_BY_SIDE_ROWS", 0)
    answered: list[bool] = []
    original = arrow_csv.read_rows

    def spy(*args: object) -> object:
        found = original(*args)  # type: ignore[arg-type]
        answered.append(found is not None)
        return found

    monkeypatch.setattr(tables, "ARROW_MIN_BYTES", 0)
    monkeypatch.setattr(arrow_csv, "read_rows", spy)
    fast = open_workspace(root, as_of=as_of)
    assert answered == (split or [True, True, True])
    return plain, fast


@pytest.mark.slow  # every rule on a large file, twice
@pytest.mark.parametrize("quoted", [False, True], ids=["split-by-pyarrow", "quoted"])
def test_every_rule_finds_the_same_problems_on_either_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoted: bool
) -> None:
    """Lists or arrow columns, a file pyarrow splits or one with quoted values (split by
    the csv module, then held in arrow): the same problems, on the same lines."""
    root = tmp_path / "ws"
    workspace_with_problems(root, quoted)
    split = [not quoted, True, True]
    plain, fast = both_loads(root, monkeypatch, date(2026, 6, 30), split)
    assert isinstance(plain.ledger.transactions.store, tables.ListColumns)
    assert isinstance(fast.ledger.transactions.store, arrow_store.ArrowColumns)
    assert fast.problems == plain.problems
    codes = {p.code for p in plain.problems}
    expected = {"E102", "E107", "E108", "E201", "E202", "E204", "E205", "E207", "E301"}
    expected |= {"E303", "E304", "E305", "E306", "E307", "E401", "E402", "W301", "W401", "W403"}
    assert expected <= codes, expected - codes
    # One as-of date inside the contract: rows after it are E302 on both.
    plain, fast = both_loads(root, monkeypatch, date(2024, 1, 31), split)
    assert fast.problems == plain.problems
    assert "E302" in {p.code for p in plain.problems}
    if quoted:  # the quoted row is on lines 3005-3006, so the next row is on 3007
        assert [p.line for p in plain.problems if p.code == "E401"] == [3003, 3004, 3005]
        assert [p.line for p in plain.problems if "'no-such-line'" in p.message] == [3007]


def test_reports_are_the_same_on_either_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    generate(root, transactions=3_000, episodes=3_000, seed=12)
    plain, fast = both_loads(root, monkeypatch, date(2026, 6, 30))
    assert not plain.problems and not fast.problems
    for as_of, window in (
        (date(2026, 6, 30), None),
        (date(2024, 11, 15), None),
        (date(2025, 6, 30), parse_quarter("2024/25-Q2")),
    ):
        options = ReportOptions(as_of=as_of, window=window)
        assert burndown(plain.ledger, options) == burndown(fast.ledger, options)
        assert outcomes(plain.ledger, options) == outcomes(fast.ledger, options)
        for successors in (False, True):
            assert areas_report(plain.ledger, options, successors=successors) == areas_report(
                fast.ledger, options, successors=successors
            )


@given(pairs=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=12))
def test_a_true_or_false_key_is_counted_alike_in_order(pairs: list[tuple[int, int]]) -> None:
    """A key that is true or false on every row (a pattern, an order of two columns) is
    counted by a sum on the fast path: the same counts, in order of first appearance."""
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    lists = tables.ListColumns({"a": a, "b": b})
    arrows = arrow_store.ArrowColumns(
        {
            "a": arrow_store.Plain(pa.array(a, pa.int64())),
            "b": arrow_store.Plain(pa.array(b, pa.int64())),
        }
    )
    key = [Less("a", "b")]
    expected = lists.aggregate(key, None, ("count",), None)
    assert list(arrows.aggregate(key, None, ("count",), None).items()) == list(expected.items())
