"""The central database's Alembic revisions."""
