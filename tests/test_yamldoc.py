"""Safe YAML with line numbers: duplicate keys, bounded aliases, Decimal numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from helpers import inline
from svdiversion.core.problems import Problem
from svdiversion.load.yamldoc import MAX_ALIASES, read_yaml


def read(tmp_path: Path, text: str | bytes):
    file = tmp_path / "doc.yaml"
    file.write_bytes(text if isinstance(text, bytes) else inline(text).encode("utf-8"))
    return read_yaml(file, "config/doc.yaml")


def test_values_and_their_positions(tmp_path: Path) -> None:
    doc, problems = read(
        tmp_path,
        """
        # a comment
        decisions:
          - id: D1
            total: 600000.00
            start: 2023-07-01
            lines: [{id: a, amount: 538496.32}]
        """,
    )
    assert problems == []
    assert doc is not None
    assert doc.data == {
        "decisions": [
            {
                "id": "D1",
                "total": Decimal("600000.00"),
                "start": date(2023, 7, 1),
                "lines": [{"id": "a", "amount": Decimal("538496.32")}],
            }
        ]
    }
    assert doc.locate(("decisions", 0, "total")) == (4, 12)
    assert doc.locate(("decisions", 0, "lines", 0, "amount")) == (6, 29)
    # A key that is not there is located at its nearest ancestor.
    assert doc.locate(("decisions", 0, "provider")) == (3, 5)
    assert doc.locate(("nowhere",)) == (2, 1)


def test_money_is_never_a_binary_float(tmp_path: Path) -> None:
    doc, _ = read(tmp_path, "a: 0.10\nb: 1_000.50\nc: 3\nd: .inf\n")
    assert doc is not None
    assert doc.data["a"] == Decimal("0.10") and isinstance(doc.data["a"], Decimal)
    assert doc.data["b"] == Decimal("1000.50")
    assert doc.data["c"] == 3 and isinstance(doc.data["c"], int)
    assert doc.data["d"] == ".inf"  # left as text, which no money field accepts


def test_duplicate_keys_are_reported_and_the_first_kept(tmp_path: Path) -> None:
    doc, problems = read(
        tmp_path,
        """
        total: 600000.00
        lines:
          - id: a
            id: b
        total: 1.00
        """,
    )
    assert doc is not None
    assert doc.data == {"total": Decimal("600000.00"), "lines": [{"id": "a"}]}
    assert problems == [
        Problem(
            "config/doc.yaml",
            4,
            5,
            "E004",
            "duplicate key 'id' (first given on line 3)",
            "YAML keeps only the last of two equal keys; remove or rename one of them",
        ),
        Problem(
            "config/doc.yaml",
            5,
            1,
            "E004",
            "duplicate key 'total' (first given on line 1)",
            "YAML keeps only the last of two equal keys; remove or rename one of them",
        ),
    ]


def test_billion_laughs_is_refused(tmp_path: Path) -> None:
    rows = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [{', '.join(['*' + previous] * 9)}]")
    doc, problems = read(tmp_path, "\n".join(rows) + "\n")
    assert doc is None
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("E005", 1, f"the document uses more than {MAX_ALIASES} aliases")
    ]


def test_a_few_aliases_are_allowed(tmp_path: Path) -> None:
    doc, problems = read(tmp_path, "base: &b {area: north}\none: *b\ntwo: *b\n")
    assert problems == []
    assert doc is not None
    assert doc.data == {
        "base": {"area": "north"},
        "one": {"area": "north"},
        "two": {"area": "north"},
    }


def test_merge_keys_are_refused(tmp_path: Path) -> None:
    doc, problems = read(tmp_path, "base: &b {area: north}\nrow:\n  <<: *b\n  amount: 1.00\n")
    assert doc is None
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("E005", 3, 3, "merge keys (<<) are not supported in ledger files")
    ]


def test_no_arbitrary_objects(tmp_path: Path) -> None:
    doc, problems = read(tmp_path, "a: 1\nb: !!python/name:os.system x\n")
    assert doc is None
    assert problems == [
        Problem(
            "config/doc.yaml",
            2,
            4,
            "E003",
            "YAML error: could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/name:os.system'",
            "write plain values: YAML tags (!!...) are not allowed in ledger files",
        )
    ]


def test_a_date_that_does_not_exist_is_left_as_text(tmp_path: Path) -> None:
    doc, problems = read(tmp_path, "end: 2025-02-30\nstart: 2024-02-29\n")
    assert problems == []
    assert doc is not None
    assert doc.data == {"end": "2025-02-30", "start": date(2024, 2, 29)}


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: [1, 2\nb: 3\n", 2, 2, "YAML syntax error: expected ',' or ']', but got ':'"),
        (
            "a:\n\t- 1\n",
            2,
            1,
            "YAML syntax error: found character '\\t' that cannot start any token",
        ),
        ("a: 'open\n", 2, 1, "YAML syntax error: found unexpected end of stream"),
    ],
)
def test_syntax_errors_are_located(
    tmp_path: Path, text: str, line: int, column: int, message: str
) -> None:
    doc, problems = read(tmp_path, text)
    assert doc is None
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("E003", line, column, message)
    ]


def test_a_key_that_is_not_a_name(tmp_path: Path) -> None:
    doc, problems = read(tmp_path, "? [a, b]\n: 1\nc: 2\n")
    assert doc is not None and doc.data == {"c": 2}
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("E003", 1, 3, "a mapping key must be a plain name")
    ]


def test_empty_document_is_an_empty_mapping(tmp_path: Path) -> None:
    doc, problems = read(tmp_path, "# only a comment\n")
    assert problems == []
    assert doc is not None and doc.data == {}


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    doc, problems = read(tmp_path, b"\xef\xbb\xbfa: 1\r\nb: x\r\n")
    assert problems == []
    assert doc is not None and doc.data == {"a": 1, "b": "x"}
    assert doc.locate(("b",)) == (2, 4)


def test_missing_file(tmp_path: Path) -> None:
    doc, problems = read_yaml(tmp_path / "absent.yaml", "config/areas.yaml")
    assert doc is None
    assert problems == [
        Problem(
            "config/areas.yaml",
            0,
            0,
            "E001",
            "file not found",
            "create config/areas.yaml (see docs/ledger-format.md), or pass -C DIR to use "
            "another workspace",
        )
    ]


def test_not_utf8_is_located(tmp_path: Path) -> None:
    doc, problems = read(tmp_path, "# £ is fine in UTF-8\nname: Caf\xe9\n".encode("latin-1"))
    assert doc is None
    assert [(p.code, p.line, p.column, p.message) for p in problems] == [
        ("E002", 1, 3, "cannot read file: not UTF-8 (byte 0xA3 at offset 2)")
    ]


def test_a_folder_where_a_file_should_be(tmp_path: Path) -> None:
    (tmp_path / "doc.yaml").mkdir()
    doc, problems = read_yaml(tmp_path / "doc.yaml", "config/doc.yaml")
    assert doc is None
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("E002", 0, "cannot read file: Is a directory")
    ]
