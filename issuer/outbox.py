"""Card events waiting for the central service, sent in order and retried until each is answered.

An event stays in the outbox until the central service answers for it: ``accepted`` or ``duplicate``
(the service already had it, for example after an answer lost on the way) mark it sent; ``rejected``
keeps it with the reason for the office to see. Nothing is dropped unanswered, nothing answered is sent
again, and a comune's events go in the order they happened (a revocation after its issue).
"""

from __future__ import annotations

import json
from typing import Any

from cardsvc.platform.json_client import CentralRefused, CentralUnavailable, Fetched, JsonClient, Transport
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

BATCH = 200


class EventClient(JsonClient):
    def push(self, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        answer = self._call("POST", "/api/v1/card-events", {"events": events})
        results = answer.get("results") if isinstance(answer, dict) else None
        if not isinstance(results, list) or len(results) != len(events):
            raise CentralUnavailable("the central service answered for other events than were sent")
        return results

    def trust_list(self, etag: str | None) -> Fetched:
        """The current trust list, or unchanged (a 304) when ``etag`` is the ETag of the one held."""
        return self.get_if_changed("/api/v1/lists/trust", etag)


def pending(db: Database, istat: str | None = None) -> list[dict[str, Any]]:
    where = "sent_at is null and result is null" + (" and istat = ?" if istat else "")
    return list(db["outbox"].rows_where(where, [istat] if istat else [], order_by="id"))


def rejected(db: Database, istat: str) -> list[dict[str, Any]]:
    return list(db["outbox"].rows_where("istat = ? and result = 'rejected'", [istat], order_by="id desc"))


def push_comune(db: Database, istat: str, base_url: str, token: str, transport: Transport, now: int) -> int:
    """Send ``istat``'s pending events; returns how many were answered. Raises ``CentralUnavailable``
    (try later) or ``CentralRefused`` (the credential is wrong or revoked)."""
    client = EventClient(base_url, transport, token)
    answered = 0
    while batch := pending(db, istat)[:BATCH]:
        try:
            results = client.push([json.loads(row["event"]) for row in batch])
        except (CentralUnavailable, CentralRefused) as error:
            with write_transaction(db):
                for row in batch:
                    db.execute(
                        "update outbox set attempts = attempts + 1, last_error = ? where id = ?",
                        [str(error), row["id"]],
                    )
            raise
        with write_transaction(db):
            for row, result in zip(batch, results, strict=True):
                status = result.get("status") if isinstance(result, dict) else None
                if status in ("accepted", "duplicate"):
                    db.table("outbox").update(
                        row["id"], {"sent_at": now, "result": status, "attempts": row["attempts"] + 1}
                    )
                else:
                    reason = str(result.get("reason", "")) if isinstance(result, dict) else "no answer"
                    db.table("outbox").update(row["id"], {"result": "rejected", "reason": reason})
                answered += 1
    return answered


def push_all(db: Database, base_url: str | None, transport: Transport, now: int) -> dict[str, Any]:
    """Send every comune's pending events; a comune without a credential waits. Per-comune outcome."""
    outcome: dict[str, Any] = {}
    for istat, token in db.execute("select istat, central_token from comuni order by istat").fetchall():
        if not pending(db, istat):
            continue
        if not base_url or not token:
            outcome[istat] = "no_credential"
            continue
        try:
            outcome[istat] = push_comune(db, istat, base_url, token, transport, now)
        except CentralUnavailable as error:
            outcome[istat] = f"unavailable: {error}"
        except CentralRefused as error:
            outcome[istat] = f"refused: {error}"
    return outcome
