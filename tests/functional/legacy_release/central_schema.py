"""The central database's schema as the release before Alembic kept it (sqlite-utils migrations), to make
files of that release for the tests of their take-over."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .logins import create_login_tables, made

migrations = Migrations("familycard-central")


@migrations()
def m001_registry(db: Database) -> None:
    db.table("network").create({"key": str, "value": str}, pk="key")
    db.table("comuni").create({"istat": str, "name": str}, pk="istat")
    db.table("issuer_keys").create(
        {"kid": str, "istat": str, "public_key": str, "valid_from": str, "valid_until": str, "status": str},
        pk="kid",
        foreign_keys=[("istat", "comuni", "istat")],
    )
    db.table("trust_lists").create(
        {"version": int, "issued_at": str, "jws": str, "imported_at": str}, pk="version"
    )
    db.table("merchants").create(
        {
            "id": int,
            "name": str,
            "vat": str,
            "address": str,
            "istat": str,
            "category": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("istat", "comuni", "istat")],
    )
    db.table("merchants").create_index(["vat"], unique=True)
    db.table("offers").create(
        {
            "id": int,
            "merchant_id": int,
            "title": str,
            "description": str,
            "kind": str,  # percent | fixed
            "percent": int,  # whole percent, for kind=percent
            "amount_cents": int,  # for kind=fixed
            "cap_cents": int,
            "min_spend_cents": int,
            "min_minors": int,
            "daily_limit": int,
            "status": str,  # draft | pending | published | suspended | ended
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        foreign_keys=[("merchant_id", "merchants", "id")],
    )
    db.table("kiosks").create(
        {
            "id": str,
            "merchant_id": int,
            "name": str,
            "status": str,  # pending | active | revoked
            "code_hash": str,
            "code_expires_at": int,
            "token_hash": str,
            "device_public_key": str,
            "created_at": str,
            "enrolled_at": str,
            "revoked_at": str,
            "last_seq": int,
            "last_hash": str,
            "last_seen_at": str,
        },
        pk="id",
        foreign_keys=[("merchant_id", "merchants", "id")],
    )
    db.table("kiosks").create_index(["token_hash"], unique=True)
    db.table("issuer_credentials").create(
        {"id": int, "istat": str, "token_hash": str, "created_at": str, "revoked_at": str},
        pk="id",
        foreign_keys=[("istat", "comuni", "istat")],
    )
    db.table("issuer_credentials").create_index(["token_hash"], unique=True)
    db.table("users").create(
        {
            "username": str,
            "password_hash": str,
            "role": str,  # network_admin | comune_officer | merchant_manager
            "istat": str,
            "merchant_id": int,
            "language": str,
            "created_at": str,
        },
        pk="username",
    )


@migrations()
def m002_cards_and_redemptions(db: Database) -> None:
    db.table("cards").create(
        {
            "cti": str,
            "istat": str,
            "iat": int,
            "exp": int,
            "minors": int,
            "household": str,
            "issued_event_at": str,
            "revoked_at": int,
            "reason": str,
        },
        pk="cti",
    )
    db.table("cards").create_index(["istat"])
    db.table("revocations").create(
        {"version": int, "cti": str, "istat": str, "revoked_at": int, "reason": str}, pk="version"
    )
    db.table("revocations").create_index(["cti"], unique=True)
    db.table("redemptions").create(
        {
            "id": str,
            "kiosk_id": str,
            "merchant_id": int,
            "seq": int,
            "record_hash": str,
            "type": str,  # redemption | void | day_close
            "status": str,  # accepted | rejected
            "reason": str,
            "cti": str,
            "card_istat": str,
            "shop_istat": str,
            "household": str,
            "minors": int,
            "offer_id": int,
            "amount_cents": int,
            "discount_cents": int,
            "voids": str,
            "voided": int,
            "kiosk_time": int,
            "received_at": int,
        },
        pk="id",
    )
    db.table("redemptions").create_index(["kiosk_id", "seq"], unique=True)
    db.table("redemptions").create_index(["cti", "kiosk_time"])
    db.table("redemptions").create_index(["kiosk_time"])
    db.table("ingest_rejections").create(
        {"id": int, "kiosk_id": str, "record_id": str, "seq": int, "reason": str, "received_at": int},
        pk="id",
    )
    db.table("flags").create(
        {
            "id": int,
            "kind": str,
            "kiosk_id": str,
            "merchant_id": int,
            "istat": str,
            "cti": str,
            "detail": str,
            "detail_key": str,  # the flag's subject: one open flag per kind and subject
            "records": str,  # JSON list of redemption or record ids
            "created_at": int,
            "status": str,  # open | closed
        },
        pk="id",
    )
    db.table("flags").create_index(["kind", "status", "detail_key"])


@migrations()
def m003_report_index(db: Database) -> None:
    """The live redemptions by time, with every column the monthly reports read: a month's figures come
    from this index alone, never from the whole table."""
    db.execute(
        "create index redemptions_live_by_time on redemptions "
        "(kiosk_time, card_istat, shop_istat, merchant_id, household, cti, amount_cents, discount_cents) "
        "where type = 'redemption' and status = 'accepted' and voided = 0"
    )
    db.table("cards").create_index(["iat"])


@migrations()
def m004_report_summaries(db: Database) -> None:
    """Month summaries kept for the reports, and each month's change version (``reports.summaries``)."""
    db.table("report_changes").create({"month": str, "version": int}, pk="month")
    db.table("report_summaries").create(
        {"month": str, "version": int, "computed_at": str, "network": str, "figures": str}, pk="month"
    )


@migrations()
def m005_security(db: Database) -> None:
    """Offer status history (a redemption must use an offer published at its time), issuer credentials'
    last use, failed logins for throttling, and server-side web sessions that logout ends."""
    from cardsvc.core.timestamps import from_rfc3339

    db.table("offer_status_history").create({"offer_id": int, "status": str, "at": int})
    db.table("offer_status_history").create_index(["offer_id", "at"])
    for offer in db["offers"].rows:
        db.table("offer_status_history").insert(
            {"offer_id": offer["id"], "status": offer["status"], "at": from_rfc3339(offer["created_at"])}
        )
    db.table("issuer_credentials").add_column("last_used_at", str)
    create_login_tables(db)


@migrations()
def m006_chain_epochs(db: Database) -> None:
    """Re-anchoring a kiosk's chain: each anchor starts a new epoch of its sequence numbers (a till restored
    from a backup numbers again from its last record); chain refusals keep the record's link."""
    db.table("kiosks").add_column("epoch", int, not_null_default=0)
    db.table("redemptions").add_column("epoch", int, not_null_default=0)
    for (name,) in db.execute(
        "select name from sqlite_master where type = 'index' and tbl_name = 'redemptions' "
        "and sql like '%kiosk_id%seq%' and sql not like '%epoch%'"
    ).fetchall():
        db.execute(f"drop index [{name}]")
    db.table("redemptions").create_index(["kiosk_id", "epoch", "seq"], unique=True)
    db.table("ingest_rejections").add_column("prev", str)
    db.table("chain_anchors").create(
        {
            "id": int,
            "kiosk_id": str,
            "epoch": int,
            "seq": int,
            "hash": str,
            "from_record": str,
            "reason": str,
            "decided_by": str,
            "decided_at": str,
            "decision": str,  # the decision as a JWS signed with the list-signing key
        },
        pk="id",
    )


@migrations()
def m008_flag_decisions(db: Database) -> None:
    """An administrator's decision on a flag (resolved or dismissed, with a note), kept as an audit."""
    db.table("flag_decisions").create(
        {"id": int, "flag_id": int, "decision": str, "note": str, "decided_by": str, "decided_at": int},
        pk="id",
        foreign_keys=[("flag_id", "flags", "id")],
    )
    db.table("flag_decisions").create_index(["flag_id"])


@migrations()
def m009_reasons(db: Database) -> None:
    """Why a till was revoked, and why an offer was suspended or ended, as the administrator chose it."""
    db.table("kiosks").add_column("revocation_reason", str)
    db.table("offer_status_history").add_column("reason", str)


@migrations()
def m010_offers_by_merchant(db: Database) -> None:
    """A merchant's published offers by index: every kiosk sync reads them (or their ETag's part)."""
    db.table("offers").create_index(["merchant_id", "status", "id"])


@migrations()
def m011_shop_applications(db: Database) -> None:
    """Shops' applications to join, the keyed hashes of the addresses they came from (kept a day, for
    the hourly limits), the one-time links that set a manager's password, the outbox of messages, and
    who asked for each till."""
    db.table("shop_applications").create(
        {
            "id": int,
            "status": str,  # pending | approved | refused
            "name": str,
            "vat": str,
            "istat": str,
            "category": str,
            "address": str,
            "contact_name": str,
            "email": str,
            "phone": str,
            "offer_title": str,
            "offer_kind": str,
            "offer_percent": int,
            "offer_amount_cents": int,
            "offer_min_spend_cents": int,
            "submitted_at": str,
            "decided_at": str,
            "decided_by": str,
            "reason": str,
            "note": str,
            "merchant_id": int,
            "language": str,  # of the application's page: the messages to the shop speak it
        },
        pk="id",
        foreign_keys=[("istat", "comuni", "istat"), ("merchant_id", "merchants", "id")],
    )
    db.table("shop_applications").create_index(["status", "istat"])
    db.table("shop_applications").create_index(["vat"])
    db.table("application_attempts").create({"client": str, "at": int})
    db.table("application_attempts").create_index(["at"])
    db.table("password_links").create(
        {
            "token_hash": str,
            "username": str,
            "merchant_id": int,
            "created_at": str,
            "expires_at": int,
            "used_at": int,
        },
        pk="token_hash",
        foreign_keys=[("merchant_id", "merchants", "id")],
    )
    db.table("messages").create(
        {
            "id": int,
            "recipient": str,
            "subject": str,
            "body": str,
            "created_at": str,
            "sent_at": str,
            "claimed_at": int,
            "attempts": int,
            "last_error": str,
        },
        pk="id",
    )
    db.table("messages").create_index(["sent_at"])
    db.table("kiosks").add_column("created_by", str)  # who asked for the till: an administrator or its shop


def make(path: str) -> Database:
    """A file as that release left it, every step applied."""
    return made(path, migrations)


def make_filled(path: str) -> None:
    """A file of that release holding a comune, a shop, its offer's history written out of time order
    (20, 10, 30) and a month's change counter at version 7."""
    old = make(path)
    old["comuni"].insert({"istat": "108040", "name": "Seveso"})
    old["merchants"].insert({"id": 3, "name": "Forno", "vat": "01234567897", "istat": "108040"})
    for at, status in ((20, "published"), (10, "draft"), (30, "suspended")):
        old["offer_status_history"].insert({"offer_id": 1, "status": status, "at": at})
    old["report_changes"].insert({"month": "2026-10", "version": 7})
    old.conn.commit()
    old.close()
