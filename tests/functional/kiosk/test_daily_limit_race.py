"""Two tabs of the same till send the same card's discount at the same moment: an offer limited to once a
day is used once, never twice."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from merchant_kiosk.schema import open_database
from tests.functional.kiosk.conftest import Till

pytestmark = pytest.mark.functional
FIELDS = re.compile(r'name="(scan_id|redemption_id)" value="([^"]+)"')
CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


def tab_form(client: FlaskClient, card: str, offer_id: int) -> dict[str, str]:
    """A browser tab that scanned ``card``: the form it will send to record the discount."""
    token = CSRF.search(client.get("/").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    page = client.post("/scan", data={"csrf_token": token, "code": card}).get_data(as_text=True)
    fields = dict(FIELDS.findall(page))
    assert len(fields) == 2, page
    return {"csrf_token": token, **fields, "offer_id": str(offer_id), "amount": "10"}


def at_once(sends: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls in threads released together."""
    barrier = threading.Barrier(len(sends))
    results: list[Any] = [None] * len(sends)

    def run(index: int) -> None:
        barrier.wait()
        results[index] = sends[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_tabs_use_a_once_a_day_offer_once(make_till: Callable[..., Till]) -> None:
    till = make_till([{"title": "Una volta al giorno", "daily_limit": 1}])
    tabs = [till.app.test_client(), till.app.test_client()]
    doubled = 0
    for _ in range(30):
        card = till.central.card()
        forms = [tab_form(tab, card, till.offers[0]) for tab in tabs]
        answers = at_once(
            [
                lambda tab=tab, form=form: tab.post("/redeem", data=form)
                for tab, form in zip(tabs, forms, strict=True)
            ]
        )
        codes = sorted(answer.status_code for answer in answers)
        assert codes in ([303, 303], [303, 422]), codes
        doubled += codes == [303, 303]
        till.clock.now += 30
    db = open_database(str(till.instance / "kiosk.db"))
    per_card = db.execute("select max(n) from (select count(*) n from live_redemptions group by cti)")
    assert (doubled, per_card.fetchone()[0]) == (0, 1)
