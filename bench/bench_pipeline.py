"""The whole pipeline as the service runs it, one poll cycle: fetch, parse, match, extract, dedup,
store, outbox, on loopback feeds with the fetcher's default limits.

    python -m bench.bench_pipeline            # 5,000 feeds: 90% answer 304, 10% bring 5 new articles
    python -m bench.bench_pipeline --quick    # 500 feeds
    python -m bench.bench_pipeline --feeds 2000 --items 10 --workers 2

What runs is the service's own code: `Pipeline(..., outbox=True)` with the process-pool extractor
started as bot/service.py starts it (`start_extractor(default_workers())`), a `Fetcher()` with its
default limits, a SQLite store in a file on disk, `run_cycle` over every feed. Every feed already
has a stored state with an ETag (as after a first poll); the quiet 90% answer 304, the others serve
`--items` new ~5 KB articles (bench/newsroom.py: wire copy quoting one to three of 300 tracked
fictional people, 100 of them watched by three chats each; one article in ten is another outlet's
copy of an earlier one, a new source of its story), whose alerts go through the outbox.
The feed server is a separate process (bench/loopback.py) on 64 loopback addresses.

Reported: cycle seconds; new articles per second of the cycle (everything included: the 304s too);
peak memory of the process tree (this process, the forkserver and the extraction workers; the feed
server left out) as RSS summed and as PSS (shared pages counted once); the event loop's longest
stall during the cycle (a probe task asking to wake every 5 ms). Targets (issue #12): cycle <= 8 s
at 5,000 feeds, >= 500 articles/s on 2 cores, peak <= 150 MB, stall <= 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import os
import resource
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.loopback import TreeMemory
    from rules.model import Feed
    from watchers.model import Alert

# Everything else is imported inside the functions: the extraction workers import this module as
# their __main__ (multiprocessing does so for `python -m`), and the service's workers import only the
# light bot.cli; top-level imports here would load aiohttp, httpx, feedparser and lxml into every
# worker and inflate the memory measured.

FEEDS = 5000
QUICK_FEEDS = 500
ITEMS = 5
TARGET_CYCLE_S = 8.0
TARGET_ARTICLES_PER_S = 500.0
TARGET_PEAK_MB = 150.0
TARGET_STALL_MS = 50.0


async def no_sink(alert: Alert) -> None:
    """The service's bot mode logs the alert; the outbox row is what delivery reads."""


async def cycle(
    feeds: list[Feed], db: Path, workers: int, memory: TreeMemory, freeze: bool = True
) -> dict[str, Any]:
    from bench.loopback import ETAG, GcTimes, StallProbe, bench_rules
    from watchers.feeds.fetch import Fetcher
    from watchers.model import FeedState
    from watchers.pipeline import CycleReport, Pipeline, open_store, run_cycle
    from watchers.statements.worker import start_extractor

    rules = bench_rules(feeds)
    store = open_store(str(db))
    now = datetime.now(UTC)
    for f in feeds:
        await store.save_feed_state(
            FeedState(f.id, f.url, etag=ETAG, last_poll=now, last_success=now, polled_ok_once=True,
                      configured_url=f.url)
        )
    started = time.perf_counter()
    extractor = await start_extractor(workers)
    start_s = time.perf_counter() - started
    try:
        async with Fetcher() as fetcher:
            pipeline = Pipeline(rules, store, fetcher, no_sink, outbox=True, extractor=extractor)
            if freeze:  # as bot/service.py does after start-up (bot.heap)
                from bot.heap import FrozenHeap

                FrozenHeap().freeze()
            memory.start()
            probe = StallProbe().start()
            cpu = CpuTimes(await store.run(time.thread_time))
            started = time.perf_counter()
            with GcTimes() as gcs:
                report: CycleReport = await run_cycle(pipeline, feeds, force=True)
            wall = time.perf_counter() - started
            cpu.stop(await store.run(time.thread_time))
            await probe.stop()
            memory.stop()
        outbox = await store.outbox_depth()
    finally:
        if extractor is not None:
            await extractor.aclose()
        await store.close()
    statuses = [p.status for p in report.polls]
    return {
        "cycle_s": wall,
        "workers_start_s": start_s,
        "articles": sum(p.new for p in report.polls),
        "alerts": sum(p.alerts for p in report.polls),
        "outbox": outbox,
        "not_modified": statuses.count("not-modified"),
        "fetched": statuses.count("ok"),
        "errors": statuses.count("error"),
        "failed_articles": sum(p.failed for p in report.polls),
        "stall_ms": probe.longest * 1000,
        "stall_loop_cpu_ms": probe.longest_cpu * 1000,
        "stalls_over_50ms": probe.late_over_50ms,
        "stall_times_s": [round(at, 2) for at, _ in probe.stalls[:10]],
        "pool": extractor is not None,
        "gc_counts": gcs.counts,
        "gc_longest_ms": {g: round(t * 1000, 1) for g, t in gcs.longest.items()},
        "gc_longest_on_loop_ms": gcs.longest_on_loop * 1000,
        "gc_full_cpu_ms": gcs.full_cpu * 1000,
        "gc_tracked_objects": gcs.tracked,
        "cycle_main_cpu_s": cpu.process,
        "cycle_loop_cpu_s": cpu.loop,
        "cycle_store_cpu_s": cpu.store,
    }


class CpuTimes:
    """CPU seconds of this process during the cycle: in all, on the loop's thread, on the store's."""

    def __init__(self, store_thread: float) -> None:
        self._process, self._loop, self._store = time.process_time(), time.thread_time(), store_thread
        self.process = self.loop = self.store = 0.0

    def stop(self, store_thread: float) -> None:
        self.process = time.process_time() - self._process
        self.loop = time.thread_time() - self._loop
        self.store = store_thread - self._store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=None, help=f"default {FEEDS} ({QUICK_FEEDS} with --quick)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--items", type=int, default=ITEMS, help="new articles per fresh feed")
    parser.add_argument("--no-gc-freeze", dest="gc_freeze", action="store_false",
                        help="leave out the service's gc.freeze() after start-up (bot.heap)")
    parser.add_argument("--workers", type=int, default=None, help="extraction processes (default: one per core)")
    args = parser.parse_args(argv)
    from bench.loopback import FeedHosts, TreeMemory, feed_url, newsroom_bodies
    from rules.model import Feed
    from watchers.statements.worker import default_workers

    n_feeds = args.feeds or (QUICK_FEEDS if args.quick else FEEDS)
    workers = default_workers() if args.workers is None else args.workers
    with FeedHosts(n_feeds, functools.partial(newsroom_bodies, items=args.items)) as server, tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        feeds = [
            Feed(id=f"f{n}", url=feed_url(n, server.port), name=f"Outlet {n}", allow_private=True)
            for n in range(n_feeds)
        ]
        assert server.pid is not None
        memory = TreeMemory(exclude={server.pid})
        before = resource.getrusage(resource.RUSAGE_SELF)
        result = asyncio.run(cycle(feeds, Path(tmp) / "history.db", workers, memory, args.gc_freeze))
        after = resource.getrusage(resource.RUSAGE_SELF)
        db_mb = sum(p.stat().st_size for p in Path(tmp).iterdir()) / 1e6
    wall = result["cycle_s"]
    out = {
        "bench": "pipeline",
        "feeds": n_feeds,
        "items_per_fresh_feed": args.items,
        "gc_freeze": args.gc_freeze,
        "workers": workers if result["pool"] else 0,
        "cores": len(os.sched_getaffinity(0)),
        **result,
        "articles_per_s": result["articles"] / wall,
        "main_cpu_ms_per_article": 1000 * result["cycle_main_cpu_s"] / max(1, result["articles"]),
        "store_cpu_ms_per_article": 1000 * result["cycle_store_cpu_s"] / max(1, result["articles"]),
        "main_cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "main_max_rss_mb": after.ru_maxrss / 1024,
        "peak_tree_rss_mb": memory.peak_rss_kb / 1024,
        "peak_tree_pss_mb": memory.peak_pss_kb / 1024,
        "processes": len(memory.at_peak),
        "rss_mb_at_peak": [(role, round(kb / 1024)) for role, kb in sorted(memory.at_peak, key=lambda r: -r[1])],
        "db_mb": db_mb,
    }
    checks = {
        "cycle": wall <= TARGET_CYCLE_S * n_feeds / FEEDS,
        "throughput": out["articles_per_s"] >= TARGET_ARTICLES_PER_S,
        "memory": out["peak_tree_rss_mb"] <= TARGET_PEAK_MB,
        "stall": out["stall_ms"] <= TARGET_STALL_MS,
        "clean": result["errors"] == 0 and result["failed_articles"] == 0,
    }
    rows = [
        ("feeds", f"{n_feeds} ({out['not_modified']} not modified, {out['fetched']} fetched, {out['errors']} errors)"),
        ("new articles", f"{out['articles']:.0f} ({out['failed_articles']:.0f} failed), {out['alerts']:.0f} alerts, "
                         f"{out['outbox']:.0f} outbox rows"),
        ("extraction", f"{out['workers']} worker processes on {out['cores']} cores (started in "
                       f"{out['workers_start_s']:.2f} s, not counted)"),
        ("cycle", f"{wall:.2f} s (target <= {TARGET_CYCLE_S * n_feeds / FEEDS:.1f} s)"),
        ("throughput", f"{out['articles_per_s']:.0f} articles/s (target >= {TARGET_ARTICLES_PER_S:.0f})"),
        ("peak memory", f"{out['peak_tree_rss_mb']:.0f} MB RSS summed over {out['processes']} processes, "
                        f"{out['peak_tree_pss_mb']:.0f} MB PSS (target <= {TARGET_PEAK_MB:.0f} MB)"),
        ("  at the peak", ", ".join(f"{role} {mb} MB" for role, mb in out["rss_mb_at_peak"])),
        ("loop stall", f"{out['stall_ms']:.1f} ms longest (loop thread on CPU "
                       f"{out['stall_loop_cpu_ms']:.1f} ms of it), {out['stalls_over_50ms']} over 50 ms "
                       f"(at {out['stall_times_s']} s) (target <= {TARGET_STALL_MS:.0f} ms)"),
        ("gc", f"collections by generation {out['gc_counts']}, longest {out['gc_longest_ms']} ms, "
               f"longest on the loop's thread {out['gc_longest_on_loop_ms']:.1f} ms; a full one: "
               f"{out['gc_full_cpu_ms']:.0f} ms CPU over {out['gc_tracked_objects']} objects"),
        ("main process", f"{out['main_cpu_s']:.2f} s CPU in all, {out['main_max_rss_mb']:.0f} MB max RSS; during "
                         f"the cycle {out['cycle_main_cpu_s']:.2f} s = {out['main_cpu_ms_per_article']:.1f} ms per "
                         f"article (loop thread {out['cycle_loop_cpu_s']:.2f} s, store thread "
                         f"{out['cycle_store_cpu_s']:.2f} s = {out['store_cpu_ms_per_article']:.1f} ms per article)"),
        ("database", f"{db_mb:.1f} MB (with WAL)"),
        ("verdict", "OK" if all(checks.values()) else "MISSED: " + ", ".join(k for k, v in checks.items() if not v)),
    ]
    for name, value in rows:
        print(f"{name:<14} {value}")
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in {**out, "ok": checks}.items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
