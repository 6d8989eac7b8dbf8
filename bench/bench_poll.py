"""Benchmark of one polling cycle: 2,000 feeds through Fetcher + parse_feed against a local server.

    python -m bench.bench_poll             # 2,000 feeds: 90% answer 304, 10% serve 50 fresh items
    python -m bench.bench_poll --feeds 200 # smaller

The floor of a cycle: fetch and parse only, no matching, extraction or store (bench_pipeline runs the
whole pipeline). The server (bench/loopback.py) runs in a SEPARATE process, so its CPU is not counted
as ours: CPU seconds and peak RSS are this process's own (resource.getrusage RUSAGE_SELF). Every feed
already has a FeedState with an ETag, as after a first poll; the 304 feeds match it, the fresh ones
always send a full 50-item content-heavy feed (bench.bench_parse.make_feed). The feeds are spread over
64 loopback addresses, so the fetcher runs with its DEFAULT limits (2 per host, 20 in all) as it does
on real feeds spread over many outlets.

Targets: whole cycle < 60 s, peak RSS < 300 MB. Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
from collections import Counter
from datetime import UTC, datetime

from bench.bench_parse import make_feed
from bench.loopback import ETAG, FeedHosts, feed_url, is_fresh
from rules.model import Feed
from watchers.feeds.errors import FetchError
from watchers.feeds.fetch import Fetcher
from watchers.feeds.parse import parse_feed
from watchers.model import FeedState

FEEDS = 2000
TARGET_SECONDS = 60.0
TARGET_RSS_MB = 300.0


def content_bodies(feeds: int) -> dict[str, bytes]:
    """The fresh feeds' bodies by path (runs in the server process)."""
    return {f"/feed/{n}": make_feed(n, fresh=n) for n in range(feeds) if is_fresh(n)}


async def poll_cycle(port: int, feeds: int) -> tuple[Counter[str], int]:
    now = datetime.now(UTC)
    outcomes: Counter[str] = Counter()
    articles = 0
    async with Fetcher() as fetcher:

        async def poll(n: int) -> None:
            nonlocal articles
            feed = Feed(id=f"f{n}", url=feed_url(n, port), name=f"Outlet {n}", allow_private=True)
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
    with FeedHosts(feeds, content_bodies) as server:
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        outcomes, articles = asyncio.run(poll_cycle(server.port, feeds))
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
