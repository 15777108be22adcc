"""Versioned schema migrations (Alembic, ``migrations/``): a store is upgraded to the
newest revision when it is opened. Opening is safe from many processes at once: the
upgrade runs under the database's write lock (SQLite ``BEGIN IMMEDIATE``, PostgreSQL an
advisory lock), and a database already at the newest revision is only read."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

from ..errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
ADVISORY_LOCK = 4_242_0009  # any fixed number: serialises bibobscan migrations on one server


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package ships its migrations
        raise StoreError("this installation has no case store migrations")
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, *, postgres: bool) -> None:
    head = head_revision()
    with engine.connect() as conn, conn.begin():
        current = current_revision(conn)
    if current == head:
        return
    known = {rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions()}
    if current is not None and current not in known:
        raise StoreError(f"the case store is at schema revision {current}, which this bibobscan does not know (newest here: {head}): upgrade bibobscan")
    with engine.connect() as conn:
        conn = conn.execution_options(bibobscan_write=True)
        with conn.begin():
            if postgres:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
            if current_revision(conn) != head:  # another process may have upgraded meanwhile
                command.upgrade(_config(conn), "head")
