"""The central database's tables, for both engines: what the migrations create (``migrations/``) and
what ``Database.table`` writes rows through."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Index, MetaData, Table, text

from cardsvc.platform.storage.columns import Int, Key, Text
from cardsvc.platform.web.login import login_tables

metadata = MetaData()


def _text(*names: str) -> list[Column[str]]:
    return [Column(name, Text) for name in names]


def _int(*names: str) -> list[Column[int]]:
    return [Column(name, Int) for name in names]


Table("network", metadata, Column("key", Text, primary_key=True), Column("value", Text))
Table("comuni", metadata, Column("istat", Text, primary_key=True), Column("name", Text))
Table(
    "issuer_keys",
    metadata,
    Column("kid", Text, primary_key=True),
    Column("istat", Text, ForeignKey("comuni.istat")),
    *_text("public_key", "valid_from", "valid_until", "status"),
)
Table(
    "trust_lists",
    metadata,
    Column("version", Int, primary_key=True, autoincrement=False),
    *_text("issued_at", "jws", "imported_at"),
)
Table(
    "merchants",
    metadata,
    Key("id"),
    *_text("name", "vat", "address"),
    Column("istat", Text, ForeignKey("comuni.istat")),
    *_text("category", "created_at"),
    Index("idx_merchants_vat", "vat", unique=True),
)
Table(
    "offers",
    metadata,
    Key("id"),
    Column("merchant_id", Int, ForeignKey("merchants.id")),
    *_text("title", "description", "kind"),  # kind: percent | fixed
    *_int("percent", "amount_cents", "cap_cents", "min_spend_cents", "min_minors", "daily_limit"),
    *_text("status", "created_at", "updated_at"),  # status: draft | pending | published | suspended | ended
    Index("idx_offers_merchant_id_status_id", "merchant_id", "status", "id"),
)
Table(
    "offer_status_history",
    metadata,
    Key("id"),
    *_int("offer_id"),
    Column("status", Text),
    *_int("at"),
    Column("reason", Text),
    Index("idx_offer_status_history_offer_id_at", "offer_id", "at"),
)
Table(
    "kiosks",
    metadata,
    Column("id", Text, primary_key=True),
    Column("merchant_id", Int, ForeignKey("merchants.id")),
    *_text("name", "status", "code_hash"),  # status: pending | active | revoked
    *_int("code_expires_at"),
    *_text("token_hash", "device_public_key", "created_at", "enrolled_at", "revoked_at"),
    *_int("last_seq"),
    *_text("last_hash", "last_seen_at"),
    Column("epoch", Int, nullable=False, server_default=text("0")),
    *_text("revocation_reason", "created_by"),
    Index("idx_kiosks_token_hash", "token_hash", unique=True),
)
Table(
    "issuer_credentials",
    metadata,
    Key("id"),
    Column("istat", Text, ForeignKey("comuni.istat")),
    *_text("token_hash", "created_at", "revoked_at", "last_used_at"),
    Index("idx_issuer_credentials_token_hash", "token_hash", unique=True),
)
Table(
    "users",
    metadata,
    Column("username", Text, primary_key=True),
    *_text("password_hash", "role", "istat"),  # role: network_admin | comune_officer | merchant_manager
    *_int("merchant_id"),
    *_text("language", "created_at"),
)
Table(
    "cards",
    metadata,
    Column("cti", Text, primary_key=True),
    Column("istat", Text),
    *_int("iat", "exp", "minors"),
    *_text("household", "issued_event_at"),
    *_int("revoked_at"),
    Column("reason", Text),
    Index("idx_cards_istat", "istat"),
    Index("idx_cards_iat", "iat"),
)
Table(
    "revocations",
    metadata,
    Key("version"),
    *_text("cti", "istat"),
    *_int("revoked_at"),
    Column("reason", Text),
    Index("idx_revocations_cti", "cti", unique=True),
)
_LIVE = "type = 'redemption' and status = 'accepted' and voided = 0"
Table(
    "redemptions",
    metadata,
    Column("id", Text, primary_key=True),
    Column("kiosk_id", Text),
    *_int("merchant_id", "seq"),
    *_text("record_hash", "type", "status", "reason", "cti"),  # type: redemption | void | day_close
    *_text("card_istat", "shop_istat", "household"),
    *_int("minors", "offer_id", "amount_cents", "discount_cents"),
    Column("voids", Text),
    *_int("voided", "kiosk_time", "received_at"),
    Column("epoch", Int, nullable=False, server_default=text("0")),
    Index("idx_redemptions_kiosk_id_epoch_seq", "kiosk_id", "epoch", "seq", unique=True),
    Index("idx_redemptions_cti_kiosk_time", "cti", "kiosk_time"),
    Index("idx_redemptions_kiosk_time", "kiosk_time"),
    # The live redemptions by time, with every column the monthly reports read: a month's figures come
    # from this index alone, never from the whole table.
    Index(
        "redemptions_live_by_time",
        "kiosk_time",
        "card_istat",
        "shop_istat",
        "merchant_id",
        "household",
        "cti",
        "amount_cents",
        "discount_cents",
        sqlite_where=text(_LIVE),
        postgresql_where=text(_LIVE),
    ),
)
Table(
    "ingest_rejections",
    metadata,
    Key("id"),
    *_text("kiosk_id", "record_id"),
    *_int("seq"),
    Column("reason", Text),
    *_int("received_at"),
    Column("prev", Text),
)
Table(
    "flags",
    metadata,
    Key("id"),
    *_text("kind", "kiosk_id"),
    *_int("merchant_id"),
    *_text("istat", "cti", "detail"),
    Column("detail_key", Text),  # the flag's subject: one open flag per kind and subject
    Column("records", Text),  # JSON list of redemption or record ids
    *_int("created_at"),
    Column("status", Text),  # open | closed
    Index("idx_flags_kind_status_detail_key", "kind", "status", "detail_key"),
)
Table(
    "flag_decisions",
    metadata,
    Key("id"),
    Column("flag_id", Int, ForeignKey("flags.id")),
    *_text("decision", "note", "decided_by"),
    *_int("decided_at"),
    Index("idx_flag_decisions_flag_id", "flag_id"),
)
# Months whose data changed: rows are only ever added (and folded into one per month by the refresher),
# so ingests on several instances never wait for one counter row. A month's change version is the sum
# of its weights.
Table(
    "report_changes",
    metadata,
    Key("id"),
    Column("month", Text, nullable=False),
    Column("weight", Int, nullable=False, server_default=text("1")),
    Index("idx_report_changes_month", "month"),
)
Table(
    "report_summaries",
    metadata,
    Column("month", Text, primary_key=True),
    *_int("version"),
    *_text("computed_at", "network", "figures"),
)
Table(
    "chain_anchors",
    metadata,
    Key("id"),
    Column("kiosk_id", Text),
    *_int("epoch", "seq"),
    *_text("hash", "from_record", "reason", "decided_by", "decided_at"),
    Column("decision", Text),  # the decision as a JWS signed with the list-signing key
)
Table(
    "shop_applications",
    metadata,
    Key("id"),
    *_text("status", "name", "vat"),  # pending | approved | refused
    Column("istat", Text, ForeignKey("comuni.istat")),
    *_text("category", "address", "contact_name", "email", "phone"),
    *_text("offer_title", "offer_kind"),
    *_int("offer_percent", "offer_amount_cents", "offer_min_spend_cents"),
    *_text("submitted_at", "decided_at", "decided_by", "reason", "note"),
    Column("merchant_id", Int, ForeignKey("merchants.id")),
    Column("language", Text),  # of the application's page: the messages to the shop speak it
    Index("idx_shop_applications_status_istat", "status", "istat"),
    Index("idx_shop_applications_vat", "vat"),
)
Table(
    "application_attempts",
    metadata,
    Key("id"),
    Column("client", Text),
    *_int("at"),
    Index("idx_application_attempts_at", "at"),
)
Table(
    "password_links",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("username", Text),
    Column("merchant_id", Int, ForeignKey("merchants.id")),
    Column("created_at", Text),
    *_int("expires_at", "used_at"),
)
Table(
    "messages",
    metadata,
    Key("id"),
    *_text("recipient", "subject", "body", "created_at", "sent_at"),
    *_int("claimed_at", "attempts"),
    Column("last_error", Text),
    Index("idx_messages_sent_at", "sent_at"),
)
login_tables(metadata)
