"""Alembic environment of the case store: migrations run on the connection the store
hands over (``config.attributes["connection"]``), never on a URL from a file."""

from __future__ import annotations

from alembic import context

from bibobscan.store._schema import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
