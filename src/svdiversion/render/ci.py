"""Problems for CI systems: GitHub Actions workflow commands and JUnit XML.

GitHub turns each ``::error file=...,line=...::message`` line a job prints into an
annotation on that line of the pull request. JUnit XML is read by most other CI
systems as a test report: here every check code of ``core.codes.CHECK_CODES`` is one
test case, failing with the problems it found.

Paths in both are relative to the repository root: ``prefix`` is the workspace folder
inside the repository (what ``-C DIR`` named), empty when the workspace is the root.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

from ..core.problems import Problem, Severity

JUNIT_SUITE = "svdiversion check"
JUNIT_CLASS = "svdiversion.check"

# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def repo_path(prefix: str, path: str) -> str:
    """``path`` (workspace-relative) as seen from the repository root."""
    if not prefix or prefix == ".":
        return path
    return str(PurePosixPath(prefix) / path)


# ------------------------------------------------------------------ GitHub Actions


def escape_data(text: str) -> str:
    """Escape a workflow command's message (GitHub's ``escapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a workflow command's property value (GitHub's ``escapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(problem: Problem, prefix: str = "") -> str:
    """``::error file=PATH,line=L,col=C,title=CODE::message (hint)``."""
    command = "warning" if problem.severity is Severity.WARNING else "error"
    properties = [("file", repo_path(prefix, problem.path))]
    if problem.line:
        properties.append(("line", str(problem.line)))
        if problem.column:
            properties.append(("col", str(problem.column)))
    properties.append(("title", problem.code))
    listed = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    message = f"{problem.message} ({problem.hint})" if problem.hint else problem.message
    return f"::{command} {listed}::{escape_data(message)}"


def problems_github(problems: Sequence[Problem], prefix: str = "") -> str:
    return "".join(github_line(p, prefix) + "\n" for p in problems)


# ------------------------------------------------------------------ JUnit XML


def _junit_line(problem: Problem, prefix: str) -> str:
    location = Problem(repo_path(prefix, problem.path), problem.line, problem.column, "", "")
    hint = f" ({problem.hint})" if problem.hint else ""
    return f"{location.location}: {problem.message}{hint}"


def _xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def problems_junit(
    problems: Sequence[Problem],
    codes: Mapping[str, str],
    *,
    strict: bool = False,
    prefix: str = "",
) -> str:
    """A JUnit report with one test case per check code.

    A code with errors fails its test case. Warnings fail it only under ``strict``
    (as they fail ``check --strict``); otherwise they are listed in the case's
    ``system-out``, so the report shows them without failing the build.
    """
    by_code: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_code[problem.code].append(problem)
    titles = dict(codes)
    for code in sorted(set(by_code) - set(titles)):
        titles[code] = "Unlisted check"

    root = ET.Element("testsuites")
    suite = ET.SubElement(root, "testsuite", name=JUNIT_SUITE)
    failures = 0
    for code, title in titles.items():
        case = ET.SubElement(suite, "testcase", classname=JUNIT_CLASS, name=f"{code} {title}")
        found = by_code.get(code, [])
        if not found:
            continue
        body = _xml_text("".join(_junit_line(p, prefix) + "\n" for p in found))
        if found[0].is_error or strict:
            failures += 1
            count = f"{len(found)} problem{'s' * (len(found) != 1)}"
            failure = ET.SubElement(
                case,
                "failure",
                message=_xml_text(f"{count}; first: {_junit_line(found[0], prefix)}"),
                type=code,
            )
            failure.text = body
        else:
            ET.SubElement(case, "system-out").text = body
    suite.set("tests", str(len(titles)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", "0")
    root.set("tests", str(len(titles)))
    root.set("failures", str(failures))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
