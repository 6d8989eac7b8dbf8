"""This process as one worker of several on one database: its row and heartbeat, the elected update
taker, and the one-line summary of the fleet that /status and the console show.

    Worker          registers (id = host-pid-random), beats every lease / 3 seconds: the heartbeat
                    pushes forward the feed leases and outbox claims it holds (watchers.store workers),
                    so a worker killed with SIGKILL loses them within one lease; a clean stop gives them
                    back at once. Rows of workers silent for FORGET_AFTER are removed by the others.
    fleet share     Telegram's per-bot limit (30 messages/s) is the fleet's, not each process's: every
                    heartbeat re-reads the workers table and each worker's limiter keeps
                    limit // W a second, W = workers whose heartbeat is younger than 2/3 of a lease
                    (live_workers). Chosen over a token bucket in PostgreSQL: no round trip per
                    message, nothing to repair when a worker dies holding tokens, and the database
                    away does not stop sending (the last share holds). A worker killed with SIGKILL
                    stops beating: after 2/3 lease it no longer counts, and the others' next heartbeat
                    (lease / 3 later) gives its share back: within one lease. A worker joining a live
                    fleet sends nothing for one heartbeat period (JOIN_HOLD), the time the others take
                    to count it and shrink their share; with more workers than the limit each still
                    sends one a second. Per chat and per group the outbox claims keep one sender per
                    chat for that chat's window (watchers.store.postgres.workers).
    take_updates    polling mode: only the elected worker long-polls getUpdates (a second poller gets
                    409 from Telegram). On PostgreSQL the election is a session advisory lock on a
                    connection of its own (watchers.store.postgres.election): every ELECTION_SECONDS a
                    follower tries to take it, and the leader checks it still holds it; when the leader
                    dies its session ends and another worker takes over within seconds. On SQLite
                    (one process) this worker always leads. Webhook mode needs no election: any worker
                    may answer Telegram's POSTs.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from watchers.store import is_postgres_url

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.ratelimit import FloodScheduler
    from rules.model import TelegramSettings
    from watchers.store import AsyncStore, WorkerInfo
    from watchers.store.postgres.election import Election

log = logging.getLogger("quotewatch.service")

# A feed lease or outbox claim lasts this long without a heartbeat: a killed worker's feeds wait at
# most this long for another worker. QUOTEWATCH_LEASE (seconds) overrides it.
LEASE_SECONDS = 30.0
ELECTION_SECONDS = 2.0  # how often a follower tries to become the update taker, and the leader checks
FORGET_AFTER = 3600.0  # a worker silent this long is removed from the workers table (and /status)
FRESH = 2 / 3  # of a lease: a worker whose heartbeat is younger counts for the fleet share
JOIN_HOLD = 1 / 3 + 0.05  # of a lease: a joining worker's wait until every other one has counted it


def live_workers(workers: list[WorkerInfo], now: datetime, lease: float) -> int:
    """How many workers share the bot's limit: those with a heartbeat within FRESH of a lease (>= 1)."""
    since = now - timedelta(seconds=lease * FRESH)
    return max(1, sum(1 for w in workers if w.heartbeat >= since))


def lease_seconds() -> float:
    """The lease: QUOTEWATCH_LEASE when it is a positive number of seconds, else LEASE_SECONDS."""
    raw = os.environ.get("QUOTEWATCH_LEASE", "").strip()
    try:
        value = float(raw) if raw else LEASE_SECONDS
    except ValueError:
        log.warning("QUOTEWATCH_LEASE=%r is not a number of seconds; using %.0f", raw, LEASE_SECONDS)
        return LEASE_SECONDS
    return value if value > 0 else LEASE_SECONDS


class Worker:
    """This process's row in the workers table, kept alive by a heartbeat task."""

    def __init__(self, store: AsyncStore, lease: float | None = None, beat: AsyncStore | None = None) -> None:
        self.store = store
        # The heartbeat's own store (a connection and thread of its own), so it is never queued behind
        # the polls' store work: a busy worker whose beat waited a lease long lost every feed it was
        # polling to the others, which polled them again. None: the main store (SQLite, tests).
        self.beat_store = beat or store
        self.lease = lease_seconds() if lease is None else lease
        self.host = socket.gethostname()
        self.pid = os.getpid()
        self.id = f"{self.host}-{self.pid}-{secrets.token_hex(2)}"
        self._task: asyncio.Task[None] | None = None
        self._schedulers: list[FloodScheduler] = []
        self.live = 1  # workers sharing the bot's limit at the last heartbeat

    async def start(self) -> None:
        await self.store.register_worker(self.id, self.host, self.pid, datetime.now(UTC))
        self._task = asyncio.create_task(self._beat(), name="worker heartbeat")

    async def follow(self, scheduler: FloodScheduler) -> None:
        """Keep `scheduler`'s overall limit at this worker's share of the fleet (module docstring)."""
        self._schedulers.append(scheduler)
        try:
            await self.share(datetime.now(UTC))
        except Exception as e:  # the database away: the whole limit until the first heartbeat that works
            log.warning("could not read the workers for the Telegram rate share: %s", e)
            return
        if self.live > 1:  # the others count this worker at their next heartbeat: until then, send nothing
            scheduler.share(self.live, joining=self.lease * JOIN_HOLD)

    async def share(self, now: datetime) -> int:
        """Re-read the live workers and set every followed scheduler's share; the count."""
        if not self._schedulers:
            return self.live
        self.live = live_workers(await self.beat_store.workers(), now, self.lease)
        for scheduler in self._schedulers:
            scheduler.share(self.live)
        return self.live

    async def _beat(self) -> None:
        failing = False
        while True:
            await asyncio.sleep(self.lease / 3)
            now = datetime.now(UTC)
            try:
                if not await self.beat_store.heartbeat(self.id, now, self.lease):
                    # Forgotten as dead (a long pause): back in the table; its leases were taken over.
                    await self.beat_store.register_worker(self.id, self.host, self.pid, now)
                await self.beat_store.forget_workers(now - timedelta(seconds=FORGET_AFTER))
                await self.share(now)
                failing = False
            except Exception as e:  # the database away: leases lapse, the polls fail and say so
                if not failing:
                    log.error("worker heartbeat failed: %s (not repeated while it keeps failing)", e)
                failing = True

    async def stop(self) -> None:
        """Stop beating and give the leases and claims back (a clean stop: nothing waits a lease)."""
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
        try:
            await self.store.unregister_worker(self.id)
        except Exception as e:
            log.warning("could not unregister worker %s: %s (its leases expire by themselves)", self.id, e)
        if self.beat_store is not self.store:
            await self.beat_store.close()


def open_election(db: str) -> Election | None:
    """The update-taker election for a database: PostgreSQL's advisory lock; None (always lead) for SQLite."""
    if not is_postgres_url(db):
        return None
    from watchers.store.postgres.election import Election

    return Election(db.strip())


async def take_updates(
    application: Application,  # type: ignore[type-arg]
    tg: TelegramSettings,
    token: str,
    long_poll_timeout: int,
    election: Election | None,
    worker: Worker,
    stop: asyncio.Event,
) -> None:
    """Long-poll Telegram while this worker is the elected update taker, until `stop` (module docstring)."""
    from telegram.error import InvalidToken

    from bot.connection import start_updates

    updater: Any = application.updater
    try:
        while not stop.is_set():
            if election is None or await election.try_lead():
                try:
                    await start_updates(application, tg, token, long_poll_timeout)
                except Exception as e:  # Telegram away at this instant: try again, still the leader
                    log.error("could not start taking Telegram updates: %s; retrying", type(e).__name__)
                    with suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), ELECTION_SECONDS)
                    continue
                log.info("this worker takes the Telegram updates (%s)", worker.id)
                await _record_taker(worker)
                while not stop.is_set():
                    with suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), ELECTION_SECONDS)
                    if election is not None and not stop.is_set() and not await election.still_leading():
                        log.warning("lost the update-taker lock (database connection); another worker takes over")
                        break
                if updater is not None and updater.running:
                    # A polling that ended on a refused token re-raises it here: the service stops, saying why.
                    with suppress(InvalidToken):
                        await updater.stop()
            else:
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), ELECTION_SECONDS)
    finally:
        if election is not None:
            await election.close()


async def _record_taker(worker: Worker) -> None:
    try:
        await worker.store.set_update_taker(worker.id)
    except Exception as e:  # shown by /status only; polling goes on
        log.warning("could not record the update taker: %s", e)


def fleet_line(workers: list[WorkerInfo], now: datetime) -> str:
    """The console's line: how many workers, the update taker, each one's feeds held."""
    taker = next((w.worker_id for w in workers if w.takes_updates), "none")
    each = "; ".join(f"{w.worker_id} {w.feeds} held" for w in workers)
    return f"workers: {len(workers)} (update taker: {taker}): {each}"
