"""Talking to the central service from the office: send queued card events, fetch the trust list.

Both run on demand ("Invia ora", ``familycard issuer push``) and in a background loop inside the served
app, which backs off while the central service is unreachable. Each background round also deletes the
uploaded batch files older than ``BATCH_FILE_RETENTION``. The central URL is set at
``familycard issuer init``; with none, events wait in the outbox.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import Flask, current_app

from cardsvc.core import JwsError
from cardsvc.platform.json_client import CentralRefused, CentralUnavailable, Transport, urllib_transport
from cardsvc.platform.retry_loop import RetryLoop, start_once
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.engines import database_address

from .outbox import EventClient, pending, push_all
from .retention import delete_old_batch_files
from .schema import open_database
from .settings import retention_periods
from .signing_keys import fetched_trust_list, import_trust_list, setting


def transport_for(config: Any) -> Transport:
    return config["TRANSPORT"] or urllib_transport(config["HTTP_TIMEOUT"])


def refresh_trust_list(db: Database, transport: Transport) -> int | None:
    """Fetch and take a newer trust list; returns the version held, or None without a central service.
    The fetch names the list held (its ETag): when that is still current, the central service answers
    304 and nothing is verified or written."""
    base = setting(db, "central_url")
    if not base:
        return None
    held = fetched_trust_list(db)
    answer = EventClient(base, transport).trust_list(held[0] if held else None)
    if answer.unchanged and held is not None:
        return held[1]
    return import_trust_list(db, str(answer.data["trust_list"]), answer.etag).version


def sync_office(db: Database, transport: Transport, now: int) -> dict[str, Any]:
    """One round: the trust list, then every comune's pending events. Raises when the service is down,
    so the loop backs off."""
    try:
        version = refresh_trust_list(db, transport)
    except (CentralRefused, JwsError) as error:
        version = None
        outcome: dict[str, Any] = {"trust_list": f"refused: {error}"}
    else:
        outcome = {"trust_list": version}
    outcome |= push_all(db, setting(db, "central_url"), transport, now)
    if any(str(v).startswith("unavailable") for v in outcome.values()):
        raise CentralUnavailable(str(outcome))
    return outcome


def push_now(db: Database, now: int) -> dict[str, Any]:
    """Send now, from a page: the outcome per comune, never an exception."""
    transport = transport_for(current_app.config)
    with contextlib.suppress(CentralUnavailable, CentralRefused, JwsError):  # events go all the same
        refresh_trust_list(db, transport)
    return push_all(db, setting(db, "central_url"), transport, now)


def start_background_push(app: Flask) -> RetryLoop | None:
    if not app.config["PUSH_IN_BACKGROUND"]:
        return None

    def round_once() -> dict[str, Any]:
        now = int(app.config["CLOCK"]())
        delete_old_batch_files(app.config["INSTANCE_PATH"], now, retention_periods(app.config)[1])
        db = open_database(database_address(app.config))
        try:
            with db.alone("office-push") as alone:  # offices sharing one database push one at a time
                return sync_office(db, transport_for(app.config), now) if alone else {"skipped": "busy"}
        finally:
            db.close()

    interval, backoff = app.config["PUSH_INTERVAL"], app.config["PUSH_MAX_BACKOFF"]
    return start_once(
        database_address(app.config), lambda: RetryLoop("issuer-push", round_once, interval, backoff)
    )


__all__ = ["pending", "push_now", "refresh_trust_list", "start_background_push", "sync_office"]
