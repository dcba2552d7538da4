"""The kiosk's ledger database: WAL with ``synchronous=FULL``, so a committed redemption survives a
crash or a power cut; schema changes as sqlite-utils migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from cardsvc.platform.storage.connections import connect_durable, open_migrated

migrations = Migrations("familycard-kiosk")


@migrations()
def m001_ledger(db: Database) -> None:
    db.table("kv").create({"key": str, "value": str}, pk="key")
    db.table("ledger").create(
        {
            "seq": int,
            "id": str,
            "type": str,  # redemption | void | day_close
            "record": str,  # the record's canonical JSON, as chained and signed
            "hash": str,
            "at": int,
            "cti": str,
            "offer_id": int,
            "amount_cents": int,
            "discount_cents": int,
            "voids": str,
            "day": str,  # Rome calendar day of ``at``
            "sent": int,  # 0 until the central service has answered for it
            "result": str,  # accepted | duplicate | rejected
            "reason": str,
        },
        pk="seq",
    )
    db.table("ledger").create_index(["id"], unique=True)
    db.table("ledger").create_index(["sent"])
    db.table("ledger").create_index(["cti", "day"])
    db.table("ledger").create_index(["voids"])
    db.table("ledger").create_index(["day"])
    db.execute(
        "create view live_redemptions as select * from ledger r where r.type = 'redemption' "
        "and not exists (select 1 from ledger v where v.type = 'void' and v.voids = r.id)"
    )
    db.table("revocations").create({"cti": str, "revoked_at": int, "reason": str}, pk="cti")
    db.table("offers").create({"id": int, "json": str}, pk="id")
    db.table("scans").create(
        {"id": str, "at": int, "text": str, "verdict": str, "cti": str, "minors": int, "detail": str}, pk="id"
    )
    db.table("scans").create_index(["at"])
    db.table("scans").create_index(["cti", "at"])


@migrations()
def m002_erasure(db: Database) -> None:
    """Card texts are erased once no longer needed (``erasure``): a redemption keeps its number of
    minors beside the record, and when its text was erased."""
    db.table("ledger").add_column("minors", int)
    db.table("ledger").add_column("erased_at", int)
    db.execute("create index ledger_unerased on ledger (seq) where type = 'redemption' and erased_at is null")
    db.execute("create index scans_with_text on scans (at) where text is not null")


@contextmanager
def relaxed_durability(db: Database) -> Iterator[Database]:
    """Commit without waiting for the disk, for the scan log only: losing the last scans in a power cut
    loses nothing of value, and a scan then costs no fsync. Ledger writes always run with FULL."""
    db.execute("PRAGMA synchronous = NORMAL")
    try:
        yield db
    finally:
        db.execute("PRAGMA synchronous = FULL")


def connect(path: str) -> Database:
    """A connection to an existing, migrated ledger: WAL, ``synchronous=FULL``, waits for the lock, and
    ``secure_delete``: bytes freed by any write (a page split moving a row that still holds a card's
    text, a row rewritten) are overwritten, so an erased text leaves no copy behind."""
    db = connect_durable(path)
    db.execute("PRAGMA secure_delete = ON")
    return db


def open_database(path: str) -> Database:
    """Connect, switching the file to WAL and applying pending migrations first."""
    return open_migrated(connect(path), migrations)
