"""Benchmark of watchers.feeds.parse: parse_feed (bytes -> Articles with clean text) vs bare feedparser.parse.

    python -m bench.bench_parse            # RSS 2.0 and Atom 1.0 feeds of 50 content-heavy items, 40 rounds
    python -m bench.bench_parse --quick    # fewer rounds (a second or two)

Feeds are generated from a fixed seed: fictional outlets, newsroom-style paragraphs with quotes, links with
tracking parameters, a script tag per item. Rows, all on the same bytes:

    feedparser default     feedparser.parse(bytes): sanitizer and relative-URI rewriting on
    feedparser lean        feedparser.parse(bytes, sanitize_html=False, resolve_relative_uris=False)
    parse only             parse_feed(...): lean feedparser + ids, canonical URLs, dates, HTML -> text
    ours                   parse_feed(...) + the matcher over every article's title and text (the
                           fetch-less path of a poll: parse + articles + match), rules of 200 speakers
                           and 50 topics including the people and topics of the feed

Target: ours no slower than feedparser default (ratio = default / ours >= 1). Prints a table, then one
JSON line.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import feedparser

from rules.match import Matcher
from rules.model import Feed, Rules, Speaker, Topic
from watchers.feeds.parse import parse_feed

SEED = 20240312
ITEMS = 50
TARGET_RATIO = 1.0
NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)

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


def make_feed(seed: int, items: int = ITEMS, *, atom: bool = False, fresh: int = 0) -> bytes:
    """A content-heavy RSS 2.0 (or Atom 1.0) feed; `fresh` shifts guids so each call can bring new items."""
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
        if atom:
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


def _time(fn: Callable[[], object], rounds: int) -> float:
    fn()  # warm-up
    gc.collect()
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return (time.perf_counter() - start) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    rounds = 5 if args.quick else args.rounds
    feed = Feed(id="bench", url="https://www.bench.test/rss", name="Bench")
    headers = {"content-type": "application/rss+xml; charset=utf-8"}
    rows: dict[str, dict[str, float]] = {}
    matcher = Matcher.compile(bench_rules())
    for kind in ("rss", "atom"):
        data = make_feed(SEED, atom=kind == "atom")
        articles = len(parse_feed(data, headers, feed, NOW).articles)
        default = _time(partial(feedparser.parse, data), rounds)
        lean = _time(
            partial(feedparser.parse, data, sanitize_html=False, resolve_relative_uris=False), rounds
        )
        parse_only = _time(partial(parse_feed, data, headers, feed, NOW), rounds)
        ours = _time(partial(parse_and_match, data, headers, feed, matcher), rounds)
        rows[kind] = {
            "bytes": len(data),
            "articles": articles,
            "feedparser_default_ms": default * 1000,
            "feedparser_lean_ms": lean * 1000,
            "parse_only_ms": parse_only * 1000,
            "ours_ms": ours * 1000,
            "ratio": default / ours,
        }
    print(
        f"{'feed':<6} {'KB':>6} {'items':>5} {'fp default ms':>14} {'fp lean ms':>11} {'parse ms':>9} "
        f"{'ours ms':>8} {'default/ours':>13}"
    )
    for kind, row in rows.items():
        print(
            f"{kind:<6} {row['bytes'] / 1024:>6.0f} {row['articles']:>5.0f} {row['feedparser_default_ms']:>14.1f} "
            f"{row['feedparser_lean_ms']:>11.1f} {row['parse_only_ms']:>9.1f} {row['ours_ms']:>8.1f} "
            f"{row['ratio']:>13.2f}"
        )
    worst = min(row["ratio"] for row in rows.values())
    verdict = "OK" if worst >= TARGET_RATIO else "SLOWER THAN TARGET"
    print(
        f"target: ours no slower than feedparser default (ratio >= {TARGET_RATIO}); worst {worst:.2f}: {verdict}"
    )
    print(
        json.dumps(
            {"bench": "parse", "rounds": rounds, "feeds": rows, "worst_ratio": worst, "target": TARGET_RATIO}
        )
    )


if __name__ == "__main__":
    main()
