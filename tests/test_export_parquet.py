"""``export parquet``: the tidy table and the ledger rows as Parquet, read back with
pyarrow and compared with ``export csv`` made with the same options."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from helpers import run_cli, run_unprivileged
from svdiversion.render.cells import inert

REPORTS = ("burndown", "areas", "outcomes", "vfm")


def export(root: Path, kind: str, out: Path, *options: str) -> None:
    code, _, err = run_cli("-C", str(root), "export", kind, *options, "--out", str(out))
    assert code == 0, err


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def as_csv(record: dict[str, Any]) -> dict[str, str]:
    """A Parquet row as the CSV writes it: nulls empty, booleans words, text inert."""
    shown = {}
    for key, value in record.items():
        if value is None:
            shown[key] = ""
        elif isinstance(value, bool):
            shown[key] = "true" if value else "false"
        elif isinstance(value, Decimal):
            shown[key] = f"{value:.2f}"
        elif isinstance(value, str) and (key != "value" or record.get("unit") == "text"):
            shown[key] = inert(value)  # text from the ledger; a money string is not text
        else:
            shown[key] = str(value)
    return shown


@pytest.mark.slow  # two exports per case
@pytest.mark.parametrize(
    "options",
    [
        ("--quarter", "2024/25-Q2"),
        ("--quarter", "2024/25-Q4", "--disclosure", "internal"),
        ("--as-of", "2024-09-30"),
        ("--as-of", "2024-09-14"),  # published, both stand at the month end before it
    ],
    ids=["q2 published", "q4 internal", "contract to date", "mid-month published"],
)
def test_parquet_holds_what_the_csv_export_holds(
    shipped: Path, tmp_path: Path, options: tuple[str, ...]
) -> None:
    export(shipped, "csv", tmp_path / "csv", *options)
    export(shipped, "parquet", tmp_path / "parquet", *options)
    tidy = pq.read_table(tmp_path / "parquet" / "tidy.parquet")
    assert tidy.schema.field("total").type == pa.bool_()
    assert tidy.schema.field("value").type == pa.string()
    expected = [row for name in REPORTS for row in csv_rows(tmp_path / "csv" / f"{name}.csv")]
    assert [as_csv(r) for r in tidy.to_pylist()] == expected
    internal = "internal" in options
    rows = ["transactions", "episodes"] if internal else ["transactions"]
    assert sorted(p.name for p in (tmp_path / "parquet").iterdir()) == sorted(
        ["tidy.parquet", *(f"{name}.parquet" for name in rows)]
    )
    for name in rows:
        table = pq.read_table(tmp_path / "parquet" / f"{name}.parquet")
        assert [as_csv(r) for r in table.to_pylist()] == csv_rows(tmp_path / "csv" / f"{name}.csv")


@pytest.mark.slow  # an export and its reading
def test_transactions_are_typed_and_exact(shipped: Path, tmp_path: Path) -> None:
    export(shipped, "parquet", tmp_path / "out", "--quarter", "2024/25-Q2")
    table = pq.read_table(tmp_path / "out" / "transactions.parquet")
    assert table.schema.field("date").type == pa.date32()
    assert table.schema.field("amount").type == pa.decimal128(18, 2)
    assert sum(table.column("amount").to_pylist()) == Decimal("75363.83")
    export(shipped, "parquet", tmp_path / "all", "--as-of", "2025-03-31")
    table = pq.read_table(tmp_path / "all" / "transactions.parquet")
    assert None in table.column("area").to_pylist()  # the evaluation is tied to no area


def test_published_parquet_shows_only_published_counts(shipped: Path, tmp_path: Path) -> None:
    """The same disclosure control as the CSV: no exact count of children gets out."""
    export(shipped, "parquet", tmp_path / "out", "--quarter", "2024/25-Q2")
    tidy = pq.read_table(tmp_path / "out" / "tidy.parquet").to_pylist()
    counts = [
        r["value"]
        for r in tidy
        if r["unit"] == "count" and r["report"] in ("areas", "outcomes", "vfm")
        if not (r["table"] == "workshops" and r["column"] == "sessions")
    ]
    assert counts
    assert all(v == "[c]" or int(v) % 5 == 0 for v in counts)
    assert not (tmp_path / "out" / "episodes.parquet").exists()


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("ledger/transactions.csv", "transactions.csv: it is inside the workspace's ledger"),
        ("config", "config: it is inside the workspace's ledger or config folder"),
        ("ledger", "ledger: it is inside the workspace's ledger or config folder"),
        ("notes.txt", "notes.txt: it is a file"),
    ],
)
def test_out_at_an_input_or_a_file_is_exit_2_and_writes_nothing(
    shipped: Path, out: str, message: str
) -> None:
    (shipped / "notes.txt").write_text("a file, not a folder\n")
    before = {p: p.stat().st_mtime_ns for p in shipped.rglob("*")}
    code, stdout, err = run_cli(
        "-C",
        str(shipped),
        "export",
        "parquet",
        "--as-of",
        "2024-09-30",
        "--out",
        str(shipped / out),
    )
    assert (code, stdout) == (2, "")
    assert message in err
    assert "Traceback" not in err
    assert {p: p.stat().st_mtime_ns for p in shipped.rglob("*")} == before


@pytest.mark.slow  # a process of its own, bound by file permissions
def test_out_in_a_read_only_folder_is_exit_2_and_writes_nothing(shipped: Path) -> None:
    root = shipped
    folder = root / "returns"
    folder.mkdir()
    folder.chmod(0o555)
    target = folder / "q2"
    done = run_unprivileged(
        "-C", str(root), "export", "parquet", "--quarter", "2024/25-Q2", "--out", str(target)
    )
    assert done.returncode == 2, done.stderr
    assert f"cannot write {target}: permission denied" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(folder.iterdir()) == []
