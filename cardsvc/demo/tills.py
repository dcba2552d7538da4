"""The demo's tills: one per shop, enrolled with a one-time code, with months of redemptions recorded
in its ledger and synced every week as they happen, while the central service's clock follows."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from .central_calls import CENTRAL_URL, DAY, HISTORY_DAYS, central_admin, in_process


def run_tills(
    layout: Any,
    shops: list[dict[str, Any]],
    cards: list[dict[str, Any]],
    central: Any,
    secret: str,
    now: int,
) -> int:
    """A till per shop (the first one the demo serves), each with its months of redemptions, synced every
    week as they happen."""
    from cardsvc.core.offer_rules import Offer, OfferRefused, discount_cents
    from merchant_kiosk import ledger
    from merchant_kiosk.central_client import CentralClient
    from merchant_kiosk.identity import database_path, enroll, load_identity
    from merchant_kiosk.schema import open_database
    from merchant_kiosk.sync import sync_once

    client = central.test_client()
    admin = central_admin(client)
    transport = in_process(client)
    rnd = random.Random(2026)
    by_comune: dict[str, list[dict[str, Any]]] = {}
    for card in cards:
        by_comune.setdefault(card["istat"], []).append(card)
    total = 0
    for index, shop in enumerate(shops):
        folder = layout.kiosk if index == 0 else layout.till(shop["id"])
        moments = sorted(
            now - rnd.randrange(2 * 3600, HISTORY_DAYS * DAY) for _ in range(rnd.randint(60, 140))
        )
        central.config["CLOCK"].now = moments[0] - DAY  # the till joins the day before its first sale
        code = admin("POST", "/api/v1/admin/kiosks", {"merchant_id": shop["id"], "name": "Cassa 1"})["code"]
        enroll(folder, CENTRAL_URL, code, secret, transport)
        db = open_database(database_path(folder))
        identity = load_identity(folder, secret)
        offer = Offer.from_json(shop["offer"])
        local = by_comune[shop["istat"]]
        others = [c for c in cards if c["istat"] != shop["istat"]]
        for number, at in enumerate(moments):
            card = rnd.choice(local if rnd.random() < 0.75 else others)
            amount = rnd.randrange(800, 12_000)
            try:
                discount = discount_cents(offer, amount, card["minors"], 0)
                ledger.record_redemption(
                    db,
                    ledger.new_id(),
                    card["qr"],
                    card["cti"],
                    offer.id,
                    amount,
                    at,
                    _fixed_discount(discount),
                )
                total += 1
            except OfferRefused:
                pass
            last = number + 1 == len(moments)
            if last or moments[number + 1] // (7 * DAY) != at // (7 * DAY):  # the week's sync
                synced_at = min(at + 3600, now)
                central.config["CLOCK"].now = synced_at
                client_for_till = CentralClient(CENTRAL_URL, transport, identity.token)
                sync_once(db, identity, client_for_till, _clock_at(synced_at), 500)
        db.close()
    return total


def _fixed_discount(discount: int) -> Callable[[int], int]:
    """The discount a till records, already worked out."""
    return lambda _used: discount


def _clock_at(moment: int) -> Callable[[], int]:
    """A clock stopped at ``moment``."""
    return lambda: moment
