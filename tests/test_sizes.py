"""Small pieces: no module over 400 lines, no function over 60 (issue 14, item 5).

A module or function may be longer when a comment on its first lines says why::

    # size: declarative pydantic shapes, one per workspace file

For a module, the comment goes before its first statement (after the docstring); for a
function, between its ``def`` line and the first statement of its body. A long function
whose length is a table (column lists, a template) is a fair reason; a long computation
is not: split it into named pieces.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "svdiversion"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
MARKER = "# size:"


@dataclass(frozen=True, slots=True)
class Offender:
    where: str
    lines: int
    limit: int

    def __str__(self) -> str:
        return f"{self.where}: {self.lines} lines (limit {self.limit})"


def _has_marker(lines: list[str], first: int, last: int) -> bool:
    """Whether a ``# size:`` comment is on lines ``first`` to ``last`` (1-based)."""
    return any(line.strip().startswith(MARKER) for line in lines[first - 1 : last])


def _head_end(body: list[ast.stmt], default: int) -> int:
    """The last line before the first statement that is not a docstring."""
    rest = body[1:] if body and _is_docstring(body[0]) else body
    return rest[0].lineno - 1 if rest else default


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )


def _offenders_in(path: Path, root: Path = SRC) -> list[Offender]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    tree = ast.parse(text, filename=str(path))
    name = path.relative_to(root).as_posix()
    found = []
    if len(lines) > MAX_MODULE_LINES and not _has_marker(
        lines, 1, _head_end(tree.body, len(lines))
    ):
        found.append(Offender(name, len(lines), MAX_MODULE_LINES))
    for node, qualified in _functions(tree):
        assert node.end_lineno is not None
        size = node.end_lineno - node.lineno + 1
        if size > MAX_FUNCTION_LINES and not _has_marker(
            lines, node.lineno, _head_end(node.body, node.end_lineno)
        ):
            found.append(Offender(f"{name}:{node.lineno} {qualified}", size, MAX_FUNCTION_LINES))
    return found


def _functions(
    tree: ast.AST, prefix: str = ""
) -> list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """Every function and method, nested ones too, with a dotted name."""
    found: list[tuple[ast.FunctionDef | ast.AsyncFunctionDef, str]] = []
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.append((node, prefix + node.name))
            found += _functions(node, f"{prefix}{node.name}.")
        elif isinstance(node, ast.ClassDef):
            found += _functions(node, f"{prefix}{node.name}.")
        else:
            found += _functions(node, prefix)
    return found


def _offenders() -> list[Offender]:
    return [offender for path in sorted(PACKAGE.rglob("*.py")) for offender in _offenders_in(path)]


def test_modules_and_functions_are_small() -> None:
    offenders = _offenders()
    assert not offenders, (
        f"over {MAX_MODULE_LINES} lines a module, {MAX_FUNCTION_LINES} a function, without "
        f"a '{MARKER} <reason>' comment on its first lines:\n"
        + "\n".join(f"  {o}" for o in sorted(offenders, key=lambda o: -o.lines))
    )


def test_a_marker_exempts_a_function(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    module = tmp_path / "svdiversion" / "example.py"
    module.parent.mkdir()
    module.write_text(
        '"""An example."""\n\n'
        f"def marked():\n    {MARKER} a table\n{body}\n"
        f'def unmarked():\n    """Too long."""\n{body}',
        encoding="utf-8",
    )
    found = [str(o) for o in _offenders_in(module, tmp_path)]
    assert found == [
        f"svdiversion/example.py:{MAX_FUNCTION_LINES + 6} unmarked: 62 lines (limit 60)"
    ]


def test_a_marker_exempts_a_module(tmp_path: Path) -> None:
    body = "".join(f"x{i} = {i}\n" for i in range(MAX_MODULE_LINES))
    (tmp_path / "svdiversion").mkdir()
    marked = tmp_path / "svdiversion" / "marked.py"
    marked.write_text(f'"""A table."""\n\n{MARKER} a table\n\n{body}', encoding="utf-8")
    unmarked = tmp_path / "svdiversion" / "unmarked.py"
    unmarked.write_text(f'"""Too long."""\n\n{body}{MARKER} too late\n', encoding="utf-8")
    assert _offenders_in(marked, tmp_path) == []
    assert [str(o) for o in _offenders_in(unmarked, tmp_path)] == [
        f"svdiversion/unmarked.py: {MAX_MODULE_LINES + 3} lines (limit {MAX_MODULE_LINES})"
    ]


def test_no_assert_in_the_package() -> None:
    """``python -O`` drops asserts: a check the package relies on is an ``if`` that raises."""
    found = [
        f"{path.relative_to(SRC.parent)}:{node.lineno}"
        for path in sorted(SRC.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert found == []


def _docstring_after_code(tree: ast.Module) -> list[int]:
    """Lines of functions whose docstring comes after another statement (an import put
    at the top of the body), where Python no longer takes it for the docstring."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found += [
                node.lineno
                for statement in node.body[1:2]
                if isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ]
    return found


def test_every_docstring_comes_first() -> None:
    found = [
        f"{path.relative_to(SRC.parent)}:{line}"
        for path in sorted(SRC.rglob("*.py"))
        for line in _docstring_after_code(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert found == []
    assert _docstring_after_code(ast.parse('def f():\n    import os\n    """Doc."""\n')) == [1]
