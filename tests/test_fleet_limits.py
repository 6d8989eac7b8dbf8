"""Telegram's flood limits for the whole fleet, not per process (issue #17 item 4).

The per-bot limit (30 messages/s): each worker's limiter keeps limit // W, W = the workers with a fresh
heartbeat in the shared workers table (bot.fleet). Checked on a temporary PostgreSQL with real Worker
rows and FloodSchedulers on one fake clock: three workers sending as fast as their limiters let them
never put more than 30 messages in any one second of the fleet's sends (and without the share they
would: the same run with unshared limiters goes over, so the count can fail). A dead worker's share
comes back within one lease; a joining worker waits until the others have counted it.

Per chat and per group: the outbox claims give a chat to one sender for the chat's window (a group's
minute, a private chat's second), so each worker's own windows are the fleet's.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta

import pytest
from pg_server import PostgresServer

from bot.fleet import JOIN_HOLD, Worker
from bot.ratelimit import FloodScheduler, Limits
from watchers.pipeline import open_store
from watchers.store import open_backend

pytestmark = pytest.mark.postgresql

LEASE = 30.0
LIMIT = Limits().overall_per_second


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


class FakeTime:
    """One virtual clock for several schedulers: time moves only when every sender is asleep."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._n = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + max(seconds, 0.0), next(self._n), future))
        await future

    async def run(self, tasks: list[asyncio.Task[None]]) -> None:
        while not all(t.done() for t in tasks):
            for _ in range(20):  # let every runnable sender run to its next sleep
                await asyncio.sleep(0)
            alive = sum(1 for t in tasks if not t.done())
            if alive and len(self._sleepers) >= alive:
                at, _, future = heapq.heappop(self._sleepers)
                self.now = max(self.now, at)
                future.set_result(None)


async def send_all(schedulers: list[FloodScheduler], time: FakeTime, each: int) -> list[float]:
    """Every scheduler sends `each` messages to chats of its own, as fast as it lets; the send times."""
    sent: list[float] = []

    async def sender(n: int, scheduler: FloodScheduler) -> None:
        for m in range(each):
            async with scheduler.slot(10_000 * (n + 1) + m):  # a new private chat each time
                sent.append(time.clock())

    tasks = [asyncio.create_task(sender(n, s)) for n, s in enumerate(schedulers)]
    await time.run(tasks)
    return sent


def busiest_second(times: list[float]) -> int:
    """The most sends in any window [t, t + 1) of the fleet's (sliding over every send)."""
    times = sorted(times)
    return max(sum(1 for u in times[i:] if u < t + 1.0) for i, t in enumerate(times))


def schedulers(time: FakeTime, n: int) -> list[FloodScheduler]:
    return [FloodScheduler(Limits(), clock=time.clock, sleep=time.sleep, wall=time.clock) for _ in range(n)]


async def test_three_workers_together_keep_the_bots_overall_limit(pg_url: str) -> None:
    stores = [open_store(pg_url) for _ in range(3)]
    workers = [Worker(s, lease=LEASE) for s in stores]
    try:
        for w in workers:
            await w.start()
        time = FakeTime()
        shared = schedulers(time, 3)
        for w, s in zip(workers, shared, strict=True):
            await w.follow(s)
        assert [w.live for w in workers] == [3, 3, 3]
        sent = await send_all(shared, time, each=120)
        assert len(sent) == 360
        assert busiest_second(sent) <= LIMIT
        # and the fleet still uses its limit: 360 messages at 30/s take about 12 s, not 36
        assert time.now - LEASE * JOIN_HOLD < 360 / LIMIT + 1.5

        # The same three limiters without the fleet's share: each one alone keeps 30/s, together 90.
        alone = FakeTime()
        assert busiest_second(await send_all(schedulers(alone, 3), alone, each=120)) > LIMIT
    finally:
        for w in workers:
            await w.stop()
        for s in stores:
            await s.close()


async def test_a_dead_workers_share_comes_back_within_one_lease(pg_url: str) -> None:
    stores = [open_store(pg_url) for _ in range(3)]
    workers = [Worker(s, lease=LEASE) for s in stores]
    try:
        for w in workers:
            await w.start()
        time = FakeTime()
        mine = schedulers(time, 1)[0]
        await workers[0].follow(mine)
        assert mine.overall_limit() == LIMIT // 3
        # workers[2] is killed (SIGKILL: no unregister, it only stops beating); the others go on beating
        t0 = datetime.now(UTC)
        for k in (1, 2, 3):
            at = t0 + timedelta(seconds=LEASE * k / 3)
            for w in workers[:2]:
                assert await w.store.heartbeat(w.id, at, LEASE)
            live = await workers[0].share(at)
            if k < 2:
                assert live == 3  # a heartbeat late is not dead
            else:
                assert live == 2 and mine.overall_limit() == LIMIT // 2  # at most one lease after its last beat
    finally:
        for w in workers:
            await w.stop()
        for s in stores:
            await s.close()


async def test_a_joining_worker_waits_until_the_others_have_counted_it(pg_url: str) -> None:
    stores = [open_store(pg_url) for _ in range(2)]
    first, second = Worker(stores[0], lease=LEASE), Worker(stores[1], lease=LEASE)
    try:
        await first.start()
        time = FakeTime()
        alone = schedulers(time, 1)[0]
        await first.follow(alone)
        assert alone.overall_wait() == 0.0 and alone.overall_limit() == LIMIT  # alone: no wait, whole limit
        await second.start()
        joining = schedulers(time, 1)[0]
        await second.follow(joining)
        # the first one counts the second only at its next heartbeat, up to lease / 3 from now
        assert joining.overall_wait() >= LEASE / 3
        assert joining.overall_limit() == LIMIT // 2
        await first.share(datetime.now(UTC))
        assert alone.overall_limit() == LIMIT // 2
    finally:
        for w in (first, second):
            await w.stop()
        for s in stores:
            await s.close()


def test_a_chat_stays_with_its_sender_for_the_chats_window(pg_url: str) -> None:
    """One sender per chat per window: another worker may not send to a group within a minute, nor to
    a private chat within a second, of the last message a live worker sent there."""
    with closing(open_backend(pg_url)) as a, closing(open_backend(pg_url)) as b:
        far = datetime.now(UTC) + timedelta(days=1)  # alive (beating) through every "now" below
        for w in ("a", "b"):
            a.register_worker(w, "host", 1, far)
        group, private = -1001, 42
        first_g, first_p = a.enqueue(group, "s1", "send"), a.enqueue(private, "s1", "send")
        before = datetime.now(UTC)
        assert {i.id for i in a.claim_outbox("a", before, LEASE)} == {first_g, first_p}
        a.mark_sent(first_g, 1)
        a.mark_sent(first_p, 2)
        next_g, next_p = a.enqueue(group, "s2", "send"), a.enqueue(private, "s2", "send")
        assert b.claim_outbox("b", before, LEASE) == []  # both chats are a's for now
        after = datetime.now(UTC)
        assert [i.id for i in b.claim_outbox("b", after + timedelta(seconds=2), LEASE)] == [next_p]
        b.mark_retry(next_p, "test", after)  # give it back
        # the group is still a's within its minute; a itself may go on sending there
        assert [i.id for i in b.claim_outbox("b", after + timedelta(seconds=30), LEASE)] == [next_p]
        b.mark_retry(next_p, "test", after)
        assert [i.id for i in a.claim_outbox("a", after + timedelta(seconds=30), LEASE)] == [next_g, next_p]
        a.mark_retry(next_g, "test", after)
        a.mark_retry(next_p, "test", after)
        # after the window, b may send there too
        assert {i.id for i in b.claim_outbox("b", after + timedelta(seconds=62), LEASE)} == {next_g, next_p}
        b.mark_sent(next_g, 3)
        b.mark_sent(next_p, 4)
        # b is alive: the group is its for a minute; b died (no heartbeat for a lease): a takes it at once
        last = a.enqueue(group, "s3", "send")
        now = datetime.now(UTC)
        assert a.claim_outbox("a", now, LEASE) == []
        a.heartbeat("b", now - timedelta(seconds=LEASE + 1), LEASE)
        assert [i.id for i in a.claim_outbox("a", now, LEASE)] == [last]
