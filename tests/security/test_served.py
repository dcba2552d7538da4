"""Attacks on the central service served by gunicorn (two workers) on loopback: a one-time enrolment code
raced from many connections, a revoked office credential, the security headers, and a JSON client that
must not carry its bearer credential through a redirect."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ClassVar

import pytest

from cardsvc.core import generate_private_key, raw_public_key
from cardsvc.core.keys import b64url
from cardsvc.platform.json_client import CentralRefused, JsonClient, urllib_transport
from tests.e2e.network_setup import AdminClient, HttpClient, make_central_instance, make_network
from tests.e2e.servers import familycard_server

pytestmark = pytest.mark.e2e
PASS = "security-passphrase-1"
USER_PASSWORD = "security-user-password"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, AdminClient]]:
    tmp = tmp_path_factory.mktemp("served")
    env = {"FAMILYCARD_PASSPHRASE": PASS}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("FAMILYCARD_PASSPHRASE", PASS)
        home = make_network(tmp / "network", {"108040": "Seveso"}, PASS, int(time.time()) - 3600)
        instance = make_central_instance(tmp / "central", home, PASS, USER_PASSWORD)
    serve = ["central", "serve", "--instance", str(instance), "--workers", "2"]
    with familycard_server(serve, env, "/api/v1/lists/trust", tmp / "central.log") as base:
        yield base, AdminClient(base, "admin", USER_PASSWORD)


def test_a_one_time_code_enrols_one_kiosk_however_many_race_for_it(served: tuple[str, AdminClient]) -> None:
    base, admin = served
    merchant = admin.merchant("Farmacia", "01234567897", "108040", "farmacia")
    code = admin.ok("POST", "/api/v1/admin/kiosks", {"merchant_id": merchant, "name": "Cassa"})["code"]

    def enrol(_: int) -> int:
        key = b64url(raw_public_key(generate_private_key()))
        return HttpClient(base).call(
            "POST", "/api/v1/kiosks/enrol", {"code": code, "device_public_key": key}
        )[0]

    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(enrol, range(24)))
    assert statuses.count(201) == 1, statuses
    assert set(statuses) == {201, 403}


def test_a_revoked_office_credential_is_refused_at_once(served: tuple[str, AdminClient]) -> None:
    base, admin = served
    created = admin.ok("POST", "/api/v1/admin/issuer-credentials", {"istat": "108040"})
    office = HttpClient(base, {"Authorization": "Bearer " + created["token"]})
    event = {"type": "revoked", "cti": "AAAAAAAAAAA", "istat": "108040", "revoked_at": 1, "reason": "lost"}
    assert office.call("POST", "/api/v1/card-events", {"events": [event]})[0] == 200
    listed = admin.ok("GET", "/api/v1/admin/issuer-credentials")["credentials"]
    mine = next(c for c in listed if c["id"] == created["id"])
    assert mine["last_used_at"] is not None and mine["revoked_at"] is None
    admin.ok("POST", f"/api/v1/admin/issuer-credentials/{created['id']}/revoke")
    for _ in range(6):  # whichever worker answers
        assert office.call("POST", "/api/v1/card-events", {"events": [event]})[0] == 401


def test_every_page_carries_the_security_headers(served: tuple[str, AdminClient]) -> None:
    import urllib.request

    base, _admin = served
    for path in ("/admin/login", "/directory", "/api/v1/lists/trust"):
        with urllib.request.urlopen(base + path) as answer:
            csp = answer.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
            assert "unsafe-inline" not in csp
            assert answer.headers["X-Content-Type-Options"] == "nosniff"
            assert answer.headers["Referrer-Policy"] == "same-origin"


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[dict[str, Any]]] = []
    redirect_to: ClassVar[str] = ""

    def do_GET(self) -> None:
        _Recorder.seen.append({"path": self.path, "authorization": self.headers.get("Authorization")})
        if self.path.startswith("/api/"):
            self.send_response(302)
            self.send_header("Location", _Recorder.redirect_to)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


def test_the_json_client_never_carries_its_token_through_a_redirect() -> None:
    servers = [http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        first, elsewhere = (f"http://127.0.0.1:{s.server_address[1]}" for s in servers)
        _Recorder.redirect_to = elsewhere + "/collect"
        client = JsonClient(first, urllib_transport(5), "secret-bearer-token")
        with pytest.raises(CentralRefused) as refused:
            client.call("GET", "/api/v1/kiosk/sync")
        assert refused.value.details["http_status"] == 302 and refused.value.code == "redirect"
        assert [s["path"] for s in _Recorder.seen] == ["/api/v1/kiosk/sync"]  # nothing reached /collect
        assert all("secret" not in str(s["authorization"]) for s in _Recorder.seen[1:])
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
