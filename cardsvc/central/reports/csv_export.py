"""A report's tables as CSV for spreadsheets: UTF-8 with a byte order mark (so Excel reads the accents),
and either Italian conventions (``;`` between cells, decimal comma) or international ones. No text cell
can start a formula (``spreadsheet_safe``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from cardsvc.platform.i18n import format_amount
from cardsvc.platform.spreadsheet_cells import spreadsheet_safe

from .columns import TABLES, rows

__all__ = ["CSV_NAMES", "TABLES", "table_csv"]
SUPPRESSED = "< 5"
#: Each table's file name in Italian (``family-card-2026-10-per-comune-della-famiglia.csv``).
CSV_NAMES = {
    "network": "rete",
    "by_family_comune": "per-comune-della-famiglia",
    "by_shop_comune": "per-comune-del-negozio",
    "by_category": "per-categoria",
    "flow": "flussi-tra-comuni",
    "trend": "andamento",
}


def _cell(row: dict[str, Any], key: str, italian: bool) -> str:
    value = row.get(key)
    if value is None and row.get("suppressed"):
        return SUPPRESSED
    if key.endswith("_cents") and isinstance(value, int):
        return format_amount(value, "it" if italian else "en")
    return "" if value is None else str(value)


def table_csv(report: dict[str, Any], table: str, italian: bool = True) -> str:
    """One table of the report as CSV text; KeyError for an unknown table."""
    columns = TABLES[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if italian else ",", lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(column.csv) for column in columns])
    for row in rows(report, table):
        writer.writerow([spreadsheet_safe(_cell(row, column.key, italian)) for column in columns])
    return "\ufeff" + buffer.getvalue()
