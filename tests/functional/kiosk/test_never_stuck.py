"""A till never gets stuck on a record it cannot send: it records only what the central service takes,
and a record the central service cannot read is answered by its id so the chain goes on."""

from __future__ import annotations

import re
import sqlite3
from typing import Any

import pytest

from tests.functional.conftest import Central
from tests.functional.kiosk.conftest import Till

pytestmark = pytest.mark.functional


def test_a_redemption_id_the_central_service_would_refuse_is_refused_at_the_till(
    till: Till, central: Central
) -> None:
    card = central.card()
    page = till.scan(card).get_data(as_text=True)
    fields = dict(re.findall(r'name="(scan_id|redemption_id)" value="([^"]+)"', page))
    for bad in ("x" * 65, "id with spaces", "ok/../x", ""):
        answer = till.post("/redeem", {**fields, "redemption_id": bad, "offer_id": str(till.offers[0]),
                                       "amount": "20,00"})  # fmt: skip
        assert answer.status_code == 422, bad
        assert "Modulo non valido" in answer.get_data(as_text=True)
    with sqlite3.connect(till.app.config["DATABASE"]) as db:
        assert db.execute("select count(*) from ledger").fetchone()[0] == 0
    assert till.redeem(card, "20,00").status_code == 303
    assert till.sync()["pending"] == 0
    assert central.totals()["redemptions"] == 1


def test_a_record_with_an_unreadable_id_is_answered_and_the_chain_goes_on(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    card = central.card()
    odd = kiosk.record(id="x" * 65, type="redemption", card=card, offer_id=kiosk.offers[0]["id"],
                       amount_cents=2000, discount_cents=200)  # fmt: skip
    after = kiosk.redeem(card)
    results: list[dict[str, Any]] = kiosk.upload([odd, after]).json["results"]
    assert results == [
        {"id": "x" * 65, "status": "rejected", "reason": "malformed_record"},
        {"id": after["id"], "status": "accepted"},
    ]
    assert central.totals()["redemptions"] == 1
