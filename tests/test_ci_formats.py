"""``check --format github|junit|json``, ``--out`` and ``--changed-since``.

The golden files in tests/golden/ are the outputs on a copy of the shipped workspace
with five rows broken (four errors, one warning). Regenerate them after a deliberate
change with ``.venv/bin/pytest --update-golden tests/test_ci_formats.py``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from helpers import Golden, run_cli
from svdiversion.changes import ChangesUnavailable, changed_since, parse_diff
from svdiversion.core.codes import CHECK_CODES
from svdiversion.core.problems import Problem
from svdiversion.render.ci import escape_data, escape_property, github_line, problems_junit

GOLDEN = Path(__file__).parent / "golden"
AS_OF = "2025-03-31"

# (file, line, old text, new text): each edit makes one known problem.
BREAKS = [
    ("ledger/transactions.csv", 2, ",2488.09,", ",-2488.09,"),  # E401 sign
    ("ledger/transactions.csv", 4, ",south_worcestershire,", ",south_worcs,"),  # E202 area
    (  # W403 personal data in free text (quoted: it holds a comma)
        "ledger/transactions.csv",
        6,
        ",Steer Clear delivery July 2023,",
        ',"Call 07700 900123, about July",',
    ),
    ("ledger/outcomes.csv", 3, ",2023-08-09,", ",2023-08-32,"),  # E102 not a date
    ("ledger/workshops.csv", 5, ",steer_clear_group,", ",knife_talk,"),  # E207 kind
]


def edit_line(file: Path, number: int, old: str, new: str) -> None:
    lines = file.read_text(encoding="utf-8").splitlines(keepends=True)
    assert old in lines[number - 1], (file, number, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    file.write_text("".join(lines), encoding="utf-8")


def break_rows(root: Path, breaks: list[tuple[str, int, str, str]] = BREAKS) -> Path:
    for name, number, old, new in breaks:
        edit_line(root / name, number, old, new)
    return root


@pytest.fixture
def broken(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped workspace with BREAKS applied, as ``ws`` under the current folder."""
    monkeypatch.chdir(shipped.parent)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    return break_rows(shipped)


# ------------------------------------------------------------------ golden outputs


def test_github_golden(broken: Path, golden: Golden) -> None:
    code, out, err = run_cli("-C", "ws", "check", "--as-of", AS_OF, "--format", "github")
    assert (code, err) == (1, "4 errors, 1 warning in 8 files\n")
    golden(GOLDEN / "check.github.txt", out)
    assert out.splitlines()[1] == (
        "::error file=ws/ledger/transactions.csv,line=2,col=58,title=E401::a payment must be "
        "positive, got -£2,488.09 (payments and accruals are positive; reversals and refunds "
        "negative; a zero amount is not a transaction)"
    )
    assert out.splitlines()[3] == (
        "::warning file=ws/ledger/transactions.csv,line=6,col=105,title=W403::description "
        "looks like it holds personal data ('07700 900123') (ledger text must not identify "
        "a person: remove it)"
    )


def without_passing_cases(junit_text: str) -> str:
    """The JUnit report less its passing test cases and test counts, which follow the
    code table (``CHECK_CODES``): adding a check code must not change the golden file. The
    shape test below checks that every code has its case."""
    text = re.sub(r"(?m)^ *<testcase [^>]*/>\n", "", junit_text)
    return re.sub(r' tests="\d+"', ' tests="(one per code)"', text)


def test_junit_golden(broken: Path, golden: Golden) -> None:
    code, out, err = run_cli("-C", "ws", "check", "--as-of", AS_OF, "--format", "junit")
    assert (code, err) == (1, "4 errors, 1 warning in 8 files\n")
    golden(GOLDEN / "check.junit.xml", without_passing_cases(out))


def test_json_golden(broken: Path, golden: Golden) -> None:
    code, out, err = run_cli("-C", "ws", "check", "--as-of", AS_OF, "--format", "json")
    assert (code, err) == (1, "4 errors, 1 warning in 8 files\n")
    golden(GOLDEN / "check.json", out)


def test_text_keeps_workspace_paths_and_summary(broken: Path) -> None:
    code, out, err = run_cli("-C", "ws", "check", "--as-of", AS_OF)
    assert (code, err) == (1, "4 errors, 1 warning in 8 files\n")
    assert out.startswith(
        "ledger/outcomes.csv:3:34: E102 referral_date: input should be a valid date"
    )


# ------------------------------------------------------------------ JUnit shape


def junit(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"
    assert [child.tag for child in root] == ["testsuite"]
    return root[0]


def test_junit_has_the_common_schema_shape(broken: Path) -> None:
    _, out, _ = run_cli("-C", "ws", "check", "--as-of", AS_OF, "--format", "junit")
    suite = junit(out)
    assert suite.attrib == {
        "name": "svdiversion check",
        "tests": str(len(CHECK_CODES)),
        "failures": "4",
        "errors": "0",
        "skipped": "0",
    }
    cases = list(suite)
    assert {case.tag for case in cases} == {"testcase"}
    assert [case.get("name") for case in cases] == [f"{c} {c.summary}" for c in CHECK_CODES]
    assert {case.get("classname") for case in cases} == {"svdiversion.check"}
    failed = {case.get("name", "")[:4]: case for case in cases if case.find("failure") is not None}
    assert sorted(failed) == ["E102", "E202", "E207", "E401"]
    for code, case in failed.items():
        assert [child.tag for child in case] == ["failure"]
        failure = case[0]
        assert failure.get("type") == code
        assert failure.get("message", "").startswith("1 problem; first: ws/ledger/")
    assert failed["E401"][0].text == (
        "ws/ledger/transactions.csv:2:58: a payment must be positive, got -£2,488.09 "
        "(payments and accruals are positive; reversals and refunds negative; a zero "
        "amount is not a transaction)\n"
    )
    warned = [case for case in cases if case.find("system-out") is not None]
    assert [case.get("name") for case in warned] == ["W403 Free text that looks like personal data"]


def test_junit_strict_fails_the_warning_case(broken: Path) -> None:
    code, out, _ = run_cli("-C", "ws", "check", "--as-of", AS_OF, "-f", "junit", "--strict")
    suite = junit(out)
    assert (code, suite.get("failures")) == (1, "5")
    w403 = next(c for c in suite if c.get("name", "").startswith("W403"))
    assert [(child.tag, child.get("type")) for child in w403] == [("failure", "W403")]


def test_junit_one_line_per_problem_and_unlisted_codes() -> None:
    problems = [
        Problem("ledger/a.csv", 2, 5, "E401", "first", "fix it"),
        Problem("ledger/a.csv", 9, 0, "E401", "second"),
        Problem("ledger/b.csv", 0, 0, "E999", "from a newer check"),
    ]
    suite = junit(problems_junit(problems, {"E401": "Sign"}, prefix="books"))
    assert suite.get("tests") == "2" and suite.get("failures") == "2"
    e401, e999 = list(suite)
    assert e401[0].text == "books/ledger/a.csv:2:5: first (fix it)\nbooks/ledger/a.csv:9: second\n"
    assert e401[0].get("message") == "2 problems; first: books/ledger/a.csv:2:5: first (fix it)"
    assert e999.get("name") == "E999 Unlisted check"


def test_junit_out_writes_the_file_atomically(broken: Path) -> None:
    code, out, err = run_cli(
        "-C", "ws", "check", "--as-of", AS_OF, "-f", "junit", "--out", "reports/check.xml"
    )
    assert (code, out, err) == (1, "", "4 errors, 1 warning in 8 files\n")
    written = Path("reports/check.xml").read_text(encoding="utf-8")
    assert without_passing_cases(written) == (GOLDEN / "check.junit.xml").read_text("utf-8")
    assert os.listdir("reports") == ["check.xml"]  # no temporary file left behind


def test_out_to_an_unwritable_place_is_a_usage_error(broken: Path) -> None:
    Path("blocker").write_text("a file, not a folder", encoding="utf-8")
    code, _, err = run_cli("-C", "ws", "check", "-f", "junit", "--out", "blocker/check.xml")
    assert code == 2
    assert "svdiversion: error: cannot write blocker/check.xml" in err


def test_clean_workspace_gives_empty_annotations_and_passing_junit(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shipped)
    assert run_cli("check", "--as-of", AS_OF, "-f", "github") == (
        0,
        "",
        "0 errors, 0 warnings in 8 files\n",
    )
    code, out, _ = run_cli("check", "--as-of", AS_OF, "-f", "junit")
    suite = junit(out)
    assert (code, suite.get("failures"), suite.get("tests")) == (0, "0", str(len(CHECK_CODES)))
    assert all(len(case) == 0 for case in suite)


# ------------------------------------------------------------------ GitHub commands


def test_workflow_command_escaping() -> None:
    assert escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert escape_property("a:b,c%d\n") == "a%3Ab%2Cc%25d%0A"
    problem = Problem("led,ger/a:b.csv", 3, 7, "E101", "50% over\nbudget", "see: docs")
    assert github_line(problem, "books") == (
        "::error file=books/led%2Cger/a%3Ab.csv,line=3,col=7,title=E101::50%25 over%0Abudget "
        "(see: docs)"
    )


def test_workflow_command_leaves_out_unknown_positions() -> None:
    assert github_line(Problem("ledger/x.csv", 0, 0, "E001", "file not found")) == (
        "::error file=ledger/x.csv,title=E001::file not found"
    )
    assert github_line(Problem("ledger/x.csv", 4, 0, "W402", "short")) == (
        "::warning file=ledger/x.csv,line=4,title=W402::short"
    )


def test_github_paths_follow_the_workspace_folder(
    broken: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(broken)
    _, out, _ = run_cli("check", "--as-of", AS_OF, "-f", "github")
    assert out.startswith("::error file=ledger/outcomes.csv,line=3,")
    _, out, _ = run_cli("-C", str(broken.resolve()), "check", "--as-of", AS_OF, "-f", "github")
    assert out.startswith("::error file=ledger/outcomes.csv,line=3,")
    # In GitHub Actions paths are relative to the checkout, wherever the job runs.
    monkeypatch.setenv("GITHUB_WORKSPACE", str(broken.parent))
    _, out, _ = run_cli("check", "--as-of", AS_OF, "-f", "github")
    assert out.startswith("::error file=ws/ledger/outcomes.csv,line=3,")


def test_strict_fails_on_warnings_only(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(shipped)
    break_rows(shipped, [BREAKS[2]])
    expected = (
        "::warning file=ledger/transactions.csv,line=6,col=105,title=W403::description looks "
        "like it holds personal data ('07700 900123') (ledger text must not identify a "
        "person: remove it)\n"
    )
    summary = "0 errors, 1 warning in 8 files\n"
    assert run_cli("check", "--as-of", AS_OF, "-f", "github") == (0, expected, summary)
    assert run_cli("check", "--as-of", AS_OF, "-f", "github", "--strict") == (1, expected, summary)


def test_unreadable_workspace_exits_2_in_every_format(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shipped)
    (shipped / "ledger/workshops.csv").unlink()
    for output in ("text", "json", "github", "junit"):
        code, out, err = run_cli("check", "--as-of", AS_OF, "-f", output)
        assert code == 2, output
        assert re.fullmatch(r"1 error, 0 warnings in \d+ files?\n", err), err
    assert out.count('<failure message="1 problem; first: ledger/workshops.csv: file not') == 1


# ------------------------------------------------------------------ --changed-since

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    )
    return done.stdout


@pytest.fixture
def repo(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding the workspace in its subfolder ``ws``, committed with an
    error (E202, line 4) and a warning (W403, line 6) already in it."""
    top = shipped.parent
    break_rows(shipped, [BREAKS[1], BREAKS[2]])
    git(top, "init", "-q", "-b", "main")
    git(top, "add", "ws")
    git(top, "commit", "-q", "-m", "ledger")
    monkeypatch.chdir(top)
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    return top


@needs_git
def test_changed_since_keeps_errors_anywhere_and_new_warnings_only(repo: Path) -> None:
    edit_line(repo / "ws/ledger/transactions.csv", 8, ",Steer Clear", ",Email a.b@example.org")
    code, out, err = run_cli(
        "-C", "ws", "check", "--as-of", AS_OF, "-f", "github", "--changed-since", "HEAD"
    )
    lines = out.splitlines()
    assert code == 1
    assert [line.split(",title=")[0] for line in lines] == [
        "::error file=ws/ledger/transactions.csv,line=4,col=44",
        "::warning file=ws/ledger/transactions.csv,line=8,col=111",
    ]
    assert err == "1 error, 1 warning in 8 files\n"
    # Without the option every warning is reported.
    _, out, err = run_cli("-C", "ws", "check", "--as-of", AS_OF, "-f", "github")
    assert len(out.splitlines()) == 3 and err == "1 error, 2 warnings in 8 files\n"


@needs_git
def test_changed_since_counts_added_and_untracked_files_as_changed(repo: Path) -> None:
    contract_d = repo / "ws/ledger/contract.d"
    contract_d.mkdir()
    # A further decision whose delivery line has no allocations: W402 on its line.
    (contract_d / "more.yaml").write_text(
        "decisions:\n"
        "  - id: MORE\n"
        "    reference: MORE\n"
        "    title: More\n"
        "    service: More\n"
        "    commissioner: C\n"
        "    provider: P\n"
        "    funding_source: F\n"
        "    total: 100.00\n"
        "    start: 2024-04-01\n"
        "    end: 2025-03-31\n"
        "    lines:\n"
        "      - {id: more, name: More, kind: delivery, amount: 100.00}\n"
        "    tranches:\n"
        "      - {id: MORE-1, line: more, due: 2025-03-31, amount: 100.00}\n",
        encoding="utf-8",
    )
    args = ("-C", "ws", "check", "--as-of", AS_OF, "-f", "github", "--changed-since", "HEAD")
    _, out, _ = run_cli(*args)
    assert [line.split(",title=")[0] for line in out.splitlines()] == [
        "::warning file=ws/ledger/contract.d/more.yaml,line=13,col=9",
        "::error file=ws/ledger/transactions.csv,line=4,col=44",
    ]
    git(repo, "add", "ws")
    git(repo, "commit", "-q", "-m", "more")
    _, out, _ = run_cli(*args[:-1], "HEAD~1")
    assert out.splitlines()[0].startswith("::warning file=ws/ledger/contract.d/more.yaml,line=13")
    _, out, _ = run_cli(*args)
    assert len(out.splitlines()) == 1  # unchanged since HEAD: only the error stays
    assert out.startswith("::error file=ws/ledger/transactions.csv,line=4")


@needs_git
def test_changed_since_unknown_revision_is_a_usage_error(repo: Path) -> None:
    code, out, err = run_cli("-C", "ws", "check", "--changed-since", "no-such-branch")
    assert (code, out) == (2, "")
    assert err.startswith("svdiversion: error: unknown revision 'no-such-branch'\n  hint: name")


def test_changed_since_outside_a_repository_is_a_usage_error(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(shipped)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(shipped.parent))
    code, _, err = run_cli("check", "--changed-since", "HEAD")
    assert code == 2
    assert err.startswith("svdiversion: error: git cannot answer: fatal: not a git repository")


def test_changed_since_without_git_is_a_usage_error(
    shipped: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(ChangesUnavailable, match="needs git, and git was not found"):
        changed_since(shipped, "HEAD", git=str(shipped / "no-git-here"))
    monkeypatch.chdir(shipped)
    monkeypatch.setenv("PATH", str(shipped / "empty"))
    code, _, err = run_cli("check", "--changed-since", "HEAD")
    assert code == 2
    assert err == (
        "svdiversion: error: --changed-since needs git, and git was not found\n"
        "  hint: install git, or check without --changed-since\n"
    )


def test_parse_diff_reads_the_new_side_of_each_hunk() -> None:
    diff = (
        "diff --git a/ledger/transactions.csv b/ledger/transactions.csv\n"
        "index 1111111..2222222 100644\n"
        "--- a/ledger/transactions.csv\n"
        "+++ b/ledger/transactions.csv\n"
        "@@ -3 +3 @@ header\n"
        "-old\n"
        "+new\n"
        "@@ -10,0 +11,2 @@\n"
        "+a\n"
        "+b\n"
        "@@ -20,2 +22,0 @@\n"
        "-gone\n"
        "-gone\n"
        "diff --git a/ledger/contract.d/new.yaml b/ledger/contract.d/new.yaml\n"
        "new file mode 100644\n"
        "--- /dev/null\n"
        "+++ b/ledger/contract.d/new.yaml\n"
        "@@ -0,0 +1,2 @@\n"
        "+decisions: []\n"
        "+\n"
        "diff --git a/ledger/old.csv b/ledger/old.csv\n"
        "deleted file mode 100644\n"
        "--- a/ledger/old.csv\n"
        "+++ /dev/null\n"
        "@@ -1 +0,0 @@\n"
        "-x\n"
        'diff --git "a/ledger/caf\\303\\251.csv" "b/ledger/caf\\303\\251.csv"\n'
        '--- "a/ledger/caf\\303\\251.csv"\n'
        '+++ "b/ledger/caf\\303\\251.csv"\n'
        "@@ -1 +1 @@\n"
        "-x\n"
        "+y\n"
    )
    changes = parse_diff(diff)
    assert changes.lines == {
        "ledger/transactions.csv": frozenset({3, 11, 12}),
        "ledger/contract.d/new.yaml": frozenset({1, 2}),
        "ledger/café.csv": frozenset({1}),
    }
    assert changes.added == frozenset({"ledger/contract.d/new.yaml"})
    assert changes.touches("ledger/contract.d/new.yaml", 40)
    assert changes.touches("ledger/transactions.csv", 12)
    assert not changes.touches("ledger/transactions.csv", 22)
    assert not changes.touches("ledger/outcomes.csv", 1)
