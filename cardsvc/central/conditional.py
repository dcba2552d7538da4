"""Conditional answers for what tills and offices fetch again and again: the trust list, the revocation
lists and a kiosk's sync.

Each of these answers is a function of a few numbers: the list versions, the period its revocation list
is signed in (``list_service.signing_time``) and, for a kiosk, its offers and chain position. Its ETag
is a hash of those numbers, so it is known from a small query before anything is read in bulk, signed or
encoded; a request whose ``If-None-Match`` names it is answered ``304 Not Modified`` without a body. The
ETag is strong: the same numbers give the same bytes in every worker (Ed25519 signatures are
deterministic and the JSON keys are sorted). ``Cache-Control: no-cache`` makes any cache on the way ask
again every time. Every answer, 304 included, carries the server's clock in ``Server-Time`` (RFC 3339),
which a till takes as the floor of its own clock.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Response, jsonify, request

from ..core import to_rfc3339
from ..core.keys import b64url

SERVER_TIME = "Server-Time"


def entity_tag(kind: str, *numbers: object) -> str:
    """The strong ETag (quoted) of the ``kind`` of answer that ``numbers`` determine."""
    text = json.dumps([kind, *numbers], separators=(",", ":"))
    return '"' + b64url(hashlib.sha256(text.encode()).digest()[:18]) + '"'


def held_by_caller(tag: str) -> bool:
    """The request's ``If-None-Match`` names ``tag`` (or is ``*``): the caller holds this answer. As RFC
    9110 says for ``If-None-Match``, a weak tag (``W/"…"``) matches too; anything else (stale, garbage)
    does not."""
    return request.if_none_match.contains_weak(tag.strip('"'))


def answer(data: dict[str, Any] | None, tag: str, now: int, private: bool = False) -> Response:
    """``data`` as JSON, or 304 without a body when ``data`` is None, with the ETag and Server-Time."""
    response = Response(status=304) if data is None else jsonify(data)
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = "private, no-cache" if private else "no-cache"
    response.headers[SERVER_TIME] = to_rfc3339(now)
    return response
