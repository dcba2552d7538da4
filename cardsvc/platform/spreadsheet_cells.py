"""Cells written for spreadsheets that a spreadsheet cannot run as a formula.

Excel and LibreOffice take a cell beginning with ``=``, ``+``, ``-`` or ``@`` as a formula (and a leading
tab or carriage return can hide one), so a name or a title from outside could run in the reader's
sheet. Such text cells get a leading apostrophe, which spreadsheets show as text; numbers, negative ones
included, are left as numbers.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` as text a spreadsheet shows, never runs."""
    if cell.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
