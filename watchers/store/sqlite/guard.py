"""Is the database file still the one we opened, and is a fresh start really a fresh start?

Two ways a SQLite history goes missing without a word, and what catches each:

- **While running**, the file is deleted, or another file is renamed over it (a restore done wrong, a
  cleanup script). The open connection goes on writing into the old inode, so nothing fails, and all of
  it is gone at the next start. `FileGuard.problem()` compares the path's (st_dev, st_ino) with the
  file's at open; the service asks every STORE_CHECK_SECONDS (bot.service) and stops with that line.
- **At start**, the file is gone and SQLite would create an empty one: every subscription and all
  history lost, silently. A marker beside the database (`<db>.quotewatch-id`) holds an id that is also
  stored inside it (kv `store.id`); a marker without its database refuses the start with StoreError,
  unless the environment says a new database is wanted (QUOTEWATCH_NEW_DB=1, see the README).

A database whose id differs from the marker's (another quotewatch's file copied in) is accepted with a
warning and the marker follows it: it is a real history, only not the one that was here.
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import Protocol

from watchers.store.backend import StoreError

log = logging.getLogger("quotewatch.store")

MARKER_SUFFIX = ".quotewatch-id"
NEW_DB_ENV = "QUOTEWATCH_NEW_DB"  # "1": a missing database may be created afresh although a marker says one was here
ID_KEY = "store.id"


class _KV(Protocol):
    def kv_get(self, key: str) -> str | None: ...
    def kv_set(self, key: str, value: str) -> None: ...


def is_file(path: str) -> bool:
    """A database on disk (not ":memory:", which has no file to guard)."""
    return path not in ("", ":memory:") and not path.startswith("file::memory:")


def new_database_allowed() -> bool:
    return os.environ.get(NEW_DB_ENV, "").strip().lower() in ("1", "yes", "true")


class FileGuard:
    """Watches one database file: `before_open`, `after_open`, then `problem()` as often as wanted."""

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        self.marker = self.path + MARKER_SUFFIX
        self._identity: tuple[int, int] | None = None

    def before_open(self, allow_new: bool | None = None) -> None:
        """Refuse to create an empty database where the marker says one was (StoreError)."""
        if os.path.exists(self.path):
            return
        previous = self._read_marker()
        if previous is None:
            return  # a first start: nothing was here
        if new_database_allowed() if allow_new is None else allow_new:
            log.warning("starting a new, empty history database at %s (%s is set); the one before "
                        "(id %s) is gone", self.path, NEW_DB_ENV, previous)
            return
        raise StoreError(
            f"the history database {self.path} is missing, but {self.marker} says one was here (id "
            f"{previous}): subscriptions and history would start empty. Restore the file (from a backup, "
            f"or fix the db path), or set {NEW_DB_ENV}=1 to start a new, empty database on purpose"
        )

    def after_open(self, store: _KV) -> None:
        """Remember the file's identity; make sure the database and the marker carry the same id."""
        stat = os.stat(self.path)
        self._identity = (stat.st_dev, stat.st_ino)
        try:
            store_id = store.kv_get(ID_KEY)
            if store_id is None:
                store_id = uuid.uuid4().hex
                store.kv_set(ID_KEY, store_id)
        except Exception as e:  # read-only or full at start: the run goes on, unguarded at the next start
            log.warning("cannot give the history database %s its id (%s); a missing file will not be "
                        "noticed at the next start", self.path, e)
            return
        previous = self._read_marker()
        if previous == store_id:
            return
        if previous is not None:
            log.warning("the history database %s is not the one that was here before (id %s, was %s); "
                        "using it", self.path, store_id, previous)
        try:
            temporary = f"{self.marker}.{os.getpid()}.tmp"
            with open(temporary, "w", encoding="utf-8") as out:
                out.write(store_id + "\n")
            os.replace(temporary, self.marker)  # atomic: a crash leaves the old marker or the new one
        except OSError as e:
            log.warning("cannot write %s (%s); a missing database will not be noticed at the next start",
                        self.marker, e)

    def problem(self) -> str | None:
        """None while the path still names the file we opened; else one line saying what happened."""
        if self._identity is None:
            return None
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            return (f"the history database {self.path} was deleted while quotewatch was running; stopping "
                    "so nothing more is written into the deleted file. Restore it from a backup, or start "
                    f"again with {NEW_DB_ENV}=1 to begin a new, empty one")
        except OSError:
            return None  # cannot look (a permission hiccup): not evidence that the file changed
        if (stat.st_dev, stat.st_ino) != self._identity:
            return (f"the history database {self.path} was replaced by another file while quotewatch was "
                    "running; stopping so the two do not mix. Start again to use the new file")
        return None

    def _read_marker(self) -> str | None:
        try:
            with open(self.marker, encoding="utf-8") as f:
                return f.read().strip() or None
        except OSError:
            return None
