"""Enrolment, list download and redemption upload through the test client."""

import pytest

from cardsvc.core import RevocationState, Verifier, load_trust_list, to_rfc3339
from cardsvc.core.keys import b64url_decode
from tests.functional.conftest import NOW, Central, bearer

pytestmark = pytest.mark.functional


def test_lists_are_public_and_verify_against_the_pinned_root(central: Central) -> None:
    trust = central.client.get("/api/v1/lists/trust")
    assert trust.status_code == 200
    root = Verifier(b64url_decode(central.home.state["root_public_key"]))
    parsed = load_trust_list(trust.json["trust_list"], root)
    assert {i.istat for i in parsed.issuers} == {"108040", "108012"}
    revocations = central.client.get("/api/v1/lists/revocations?since=0")
    held = RevocationState()
    held.apply_token(revocations.json["revocation_list"], parsed)
    assert held.issued_at == NOW - NOW % 3600  # signed as of the hour (LIST_REISSUE_INTERVAL)
    assert revocations.headers["Server-Time"] == to_rfc3339(NOW)


def test_enrolment_gives_identity_lists_and_offers(central: Central) -> None:
    merchant = central.merchant()
    offer = central.offer(merchant)
    kiosk = central.kiosk(merchant)
    assert kiosk.kiosk_id.startswith("k_") and len(kiosk.token) > 30
    assert [o["id"] for o in kiosk.offers] == [offer]
    sync = central.client.get("/api/v1/kiosk/sync?since=0", headers=bearer(kiosk.token))
    assert sync.status_code == 200
    assert sync.json["root_public_key"] == central.home.state["root_public_key"]
    assert sync.json["trust_list"] and sync.json["revocation_list"]
    assert sync.json["merchant"]["id"] == merchant


def test_enrolment_code_works_once_and_expires(central: Central) -> None:
    merchant = central.merchant()
    created = central.post("/api/v1/admin/kiosks", {"merchant_id": merchant, "name": "Cassa"}).json
    from cardsvc.core import generate_private_key, raw_public_key
    from cardsvc.core.keys import b64url

    device = b64url(raw_public_key(generate_private_key()))
    first = central.client.post(
        "/api/v1/kiosks/enrol", json={"code": created["code"].lower(), "device_public_key": device}
    )
    assert first.status_code == 201
    again = central.client.post(
        "/api/v1/kiosks/enrol", json={"code": created["code"], "device_public_key": device}
    )
    assert again.status_code == 403 and again.json["error"]["code"] == "invalid_code"
    late = central.post("/api/v1/admin/kiosks", {"merchant_id": merchant}).json
    central.app.config["CLOCK"].now = NOW + 2 * 86400
    expired = central.client.post(
        "/api/v1/kiosks/enrol", json={"code": late["code"], "device_public_key": device}
    )
    assert expired.status_code == 403 and expired.json["error"]["code"] == "code_expired"
    bad_key = central.client.post(
        "/api/v1/kiosks/enrol", json={"code": late["code"], "device_public_key": "xx"}
    )
    assert bad_key.status_code == 400


def test_batch_upload_twice_counts_once(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    records = [kiosk.redeem(central.card(), amount=4000 + i, discount=400) for i in range(5)]
    first = kiosk.upload(records)
    assert first.status_code == 200, first.json
    assert [r["status"] for r in first.json["results"]] == ["accepted"] * 5
    for _ in range(3):
        again = kiosk.upload(records)
        assert [r["status"] for r in again.json["results"]] == ["duplicate"] * 5
    assert central.totals() == {
        "redemptions": 5,
        "spend_cents": sum(4000 + i for i in range(5)),
        "discount_cents": 2000,
    }
    stored = central.app.test_client().application
    with stored.app_context():
        from cardsvc.central.db import get_db

        columns = {c.name for c in get_db()["redemptions"].columns}
        assert "holder" not in columns and "card" not in columns
        assert all("GIULIA" not in str(row) for row in get_db()["redemptions"].rows)


def test_a_void_removes_a_redemption_from_the_totals(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    sale = kiosk.redeem(central.card())
    void = kiosk.record(type="void", voids=sale["id"])
    assert [r["status"] for r in kiosk.upload([sale, void]).json["results"]] == ["accepted", "accepted"]
    assert central.totals()["redemptions"] == 0
    bogus = kiosk.record(type="void", voids="no-such-id")
    result = kiosk.upload([bogus]).json["results"][0]
    assert result == {"id": bogus["id"], "status": "rejected", "reason": "unknown_redemption"}


def test_refusals(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    other = central.merchant("Libreria Brugherio", "108012", "12345678903", "libreria")
    other_offer = central.offer(other)
    kiosk = central.kiosk(merchant)
    card = central.card()
    # no credential, unknown credential
    assert central.client.post("/api/v1/redemptions", json={}).status_code == 401
    assert central.client.post("/api/v1/redemptions", json={}, headers=bearer("x" * 40)).status_code == 401
    # tampered batch signature
    from cardsvc.core import generate_private_key

    tampered = kiosk.upload([kiosk.redeem(card)], key=generate_private_key())
    assert tampered.status_code == 400 and tampered.json["error"]["code"] == "bad_batch_signature"
    kiosk.last_seq, kiosk.last_hash = 0, "0" * 64
    # another merchant's offer, a forged card
    theirs = kiosk.redeem(card, offer_id=other_offer)
    forged_text = card[:-6] + ("A" if card[-6] != "A" else "B") + card[-5:]
    forged = kiosk.redeem(forged_text)
    results = kiosk.upload([theirs, forged]).json["results"]
    assert [r.get("reason") for r in results] == ["offer_not_yours", "forged_card"]
    # broken chain: a record skipped
    kiosk.redeem(card)
    skipped_to = kiosk.redeem(card)
    broken = kiosk.upload([skipped_to]).json["results"][0]
    assert broken["status"] == "rejected" and broken["reason"] == "chain_gap"
    flags = central.client.get("/api/v1/admin/flags", headers=central.admin()).json["flags"]
    assert any(f["kind"] == "chain_break" and skipped_to["id"] in f["records"] for f in flags)
    # malformed JSON, wrong shape, oversized body
    bad = central.client.post(
        "/api/v1/redemptions",
        data="{nope",
        headers={**bearer(kiosk.token), "Content-Type": "application/json"},
    )
    assert bad.status_code == 400 and bad.json["error"]["code"] == "invalid_request"
    central.app.config["MAX_CONTENT_LENGTH"] = 1000
    big = central.client.post(
        "/api/v1/redemptions", json={"records": ["x" * 2000]}, headers=bearer(kiosk.token)
    )
    assert big.status_code == 413 and big.json["error"]["code"] == "request_entity_too_large"


def test_revoked_kiosk_is_refused_at_once(central: Central) -> None:
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    assert central.client.get("/api/v1/kiosk/sync", headers=bearer(kiosk.token)).status_code == 200
    assert central.post(f"/api/v1/admin/kiosks/{kiosk.kiosk_id}/revoke", {}).status_code == 200
    refused = central.client.get("/api/v1/kiosk/sync", headers=bearer(kiosk.token))
    assert refused.status_code == 403 and refused.json["error"]["code"] == "kiosk_revoked"
    assert kiosk.upload([kiosk.redeem(central.card())]).status_code == 403
