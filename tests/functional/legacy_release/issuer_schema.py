"""The office database's schema as the release before Alembic kept it (sqlite-utils migrations), to make
files of that release for the tests of their take-over."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from .logins import create_login_tables, made

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


@migrations()
def m_batches(db: Database) -> None:
    """Batches from CSV, kept so that their page, progress and A4 sheets outlive a restart (``batch_jobs``).

    No names: the file and its sheets are in the instance folder's ``batches/`` (deleted after
    ``BATCH_FILE_RETENTION``); the cards a batch issued and the holders it skipped are card and guardian ids.
    """
    db.table("batches").create(
        {
            "token": str,
            "istat": str,
            "operator": str,  # who uploaded and checked the file
            "file_name": str,  # as uploaded
            "created_at": int,
            "households": int,  # rows (households) in the file
            "cards_planned": int,  # cards the check expected to issue
            "status": str,  # ready | running | done | failed
            "started_by": str,
            "started_at": int,
            "finished_at": int,
            "done": int,  # rows stored, each in the transaction of its row
            "total": int,
            "households_new": int,
            "households_known": int,
            "cards_issued": int,
            "error": str,
            "sheets": int,  # 1 once the A4 sheets were made
        },
        pk="token",
        not_null={"istat", "operator", "created_at", "status"},
        defaults={"done": 0, "total": 0, "households_new": 0, "households_known": 0, "cards_issued": 0,
                  "sheets": 0},
    )  # fmt: skip
    db.table("batches").create_index(["istat", "created_at"])
    db.table("batch_cards").create({"token": str, "cti": str}, pk=("token", "cti"))
    db.table("batch_skipped").create(
        {"id": int, "token": str, "line": int, "guardian_id": int, "code": str}, pk="id"
    )
    db.table("batch_skipped").create_index(["token"])


@migrations()
def m_household_search(db: Database) -> None:
    """Each household's folded words and name, for searching without accents and sorting by name
    (``household_search``)."""
    db.table("households").add_column("search_text", str)
    db.table("households").add_column("sort_name", str)
    for (_household_id,) in db.execute("select id from households").fetchall():
        pass  # the release's refresh of the search columns: no rows in these files
    db.table("households").create_index(["istat", "sort_name"])


@migrations()
def m_reminders(db: Database) -> None:
    """Renewal reminders sent (``reminders``): the card, when, by whom; no names, no letter."""
    db.table("reminders").create({"cti": str, "sent_at": int, "operator": str}, pk="cti")


def make(path: str) -> Database:
    """A file as that release left it, every step applied."""
    return made(path, migrations)
