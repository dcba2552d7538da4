"""The office database's Alembic revisions."""
