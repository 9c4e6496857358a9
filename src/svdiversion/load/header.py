"""A CSV header against its row model: required, unknown, repeated, padded and
personal-looking columns, and the type each column is validated with."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ..core.codes import Code
from ..core.problems import Problem


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What a table must look like: its row model and how to treat extra columns.

    ``extra`` is called with a column name that is not a model field; it returns the
    type to validate that column with, or ``None`` when the column is not allowed.
    """

    model: type[BaseModel]
    extra: Callable[[str], Any] | None = None
    unknown_code: str = Code.E008
    pence_from: str | None = None
    """An amount column: the table gets a ``pence`` column (signed int pence) from it."""


# Column names that suggest personal data. Ledger files hold pseudonymous references only.
PERSONAL_DATA = re.compile(
    r"^(name|child_?name|cyp_?name|(first|last|full|sur|fore|given|family)_?name|surname|forename"
    r"|dob|d_o_b|date_?of_?birth|birth_?date|birthday|address.*|home_?address|street|postcode"
    r"|post_?code|zip_?code|e_?mail.*|phone.*|telephone|mobile.*|tel|nhs_?number|ni_?number"
    r"|national_?insurance.*|upn|uln)$",
    re.IGNORECASE,
)


def padded_names(display: str, line: int, names: list[str]) -> list[Problem]:
    """E008 for a column name with spaces around it: a spreadsheet or a script that
    reads the file by name would not find the column. The name is read without them,
    so the rest of the file is still checked."""
    return [
        Problem(
            display,
            line,
            position + 1,
            Code.E008,
            f"column {name!r} has spaces around its name",
            f"write it as {name.strip()!r}, without spaces",
        )
        for position, name in enumerate(names)
        if name != name.strip()
    ]


def check_header(
    display: str, line: int, header: tuple[str, ...], spec: TableSpec
) -> tuple[dict[str, Any], list[Problem]]:
    """The type to validate each known column with, and the header's problems: a column
    repeated (E008), looking like personal data (E010) or unknown, then the required
    columns missing (E007) or out of the documented order (E009)."""
    problems: list[Problem] = []
    types: dict[str, Any] = {}
    seen: set[str] = set()
    for position, name in enumerate(header):
        at = (display, line, position + 1)
        if name in seen:
            problems.append(Problem(*at, Code.E008, f"column {name!r} appears twice", _REMOVE))
        seen.add(name)
        kind = _column_type(name, spec)
        if PERSONAL_DATA.search(name):
            problems.append(
                Problem(*at, Code.E010, f"column {name!r} looks like personal data", _PERSONAL)
            )
        elif kind is not None:
            types[name] = kind
        else:
            problems.append(
                Problem(*at, spec.unknown_code, f"unknown column {name!r}", columns_hint(spec))
            )
    problem = _layout_problem(display, line, header, spec)
    return types, problems + ([problem] if problem else [])


_REMOVE = "remove one of them"
_PERSONAL = "ledger files hold pseudonymous references only: remove the column and its values"


def _column_type(name: str, spec: TableSpec) -> Any:
    """The type a column is validated with: its model field's, or the spec's type for an
    extra column (an outcome measure); ``None`` for a column the table does not have."""
    fields = spec.model.model_fields
    if name in fields:
        return _field_type(fields[name])
    return spec.extra(name) if spec.extra is not None else None


def _layout_problem(
    display: str, line: int, header: tuple[str, ...], spec: TableSpec
) -> Problem | None:
    """E007 when required columns are missing, else E009 when the model's columns are
    not first and in the documented order (a repeated name counts where it first is)."""
    fields = spec.model.model_fields
    positions: dict[str, int] = {}
    for position, name in enumerate(header):
        positions.setdefault(name, position)
    missing = [
        name for name, info in fields.items() if info.is_required() and name not in positions
    ]
    if missing:
        return Problem(
            display,
            line,
            1,
            Code.E007,
            f"missing column{'s' if len(missing) > 1 else ''}: " + ", ".join(missing),
            columns_hint(spec),
        )
    order = [positions[name] for name in fields if name in positions]
    if order != sorted(order) or order != list(range(len(order))):
        return Problem(
            display,
            line,
            1,
            Code.E009,
            "columns are not in the documented order",
            columns_hint(spec),
        )
    return None


def _field_type(info: FieldInfo) -> Any:
    """The field's full type: pydantic keeps ``Annotated`` metadata apart from the annotation."""
    if not info.metadata:
        return info.annotation
    return Annotated[(info.annotation, *info.metadata)]


def columns_hint(spec: TableSpec) -> str:
    names = list(spec.model.model_fields)
    return "the header is: " + ",".join(names) + (" (then measure columns)" if spec.extra else "")
