"""Benchmark of the history store and the dedup: does the cost stay flat as history grows?

    python -m bench.bench_store           # full run: 1,000 vs 100,000 stories, 1,000,000 statements
    python -m bench.bench_store --quick   # a tenth of everything, for a smoke run
    python -m bench.bench_store --backend postgresql [--pg-url URL]   # the same on PostgreSQL

With --backend postgresql everything runs on PostgreSQL (a temporary server from tests/pg_server.py
with durable settings, or the server of --pg-url, whose user may create databases), and the dedup cost
per article is also measured on SQLite, interleaved chunk by chunk so that load on the machine hits
both alike: `pg_vs_sqlite_dedup_ratio_*` is the per-article store cost PostgreSQL vs SQLite (target
<= 2), also as min / median over paired rounds of 200 articles; /search runs on both 1M-statement
histories in alternating rounds (p95 min / median of 3). On either backend all the histories take the
dedup stream in one interleaved pass, so the 100k / 1k ratio is also given as min / median of paired
rounds (`dedup_ratio_min` / `_median`; `sqlite_dedup_ratio_*` alongside PostgreSQL).

Measures, in one run:
- dedup cost per article (watchers.stories.dedup.process_article on a file database: level-1 check, SimHash,
  band probes, candidate lookup, fuzzy matching, inserts, commit) with 1,000 and with 100,000 stories of
  history at the same daily rate, and their ratio (target <= 1.5);
- /quotes-style (recent_statements) and /search-style (search_statements) latency p50/p95 over 1,000,000
  stored statements (target p95 <= 20 ms);
- insert throughput (articles/s with their statements, through process_article) and bulk-load rate;
- database size per 100,000 statements;
- dedup per article when one speaker has 10,000 statements inside the window, and whether planted
  light rewrites of old statements are all found (bench.busy_speaker; target <= 2 ms, all found).

History is generated, deterministic (seeded): 200 speakers, statements of 8-24 words drawn from a
Zipf-distributed vocabulary of 150 function words and 6,000 synthetic content words; 10 statements per
story over 2 articles; random 64-bit fingerprints (distinct texts). /search queries are one or two
content words of middling frequency (what people search for: names, places, subjects); a query made of
the commonest content word is reported separately as the worst case.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from watchers.model import Article, Statement
from watchers.store import StoreBackend, open_backend
from watchers.stories.dedup import process_article

SEED = 20240611
SPEAKERS = 200
STORIES_PER_DAY = 143  # 100,000 stories over ~700 days; 1,000 over ~7 days: same density per window
ARTICLES_PER_STORY = 2
STATEMENTS_PER_ARTICLE = 5
WINDOW = 72 * 3600.0
END = datetime(2025, 1, 1, tzinfo=UTC)

_FUNCTION_TEXT = (
    "the of and to a in that is was he she for it with as his her on be at by this had not are but from or "
    "have an they which one you were all we when there can been has more if will would who so no do what "
    "its about up out them than into could only other new some time these two may first then any like "
    "our now over such us most also after did many before must through back years where much your way "
    "well down should because each just those people how too little state good very make world still own "
    "see men work long get here between both life being under never day same another know while last "
    "might great old year off come since against go came right used take three"
)
FUNCTION_WORDS = _FUNCTION_TEXT.split()
_SYLLABLE_TEXT = "ka lo ven ri sa mor tel an bu dra fe gi hol ist jun kre lim nor op pra qui ros sten tur ul vel wen xo yar zim"
SYLLABLES = _SYLLABLE_TEXT.split()


def vocabulary(rng: random.Random, n: int) -> list[str]:
    words: set[str] = set()
    while len(words) < n:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))))
    return sorted(words)


@dataclass
class TextGen:
    rng: random.Random
    content: list[str]
    cum_weights: list[float]  # cumulative: random.choices is O(log n) per word with them, O(n) without

    def sentence(self, lo: int = 8, hi: int = 24) -> str:
        n = self.rng.randint(lo, hi)
        content = self.rng.choices(self.content, cum_weights=self.cum_weights, k=n)
        out = [self.rng.choice(FUNCTION_WORDS) if self.rng.random() < 0.4 else w for w in content]
        return " ".join(out).capitalize()


def make_gen(seed: int) -> TextGen:
    rng = random.Random(seed)
    content = vocabulary(rng, 6000)
    rng.shuffle(content)
    weights = [1.0 / (rank + 10) for rank in range(len(content))]  # Zipf-like, flattened at the head
    return TextGen(rng, content, list(itertools.accumulate(weights)))


def statement(text: str, speaker: int, kind: str = "direct") -> Statement:
    return Statement(text=text, start=0, end=len(text), kind=kind, speaker=f"Speaker {speaker}",  # type: ignore[arg-type]
                     speaker_id=f"sp{speaker}")


def history(gen: TextGen, stories: int) -> Iterator[tuple[Article, int | None, str, list[Statement]]]:
    """Pre-deduplicated history ending at END: (article, fingerprint, story id, statements)."""
    rng = gen.rng
    step = 86400.0 / STORIES_PER_DAY
    for i in range(stories):
        published = END - timedelta(seconds=(stories - i) * step)
        speaker = rng.randrange(SPEAKERS)
        texts = [gen.sentence() for _ in range(STATEMENTS_PER_ARTICLE)]
        for j in range(ARTICLES_PER_STORY):
            art = Article(
                id=f"h{i}-{j}", url=f"https://outlet{j}.example/{i}", title=f"History story {i} part {j}",
                text="", feed=f"feed{j}", outlet=f"Outlet {j}", published=published + timedelta(minutes=20 * j),
            )
            yield art, rng.getrandbits(64), f"story{i}", [statement(t, speaker) for t in texts]


def stream(gen: TextGen, n: int, tag: str = "s") -> list[tuple[Article, list[Statement]]]:
    """New articles after END: 60% new statements, 25% rewrites sharing a quote, 10% wire copies of an
    earlier text under a new headline, 5% the same article again through another feed."""
    rng = gen.rng
    out: list[tuple[Article, list[Statement]]] = []
    for i in range(n):
        published = END + timedelta(seconds=30 * i)
        roll = rng.random()
        if out and roll < 0.05:
            out.append(rng.choice(out))
            continue
        body = " ".join(gen.sentence(12, 20) + "." for _ in range(10))  # ~160 words: a fingerprint
        if out and roll < 0.15:
            earlier, sts = rng.choice(out)
            art = Article(f"{tag}{i}", f"https://copy.example/{tag}{i}", f"Copy headline {tag}{i}", earlier.text, "copy",
                          "Copy Desk", published)
            out.append((art, sts))
            continue
        speaker = rng.randrange(SPEAKERS)
        if out and roll < 0.40:
            _, sts = rng.choice(out)
            shared = sts[0] if sts else statement(gen.sentence(), speaker)
            sts = [statement(shared.text.rstrip(".") + " today", int(shared.speaker_id[2:]) if shared.speaker_id else speaker)]
        else:
            sts = [statement(gen.sentence(), speaker) for _ in range(rng.randint(1, 3))]
        art = Article(f"{tag}{i}", f"https://new.example/{tag}{i}", f"New headline {tag}{i}", body, "new",
                      f"Outlet {i % 7}", published)
        out.append((art, sts))
    return out


# The temporary server of --backend postgresql without --pg-url: durable like a real one (fsync and
# full-page writes on), with commits not waiting for the WAL flush: what SQLite's WAL with
# synchronous=NORMAL does (may lose the last commits at power loss, never corrupts).
BENCH_PG_SETTINGS = {"fsync": "on", "full_page_writes": "on", "synchronous_commit": "off",
                     "shared_buffers": "256MB", "maintenance_work_mem": "256MB"}
# Articles per timed chunk when two backends are interleaved; chunks per paired round (min / median).
CHUNK = 50
ROUND_CHUNKS = 4
# Paired rounds of the /search queries when SQLite runs alongside PostgreSQL.
SEARCH_ROUNDS = 3


class Databases:
    """Fresh databases by name: SQLite files in a directory, or databases on one PostgreSQL server."""

    def __init__(self, backend: str, tmp: str, pg_url: str | None) -> None:
        self.backend, self.tmp, self._server, self._admin_url = backend, tmp, None, pg_url
        self._created: list[str] = []
        if backend == "postgresql" and pg_url is None:
            import sys

            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
            from pg_server import start_server  # the tests' temporary server

            self._server = start_server(BENCH_PG_SETTINGS)
            self._admin_url = self._server.url("postgres")

    def url(self, name: str) -> str:
        if self.backend == "sqlite":
            return str(Path(self.tmp) / f"{name}.db")
        import psycopg

        assert self._admin_url is not None
        db = f"quotewatch_bench_{name}"
        with psycopg.connect(self._admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db}"')  # type: ignore[arg-type]
            admin.execute(f'CREATE DATABASE "{db}"')  # type: ignore[arg-type]
        self._created.append(db)
        return self._admin_url.rsplit("/", 1)[0] + "/" + db

    def size(self, url: str) -> int:
        if self.backend == "sqlite":
            # The WAL is folded into the file first (the size a user sees at rest, after a checkpoint),
            # then measured with whatever WAL is left (none unless a reader held it open).
            import sqlite3

            with sqlite3.connect(url) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            return sum(os.path.getsize(p) for p in (url, url + "-wal") if os.path.exists(p))
        import psycopg

        with psycopg.connect(url) as db:
            row = db.execute("SELECT pg_database_size(current_database())").fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            return
        if self._admin_url is not None:
            import psycopg

            with psycopg.connect(self._admin_url, autocommit=True) as admin:
                for db in self._created:
                    admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')  # type: ignore[arg-type]


def build(path: str, stories: int, seed: int) -> tuple[StoreBackend, float, int]:
    s = open_backend(path)
    t = time.perf_counter()
    rows = s.bulk_load(history(make_gen(seed), stories), now=END)
    s.optimize()
    return s, time.perf_counter() - t, rows * STATEMENTS_PER_ARTICLE


def dedup_cost(s: StoreBackend, articles: list[tuple[Article, list[Statement]]]) -> tuple[float, dict[str, int]]:
    """Mean seconds per article through process_article (the stream is fed in order)."""
    cost, tallies = interleaved([s], articles)
    return cost[0], tallies[0]


def interleaved(
    stores: list[StoreBackend], articles: list[tuple[Article, list[Statement]]],
    rounds: list[list[float]] | None = None,
) -> tuple[list[float], list[dict[str, int]]]:
    """The same stream through each store, CHUNK articles at a time in turn (so that load on the
    machine falls on all alike; the order reversed every other chunk, so no store always goes first):
    mean seconds per article of each, and their decisions. `rounds`, if given, gets each store's
    seconds per ROUND_CHUNKS chunks (paired rounds, for min / median)."""
    spent = [0.0] * len(stores)
    tallies = [{"new": 0, "update": 0, "seen": 0} for _ in stores]
    current = [0.0] * len(stores)
    for n, lo in enumerate(range(0, len(articles), CHUNK)):
        turn = list(enumerate(stores))
        for i, s in turn if n % 2 == 0 else reversed(turn):
            t = time.perf_counter()
            for art, sts in articles[lo:lo + CHUNK]:
                events = process_article(s, art, sts, art.published + timedelta(seconds=5), WINDOW)
                if not events:
                    tallies[i]["seen"] += 1
                for e in events:
                    tallies[i]["new" if e.new else "update"] += 1
            took = time.perf_counter() - t
            spent[i] += took
            current[i] += took
        if rounds is not None and (n + 1) % ROUND_CHUNKS == 0:
            rounds.append(current)
            current = [0.0] * len(stores)
    return [x / len(articles) for x in spent], tallies


def paired_ratios(rounds: list[list[float]], a: int = 0, b: int = 1) -> tuple[float, float]:
    """min and median over paired rounds of store a's time over store b's."""
    ratios = [r[a] / r[b] for r in rounds if r[b] > 0]
    return (round(min(ratios), 2), round(statistics.median(ratios), 2)) if ratios else (0.0, 0.0)


def percentiles(samples: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return q[49] * 1000, q[94] * 1000


def timed(fn: object, calls: list[tuple[object, ...]]) -> list[float]:
    out = []
    for args in calls:
        t = time.perf_counter()
        fn(*args)  # type: ignore[operator]
        out.append(time.perf_counter() - t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="a tenth of the sizes (smoke run)")
    ap.add_argument("--dir", help="where to put the benchmark databases (default: a temp dir)")
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--pg-url", help="postgresql://user@host/db of a server whose user may create databases "
                                     "(default: a temporary server, as in the tests)")
    args = ap.parse_args()
    scale = 10 if args.quick else 1
    small_stories, big_stories = 1000 // scale, 100_000 // scale
    stream_len, queries = 2000 // scale, 1000 // (2 if args.quick else 1)

    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        dbs = Databases(args.backend, tmp, args.pg_url)
        results: dict[str, float | int | str] = {"quick": str(args.quick).lower(), "backend": args.backend}
        small, t_small, _ = build(dbs.url("small"), small_stories, SEED)
        big_path = dbs.url("big")
        big, t_big, big_statements = build(big_path, big_stories, SEED)
        results["statements"] = big_statements
        results["bulk_load_s"] = round(t_big, 1)
        results["bulk_load_statements_per_s"] = round(big_statements / t_big)
        size = dbs.size(big_path)
        results["db_mb_per_100k_statements"] = round(size / big_statements * 100_000 / 1e6, 1)

        # Dedup: the same stream (same seed) through both databases, interleaved warm-up first.
        arts = stream(make_gen(SEED + 1), stream_len)
        warm = stream(make_gen(SEED + 2), 50, tag="warm")
        against: list[StoreBackend] = []  # PostgreSQL runs: the same histories on SQLite, for the ratio
        if args.backend == "postgresql":
            against = [build(str(Path(tmp) / f"{name}.db"), n, SEED)[0]
                       for name, n in (("small", small_stories), ("big", big_stories))]
        for s in (small, big, *against):
            dedup_cost(s, warm)
        # All the histories in one interleaved pass: each ratio is also one of paired rounds (100k vs
        # 1k on each backend; PostgreSQL vs SQLite at each size).
        rounds: list[list[float]] = []
        costs, tallies = interleaved([small, big, *against], arts, rounds)
        cost_small, cost_big = costs[:2]
        tally, tally_big = tallies[:2]
        results["dedup_ratio_min"], results["dedup_ratio_median"] = paired_ratios(rounds, 1, 0)
        if against:
            lite_small, lite_big = costs[2:]
            results["sqlite_dedup_us_per_article_1k"] = round(lite_small * 1e6)
            results["sqlite_dedup_us_per_article_100k"] = round(lite_big * 1e6)
            results["sqlite_dedup_ratio"] = round(lite_big / lite_small, 2)
            results["sqlite_dedup_ratio_min"], results["sqlite_dedup_ratio_median"] = paired_ratios(rounds, 3, 2)
            results["pg_vs_sqlite_dedup_ratio_1k"] = round(cost_small / lite_small, 2)
            results["pg_vs_sqlite_dedup_ratio_100k"] = round(cost_big / lite_big, 2)
            for key, (pg, lite) in (("1k", (0, 2)), ("100k", (1, 3))):
                lo, mid = paired_ratios(rounds, pg, lite)
                results[f"pg_vs_sqlite_dedup_ratio_{key}_min"] = lo
                results[f"pg_vs_sqlite_dedup_ratio_{key}_median"] = mid
            assert tallies[2:] == [tally, tally_big], f"SQLite decided differently: {tallies}"
            against[0].close()
        results["dedup_us_per_article_1k"] = round(cost_small * 1e6)
        results["dedup_us_per_article_100k"] = round(cost_big * 1e6)
        results["dedup_ratio"] = round(cost_big / cost_small, 2)
        results["insert_articles_per_s"] = round(1 / cost_big)
        results["stream_events"] = json.dumps(tally_big, sort_keys=True)
        assert tally == tally_big, f"the two histories decided differently: {tally} vs {tally_big}"

        # Search over the big database.
        rng = random.Random(SEED + 3)
        gen = make_gen(SEED)
        middling = gen.content[50:2000]
        quotes_calls: list[tuple[object, ...]] = [(f"sp{rng.randrange(SPEAKERS)}", None, 10) for _ in range(queries)]
        search_calls: list[tuple[object, ...]] = []
        for _ in range(queries):
            words = " ".join(rng.sample(middling, rng.choice((1, 2))))
            speaker = f"sp{rng.randrange(SPEAKERS)}" if rng.random() < 0.3 else None
            search_calls.append((words, speaker, None, 10))
        worst_calls: list[tuple[object, ...]] = [(gen.content[0], None, None, 10)] * 20
        big.recent_statements("sp1", None, 10)
        big.search_statements(middling[0])
        q50, q95 = percentiles(timed(big.recent_statements, quotes_calls))
        if against:  # paired rounds, PostgreSQL then SQLite, over the same 1M-statement history
            lite_big_store = against[1]
            lite_big_store.search_statements(middling[0])
            pg_rounds, lite_rounds = [], []
            for _ in range(SEARCH_ROUNDS):
                pg_rounds.append(percentiles(timed(big.search_statements, search_calls)))
                lite_rounds.append(percentiles(timed(lite_big_store.search_statements, search_calls)))
            s50, s95 = (statistics.median(x) for x in zip(*pg_rounds, strict=True))
            l50, l95 = (statistics.median(x) for x in zip(*lite_rounds, strict=True))
            results.update(
                search_p95_ms_min=round(min(r[1] for r in pg_rounds), 2),
                sqlite_search_p50_ms=round(l50, 2), sqlite_search_p95_ms=round(l95, 2),
                sqlite_search_p95_ms_min=round(min(r[1] for r in lite_rounds), 2),
            )
            lite_big_store.close()
        else:
            s50, s95 = percentiles(timed(big.search_statements, search_calls))
        w50, w95 = percentiles(timed(big.search_statements, worst_calls))
        hits = sum(len(big.search_statements(*c[:1])) > 0 for c in search_calls[:100])  # type: ignore[arg-type]
        results.update(
            quotes_p50_ms=round(q50, 2), quotes_p95_ms=round(q95, 2),
            search_p50_ms=round(s50, 2), search_p95_ms=round(s95, 2),
            search_commonest_word_p50_ms=round(w50, 1), search_commonest_word_p95_ms=round(w95, 1),
            search_queries_with_hits_pct=hits,
            build_small_s=round(t_small, 1),
        )
        small.close()
        big.close()

        # One busy speaker: 10,000 statements inside the window, repeats of old ones planted.
        from bench.busy_speaker import BUSY_STATEMENTS, key_recall, measure

        busy = [open_backend(dbs.url("busy"))]
        if args.backend == "postgresql":
            busy.append(open_backend(str(Path(tmp) / "busy.db")))
        figures = measure(busy, END, WINDOW, 200 if args.quick else 500, SEED + 4)
        for s in busy:
            s.close()
        results["busy_speaker_statements"] = BUSY_STATEMENTS
        results["busy_dedup_ms_per_article"] = round(figures[0]["ms_per_article"], 2)
        results["busy_repeats_found"] = f"{figures[0]['found']}/{figures[0]['planted']}"
        if len(figures) > 1:
            results["sqlite_busy_dedup_ms_per_article"] = round(figures[1]["ms_per_article"], 2)
            results["sqlite_busy_repeats_found"] = f"{figures[1]['found']}/{figures[1]['planted']}"
        same, hit = key_recall(2000 if args.quick else 20000, SEED + 5)
        results["rewrites_sharing_a_key"] = f"{hit}/{same}"
        dbs.close()

    rows = [
        ("statements stored (big db)", f"{results['statements']:,}"),
        ("bulk load", f"{results['bulk_load_s']} s ({results['bulk_load_statements_per_s']:,} statements/s)"),
        ("db size per 100k statements", f"{results['db_mb_per_100k_statements']} MB"),
        (f"dedup per article, {small_stories:,} stories", f"{results['dedup_us_per_article_1k']} µs"),
        (f"dedup per article, {big_stories:,} stories", f"{results['dedup_us_per_article_100k']} µs"),
        ("dedup ratio big/small (target <= 1.5)", f"{results['dedup_ratio']}"),
        (f"  paired rounds of {ROUND_CHUNKS * CHUNK} articles: min / median",
         f"{results['dedup_ratio_min']} / {results['dedup_ratio_median']}"),
        ("insert throughput (process_article)", f"{results['insert_articles_per_s']} articles/s"),
        ("stream decisions", str(results["stream_events"])),
        ("/quotes p50 / p95", f"{results['quotes_p50_ms']} / {results['quotes_p95_ms']} ms"),
        ("/search p50 / p95 (target p95 <= 20)", f"{results['search_p50_ms']} / {results['search_p95_ms']} ms"),
        ("/search commonest word p50 / p95", f"{results['search_commonest_word_p50_ms']} / {results['search_commonest_word_p95_ms']} ms"),
        ("/search queries with hits (of 100)", str(results["search_queries_with_hits_pct"])),
    ]
    rows += [
        (f"dedup per article, one speaker with {BUSY_STATEMENTS:,} statements in the window (target <= 2)",
         f"{results['busy_dedup_ms_per_article']} ms"),
        ("  planted repeats of old statements found (target: all)", str(results["busy_repeats_found"])),
        ("  rewrites the fuzzy rules call same that share a key", str(results["rewrites_sharing_a_key"])),
    ]
    if "sqlite_busy_dedup_ms_per_article" in results:
        rows += [("SQLite: busy speaker per article, repeats found",
                  f"{results['sqlite_busy_dedup_ms_per_article']} ms, {results['sqlite_busy_repeats_found']}")]
    if "pg_vs_sqlite_dedup_ratio_100k" in results:
        rows += [
            (f"SQLite dedup per article, {small_stories:,} / {big_stories:,} stories",
             f"{results['sqlite_dedup_us_per_article_1k']} / {results['sqlite_dedup_us_per_article_100k']} µs"),
            ("SQLite dedup ratio big/small (target <= 1.5)", f"{results['sqlite_dedup_ratio']}"),
            (f"  paired rounds of {ROUND_CHUNKS * CHUNK} articles: min / median",
             f"{results['sqlite_dedup_ratio_min']} / {results['sqlite_dedup_ratio_median']}"),
            ("PostgreSQL vs SQLite per article, 1k / 100k (target <= 2)",
             f"{results['pg_vs_sqlite_dedup_ratio_1k']} / {results['pg_vs_sqlite_dedup_ratio_100k']}"),
            (f"  paired rounds of {ROUND_CHUNKS * CHUNK} articles: min / median, 1k; 100k",
             f"{results['pg_vs_sqlite_dedup_ratio_1k_min']} / {results['pg_vs_sqlite_dedup_ratio_1k_median']}; "
             f"{results['pg_vs_sqlite_dedup_ratio_100k_min']} / {results['pg_vs_sqlite_dedup_ratio_100k_median']}"),
            (f"/search p95, {SEARCH_ROUNDS} paired rounds: PostgreSQL min / median; SQLite min / median",
             f"{results['search_p95_ms_min']} / {results['search_p95_ms']}; "
             f"{results['sqlite_search_p95_ms_min']} / {results['sqlite_search_p95_ms']} ms"),
        ]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    print(json.dumps({"bench": "store", **results}, ensure_ascii=False))


if __name__ == "__main__":
    main()
