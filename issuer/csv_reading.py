"""The cells of the CSV files offices have, whichever way Excel saved them.

=====================  ================================================  ===========================
Excel's "Save as"      encoding                                           between cells, line ends
=====================  ================================================  ===========================
CSV UTF-8              UTF-8 with a byte order mark                       ``;`` or ``,``, CR LF
CSV                    Windows-1252                                       ``;`` or ``,``, CR LF
CSV Macintosh          Mac Roman                                          ``;`` or ``,``, CR alone
Unicode text           UTF-16 with a byte order mark (little-endian)      tab, CR LF
=====================  ================================================  ===========================

The separator is the one the header line uses most. What cannot be read raises :class:`CsvUnreadable`
with a stable code (``file_too_large``, ``not_text``, ``cell_too_long``, ``malformed_csv``) and the line,
never a traceback.
"""

from __future__ import annotations

import codecs
import csv
import io

from cardsvc.core.errors import InvalidInput

MAX_BYTES = 5 * 1024 * 1024
SEPARATORS = (";", ",", "\t")
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


class CsvUnreadable(InvalidInput, ValueError):
    """The file cannot be read as CSV; ``code`` says why, ``line`` where (0: the whole file)."""

    code = "csv_unreadable"

    def __init__(self, code: str, line: int = 0) -> None:
        super().__init__(code, code=code, details={"line": line})
        self.line = line


def decode(data: bytes) -> str:
    """The file's text: by its byte order mark, else UTF-8, else Mac Roman for lines ended by CR alone,
    else Windows-1252."""
    if len(data) > MAX_BYTES:
        raise CsvUnreadable("file_too_large")
    try:
        codec = next((codec for mark, codec in BYTE_ORDER_MARKS if data.startswith(mark)), None)
        if codec is not None:
            text = data.decode(codec)
        elif b"\x00" in data:
            raise CsvUnreadable("not_text")  # UTF-16 without its mark, or a binary file
        else:
            text = _decode_8bit(data)
    except UnicodeDecodeError:
        raise CsvUnreadable("not_text") from None
    if "\x00" in text:
        raise CsvUnreadable("not_text")
    return text


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        mac = b"\r" in data and b"\n" not in data
        return data.decode("mac_roman" if mac else "cp1252")


def separator(text: str) -> str:
    """The separator the header line uses most (``;`` on a tie)."""
    header = text.replace("\r", "\n").split("\n", 1)[0]
    return max(SEPARATORS, key=header.count)


def read_rows(data: bytes) -> list[list[str]]:
    """Every row of the file as its cells, the header first."""
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator(text))
    try:
        return list(reader)
    except csv.Error as error:
        too_long = "field larger than field limit" in str(error)
        raise CsvUnreadable("cell_too_long" if too_long else "malformed_csv", reader.line_num) from None
