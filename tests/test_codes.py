"""The problem codes: one registry (``core.codes.Code``), every code emitted in ``src/``
registered, documented in ``docs/checks.md`` and shown by a case of a bad-input corpus.

The codes emitted are read from the source: every ``Code.X`` outside the registry. A
code written as a bare string (``"E401"``) is refused, so none can bypass the registry.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

import test_corpus
import test_corpus_reconcile
from svdiversion.core.codes import CHECK_CODES, RECONCILE_CODES, Code

SRC = Path(__file__).resolve().parent.parent / "src" / "svdiversion"
REGISTRY = SRC / "core" / "codes.py"
DOCS = SRC.parent.parent / "docs" / "checks.md"
CODE_TEXT = re.compile(r"[EW]\d{3}")


@cache
def sources() -> list[tuple[str, ast.Module]]:
    """Every module of the package but the registry, parsed (once: two tests read them)."""
    return [
        (path.relative_to(SRC.parent).as_posix(), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(SRC.rglob("*.py"))
        if path != REGISTRY
    ]


def emitted_codes() -> dict[str, list[str]]:
    """Each ``Code.X`` used in the source, with where (``file:line``)."""
    used: dict[str, list[str]] = {}
    for name, tree in sources():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "Code"
                and CODE_TEXT.fullmatch(node.attr)
            ):
                used.setdefault(node.attr, []).append(f"{name}:{node.lineno}")
    return used


def test_no_code_is_written_as_a_bare_string() -> None:
    bare = [
        f"{name}:{node.lineno}: {node.value!r}"
        for name, tree in sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and CODE_TEXT.fullmatch(node.value)
    ]
    assert bare == [], "use the constant of core/codes.py (Code.E401), not the code's text"


def test_every_code_emitted_is_registered_and_every_registered_code_emitted() -> None:
    emitted = emitted_codes()
    unregistered = {code: where for code, where in emitted.items() if code not in Code.__members__}
    assert unregistered == {}
    assert sorted(Code.__members__) == sorted(emitted), "a registered code nothing emits"


def test_the_registry_is_in_order_and_each_member_is_its_own_name() -> None:
    assert [code.value for code in Code] == list(Code.__members__)
    assert list(CHECK_CODES) == sorted(CHECK_CODES, key=lambda c: (c[0] == "W", c))
    assert all(code.summary and not code.summary.endswith(".") for code in Code)
    assert set(CHECK_CODES) | set(RECONCILE_CODES) == set(Code)
    assert not set(CHECK_CODES) & set(RECONCILE_CODES)


def documented_rows() -> list[tuple[str, str]]:
    """``(code, severity)`` of each row of the code tables in docs/checks.md."""
    text = DOCS.read_text(encoding="utf-8")
    return re.findall(r"^\| `([EW]\d{3})` \| (\w+) \|", text, re.MULTILINE)


def test_every_code_is_documented_once_and_nothing_else_is() -> None:
    documented = [code for code, _ in documented_rows()]
    assert sorted(documented) == sorted(Code)
    assert len(documented) == len(set(documented))


@pytest.mark.parametrize(("code", "severity"), documented_rows())
def test_documented_severity_matches_the_code(code: str, severity: str) -> None:
    assert severity == ("warning" if code.startswith("W") else "error")


def test_every_check_code_has_a_case_of_the_check_corpus_and_every_case_a_code() -> None:
    cased = {case.code for case in test_corpus.CASES if case.code != "OK"}
    assert sorted(cased) == sorted(CHECK_CODES)


def test_every_reconcile_code_has_a_case_of_the_reconcile_corpus() -> None:
    cased = {case.code for case in test_corpus_reconcile.CASES}
    assert sorted(cased) == sorted(RECONCILE_CODES)
