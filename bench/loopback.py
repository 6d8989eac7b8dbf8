"""Helpers of bench_pipeline: newsroom feeds on many loopback hosts, the rules that track their
speakers, and a sampler of the memory of a process tree.

Feeds are spread over HOSTS loopback addresses (127.0.1.1, 127.0.1.2, ...: Linux routes all of
127/8 to the loopback device), one server process listening on each on the same port. So the
fetcher's DEFAULT per-host limit (2 requests at once to one host) applies as it would to real feeds
spread over many outlets, and the global limit (20) is what bounds the cycle; with every feed on
127.0.0.1 the per-host limit would serialise the whole cycle through two connections, which no real
deployment sees.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import html
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any

from aiohttp import web

from bench.newsroom import corpus, people, rules_for
from rules.model import Feed, Rules

ETAG = '"v1"'
HOSTS = 64
FRESH_EVERY = 10  # one feed in ten has new items: 10%, the other 90% answer 304


def is_fresh(n: int) -> bool:
    return n % FRESH_EVERY == 0


def host_of(n: int) -> str:
    return f"127.0.1.{1 + n % HOSTS}"


def feed_url(n: int, port: int) -> str:
    return f"http://{host_of(n)}:{port}/feed/{n}"


def newsroom_feed(n: int, articles: list[tuple[str, list[str]]], now: datetime) -> bytes:
    """An RSS 2.0 feed of new articles ((headline, paragraphs): bench.newsroom) in content:encoded,
    the way most outlets publish full text."""
    entries = []
    for i, (headline, paragraphs) in enumerate(articles):
        body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
        when = now - timedelta(minutes=3 * i + 1)
        entries.append(
            f"<item><title>{html.escape(headline)}</title><link>https://outlet{n}.test/news/{n}-{i}</link>"
            f"<guid isPermaLink='false'>outlet{n}-{i}</guid>"
            f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate>"
            f"<description>{html.escape(headline)}</description>"
            f"<content:encoded><![CDATA[{body}]]></content:encoded></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/'>"
        f"<channel><title>Outlet {n}</title><link>https://outlet{n}.test/</link>{''.join(entries)}</channel></rss>"
    ).encode()


def unchanged_feed() -> bytes:
    return (
        b"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Quiet</title>"
        b"<item><title>Old</title><link>https://quiet.test/1</link><guid>https://quiet.test/1</guid></item>"
        b"</channel></rss>"
    )


def bench_rules(feeds: list[Feed]) -> Rules:
    return rules_for(people(), tuple(feeds))


# -- the server, in its own process (its CPU is not ours; it still shares the machine's cores)


def newsroom_bodies(feeds: int, items: int) -> dict[str, bytes]:
    """The fresh feeds' bodies by path: `items` new newsroom articles each (the other feeds are quiet)."""
    now = datetime.now(UTC)
    fresh = [n for n in range(feeds) if is_fresh(n)]
    articles = corpus(len(fresh) * items)
    return {
        f"/feed/{n}": newsroom_feed(n, articles[k * items : (k + 1) * items], now) for k, n in enumerate(fresh)
    }


def _serve(make_bodies: Callable[[int], dict[str, bytes]], feeds: int, conn: Any) -> None:
    quiet = unchanged_feed()
    bodies = make_bodies(feeds)

    async def handler(request: web.Request) -> web.StreamResponse:
        body = bodies.get(request.path)
        if body is not None:
            return web.Response(body=body, content_type="application/rss+xml")
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers={"ETag": ETAG})
        return web.Response(body=quiet, content_type="application/rss+xml", headers={"ETag": ETAG})

    async def main() -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        first = web.TCPSite(runner, host_of(0), 0)
        await first.start()
        port = runner.addresses[0][1]
        for n in range(1, min(feeds, HOSTS)):
            await web.TCPSite(runner, host_of(n), port).start()
        conn.send(port)
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # wait for "stop"
        await runner.cleanup()

    asyncio.run(main())


class FeedHosts:
    """`with FeedHosts(feeds, make_bodies) as server: server.port`; the server's pid is `server.pid`.

    `make_bodies(feeds)` (module-level, or a partial of one: it is sent to the server's process) gives
    the fresh feeds' bodies by path, served 200 without validators; every other /feed/<n> is quiet:
    304 to If-None-Match: ETAG."""

    def __init__(self, feeds: int, make_bodies: Callable[[int], dict[str, bytes]]) -> None:
        self.feeds, self.make_bodies = feeds, make_bodies
        self.port = 0
        self.pid: int | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        self._conn: Any = None

    def __enter__(self) -> FeedHosts:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(self.make_bodies, self.feeds, child), daemon=True)
        self._process.start()
        self._conn = parent
        self.pid = self._process.pid
        self.port = parent.recv()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._conn is not None:
            self._conn.send("stop")
        if self._process is not None:
            self._process.join(timeout=10)
            if self._process.is_alive():
                self._process.terminate()


# -- memory of a process tree


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def _tree(root: int, exclude: set[int]) -> Iterator[int]:
    todo = [root]
    while todo:
        pid = todo.pop()
        if pid in exclude:
            continue
        yield pid
        todo.extend(_children(pid))


def _kb(path: str, field: str) -> int:
    try:
        with open(path) as f:
            for line in f:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _name(pid: int, root: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            args = f.read().decode(errors="replace").split("\0")
    except OSError:
        return "?"
    tail = " ".join(args[1:4])
    if "forkserver" in tail:  # the workers are its forks and carry its command line
        return "forkserver" if _kb(f"/proc/{pid}/status", "PPid:") == root else "worker"
    for role in ("resource_tracker", "spawn_main"):
        if role in tail:
            return role
    return "main"


def _sample_tree(root: int, exclude: set[int], interval: float, conn: Any) -> None:
    """In its own process (its reads of /proc cost the measured tree no CPU and no GIL): peaks of the
    RSS and PSS sums over the tree and the processes at the RSS peak, sent back when asked."""
    exclude = exclude | {os.getpid()}
    peak_rss = peak_pss = 0
    at_peak: list[tuple[str, int]] = []
    while not conn.poll(interval):
        pids = list(_tree(root, exclude))
        rss = [_kb(f"/proc/{p}/status", "VmRSS:") for p in pids]
        if sum(rss) > peak_rss:
            peak_rss, at_peak = sum(rss), [(_name(p, root), kb) for p, kb in zip(pids, rss, strict=True)]
        peak_pss = max(peak_pss, sum(_kb(f"/proc/{p}/smaps_rollup", "Pss:") for p in pids))
    conn.send((peak_rss, peak_pss, at_peak))


class TreeMemory:
    """Peak RSS and PSS (proportional: pages shared between processes are split between them, so the
    sum over a tree counts them once) of this process and its descendants, `exclude` (the feed server)
    and the sampler left out; sampled every `interval` seconds between start() and stop() by a
    process of its own."""

    def __init__(self, exclude: set[int], interval: float = 0.02) -> None:
        self.exclude, self.interval = exclude, interval
        self.peak_rss_kb = self.peak_pss_kb = 0
        self.at_peak: list[tuple[str, int]] = []  # (role, RSS KB) of each process at the RSS peak
        self._conn: Any = None
        self._process: multiprocessing.process.BaseProcess | None = None

    def start(self) -> TreeMemory:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_sample_tree, args=(os.getpid(), self.exclude, self.interval, child), daemon=True
        )
        self._process.start()
        self.exclude = self.exclude | {self._process.pid or 0}
        return self

    def stop(self) -> None:
        assert self._process is not None
        self._conn.send("stop")
        self.peak_rss_kb, self.peak_pss_kb, self.at_peak = self._conn.recv()
        self._process.join()


class GcTimes:
    """Every cyclic garbage collection while installed: its generation, duration, and whether it ran
    on the event loop's thread (a collection stops the thread that triggered it, and holds the GIL)."""

    def __init__(self) -> None:
        self.longest: dict[int, float] = {}
        self.counts: dict[int, int] = {}
        self.longest_on_loop = 0.0
        self._loop_thread = threading.get_ident()
        self._started = self._cpu = 0.0
        self.full_cpu = 0.0  # CPU of the longest full collection (vs. its wall time: was it descheduled?)
        self.tracked = 0  # objects the collector tracks, after the last full collection

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started, self._cpu = time.perf_counter(), time.thread_time()
            return
        took, gen = time.perf_counter() - self._started, info["generation"]
        if gen == 2:
            self.full_cpu = max(self.full_cpu, time.thread_time() - self._cpu)
            self.tracked = len(gc.get_objects())
        self.longest[gen] = max(self.longest.get(gen, 0.0), took)
        self.counts[gen] = self.counts.get(gen, 0) + 1
        if threading.get_ident() == self._loop_thread:
            self.longest_on_loop = max(self.longest_on_loop, took)

    def __enter__(self) -> GcTimes:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


class StallProbe:
    """The event loop's longest stall: a task that asks to wake every `interval` seconds and records by
    how much each wake-up came late."""

    def __init__(self, interval: float = 0.005) -> None:
        self.interval = interval
        self.longest = self.longest_cpu = 0.0
        self.late_over_50ms = 0
        self.stalls: list[tuple[float, float]] = []  # (seconds since start, stall) of those over 50 ms
        self._started = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        while True:
            asked, cpu = time.perf_counter(), time.thread_time()
            await asyncio.sleep(self.interval)
            late = time.perf_counter() - asked - self.interval
            if late > self.longest:
                # The loop thread's own CPU during the stall: near the stall, the loop ran code that
                # long; far below it, the thread was waiting (for the GIL, or for a core of the machine).
                self.longest, self.longest_cpu = late, time.thread_time() - cpu
            if late > 0.05:
                self.late_over_50ms += 1
                self.stalls.append((asked - self._started, late))

    def start(self) -> StallProbe:
        self._started = time.perf_counter()
        self._task = asyncio.create_task(self._run(), name="stall probe")
        return self

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
