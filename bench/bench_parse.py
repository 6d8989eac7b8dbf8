"""Benchmark of watchers.feeds.parse: parse_feed (bytes -> Articles with clean text) vs bare feedparser.parse.

    python -m bench.bench_parse            # four feed shapes, 15 paired rounds
    python -m bench.bench_parse --quick    # 5 rounds (a few seconds)

Feeds are generated from a fixed seed: fictional outlets, newsroom-style paragraphs with quotes, links with
tracking parameters, a script tag per item. Shapes:

    rss        RSS 2.0, 50 content-heavy items (content:encoded), well-formed: the lxml fast path
    atom       Atom 1.0, 50 content-heavy items, well-formed: the fast path
    summary    RSS 2.0, 40 items with a one-paragraph description and no content: the fast path
    illformed  the rss feed with one bare "&" in a title: not XML, so feedparser reads it (fallback)

Rows, all on the same bytes and timed in PAIRED rounds (each round times every row back to back, so load
on the shared machine hits them alike; each ratio is computed within a round):

    fp default     feedparser.parse(bytes): sanitizer and relative-URI rewriting on (the reference)
    fp lean        feedparser.parse(bytes, sanitize_html=False, resolve_relative_uris=False)
    parse          parse_feed(...): ids, canonical URLs, dates, HTML -> text (fast path where it applies)
    fallback       parse_feed(..., fast=False): the same through feedparser (what parse cost before)
    ours           parse + the matcher over every article's title and text (the fetch-less path of a
                   poll: parse + articles + match), rules of 200 speakers and 50 topics

Targets: parse >= 10x fp default on rss, atom and summary (min over rounds of the per-round ratio), with
items identical to the fallback's; on illformed, parse no slower than fp default. The table also shows
ours (parse + match; the matcher is rules/match.py's cost) and the time html_fragment_to_text takes on the
hostile 180 KB "<a " entry (CVE-2025-6069: html.parser took minutes; not run here). Prints a table, then
one JSON line.
"""

from __future__ import annotations

import argparse
import gc
import inspect
import json
import random
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import feedparser

from rules.match import Matcher
from rules.model import Feed, Rules, Speaker, Topic
from watchers.feeds.parse import parse_feed
from watchers.feeds.text import html_fragment_to_text

SEED = 20240312
ITEMS = 50
SUMMARY_ITEMS = 40
TARGET_RATIO = 10.0
ILLFORMED_TARGET = 1.0
INNER = 3  # calls per row per round (their mean is the round's time)
NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
HOSTILE = "<p>Lead paragraph.</p>" + "<a " * 60_000

OUTLETS = ["Harbour City Courier", "Valley Ledger", "Northgate Wire", "Lantern Review", "Coastline Daily"]
PEOPLE = ["Teodor Vance", "Lina Sorvik", "Adaeze Moreau", "Petra Lindqvist", "Ilse Varga", "Osei Brandt"]
ROLES = [
    "port authority chief",
    "deputy mayor",
    "interior minister",
    "trade envoy",
    "harbour master",
    "librarian",
]
TOPICS = [
    "berthing fees",
    "the tram extension",
    "an early election",
    "grain quotas",
    "dredging",
    "flood repairs",
]
VERBS = ["said", "told reporters", "said on Monday", "added", "insisted", "warned"]
FILLER = [
    "The decision follows months of talks with shipping firms and residents' groups.",
    "Officials declined to give a timetable, citing the council's budget review.",
    "Critics say the plan was rushed through without a public consultation.",
    "The figures were published in a report to the finance committee on Friday.",
    "Opposition councillors called for an independent audit of the costings.",
    "Local businesses have asked for clarity before the summer season begins.",
]


def _paragraph(rng: random.Random) -> str:
    who = rng.randrange(len(PEOPLE))
    topic = rng.choice(TOPICS)
    quote = f"&ldquo;We will not back down on {topic},&rdquo; {PEOPLE[who]}, the {ROLES[who]}, {rng.choice(VERBS)}."
    extra = " ".join(rng.sample(FILLER, 2))
    link = f'<a href="/related/{rng.randrange(10_000)}?utm_source=rss">more on {topic}</a>'
    return f"<p>{quote} {extra} See also {link}.</p>"


def make_feed(
    seed: int, items: int = ITEMS, *, atom: bool = False, fresh: int = 0, summary_only: bool = False
) -> bytes:
    """A content-heavy RSS 2.0 (or Atom 1.0) feed; `fresh` shifts guids so each call can bring new items.
    `summary_only`: RSS items with a one-paragraph description (escaped HTML) and no content."""
    rng = random.Random(seed)
    outlet = rng.choice(OUTLETS)
    slug = outlet.lower().replace(" ", "")
    entries = []
    for i in range(items):
        n = fresh * items + i
        when = NOW - timedelta(minutes=17 * i)
        body = "\n".join(_paragraph(rng) for _ in range(rng.randint(5, 9)))
        body += "<script>track('story');</script><figure><img src='x.jpg'><figcaption>File photo</figcaption></figure>"
        title = f"{rng.choice(PEOPLE)} on {rng.choice(TOPICS)} &amp; what comes next"
        link = f"https://www.{slug}.test/news/{n}?utm_source=rss&amp;utm_medium=feed#top"
        if summary_only:
            lead = _paragraph(rng).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            entries.append(
                f"<item><title>{title}</title><link>{link}</link><guid isPermaLink='false'>{slug}-{n}</guid>"
                f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate>"
                f"<description>{lead}</description></item>"
            )
        elif atom:
            entries.append(
                f"<entry><id>tag:{slug}.test,2024:{n}</id><title type='html'>{title}</title>"
                f"<link href='{link}'/><updated>{when.isoformat()}</updated><author><name>Desk</name></author>"
                f"<content type='html'><![CDATA[{body}]]></content></entry>"
            )
        else:
            entries.append(
                f"<item><title>{title}</title><link>{link}</link><guid isPermaLink='false'>{slug}-{n}</guid>"
                f"<pubDate>{when.strftime('%a, %d %b %Y %H:%M:%S GMT')}</pubDate><dc:creator>Desk</dc:creator>"
                f"<description>{title}</description><content:encoded><![CDATA[{body}]]></content:encoded></item>"
            )
    if atom:
        doc = (
            f"<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'><title>{outlet}</title>"
            f"<id>tag:{slug}.test,2024:feed</id><updated>{NOW.isoformat()}</updated>{''.join(entries)}</feed>"
        )
    else:
        doc = (
            "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
            "xmlns:content='http://purl.org/rss/1.0/modules/content/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
            f"<channel><title>{outlet}</title><link>https://www.{slug}.test/</link><ttl>15</ttl>"
            f"{''.join(entries)}</channel></rss>"
        )
    return doc.encode()


def bench_rules() -> Rules:
    """The feed's people and topics among made-up others, so the matcher has real work and real hits."""
    speakers = [Speaker(id=f"p{i}", name=name, aliases=(name.split()[-1],)) for i, name in enumerate(PEOPLE)]
    speakers += [Speaker(id=f"x{i}", name=f"Filler Person{i}", aliases=(f"Person{i}",)) for i in range(194)]
    topics = [Topic(id=f"t{i}", any=(t.removeprefix("the ").removeprefix("an "),)) for i, t in enumerate(TOPICS)]
    topics += [Topic(id=f"y{i}", any=(f"keyword{i}", f"phrase number {i}")) for i in range(44)]
    return Rules(speakers=tuple(speakers), topics=tuple(topics))


def parse_and_match(data: bytes, headers: dict[str, str], feed: Feed, matcher: Matcher) -> int:
    hits = 0
    for article in parse_feed(data, headers, feed, NOW).articles:
        hits += len(matcher.scan(article.title)) + len(matcher.scan(article.text))
    return hits


def shapes() -> dict[str, bytes]:
    rss = make_feed(SEED)
    return {
        "rss": rss,
        "atom": make_feed(SEED, atom=True),
        "summary": make_feed(SEED + 1, SUMMARY_ITEMS, summary_only=True),
        "illformed": rss.replace(b" &amp; what comes next", b" & what comes next", 1),
    }


def _mean_time(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    for _ in range(INNER):
        fn()
    return (time.perf_counter() - start) / INNER


def _fallback_supported() -> bool:
    return "fast" in inspect.signature(parse_feed).parameters  # older trees had no fast path


def measure(data: bytes, headers: dict[str, str], feed: Feed, matcher: Matcher, rounds: int) -> dict[str, object]:
    rows: dict[str, Callable[[], object]] = {
        "fp_default": partial(feedparser.parse, data),
        "fp_lean": partial(feedparser.parse, data, sanitize_html=False, resolve_relative_uris=False),
        "parse": partial(parse_feed, data, headers, feed, NOW),
        "ours": partial(parse_and_match, data, headers, feed, matcher),
    }
    if _fallback_supported():
        rows["fallback"] = partial(parse_feed, data, headers, feed, NOW, fast=False)
    times: dict[str, list[float]] = {name: [] for name in rows}
    for fn in rows.values():
        fn()  # warm-up
    for _ in range(rounds):
        gc.collect()
        for name, fn in rows.items():
            times[name].append(_mean_time(fn))
    parse_ratio = [d / p for d, p in zip(times["fp_default"], times["parse"], strict=True)]
    ours_ratio = [d / o for d, o in zip(times["fp_default"], times["ours"], strict=True)]
    parsed = parse_feed(data, headers, feed, NOW)
    result: dict[str, object] = {
        "bytes": len(data),
        "articles": len(parsed.articles),
        "fast_path": bool(getattr(parsed, "fast", False)),
        **{f"{name}_ms": statistics.median(ts) * 1000 for name, ts in times.items()},
        "parse_ratio_min": min(parse_ratio),
        "parse_ratio_median": statistics.median(parse_ratio),
        "ours_ratio_min": min(ours_ratio),
        "ours_ratio_median": statistics.median(ours_ratio),
    }
    if _fallback_supported():
        result["identical"] = parsed.articles == parse_feed(data, headers, feed, NOW, fast=False).articles
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument(
        "--skip-hostile", action="store_true", help="skip the hostile entry (an html.parser tree takes minutes)"
    )
    args = parser.parse_args()
    rounds = 5 if args.quick else max(args.rounds, 5)
    feed = Feed(id="bench", url="https://www.bench.test/rss", name="Bench")
    headers = {"content-type": "application/rss+xml; charset=utf-8"}
    matcher = Matcher.compile(bench_rules())
    rows = {kind: measure(data, headers, feed, matcher, rounds) for kind, data in shapes().items()}
    start = time.perf_counter()
    hostile_chars = -1 if args.skip_hostile else len(html_fragment_to_text(HOSTILE))
    hostile_ms = (time.perf_counter() - start) * 1000
    print(
        f"{'feed':<10} {'KB':>4} {'items':>5} {'fast':>5} {'fp default':>10} {'fp lean':>8} {'fallback':>8} "
        f"{'parse':>6} {'ours':>6} {'default/parse min/med':>22} {'default/ours min/med':>21} {'same':>5}"
    )
    for kind, row in rows.items():
        print(
            f"{kind:<10} {row['bytes'] / 1024:>4.0f} {row['articles']:>5} {row['fast_path']!s:>5} "  # type: ignore[operator]
            f"{row['fp_default_ms']:>10.2f} {row['fp_lean_ms']:>8.2f} {row.get('fallback_ms', float('nan')):>8.2f} "
            f"{row['parse_ms']:>6.2f} {row['ours_ms']:>6.2f} "
            f"{row['parse_ratio_min']:>14.1f} / {row['parse_ratio_median']:<5.1f} "
            f"{row['ours_ratio_min']:>13.1f} / {row['ours_ratio_median']:<5.1f} {row.get('identical', '-')!s:>5}"
        )
    print(f"hostile entry (180 KB of '<a '): html_fragment_to_text {hostile_ms:.1f} ms ({hostile_chars} chars out)")
    well_formed = [rows[k]["parse_ratio_min"] for k in ("rss", "atom", "summary")]
    worst = min(well_formed)  # type: ignore[type-var]
    ill = rows["illformed"]["parse_ratio_min"]
    identical = all(row.get("identical", True) for row in rows.values())
    ok = worst >= TARGET_RATIO and ill >= ILLFORMED_TARGET and identical  # type: ignore[operator]
    print(
        f"target: parse >= {TARGET_RATIO:g}x fp default on well-formed feeds (worst min {worst:.1f}x), "
        f"ill-formed no slower ({ill:.2f}x), identical items ({identical}): {'OK' if ok else 'NOT MET'}"
    )
    print(
        json.dumps(
            {
                "bench": "parse", "rounds": rounds, "inner": INNER, "feeds": rows, "worst_ratio": worst,
                "illformed_ratio": ill, "identical": identical, "hostile_ms": hostile_ms, "target": TARGET_RATIO,
            }
        )
    )


if __name__ == "__main__":
    main()
