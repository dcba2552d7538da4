"""Uploads at the same moment, each on its own connection (as on several instances behind a balancer):
one card's redemptions at many shops are all seen by the check across tills, a till's batch sent twice
at once is counted once, and revocations are numbered in the order they are committed."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from cardsvc.core import to_rfc3339
from tests.functional.central.test_card_events_and_flags import flags
from tests.functional.conftest import NOW, Central, Kiosk

pytestmark = pytest.mark.functional
SHOPS = (("108040", "01234567897"), ("108012", "12345678903"), ("108040", "11111111115"))


def at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run ``calls`` in threads released together; their results in order."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(n: int) -> None:
        start.wait()
        results[n] = calls[n]()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def tills(central: Central) -> list[Kiosk]:
    made = []
    for n, (istat, vat) in enumerate(SHOPS):
        merchant = central.merchant(f"Negozio {n}", istat, vat)
        central.offer(merchant)
        kiosk = central.kiosk(merchant)
        kiosk.client = central.app.test_client()  # a client (and a server thread's connection) of its own
        made.append(kiosk)
    return made


def test_one_cards_uses_at_many_shops_at_once_are_all_seen(central: Central) -> None:
    card, shops = central.card(), tills(central)
    sales = [
        [kiosk.redeem(card, at=to_rfc3339(NOW - 900 + 60 * (3 * turn + n))) for turn in range(2)]
        for n, kiosk in enumerate(shops)
    ]  # six uses of one card in one day, two at each of three shops: above the limit of four
    answers = at_once(
        [lambda k=kiosk, s=batch: k.upload(s) for kiosk, batch in zip(shops, sales, strict=True)]
    )
    assert all(answer.status_code == 200 for answer in answers)
    assert all(r["status"] == "accepted" for answer in answers for r in answer.json["results"])
    [flag] = flags(central, "card_velocity")
    assert sorted(flag["records"]) == sorted(sale["id"] for batch in sales for sale in batch)


def test_a_batch_sent_twice_at_once_is_counted_once(central: Central) -> None:
    kiosk = tills(central)[0]
    batch = [kiosk.redeem(central.card(), amount=3000 + n, discount=300) for n in range(20)]
    twin = Kiosk(central.app.test_client(), kiosk.kiosk_id, kiosk.token, kiosk.device, kiosk.offers)
    answers = at_once([lambda: kiosk.upload(batch), lambda: twin.upload(batch)])  # a retry while in flight
    statuses = sorted({r["status"] for answer in answers for r in answer.json["results"]})
    assert statuses in (["accepted", "duplicate"], ["accepted"]) and all(
        a.status_code == 200 for a in answers
    )
    assert [r["status"] for r in answers[0].json["results"]].count("accepted") + [
        r["status"] for r in answers[1].json["results"]
    ].count("accepted") == 20
    assert central.totals() == {
        "redemptions": 20, "spend_cents": sum(3000 + n for n in range(20)), "discount_cents": 6000
    }  # fmt: skip


def test_revocations_are_numbered_in_the_order_they_commit(central: Central) -> None:
    db_a, db_b = central.db(), central.db()
    from cardsvc.central.list_service import revoke_card

    with db_a.write():
        revoke_card(db_a, "cti-a", "108040", NOW, "lost")
        blocked = threading.Thread(target=lambda: _revoke_in_own_transaction(db_b, "cti-b"))
        blocked.start()
        blocked.join(1)
        assert blocked.is_alive()  # it waits: for the list's lock (PostgreSQL), the write lock (SQLite)
    blocked.join(30)
    versions = dict(db_a.execute("select cti, version from revocations where cti in ('cti-a', 'cti-b')"))
    assert versions["cti-a"] < versions["cti-b"]
    db_a.close()
    db_b.close()


def _revoke_in_own_transaction(db: Any, cti: str) -> None:
    from cardsvc.central.list_service import revoke_card

    with db.write():
        revoke_card(db, cti, "108040", NOW, "lost")
