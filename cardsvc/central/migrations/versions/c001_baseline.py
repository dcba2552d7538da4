"""The central database as the first release on both engines made it.

Revision ID: c001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "c001"
down_revision = None
branch_labels = None
depends_on = None

INT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # 64 bits on PostgreSQL; SQLite's key type


def upgrade() -> None:
    op.create_table(
        "application_attempts",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("client", sa.Text(), nullable=True),
        sa.Column("at", INT, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_application_attempts_at", "application_attempts", ["at"], unique=False)
    op.create_table(
        "cards",
        sa.Column("cti", sa.Text(), nullable=False),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("iat", INT, nullable=True),
        sa.Column("exp", INT, nullable=True),
        sa.Column("minors", INT, nullable=True),
        sa.Column("household", sa.Text(), nullable=True),
        sa.Column("issued_event_at", sa.Text(), nullable=True),
        sa.Column("revoked_at", INT, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("cti"),
    )
    op.create_index("idx_cards_iat", "cards", ["iat"], unique=False)
    op.create_index("idx_cards_istat", "cards", ["istat"], unique=False)
    op.create_table(
        "chain_anchors",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("kiosk_id", sa.Text(), nullable=True),
        sa.Column("epoch", INT, nullable=True),
        sa.Column("seq", INT, nullable=True),
        sa.Column("hash", sa.Text(), nullable=True),
        sa.Column("from_record", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.Text(), nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "comuni",
        sa.Column("istat", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("istat"),
    )
    op.create_table(
        "flags",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("kiosk_id", sa.Text(), nullable=True),
        sa.Column("merchant_id", INT, nullable=True),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("cti", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("detail_key", sa.Text(), nullable=True),
        sa.Column("records", sa.Text(), nullable=True),
        sa.Column("created_at", INT, nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "idx_flags_kind_status_detail_key", "flags", ["kind", "status", "detail_key"], unique=False
    )
    op.create_table(
        "ingest_rejections",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("kiosk_id", sa.Text(), nullable=True),
        sa.Column("record_id", sa.Text(), nullable=True),
        sa.Column("seq", INT, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("received_at", INT, nullable=True),
        sa.Column("prev", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "login_failures",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("count", INT, nullable=True),
        sa.Column("first_at", INT, nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "messages",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("recipient", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.Text(), nullable=True),
        sa.Column("claimed_at", INT, nullable=True),
        sa.Column("attempts", INT, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_messages_sent_at", "messages", ["sent_at"], unique=False)
    op.create_table(
        "network",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "offer_status_history",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("offer_id", INT, nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("at", INT, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "idx_offer_status_history_offer_id_at", "offer_status_history", ["offer_id", "at"], unique=False
    )
    op.create_table(
        "redemptions",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("kiosk_id", sa.Text(), nullable=True),
        sa.Column("merchant_id", INT, nullable=True),
        sa.Column("seq", INT, nullable=True),
        sa.Column("record_hash", sa.Text(), nullable=True),
        sa.Column("type", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("cti", sa.Text(), nullable=True),
        sa.Column("card_istat", sa.Text(), nullable=True),
        sa.Column("shop_istat", sa.Text(), nullable=True),
        sa.Column("household", sa.Text(), nullable=True),
        sa.Column("minors", INT, nullable=True),
        sa.Column("offer_id", INT, nullable=True),
        sa.Column("amount_cents", INT, nullable=True),
        sa.Column("discount_cents", INT, nullable=True),
        sa.Column("voids", sa.Text(), nullable=True),
        sa.Column("voided", INT, nullable=True),
        sa.Column("kiosk_time", INT, nullable=True),
        sa.Column("received_at", INT, nullable=True),
        sa.Column("epoch", INT, server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_redemptions_cti_kiosk_time", "redemptions", ["cti", "kiosk_time"], unique=False)
    op.create_index(
        "idx_redemptions_kiosk_id_epoch_seq", "redemptions", ["kiosk_id", "epoch", "seq"], unique=True
    )
    op.create_index("idx_redemptions_kiosk_time", "redemptions", ["kiosk_time"], unique=False)
    op.create_index(
        "redemptions_live_by_time",
        "redemptions",
        [
            "kiosk_time",
            "card_istat",
            "shop_istat",
            "merchant_id",
            "household",
            "cti",
            "amount_cents",
            "discount_cents",
        ],
        unique=False,
        sqlite_where=sa.text("type = 'redemption' and status = 'accepted' and voided = 0"),
        postgresql_where=sa.text("type = 'redemption' and status = 'accepted' and voided = 0"),
    )
    op.create_table(
        "report_changes",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("weight", INT, server_default=sa.text("1"), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_report_changes_month", "report_changes", ["month"], unique=False)
    op.create_table(
        "report_summaries",
        sa.Column("month", sa.Text(), nullable=False),
        sa.Column("version", INT, nullable=True),
        sa.Column("computed_at", sa.Text(), nullable=True),
        sa.Column("network", sa.Text(), nullable=True),
        sa.Column("figures", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "revocations",
        sa.Column("version", INT, autoincrement=True, nullable=False),
        sa.Column("cti", sa.Text(), nullable=True),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("revoked_at", INT, nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_index("idx_revocations_cti", "revocations", ["cti"], unique=True)
    op.create_table(
        "trust_lists",
        sa.Column("version", INT, autoincrement=False, nullable=False),
        sa.Column("issued_at", sa.Text(), nullable=True),
        sa.Column("jws", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("version"),
    )
    op.create_table(
        "users",
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("role", sa.Text(), nullable=True),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("merchant_id", INT, nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("created_at", INT, nullable=True),
        sa.Column("last_seen_at", INT, nullable=True),
        sa.PrimaryKeyConstraint("id_hash"),
    )
    op.create_index("idx_web_sessions_subject", "web_sessions", ["subject"], unique=False)
    op.create_table(
        "flag_decisions",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("flag_id", INT, nullable=True),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decided_at", INT, nullable=True),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["flags.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_flag_decisions_flag_id", "flag_decisions", ["flag_id"], unique=False)
    op.create_table(
        "issuer_credentials",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("token_hash", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=True),
        sa.Column("revoked_at", sa.Text(), nullable=True),
        sa.Column("last_used_at", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["istat"],
            ["comuni.istat"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_issuer_credentials_token_hash", "issuer_credentials", ["token_hash"], unique=True)
    op.create_table(
        "issuer_keys",
        sa.Column("kid", sa.Text(), nullable=False),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("public_key", sa.Text(), nullable=True),
        sa.Column("valid_from", sa.Text(), nullable=True),
        sa.Column("valid_until", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["istat"],
            ["comuni.istat"],
        ),
        sa.PrimaryKeyConstraint("kid"),
    )
    op.create_table(
        "merchants",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("vat", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["istat"],
            ["comuni.istat"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_merchants_vat", "merchants", ["vat"], unique=True)
    op.create_table(
        "kiosks",
        sa.Column("id", sa.Text(), nullable=False),
        sa.Column("merchant_id", INT, nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("code_hash", sa.Text(), nullable=True),
        sa.Column("code_expires_at", INT, nullable=True),
        sa.Column("token_hash", sa.Text(), nullable=True),
        sa.Column("device_public_key", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=True),
        sa.Column("enrolled_at", sa.Text(), nullable=True),
        sa.Column("revoked_at", sa.Text(), nullable=True),
        sa.Column("last_seq", INT, nullable=True),
        sa.Column("last_hash", sa.Text(), nullable=True),
        sa.Column("last_seen_at", sa.Text(), nullable=True),
        sa.Column("epoch", INT, server_default=sa.text("0"), nullable=False),
        sa.Column("revocation_reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_kiosks_token_hash", "kiosks", ["token_hash"], unique=True)
    op.create_table(
        "offers",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("merchant_id", INT, nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=True),
        sa.Column("percent", INT, nullable=True),
        sa.Column("amount_cents", INT, nullable=True),
        sa.Column("cap_cents", INT, nullable=True),
        sa.Column("min_spend_cents", INT, nullable=True),
        sa.Column("min_minors", INT, nullable=True),
        sa.Column("daily_limit", INT, nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "idx_offers_merchant_id_status_id", "offers", ["merchant_id", "status", "id"], unique=False
    )
    op.create_table(
        "password_links",
        sa.Column("token_hash", sa.Text(), nullable=False),
        sa.Column("username", sa.Text(), nullable=True),
        sa.Column("merchant_id", INT, nullable=True),
        sa.Column("created_at", sa.Text(), nullable=True),
        sa.Column("expires_at", INT, nullable=True),
        sa.Column("used_at", INT, nullable=True),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
        ),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "shop_applications",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("vat", sa.Text(), nullable=True),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("category", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.Text(), nullable=True),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("phone", sa.Text(), nullable=True),
        sa.Column("offer_title", sa.Text(), nullable=True),
        sa.Column("offer_kind", sa.Text(), nullable=True),
        sa.Column("offer_percent", INT, nullable=True),
        sa.Column("offer_amount_cents", INT, nullable=True),
        sa.Column("offer_min_spend_cents", INT, nullable=True),
        sa.Column("submitted_at", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("merchant_id", INT, nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["istat"],
            ["comuni.istat"],
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "idx_shop_applications_status_istat", "shop_applications", ["status", "istat"], unique=False
    )
    op.create_index("idx_shop_applications_vat", "shop_applications", ["vat"], unique=False)


def downgrade() -> None:
    for name in [
        "shop_applications",
        "password_links",
        "offers",
        "kiosks",
        "merchants",
        "issuer_keys",
        "issuer_credentials",
        "flag_decisions",
        "web_sessions",
        "users",
        "trust_lists",
        "revocations",
        "report_summaries",
        "report_changes",
        "redemptions",
        "offer_status_history",
        "network",
        "messages",
        "login_failures",
        "ingest_rejections",
        "flags",
        "comuni",
        "chain_anchors",
        "cards",
        "application_attempts",
    ]:
        op.drop_table(name)
