"""The fleet's rules in PostgreSQL: published versions, and a channel that says when there is a new one.

    table = RulesTable(url)                         # its own connection (not the store's)
    newest, ours = table.publish(text, by, base)    # base: the version the text was edited from
    table.latest()                                  # the newest RulesVersion, or None before the first
    table.newest_version()                          # its number only (the cheap periodic check)
    await RulesListener(url).run(on_new, stop)      # LISTEN; on_new() on each NOTIFY and after a reconnect

`rules_versions` (schema step 7) keeps every text published, with its sha256, when and by which worker;
the newest is the one in force. Publishing is compare-and-set under a transaction-scoped advisory lock:
a text edited from version `base` becomes version base + 1 only while base is still the newest, so two
edits made at once on two hosts cannot both win and neither overwrites the other unseen; the loser is
told which version won (bot.fleet_rules decides what then happens to its file). Publishing a text that
is already the newest is a no-op that succeeds (two hosts saving the same edit).

NOTIFY is sent in the publishing transaction, so it goes out exactly when the version is visible. The
payload is only a hint (the version number): a listener reads the table, so a notification lost while
its connection was down costs nothing but the wait for the next check.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

import psycopg

from watchers.store.backend import StoreError
from watchers.store.columns import dt_req
from watchers.store.postgres.connection import Db
from watchers.store.postgres.schema import CONNECT_TIMEOUT_S, connect, migrate, one_line, redact

log = logging.getLogger("quotewatch.rules")

CHANNEL = "quotewatch_rules"
# Serialises publishers (any constant; "qw-rules" in ASCII).
PUBLISH_LOCK = 0x71772D72756C6573
LISTENER_NAME = "quotewatch-rules"  # application_name of the listening connection (pg_stat_activity)
# A listener whose connection is lost tries again after this long, doubling up to RETRY_MAX_S.
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 30.0
# How long one wait for notifications lasts before the stop event is looked at again.
WAIT_S = 1.0
# TCP keepalives on the listening connection: a peer gone without a word (a network cut) is noticed
# within about a minute instead of never; the version check covers the time in between.
KEEPALIVE_IDLE_S, KEEPALIVE_INTERVAL_S, KEEPALIVE_COUNT = 30, 10, 3


def rules_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class RulesVersion:
    version: int
    text: str
    sha: str
    published_at: datetime
    published_by: str


_COLUMNS = "version, text, sha, published_at, published_by"


def _version(row: tuple[object, ...]) -> RulesVersion:
    version, text, sha, at, by = row
    assert isinstance(version, int) and isinstance(text, str) and isinstance(sha, str)
    assert isinstance(at, float) and isinstance(by, str)
    return RulesVersion(version, text, sha, dt_req(at), by)


class RulesTable:
    """Reads and publishes versions on a connection of its own (thread-safe: one call at a time)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self._db: Db = connect(url)
        try:
            migrate(self._db)
        except BaseException:
            self._db.close()
            raise

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def latest(self) -> RulesVersion | None:
        """The newest version; StoreError when the database cannot be asked (the next call reconnects)."""
        with self._lock:
            try:
                row = self._connection().execute(
                    f"SELECT {_COLUMNS} FROM rules_versions ORDER BY version DESC LIMIT 1").fetchone()
            except psycopg.Error as e:
                raise StoreError(f"cannot read the fleet's rules from {redact(self.url)}: {one_line(e)}") from e
        return None if row is None else _version(row)

    def newest_version(self) -> int | None:
        """The newest version's number only: what the periodic check asks (a text may be a megabyte)."""
        with self._lock:
            try:
                row = self._connection().execute("SELECT max(version) FROM rules_versions").fetchone()
            except psycopg.Error as e:
                raise StoreError(f"cannot read the fleet's rules from {redact(self.url)}: {one_line(e)}") from e
        return None if row is None or row[0] is None else int(row[0])

    def publish(self, text: str, by: str, base: int | None, now: datetime) -> tuple[RulesVersion, bool]:
        """Publish `text`, edited from version `base` (None: from no version); returns the newest
        version and whether it is this text. False: another version was published since `base`."""
        with self._lock:
            try:
                return self._publish(text, by, base, now)
            except psycopg.Error as e:
                raise StoreError(f"cannot publish the rules to {redact(self.url)}: {one_line(e)}") from e

    def _publish(self, text: str, by: str, base: int | None, now: datetime) -> tuple[RulesVersion, bool]:
        sha = rules_sha(text)
        db = self._connection()
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(%s)", (PUBLISH_LOCK,))
            row = db.execute(f"SELECT {_COLUMNS} FROM rules_versions ORDER BY version DESC LIMIT 1").fetchone()
            newest = None if row is None else _version(row)
            if newest is not None and (newest.sha == sha or newest.version != base):
                return newest, newest.sha == sha
            version = 1 if newest is None else newest.version + 1
            db.execute(f"INSERT INTO rules_versions ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s)",
                       (version, text, sha, now.timestamp(), by))
            db.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(version)))
        return RulesVersion(version, text, sha, now, by), True

    def _connection(self) -> Db:
        """The connection; one the server dropped (found broken by the call before, which failed) is
        reopened, so the caller's next try works once the server is back."""
        if self._db.closed or self._db.broken:
            self._db = connect(self.url)  # StoreError, saying what to check, while it is still down
        return self._db


class RulesListener:
    """LISTENs on a connection of its own; `on_new` runs after each notification, and after each
    (re)connect (notifications sent while it was away are lost, so it looks then)."""

    def __init__(self, url: str, *, retry_first: float = RETRY_FIRST_S, retry_max: float = RETRY_MAX_S) -> None:
        self.url = url
        self.retry_first = retry_first
        self.retry_max = retry_max
        self.connected = asyncio.Event()  # set while LISTENing, once caught up (tests wait for it)
        self.backend_pid: int | None = None  # the listening connection's server process

    async def run(self, on_new: Callable[[], Awaitable[None]], stop: asyncio.Event) -> None:
        """Until `stop` is set (or cancelled); never raises for the database's sake."""
        delay = self.retry_first
        lost_once = False
        while not stop.is_set():
            try:
                conn = await psycopg.AsyncConnection.connect(
                    self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S, application_name=LISTENER_NAME,
                    keepalives=1, keepalives_idle=KEEPALIVE_IDLE_S, keepalives_interval=KEEPALIVE_INTERVAL_S,
                    keepalives_count=KEEPALIVE_COUNT)
            except psycopg.Error as e:
                if not lost_once:
                    log.warning("cannot listen for rules changes on %s (%s); retrying, and checking for new "
                                "versions periodically meanwhile", redact(self.url), one_line(e))
                lost_once = True
                await _wait(stop, delay)
                delay = min(delay * 2, self.retry_max)
                continue
            try:
                await conn.execute(f"LISTEN {CHANNEL}")
                self.backend_pid = conn.info.backend_pid
                if lost_once:
                    log.info("listening for rules changes again")
                    lost_once = False
                delay = self.retry_first
                await _call(on_new)  # whatever was published while no one listened here
                self.connected.set()
                while not stop.is_set():
                    async for _ in conn.notifies(timeout=WAIT_S):
                        await _call(on_new)
            except psycopg.OperationalError as e:
                log.warning("lost the rules channel on %s (%s); reconnecting", redact(self.url), one_line(e))
                lost_once = True
                await _wait(stop, delay)
            finally:
                self.connected.clear()
                await conn.close()


async def _call(on_new: Callable[[], Awaitable[None]]) -> None:
    try:
        await on_new()
    except Exception:  # applying is the caller's business; the channel goes on listening
        log.exception("applying a rules change failed")


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
