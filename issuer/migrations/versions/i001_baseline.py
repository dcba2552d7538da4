"""The office database as the first release on both engines made it.

Revision ID: i001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "i001"
down_revision = None
branch_labels = None
depends_on = None

INT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # 64 bits on PostgreSQL; SQLite's key type


def upgrade() -> None:
    op.create_table(
        "audit",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("at", INT, nullable=True),
        sa.Column("operator", sa.Text(), nullable=True),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("action", sa.Text(), nullable=True),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_audit_istat_at", "audit", ["istat", "at"], unique=False)
    op.create_table(
        "batch_cards",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("cti", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_batch_cards_token_cti", "batch_cards", ["token", "cti"], unique=True)
    op.create_table(
        "batch_skipped",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("token", sa.Text(), nullable=True),
        sa.Column("line", INT, nullable=True),
        sa.Column("guardian_id", INT, nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_batch_skipped_token", "batch_skipped", ["token"], unique=False)
    op.create_table(
        "batches",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("istat", sa.Text(), nullable=False),
        sa.Column("operator", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=True),
        sa.Column("created_at", INT, nullable=False),
        sa.Column("households", INT, nullable=True),
        sa.Column("cards_planned", INT, nullable=True),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("started_by", sa.Text(), nullable=True),
        sa.Column("started_at", INT, nullable=True),
        sa.Column("finished_at", INT, nullable=True),
        sa.Column("done", INT, server_default=sa.text("0"), nullable=True),
        sa.Column("total", INT, server_default=sa.text("0"), nullable=True),
        sa.Column("households_new", INT, server_default=sa.text("0"), nullable=True),
        sa.Column("households_known", INT, server_default=sa.text("0"), nullable=True),
        sa.Column("cards_issued", INT, server_default=sa.text("0"), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sheets", INT, server_default=sa.text("0"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_batches_istat_created_at", "batches", ["istat", "created_at"], unique=False)
    op.create_index("idx_batches_token", "batches", ["token"], unique=True)
    op.create_table(
        "cards",
        sa.Column("cti", sa.Text(), nullable=False),
        sa.Column("number", sa.Text(), nullable=True),
        sa.Column("household_id", INT, nullable=True),
        sa.Column("guardian_id", INT, nullable=True),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("holder", sa.Text(), nullable=True),
        sa.Column("minors", INT, nullable=True),
        sa.Column("kid", sa.Text(), nullable=True),
        sa.Column("issued_at", INT, nullable=True),
        sa.Column("expires_at", INT, nullable=True),
        sa.Column("qr", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("replaces", sa.Text(), nullable=True),
        sa.Column("ended_at", INT, nullable=True),
        sa.PrimaryKeyConstraint("cti"),
    )
    op.create_index("idx_cards_guardian_id_status", "cards", ["guardian_id", "status"], unique=False)
    op.create_index("idx_cards_household_id", "cards", ["household_id"], unique=False)
    op.create_index("idx_cards_number", "cards", ["number"], unique=True)
    op.create_table(
        "comuni",
        sa.Column("istat", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("min_minors", INT, nullable=True),
        sa.Column("isee_ceiling_cents", INT, nullable=True),
        sa.Column("central_token", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("istat"),
    )
    op.create_table(
        "guardians",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("household_id", INT, nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("position", INT, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_guardians_household_id", "guardians", ["household_id"], unique=False)
    op.create_table(
        "households",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("ref", sa.Text(), nullable=True),
        sa.Column("reference_person", sa.Text(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("resident", INT, nullable=True),
        sa.Column("isee_cents", INT, nullable=True),
        sa.Column("created_at", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=True),
        sa.Column("sort_name", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_households_istat_ref", "households", ["istat", "ref"], unique=True)
    op.create_index("idx_households_istat_sort_name", "households", ["istat", "sort_name"], unique=False)
    op.create_table(
        "issuer_keys",
        sa.Column("kid", sa.Text(), nullable=False),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("file", sa.Text(), nullable=True),
        sa.Column("status", sa.Text(), nullable=True),
        sa.Column("created_at", INT, nullable=True),
        sa.Column("retired_at", INT, nullable=True),
        sa.PrimaryKeyConstraint("kid"),
    )
    op.create_table(
        "login_failures",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("count", INT, nullable=True),
        sa.Column("first_at", INT, nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "minors",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("household_id", INT, nullable=True),
        sa.Column("birth_year", INT, nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_minors_household_id", "minors", ["household_id"], unique=False)
    op.create_table(
        "operators",
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=True),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("language", sa.Text(), nullable=True),
        sa.Column("created_at", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("username"),
    )
    op.create_table(
        "outbox",
        sa.Column("id", INT, autoincrement=True, nullable=False),
        sa.Column("istat", sa.Text(), nullable=True),
        sa.Column("event", sa.Text(), nullable=True),
        sa.Column("created_at", INT, nullable=True),
        sa.Column("sent_at", INT, nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("attempts", INT, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("idx_outbox_sent_at", "outbox", ["sent_at"], unique=False)
    op.create_table(
        "reminders",
        sa.Column("cti", sa.Text(), nullable=False),
        sa.Column("sent_at", INT, nullable=True),
        sa.Column("operator", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("cti"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
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


def downgrade() -> None:
    for name in [
        "web_sessions",
        "settings",
        "reminders",
        "outbox",
        "operators",
        "minors",
        "login_failures",
        "issuer_keys",
        "households",
        "guardians",
        "comuni",
        "cards",
        "batches",
        "batch_skipped",
        "batch_cards",
        "audit",
    ]:
        op.drop_table(name)
