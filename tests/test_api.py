"""``svdiversion.api``: the library the CLI is built on. The example in docs/api.md runs
here, and a report from the library is the report the CLI prints."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from helpers import run_cli
from svdiversion import api

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.slow  # the whole docs/api.md example
def test_the_example_in_docs_api_md_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (REPO / "docs" / "api.md").read_text(encoding="utf-8")
    code = re.search(r"```python\n(.*?)```", text, re.DOTALL)
    assert code is not None
    monkeypatch.chdir(REPO)
    exec(compile(code[1], "docs/api.md", "exec"), {})


def test_published_outcomes_are_what_the_cli_prints(shipped: Path) -> None:
    ws = api.open_workspace(shipped, as_of=date(2025, 3, 31))
    report = ws.outcomes(window="2024/25-Q2")
    code, out, _ = run_cli(
        "-C", str(shipped), "outcomes", "--quarter", "2024/25-Q2", "--format", "json"
    )
    assert code == 0
    printed = json.loads(out)
    assert printed["as_of"] == report.as_of.isoformat()
    assert printed["totals"]["referrals"] == report.totals.referrals
    assert printed["totals"]["engaged"] == report.totals.engaged


def test_a_published_report_stands_at_a_month_end(shipped: Path) -> None:
    ws = api.open_workspace(shipped, as_of=date(2024, 9, 14))
    assert ws.outcomes().as_of == date(2024, 8, 31)
    assert ws.outcomes(disclosure="internal").as_of == date(2024, 9, 14)


def test_a_ledger_with_errors_raises_with_its_problems(shipped: Path) -> None:
    file = shipped / "ledger" / "transactions.csv"
    file.write_text(file.read_text(encoding="utf-8").replace(",2488.09,", ",x,", 1))
    ws = api.open_workspace(shipped, as_of=date(2025, 3, 31))
    assert not ws.ok
    assert [p.code for p in ws.errors] == ["E103"]
    with pytest.raises(api.LedgerHasErrors, match=r"1 error; the first: ledger/transactions"):
        ws.burndown()


def test_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    with pytest.raises(api.NotAWorkspace):
        api.open_workspace(tmp_path)


@pytest.mark.parametrize(
    ("text", "label"),
    [("2024-09", "2024-09 (2024/25 P06)"), ("2024/25-Q2", "2024/25 Q2"), ("2024/25", "2024/25")],
)
def test_windows_are_written_as_on_the_command_line(text: str, label: str) -> None:
    found = api.parse_window(text)
    assert found is not None
    assert found.label == label


def test_a_window_that_is_none_of_them_says_what_to_write() -> None:
    with pytest.raises(ValueError, match="write a month"):
        api.parse_window("Q2")
    with pytest.raises(ValueError, match="outside"):
        api.parse_window("9999-12")


def test_today_is_the_one_clock(shipped: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVDIVERSION_TODAY", "2025-04-30")
    assert api.open_workspace(shipped).as_of == date(2025, 4, 30)
    code, out, err = run_cli("-C", str(shipped), "burndown", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["as_of"] == "2025-04-30"
    monkeypatch.setenv("SVDIVERSION_TODAY", "2024-10-31")  # the ledger is ahead of it
    code, out, _ = run_cli("-C", str(shipped), "check")
    assert code == 1
    assert "is after the as-of date 2024-10-31" in out


@pytest.mark.slow  # four published reports
def test_a_registered_report_by_name_is_the_report_of_its_own_method(shipped: Path) -> None:
    """``ws.report(NAME, **flags)`` and the report's own method are one computation, with
    the report's flags; a flag the report does not take is refused by name."""
    ws = api.open_workspace(shipped, as_of=date(2025, 3, 31))
    for disclosure in ("published", "internal"):
        by_name = ws.report("areas", disclosure=disclosure, apportion=True, successors=True)
        assert by_name == ws.areas(disclosure=disclosure, apportion=True, successors=True)
        assert by_name.apportioned and by_name.successors
        assert ws.report("vfm", "2024/25-Q2", disclosure=disclosure) == ws.vfm(
            "2024/25-Q2", disclosure=disclosure
        )
    assert ws.report("areas") != ws.report("areas", apportion=True)
    with pytest.raises(TypeError, match=r"no option 'by' \(it takes: apportion, successors\)"):
        ws.report("areas", by=True)
    with pytest.raises(TypeError, match=r"no option 'apportion' \(it takes: none\)"):
        ws.report("vfm", apportion=True)


@pytest.mark.slow  # five commands and a published report
def test_only_the_report_that_uses_unit_costs_reads_them(shipped: Path) -> None:
    """A broken config/unit_costs.yaml stops value for money (located, exit 1) and no other
    registered report: the runner reads it only when a report asks."""
    (shipped / "config" / "unit_costs.yaml").write_text("unit_costs: [{offence: x}]\n")
    code, _, err = run_cli("-C", str(shipped), "vfm")
    assert code == 1
    assert "config/unit_costs.yaml:1:14: E112 missing key 'unit_cost'" in err
    for name in ("areas", "outcomes", "suppliers"):
        code, out, err = run_cli("-C", str(shipped), name, "--format", "json")
        assert (code, err) == (0, ""), name
        assert json.loads(out)
    ws = api.open_workspace(shipped, as_of=date(2025, 3, 31))
    with pytest.raises(api.UnitCostsHaveErrors):
        ws.report("vfm")
    assert ws.report("areas", disclosure="internal").total.referrals > 0


def test_the_burn_down_by_name_takes_by_and_nothing_else(shipped: Path) -> None:
    """The burn-down is a registered report too: ``ws.report("burndown", by=...)`` is
    ``ws.burndown(by=...)``; a flag it does not take is refused, naming ``by``."""
    ws = api.open_workspace(shipped, as_of=date(2025, 3, 31))
    for by in ("month", "quarter", "fy"):
        assert ws.report("burndown", "2024/25", by=by) == ws.burndown("2024/25", by=by)
    assert ws.report("burndown").bucket.value == "month"
    with pytest.raises(TypeError, match=r"no option 'apportion' \(it takes: by\)"):
        ws.report("burndown", apportion=True)
