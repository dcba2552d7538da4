"""The office database's tables, for both engines: what the migrations create (``migrations/``) and what
``Database.table`` writes rows through.

Only what the card and the eligibility rules need is kept: names of the reference person and of the
other parents or guardians (the card holders), the birth years of the minor children (no names, no
dates), the address in the comune, residency as the office confirmed it and, where the comune's rules
ask for it, the ISEE value.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, MetaData, Table, text

from cardsvc.platform.storage.columns import Int, Key, Text
from cardsvc.platform.web.login import login_tables

metadata = MetaData()
ZERO = text("0")

Table("settings", metadata, Column("key", Text, primary_key=True), Column("value", Text))
Table(
    "comuni",
    metadata,
    Column("istat", Text, primary_key=True),
    Column("name", Text),
    Column("min_minors", Int),  # at least this many minor children
    Column("isee_ceiling_cents", Int),  # null: no ISEE rule
    Column("central_token", Text),  # the comune's credential for card events
)
Table(
    "operators",
    metadata,
    Column("username", Text, primary_key=True),
    *(Column(name, Text) for name in ("password_hash", "istat", "language", "created_at")),
)
Table(
    "households",
    metadata,
    Key("id"),
    Column("istat", Text),
    Column("ref", Text),  # the office's own reference (a CSV row's key), unique per comune
    Column("reference_person", Text),
    Column("address", Text),
    Column("resident", Int),
    Column("isee_cents", Int),
    Column("created_at", Text),
    Column("updated_at", Text),
    Column("search_text", Text),  # folded words, for searching without accents (``household_search``)
    Column("sort_name", Text),
    Index("idx_households_istat_ref", "istat", "ref", unique=True),
    Index("idx_households_istat_sort_name", "istat", "sort_name"),
)
Table(
    "guardians",
    metadata,
    Key("id"),
    Column("household_id", Int),
    Column("name", Text),
    Column("position", Int),
    Index("idx_guardians_household_id", "household_id"),
)
Table(
    "minors",
    metadata,
    Key("id"),
    Column("household_id", Int),
    Column("birth_year", Int),
    Index("idx_minors_household_id", "household_id"),
)
Table(
    "cards",
    metadata,
    Column("cti", Text, primary_key=True),  # base64url
    Column("number", Text),
    Column("household_id", Int),
    Column("guardian_id", Int),
    Column("istat", Text),
    Column("holder", Text),
    Column("minors", Int),
    Column("kid", Text),
    Column("issued_at", Int),
    Column("expires_at", Int),
    Column("qr", Text),
    Column("status", Text),  # active | superseded | revoked
    Column("reason", Text),
    Column("replaces", Text),
    Column("ended_at", Int),
    Index("idx_cards_household_id", "household_id"),
    Index("idx_cards_guardian_id_status", "guardian_id", "status"),
    Index("idx_cards_number", "number", unique=True),
)
Table(
    "outbox",
    metadata,
    Key("id"),
    Column("istat", Text),
    Column("event", Text),  # JSON of the card event, without personal data
    Column("created_at", Int),
    Column("sent_at", Int),
    Column("result", Text),  # accepted | duplicate | rejected
    Column("reason", Text),
    Column("attempts", Int),
    Column("last_error", Text),
    Index("idx_outbox_sent_at", "sent_at"),
)
Table(
    "audit",
    metadata,
    Key("id"),
    Column("at", Int),
    *(Column(name, Text) for name in ("operator", "istat", "action", "subject", "detail")),
    Index("idx_audit_istat_at", "istat", "at"),
)
Table(
    "issuer_keys",
    metadata,
    Column("kid", Text, primary_key=True),
    *(Column(name, Text) for name in ("istat", "file", "status")),
    Column("created_at", Int),
    Column("retired_at", Int),
)
# Batches from CSV, kept so that their page, progress and A4 sheets outlive a restart (``batch_jobs``).
# No names: the file and its sheets are in the instance folder's ``batches/`` (deleted after
# ``BATCH_FILE_RETENTION``); the cards a batch issued and the holders it skipped are card and guardian ids.
Table(
    "batches",
    metadata,
    Key("id"),  # the order they were made in
    Column("token", Text, nullable=False),
    Column("istat", Text, nullable=False),
    Column("operator", Text, nullable=False),  # who uploaded and checked the file
    Column("file_name", Text),  # as uploaded
    Column("created_at", Int, nullable=False),
    Column("households", Int),  # rows (households) in the file
    Column("cards_planned", Int),  # cards the check expected to issue
    Column("status", Text, nullable=False),  # ready | running | done | failed
    Column("started_by", Text),
    Column("started_at", Int),
    Column("finished_at", Int),
    Column("done", Int, server_default=ZERO),  # rows stored, each in the transaction of its row
    Column("total", Int, server_default=ZERO),
    Column("households_new", Int, server_default=ZERO),
    Column("households_known", Int, server_default=ZERO),
    Column("cards_issued", Int, server_default=ZERO),
    Column("error", Text),
    Column("sheets", Int, server_default=ZERO),  # 1 once the A4 sheets were made
    Index("idx_batches_token", "token", unique=True),
    Index("idx_batches_istat_created_at", "istat", "created_at"),
)
Table(
    "batch_cards",
    metadata,
    Key("id"),  # the order the batch issued them in
    Column("token", Text, nullable=False),
    Column("cti", Text, nullable=False),
    Index("idx_batch_cards_token_cti", "token", "cti", unique=True),
)
Table(
    "batch_skipped",
    metadata,
    Key("id"),
    Column("token", Text),
    Column("line", Int),
    Column("guardian_id", Int),
    Column("code", Text),
    Index("idx_batch_skipped_token", "token"),
)
# Renewal reminders sent (``reminders``): the card, when, by whom; no names, no letter.
Table(
    "reminders",
    metadata,
    Column("cti", Text, primary_key=True),
    Column("sent_at", Int),
    Column("operator", Text),
)
login_tables(metadata)
