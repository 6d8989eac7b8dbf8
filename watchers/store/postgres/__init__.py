"""The PostgreSQL backend of the store: for deployments that outgrow one SQLite file.

The same StoreBackend as watchers.store.sqlite, area by area, with the same schema versions and column
meanings (schema.py); nothing above the store knows which backend it talks to. `Store` is every area's
queries on ONE connection (psycopg 3, synchronous, autocommit; AsyncStore runs it on one thread):

    feeds.FeedQueries         feed state between polls
    articles.ArticleQueries   articles seen; dedup levels 1 and 2 (title, fingerprint bands)
    stories.StoryQueries      statements and stories; dedup level 3; a story read back for its alert
    search.SearchQueries      /quotes and /search (tsvector + GIN, our text search configurations)
    outbox.OutboxQueries      queued Telegram actions and the deliveries they made
    chats.ChatQueries         subscriptions and a chat's life
    maintenance.Maintenance   prune, integrity check, kv, bulk load
    workers.WorkerQueries     workers sharing the database: feed leases, outbox claims, dedup's locks

The SQL is SQLite's where SQL is portable (ON CONFLICT, partial indexes, UNION); what differs is kept
here: %s placeholders, BOOLEAN flags, identity ids with RETURNING, the search index and its queries,
COPY for bulk loads, the schema version table and the migration lock.

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
