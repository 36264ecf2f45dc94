"""Bring a database to the newest schema with Alembic (run by :func:`juesuan.store.open_store`)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# The key of the PostgreSQL advisory lock held while a database is migrated (any constant
# bigint: "juesuan" in ASCII).
PG_LOCK_KEY = 0x6A75657375616E


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a SQLite engine (None: in memory, or not SQLite)."""
    url = engine.url
    if url.get_backend_name() != "sqlite":
        return None
    db = url.database or ""
    if not db or db == ":memory:" or db.startswith("file:") or "mode=memory" in str(url):
        return None
    return Path(db)


@contextmanager
def migration_lock(engine: Engine, conn=None) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Serialise creating/migrating one database between processes.

    SQLite: an exclusive ``flock`` on a lock file next to the database (``juesuan.db.migrate-lock``;
    never on the database file itself, whose POSIX locks SQLite holds and a close would drop).
    PostgreSQL: a transaction-level advisory lock on ``conn`` (released at commit). Others: none.
    """
    if conn is not None and engine.url.get_backend_name() == "postgresql":
        from sqlalchemy import text

        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        yield
        return
    db = sqlite_file(engine) if conn is None else None
    if db is None:
        yield
        return
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no flock; SQLite's own locking only
        yield
        return
    lock_path = db.with_name(db.name + ".migrate-lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the flock


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply every migration the database lacks, in one transaction. Safe when several
    processes open a new database at once: they take turns (:func:`migration_lock`), and each
    after the first finds the schema up to date."""
    from alembic import command

    cfg = alembic_config()
    with migration_lock(engine):
        with engine.begin() as conn:
            with migration_lock(engine, conn):
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
