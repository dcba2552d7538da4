"""Re-anchoring a kiosk's hash chain: the network's recovery for a till whose chain broke or that was
restored from a backup.

A chain refusal (``chain_gap``, ``chain_fork``) keeps the refused record's link (its seq and prev) in
``ingest_rejections``, and a ``chain_break`` flag names it. After looking into it, a network administrator
decides to re-anchor the chain *from* that record: the kiosk's chain position becomes (seq − 1, prev), a
new epoch of sequence numbers begins (a restored till numbers again from its last record), and the
refused record and those after it, which the till keeps sending, are counted from then on. The decision
is recorded with who took it, when and why, signed with the list-signing key, and the kiosk's open
``chain_break`` flags are closed.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from cardsvc.core.errors import InvalidInput, NotFound
from cardsvc.platform.storage.database import Database
from cardsvc.platform.storage.transactions import write_transaction

from ..core import jws, to_rfc3339

DECISION_TYPE = "fc-chain-anchor+jws"
MAX_REASON = 500


def chain_state(db: Database, kiosk_id: str, limit: int = 20) -> dict[str, Any]:
    """Where the kiosk's chain stands, its latest chain refusals and the anchors decided so far."""
    kiosk = db.execute("select last_seq, last_hash, epoch from kiosks where id = ?", [kiosk_id]).fetchone()
    if kiosk is None:
        raise NotFound(f"no kiosk {kiosk_id}", code="unknown_kiosk")
    refusals = db.execute(
        "select record_id, seq, prev, reason, received_at from ingest_rejections where kiosk_id = ? "
        "order by id desc limit ?",
        [kiosk_id, limit],
    ).fetchall()
    anchors = db.execute(
        "select epoch, seq, hash, from_record, reason, decided_by, decided_at from chain_anchors "
        "where kiosk_id = ? order by id",
        [kiosk_id],
    ).fetchall()
    return {
        "kiosk_id": kiosk_id,
        "last_seq": kiosk[0] or 0,
        "last_hash": kiosk[1],
        "epoch": kiosk[2],
        "refusals": [
            {"record_id": r[0], "seq": r[1], "prev": r[2], "reason": r[3], "received_at": to_rfc3339(r[4])}
            for r in refusals
        ],
        "anchors": [
            dict(
                zip(
                    ("epoch", "seq", "hash", "from_record", "reason", "decided_by", "decided_at"),
                    a,
                    strict=True,
                )
            )
            for a in anchors
        ],
    }


def reanchor(
    db: Database,
    kiosk_id: str,
    from_record: Any,
    reason: Any,
    decided_by: str,
    signer: Ed25519PrivateKey,
    now: int,
) -> dict[str, Any]:
    """Re-anchor ``kiosk_id``'s chain just before the refused record ``from_record``."""
    if not isinstance(reason, str) or not reason.strip() or len(reason) > MAX_REASON:
        raise InvalidInput(f"reason must say why, in 1 to {MAX_REASON} characters")
    if not isinstance(from_record, str):
        raise InvalidInput("from_record must be the id of a record the chain refused")
    with write_transaction(db):
        kiosk = db.execute("select epoch from kiosks where id = ?", [kiosk_id]).fetchone()
        if kiosk is None:
            raise NotFound(f"no kiosk {kiosk_id}", code="unknown_kiosk")
        refused = db.execute(
            "select seq, prev from ingest_rejections where kiosk_id = ? and record_id = ? "
            "and reason like 'chain_%' and seq is not null and prev is not null order by id desc limit 1",
            [kiosk_id, from_record],
        ).fetchone()
        if refused is None:
            raise NotFound(
                f"the chain of {kiosk_id} refused no record {from_record} with a link", code="unknown_refusal"
            )
        seq, prev = refused[0] - 1, refused[1]
        epoch = kiosk[0] + 1
        decision = {
            "kiosk_id": kiosk_id,
            "epoch": epoch,
            "seq": seq,
            "hash": prev,
            "from_record": from_record,
            "reason": reason.strip(),
            "decided_by": decided_by,
            "decided_at": to_rfc3339(now),
        }
        db.execute(
            "update kiosks set last_seq = ?, last_hash = ?, epoch = ? where id = ?",
            [seq, prev, epoch, kiosk_id],
        )
        db.table("chain_anchors").insert({**decision, "decision": jws.sign(decision, signer, DECISION_TYPE)})
        db.execute(
            "update flags set status = 'closed' "
            "where kind = 'chain_break' and status = 'open' and kiosk_id = ?",
            [kiosk_id],
        )
    return decision
