"""Sync with the central service: push unsent ledger records in signed batches, pull lists and offers.

``sync_once`` does one round and records the outcome (last success, last error) for the screen;
``sync_status`` reads it back for the screen and ``familycard kiosk status``.
``background`` runs it in a ``RetryLoop`` inside the served app: every ``SYNC_INTERVAL`` seconds while all is
well, and with exponential back-off and jitter while the central service is unreachable. Records are
marked answered only from the central service's per-record answers, so nothing is dropped unless it was
acknowledged and nothing acknowledged is sent again. Once the answers are in, the answered records
lose their card text (``erasure``).

The pull is conditional: it sends the ETag of the last answer taken, and a ``304 Not Modified`` (nothing
changed at the central service) leaves the lists and offers as they are, neither verified again nor
written; only the server's time (``Server-Time``) raises the clock floor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from cardsvc.core import JwsError, TimestampError, from_rfc3339, to_rfc3339
from cardsvc.core.ledger_chain import sign_batch

from . import ledger, store
from .central_client import CentralClient, CentralRefused, CentralUnavailable, Fetched
from .erasure import erase_after_answers
from .identity import Identity, apply_bundle, raise_clock_floor


def sync_once(
    db: Database, identity: Identity, client: CentralClient, now: Callable[[], int], batch_size: int
) -> dict[str, Any]:
    """Push every pending record, then pull lists and offers; record the outcome either way."""
    store.put(db, "last_attempt_at", now())
    try:
        pushed, chain_problem = _push(db, identity, client, now, batch_size)
        erase_after_answers(db, now())  # answered records need their card text no more
        lists = _pull(db, client)
        store.put_many(db, {"chain_problem": chain_problem, "restored": _restored(db)})
    except (CentralUnavailable, CentralRefused, JwsError) as error:
        kind = "unavailable" if isinstance(error, CentralUnavailable) else "refused"
        with db.atomic():
            store.put_many(
                db,
                {"last_error": f"{kind}: {error}", "last_error_at": now(), "online": kind != "unavailable"},
            )
        raise
    with db.atomic():
        store.put_many(db, {"last_sync_at": now(), "last_error": None, "online": True})
    return {"pushed": pushed, "pending": ledger.pending_count(db), **lists}


def _pull(db: Database, client: CentralClient) -> dict[str, Any]:
    """Ask for the lists and offers after the versions held, with the ETag of the last answer taken."""
    held = store.get_many(db, "revocation_version", "trust_version", "sync_etag")
    answer = client.sync(
        int(held["revocation_version"] or 0), int(held["trust_version"] or 0), held["sync_etag"]
    )
    server_time = _server_time(answer)
    if answer.unchanged:
        with db.atomic():
            raise_clock_floor(db, server_time)
        versions = {"trust_version": held["trust_version"], "revocation_version": held["revocation_version"]}
        return {**versions, "entries": 0, "unchanged": True}
    return {**apply_bundle(db, answer.data, server_time, answer.etag), "unchanged": False}


def _server_time(answer: Fetched) -> int:
    try:
        return from_rfc3339(answer.headers.get("server-time", ""))
    except TimestampError:
        raise CentralUnavailable("the answer carries no Server-Time (RFC 3339)") from None


def _restored(db: Database) -> dict[str, int] | None:
    """The central service holds more of this till's chain than the till itself: it was restored from a
    backup (or its ledger replaced). New sales stay here until the network re-anchors the chain."""
    central_seq, local_seq = store.get(db, "central_seq"), ledger.last_seq(db)
    if type(central_seq) is int and central_seq > local_seq:
        return {"central_seq": central_seq, "local_seq": local_seq}
    return None


def _push(
    db: Database, identity: Identity, client: CentralClient, now: Callable[[], int], batch_size: int
) -> tuple[int, dict[str, Any] | None]:
    """Send the pending records; returns how many were answered, and the chain refusal that stopped the
    sending, if one did (the refused records stay pending)."""
    pushed = 0
    while True:
        records = ledger.pending(db, batch_size)
        if not records:
            return pushed, None
        batch = sign_batch(identity.kiosk_id, records, identity.device_key, to_rfc3339(now()))
        answer = client.upload(batch)
        results = answer.get("results", [])
        marked = ledger.mark_answered(db, results)
        answered = {r.get("id") for r in results}
        if not any(r["id"] in answered for r in records):
            raise CentralUnavailable("the central service answered for none of the records")
        pushed += marked
        refused = next((r for r in results if ledger.chain_refused(r)), None)
        if refused is not None:
            seq = next((r["seq"] for r in records if r["id"] == refused.get("id")), None)
            return pushed, {"record_id": refused.get("id"), "seq": seq, "reason": refused.get("reason")}


def sync_status(db: Database, now: int, stale_after: int) -> dict[str, Any]:
    """Last sync, pending records, whether the central service answered the last attempt, and what it
    refused: records refused for good, a chain it no longer takes, a till restored from a backup."""
    kv = store.get_many(
        db, "last_sync_at", "kiosk_id", "merchant", "online", "last_error", "chain_problem", "restored"
    )
    last_sync = kv["last_sync_at"]
    return {
        "kiosk_id": kv["kiosk_id"],
        "chain_problem": kv["chain_problem"],
        "restored": kv["restored"],
        "refused": ledger.refusals(db),
        "enrolled": kv["kiosk_id"] is not None,
        "merchant": kv["merchant"],
        "last_sync_at": last_sync,
        "online": bool(kv["online"]),
        "last_error": kv["last_error"],
        "pending": ledger.pending_count(db),
        "stale": last_sync is None or now - int(last_sync) > stale_after,
    }
