"""The public directory of participating shops and their published offers.

A shop is listed while it has a published offer; only published offers are shown. Families search it
by words of the shop's name, its category, its address and its offers (title, description and terms),
in any order, in any case and without accents ("Vigano" finds "Viganò"), and narrow it by comune and
category. The page, the JSON of the API, the CSV export and the comune's leaflet read the same
entries.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from cardsvc.platform.storage.database import Database

from .offer_words import offer_terms

OFFER_FIELDS = (
    "id", "title", "description", "kind", "percent", "amount_cents", "cap_cents", "min_spend_cents",
    "min_minors", "daily_limit",
)  # fmt: skip
MAX_QUERY = 100  # characters of a search


def fold(text: str) -> str:
    """``text`` without accents and case, for matching: "Viganò" → "vigano"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def query_words(query: str | None) -> list[str]:
    """The words of a search, folded; none for an empty one."""
    return fold(query or "")[:MAX_QUERY].split()


def directory_entries(
    db: Database,
    istat: str | None = None,
    category: str | None = None,
    query: str | None = None,
    lang: str = "it",
) -> list[dict[str, Any]]:
    """The shops with a published offer, by comune name, category and name, each with its published
    offers and their terms in ``lang``; those of ``istat`` and ``category`` when given, and those where
    every word of ``query`` appears."""
    where, args = (
        ["exists (select 1 from offers o where o.merchant_id = m.id and o.status = 'published')"],
        [],
    )
    if istat:
        where.append("m.istat = ?")
        args.append(istat)
    if category:
        where.append("m.category = ?")
        args.append(category)
    rows = db.execute(
        "select m.id, m.name, m.address, m.istat, c.name, m.category from merchants m "
        "join comuni c on c.istat = m.istat where "
        + " and ".join(where)
        + " order by c.name, m.category, m.name, m.id",
        args,
    ).fetchall()
    offers: dict[int, list[dict[str, Any]]] = {}
    for offer in db.query(
        "select o.* from offers o join merchants m on m.id = o.merchant_id "
        "where o.status = 'published' order by o.id"
    ):
        entry = {k: offer[k] for k in OFFER_FIELDS}
        entry["terms"] = offer_terms(offer, lang)
        offers.setdefault(int(offer["merchant_id"]), []).append(entry)
    words = query_words(query)
    shops = []
    for merchant_id, name, address, shop_istat, comune, shop_category in rows:
        shop = {
            "id": merchant_id,
            "name": name,
            "address": address,
            "istat": shop_istat,
            "comune": comune,
            "category": shop_category,
            "offers": offers.get(merchant_id, []),
        }
        if all(word in _searched_text(shop) for word in words):
            shops.append(shop)
    return shops


def _searched_text(shop: dict[str, Any]) -> str:
    parts = [shop["name"], shop["category"], shop["address"] or "", shop["comune"]]
    for offer in shop["offers"]:
        parts += [offer["title"], offer["description"] or "", offer["terms"]]
    return fold(" ".join(parts))
