"""A till's browser, as plain HTTP: one keep-alive connection, the session cookie, the CSRF token, and
the clerk's actions (scan, redeem, void). For end-to-end tests and ``bench/kiosk.py``."""

from __future__ import annotations

import http.client
import re
import urllib.parse
from dataclasses import dataclass

CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')
VERDICT = re.compile(r'data-verdict="([A-Z_]+)"')
FORM_FIELD = re.compile(r'name="(scan_id|redemption_id)" value="([^"]+)"')
OFFER = re.compile(r'name="offer_id" value="(\d+)"(?! disabled)')


@dataclass
class Scanned:
    verdict: str
    scan_id: str | None
    redemption_id: str | None
    offer_id: int | None
    page: str


class TillClient:
    def __init__(self, base: str, timeout: float = 30) -> None:
        host, port = base.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.cookie = ""
        self.csrf = ""

    def __enter__(self) -> TillClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.connection.close()

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body = urllib.parse.urlencode({"csrf_token": self.csrf, **form})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        cookie = response.getheader("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text

    def open(self) -> str:
        """The scan page; takes the session's CSRF token from it."""
        status, _, page = self.request("GET", "/")
        assert status == 200, page
        match = CSRF.search(page)
        assert match, page
        self.csrf = match.group(1)
        return page

    def scan(self, text: str) -> Scanned:
        status, _, page = self.request("POST", "/scan", {"code": text})
        assert status == 200, page
        match = VERDICT.search(page)
        assert match, page
        fields = dict(FORM_FIELD.findall(page))
        offer = OFFER.search(page)
        return Scanned(
            match.group(1),
            fields.get("scan_id"),
            fields.get("redemption_id"),
            int(offer.group(1)) if offer else None,
            page,
        )

    def redeem(self, scanned: Scanned, amount: str) -> str:
        """Record the discount; returns the receipt's path (the till has said "recorded")."""
        assert scanned.scan_id and scanned.redemption_id and scanned.offer_id is not None, scanned.page
        form = {
            "scan_id": scanned.scan_id,
            "redemption_id": scanned.redemption_id,
            "offer_id": str(scanned.offer_id),
            "amount": amount,
        }
        status, headers, page = self.request("POST", "/redeem", form)
        assert status == 303, page
        return headers["Location"]
