"""The history store: feed state, articles seen, statements, stories, deliveries, subscriptions, outbox.

Everything above the store (dedup, the pipeline, the bot) talks to it through one interface,
`StoreBackend` (backend.py), so that a second backend (PostgreSQL, for several watcher processes
sharing one database) can be added without touching them. The layout:

    backend.py      the interface (StoreBackend), its records (StatementHit) and StoreError
    bands.py        how fingerprints are stored and probed (shared by every backend)
    async_store.py  AsyncStore: any backend's calls on one worker thread, for async callers
    sqlite/         the SQLite backend (Store): the schema and its migrations, one module per area

The store calls nothing above it: watchers.stories.dedup calls the store, and the pipeline calls dedup
(inside one store transaction, on the store's thread, through AsyncStore.run).

Times are timezone-aware datetimes in Python and unix seconds (REAL) in the database.
"""

from __future__ import annotations

from watchers.store.async_store import AsyncStore
from watchers.store.backend import ChatId, StatementHit, StoreBackend, StoreError
from watchers.store.sqlite import Store
from watchers.store.sqlite.schema import MIGRATIONS, SCHEMA_VERSION, connect, migrate, schema_version
from watchers.store.sqlite.search import fts_query

__all__ = [
    "AsyncStore",
    "ChatId",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "StatementHit",
    "Store",
    "StoreBackend",
    "StoreError",
    "connect",
    "fts_query",
    "migrate",
    "schema_version",
]
