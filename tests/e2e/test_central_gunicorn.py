"""The central service under gunicorn on loopback: enrolment → lists → the same batch uploaded twice →
totals counted exactly once."""

from __future__ import annotations

import base64
import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cardsvc.cli import main
from cardsvc.core import (
    RevocationState,
    Verifier,
    generate_private_key,
    load_trust_list,
    raw_public_key,
    to_rfc3339,
)
from cardsvc.core.keys import b64url, b64url_decode
from cardsvc.core.ledger_chain import chain_records, sign_batch
from cardsvc.network_home import NetworkHome
from tests.e2e.servers import familycard_server

pytestmark = pytest.mark.e2e
PASS = "e2e-passphrase-123"
USER_PASSWORD = "e2e-user-password"


def call(method: str, url: str, data: Any = None, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    body = None if data is None else json.dumps(data).encode()
    request = urllib.request.Request(
        url, data=body, method=method, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_enrol_sync_upload_twice_exactly_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    import time

    now = int(time.time())
    home = NetworkHome.init(tmp_path / "network", "Rete", PASS, now - 3600)
    home.add_comune("108040", "Seveso", PASS, now - 3600)
    instance = tmp_path / "central"
    env = {"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_USER_PASSWORD": USER_PASSWORD}
    for args in (
        ["central", "init", "--instance", str(instance), "--network-home", str(home.path)],
        [
            "central",
            "add-user",
            "--instance",
            str(instance),
            "--username",
            "admin",
            "--role",
            "network_admin",
        ],
    ):
        result = CliRunner().invoke(main, args, env=env)
        assert result.exit_code == 0, result.output
    admin = {"Authorization": "Basic " + base64.b64encode(f"admin:{USER_PASSWORD}".encode()).decode()}

    with familycard_server(
        ["central", "serve", "--instance", str(instance), "--workers", "2"],
        env,
        "/api/v1/lists/trust",
        tmp_path / "central.log",
    ) as base:
        status, merchant = call(
            "POST",
            base + "/api/v1/admin/merchants",
            {"name": "Farmacia", "vat": "01234567897", "istat": "108040", "category": "farmacia"},
            admin,
        )
        assert status == 201, merchant
        status, offer = call(
            "POST",
            f"{base}/api/v1/admin/merchants/{merchant['id']}/offers",
            {"title": "10%", "kind": "percent", "percent": 10},
            admin,
        )
        for step in ("pending", "published"):
            assert (
                call("POST", f"{base}/api/v1/admin/offers/{offer['id']}/status", {"status": step}, admin)[0]
                == 200
            )
        status, kiosk = call("POST", base + "/api/v1/admin/kiosks", {"merchant_id": merchant["id"]}, admin)
        device = generate_private_key()
        status, enrolled = call(
            "POST",
            base + "/api/v1/kiosks/enrol",
            {"code": kiosk["code"], "device_public_key": b64url(raw_public_key(device))},
        )
        assert status == 201, enrolled
        assert enrolled["root_public_key"] == home.state["root_public_key"]

        status, trust_doc = call("GET", base + "/api/v1/lists/trust")
        trust = load_trust_list(trust_doc["trust_list"], Verifier(b64url_decode(enrolled["root_public_key"])))
        held = RevocationState()
        held.apply_token(call("GET", base + "/api/v1/lists/revocations")[1]["revocation_list"], trust)

        token = {"Authorization": "Bearer " + enrolled["token"]}
        cards = [
            home.issue_card("108040", f"FAMIGLIA {i}", 1 + i % 3, PASS, now - 60).text for i in range(20)
        ]
        records = chain_records(
            [
                {
                    "id": f"r{i:04d}",
                    "type": "redemption",
                    "card": card,
                    "offer_id": offer["id"],
                    "amount_cents": 1000 + i,
                    "discount_cents": 100,
                    "at": to_rfc3339(now - 30),
                }
                for i, card in enumerate(cards)
            ]
        )
        batch = sign_batch(enrolled["kiosk_id"], records, device, to_rfc3339(now))
        first = call("POST", base + "/api/v1/redemptions", batch, token)
        second = call("POST", base + "/api/v1/redemptions", batch, token)
        assert first[0] == second[0] == 200
        assert {r["status"] for r in first[1]["results"]} == {"accepted"}
        assert {r["status"] for r in second[1]["results"]} == {"duplicate"}
        status, totals = call("GET", base + "/api/v1/admin/totals", headers=admin)
        assert totals == {
            "redemptions": 20,
            "spend_cents": sum(1000 + i for i in range(20)),
            "discount_cents": 2000,
        }
