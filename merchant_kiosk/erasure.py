"""Card texts kept only while the till needs them: the texts carry the holders' names.

- A redemption's text goes once the central service has answered for the record (accepted, duplicate
  or rejected: it is never sent again). The record keeps its cti, the number of minors and its hash, and
  its stored JSON loses ``card``; the chain stays checkable (``chain_check``).
- An accepted scan's text goes once an answered redemption of that card follows it, or once
  ``SCAN_VALID_FOR`` has passed (no discount can be recorded from it any more).
- A rejected scan keeps its text ``REJECTED_SCAN_RETENTION`` for the clerk's questions, then loses it.

Erasure runs with ``secure_delete`` (the freed bytes are overwritten with zeros) and then truncates the
write-ahead log, so that no earlier copy of a page stays in ``kiosk.db-wal``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database

from cardsvc.core import parse_credential
from cardsvc.core.jws import canonical_json
from cardsvc.platform.durations import Duration
from cardsvc.platform.storage.transactions import write_transaction

_ANSWERED = (
    "select seq, record from ledger where type = 'redemption' and sent = 1 and erased_at is null order by seq"
)
_USED_SCANS = (
    "update scans set text = null where text is not null and verdict = 'ACCEPTED' and exists "
    "(select 1 from ledger l where l.cti = scans.cti and l.sent = 1 and l.at >= scans.at)"
)


def minors_of(card: str | None) -> int | None:
    """The number of minors the card states (its signature was checked when it was scanned)."""
    try:
        return None if card is None else parse_credential(card).claims.minors
    except ValueError:
        return None


def erase_answered(db: Database, now: int) -> int:
    """Drop the text of every redemption the central service has answered; the number erased."""
    with write_transaction(db):
        rows = db.execute(_ANSWERED).fetchall()
        for seq, record in rows:
            fields = json.loads(record)
            minors = minors_of(fields.pop("card", None))
            db.execute(
                "update ledger set record = ?, minors = coalesce(minors, ?), erased_at = ? where seq = ?",
                [canonical_json(fields).decode(), minors, now, seq],
            )
        used = db.execute(_USED_SCANS).rowcount
    return len(rows) + used


def erase_old_scans(db: Database, now: int, rejected_kept: Duration, scan_valid_for: int) -> int:
    """Drop the text of rejected scans older than the retention and of accepted scans no longer usable."""
    with write_transaction(db):
        rejected = db.execute(
            "update scans set text = null where text is not null and verdict != 'ACCEPTED' and at < ?",
            [rejected_kept.before(now)],
        ).rowcount
        accepted = db.execute(
            "update scans set text = null where text is not null and verdict = 'ACCEPTED' and at < ?",
            [now - scan_valid_for],
        ).rowcount
    return int(rejected + accepted)


@contextmanager
def _overwriting(db: Database) -> Iterator[None]:
    """Freed bytes overwritten with zeros, then the write-ahead log checkpointed and truncated (with a
    reader busy, the next round truncates it)."""
    db.execute("PRAGMA secure_delete = ON")  # the till's connections have it on already
    yield
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def erase_after_answers(db: Database, now: int) -> int:
    """The erasure a sync's answers allow, run by ``sync_once`` whoever calls it."""
    with _overwriting(db):
        return erase_answered(db, now)


def erase_due(db: Database, now: int, rejected_kept: Duration, scan_valid_for: int) -> int:
    """One erasure round (after each sync attempt, answered or not); the number of texts erased."""
    with _overwriting(db):
        return erase_answered(db, now) + erase_old_scans(db, now, rejected_kept, scan_valid_for)
