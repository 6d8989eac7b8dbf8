"""The one PostgreSQL connection every area's queries share: its lock, reads, and write transactions.

The PostgreSQL twin of watchers.store.sqlite.connection, with the same contract: one connection, calls
serialised by a re-entrant lock, `transaction()` grouping several calls into one commit (nested blocks
join the outer one). The connection is in autocommit mode, so a read outside a block is a transaction of
its own, as on SQLite.

Two things SQLite forgives and PostgreSQL does not are handled here, for every query:
- NUL characters: PostgreSQL text cannot hold U+0000 (a feed can send one); they become U+FFFD.
- A lost connection (server restarted, network blip): a call outside a transaction reconnects and runs
  again once; a call inside a transaction fails with the transaction (never half-applied: the caller's
  unit, e.g. one article, is done again by its next poll), and the next call reconnects.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import psycopg

T = TypeVar("T")
Params = Sequence[Any]
Db = psycopg.Connection[tuple[Any, ...]]


def clean_params(params: Params) -> Params:
    """Parameters PostgreSQL accepts: NUL is not allowed in text (it is in SQLite)."""
    if not any(isinstance(p, str) and "\x00" in p for p in params):
        return params
    return [p.replace("\x00", "\ufffd") if isinstance(p, str) else p for p in params]


class Connection:
    """A connection (from watchers.store.postgres.schema.connect) guarded by a re-entrant lock."""

    def __init__(self, db: Db, reconnect: Callable[[], Db]) -> None:
        self._db = db
        self._reconnect = reconnect
        self._lock = threading.RLock()
        self._depth = 0  # transaction nesting: only the outermost BEGIN/COMMITs
        # The outermost block's BEGIN goes out with its first statement, in one round trip: per article
        # that is one of ~ten waits on the server less (a block without statements sends nothing).
        self._begin_pending = False

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock and one transaction for the block (nested blocks join the outer one)."""
        with self._lock:
            outermost = self._depth == 0
            if outermost:
                self._begin_pending = True
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outermost:
                    begun, self._begin_pending = not self._begin_pending, False
                    if begun and not self._db.broken:
                        self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                begun, self._begin_pending = not self._begin_pending, False
                if begun:
                    self._db.execute("COMMIT")

    def _exec(self, sql: str, params: Params = (), prepare: bool | None = None) -> psycopg.Cursor[tuple[Any, ...]]:
        """One statement; returns its cursor (rowcount, RETURNING rows). psycopg prepares a statement
        run often (prepare=None); prepare=False keeps a plan per call, for queries whose best plan
        depends on the values (a search word in 10 rows or in 100,000)."""
        with self._lock:
            return self._retrying(lambda: self._db.execute(sql, clean_params(params), prepare=prepare))

    def _many(self, sql: str, rows: Iterable[Params]) -> None:
        """One statement for many rows (psycopg pipelines them: one round trip, not one per row)."""
        values = [clean_params(r) for r in rows]

        def run() -> None:
            with self._db.cursor() as cur:
                cur.executemany(sql, values)

        with self._lock:
            self._retrying(run)

    def _retrying(self, run: Callable[[], T]) -> T:
        """Run on the connection. Outside a transaction (or as a transaction's first statement, when
        nothing of it reached the server yet), a connection found dead is reopened and the statement
        run again once: a statement of its own either ran whole or not at all."""
        if self._depth > 0 and not self._begin_pending:
            return run()
        if self._db.closed or self._db.broken:
            self._db = self._reconnect()  # raises StoreError, saying what to check
        try:
            return self._first(run)
        except psycopg.OperationalError:
            if not self._db.broken:
                raise  # the statement failed, not the connection
            self._db = self._reconnect()
            return self._first(run)

    def _first(self, run: Callable[[], T]) -> T:
        """Run the statement; the first of a transaction goes out with its BEGIN (one pipeline sync)."""
        if not self._begin_pending:
            return run()
        try:
            with self._db.pipeline():
                self._db.execute("BEGIN")
                result = run()
        except psycopg.OperationalError:
            if not self._db.broken:  # BEGIN went through: the block is open, and rolls back
                self._begin_pending = False
            raise
        except BaseException:
            self._begin_pending = False
            raise
        self._begin_pending = False
        return result

    def _all(self, sql: str, params: Params = (), prepare: bool | None = None) -> list[Any]:
        with self._lock:
            return self._exec(sql, params, prepare).fetchall()

    def _one(self, sql: str, params: Params = ()) -> Any:
        with self._lock:
            return self._exec(sql, params).fetchone()
