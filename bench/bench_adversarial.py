"""Extraction on hostile inputs, and what they do to the event loop.

    python -m bench.bench_adversarial [--rounds 5] [--loop-rounds 5] [--quick] [--no-loop]

1. Every shape of bench/adversarial.py at 5 KB, 50 KB and 500 KB through `extract_statements`:
   seconds (min / median over the rounds) and the per-KB ratio 500 KB : 5 KB, paired in each round
   (the 5 KB time is the mean of enough runs to add up to ~50 ms); plus 10,000 unclosed marks in one
   paragraph. Targets: every 500 KB article <= 1 s, 10,000 marks <= 0.2 s, ratio <= 1.5.
2. The event loop's longest stall while a pipeline cycle (fetch, parse, extract, dedup, store)
   ingests the adversarial articles from loopback feeds (a server in its own process): a probe task
   sleeps 5 ms at a time and records how late it wakes. Three ways to run extraction: `pool` (worker
   processes, the service's way), `thread` (the fallback) and `inline` (on the loop, as before).
   Target: pool <= 50 ms.

Prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import html
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from bench.adversarial import SHAPES, lang_of, unclosed_marks
from rules.load import load_rules
from rules.match import Matcher
from rules.model import Feed, Rules
from tests.feedserver import FeedServer, ServerProcess
from watchers.feeds.fetch import Fetcher
from watchers.model import Alert, Article, FeedState
from watchers.pipeline import Pipeline, open_store, run_cycle
from watchers.statements import extract_statements
from watchers.statements.worker import Extracted, extract_and_scan, start_extractor

SIZES = (5_000, 50_000, 500_000)
MAX_500K_SECONDS = 1.0
MAX_MARKS_SECONDS = 0.2
MARKS = 10_000
MAX_PER_KB_RATIO = 1.5
MAX_STALL_MS = 50.0
T = TypeVar("T")
PROBE_SECONDS = 0.005
LOOP_SIZES = (50_000, 500_000)  # the articles each loopback feed carries, one per size


def _time(text: str, lang: str = "en") -> float:
    t = time.perf_counter()
    extract_statements(text, lang=lang)
    return time.perf_counter() - t


def _small(text: str, lang: str) -> float:
    """Mean time of a small article over ~50 ms of runs (one run is too short to time alone)."""
    n, spent = 0, 0.0
    while spent < 0.05 or n < 3:
        spent += _time(text, lang)
        n += 1
    return spent / n


def extraction_table(rounds: int, sizes: tuple[int, ...]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name, make in SHAPES.items():
        texts = {size: make(size) for size in sizes}
        times: dict[int, list[float]] = {size: [] for size in sizes}
        ratios: list[float] = []
        lang = lang_of(name)
        statements = len(extract_statements(texts[sizes[-1]], lang=lang))  # also warms caches
        for _ in range(rounds):
            for size in sizes:
                times[size].append(_small(texts[size], lang) if size == sizes[0] else _time(texts[size], lang))
            small, big = times[sizes[0]][-1], times[sizes[-1]][-1]
            ratios.append((big / len(texts[sizes[-1]])) / (small / len(texts[sizes[0]])))
        out[name] = {
            "seconds": {str(s): [round(min(v), 4), round(statistics.median(v), 4)] for s, v in times.items()},
            "per_kb_ratio": round(statistics.median(ratios), 2),
            "statements": statements,
        }
    return out


def marks_seconds(rounds: int) -> list[float]:
    text = unclosed_marks(MARKS)
    runs = [_time(text) for _ in range(rounds)]
    return [round(min(runs), 4), round(statistics.median(runs), 4)]


# -- the event loop while a cycle ingests them
def _item(name: str, size: int, text: str) -> str:
    paras = "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))
    return (
        f"<item><title>{name} {size}</title><link>https://hostile.example/{name}/{size}</link>"
        f"<pubDate>Mon, 16 Nov 2026 12:00:00 GMT</pubDate>"
        f"<description><![CDATA[{paras}]]></description></item>"
    )


def configure(server: FeedServer, sizes: tuple[int, ...] = LOOP_SIZES) -> None:
    warm = _item("warm-up", 5000, SHAPES["paragraphs"](5000))
    server.serve("/warm-up", f'<?xml version="1.0"?><rss version="2.0"><channel><title>w</title>{warm}</channel></rss>'.encode())
    for name, make in SHAPES.items():
        items = "".join(_item(name, size, make(size)) for size in sizes)
        language = f"<language>{lang_of(name)}</language>"
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{language}{items}</channel></rss>'
        server.serve(f"/{name}", body.encode("utf-8"))


class Inline:
    """Extraction on the event loop itself, as before the pool (for the before figure)."""

    async def run(
        self, text: str, title: str, matcher: Matcher, rules: Rules, lang: str = "en", prepare: Any = None
    ) -> Extracted:
        found = extract_and_scan(text, title, matcher, lang)
        return found if prepare is None else replace(found, prepared=prepare(text, title, found.statements))

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return fn(*args, **kwargs)  # feed parsing and page text on the loop too, as before

    async def aclose(self) -> None:
        return None


class Nothing:
    """No extraction at all: what fetching, parsing and the store alone do to the loop."""

    async def run(
        self, text: str, title: str, matcher: Matcher, rules: Rules, lang: str = "en", prepare: Any = None
    ) -> Extracted:
        found = Extracted([], [], [])
        return found if prepare is None else replace(found, prepared=prepare(text, title, []))

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.to_thread(fn, *args, **kwargs)  # parsing as the service's fallback does

    async def aclose(self) -> None:
        return None


async def _extractor(mode: str) -> Any:
    if mode == "pool":
        extractor = await start_extractor(2)
        assert extractor is not None, "worker processes could not start"
        return extractor
    return {"inline": Inline(), "none": Nothing()}.get(mode)  # "thread": None, the fallback


class Probe:
    """Sleeps PROBE_SECONDS at a time and records how late it wakes: the loop's longest stall."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._done = False
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last = loop.time()
        while not self._done:
            await asyncio.sleep(PROBE_SECONDS)
            now = loop.time()
            self.worst = max(self.worst, now - last - PROBE_SECONDS)
            last = now

    async def stop(self) -> float:
        self._done = True
        await self._task
        return round(self.worst * 1000, 1)


async def _sink(alert: Alert) -> None:
    return None


async def _articles(rules: Rules, mode: str, sizes: tuple[int, ...]) -> dict[str, Any]:
    """`Pipeline.process_article` over the adversarial articles (no fetch, no feed parsing): the
    loop while extraction, dedup and the store take them, one article at a time per shape and
    every shape at once (as a cycle's feeds are)."""
    now = datetime.now(UTC)
    extractor = await _extractor(mode)
    store = open_store(None)
    pipeline = Pipeline(rules, store, None, _sink, backfill=False, extractor=extractor)
    state = FeedState("adversarial", "https://hostile.example/", polled_ok_once=True)
    feed = Feed(id="adversarial", url="https://hostile.example/", name="Hostile")
    await pipeline.process_article(_article("warm-up", 5000, SHAPES["paragraphs"](5000), now), feed, state, now)

    articles = {name: [_article(name, size, SHAPES[name](size), now) for size in sizes] for name in SHAPES}

    async def shape(name: str) -> None:
        for article in articles[name]:
            await pipeline.process_article(article, feed, state, now)

    probe = Probe()
    started = time.perf_counter()
    try:
        await asyncio.gather(*(shape(name) for name in SHAPES))
    finally:
        elapsed = time.perf_counter() - started
        stall = await probe.stop()
        if extractor is not None:
            await extractor.aclose()
        await store.close()
    return {"stall_ms": stall, "seconds": round(elapsed, 2), "articles": len(SHAPES) * len(sizes)}


def _article(name: str, size: int, text: str, now: datetime) -> Article:
    url = f"https://hostile.example/{name}/{size}"
    return replace(Article(url, url, f"{name} {size}", text, "adversarial", "Hostile", now), lang=lang_of(name))


async def _cycle(rules: Rules, mode: str) -> dict[str, Any]:
    """One poll cycle (fetch, parse, extract, dedup, store) over loopback feeds of the articles."""
    extractor = await _extractor(mode)
    store = open_store(None)
    probe: Probe | None = None
    try:
        async with Fetcher() as fetcher:
            pipeline = Pipeline(rules, store, fetcher, _sink, backfill=False, extractor=extractor)
            # Warm up on one ordinary feed first: the first cycle's imports and TLS set-up happen once
            # per process, not per input.
            await run_cycle(pipeline, rules.feeds[:1], force=True)
            probe = Probe()
            started = time.perf_counter()
            report = await run_cycle(pipeline, rules.feeds[1:], force=True)
            elapsed = time.perf_counter() - started
    finally:
        stall = await probe.stop() if probe is not None else -1.0
        if extractor is not None:
            await extractor.aclose()
        await store.close()
    return {
        "stall_ms": stall,
        "seconds": round(elapsed, 2),
        "articles": sum(p.new for p in report.polls),
        "failed": sum(p.failed for p in report.polls) + sum(p.status == "error" for p in report.polls),
    }


def loop_stalls(
    article_modes: tuple[str, ...], cycle_modes: tuple[str, ...], sizes: tuple[int, ...], rounds: int = 1
) -> dict[str, dict[str, Any]]:
    """Each mode `rounds` times: the longest stall of each round, reported as min / median / max."""
    base = load_rules("config.example.toml")
    runs: dict[str, list[dict[str, Any]]] = {}
    for _ in range(rounds):
        for mode in article_modes:
            runs.setdefault(f"articles/{mode}", []).append(asyncio.run(_articles(base, mode, sizes)))
    if cycle_modes:
        with ServerProcess(functools.partial(configure, sizes=sizes)) as base_url:
            feeds = tuple(
                Feed(id=name, url=f"{base_url}/{name}", name=name, allow_private=True)
                for name in ("warm-up", *SHAPES)
            )
            rules = replace(base, feeds=feeds)
            for _ in range(rounds):
                for mode in cycle_modes:
                    runs.setdefault(f"cycle/{mode}", []).append(asyncio.run(_cycle(rules, mode)))
    return {key: _summary(rs) for key, rs in runs.items()}


def _summary(rs: list[dict[str, Any]]) -> dict[str, Any]:
    stalls = [r["stall_ms"] for r in rs]
    out = dict(rs[-1])
    out.update(
        stall_ms=statistics.median(stalls), stall_ms_min=min(stalls), stall_ms_max=max(stalls),
        stall_ms_rounds=stalls, seconds=round(statistics.median(r["seconds"] for r in rs), 2),
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--loop-rounds", type=int, default=5, help="rounds of each loop-stall mode (min/median/max)")
    ap.add_argument("--quick", action="store_true", help="one round, 5 KB and 50 KB only, pool stall only")
    ap.add_argument("--no-loop", action="store_true", help="the extraction table only")
    ap.add_argument("--modes", default="pool,thread,inline", help="extraction modes for the loop stall")
    ap.add_argument("--cycle-modes", default="pool,none", help="the same for the full cycle over loopback feeds")
    args = ap.parse_args()
    rounds = 1 if args.quick else max(1, args.rounds)
    sizes = SIZES[:2] if args.quick else SIZES
    table = extraction_table(rounds, sizes)
    marks = marks_seconds(rounds)
    head = "".join(f"{f'{s // 1000} KB s (min/med)':>22}" for s in sizes)
    print(f"{'shape':<16}{head}{'per-KB ratio':>14}{'statements':>12}")
    for name, row in table.items():
        cells = "".join(f"{f'{a:.3f} / {b:.3f}':>22}" for a, b in row["seconds"].values())
        print(f"{name:<16}{cells}{row['per_kb_ratio']:>14.2f}{row['statements']:>12}")
    print(f"{MARKS:,} unclosed marks in one paragraph: {marks[0]:.3f} / {marks[1]:.3f} s")
    stalls: dict[str, dict[str, Any]] = {}
    if not args.no_loop:
        modes = ("pool",) if args.quick else tuple(m for m in args.modes.split(",") if m)
        cycle_modes = ("pool",) if args.quick else tuple(m for m in args.cycle_modes.split(",") if m)
        loop_rounds = 1 if args.quick else max(1, args.loop_rounds)
        stalls = loop_stalls(modes, cycle_modes, LOOP_SIZES[:1] if args.quick else LOOP_SIZES, loop_rounds)
        for key, r in stalls.items():
            print(
                f"loop stall, {key:<16}: {r['stall_ms_min']:>7.1f} / {r['stall_ms']:.1f} / {r['stall_ms_max']:.1f} ms"
                f" longest (min / median / max of {len(r['stall_ms_rounds'])}); {r['seconds']:.2f} s for "
                f"{r['articles']} articles"
            )
    big = str(sizes[-1])
    worst_big = max(row["seconds"][big][1] for row in table.values())
    worst_ratio = max(row["per_kb_ratio"] for row in table.values())
    ok = (
        (big != "500000" or worst_big <= MAX_500K_SECONDS)
        and marks[1] <= MAX_MARKS_SECONDS
        and (big != "500000" or worst_ratio <= MAX_PER_KB_RATIO)
        and all(r["stall_ms"] <= MAX_STALL_MS for m, r in stalls.items() if m.endswith("/pool"))
    )
    print(
        json.dumps(
            {
                "rounds": rounds,
                "shapes": table,
                "marks_10000_seconds": marks,
                "worst_largest_seconds": worst_big,
                "worst_per_kb_ratio": worst_ratio,
                "loop": stalls,
                "ok": ok,
            }
        )
    )
    sys.exit(0)


if __name__ == "__main__":
    main()
