"""Benchmark of one polling cycle: 2,000 feeds through Fetcher + parse_feed against a local server.

    python -m bench.bench_poll             # 2,000 feeds: 90% answer 304, 10% serve 50 fresh items
    python -m bench.bench_poll --feeds 200 # smaller

The server (tests/feedserver.py) runs in a SEPARATE process, so its CPU is not counted as ours: CPU
seconds and peak RSS are this process's own (resource.getrusage RUSAGE_SELF). Every feed already has a
FeedState with an ETag, as after a first poll; the 304 feeds match it, the fresh ones always send a full
50-item content-heavy feed (bench.bench_parse.make_feed). All feeds are on one host (127.0.0.1), so the
per-host limit is raised to the global limit here; with real feeds spread over many hosts the default
per-host limit of 2 is not the bottleneck.

Targets: whole cycle < 60 s, peak RSS < 300 MB. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import resource
import time
from collections import Counter
from datetime import UTC, datetime

from bench.bench_parse import make_feed
from rules.model import Feed
from tests.feedserver import FeedServer, ServerProcess
from watchers.feeds.errors import FetchError
from watchers.feeds.fetch import Fetcher
from watchers.feeds.parse import parse_feed
from watchers.model import FeedState

FEEDS = 2000
FRESH_EVERY = 10  # one feed in ten has new items: 10%
ETAG = '"v1"'
TARGET_SECONDS = 60.0
TARGET_RSS_MB = 300.0
CONCURRENCY = 20


def is_fresh(n: int) -> bool:
    return n % FRESH_EVERY == 0


def configure(server: FeedServer, feeds: int = FEEDS) -> None:
    """Routes /feed/<n>; runs in the server process."""
    unchanged = make_feed(1)
    for n in range(feeds):
        if is_fresh(n):
            server.serve(f"/feed/{n}", make_feed(n, fresh=n), content_type="application/rss+xml")
        else:
            server.serve(f"/feed/{n}", unchanged, content_type="application/rss+xml", etag=ETAG)


async def poll_cycle(base_url: str, feeds: int) -> tuple[Counter[str], int]:
    now = datetime.now(UTC)
    outcomes: Counter[str] = Counter()
    articles = 0
    async with Fetcher(per_host=CONCURRENCY, global_limit=CONCURRENCY) as fetcher:

        async def poll(n: int) -> None:
            nonlocal articles
            feed = Feed(id=f"f{n}", url=f"{base_url}/feed/{n}", name=f"Outlet {n}", allow_private=True)
            state = FeedState(feed.id, feed.url, etag=ETAG)
            try:
                result = await fetcher.fetch_feed(feed, state, now)
            except FetchError as exc:
                outcomes[type(exc).__name__] += 1
                return
            outcomes[str(result.status)] += 1
            if result.content is not None:
                articles += len(
                    parse_feed(result.content, result.headers, feed, now, base_url=result.url).articles
                )

        await asyncio.gather(*(poll(n) for n in range(feeds)))
    return outcomes, articles


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=FEEDS)
    args = parser.parse_args()
    feeds = args.feeds
    with ServerProcess(functools.partial(configure, feeds=feeds)) as base_url:
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        outcomes, articles = asyncio.run(poll_cycle(base_url, feeds))
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss_mb = after.ru_maxrss / 1024  # Linux reports KB
    result = {
        "bench": "poll",
        "feeds": feeds,
        "not_modified": outcomes.get("304", 0),
        "fetched": outcomes.get("200", 0),
        "errors": sum(v for k, v in outcomes.items() if not k.isdigit()),
        "articles": articles,
        "cycle_s": wall,
        "feeds_per_s": feeds / wall,
        "cpu_s": cpu,
        "cpu_ms_per_feed": cpu / feeds * 1000,
        "peak_rss_mb": rss_mb,
        "target_cycle_s": TARGET_SECONDS,
        "target_rss_mb": TARGET_RSS_MB,
    }
    for name in ("feeds", "not_modified", "fetched", "errors", "articles"):
        print(f"{name:<18} {result[name]}")
    print(f"{'cycle':<18} {wall:.2f} s (target < {TARGET_SECONDS:.0f} s)")
    print(f"{'throughput':<18} {feeds / wall:.0f} feeds/s")
    print(f"{'cpu':<18} {cpu:.2f} s, {cpu / feeds * 1000:.2f} ms per feed")
    print(f"{'peak rss':<18} {rss_mb:.0f} MB (target < {TARGET_RSS_MB:.0f} MB)")
    ok = wall < TARGET_SECONDS and rss_mb < TARGET_RSS_MB and result["errors"] == 0
    print(f"{'verdict':<18} {'OK' if ok else 'MISSED TARGET'}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
