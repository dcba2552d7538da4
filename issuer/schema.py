"""The comune office's database: households, cards, the outbox of card events, operators, the audit log.

Only what the card and the eligibility rules need is kept: names of the reference person and of the
other parents or guardians (the card holders), the birth years of the minor children (no names, no
dates), the address in the comune, residency as the office confirmed it and, where the comune's rules
ask for it, the ISEE value. WAL, ``synchronous=FULL``; schema changes are sqlite-utils migrations.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from cardsvc.platform.storage.connections import connect_durable, open_migrated
from cardsvc.platform.web.login import create_login_tables

migrations = Migrations("familycard-issuer")


@migrations()
def m001_initial(db: Database) -> None:
    db.table("settings").create({"key": str, "value": str}, pk="key")
    db.table("comuni").create(
        {
            "istat": str,
            "name": str,
            "min_minors": int,  # at least this many minor children
            "isee_ceiling_cents": int,  # null: no ISEE rule
            "central_token": str,  # the comune's credential for card events
        },
        pk="istat",
    )
    db.table("operators").create(
        {"username": str, "password_hash": str, "istat": str, "language": str, "created_at": str},
        pk="username",
    )
    db.table("households").create(
        {
            "id": int,
            "istat": str,
            "ref": str,  # the office's own reference (a CSV row's key), unique per comune
            "reference_person": str,
            "address": str,
            "resident": int,
            "isee_cents": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
    )
    db.table("households").create_index(["istat", "ref"], unique=True)
    db.table("guardians").create({"id": int, "household_id": int, "name": str, "position": int}, pk="id")
    db.table("guardians").create_index(["household_id"])
    db.table("minors").create({"id": int, "household_id": int, "birth_year": int}, pk="id")
    db.table("minors").create_index(["household_id"])
    db.table("cards").create(
        {
            "cti": str,  # base64url
            "number": str,
            "household_id": int,
            "guardian_id": int,
            "istat": str,
            "holder": str,
            "minors": int,
            "kid": str,
            "issued_at": int,
            "expires_at": int,
            "qr": str,
            "status": str,  # active | superseded | revoked
            "reason": str,
            "replaces": str,
            "ended_at": int,
        },
        pk="cti",
    )
    db.table("cards").create_index(["household_id"])
    db.table("cards").create_index(["guardian_id", "status"])
    db.table("cards").create_index(["number"], unique=True)
    db.table("outbox").create(
        {
            "id": int,
            "istat": str,
            "event": str,  # JSON of the card event, without personal data
            "created_at": int,
            "sent_at": int,
            "result": str,  # accepted | duplicate | rejected
            "reason": str,
            "attempts": int,
            "last_error": str,
        },
        pk="id",
    )
    db.table("outbox").create_index(["sent_at"])
    db.table("audit").create(
        {"id": int, "at": int, "operator": str, "istat": str, "action": str, "subject": str, "detail": str},
        pk="id",
    )
    db.table("audit").create_index(["istat", "at"])
    db.table("issuer_keys").create(
        {"kid": str, "istat": str, "file": str, "status": str, "created_at": int, "retired_at": int}, pk="kid"
    )


@migrations()
def m_web_logins(db: Database) -> None:
    """Failed-login counters and server-side sessions (``cardsvc.platform.web.login``)."""
    create_login_tables(db)


def connect(path: str) -> Database:
    return connect_durable(path, foreign_keys=True)


def open_database(path: str) -> Database:
    """Connect, switching the file to WAL and applying pending migrations first."""
    return open_migrated(connect(path), migrations)
