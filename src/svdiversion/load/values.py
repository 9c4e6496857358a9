"""Text from a CSV field to a typed value, and a value that does not parse to a problem.

Both stores of a table (``core.table.ListColumns`` and ``load.arrow_csv``) parse a
column's distinct values here and report the ones that fail here, so a bad value is
worded, coded and located the same way whichever store holds the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from types import GenericAlias
from typing import Any, cast

from pydantic import TypeAdapter, ValidationError

from ..core.codes import Code
from ..core.models import IsoDate, OptionalIsoDate
from ..core.problems import Problem

Bad = list[tuple[int, int, str, str]]
"""Values that do not parse: ``(field position, row, text, error)``."""


def parse_distinct(annotation: Any, values: list[str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Validate each distinct value once; return value -> parsed, and value -> error."""
    distinct = list(dict.fromkeys(values))
    adapter = _list_adapter(annotation)
    try:
        return dict(zip(distinct, adapter.validate_python(distinct), strict=True)), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for error in exc.errors(include_url=False):
            value = distinct[int(error["loc"][0])]
            errors.setdefault(value, "a value is required" if value == "" else _error_text(error))
    good = [v for v in distinct if v not in errors]
    return dict(zip(good, adapter.validate_python(good), strict=True)), errors


def _error_text(error: Any) -> str:
    message = str(error["msg"])
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if error["type"] == "string_pattern_mismatch":
        return "not a valid identifier (letters, digits and _ . - / only)"
    if error["type"] == "enum" and "expected" in error.get("ctx", {}):
        return f"must be one of {error['ctx']['expected']}"
    return message[0].lower() + message[1:] if message else "invalid value"


def _value_code(name: str, annotation: Any) -> Code:
    """E102 for dates, E103 for amounts, E101 for any other value of the wrong shape."""
    if name == "amount":
        return Code.E103
    return Code.E102 if annotation in (IsoDate, OptionalIsoDate) else Code.E101


def _type_hint(name: str, annotation: Any) -> str:
    code = _value_code(name, annotation)
    if code == Code.E102:
        return "write dates as YYYY-MM-DD, e.g. 2024-09-30"
    if code == Code.E103:
        return "write amounts as plain pounds with at most two decimals, e.g. 1234.50 or -25.00"
    return f"correct the {name} value (see docs/ledger-format.md)"


def _show(value: str) -> str:
    return repr(value) if value else "an empty value"


@cache
def _list_adapter(annotation: Any) -> TypeAdapter[list[Any]]:
    # list[annotation], built at run time (a variable is no type to a checker)
    return TypeAdapter(cast(Any, GenericAlias(list, (annotation,))))


def value_problems(
    display: str, header: Sequence[str], types: dict[str, Any], lines: Sequence[int], bad: Bad
) -> list[Problem]:
    """One problem per bad value ``(field position, row, text, error)``: the one place a
    value that does not parse becomes a problem, whichever store holds the table."""
    problems = []
    for position, row, value, error in bad:
        name = header[position]
        annotation = types[name]
        problems.append(
            Problem(
                display,
                lines[row],
                position + 1,
                _value_code(name, annotation),
                f"{name}: {error} (got {_show(value)})",
                _type_hint(name, annotation),
            )
        )
    return problems
