"""The PostgreSQL backend of the store: for deployments that outgrow one SQLite file.

The same StoreBackend as watchers.store.sqlite, area by area, with the same schema versions and column
meanings (schema.py); nothing above the store knows which backend it talks to. `Store` is every area's
queries on ONE connection (psycopg 3, synchronous, autocommit; AsyncStore runs it on one thread).
Where the SQL is the same as SQLite's the area is written once, in watchers.store.common (feeds, chats,
kv, the workers table, and most of articles, stories, outbox, /quotes); this package holds what only
PostgreSQL has:

    connection.Connection     the one connection: `?` placeholders translated (native), BEGIN sent with
                              the first statement, unread writes held back for the next statement or
                              the COMMIT, dedup's reads sent ahead together (prefetch_dedup)
    articles.ArticleQueries   a band matched with one array parameter; prefetch_dedup
    stories.StoryQueries      dedup level 3 (keys read first), a source linked in one statement,
                              statements stored with their keys in one statement
    search.SearchQueries      /search (tsvector + GIN, our text search configurations)
    outbox.OutboxQueries      a sent item keeps its sender's claim
    maintenance.Maintenance   prune, integrity check, bulk load (COPY), optimise
    workers.WorkerQueries     feed leases, outbox claims, dedup's locks (FOR UPDATE SKIP LOCKED, advisory)
    schema.py                 the schema, its migrations, the version table and the migration lock

Any number of `quotewatch run` processes may share one database: they split the feeds by lease, the
outbox by claim, and dedup by advisory lock (workers.py says how); election.py elects the one process
that takes Telegram updates.
"""

from __future__ import annotations

import psycopg

from watchers.store.backend import StoreError
from watchers.store.common.chats import ChatQueries
from watchers.store.common.feeds import FeedQueries
from watchers.store.common.kv import KeyValues
from watchers.store.postgres.articles import ArticleQueries
from watchers.store.postgres.maintenance import Maintenance
from watchers.store.postgres.outbox import OutboxQueries
from watchers.store.postgres.schema import connect, migrate, one_line, redact, schema_version
from watchers.store.postgres.search import SearchQueries
from watchers.store.postgres.stories import StoryQueries
from watchers.store.postgres.workers import WorkerQueries


class Store(
    FeedQueries, ArticleQueries, StoryQueries, SearchQueries, OutboxQueries, ChatQueries, KeyValues, Maintenance,
    WorkerQueries,
):
    """The synchronous PostgreSQL store (a watchers.store.StoreBackend). One connection, guarded by a lock."""

    def __init__(self, url: str) -> None:
        self.url = url
        db = connect(url)
        try:
            migrate(db)
        except psycopg.Error as e:
            db.close()
            raise StoreError(
                f"cannot set up the history database {redact(url)}: {one_line(e)}; the user needs to own "
                "the database (CREATE DATABASE ... OWNER ...) or at least CREATE rights on its schema"
            ) from e
        except BaseException:
            db.close()
            raise
        super().__init__(db, lambda: connect(url))

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema_version(self._db)

    def health(self) -> str | None:
        """Nothing to watch: a server database has no file that can vanish under the connection."""
        return None


__all__ = ["Store"]
