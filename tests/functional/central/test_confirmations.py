"""What cannot be undone asks first: revoking a till, suspending or ending an offer. The first step only
shows what will happen; the change needs the reason chosen from the list, and the reason is kept."""

from __future__ import annotations

import html
import re

import pytest

from tests.functional.central.test_admin_ui import login
from tests.functional.conftest import Central

pytestmark = pytest.mark.functional


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


def _db(central: Central):  # type: ignore[no-untyped-def]
    return central.db()


def test_revoking_a_till_asks_for_the_reason_first(central: Central) -> None:
    shop = central.merchant()
    central.offer(shop)
    kiosk = central.kiosk(shop)
    client, _ = login(central, "admin")
    listing = client.get("/admin/kiosks").text
    assert (
        f"/admin/kiosks/{kiosk.kiosk_id}/revoke" in listing
        and "<form" not in listing.split("revoke")[0][-200:]
    )
    asked = client.get(f"/admin/kiosks/{kiosk.kiosk_id}/revoke")
    assert "Revocare la cassa «Cassa 1» di Farmacia Centrale?" in html.unescape(asked.text)
    assert "Non si può annullare." in html.unescape(
        asked.text
    ) and '<option value="" selected disabled>' in html.unescape(asked.text)
    assert _db(central).table("kiosks").get(kiosk.kiosk_id)["status"] == "active"  # asking changes nothing
    url, token = f"/admin/kiosks/{kiosk.kiosk_id}/revoke", _token(asked.text)
    no_reason = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "Scegliere il motivo dall'elenco." in html.unescape(no_reason.text)
    assert _db(central).table("kiosks").get(kiosk.kiosk_id)["status"] == "active"
    done = client.post(url, data={"reason": "reason_kiosk_lost", "csrf_token": token}, follow_redirects=True)
    assert "Cassa «Cassa 1» di Farmacia Centrale revocata." in html.unescape(done.text)
    row = _db(central).table("kiosks").get(kiosk.kiosk_id)
    assert row["status"] == "revoked" and row["revocation_reason"] == "reason_kiosk_lost"


@pytest.mark.parametrize(("target", "question"), [("suspended", "Sospendere"), ("ended", "Terminare")])
def test_suspending_or_ending_an_offer_asks_for_the_reason(
    central: Central, target: str, question: str
) -> None:
    offer = central.offer(central.merchant())
    client, _ = login(central, "admin")
    if target == "ended":  # an offer is ended once suspended
        central.post(f"/api/v1/admin/offers/{offer}/status", {"status": "suspended"})
    asked = client.get(f"/admin/offers/{offer}/status?status={target}")
    assert f"{question} l'offerta «10% sui prodotti per l'infanzia»?" in html.unescape(asked.text)
    url, token = f"/admin/offers/{offer}/status", _token(asked.text)
    refused = client.post(
        url, data={"status": target, "reason": "whatever", "csrf_token": token}, follow_redirects=True
    )
    assert "Scegliere il motivo dall'elenco." in html.unescape(refused.text)
    assert _db(central).table("offers").get(offer)["status"] != target
    client.post(url, data={"status": target, "reason": "reason_offer_shop_request", "csrf_token": token})
    assert _db(central).table("offers").get(offer)["status"] == target
    [last] = (
        _db(central)
        .execute(
            "select reason from offer_status_history where offer_id = ? order by id desc limit 1", [offer]
        )
        .fetchall()
    )
    assert last[0] == "reason_offer_shop_request"


def test_moves_that_can_be_undone_are_made_at_once(central: Central) -> None:
    offer = central.offer(central.merchant())
    central.post(f"/api/v1/admin/offers/{offer}/status", {"status": "suspended"})
    client, _ = login(central, "admin")
    page = client.get("/admin/offers")
    client.post(
        f"/admin/offers/{offer}/status", data={"status": "published", "csrf_token": _token(page.text)}
    )
    assert _db(central).table("offers").get(offer)["status"] == "published"
    assert client.get(f"/admin/offers/{offer}/status?status=published").status_code == 404
