"""The HTML pack in a real browser: Debian's Chromium, driven by Playwright. The page
loads with no console error, each chart draws the points its data has, a screenshot is
not blank, and printing gives A4 pages numbered "Page N of M". Skipped only where
Chromium is not installed (.ci/run installs it)."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import REPO
from helpers import run_cli

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
]


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The internal pack of September 2024 of the shipped workspace."""
    root = tmp_path_factory.mktemp("browser") / "ws"
    shutil.copytree(REPO / "config", root / "config")
    shutil.copytree(REPO / "ledger", root / "ledger")
    out = root / "pack.html"
    code, _, err = run_cli(
        "-C", str(root), "report", "--month", "2024-09", "--disclosure", "internal",
        "--format", "html", "--out", str(out),
    )  # fmt: skip
    assert code == 0, err
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, pack: Path) -> Iterator[tuple[Any, list[str]]]:
    opened = browser.new_page(viewport={"width": 900, "height": 1200})
    errors: list[str] = []
    opened.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    opened.on("pageerror", lambda e: errors.append(str(e)))
    opened.on("request", lambda r: None if r.url.startswith("file:") else errors.append(r.url))
    opened.goto(pack.as_uri())
    yield opened, errors
    opened.close()


def test_the_page_loads_with_no_console_error_and_fetches_nothing(
    page: tuple[Any, list[str]],
) -> None:
    opened, errors = page
    assert errors == []
    assert opened.title().endswith("monthly pack as of 2024-09-30")
    assert opened.locator("svg[role=img]").count() == 21  # burn-down, areas, 19 trends


def test_each_chart_draws_the_points_its_data_has(page: tuple[Any, list[str]]) -> None:
    opened, _ = page
    found = opened.evaluate(
        """() => [...document.querySelectorAll('figure.chart')].map(f => [
            f.id,
            Number(f.dataset.points),
            f.querySelectorAll('g[id$="-points"] use').length,
            f.querySelector('svg title').textContent,
        ])"""
    )
    by_id = {key: (expected, drawn, title) for key, expected, drawn, title in found}
    assert by_id["burndown"][:2] == (15, 15)  # July 2023 to September 2024
    assert by_id["trend1"] == (14, 14, "All referrals")  # August 2023 to September 2024
    for key, (expected, drawn, title) in by_id.items():
        assert drawn == expected, key
        assert title, key


def test_every_table_has_header_cells_and_every_rag_a_word(
    page: tuple[Any, list[str]],
) -> None:
    opened, _ = page
    assert opened.evaluate(
        "() => [...document.querySelectorAll('table')].every(t => t.querySelector('thead th'))"
    )
    rags = opened.locator(".rag").all_inner_texts()
    assert rags and all(re.fullmatch(r". (green|amber|red)", text) for text in rags)


def test_a_month_links_to_its_rows_in_the_appendix(page: tuple[Any, list[str]]) -> None:
    opened, _ = page
    opened.click("a[href='#rows-2024-09']")
    assert opened.evaluate("() => location.hash") == "#rows-2024-09"
    assert opened.locator("#rows-2024-09 caption").inner_text() == (
        "Transactions in 2024-09 (2024/25 P06)"
    )


def test_a_screenshot_is_not_blank(page: tuple[Any, list[str]], tmp_path: Path) -> None:
    opened, _ = page
    shot = tmp_path / "first.png"
    opened.screenshot(path=str(shot))
    from PIL import Image

    with Image.open(shot) as image:
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50  # text, lines and the RAG badge


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="needs poppler-utils")
def test_printing_gives_numbered_a4_pages(page: tuple[Any, list[str]], tmp_path: Path) -> None:
    opened, _ = page
    pdf = tmp_path / "printed.pdf"
    opened.pdf(path=str(pdf), prefer_css_page_size=True)

    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info.stdout)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert pages > 1
    assert all(f"Page {n} of {pages}" in text for n in range(1, pages + 1))
    assert text.count("OFFICIAL-SENSITIVE") >= 2 * pages
