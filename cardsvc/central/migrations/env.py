"""Alembic's entry for the central database: run with the connection that ``storage.migrate`` gives."""

from alembic import context

from cardsvc.platform.storage.migrate import run_revisions

if hasattr(context, "config"):  # run by Alembic (not merely imported)
    run_revisions(context)
