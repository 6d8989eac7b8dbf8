"""What a backend's connection gives the shared areas (watchers.store.common): SQL in, rows out.

The SQL is written once, with `?` placeholders; each backend's Connection (watchers.store.sqlite.
connection, watchers.store.postgres.connection) runs it on its database, serialised by its lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, Self

Params = Sequence[Any]
MISSING: Any = object()  # no answer read ahead for a call (see SqlConnection._prefetched_answer)


class Result(Protocol):
    """A statement's outcome, as sqlite3's and psycopg's cursors give it."""

    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


class SqlConnection:
    """The calls the shared areas make; a backend's Connection implements them."""

    _lock: threading.RLock

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[None]:
        """Hold the lock and one transaction for the block (nested blocks join the outer one)."""
        raise NotImplementedError

    def _exec(self, sql: str, params: Params = ()) -> Result:
        """One statement; its cursor (rowcount, rows)."""
        raise NotImplementedError

    def _many(self, sql: str, rows: Iterable[Params]) -> None:
        """One statement for many rows."""
        raise NotImplementedError

    def _defer(self, sql: str, params: Params = (), *, many: bool = False) -> None:
        """A write whose result is not read (`many`: params is a list of rows, as for `_many`): a
        server backend may send it with the next statement inside a transaction (SQLite runs it now)."""
        raise NotImplementedError

    def _all(self, sql: str, params: Params = ()) -> list[Any]:
        with self._lock:
            return self._exec(sql, params).fetchall()

    def _one(self, sql: str, params: Params = ()) -> Any:
        with self._lock:
            return self._exec(sql, params).fetchone()

    def _prefetched_answer(self, key: tuple[Any, ...]) -> Any:
        """The answer read ahead for this call (see prefetch_dedup), or MISSING: none was."""
        return MISSING

    def forget_prefetched(self, method: str | None = None) -> None:
        """A write changed what read-ahead answers of `method` (None: any) would say."""
