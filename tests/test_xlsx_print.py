"""The shipped ledger's 2024/25 Q2 and Q4 returns printed: LibreOffice converts both
workbooks to PDF, and poppler's pdftotext reads the pages back.

What a commissioner holding the paper sees: A4 landscape, no text under 8 points, every
column of a table on the page its header is on, the heading rows, the marking and "Page
n of m" on every page, and each table's title and column headers above its rows.

Text sizes are read from the height of each word's box: the cover prints at 100%, so
its body text gives the height of 11-point text in the font used, and every other word
is measured against it. The workbook's font is Calibri; LibreOffice prints it in
Carlito, which has Calibri's widths (Debian package ``fonts-crosextra-carlito``, which
CI installs). Without Carlito it falls back to a wider font and the page layout means
nothing, so the tests skip, saying so.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from helpers import run_cli

REPO = Path(__file__).resolve().parent.parent
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
RETURNS = {"q2": "2024/25-Q2", "q4": "2024/25-Q4"}
A4_LANDSCAPE = (842, 595)  # points, to the nearest point

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.slow,
    pytest.mark.skipif(
        SOFFICE is None or PDFTOTEXT is None,
        reason="needs LibreOffice (libreoffice-calc-nogui) and poppler-utils; CI installs both",
    ),
]


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("print")
    for name, quarter in RETURNS.items():
        out = base / f"{name}.xlsx"
        code, _, err = run_cli(
            "-C", str(REPO), "export", "xlsx", "--quarter", quarter, "-o", str(out)
        )
        assert code == 0, err
    assert SOFFICE is not None
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(base / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(base),
            *(str(base / f"{name}.xlsx") for name in RETURNS),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found = {name: base / f"{name}.pdf" for name in RETURNS}
    fonts = subprocess.run(["pdffonts", str(found["q2"])], capture_output=True, text=True)
    if "Carlito" not in fonts.stdout:
        pytest.skip("LibreOffice printed without Carlito (fonts-crosextra-carlito)")
    return found


def pages(pdf: Path) -> list[str]:
    """The text of each page, laid out as printed."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def words(pdf: Path) -> list[list[tuple[str, float, float]]]:
    """Each page's words with the width and height of their boxes, in points."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = []
    for page in html.split("<page ")[1:]:
        found.append(
            [
                (m["word"], float(m["x1"]) - float(m["x0"]), float(m["y1"]) - float(m["y0"]))
                for m in re.finditer(
                    r'xMin="(?P<x0>[\d.]+)" yMin="(?P<y0>[\d.]+)" xMax="(?P<x1>[\d.]+)" '
                    r'yMax="(?P<y1>[\d.]+)">(?P<word>[^<]*)<',
                    page,
                )
            ]
        )
    return found


def test_a4_landscape_and_the_number_of_pages(pdfs: dict[str, Path]) -> None:
    # 15 and 16: the pathways table, the window's value-for-money table and the
    # treasurer's forecast column take more room than the first print-ready return had;
    # then 26 and 30: the burn-down to the contract end with its forecasts (a table of
    # the 21 months and a chart), and the Trends tab (a table and a chart per series);
    # then 27 and 31: the Outcomes tab's referrals by group (the equality table).
    for name, expected in (("q2", 27), ("q4", 31)):
        info = subprocess.run(["pdfinfo", str(pdfs[name])], capture_output=True, text=True).stdout
        pages = re.findall(r"^Pages:.*", info, re.M)
        assert re.search(rf"^Pages:\s+{expected}$", info, re.M), (name, pages)
        size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts", info, re.M)
        assert size and (round(float(size[1])), round(float(size[2]))) == A4_LANDSCAPE


def test_no_text_is_under_eight_points(pdfs: dict[str, Path]) -> None:
    for name, pdf in pdfs.items():
        found = words(pdf)
        # The cover prints at 100%: its commonest word height is that of 11-point text.
        eleven = Counter(round(h, 1) for _, _, h in found[0]).most_common(1)[0][0]
        small = [
            (name, number, word, round(11 * height / eleven, 1))
            for number, page in enumerate(found, 1)
            for word, _, height in page
            if 11 * height / eleven < 7.95
        ]
        assert small == []


def test_every_page_has_the_heading_rows_marking_and_page_number(
    pdfs: dict[str, Path],
) -> None:
    for name, pdf in pdfs.items():
        printed = pages(pdf)
        for number, text in enumerate(printed, 1):
            lines = [line.strip() for line in text.splitlines() if line.strip()]
            assert lines[0].endswith("Published figures"), (name, number)
            assert lines[0].count("OFFICIAL-SENSITIVE") == 1
            assert lines[1].startswith("Steer Clear West Mercia"), (name, number)
            assert lines[2].startswith("OFFICIAL-SENSITIVE. Published figures")
            assert lines[-1].startswith("As of ")
            assert "OFFICIAL-SENSITIVE" in lines[-1]
            assert lines[-1].endswith(f"Page {number} of {len(printed)}"), (name, number)


def test_every_column_of_a_table_is_on_the_page_of_its_header(pdfs: dict[str, Path]) -> None:
    """The first and last column titles of each table are on one line of one page."""
    tables = {
        "By budget line": ("Line", "RAG"),
        "Burn-down by month": ("Month", "Budget ceiling"),
        "Areas as of": ("Area", "Referral share"),
        "Referrals and engagement by area": ("Area", "Engaged"),
        "Outcome measures by area": ("Area", "RAG"),
        "Transactions in": ("id", "tranche"),
    }
    for name, pdf in pdfs.items():
        for text in pages(pdf):
            lines = [line.strip() for line in text.splitlines()]
            for number, line in enumerate(lines):
                for title, (first, last) in tables.items():
                    if line.startswith(title) and number + 1 < len(lines):
                        header = lines[number + 1].split()
                        assert header[0] == first and " ".join(header).endswith(last), (
                            name,
                            title,
                            lines[number + 1],
                        )


def test_each_table_starts_with_its_title_and_headers_on_one_page(pdfs: dict[str, Path]) -> None:
    """A table title is never the last thing on a page: its column headers follow it."""
    for name, pdf in pdfs.items():
        for number, text in enumerate(pages(pdf), 1):
            body = [line.strip() for line in text.splitlines() if line.strip()][4:-1]
            assert body, (name, number)
            assert not body[-1].startswith(("Outcome measures", "By quarter", "Workshops"))
