"""Check the till's own ledger chain, erased records included.

Each record must carry the next sequence number and the hash of the record before it. A record that
still holds its whole JSON is hashed again; a record whose card text was erased (after the central
service answered for it, which keeps its hash too) is linked by the hash kept beside it, so the chain
stays checkable without the text. Raises :class:`~cardsvc.core.ledger_chain.ChainError` at the first
break: ``gap``, ``fork``, ``malformed``, or ``altered`` (the last record does not match its hash).
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from cardsvc.core.ledger_chain import GENESIS, ChainError, check_link


def verify_ledger(db: Database) -> int:
    """Walk the whole chain; returns the number of records checked."""
    last_seq, last_hash, kept_hash = 0, GENESIS, GENESIS
    for record, kept, erased_at in db.execute("select record, hash, erased_at from ledger order by seq"):
        computed = check_link(json.loads(record), last_seq, last_hash)
        last_seq, last_hash, kept_hash = last_seq + 1, computed if erased_at is None else kept, kept
    if last_hash != kept_hash:
        raise ChainError("altered", f"record {last_seq} does not match the hash kept for it")
    return last_seq
