"""Calling the central service's JSON API from a till or a comune office, over a replaceable transport.

``Transport`` is any callable ``(method, url, headers, body) -> (status, body, headers)``; the default
uses the standard library. Tests pass one that calls the central app's test client (no sockets) or that
fails, stalls or answers twice. Failures come in two kinds: :class:`CentralUnavailable` (no answer, or
try again later: 5xx, 408, 429) and :class:`CentralRefused` (a 4xx answer with the API's error code).

The lists a till or an office fetches again and again are asked for conditionally
(:meth:`JsonClient.get_if_changed`): the client sends the ETag of the copy it holds in ``If-None-Match``
and a ``304 Not Modified`` comes back without a body, as :class:`Fetched` with no data.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from cardsvc.core.errors import RemoteRefused, Unavailable

Transport = Callable[[str, str, dict[str, str], bytes | None], tuple[int, bytes, Mapping[str, str]]]


class CentralUnavailable(Unavailable):
    """No answer, or an answer that says the service cannot take the request now (retry later)."""

    code = "central_unavailable"


class CentralRefused(RemoteRefused):
    """The central service refused the request for good (retrying the same request will not help);
    ``code`` is the central service's, ``details`` hold the answer's ``http_status``."""

    def __init__(self, http_status: int, code: str, message: str) -> None:
        super().__init__(f"{http_status} {code}: {message}", code=code, details={"http_status": http_status})


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Never follow a redirect: it would carry the bearer credential to wherever it points."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def urllib_transport(timeout: float) -> Transport:
    """The standard library's HTTP, with redirects answered as they are (a 3xx is refused, not followed)."""

    def send(
        method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> tuple[int, bytes, Mapping[str, str]]:
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with _OPENER.open(request, timeout=timeout) as response:
                return int(response.status), response.read(), dict(response.headers.items())
        except urllib.error.HTTPError as error:
            with error:
                return int(error.code), error.read(), dict(error.headers.items())
        except (OSError, ValueError) as error:
            raise CentralUnavailable(str(error)) from None

    return send


@dataclass(frozen=True)
class Fetched:
    """The answer to a conditional GET: its JSON, or None when the copy held is still current (304);
    the answer's ETag (the one sent, after a 304) and its headers, with lower-case names."""

    data: Any
    etag: str | None
    headers: Mapping[str, str]

    @property
    def unchanged(self) -> bool:
        return self.data is None


class JsonClient:
    def __init__(self, base_url: str, transport: Transport, token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.transport = transport
        self.token = token

    def call(self, method: str, path: str, data: Any = None) -> Any:
        """One request; the answer's JSON, or :class:`CentralUnavailable` / :class:`CentralRefused`."""
        return self._call(method, path, data)

    def get_if_changed(self, path: str, etag: str | None) -> Fetched:
        """GET ``path``, sending ``If-None-Match`` with ``etag`` (the ETag of the copy held) when there is
        one: ``Fetched`` without data when the central service answers that the copy is current."""
        extra = {"If-None-Match": etag} if etag else {}
        status, answer, headers = self._exchange("GET", path, None, extra)
        if status == 304:
            return Fetched(None, headers.get("etag", etag), headers)
        return Fetched(answer, headers.get("etag"), headers)

    def _call(self, method: str, path: str, data: Any = None) -> Any:
        return self._exchange(method, path, data)[1]

    def _exchange(
        self, method: str, path: str, data: Any, extra: dict[str, str] | None = None
    ) -> tuple[int, Any, dict[str, str]]:
        """Send one request; its status, JSON (None for a 304) and headers, or the failure it means."""
        headers = {"Content-Type": "application/json", "Accept": "application/json", **(extra or {})}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        body = None if data is None else json.dumps(data).encode()
        try:
            status, raw, received = self.transport(method, self.base_url + path, headers, body)
        except CentralUnavailable:
            raise
        except Exception as failure:  # a transport's own failure is an unavailable service
            raise CentralUnavailable(str(failure)) from None
        answer_headers = {name.lower(): value for name, value in received.items()}
        if status == 304 and "If-None-Match" in headers:
            return status, None, answer_headers
        if 300 <= status < 400:  # a redirect, or a 304 to a request that was not conditional
            raise CentralRefused(status, "redirect", "the answer was a redirect, not followed")
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            raise CentralUnavailable(f"{status}: not JSON") from None
        error = answer.get("error", {}) if isinstance(answer, dict) else {}
        error = error if isinstance(error, dict) else {}
        if status >= 500 or status in (408, 429):
            raise CentralUnavailable(f"{status} {error.get('code', '')}".strip())  # the reason, when given
        if status >= 400:
            raise CentralRefused(status, str(error.get("code", "error")), str(error.get("message", "")))
        return status, answer, answer_headers
