"""A report's tables as CSV for spreadsheets: UTF-8 with a byte order mark (so Excel reads the accents),
and either Italian conventions (``;`` between cells, decimal comma) or international ones. No text cell
can start a formula (``spreadsheet_safe``)."""

from __future__ import annotations

import csv
import io
from typing import Any

from cardsvc.spreadsheet_cells import spreadsheet_safe

SUPPRESSED = "< 5"
TABLES: dict[str, list[tuple[str, str]]] = {
    "by_family_comune": [
        ("istat", "istat"), ("comune", "comune"), ("active_cards", "carte_attive"),
        ("households_with_card", "famiglie_con_carta"), ("households", "famiglie_che_la_usano"),
        ("redemptions", "operazioni"), ("spend_cents", "spesa_euro"), ("discount_cents", "sconto_euro"),
        ("avg_discount_cents", "sconto_medio_per_famiglia_euro"), ("new_cards", "carte_nuove"),
        ("revoked_cards", "carte_revocate"),
        ("open_flags", "segnalazioni_aperte"),
    ],
    "by_shop_comune": [
        ("istat", "istat"), ("comune", "comune"), ("shops_participating", "negozi_aderenti"),
        ("shops_with_redemptions", "negozi_con_operazioni"), ("households", "famiglie"),
        ("redemptions", "operazioni"), ("spend_cents", "spesa_euro"), ("discount_cents", "sconto_euro"),
    ],
    "by_category": [
        ("istat", "istat_negozio"), ("category", "categoria"), ("households", "famiglie"),
        ("redemptions", "operazioni"), ("spend_cents", "spesa_euro"), ("discount_cents", "sconto_euro"),
    ],
    "flow": [
        ("from", "istat_famiglia"), ("to", "istat_negozio"), ("households", "famiglie"),
        ("redemptions", "operazioni"), ("discount_cents", "sconto_euro"),
    ],
    "trend": [
        ("month", "mese"), ("households", "famiglie"), ("redemptions", "operazioni"),
        ("spend_cents", "spesa_euro"), ("discount_cents", "sconto_euro"),
    ],
}  # fmt: skip


def _cell(row: dict[str, Any], key: str, italian: bool) -> str:
    value = row.get(key)
    if value is None and row.get("suppressed"):
        return SUPPRESSED
    if key.endswith("_cents") and isinstance(value, int):
        text = f"{value / 100:.2f}"
        return text.replace(".", ",") if italian else text
    return "" if value is None else str(value)


def table_csv(report: dict[str, Any], table: str, italian: bool = True) -> str:
    """One table of the report as CSV text; KeyError for an unknown table."""
    columns = TABLES[table]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if italian else ",", lineterminator="\r\n")
    writer.writerow([header for _key, header in columns])
    for row in report[table]:
        writer.writerow([spreadsheet_safe(_cell(row, key, italian)) for key, _header in columns])
    return "\ufeff" + buffer.getvalue()
