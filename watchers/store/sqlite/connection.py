"""The one SQLite connection every area's queries share: its lock, reads, and write transactions.

One connection, one writer. The area classes (feeds, articles, stories, search, outbox, chats,
maintenance) each subclass `Connection` and run their SQL through it (`_exec`, `_one`, `_all`, `_many`:
watchers.store.common.connection, the calls the areas shared with PostgreSQL make); watchers.store.sqlite.Store is all
of them together on one connection. Reads hold the lock for the statement; `transaction()` holds it and
one write transaction for a block, so several calls commit together (dedup records an article that way).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress

from watchers.store.common.connection import Params, SqlConnection


class Connection(SqlConnection):
    """A connection (from watchers.store.sqlite.schema.connect) guarded by a re-entrant lock."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._lock = threading.RLock()
        self._depth = 0  # transaction nesting: only the outermost BEGIN/COMMITs

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock and one write transaction for the block (nested blocks join the outer one)."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")  # SQLITE-ONLY: take the write lock up front
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._rollback()
                raise
            self._depth -= 1
            if self._depth == 0:
                try:
                    self._db.execute("COMMIT")
                except BaseException:
                    self._rollback()  # a COMMIT that failed (disk full) may leave the transaction open
                    raise

    def _rollback(self) -> None:
        """End the transaction, keeping the error that caused it: on a full disk or an I/O error SQLite
        may have rolled back already, and a second ROLLBACK's "no transaction is active" would hide why."""
        if self._db.in_transaction:
            with suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")

    def _exec(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, params)

    def _many(self, sql: str, rows: Iterable[Params]) -> None:
        with self._lock:
            self._db.executemany(sql, rows)

    def _defer(self, sql: str, params: Params = (), *, many: bool = False) -> None:
        """Run now: a call into this process has no round trip to save."""
        if many:
            self._many(sql, params)
        else:
            self._exec(sql, params)
