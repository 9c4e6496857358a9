"""A CSV file damaged below the level of values: bad bytes, broken quoting, NUL bytes.

Each is located to its line and (as every CSV problem is until ``load.excerpts`` makes it
a character column) its field number.
"""

from __future__ import annotations

import csv
import mmap
import os
from pathlib import Path
from typing import Any

from ..core.codes import Code
from ..core.problems import Problem
from .limits import MAX_PROBLEMS_PER_CODE


def csv_error_line(file: Path) -> int:
    """The line of the record the CSV reader gave up on: its error does not say."""
    with file.open("r", encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        start = 1
        try:
            for _ in reader:
                start = reader.line_num + 1
        except csv.Error:
            return start
    return 0


def _line_and_field(data: bytes, offset: int) -> tuple[int, int]:
    """The line of byte ``offset`` and, like every CSV problem, its field number as the
    column (excerpts.locate makes it a character column)."""
    return data.count(b"\n", 0, offset) + 1, _field_number(data, offset)


def _field_number(data: bytes | mmap.mmap, offset: int) -> int:
    """One more than the commas outside quotes before byte ``offset`` on its line."""
    outside_quotes = data[data.rfind(b"\n", 0, offset) + 1 : offset].split(b'"')[::2]
    return 1 + sum(part.count(b",") for part in outside_quotes)


def nul_problems(handle: Any, display: str) -> list[Problem]:
    """E006 for each NUL byte: no text a person types holds one, so it is the mark of a
    damaged file or a binary one saved as .csv (the csv module would read it as text).
    One C-level byte search over the mapped file; lines are counted only up to a find."""
    if os.fstat(handle.fileno()).st_size == 0:
        return []
    problems: list[Problem] = []
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        line, counted = 1, 0
        offset = data.find(b"\x00")
        while offset != -1 and len(problems) < MAX_PROBLEMS_PER_CODE:
            line += data[counted:offset].count(b"\n")
            counted = offset
            problems.append(
                Problem(
                    display,
                    line,
                    _field_number(data, offset),
                    Code.E006,
                    "a NUL byte in the row: the file looks damaged",
                    "restore the file from version control or re-export it as CSV UTF-8",
                )
            )
            offset = data.find(b"\x00", offset + 1)
    return problems


def decode_problem(file: Path, display: str, exc: UnicodeDecodeError) -> Problem:
    data = file.read_bytes()
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    offset = exc.start + bom
    # The decoder works in blocks, so find the first undecodable byte ourselves.
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as first:
        offset = first.start
    line, column = _line_and_field(data, offset)
    byte = data[offset]
    guess = " (0xA3 is £ in Windows-1252)" if byte == 0xA3 else ""
    return Problem(
        display,
        line,
        column,
        Code.E002,
        f"not UTF-8: byte 0x{byte:02X}{guess}",
        "save the file as UTF-8 (CSV UTF-8 in Excel); finance exports go through import",
    )
