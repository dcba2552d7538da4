"""One bad card event cannot take the network down: times are checked at the edge, and the lists are built
whatever is stored."""

from __future__ import annotations

import pytest

from cardsvc.core import CardClaims, RevocationState, Verifier, issue_card, load_trust_list, parse_credential
from cardsvc.core.keys import b64url, b64url_decode
from cardsvc.network.keystore import read_private_key
from tests.functional.conftest import NOW, PASS, Central, bearer, issued_event

pytestmark = pytest.mark.functional


def _held(central: Central) -> RevocationState:
    root = Verifier(b64url_decode(central.home.state["root_public_key"]))
    trust = load_trust_list(central.client.get("/api/v1/lists/trust").json["trust_list"], root)
    answer = central.client.get("/api/v1/lists/revocations")
    assert answer.status_code == 200, answer.json
    held = RevocationState()
    held.apply_token(answer.json["revocation_list"], trust)
    return held


def test_a_revocation_dated_in_the_year_10000_is_refused(central: Central) -> None:
    token = central.issuer_token("108040")
    card = central.card()
    cti = b64url(parse_credential(card).claims.cti)
    central.post("/api/v1/card-events", {"events": [issued_event(card, "a" * 64)]}, bearer(token))
    far = {"type": "revoked", "cti": cti, "istat": "108040", "revoked_at": 253_402_300_800, "reason": "lost"}
    result = central.post("/api/v1/card-events", {"events": [far]}, bearer(token)).json["results"][0]
    assert result["status"] == "rejected" and "revoked_at" in result["reason"]
    assert _held(central).lookup(parse_credential(card).claims.cti) is None


def test_lists_are_built_whatever_is_stored(central: Central) -> None:
    """A revocation stored with a time no list can carry (as one was before times were checked) is
    published as revoked when the list was signed; the lists and every till's sync keep answering."""
    merchant = central.merchant()
    central.offer(merchant)
    kiosk = central.kiosk(merchant)
    card = central.card()
    cti = parse_credential(card).claims.cti
    with central.app.app_context():
        from cardsvc.central.db import get_db

        db = get_db()
        db["revocations"].insert({"cti": b64url(cti), "istat": "108040", "revoked_at": 253_402_300_800,
                                  "reason": "lost"})  # fmt: skip
        db["revocations"].insert({"cti": "not-a-cti", "istat": "108040", "revoked_at": NOW, "reason": "??"})
        db.commit()
    entry = _held(central).lookup(cti)
    assert entry is not None and entry.revoked_at == NOW - NOW % 3600  # the list's issued_at
    sync = central.client.get("/api/v1/kiosk/sync", headers=bearer(kiosk.token))
    assert sync.status_code == 200 and sync.json["revocation_list"]


def test_an_issued_card_with_dates_out_of_bounds_stores_nothing(central: Central) -> None:
    token = central.issuer_token("108040")
    key_file = next(r["key_file"] for r in central.home.state["issuer_keys"] if r["istat"] == "108040")
    key = read_private_key(central.home.path / key_file, PASS)
    far = issue_card(CardClaims("108040", NOW - 3600, 2**53 - 1, b"\x01" * 8, "MARIO ROSSI", 1), key)
    result = central.post("/api/v1/card-events", {"events": [issued_event(far, "a" * 64)]}, bearer(token))
    assert result.json["results"][0]["status"] == "rejected"
    with central.app.app_context():
        from cardsvc.central.db import get_db

        assert get_db()["cards"].count == 0
