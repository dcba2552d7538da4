"""Issuer card events, the revocation deltas they produce, and the anomaly flags."""

import pytest

from cardsvc.core import RevocationState, Verifier, load_trust_list, parse_credential, to_rfc3339
from cardsvc.core.keys import b64url_decode
from tests.functional.conftest import NOW, Central, bearer
from tests.functional.conftest import issued_event as shared_issued_event

pytestmark = pytest.mark.functional
HOUSEHOLD = "a" * 64


def issued_event(card: str, istat: str = "108040") -> dict:
    return {**shared_issued_event(card, HOUSEHOLD), "istat": istat}


def test_card_events_and_the_next_revocation_delta(central: Central) -> None:
    token = central.issuer_token("108040")
    card = central.card()
    issued = central.post("/api/v1/card-events", {"events": [issued_event(card)]}, bearer(token))
    assert issued.json["results"][0]["status"] == "accepted"
    again = central.post("/api/v1/card-events", {"events": [issued_event(card)]}, bearer(token))
    assert again.json["results"][0]["status"] == "duplicate"
    before = central.client.get("/api/v1/lists/revocations").json["version"]
    revoke = {
        "type": "revoked",
        "cti": issued_event(card)["cti"],
        "istat": "108040",
        "revoked_at": NOW - 10,
        "reason": "lost",
    }
    assert (
        central.post("/api/v1/card-events", {"events": [revoke]}, bearer(token)).json["results"][0]["status"]
        == "accepted"
    )
    delta = central.client.get(f"/api/v1/lists/revocations?since={before}").json
    assert delta["version"] == before + 1
    trust = load_trust_list(
        central.client.get("/api/v1/lists/trust").json["trust_list"],
        Verifier(b64url_decode(central.home.state["root_public_key"])),
    )
    held = RevocationState()
    held.apply_token(central.client.get("/api/v1/lists/revocations?since=0").json["revocation_list"], trust)
    assert held.lookup(parse_credential(card).claims.cti).reason == "lost"


def test_a_comune_sends_events_for_its_own_cards_only(central: Central) -> None:
    seveso, brugherio = central.issuer_token("108040"), central.issuer_token("108012")
    card = central.card("108040")
    central.post("/api/v1/card-events", {"events": [issued_event(card)]}, bearer(seveso))
    as_other = central.post(
        "/api/v1/card-events", {"events": [issued_event(card, "108040")]}, bearer(brugherio)
    ).json
    assert as_other["results"][0]["status"] == "rejected"
    revoke = {
        "type": "revoked",
        "cti": issued_event(card)["cti"],
        "istat": "108012",
        "revoked_at": NOW,
        "reason": "fraud",
    }
    refused = central.post("/api/v1/card-events", {"events": [revoke]}, bearer(brugherio)).json["results"][0]
    assert refused["status"] == "rejected" and "another comune" in refused["reason"]
    assert central.post("/api/v1/card-events", {"events": []}, bearer("x" * 40)).status_code == 401


def test_household_pseudonym_reaches_the_redemption(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    card = central.card()
    central.post(
        "/api/v1/card-events", {"events": [issued_event(card)]}, bearer(central.issuer_token("108040"))
    )
    sale = kiosk.redeem(card)
    kiosk.upload([sale])
    with central.app.app_context():
        from cardsvc.central.db import get_db

        row = next(get_db()["redemptions"].rows_where("id = ?", [sale["id"]]))
    assert row["household"] == HOUSEHOLD and row["card_istat"] == "108040" and row["shop_istat"] == "108040"


def flags(central: Central, kind: str) -> list[dict]:
    return [
        f
        for f in central.client.get("/api/v1/admin/flags", headers=central.admin()).json["flags"]
        if f["kind"] == kind
    ]


def test_card_velocity_across_shops(central: Central) -> None:
    card = central.card()
    kiosks = []
    for i, (istat, vat, category) in enumerate(
        [("108040", "01234567897", "farmacia"), ("108012", "12345678903", "libreria")]
    ):
        merchant = central.merchant(f"Negozio {i}", istat, vat, category)
        central.offer(merchant)
        kiosks.append(central.kiosk(merchant))
    ids = []
    for n in range(5):
        kiosk = kiosks[n % 2]
        sale = kiosk.redeem(card, at=to_rfc3339(NOW - 600 + 60 * n))  # the flag lists them in time order
        ids.append(sale["id"])
        assert kiosk.upload([sale]).json["results"][0]["status"] == "accepted"
    [flag] = flags(central, "card_velocity")
    assert flag["records"] == ids and flag["istat"] == "108040"


def test_accepted_while_revoked(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    token = central.issuer_token("108040")
    card = central.card()
    central.post("/api/v1/card-events", {"events": [issued_event(card)]}, bearer(token))
    revoke = {
        "type": "revoked",
        "cti": issued_event(card)["cti"],
        "istat": "108040",
        "revoked_at": NOW - 3600,
        "reason": "stolen",
    }
    central.post("/api/v1/card-events", {"events": [revoke]}, bearer(token))
    sale = kiosk.redeem(card)  # taken offline at NOW - 60, after the revocation
    assert kiosk.upload([sale]).json["results"][0]["status"] == "accepted"
    [flag] = flags(central, "accepted_while_revoked")
    assert flag["records"] == [sale["id"]]


def test_clock_skew_and_void_ratio(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    card = central.card()
    assert kiosk.upload([kiosk.redeem(card)], sent_at=NOW + 3600).status_code == 200
    assert len(flags(central, "clock_skew")) == 1
    records = []
    for _ in range(8):
        sale = kiosk.redeem(central.card())
        records += [sale, kiosk.record(type="void", voids=sale["id"])]
    kiosk.upload(records)
    [flag] = flags(central, "void_ratio")
    assert flag["kiosk_id"] == kiosk.kiosk_id


def test_comune_officer_sees_only_own_comune_flags(central: Central) -> None:
    from tests.functional.conftest import basic

    merchant = central.merchant("Libreria", "108012", "12345678903", "libreria")
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    card = central.card("108012")
    for _ in range(5):
        kiosk.upload([kiosk.redeem(card)])
    assert len(flags(central, "card_velocity")) == 1
    officer = central.client.get("/api/v1/admin/flags", headers=basic("seveso")).json["flags"]
    assert officer == []
