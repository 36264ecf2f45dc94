"""Database URLs and engines (SQLite by default, PostgreSQL through psycopg 3)."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import StaticPool

DEFAULT_URL = "sqlite:///juesuan.db"


def default_url() -> str:
    """``$JUESUAN_DB``, else ``sqlite:///juesuan.db`` (in the working directory)."""
    return os.environ.get("JUESUAN_DB") or DEFAULT_URL


def normalize_url(url: str | os.PathLike[str] | None) -> str:
    """A SQLAlchemy URL from what a user typed.

    * ``None`` → :func:`default_url`;
    * a plain path (``data/j.db``) → ``sqlite:///data/j.db``;
    * ``postgresql://`` / ``postgres://`` → ``postgresql+psycopg://`` (psycopg 3, not psycopg2).
    """
    if url is None:
        url = default_url()
    url = os.fspath(url)
    if "://" not in url:
        return "sqlite:///" + str(Path(url))
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return "postgresql+psycopg://" + rest
    return url


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalize_url(url)
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:") or "mode=memory" in url
        kwargs: dict = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if memory:
            kwargs["poolclass"] = StaticPool  # one shared in-memory database for every thread
        engine = create_engine(url, echo=echo, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)
