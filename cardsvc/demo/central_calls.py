"""How the demo talks to the central service while building: its test client, as the network
administrator or as a till's transport, and the story's fixed figures."""

from __future__ import annotations

import base64
from collections.abc import Callable, Mapping
from typing import Any

from cardsvc.core.errors import RemoteRefused
from cardsvc.platform.json_client import Transport

DEMO_PASSWORD = "demo-password-2026"
CENTRAL_URL = "http://127.0.0.1:8700"
DAY = 86_400
HISTORY_DAYS = 92


def in_process(client: Any) -> Transport:
    """The central service's calls answered by its test client: setup needs no server running yet."""

    def send(
        method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes, Mapping[str, str]]:
        response = client.open(url.removeprefix(CENTRAL_URL), method=method, headers=headers, data=body)
        return int(response.status_code), bytes(response.data), dict(response.headers.items())

    return send


def central_admin(client: Any) -> Callable[[str, str, Any], Any]:
    """The network administrator's API calls through the test client; a refusal stops the build."""
    auth = {"Authorization": "Basic " + base64.b64encode(f"admin:{DEMO_PASSWORD}".encode()).decode()}

    def call(method: str, path: str, data: Any = None) -> Any:
        response = client.open(path, method=method, json=data, headers=auth)
        if response.status_code >= 300:
            raise RemoteRefused(f"demo setup: {method} {path}: {response.status_code} {response.json}")
        return response.json

    return call
