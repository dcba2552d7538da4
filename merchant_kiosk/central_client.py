"""The till's calls to the central service: enrolment, sync, uploads."""

from __future__ import annotations

from typing import Any

from cardsvc.platform.json_client import (
    CentralRefused,
    CentralUnavailable,
    Fetched,
    JsonClient,
    Transport,
    urllib_transport,
)

__all__ = [
    "CentralClient",
    "CentralRefused",
    "CentralUnavailable",
    "Fetched",
    "Transport",
    "urllib_transport",
]


class CentralClient(JsonClient):
    def enrol(self, code: str, device_public_key: str) -> dict[str, Any]:
        return dict(
            self._call("POST", "/api/v1/kiosks/enrol", {"code": code, "device_public_key": device_public_key})
        )

    def sync(self, since: int, trust_version: int, etag: str | None) -> Fetched:
        """The lists, offers and chain position after the versions held; unchanged (a 304) when ``etag``,
        the ETag of the last answer taken, is still current."""
        return self.get_if_changed(f"/api/v1/kiosk/sync?since={since}&trust_version={trust_version}", etag)

    def upload(self, batch: dict[str, Any]) -> dict[str, Any]:
        return dict(self._call("POST", "/api/v1/redemptions", batch))
