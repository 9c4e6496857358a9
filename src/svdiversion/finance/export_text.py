"""How a finance export writes its text and values: the file's encoding, amounts such as
``£1,234.50`` or ``(1,234.50)``, and dates in the words a treasurer uses for them.

Used by :mod:`.importer`, which reads the records; nothing here knows about rows.
"""

from __future__ import annotations

import re
from functools import cache

from ..core.codes import Code
from ..core.money import Pence
from ..core.problems import Problem
from .mapping import FINANCE_IMPORT, AmountStyle

_CODECS = {"utf-8": "utf-8-sig", "utf-8-sig": "utf-8-sig", "windows-1252": "cp1252"}


def parse_amount(text: str, style: AmountStyle) -> Pence:
    """Pence from an amount as an export writes it; ``ValueError`` says what is wrong.

    >>> parse_amount("(£1,234.50)", AmountStyle())
    -123450
    """
    value = text.strip()
    if not value:
        raise ValueError("a value is required")
    signs, negative = 0, False
    if value.startswith("(") and value.endswith(")"):
        signs, negative, value = signs + 1, True, value[1:-1].strip()
    if value.endswith("-"):
        signs, negative, value = signs + 1, True, value[:-1].rstrip()
    symbol, seen_symbol = style.currency_symbol, False
    while value:
        if value[0] in "-+":
            signs, negative, value = signs + 1, negative or value[0] == "-", value[1:].lstrip()
        elif symbol and not seen_symbol and value.startswith(symbol):
            seen_symbol, value = True, value[len(symbol) :].lstrip()
        else:
            break
    if signs > 1:
        raise ValueError("more than one sign")
    pence = _unsigned_pence(value, style)
    return -pence if negative else pence


def dash_as_zero(text: str) -> str:
    """A debit or credit value as it is read: a lone ``-`` (what many exports write for
    nothing in that column) is zero; spaces around a value are dropped.

    >>> dash_as_zero(" - "), dash_as_zero("£5.00 ")
    ('0', '£5.00')
    """
    value = text.strip()
    return "0" if value == "-" else value


def _unsigned_pence(value: str, style: AmountStyle) -> Pence:
    pattern = _number_pattern(style.thousands_separator, style.decimal_point)
    match = pattern.fullmatch(value)
    if match is None:
        point = re.escape(style.decimal_point)
        if re.fullmatch(rf"[\d{re.escape(style.thousands_separator)}]*{point}\d{{3,}}", value):
            raise ValueError("more than two decimal places")
        if any(c.isalpha() for c in value) or any(c in value for c in "£$€"):
            raise ValueError("not an amount (a letter or another currency symbol)")
        raise ValueError("not an amount")
    whole = (
        match["whole"].replace(style.thousands_separator, "")
        if style.thousands_separator
        else match["whole"]
    )
    fraction = (match["fraction"] or "") + "00"
    return int(whole) * 100 + int(fraction[:2])


@cache
def _number_pattern(thousands: str, point: str) -> re.Pattern[str]:
    grouped = rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+" if thousands else r"(?!)"
    return re.compile(rf"(?P<whole>{grouped}|\d+)(?:{re.escape(point)}(?P<fraction>\d{{1,2}}))?")


def human_date_format(pattern: str) -> str:
    """``%d/%m/%Y`` as a treasurer writes it: ``dd/mm/yyyy``."""
    for code, text in (("%d", "dd"), ("%m", "mm"), ("%Y", "yyyy"), ("%y", "yy"), ("%b", "Mon")):
        pattern = pattern.replace(code, text)
    return pattern


_UTF16_BOMS = {b"\xff\xfe": "utf-16-le", b"\xfe\xff": "utf-16-be"}
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def decode(data: bytes, display: str, encoding: str) -> tuple[str, Problem | None]:
    """The export's text, or the located problem (E602) that stops it being read. A
    UTF-16 export (Excel's "Unicode text") is known by its byte order mark and read as
    such whatever the mapping's ``encoding`` says: the mark cannot begin a CSV file in
    any of those encodings."""
    if data.startswith(_UTF32_BOMS):
        return "", Problem(
            display,
            1,
            1,
            Code.E602,
            "the file starts with a UTF-32 byte order mark",
            "UTF-32 is not read: save the export again as CSV (UTF-8, UTF-16 or Windows-1252)",
        )
    codec = _UTF16_BOMS.get(data[:2])
    if codec is not None:
        return _utf16(data[2:], display, codec)
    where = f"set 'encoding:' under payments: in {FINANCE_IMPORT}"
    if encoding == "windows-1252" and data.startswith(b"\xef\xbb\xbf"):
        return "", Problem(
            display,
            1,
            1,
            Code.E602,
            "the file starts with a UTF-8 byte order mark",
            f"the export is UTF-8, not Windows-1252: {where} to utf-8",
        )
    try:
        text = data.decode(_CODECS[encoding])
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - data.rfind(b"\n", 0, exc.start)
        byte = data[exc.start]
        if encoding == "windows-1252":
            hint = f"byte 0x{byte:02X} is not Windows-1252 text: export the file again as CSV"
        elif byte == 0xA3:
            hint = f"byte 0xA3 is £ in Windows-1252: {where} to windows-1252"
        else:
            hint = f"if the finance system writes Windows-1252 (ANSI), {where} to windows-1252"
        message = f"not {encoding} text: byte 0x{byte:02X} cannot be read"
        return "", Problem(display, line, column, Code.E602, message, hint)
    if encoding == "windows-1252" and "Â£" in text:
        line = text.count("\n", 0, text.index("Â£")) + 1
        return "", Problem(
            display,
            line,
            0,
            Code.E602,
            "£ reads as 'Â£': the file is UTF-8, not Windows-1252",
            f"{where} to utf-8",
        )
    return text, None


def _utf16(data: bytes, display: str, codec: str) -> tuple[str, Problem | None]:
    """UTF-16 after its byte order mark. A second mark (some tools write one per chunk)
    is dropped; an odd number of bytes or half a surrogate pair is E602 at the place."""
    try:
        return data.decode(codec).lstrip("\ufeff"), None
    except UnicodeDecodeError as exc:
        before = data[: exc.start - exc.start % 2].decode(codec, errors="replace")
        line = before.count("\n") + 1
        column = len(before) - (before.rfind("\n") + 1) + 1
        reason = (
            "it ends in the middle of a character (an odd number of bytes)"
            if exc.end >= len(data) and len(data) % 2
            else "holds half of a surrogate pair, not a character"
        )
        name = "UTF-16LE" if codec.endswith("le") else "UTF-16BE"
        return "", Problem(
            display,
            line,
            column,
            Code.E602,
            f"the file starts as {name} text, but {reason}",
            "the file is cut short or damaged: save the export again from the finance system",
        )
