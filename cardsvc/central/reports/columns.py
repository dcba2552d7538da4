"""The report's tables and their columns, once for every format: the JSON keys and the CSV headers. A
column's label, in Italian or English, is the message ``column_<key>`` of the central catalogue
(``cardsvc.central.i18n.column_label``), for the web pages, the PDF and the charts alike.

A row's first columns name it (a comune, a category, a pair of comuni, a month); the others are figures,
which suppression may hide ("< 5"). Money is in cents in the JSON and in euros everywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

NAMES = ("istat", "comune", "category", "from", "to", "month")  # columns that name a row


@dataclass(frozen=True)
class Column:
    key: str  # in the JSON
    csv: str  # the CSV header

    @property
    def money(self) -> bool:
        return self.key.endswith("_cents")

    @property
    def figure(self) -> bool:
        return self.key not in NAMES


def _columns(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(key, csv) for key, csv in pairs)


CARD_FIGURES = (
    ("active_cards", "carte_attive"), ("households_with_card", "famiglie_con_carta"),
    ("households", "famiglie_che_la_usano"), ("redemptions", "operazioni"), ("spend_cents", "spesa_euro"),
    ("discount_cents", "sconto_euro"), ("avg_discount_cents", "sconto_medio_per_famiglia_euro"),
    ("new_cards", "carte_nuove"), ("revoked_cards", "carte_revocate"), ("open_flags", "segnalazioni_aperte"),
)  # fmt: skip
TABLES: dict[str, tuple[Column, ...]] = {
    "network": _columns(*CARD_FIGURES),
    "by_family_comune": _columns(("istat", "istat"), ("comune", "comune"), *CARD_FIGURES),
    "by_shop_comune": _columns(
        ("istat", "istat"), ("comune", "comune"), ("shops_participating", "negozi_aderenti"),
        ("shops_with_redemptions", "negozi_con_operazioni"), ("households", "famiglie"),
        ("redemptions", "operazioni"), ("spend_cents", "spesa_euro"), ("discount_cents", "sconto_euro"),
    ),
    "by_category": _columns(
        ("istat", "istat_negozio"), ("category", "categoria"), ("households", "famiglie"),
        ("redemptions", "operazioni"), ("spend_cents", "spesa_euro"), ("discount_cents", "sconto_euro"),
    ),
    "flow": _columns(
        ("from", "istat_famiglia"), ("to", "istat_negozio"), ("households", "famiglie"),
        ("redemptions", "operazioni"), ("discount_cents", "sconto_euro"),
    ),
    "trend": _columns(
        ("month", "mese"), ("households", "famiglie"), ("redemptions", "operazioni"),
        ("spend_cents", "spesa_euro"), ("discount_cents", "sconto_euro"),
    ),
}  # fmt: skip


def rows(report: dict[str, object], table: str) -> list[dict[str, object]]:
    """A table's rows in the report (the network's is one row)."""
    found = report[table]
    return [found] if isinstance(found, dict) else list(found)  # type: ignore[call-overload]
