"""The monthly pack as an HTML page and a PDF: self-contained, escaped, A4 with page
numbers and the marking, the burn-down drawn to the contract end. On a copy of the
shipped workspace (contract July 2023 to March 2025)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from helpers import load_ledger, run_cli, swap
from svdiversion.core.money import Pence
from svdiversion.reports.burndown import burndown
from svdiversion.reports.options import ReportOptions
from svdiversion.reports.spend_outlook import spend_outlook


def _html(root: Path, *args: str) -> str:
    out = root / "pack.html"
    code, _, err = run_cli("-C", str(root), "report", *args, "--format", "html", "--out", str(out))
    assert code == 0, err
    return out.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_page_holds_its_charts_inline_and_needs_no_network(shipped: Path) -> None:
    page = _html(shipped, "--month", "2024-09")

    figures = re.findall(r'<figure class="chart" id="([^"]+)"', page)
    # No area has an outcome rate of its own in one month: no chart of them, a line instead.
    assert figures[:3] == ["burndown", "areas", "trend1"]
    assert "No area has an outcome rate to chart in this window" in page
    assert sum(f.startswith("trend") for f in figures) == 19
    assert page.count("<svg ") == len(figures)
    assert "<script" not in page
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched
    assert "<style>" in page and "<link" not in page
    assert page.count("OFFICIAL-SENSITIVE") >= 3  # header, footer, every printed page
    assert "Published figures" in page  # a file is published by default
    assert 'id="appendix"' not in page


@pytest.mark.slow
def test_the_headline_explains_its_one_rag_rule_in_words(shipped: Path) -> None:
    page = _html(shipped, "--month", "2024-09")

    assert (
        "RAG is AMBER: actual spend to 2024-09-30, £368,228.23, is 6.7% below £394,640.20, "
        "the spend the treasurer expected by now"
    ) in page
    assert "green within 5% either way, amber within 10%, red beyond" in page
    assert '<span class="rag rag-amber"><span aria-hidden="true">▲</span> amber</span>' in page


def test_the_outlook_runs_to_the_contract_end_at_the_headline_forecasts(
    shipped: Path,
) -> None:
    ledger = load_ledger(shipped)
    as_of = date(2024, 9, 30)
    outlook = spend_outlook(ledger, as_of)
    report = burndown(ledger, ReportOptions(as_of))

    def end(path: tuple[tuple[date, Pence], ...]) -> tuple[date, Pence]:
        return path[-1]

    assert outlook.planned[0][0] == date(2023, 7, 31)
    assert end(outlook.planned)[0] == date(2025, 3, 31)
    assert end(outlook.actual) == (as_of, report.actual_to_date)
    assert end(outlook.profile) == (date(2025, 3, 31), report.forecast_outturn)
    assert end(outlook.run_rate) == (date(2025, 3, 31), report.run_rate_forecast)
    assert end(outlook.treasurer) == (date(2025, 3, 31), report.treasurer_forecast)
    assert outlook.profile[0] == outlook.treasurer[0] == (as_of, report.actual_to_date)
    assert len(outlook.actual) == 15  # July 2023 to September 2024


@pytest.mark.slow
def test_text_from_the_ledger_is_escaped(shipped: Path) -> None:
    transactions = shipped / "ledger/transactions.csv"
    transactions.write_text(
        swap(
            transactions.read_text(encoding="utf-8"),
            "Steer Clear delivery July 2023,PG-2023-24-P04\nTX-00002",
            "<script>alert('tx')</script>,PG-2023-24-P04\nTX-00002",
        ),
        encoding="utf-8",
    )
    commentary = shipped / "ledger/commentary.yaml"
    commentary.write_text(
        swap(
            commentary.read_text(encoding="utf-8"),
            "text: Payment of the interim report milestone",
            "text: <script>alert('note')</script><b>Payment</b> of the interim report milestone",
        ),
        encoding="utf-8",
    )

    page = _html(shipped, "--month", "2024-10", "--disclosure", "internal")

    assert "<script" not in page and "<b>" not in page
    assert "&lt;script&gt;alert(&#39;tx&#39;)&lt;/script&gt;" in page
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;&lt;b&gt;Payment" in page


@pytest.mark.slow
def test_the_internal_edition_links_each_month_to_its_rows(shipped: Path) -> None:
    page = _html(shipped, "--as-of", "2024-09-30", "--disclosure", "internal")

    assert "INTERNAL - NOT FOR PUBLICATION" in page
    assert '<a href="#rows-2024-09">£75,363.83</a>' not in page  # a month, not a quarter
    assert '<a href="#rows-2024-09">' in page
    assert '<section class="table-block" id="rows-2024-09">' in page
    assert "Transactions in 2024-09 (2024/25 P06)" in page
    assert 'id="rows-2024-10"' not in page  # nothing after the as-of date


@pytest.mark.slow
def test_a_window_with_no_data_says_so(shipped: Path) -> None:
    page = _html(shipped, "--month", "2023-07")

    assert "Nothing in this window." in page
    assert "There is no complete month of referrals to chart." in page
    assert 'id="burndown"' in page  # the plan to the contract end is still drawn


@pytest.mark.slow
def test_the_page_is_the_same_twice(shipped: Path) -> None:
    first = _html(shipped, "--month", "2024-09")
    assert _html(shipped, "--month", "2024-09") == first


@pytest.mark.slow  # the pack rendered twice
def test_the_page_is_not_written_over_a_ledger_file(shipped: Path) -> None:
    code, _, err = run_cli(
        "-C", str(shipped), "report", "--format", "html", "--out",
        str(shipped / "ledger/transactions.csv"),
    )  # fmt: skip

    assert code == 2
    assert "ledger" in err


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils (pdfinfo)")
def test_the_pdf_prints_a4_pages_with_numbers_and_the_marking(shipped: Path) -> None:
    out = shipped / "pack.pdf"
    code, _, err = run_cli(
        "-C", str(shipped), "report", "--month", "2024-09", "--format", "pdf", "--out", str(out)
    )
    assert code == 0, err

    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert "595.276 x 841.89 pts (A4)" in info.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert text.count("OFFICIAL-SENSITIVE") >= 2 * pages
    assert "Cumulative spend to March 2025, with forecasts" in text
