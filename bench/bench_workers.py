"""Several workers on one PostgreSQL database: one poll cycle of N loopback feeds with 1, 2 and 4
worker processes (issue #17: on 2 cores, 2 workers should reach >= 1.6x one worker).

    python -m bench.bench_workers                 # 5,000 feeds; 1, 2, 4 workers
    python -m bench.bench_workers --quick         # 1,000 feeds
    python -m bench.bench_workers --feeds 2000 --workers 1 2 --items 2

Each worker is a process doing what `quotewatch run` does per feed: its own Pipeline (outbox=True),
Fetcher with the default limits, extraction pool (one process per core, as the service starts it) and
PostgreSQL connection, polling under a lease (Pipeline(lease=...): claim_feed, FOR UPDATE SKIP
LOCKED). Every worker walks ALL the feeds (run_cycle, not forced): a feed another worker holds or has
just polled is skipped, so the split is the leases' doing, not the bench's. The feeds are bench_pipeline's
(bench/loopback.py: 64 loopback hosts; 90% answer 304, 10% bring --items new newsroom articles), each
with a stored state (an ETag, due now) in a fresh database per run. The cycle is the time from "go"
(every worker started, store open, pool ready) until the last worker has finished its walk.

Reported per worker count: cycle seconds, feeds/s, new articles/s, feeds polled twice (must be 0) and
the ratio to one worker. The temporary server is tests/pg_server.py's with bench_store's durable
settings, or --pg-url.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import tempfile
import time
from typing import Any

FEEDS = 5000
QUICK_FEEDS = 1000
ITEMS = 2
WORKERS = (1, 2, 4)
LEASE_S = 120.0  # longer than any cycle here: no heartbeat needed
TARGET_RATIO_2 = 1.6


def _feeds(n_feeds: int, port: int) -> list[Any]:
    from bench.loopback import feed_url
    from rules.model import Feed

    return [Feed(id=f"f{n}", url=feed_url(n, port), name=f"Outlet {n}", allow_private=True, interval=3600)
            for n in range(n_feeds)]


def seed(url: str, n_feeds: int, port: int) -> None:
    """Every feed as after a first poll (an ETag), due now."""
    from datetime import UTC, datetime, timedelta

    from bench.loopback import ETAG
    from watchers.model import FeedState
    from watchers.store import open_backend

    past = datetime.now(UTC) - timedelta(hours=2)
    store = open_backend(url)
    try:
        with store.transaction():
            for f in _feeds(n_feeds, port):
                store.save_feed_state(FeedState(f.id, f.url, etag=ETAG, last_poll=past, last_success=past,
                                                polled_ok_once=True, next_poll=past, configured_url=f.url))
    finally:
        store.close()


def worker(url: str, n_feeds: int, port: int, index: int, conn: Any) -> None:
    """One worker process: ready -> wait for "go" -> one walk over every feed -> its report."""
    import asyncio

    async def main() -> None:
        from bench.bench_pipeline import no_sink
        from bench.loopback import bench_rules
        from watchers.feeds.fetch import Fetcher
        from watchers.pipeline import Lease, Pipeline, open_store, run_cycle
        from watchers.statements.worker import default_workers, start_extractor

        feeds = _feeds(n_feeds, port)
        rules = bench_rules(feeds)
        store = open_store(url)
        extractor = await start_extractor(default_workers())
        try:
            async with Fetcher() as fetcher:
                pipeline = Pipeline(rules, store, fetcher, no_sink, outbox=True, extractor=extractor,
                                    lease=Lease(f"bench-{index}", LEASE_S))
                conn.send("ready")
                await asyncio.get_running_loop().run_in_executor(None, conn.recv)
                started = time.perf_counter()
                report = await run_cycle(pipeline, feeds)
                seconds = time.perf_counter() - started
        finally:
            if extractor is not None:
                await extractor.aclose()
            await store.close()
        polled = [p for p in report.polls if p.status != "skipped"]
        conn.send({"seconds": seconds, "polled": [p.feed for p in polled], "new": sum(p.new for p in polled),
                   "errors": sum(1 for p in polled if p.status == "error"), "held": sum(p.held for p in report.polls)})

    asyncio.run(main())


def run(url: str, n_feeds: int, port: int, workers: int) -> dict[str, Any]:
    import multiprocessing

    seed(url, n_feeds, port)
    context = multiprocessing.get_context("spawn")
    pipes, procs = [], []
    for i in range(workers):
        parent, child = context.Pipe()
        p = context.Process(target=worker, args=(url, n_feeds, port, i, child))
        p.start()
        pipes.append(parent)
        procs.append(p)
    for parent in pipes:
        assert parent.recv() == "ready"
    started = time.perf_counter()
    for parent in pipes:
        parent.send("go")
    reports = [parent.recv() for parent in pipes]
    cycle = time.perf_counter() - started
    for p in procs:
        p.join(30)
    polled = [f for r in reports for f in r["polled"]]
    new = sum(r["new"] for r in reports)
    return {
        "workers": workers, "cycle_s": cycle, "feeds_per_s": len(set(polled)) / cycle, "articles": new,
        "articles_per_s": new / cycle, "feeds_polled": len(set(polled)), "polled_twice": len(polled) - len(set(polled)),
        "errors": sum(r["errors"] for r in reports), "split": [len(r["polled"]) for r in reports],
        "skipped_held": sum(r["held"] for r in reports),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=None, help=f"default {FEEDS} ({QUICK_FEEDS} with --quick)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--items", type=int, default=ITEMS, help="new articles per fresh feed")
    parser.add_argument("--workers", type=int, nargs="+", default=list(WORKERS))
    parser.add_argument("--pg-url", help="postgresql://user@host/db of a server whose user may create databases")
    args = parser.parse_args(argv)
    from bench.bench_store import Databases
    from bench.loopback import FeedHosts, newsroom_bodies

    n_feeds = args.feeds or (QUICK_FEEDS if args.quick else FEEDS)
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp, \
            FeedHosts(n_feeds, functools.partial(newsroom_bodies, items=args.items)) as server:
        dbs = Databases("postgresql", tmp, args.pg_url)
        try:
            for w in args.workers:
                results.append(run(dbs.url(f"workers_{w}"), n_feeds, server.port, w))
        finally:
            dbs.close()
    base = results[0]["cycle_s"] if results and results[0]["workers"] == 1 else None
    for r in results:
        r["ratio"] = base / r["cycle_s"] if base else None
    print(f"{'workers':>7} {'cycle s':>8} {'feeds/s':>8} {'articles/s':>10} {'ratio':>6} {'twice':>5}  split")
    for r in results:
        ratio = f"{r['ratio']:.2f}x" if r["ratio"] else "-"
        print(f"{r['workers']:>7} {r['cycle_s']:>8.2f} {r['feeds_per_s']:>8.0f} {r['articles_per_s']:>10.0f} "
              f"{ratio:>6} {r['polled_twice']:>5}  {r['split']}")
    two = next((r for r in results if r["workers"] == 2), None)
    ok = {
        "no_feed_twice": all(r["polled_twice"] == 0 for r in results),
        "every_feed": all(r["feeds_polled"] == n_feeds for r in results),
        "scaling_2": two is not None and two["ratio"] is not None and two["ratio"] >= TARGET_RATIO_2,
    }
    print(json.dumps({"bench": "workers", "feeds": n_feeds, "items_per_fresh_feed": args.items,
                      "cores": len(os.sched_getaffinity(0)),
                      "results": [{k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}
                                  for r in results], "ok": ok}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
