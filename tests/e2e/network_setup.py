"""A network, a central instance and an administrator's HTTP client, for end-to-end tests and benches."""

from __future__ import annotations

import base64
import http.client
import json
import time
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cardsvc.cli import main
from cardsvc.core import raw_public_key
from cardsvc.core.keys import b64url, public_key_from_pem
from cardsvc.network.home import NetworkHome


def make_network(folder: Path, comuni: dict[str, str], passphrase: str, since: int) -> NetworkHome:
    home = NetworkHome.init(folder, "Rete di prova", passphrase, since)
    for istat, name in comuni.items():
        home.add_comune(istat, name, passphrase, since)
    return home


def make_central_instance(folder: Path, home: NetworkHome, passphrase: str, admin_password: str) -> Path:
    """``familycard central init`` and an ``admin`` login, as an operator would run them."""
    env = {"FAMILYCARD_PASSPHRASE": passphrase, "FAMILYCARD_USER_PASSWORD": admin_password}
    for args in (
        ["central", "init", "--instance", str(folder), "--network-home", str(home.path)],
        ["central", "add-user", "--instance", str(folder), "--username", "admin", "--role", "network_admin"],
    ):
        result = CliRunner().invoke(main, args, env=env)
        if result.exit_code != 0:
            raise RuntimeError(result.output)
    return folder


class HttpClient:
    """JSON over one keep-alive connection."""

    def __init__(self, base: str, headers: dict[str, str] | None = None) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=120)
        self.headers = {"Content-Type": "application/json", **(headers or {})}

    def call(self, method: str, path: str, data: Any = None) -> tuple[int, Any]:
        body = None if data is None else (data if isinstance(data, bytes) else json.dumps(data).encode())
        self.connection.request(method, path, body=body, headers=self.headers)
        response = self.connection.getresponse()
        return response.status, json.loads(response.read())


class AdminClient(HttpClient):
    """The network administrator's calls that set up shops, offers and kiosks."""

    def __init__(self, base: str, username: str, password: str) -> None:
        token = base64.b64encode(f"{username}:{password}".encode()).decode()
        super().__init__(base, {"Authorization": f"Basic {token}"})
        self.base = base

    def ok(self, method: str, path: str, data: Any = None) -> Any:
        status, answer = self.call(method, path, data)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {answer}")
        return answer

    def merchant(self, name: str, vat: str, istat: str, category: str = "alimentari") -> int:
        data = {"name": name, "vat": vat, "istat": istat, "category": category, "address": "Via Roma 1"}
        return int(self.ok("POST", "/api/v1/admin/merchants", data)["id"])

    def published_offer(self, merchant_id: int, **fields: Any) -> int:
        data = {"title": "10%", "kind": "percent", "percent": 10, **fields}
        offer = self.ok("POST", f"/api/v1/admin/merchants/{merchant_id}/offers", data)
        for status in ("pending", "published"):
            self.ok("POST", f"/api/v1/admin/offers/{offer['id']}/status", {"status": status})
        return int(offer["id"])

    def enrolment_code(self, merchant_id: int) -> str:
        return str(self.ok("POST", "/api/v1/admin/kiosks", {"merchant_id": merchant_id})["code"])

    def enrol(self, merchant_id: int, device: Any) -> dict[str, Any]:
        """Create a kiosk and enrol it with ``device``'s public key, as a till would."""
        request = {
            "code": self.enrolment_code(merchant_id),
            "device_public_key": b64url(raw_public_key(device)),
        }
        till = HttpClient(self.base)
        try:
            status, enrolled = till.call("POST", "/api/v1/kiosks/enrol", request)
        finally:
            till.connection.close()
        if status != 201:
            raise RuntimeError(f"enrolment: {status} {enrolled}")
        return dict(enrolled)


def enrol_till(folder: Path, central_base: str, code: str, passphrase: str) -> dict[str, Any]:
    """``familycard kiosk enroll``, as the shop's installer would run it."""
    args = ["kiosk", "enroll", "--instance", str(folder), "--central", central_base, "--code", code, "--json"]
    result = CliRunner().invoke(main, args, env={"FAMILYCARD_PASSPHRASE": passphrase})
    if result.exit_code != 0:
        raise RuntimeError(result.output)
    return dict(json.loads(result.output))


def make_office_instance(
    folder: Path,
    home: NetworkHome,
    central: AdminClient,
    comuni: dict[str, str],
    passphrase: str,
    password: str,
) -> Path:
    """A comune office as its administrator sets it up: root key pinned, comuni with their event
    credentials, an operator each (``office-<istat>``), and its own signing keys, published by the network."""
    env = {"FAMILYCARD_PASSPHRASE": passphrase, "FAMILYCARD_USER_PASSWORD": password}

    def cli(*args: str) -> None:
        result = CliRunner().invoke(main, ["issuer", *args, "--instance", str(folder)], env=env)
        if result.exit_code != 0:
            raise RuntimeError(result.output)

    cli("init", "--root-public-key", home.state["root_public_key"], "--central", central.base)
    for istat, name in comuni.items():
        token = central.ok("POST", "/api/v1/admin/issuer-credentials", {"istat": istat})["token"]
        cli("add-comune", "--istat", istat, "--name", name, "--central-token", token)
        cli("add-operator", "--username", f"office-{istat}", "--istat", istat)
        public = folder / f"{istat}.pub.pem"
        cli("new-key", "--istat", istat, "--out", str(public))
        home.rotate_key(istat, passphrase, int(time.time()) - 3600, public_key_from_pem(public.read_bytes()))
    central.ok(
        "POST",
        "/api/v1/admin/trust-lists",
        {"trust_list": home.sign_trust_list(passphrase, int(time.time()))},
    )
    cli("push")  # takes the trust list that names the office's keys
    return folder
