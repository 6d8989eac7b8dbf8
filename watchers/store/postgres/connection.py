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

Round trips are what a PostgreSQL store pays for and SQLite does not (each one a wait on another process,
long on a loaded machine), so a transaction sends as few as it can: its BEGIN goes out with its first
statement, and writes whose result nobody reads (`_defer`: an article recorded, its statements, a lock
taken) are held back and sent, in order, with the next statement that must answer, or with the COMMIT.
The transaction's all-or-nothing is unchanged: a held-back write that fails fails the next statement,
or the COMMIT, and the block rolls back.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, TypeVar

import psycopg

from watchers.store.common.connection import MISSING, Params, SqlConnection

T = TypeVar("T")
Db = psycopg.Connection[tuple[Any, ...]]


@lru_cache(maxsize=1024)
def native(sql: str) -> str:
    """The store's SQL (`?` placeholders, as SQLite writes them: one text for both backends) as psycopg
    takes it: `%s` placeholders, a literal % doubled. The SQL never has a `?` of its own."""
    return sql.replace("%", "%%").replace("?", "%s")


def clean_params(params: Params) -> Params:
    """Parameters PostgreSQL accepts: NUL is not allowed in text (it is in SQLite)."""
    if not any(isinstance(p, str) and "\x00" in p for p in params):
        return params
    return [p.replace("\x00", "\ufffd") if isinstance(p, str) else p for p in params]


class Connection(SqlConnection):
    """A connection (from watchers.store.postgres.schema.connect) guarded by a re-entrant lock."""

    def __init__(self, db: Db, reconnect: Callable[[], Db]) -> None:
        self._db = db
        self._reconnect = reconnect
        self._lock = threading.RLock()
        self._depth = 0  # transaction nesting: only the outermost BEGIN/COMMITs
        # The outermost block's BEGIN goes out with its first statement, in one round trip: per article
        # that is one of ~ten waits on the server less (a block without statements sends nothing).
        self._begin_pending = False
        # Writes held back inside a transaction (see the module docstring): (sql, rows, many).
        self._deferred: list[tuple[str, list[Params], bool]] = []
        # Answers read ahead inside a transaction (prefetch_dedup): (method, *args) -> result, each used
        # once, dropped when the block ends or a write changes what they read (forget_prefetched).
        self._prefetched: dict[tuple[Any, ...], Any] = {}

    def close(self) -> None:
        with self._lock:
            self._db.close()

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
                    self._prefetched.clear()
                    self._deferred.clear()
                    begun, self._begin_pending = not self._begin_pending, False
                    if begun and not self._db.broken:
                        self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outermost:
                self._prefetched.clear()
                self._commit()

    def _commit(self) -> None:
        """End the outermost block: BEGIN (unless sent), the held-back writes and COMMIT, in one round
        trip; nothing at all for a block that sent and held nothing. Never sent twice: a COMMIT whose
        answer was lost may have been applied."""
        deferred, begin = self._deferred, self._begin_pending
        self._deferred, self._begin_pending = [], False
        if not deferred:
            if not begin:
                self._db.execute("COMMIT")
            return
        if begin and (self._db.closed or self._db.broken):
            self._db = self._reconnect()  # nothing of the block reached the server yet
        try:
            with self._db.pipeline():
                if begin:
                    self._db.execute("BEGIN")
                self._send(deferred)
                self._db.execute("COMMIT")
        except BaseException:
            # A held-back write failed: the pipeline skipped the COMMIT, and the block is still open.
            if not self._db.broken and self._db.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                self._db.execute("ROLLBACK")
            raise

    def _exec(self, sql: str, params: Params = (), prepare: bool | None = None) -> psycopg.Cursor[tuple[Any, ...]]:
        """One statement; returns its cursor (rowcount, RETURNING rows). psycopg prepares a statement
        run often (prepare=None); prepare=False keeps a plan per call, for queries whose best plan
        depends on the values (a search word in 10 rows or in 100,000)."""
        with self._lock:
            return self._retrying(lambda: self._db.execute(native(sql), clean_params(params), prepare=prepare))

    def _defer(self, sql: str, params: Params = (), *, many: bool = False) -> None:
        """A write whose result is not read (`many`: params is a list of rows, as for `_many`): inside a
        transaction it goes out with the next statement, or the COMMIT; outside one it runs now."""
        with self._lock:
            if self._depth == 0:
                if many:
                    self._many(sql, params)
                else:
                    self._exec(sql, params)
                return
            rows = [clean_params(r) for r in params] if many else [clean_params(params)]
            if many and not rows:
                return
            self._deferred.append((native(sql), rows, many))

    def _many(self, sql: str, rows: Iterable[Params]) -> None:
        """One statement for many rows (psycopg pipelines them: one round trip, not one per row)."""
        values = [clean_params(r) for r in rows]

        def run() -> None:
            with self._db.cursor() as cur:
                cur.executemany(native(sql), values)

        with self._lock:
            self._retrying(run)

    def _retrying(self, run: Callable[[], T], batch: bool = False) -> T:
        """Run on the connection (`batch`: run sends several statements, to go in one pipeline).
        Outside a transaction (or as a transaction's first statement, when nothing of it reached the
        server yet), a connection found dead is reopened and the statement run again once: a statement
        of its own either ran whole or not at all."""
        if self._depth > 0 and not self._begin_pending:
            return self._sent(run, batch)
        if self._db.closed or self._db.broken:
            self._db = self._reconnect()  # raises StoreError, saying what to check
        try:
            return self._first(run, batch)
        except psycopg.OperationalError:
            if not self._db.broken:
                raise  # the statement failed, not the connection
            self._db = self._reconnect()
            return self._first(run, batch)

    def _first(self, run: Callable[[], T], batch: bool) -> T:
        """Run the statement; the first of a transaction goes out with its BEGIN and the writes held back
        so far (one pipeline sync). Those stay held until sent: a retry on a new connection sends them
        again, whole."""
        if not self._begin_pending:
            return self._sent(run, batch)
        try:
            result = self._sent(run, batch, begin=True)
        except psycopg.OperationalError:
            if not self._db.broken:  # BEGIN went through: the block is open, and rolls back
                self._begin_pending = False
            raise
        except BaseException:
            self._begin_pending = False
            raise
        self._begin_pending = False
        return result

    def _sent(self, run: Callable[[], T], batch: bool, begin: bool = False) -> T:
        """BEGIN (if `begin`), the held-back writes, then run's statements: one pipeline, one round trip."""
        if not (begin or batch or self._deferred):
            return run()
        with self._db.pipeline():
            if begin:
                self._db.execute("BEGIN")
            self._send(self._deferred)
            result = run()
        self._deferred.clear()
        return result

    def _send(self, deferred: list[tuple[str, list[Params], bool]]) -> None:
        for sql, rows, many in deferred:
            if many:
                with self._db.cursor() as cur:
                    cur.executemany(sql, rows)
            else:
                self._db.execute(sql, rows[0])

    def _read_ahead(self, reads: Sequence[tuple[tuple[Any, ...], str, Params, Callable[[list[Any]], Any]]]) -> None:
        """Inside a transaction: run the reads (key, sql, params, result from rows) in one round trip
        and keep their results for `_prefetched_answer(key)`. Outside one: nothing (no block to be
        consistent within)."""
        with self._lock:
            if self._depth == 0 or not reads:
                return

            def run() -> list[psycopg.Cursor[tuple[Any, ...]]]:
                return [self._db.execute(native(sql), clean_params(params)) for _, sql, params, _ in reads]

            cursors = self._retrying(run, batch=True)
            for (key, _, _, result), cur in zip(reads, cursors, strict=True):
                self._prefetched[key] = result(cur.fetchall())

    def _prefetched_answer(self, key: tuple[Any, ...]) -> Any:
        """The answer read ahead for this call (used once), or MISSING."""
        return self._prefetched.pop(key, MISSING) if self._prefetched else MISSING

    def forget_prefetched(self, method: str | None = None) -> None:
        """A write changed what read-ahead answers of `method` (None: of every method) would say."""
        if method is None:
            self._prefetched.clear()
        else:
            for key in [k for k in self._prefetched if k[0] == method]:
                del self._prefetched[key]

    def _all(self, sql: str, params: Params = (), prepare: bool | None = None) -> list[Any]:
        with self._lock:
            return self._exec(sql, params, prepare).fetchall()

    def _one(self, sql: str, params: Params = ()) -> Any:
        with self._lock:
            return self._exec(sql, params).fetchone()
