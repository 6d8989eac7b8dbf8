"""The history store: feed state, articles seen, statements, stories, deliveries, subscriptions, outbox.

Everything above the store (dedup, the pipeline, the bot) talks to it through one interface,
`StoreBackend` (backend.py), so that a second backend (PostgreSQL, for several watcher processes
sharing one database) is a second implementation, not a change to them. The layout:

    backend.py      the interface (StoreBackend), its records (StatementHit) and StoreError
    bands.py        how fingerprints are stored and probed (shared by every backend)
    columns.py      how values are kept in columns (shared: a row means the same on both backends)
    async_store.py  AsyncStore: any backend's calls on one worker thread, for async callers
    common/         the areas whose SQL is the same on both backends, written once (? placeholders)
    sqlite/         the SQLite backend (Store): the schema and its migrations, what only SQLite has
    postgres/       the PostgreSQL backend: the same areas, schema versions and column meanings

`open_backend(db)` picks the backend from the database setting: a postgresql:// (or postgres://) URL
opens PostgreSQL, anything else is a SQLite path (":memory:" for a throwaway store).

The store calls nothing above it: watchers.stories.dedup calls the store, and the pipeline calls dedup
(inside one store transaction, on the store's thread, through AsyncStore.run).

Times are timezone-aware datetimes in Python and unix seconds in the database.
"""

from __future__ import annotations

import re

from watchers.store.async_store import AsyncStore
from watchers.store.backend import ChatId, StatementHit, StoreBackend, StoreError, WorkerInfo
from watchers.store.sqlite import Store
from watchers.store.sqlite.schema import MIGRATIONS, SCHEMA_VERSION, connect, migrate, schema_version
from watchers.store.sqlite.search import fts_query

_POSTGRES_URL = re.compile(r"postgres(?:ql)?://", re.IGNORECASE)


def is_postgres_url(db: str) -> bool:
    """A PostgreSQL connection URL (postgresql://user@host:port/dbname), not a SQLite path."""
    return _POSTGRES_URL.match(db.strip()) is not None


def open_backend(db: str) -> StoreBackend:
    """The store for a database setting: a postgresql:// URL, or a SQLite path (":memory:" included).

    Raises StoreError, saying what to check, when the database cannot be opened or set up."""
    if is_postgres_url(db):
        # Imported here: psycopg (and its C library) loads only for installs that use PostgreSQL.
        from watchers.store.postgres import Store as PostgresStore

        return PostgresStore(db.strip())
    return Store(db)


__all__ = [
    "AsyncStore",
    "ChatId",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "StatementHit",
    "Store",
    "StoreBackend",
    "StoreError",
    "WorkerInfo",
    "connect",
    "fts_query",
    "is_postgres_url",
    "migrate",
    "open_backend",
    "schema_version",
]
