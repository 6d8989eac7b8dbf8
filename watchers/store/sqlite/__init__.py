"""The SQLite backend of the store: the embedded default, one file (or memory), nothing to install.

`Store` is every area's queries on ONE connection: each area is a class in its own module, all
subclasses of `Connection` (the connection, its lock, `transaction()`), and Store is their sum:

    feeds.FeedQueries         feed state between polls
    articles.ArticleQueries   articles seen; dedup levels 1 and 2 (title, fingerprint bands)
    stories.StoryQueries      statements and stories; dedup level 3; a story read back for its alert
    search.SearchQueries      /quotes and /search (FTS5)
    outbox.OutboxQueries      queued Telegram actions and the deliveries they made
    chats.ChatQueries         subscriptions and a chat's life
    maintenance.Maintenance   prune, integrity check, kv, bulk load
    workers.WorkerQueries     the workers table, feed leases, outbox claims (one process holds them all)

The schema and its migrations are schema.py. The SQL is kept plain and portable (`ON CONFLICT ... DO
NOTHING/UPDATE`, partial indexes, no `INSERT OR`, no rowid tricks); the SQLite-only spots are marked
`SQLITE-ONLY`: the FTS5 index (`statements_fts`), PRAGMAs, `BEGIN IMMEDIATE`.

Concurrency: one connection, one writer. Store is synchronous and thread-safe (an RLock around the
connection); `transaction()` groups several calls atomically. File databases run in WAL mode, so other
connections (other Store objects on the same file, the CLI, `sqlite3` in a shell) read while the writer
writes.
"""

from __future__ import annotations

from watchers.store.common.chats import ChatQueries
from watchers.store.common.feeds import FeedQueries
from watchers.store.common.kv import KeyValues
from watchers.store.common.outbox import OutboxQueries
from watchers.store.sqlite.articles import ArticleQueries
from watchers.store.sqlite.guard import FileGuard, is_file
from watchers.store.sqlite.maintenance import Maintenance
from watchers.store.sqlite.schema import connect, migrate, schema_version
from watchers.store.sqlite.search import SearchQueries
from watchers.store.sqlite.stories import StoryQueries
from watchers.store.sqlite.workers import WorkerQueries


class Store(
    FeedQueries, ArticleQueries, StoryQueries, SearchQueries, OutboxQueries, ChatQueries, KeyValues, Maintenance,
    WorkerQueries,
):
    """The synchronous SQLite store (a watchers.store.StoreBackend). One connection, guarded by a lock."""

    def __init__(self, path: str = ":memory:", *, allow_new: bool | None = None) -> None:
        """Open (or create) the database. A file missing where its marker says one was is refused
        (StoreError) unless `allow_new`; None reads QUOTEWATCH_NEW_DB (watchers.store.sqlite.guard)."""
        self.path = path
        self._guard = FileGuard(path) if is_file(path) else None
        if self._guard is not None:
            self._guard.before_open(allow_new)
        super().__init__(connect(path))
        try:
            migrate(self._db)
            if self._guard is not None:
                self._guard.after_open(self)
        except BaseException:
            self._db.close()
            raise

    def health(self) -> str | None:
        """None while the file is the one opened; else one line: it was deleted or replaced."""
        return None if self._guard is None else self._guard.problem()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema_version(self._db)


__all__ = ["Store"]
