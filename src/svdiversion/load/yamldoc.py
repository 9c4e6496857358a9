"""Safe YAML with a location for every value.

PyYAML's safe loader silently keeps the last of two equal keys and expands aliases
without limit. This module composes the node graph with ``yaml.SafeLoader`` (no
arbitrary objects), then builds plain Python values itself so that it can:

* report duplicate keys, with both lines;
* bound aliases, so a crafted file ("billion laughs") cannot exhaust memory;
* read numbers with a fraction as ``Decimal``: money is never a binary float;
* remember the line and column of every value, keyed by its path
  (``("decisions", 0, "lines", 2, "amount")``), to locate validation errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from ..core.codes import Code
from ..core.problems import Problem
from .limits import MAX_YAML_BYTES, refused

MAX_ALIASES = 100
MAX_NODES = 200_000
NOT_PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("binary", "set", "omap", "pairs")
)
"""Tags safe YAML knows that make a value no rule or report expects (``!!binary`` makes
bytes, which pydantic would turn into text that no longer points back to its line): a
ledger file holds mappings, lists, text, numbers, yes/no, empty values and dates only.
Any other tag safe YAML refuses by itself."""
MAX_DEPTH = 64
"""Nesting of lists and mappings; a ledger file needs about six levels. Deeper documents
are refused before they are built, so no parser or builder recursion can overflow."""

PathKey = tuple[str | int, ...]


@dataclass(slots=True)
class YamlDoc:
    """A parsed document: ``data`` plus the 1-based (line, column) of every path in it."""

    path: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)

    def locate(self, key: PathKey) -> tuple[int, int]:
        """The position of ``key``, or of its nearest ancestor that has one."""
        while key:
            if key in self.marks:
                return self.marks[key]
            key = key[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, key: PathKey, code: str, message: str, hint: str = "") -> Problem:
        line, column = self.locate(key)
        return Problem(self.path, line, column, code, message, hint)


class _Limit(Exception):
    def __init__(self, node: yaml.Node, message: str) -> None:
        super().__init__(message)
        self.node = node


class _Builder:
    def __init__(self, path: str) -> None:
        self.path = path
        self.marks: dict[PathKey, tuple[int, int]] = {}
        self.problems: list[Problem] = []
        self.nodes = 0
        self.aliases = 0
        self.seen: set[int] = set()
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, key: PathKey) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _Limit(node, f"the document has more than {MAX_NODES:,} values")
        if id(node) in self.seen:
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                raise _Limit(node, f"the document uses more than {MAX_ALIASES} aliases")
        self.seen.add(id(node))
        self.marks[key] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag in NOT_PLAIN_TAGS:
            raise yaml.constructor.ConstructorError(
                None, None, f"the tag {node.tag!r} is not a plain value", node.start_mark
            )
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, key)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*key, i)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, key: PathKey) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _Limit(key_node, "merge keys (<<) are not supported in ledger files")
            name = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(name, str | int) or isinstance(name, bool):
                self._problem(key_node, Code.E003, "a mapping key must be a plain name", "")
                continue
            line = key_node.start_mark.line + 1
            if name in result:
                self._problem(
                    key_node,
                    Code.E004,
                    f"duplicate key {name!r} (first given on line {first_line[name]})",
                    "YAML keeps only the last of two equal keys; remove or rename one of them",
                )
                continue
            first_line[name] = line
            result[name] = self.build(value_node, (*key, name))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag == "tag:yaml.org,2002:str":
            return node.value  # what the constructor returns, without its dispatch
        if node.tag == "tag:yaml.org,2002:float":
            try:
                return Decimal(node.value.replace("_", ""))
            except InvalidOperation:
                return node.value
        try:
            return self.constructor.construct_object(node, deep=True)
        except ValueError:  # a date that does not exist, such as 2025-02-30
            return node.value  # left as text: validation reports it, located

    def _problem(self, node: yaml.Node, code: str, message: str, hint: str) -> None:
        mark = node.start_mark
        self.problems.append(
            Problem(self.path, mark.line + 1, mark.column + 1, code, message, hint)
        )


def read_yaml(file: Path, display: str) -> tuple[YamlDoc | None, list[Problem]]:
    """Parse ``file``; on any failure return ``None`` and located problems, never raise.
    The stages: the file's size and kind, its bytes as UTF-8, its nesting depth, the
    node graph, then plain values with a location for each."""
    over = refused(file, display, MAX_YAML_BYTES, "YAML")
    if over is not None:
        return None, [over]
    text, problem = _text(file, display)
    if problem is not None:
        return None, [problem]
    too_deep = _deeper_than(text, MAX_DEPTH)
    if too_deep is not None:
        return None, [
            Problem(
                display,
                *too_deep,
                Code.E005,
                f"the document nests lists and mappings more than {MAX_DEPTH} levels deep",
                "ledger files need only a few levels: check the brackets and indentation here",
            )
        ]
    try:
        root = _compose(text)
    except yaml.YAMLError as exc:
        return None, [_syntax_problem(display, text, exc)]
    if root is None:
        return YamlDoc(display, {}, {(): (1, 1)}), []
    builder = _Builder(display)
    try:
        data = builder.build(root, ())
    except (_Limit, yaml.YAMLError) as exc:
        return None, [_build_problem(display, exc)]
    return YamlDoc(display, data, builder.marks), builder.problems


def _text(file: Path, display: str) -> tuple[str, Problem | None]:
    """The file's text, or the problem that stops it being read (E001, E002)."""
    try:
        return file.read_bytes().decode("utf-8-sig"), None
    except FileNotFoundError:
        return "", Problem(display, 0, 0, Code.E001, "file not found", _create_hint(display))
    except (OSError, UnicodeDecodeError) as exc:
        return "", Problem(
            display,
            *_position(exc),
            Code.E002,
            f"cannot read file: {_reason(exc)}",
            "save it as UTF-8 text and check its permissions",
        )


def _syntax_problem(display: str, text: str, exc: yaml.YAMLError) -> Problem:
    """E003 for a document the parser refuses, at the line and column it gave up."""
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(display, text, exc)
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(display, 0, 0, Code.E003, f"YAML syntax error: {exc}", "")
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return Problem(
        display,
        line,
        column,
        Code.E003,
        f"YAML syntax error: {exc.problem or exc.context}",
        "check indentation, colons and quotes on this line and the one above",
    )


def _build_problem(display: str, exc: _Limit | yaml.YAMLError) -> Problem:
    """E005 for aliases, values or merge keys over the limits; E003 for a tag such as
    ``!!python/name:`` that safe YAML refuses."""
    if isinstance(exc, _Limit):
        mark = exc.node.start_mark
        return Problem(
            display,
            mark.line + 1,
            mark.column + 1,
            Code.E005,
            str(exc),
            "write the values out instead of using anchors and aliases",
        )
    if not isinstance(exc, yaml.MarkedYAMLError):
        return Problem(display, 0, 0, Code.E003, f"YAML error: {exc}", "")
    where = exc.problem_mark or exc.context_mark
    return Problem(
        display,
        where.line + 1 if where else 0,
        where.column + 1 if where else 0,
        Code.E003,
        f"YAML error: {exc.problem or exc.context}",
        "write plain values: YAML tags (!!...) are not allowed in ledger files",
    )


def _deeper_than(text: str, limit: int) -> tuple[int, int] | None:
    """Where the document first nests deeper than ``limit`` (1-based line and column),
    from its parse events: both parsers keep an explicit stack, so this cannot overflow.
    ``None`` when it does not, or when it is malformed before that (composing it reports
    the error). libyaml gives up on some deep documents before its first event, so a
    document it refuses is scanned again by the pure-Python parser."""
    loaders = [getattr(yaml, "CSafeLoader", None), yaml.SafeLoader]
    for loader in [known for known in loaders if known is not None]:
        depth = 0
        try:
            for event in yaml.parse(text, Loader=loader):
                if isinstance(event, yaml.CollectionStartEvent):
                    depth += 1
                    mark = event.start_mark
                    if depth > limit and mark is not None:
                        return mark.line + 1, mark.column + 1
                elif isinstance(event, yaml.CollectionEndEvent):
                    depth -= 1
        except yaml.YAMLError:
            continue
        return None
    return None


def _reader_problem(display: str, text: str, exc: yaml.reader.ReaderError) -> Problem:
    """A character YAML does not allow (a control character, say), at its line and
    column: PyYAML's reader gives only an offset into the text."""
    offset = min(max(exc.position, 0), len(text))
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    character = (
        exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or " ")
    )
    return Problem(
        display,
        line,
        column,
        Code.E003,
        f"YAML does not allow the control character U+{character:04X} here",
        'delete it; to put it in a value write an escape in double quotes, e.g. "\\t"',
    )


def _position(exc: BaseException) -> tuple[int, int]:
    """Line and column of the first byte that is not UTF-8; ``(0, 0)`` for other errors."""
    if not isinstance(exc, UnicodeDecodeError):
        return 0, 0
    data = exc.object
    start = data.rfind(b"\n", 0, exc.start) + 1
    return data.count(b"\n", 0, exc.start) + 1, len(data[start : exc.start].decode()) + 1


def _compose(text: str) -> yaml.Node | None:
    """The node graph, by libyaml when PyYAML has it (ten times faster on a long contract).

    A document libyaml rejects is composed again by the pure-Python parser, so a syntax
    error is always worded and located the same way."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not UTF-8 (byte 0x{exc.object[exc.start]:02X} at offset {exc.start})"
    return exc.strerror or str(exc) if isinstance(exc, OSError) else str(exc)


def _create_hint(display: str) -> str:
    return f"create {display} (see docs/ledger-format.md), or pass -C DIR to use another workspace"


def shape_problems(doc: YamlDoc, exc: ValidationError) -> list[Problem]:
    """One located problem per pydantic error, in the user's words."""
    problems = []
    for error in exc.errors(include_url=False):
        key = tuple(part for part in error["loc"] if isinstance(part, str | int))
        where = ".".join(str(part) for part in key) or "the document"
        if error["type"] == "extra_forbidden":
            problems.append(
                doc.problem(
                    key,
                    Code.E111,
                    f"unknown key {key[-1]!r} in {_parent(key)}",
                    "remove it or correct its spelling (see docs/ledger-format.md)",
                )
            )
        elif error["type"] == "missing":
            problems.append(
                doc.problem(
                    key[:-1],
                    Code.E112,
                    f"missing key {key[-1]!r} in {_parent(key)}",
                    f"add {key[-1]}: (see docs/ledger-format.md)",
                )
            )
        else:
            floor = key[:1] == ("disclosure",) and error["type"] == "greater_than_equal"
            problems.append(
                doc.problem(
                    key,
                    Code.E110,
                    f"{where}: {_in_words(error)}",
                    "the disclosure policy cannot be set below its floor (see docs/disclosure.md)"
                    if floor
                    else "correct the value (see docs/ledger-format.md)",
                )
            )
    return problems


def _in_words(error: Any) -> str:
    """pydantic's message for a value, as the rest of the tool words it."""
    context = error.get("ctx", {})
    words = {
        "greater_than_equal": f"must be at least {context.get('ge')}",
        "less_than_equal": f"must be at most {context.get('le')}",
        "greater_than": f"must be more than {context.get('gt')}",
        "less_than": f"must be less than {context.get('lt')}",
        "int_parsing": "must be a whole number",
        "int_type": "must be a whole number",
        "bool_parsing": "must be true or false",
        "bool_type": "must be true or false",
        "string_type": "must be text",
        "list_type": "must be a list",
        "dict_type": "must be a mapping of keys to values",
        "literal_error": f"must be one of {context.get('expected')}",
        "enum": f"must be one of {context.get('expected')}",
    }.get(error["type"])
    if words:
        return f"{words}, not {error.get('input')!r}" if "input" in error else words
    return str(error["msg"]).removeprefix("Value error, ")


def as_written_by_the_tool(problems: Iterable[Problem], code: Code, hint: str) -> list[Problem]:
    """The problems of a file that only svdiversion writes (``ledger/closes.yaml``,
    ``ledger/shares.yaml``), each under that file's own code and hint: the message still
    says what is wrong, and the fix is always the same (restore the file). A file that
    cannot be read at all keeps E002, which stops the check (exit 2)."""
    return [p if p.code == Code.E002 else replace(p, code=code, hint=hint) for p in problems]


def _parent(key: tuple[str | int, ...]) -> str:
    parent = ".".join(str(part) for part in key[:-1])
    return parent or "the document"
