"""The public directory of participating shops and their published offers."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from .registry import offer_json


def directory_entries(
    db: Database, istat: str | None = None, category: str | None = None
) -> list[dict[str, Any]]:
    where, args = ["o.status = 'published'"], []
    if istat:
        where.append("m.istat = ?")
        args.append(istat)
    if category:
        where.append("m.category = ?")
        args.append(category)
    rows = db.execute(
        "select m.id, m.name, m.address, m.istat, c.name, m.category from merchants m "
        "join comuni c on c.istat = m.istat "
        "where exists (select 1 from offers o where o.merchant_id = m.id and "
        + " and ".join(where)
        + ") order by c.name, m.category, m.name",
        args,
    ).fetchall()
    shops = []
    for merchant_id, name, address, shop_istat, comune, shop_category in rows:
        offers = [
            offer_json(o)
            for o in db["offers"].rows_where("merchant_id = ? and status = 'published'", [merchant_id])
        ]
        shops.append(
            {
                "id": merchant_id,
                "name": name,
                "address": address,
                "istat": shop_istat,
                "comune": comune,
                "category": shop_category,
                "offers": [
                    {
                        k: o[k]
                        for k in (
                            "id",
                            "title",
                            "description",
                            "kind",
                            "percent",
                            "amount_cents",
                            "cap_cents",
                            "min_spend_cents",
                            "min_minors",
                        )
                    }
                    for o in offers
                ],
            }
        )
    return shops
