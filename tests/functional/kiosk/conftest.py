"""Fixtures for the till: a central service (test client), a kiosk enrolled with it through a transport
that calls the central app in-process, and a ``Till`` helper that scans, redeems and voids as a clerk."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from cardsvc.platform.clock import ManualClock
from merchant_kiosk import create_app
from merchant_kiosk.central_client import Transport
from merchant_kiosk.identity import enroll
from tests.functional.conftest import NOW, PASS, Central

CENTRAL_URL = "http://central.test"


def in_process_transport(client: FlaskClient) -> Transport:
    """Send the kiosk's calls to the central app's test client: no sockets, the real central code."""

    def send(
        method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes, Mapping[str, str]]:
        path = url.removeprefix(CENTRAL_URL)
        response = client.open(path, method=method, headers=headers, data=body)
        return response.status_code, response.data, dict(response.headers.items())

    return send


@dataclass(frozen=True)
class Call:
    path: str
    if_none_match: str | None
    status: int
    size: int  # bytes of the answer's body


class RecordingTransport:
    """Passes the calls on to ``inner`` and notes each one: what was asked, and how much came back."""

    def __init__(self, inner: Transport) -> None:
        self.inner = inner
        self.calls: list[Call] = []

    def __call__(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes, Mapping[str, str]]:
        status, data, answer_headers = self.inner(method, url, headers, body)
        path = url.removeprefix(CENTRAL_URL)
        self.calls.append(Call(path, headers.get("If-None-Match"), status, len(data)))
        return status, data, answer_headers

    def to(self, prefix: str) -> list[Call]:
        """The calls noted to paths starting with ``prefix``."""
        return [call for call in self.calls if call.path.startswith(prefix)]


@dataclass
class Till:
    app: Flask
    client: FlaskClient
    clock: ManualClock
    central: Central
    offers: list[int]
    instance: Path

    def token(self) -> str:
        page = self.client.get("/").get_data(as_text=True)
        match = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert match, page
        return match.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        return self.client.post(path, data={"csrf_token": self.token(), **(data or {})}, **kwargs)

    def scan(self, text: str) -> Any:
        return self.post("/scan", {"code": text})

    def redeem(self, card: str, amount: str, offer_id: int | None = None) -> Any:
        """Scan ``card`` and record a discount on ``amount`` with the form as the page offers it."""
        page = self.scan(card).get_data(as_text=True)
        fields = dict(re.findall(r'name="(scan_id|redemption_id)" value="([^"]+)"', page))
        assert len(fields) == 2, page
        chosen = offer_id if offer_id is not None else self.offers[0]
        return self.post("/redeem", {**fields, "offer_id": str(chosen), "amount": amount})

    def sync(self) -> dict[str, Any]:
        from merchant_kiosk.background import run_sync

        return run_sync(self.app)


def enrolled_till(central: Central, tmp_path: Path, offers: list[dict[str, Any]], **config: Any) -> Till:
    merchant = central.merchant()
    offer_ids = [central.offer(merchant, **fields) for fields in offers]
    created = central.post("/api/v1/admin/kiosks", {"merchant_id": merchant, "name": "Cassa 1"})
    transport = config.pop("TRANSPORT", None) or in_process_transport(central.client)
    instance = tmp_path / "kiosk"
    enroll(instance, CENTRAL_URL, created.json["code"], PASS, transport)
    clock = ManualClock(NOW)
    app = create_app(
        {
            "INSTANCE": str(instance),
            "PASSPHRASE": PASS,
            "CLOCK": clock,
            "TRANSPORT": transport,
            "SYNC_IN_BACKGROUND": False,
            "TESTING": True,
            **config,
        }
    )
    return Till(app, app.test_client(), clock, central, offer_ids, instance)


@pytest.fixture
def make_till(central: Central, tmp_path: Path) -> Iterator[Callable[..., Till]]:
    counter = iter(range(100))

    def make(offers: list[dict[str, Any]] | None = None, **config: Any) -> Till:
        folder = tmp_path / f"till{next(counter)}"
        return enrolled_till(central, folder, offers if offers is not None else [{}], **config)

    yield make


@pytest.fixture
def till(make_till: Callable[..., Till]) -> Till:
    return make_till()
