"""Several `quotewatch run` processes on one PostgreSQL database (issue #17): they split the feeds,
make one story per statement and send each alert once, and one killed with SIGKILL loses nothing.

Three real `python -m bot run` processes share a temporary PostgreSQL database, a loopback feed server
with 300 feeds (18 of them carry statements of a tracked speaker, each statement in two outlets) and
the fake Bot API. In the middle of a cycle, with the second wave of statements still being fetched (the
feed server holds two of those responses), a worker that holds one of those feeds is killed with SIGKILL;
its leases expire (QUOTEWATCH_LEASE = 3 s) and the others take its feeds over.

What is checked: each statement is exactly one message at the fake, naming both outlets; no feed was
fetched twice within (1 - DUE_TOLERANCE) of its interval (a feed is due that much early by design,
watchers.feeds.schedule), except the feeds the killed worker held when it died; at no time were two
getUpdates long polls open at once (Telegram would answer 409); after the kill a command is still
answered (another worker took the updates over); the survivors stop cleanly.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import sys
import time
from collections.abc import Iterator
from contextlib import closing, suppress
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from aiohttp import web
from feedserver import FeedServer
from pg_server import PostgresServer

from tests.fake_telegram import TOKEN, FakeTelegram
from watchers.feeds.schedule import DUE_TOLERANCE
from watchers.store import open_backend

pytestmark = pytest.mark.postgresql

ROOT = Path(__file__).resolve().parents[1]
FEEDS = 300
INTERVAL = 6.0
LEASE = 3.0
CHANNEL = "@grainfleet"
USER = 2000
PHASE1 = [
    "The grain reserve will be opened to millers in the north before the end of the month",
    "We will pay grain farmers for storage until the new silos at Veska are finished",
    "No grain export licence will be renewed without a full inspection of the cargo",
    "The ministry is hiring forty inspectors to check grain moisture at every port",
    "Our grain harvest estimate stays at nine million tonnes despite the late frost",
    "Small grain cooperatives will get their loans rescheduled over five years",
]
PHASE2 = [
    "Rail freight for grain will be cheaper from Monday under the new tariff",
    "The grain board will publish weekly prices so that buyers cannot hide them",
    "Farmers who lost grain to the floods will be paid within thirty days",
]
RULES_HEAD = """\
[settings]
backfill = "1h"

[telegram]
base_url = "{base_url}"

[[speakers]]
id = "varga"
name = "Ilse Varga"
aliases = ["Varga", "Agriculture Minister Ilse Varga"]

[[topics]]
id = "grain"
any = ["grain"]

[[watches]]
id = "grain-watch"
speakers = ["varga"]
topics = ["grain"]
chats = ["{channel}"]
"""


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


class Telegram(FakeTelegram):
    """The fake Bot API, noting when each getUpdates long poll was open (Telegram allows one)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.polls: list[tuple[float, float]] = []

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        started = time.monotonic()
        try:
            return await super()._m_getUpdates(params)
        finally:
            self.polls.append((started, time.monotonic()))


def outlet(n: int) -> str:
    return f"Courier {n:03d}"


def item(n: int, feed: int, quote: str) -> str:
    """One RSS item: the statement as outlet `feed` words it (published now)."""
    now = format_datetime(datetime.now(UTC), usegmt=True)
    if feed % 2 == 0:
        body = (f"<p>VESKA - The agriculture ministry set out new measures on Thursday.</p><p>\"{quote},\" "
                "Agriculture Minister Ilse Varga told reporters in Veska.</p>")
    else:
        body = (f"<p>Dornland's farmers heard more from the government this week.</p><p>\"{quote},\" "
                "minister Ilse Varga said, adding that details would follow.</p>")
    guid = f"c{feed:03d}-s{n}"
    return (f"<item><title>Varga on grain: measure {n} ({outlet(feed)})</title><link>http://news.example/{guid}</link>"
            f"<guid isPermaLink=\"false\">{guid}</guid><pubDate>{now}</pubDate>"
            f"<description><![CDATA[{body}]]></description></item>")


def rss(feed: int, items: list[str]) -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet(feed)}</title>'
            f"<link>http://news.example/{feed}</link>{''.join(items)}</channel></rss>").encode()


class Owners:
    """Which worker process a request came from: the client end of its TCP connection (a loopback
    socket), found once per connection among the open files of the workers (Linux /proc). None: no
    live worker holds that socket, so it belonged to a process that is gone (the killed one)."""

    def __init__(self) -> None:
        self.pids: list[int] = []
        self._known: dict[object, int | None] = {}

    def of(self, transport: Any) -> int | None:
        if transport is None:
            return None
        if transport not in self._known:
            self._known[transport] = self._lookup(transport.get_extra_info("peername"),
                                                  transport.get_extra_info("sockname"))
        return self._known[transport]

    def _lookup(self, peer: Any, server: Any) -> int | None:
        if not peer or not server:
            return None
        # The client's socket: local port = the peer's, remote port = the server's (tcp: 127.0.0.1, tcp6: ::1).
        want = (f"{peer[1]:04X}", f"{server[1]:04X}")
        inode = None
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table, encoding="ascii") as f:
                for line in itertools.islice(f, 1, None):
                    cols = line.split()
                    if (cols[1].rsplit(":", 1)[1], cols[2].rsplit(":", 1)[1]) == want and cols[9] != "0":
                        inode = f"socket:[{cols[9]}]"
        for pid in self.pids if inode else ():
            with suppress(OSError):
                for fd in os.listdir(f"/proc/{pid}/fd"):
                    with suppress(OSError):
                        if os.readlink(f"/proc/{pid}/fd/{fd}") == inode:
                            return pid
        return None


class Feeds:
    """FEEDS feeds on one FeedServer: what each serves, every fetch (path, time, the worker's pid), and
    a gate that holds the responses of chosen feeds (the second wave) until the test lets them go."""

    def __init__(self, server: FeedServer) -> None:
        self.server = server
        self.items: dict[int, list[str]] = {n: [] for n in range(FEEDS)}
        self.fetches: list[tuple[str, float, int | None]] = []
        self.owners = Owners()
        self.held: set[int] = set()
        self.gate = asyncio.Event()
        for n in range(FEEDS):
            server.route(f"/f/{n:03d}", self._handler(n))

    def _handler(self, n: int) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            self.fetches.append((request.path, time.monotonic(), self.owners.of(request.transport)))
            if n in self.held:
                await self.gate.wait()
            return web.Response(body=rss(n, self.items[n]), content_type="application/rss+xml")

        return handler

    def publish(self, statement: int, quote: str, feeds: tuple[int, int]) -> None:
        for f in feeds:
            self.items[f].append(item(statement, f, quote))

    def fetched_since(self, feed: int, since: float) -> bool:
        return any(p == f"/f/{feed:03d}" and t >= since for p, t, _ in self.fetches)


# The second wave's feeds whose responses are held: two, on a host name of their own, so that a worker
# holding both still has its slots for 127.0.0.1 (the fetcher allows two requests per host at a time).
HELD = (0, 2)


def host(feed: int) -> str | None:
    return "localhost" if feed in HELD else None


def write_config(tmp_path: Path, fake: FakeTelegram, server: FeedServer) -> Path:
    feeds = "".join(
        f'\n[[feeds]]\nid = "c{n:03d}"\nname = "{outlet(n)}"\nurl = "{server.url(f"/f/{n:03d}", host(n))}"\n'
        f'interval = "{INTERVAL:.0f}s"\nallow_private = true\n'
        for n in range(FEEDS)
    )
    path = tmp_path / "config.toml"
    path.write_text(RULES_HEAD.format(base_url=fake.url, channel=CHANNEL) + feeds, encoding="utf-8")
    return path


def messages_of(fake: FakeTelegram, quote: str) -> list[Any]:
    words = " ".join(quote.split()[:6])
    return [m for m in fake.messages(CHANNEL) if words in m.text]


def alerted(fake: FakeTelegram, quote: str, feeds: tuple[int, int]) -> bool:
    """The statement's one message names both outlets (the second outlet's edit has arrived)."""
    found = messages_of(fake, quote)
    return len(found) >= 1 and all(outlet(f) in found[0].text for f in feeds)


def missing(fake: FakeTelegram, quotes: list[str], feeds: dict[int, tuple[int, int]]) -> str:
    """Which statements lack their message or its second outlet, for a failure's message."""
    out = []
    for n, q in enumerate(quotes):
        found = messages_of(fake, q)
        if not found:
            out.append(f"{q[:40]!r}: no message")
        elif not all(outlet(f) in found[0].text for f in feeds[n]):
            named = [outlet(f) for f in feeds[n] if outlet(f) in found[0].text]
            out.append(f"{q[:40]!r}: {len(found)} message(s) naming only {named}")
    return "; ".join(out)


async def until(condition: Any, what: str, timeout: float, detail: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}" + (f": {detail()}" if detail else ""))
        await asyncio.sleep(0.05)


def rows(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as db:
        return db.execute(sql, params).fetchall()


async def start_worker(config: Path, env: dict[str, str], core: int) -> asyncio.subprocess.Process:
    cores = sorted(os.sched_getaffinity(0))

    def one_core() -> None:  # one extraction process per worker: three workers share two cores
        os.sched_setaffinity(0, {cores[core % len(cores)]})

    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--config", str(config), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE, preexec_fn=one_core,
    )


async def test_three_workers_share_feeds_and_outbox_and_survive_a_kill(tmp_path: Path, pg_url: str) -> None:
    open_backend(pg_url).close()  # the schema, before three processes race for it
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "QUOTEWATCH_DB": pg_url, "QUOTEWATCH_LEASE": str(LEASE),
           "PYTHONUNBUFFERED": "1"}
    phase1 = {n: (6 + 2 * n, 7 + 2 * n) for n in range(len(PHASE1))}
    phase2 = {n: (2 * n, 2 * n + 1) for n in range(len(PHASE2))}
    fake = Telegram(max_poll_timeout=0.5)
    async with fake, FeedServer() as server:
        feeds = Feeds(server)
        for n, quote in enumerate(PHASE1):
            feeds.publish(n, quote, phase1[n])
        config = write_config(tmp_path, fake, server)
        procs = [await start_worker(config, env, i) for i in range(3)]
        feeds.owners.pids[:] = [p.pid for p in procs]
        stderr: dict[int, bytes] = {}
        try:
            await until(lambda: all(alerted(fake, q, phase1[n]) for n, q in enumerate(PHASE1)),
                        "the first wave's alerts", timeout=60, detail=lambda: missing(fake, PHASE1, phase1))
            assert len(rows(pg_url, "SELECT worker_id FROM workers")) == 3

            # The second wave: its feeds' responses are held, so whoever fetches them is mid-poll.
            t_publish = time.monotonic()
            feeds.held = set(HELD)
            for n, quote in enumerate(PHASE2):
                feeds.publish(100 + n, quote, phase2[n])
            await until(lambda: all(feeds.fetched_since(f, t_publish) for f in feeds.held),
                        "the second wave's feeds to be fetched", timeout=3 * INTERVAL,
                        detail=lambda: sorted(f for f in feeds.held if not feeds.fetched_since(f, t_publish)))
            holders = dict(rows(pg_url, """SELECT f.feed_id, w.pid FROM feeds f JOIN workers w
                                           ON w.worker_id = f.lease_owner WHERE f.lease_owner IS NOT NULL"""))
            taker = rows(pg_url, "SELECT pid FROM workers WHERE takes_updates")
            held_pids = {pid for f in feeds.held if (pid := holders.get(f"c{f:03d}")) is not None}
            victim_pid = taker[0][0] if taker and taker[0][0] in held_pids else sorted(held_pids)[0]
            victim = next(p for p in procs if p.pid == victim_pid)
            victim_feeds = {feed for feed, pid in holders.items() if pid == victim_pid}
            assert victim_feeds & {f"c{f:03d}" for f in feeds.held}  # it dies holding unrecorded statements
            kill_sent = time.monotonic()
            victim.send_signal(signal.SIGKILL)
            await asyncio.wait_for(victim.wait(), 10)
            killed_at = time.monotonic()
            feeds.gate.set()

            await until(lambda: all(alerted(fake, q, phase2[n]) for n, q in enumerate(PHASE2)),
                        "the second wave's alerts after the kill", timeout=40,
                        detail=lambda: missing(fake, PHASE2, phase2))
            # The updates: another worker took them over (the victim may have been the taker).
            fake.user_says(USER, "/start")
            await until(lambda: fake.messages(USER), "an answer to /start after the kill", timeout=20)
        finally:
            stopping = time.monotonic()
            for p in procs:
                if p.returncode is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs:
                _, err = await asyncio.wait_for(p.communicate(), 30)
                stderr[p.pid] = err
        survivors = [p for p in procs if p is not victim]
        assert [p.returncode for p in survivors] == [0, 0], [stderr[p.pid][-2000:] for p in survivors]

    # Each statement: exactly one message, with both of its outlets.
    for n, quote in enumerate(PHASE1):
        assert len(messages_of(fake, quote)) == 1 and alerted(fake, quote, phase1[n])
    for n, quote in enumerate(PHASE2):
        assert len(messages_of(fake, quote)) == 1 and alerted(fake, quote, phase2[n])
    assert len(fake.messages(CHANNEL)) == len(PHASE1) + len(PHASE2)

    # No feed fetched twice within (1 - DUE_TOLERANCE) of its interval, but a poll the victim began and
    # never finished: its last fetch of a feed before the kill, then whoever took the lease over (a
    # lease period after its last heartbeat). Which process fetched is read off the connection
    # (Owners), not from a snapshot of the victim's leases: a snapshot taken before the kill missed
    # the feeds the victim claimed in the moments between it and the kill, and their takeover ~3 s
    # later failed the check (a CI run: /f/260 fetched twice within 3.16 s).
    # Measured at the feed server, with no allowance for a poll's own time from its claim to its
    # request (0.3 s on an idle machine, over a second under a full test run on two cores): next_poll
    # counts from the answer (watchers.pipeline), so that time no longer comes off the spacing. (When
    # it counted from the poll's start, one poll in 300 came 4.35 s after the last.) Two workers
    # polling one feed come ~1.6 s apart (what this caught before the heartbeat had a store of its own).
    shortest = (1 - DUE_TOLERANCE) * INTERVAL
    survivors = {p.pid for p in procs if p is not victim}
    by_feed: dict[str, list[tuple[float, int | None]]] = {}
    for path, at, pid in feeds.fetches:
        by_feed.setdefault(path, []).append((at, pid))
    assert all(pid is not None for _, at, pid in feeds.fetches if at < kill_sent)  # every fetcher found
    close_calls = [
        (path, round(b - a, 2), who, then) for path, times in by_feed.items()
        for (a, who), (b, then) in zip(times, times[1:], strict=False)
        if b - a < shortest and not (who not in survivors and a < killed_at < b)
    ]
    assert close_calls == []
    assert len(by_feed) == FEEDS  # every feed polled,
    assert sum(len(t) >= 2 for t in by_feed.values()) >= FEEDS // 2  # most of them twice: the check saw cycles

    # Never two long polls open at once. Left out: the victim's last one (the fake holds it open after
    # the victim is gone), and those of the stop (PTB's final offset-confirming call, while the fake
    # still holds the long poll the updater gave up on).
    polls = sorted(p for p in fake.polls if not (p[0] <= killed_at <= p[1] + 0.6) and p[1] < stopping)
    overlaps = [(a, b) for a, b in zip(polls, polls[1:], strict=False) if b[0] < a[1] - 0.01]
    assert overlaps == []
    with closing(open_backend(pg_url)) as store:
        assert {w.pid for w in store.workers()} <= {victim_pid}  # the survivors unregistered
        assert store.outbox_depth() == 0


async def test_two_pipelines_in_one_cycle_poll_each_due_feed_once(pg_url: str, feed_server: FeedServer) -> None:
    """run_cycle as one of two workers (a lease): the claims split the feeds, none is fetched twice."""
    from rules.load import parse_rules
    from watchers.feeds.fetch import Fetcher
    from watchers.model import Alert, Lease
    from watchers.pipeline import Pipeline, open_store, run_cycle

    for n in range(80):
        feed_server.serve(f"/f/{n:03d}", rss(n, []))
    text = RULES_HEAD.format(base_url="http://127.0.0.1:9", channel=CHANNEL) + "".join(
        f'\n[[feeds]]\nid = "c{n:03d}"\nurl = "{feed_server.url(f"/f/{n:03d}")}"\nallow_private = true\n'
        for n in range(80))
    rules, problems = parse_rules(text, "workers.toml")
    assert rules is not None and problems == []

    async def sink(alert: Alert) -> None:
        pass

    async def one(name: str) -> list[str]:
        store = open_store(pg_url)
        try:
            async with Fetcher() as fetcher:
                pipeline = Pipeline(rules, store, fetcher, sink, lease=Lease(name, 60.0))
                report = await run_cycle(pipeline, rules.feeds)
        finally:
            await store.close()
        return [p.feed for p in report.polls if p.status != "skipped"]

    first, second = await asyncio.gather(one("a"), one("b"))
    assert sorted(first + second) == [f"c{n:03d}" for n in range(80)]  # all polled, none by both
    assert sorted(r.path for r in feed_server.requests) == [f"/f/{n:03d}" for n in range(80)]
    again = await one("a")  # polled a moment ago: nothing is due
    assert again == []
