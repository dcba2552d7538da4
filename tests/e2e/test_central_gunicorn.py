"""The central service under gunicorn on loopback: enrolment → lists → the same batch uploaded twice →
totals counted exactly once."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cardsvc.core import RevocationState, Verifier, generate_private_key, load_trust_list, to_rfc3339
from cardsvc.core.keys import b64url_decode
from cardsvc.core.ledger_chain import chain_records, sign_batch
from tests.e2e.network_setup import AdminClient, HttpClient, make_central_instance, make_network
from tests.e2e.servers import familycard_server

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"


def test_enrol_sync_upload_twice_exactly_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    now = int(time.time())
    home = make_network(tmp_path / "network", {"108040": "Seveso"}, PASS, now - 3600)
    instance = make_central_instance(tmp_path / "central", home, PASS, USER_PASSWORD)
    serve = ["central", "serve", "--instance", str(instance), "--workers", "2"]
    env = {"FAMILYCARD_PASSPHRASE": PASS}
    with familycard_server(serve, env, "/api/v1/lists/trust", tmp_path / "central.log") as base:
        admin = AdminClient(base, "admin", USER_PASSWORD)
        merchant = admin.merchant("Farmacia", "01234567897", "108040", "farmacia")
        offer = admin.published_offer(merchant)
        device = generate_private_key()
        enrolled = admin.enrol(merchant, device)
        assert enrolled["root_public_key"] == home.state["root_public_key"]
        assert [o["id"] for o in enrolled["offers"]] == [offer]

        public = HttpClient(base)
        trust_doc = public.call("GET", "/api/v1/lists/trust")[1]
        trust = load_trust_list(trust_doc["trust_list"], Verifier(b64url_decode(enrolled["root_public_key"])))
        held = RevocationState()
        held.apply_token(public.call("GET", "/api/v1/lists/revocations")[1]["revocation_list"], trust)
        assert held.issued_at is not None and held.issued_at % 3600 == 0  # signed as of the hour
        assert 0 <= int(time.time()) - held.issued_at < 3600

        kiosk = HttpClient(base, {"Authorization": "Bearer " + enrolled["token"]})
        cards = [
            home.issue_card("108040", f"FAMIGLIA {i}", 1 + i % 3, PASS, now - 60).text for i in range(20)
        ]
        records = chain_records(
            [
                {"id": f"r{i:04d}", "type": "redemption", "card": card, "offer_id": offer,
                 "amount_cents": 1000 + i, "discount_cents": 100, "at": to_rfc3339(now - 30)}
                for i, card in enumerate(cards)
            ]
        )  # fmt: skip
        batch = sign_batch(enrolled["kiosk_id"], records, device, to_rfc3339(now))
        first = kiosk.call("POST", "/api/v1/redemptions", batch)
        second = kiosk.call("POST", "/api/v1/redemptions", batch)
        assert first[0] == second[0] == 200
        assert {r["status"] for r in first[1]["results"]} == {"accepted"}
        assert {r["status"] for r in second[1]["results"]} == {"duplicate"}
        totals = admin.ok("GET", "/api/v1/admin/totals")
        assert totals == {
            "redemptions": 20,
            "spend_cents": sum(1000 + i for i in range(20)),
            "discount_cents": 2000,
        }
