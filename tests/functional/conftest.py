"""Fixtures for the central service: a real network folder, a central instance made by the CLI, logins,
and a kiosk helper that signs and uploads ledger batches."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from cardsvc.central import create_app
from cardsvc.central import db as central_db
from cardsvc.cli import main
from cardsvc.cli.central_cmd import instance_settings
from cardsvc.core import from_rfc3339, generate_private_key, parse_credential, raw_public_key, to_rfc3339
from cardsvc.core.keys import b64url
from cardsvc.core.ledger_chain import GENESIS, chain_records, record_hash, sign_batch
from cardsvc.network.home import NetworkHome
from cardsvc.platform.clock import ManualClock
from cardsvc.platform.storage.engines import dispose_all
from tests.conftest import database_url

PASS = "central-test-passphrase"
USER_PASSWORD = "a-long-password-1"
NOW = 1_795_000_000  # fixed server time
VAT_SEVESO = "01234567897"  # check digit valid
VAT_BRUGHERIO = "12345678903"


def basic(username: str, password: str = USER_PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issued_event(card: str, household: str) -> dict[str, Any]:
    """An office's ``issued`` event: the signed card itself, and the household's pseudonym."""
    claims = parse_credential(card).claims
    return {"type": "issued", "cti": b64url(claims.cti), "istat": claims.issuer, "card": card,
            "household": household}  # fmt: skip


@dataclass
class Kiosk:
    client: FlaskClient
    kiosk_id: str
    token: str
    device: Any
    offers: list[dict[str, Any]]
    last_seq: int = 0
    last_hash: str = GENESIS
    ledger: list[dict[str, Any]] = field(default_factory=list)
    sent: int = 0  # how much of the ledger ``sync_new`` has sent

    def record(self, **fields: Any) -> dict[str, Any]:
        """Append a record to the local ledger (chained) and return it."""
        [chained] = chain_records(
            [{"id": uuid.uuid4().hex, "at": to_rfc3339(NOW - 60), **fields}], self.last_seq, self.last_hash
        )
        self.last_seq, self.last_hash = chained["seq"], record_hash(chained)
        self.ledger.append(chained)
        return chained

    def redeem(
        self,
        card: str,
        offer_id: int | None = None,
        amount: int = 5000,
        discount: int = 500,
        **fields: Any,
    ) -> dict[str, Any]:
        return self.record(
            type="redemption",
            card=card,
            offer_id=offer_id or self.offers[0]["id"],
            amount_cents=amount,
            discount_cents=discount,
            **fields,
        )

    def upload(self, records: list[dict[str, Any]], sent_at: int = NOW, key: Any = None) -> Any:
        batch = sign_batch(self.kiosk_id, records, key or self.device, to_rfc3339(sent_at))
        return self.client.post("/api/v1/redemptions", json=batch, headers=bearer(self.token))

    def sync_new(self, app: Flask) -> None:
        """Send the records not sent yet, each an hour after its time with the server's clock there, as a
        till that syncs does; every one must be accepted."""
        for record in self.ledger[self.sent :]:
            sent_at = from_rfc3339(record["at"]) + 3600
            app.config["CLOCK"].now = sent_at
            try:
                answer = self.upload([record], sent_at)
            finally:
                app.config["CLOCK"].now = NOW
            assert answer.status_code == 200, answer.json
            assert answer.json["results"][0]["status"] == "accepted", answer.json
        self.sent = len(self.ledger)


@dataclass
class Central:
    app: Flask
    client: FlaskClient
    home: NetworkHome
    instance: Path

    def admin(self) -> dict[str, str]:
        return basic("admin")

    def db(self) -> Any:
        """A connection of its own to the instance's database (its file, or its PostgreSQL database)."""
        from cardsvc.central.schema import open_database
        from cardsvc.platform.storage.engines import database_address

        return open_database(database_address(self.app.config))

    def basic_for(self, username: str) -> dict[str, str]:
        return basic(username)

    def post(self, path: str, data: Any, headers: dict[str, str] | None = None) -> Any:
        return self.client.post(path, json=data, headers=headers if headers is not None else self.admin())

    def merchant(
        self,
        name: str = "Farmacia Centrale",
        istat: str = "108040",
        vat: str = VAT_SEVESO,
        category: str = "farmacia",
    ) -> int:
        response = self.post(
            "/api/v1/admin/merchants",
            {"name": name, "vat": vat, "istat": istat, "category": category, "address": "Via Roma 1"},
        )
        assert response.status_code == 201, response.json
        return int(response.json["id"])

    def offer(self, merchant_id: int, **fields: Any) -> int:
        data = {"title": "10% sui prodotti per l'infanzia", "kind": "percent", "percent": 10, **fields}
        response = self.post(f"/api/v1/admin/merchants/{merchant_id}/offers", data)
        assert response.status_code == 201, response.json
        offer_id = int(response.json["id"])
        for status in ("pending", "published"):
            moved = self.post(f"/api/v1/admin/offers/{offer_id}/status", {"status": status})
            assert moved.status_code == 200, moved.json
        return offer_id

    def kiosk(self, merchant_id: int) -> Kiosk:
        created = self.post("/api/v1/admin/kiosks", {"merchant_id": merchant_id, "name": "Cassa 1"})
        assert created.status_code == 201, created.json
        device = generate_private_key()
        enrolled = self.client.post(
            "/api/v1/kiosks/enrol",
            json={"code": created.json["code"], "device_public_key": b64url(raw_public_key(device))},
        )
        assert enrolled.status_code == 201, enrolled.json
        data = enrolled.json
        return Kiosk(self.client, data["kiosk_id"], data["token"], device, data["offers"])

    def issuer_token(self, istat: str) -> str:
        response = self.post("/api/v1/admin/issuer-credentials", {"istat": istat})
        assert response.status_code == 201, response.json
        return str(response.json["token"])

    def card(self, istat: str = "108040", holder: str = "GIULIA BRAMBILLA", minors: int = 2) -> str:
        return self.home.issue_card(istat, holder, minors, PASS, NOW - 86400).text

    def revoke(self, card: str, reason: str = "lost", at: int = NOW - 10) -> None:
        """The issuer office reports the card issued, then revoked: the next delta carries it."""
        claims = parse_credential(card).claims
        cti = b64url(claims.cti)
        issued = issued_event(card, "b" * 64)
        revoked = {"type": "revoked", "cti": cti, "istat": claims.issuer, "revoked_at": at, "reason": reason}
        token = self.issuer_token(claims.issuer)
        answer = self.post("/api/v1/card-events", {"events": [issued, revoked]}, bearer(token))
        assert [r["status"] for r in answer.json["results"]] == ["accepted", "accepted"], answer.json

    def totals(self) -> dict[str, int]:
        return self.client.get("/api/v1/admin/totals", headers=self.admin()).json  # type: ignore[no-any-return]


def run_cli(*args: str) -> Any:
    result = CliRunner().invoke(
        main, list(args), env={"FAMILYCARD_PASSPHRASE": PASS, "FAMILYCARD_USER_PASSWORD": USER_PASSWORD}
    )
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture
def central(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Central]:
    """A central service on SQLite, or on a fresh PostgreSQL database where the folder's tests run on
    both engines (``tests.conftest.on_both_engines``)."""
    monkeypatch.setenv("FAMILYCARD_PASSPHRASE", PASS)
    url = database_url(request, getattr(request, "param", "sqlite"), "central_template")
    if url:
        monkeypatch.setenv("FAMILYCARD_CENTRAL_DATABASE_URL", url)
    home = NetworkHome.init(tmp_path / "network", "Rete di prova", PASS, NOW - 10 * 86400)
    home.add_comune("108040", "Seveso", PASS, NOW - 10 * 86400)
    home.add_comune("108012", "Brugherio", PASS, NOW - 10 * 86400)
    instance = tmp_path / "central"
    run_cli("central", "init", "--instance", str(instance), "--network-home", str(home.path))
    run_cli(
        "central", "add-user", "--instance", str(instance), "--username", "admin", "--role", "network_admin"
    )
    run_cli(
        "central",
        "add-user",
        "--instance",
        str(instance),
        "--username",
        "seveso",
        "--role",
        "comune_officer",
        "--istat",
        "108040",
    )
    app = create_app({**instance_settings(instance), "CLOCK": ManualClock(NOW), "TESTING": True})
    yield Central(app, app.test_client(), home, instance)
    central_db.close_all()
    dispose_all()
