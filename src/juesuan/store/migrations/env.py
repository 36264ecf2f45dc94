"""Alembic environment for juesuan's store.

Run programmatically by :func:`juesuan.store.migrate.upgrade` (which hands over a connection in
``config.attributes["connection"]``), or from the command line::

    alembic -c src/juesuan/store/migrations/alembic.ini -x url=sqlite:///juesuan.db upgrade head
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from juesuan.store.schema import metadata

config = context.config


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    from juesuan.store.engine import normalize_url

    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from juesuan.store.engine import default_url

        url = default_url()
    return normalize_url(url)


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
    else:
        engine = create_engine(_url())
        with engine.begin() as conn:
            _run(conn)
        engine.dispose()
