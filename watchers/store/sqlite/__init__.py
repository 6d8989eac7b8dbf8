"""The SQLite backend of the store: the embedded default, one file (or memory), nothing to install.

`Store` is every area's queries on ONE connection: each area is a class, all subclasses of
`Connection` (the connection, its lock, `transaction()`), and Store is their sum. Where the SQL is the
same as PostgreSQL's the area is written once, in watchers.store.common (feeds, chats, kv, the workers
table, and most of articles, stories, outbox, /quotes); this package holds what only SQLite has:

    articles.ArticleQueries   a band matched with an IN list; nothing to read ahead
    stories.StoryQueries      dedup level 3 (keys as one JSON parameter), statements stored with their
                              FTS5 rows and dedup keys
    search.SearchQueries      /search (FTS5)
    maintenance.Maintenance   prune (FTS5 deletes), integrity check, bulk load, optimise
    workers.WorkerQueries     feed leases and outbox claims (one process: every claim granted)

The schema and its migrations are schema.py. The SQL is kept plain and portable (`ON CONFLICT ... DO
NOTHING/UPDATE`, RETURNING, partial indexes, no `INSERT OR`, no rowid tricks); the SQLite-only spots
are marked `SQLITE-ONLY`: the FTS5 index (`statements_fts`), PRAGMAs, `BEGIN IMMEDIATE`.

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
