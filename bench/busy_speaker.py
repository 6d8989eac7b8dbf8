"""The busy-speaker measurement of bench.bench_store: dedup when one speaker has 10,000 statements in
the window, and whether repeats of old statements are all found.

History: BUSY_STATEMENTS statements of one speaker spread over the two days before the stream (all
inside the dedup window of every stream article), five per article, one story per article. Stream:
articles with one to three statements of that speaker; in half of them one statement is a planted
repeat of a history statement picked uniformly (so most are far older than the newest 300), rewritten
the way outlets do: trimmed at either end, re-punctuated and re-cased, or a word or two changed (two
of these at once for some). A rewrite is only planted when the fuzzy rules
(watchers.statements.similarity.match_score) call it the same statement as its original: the rules
decide what a repeat is; the bench checks that the candidate lookup hands every one of them over.

`key_recall` checks the same in memory on many more pairs: of the rewrites the fuzzy rules call the
same statement, how many share a key (watchers.store.shingles) with their original.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from datetime import datetime, timedelta

from bench.bench_store import TextGen, make_gen
from watchers.model import Article, Statement
from watchers.statements.similarity import match_score, normalise
from watchers.store import StoreBackend
from watchers.stories.dedup import process_article

BUSY_STATEMENTS = 10_000
PER_ARTICLE = 5
HISTORY_SPAN = 48 * 3600.0  # all of it inside the stream's window (72 h either side)
SPEAKER = "busy"
_PUNCTUATION = (",", ";", " -", ":", "...")


def said(text: str) -> Statement:
    return Statement(text=text, start=0, end=len(text), kind="direct", speaker="Busy Speaker", speaker_id=SPEAKER)


def busy_history(gen: TextGen, end: datetime) -> tuple[list[tuple[Article, int | None, str, list[Statement]]], list[str]]:
    """Bulk-load rows (one article and story per five statements, oldest first) and the texts in order."""
    rows, texts = [], []
    articles = BUSY_STATEMENTS // PER_ARTICLE
    for i in range(articles):
        published = end - timedelta(seconds=HISTORY_SPAN * (articles - i) / articles)
        sts = [gen.sentence() for _ in range(PER_ARTICLE)]
        texts.extend(sts)
        art = Article(f"busy{i}", f"https://busy.example/{i}", f"Busy history {i}", "", "busy", "Busy Outlet", published)
        rows.append((art, None, f"busystory{i}", [said(t) for t in sts]))
    return rows, texts


def rewrite(rng: random.Random, gen: TextGen, text: str) -> str:
    """An outlet's light rewrite: trimmed, re-punctuated, a word or two changed (one or two of these)."""
    words = text.rstrip(".").split()
    for op in rng.sample(("trim", "punctuate", "swap"), rng.choice((1, 1, 2))):
        if op == "trim" and len(words) > 7:
            cut = rng.randint(1, min(4, len(words) - 6))
            words = words[cut:] if rng.random() < 0.5 else words[:-cut]
        elif op == "punctuate":
            for _ in range(rng.randint(1, 3)):
                i = rng.randrange(len(words))
                words[i] += rng.choice(_PUNCTUATION)
            words[0] = words[0].upper() if rng.random() < 0.3 else words[0].lower()
        elif op == "swap":
            for _ in range(1 if len(words) < 14 else rng.randint(1, 2)):
                words[rng.randrange(len(words))] = gen.sentence(1, 1).lower()
    return " ".join(words) + rng.choice((".", "!", "", "?"))


def planted(rng: random.Random, gen: TextGen, texts: list[str]) -> tuple[int, str]:
    """(index of the original, its rewrite), a rewrite the fuzzy rules call the same statement."""
    while True:
        i = rng.randrange(len(texts))
        new = rewrite(rng, gen, texts[i])
        if match_score(normalise(new), normalise(texts[i])) > 0:
            return i, new


def busy_stream(gen: TextGen, texts: list[str], end: datetime, n: int) -> Iterator[tuple[Article, list[Statement], str | None]]:
    """(article, statements, story id its planted repeat belongs to or None)."""
    rng = gen.rng
    for i in range(n):
        sts = [said(gen.sentence()) for _ in range(rng.randint(0, 2))]
        expect = None
        if i % 2 == 0:
            j, text = planted(rng, gen, texts)
            sts.insert(rng.randint(0, len(sts)), said(text))
            expect = f"busystory{j // PER_ARTICLE}"
        elif not sts:
            sts = [said(gen.sentence())]
        yield (Article(f"busynew{i}", f"https://other.example/{i}", f"Busy rewrite {i}", "", "other", "Other Outlet",
                       end + timedelta(seconds=60 * i)), sts, expect)


def measure(stores: list[StoreBackend], end: datetime, window: float, n: int, seed: int) -> list[dict[str, float]]:
    """Load the busy history into each (empty) store, run the same stream through them in turn (one
    article each, so that load on the machine hits all alike); per store: ms per article (median of
    blocks of 20), repeats planted and found."""
    gen = make_gen(seed)
    rows, texts = busy_history(gen, end)
    for s in stores:
        s.bulk_load(rows, now=end)
        s.optimize()
    stream = list(busy_stream(gen, texts, end, n))
    spent: list[list[float]] = [[] for _ in stores]
    found = [0] * len(stores)
    for art, sts, expect in stream:
        for k, s in enumerate(stores):
            t = time.perf_counter()
            events = process_article(s, art, sts, art.published + timedelta(seconds=5), window)
            spent[k].append(time.perf_counter() - t)
            if expect is not None and any(e.story_id == expect and not e.new for e in events):
                found[k] += 1
    out = []
    for k in range(len(stores)):
        blocks = sorted(sum(spent[k][i:i + 20]) / len(spent[k][i:i + 20]) for i in range(0, n, 20))
        out.append({"ms_per_article": blocks[len(blocks) // 2] * 1000, "mean_ms": sum(spent[k]) / n * 1000,
                    "planted": sum(e is not None for *_, e in stream), "found": found[k]})
    return out


def key_recall(pairs: int, seed: int) -> tuple[int, int]:
    """(rewrites the fuzzy rules call the same statement, of them sharing a key with the original)."""
    from watchers.store.shingles import query_keys, stored_keys

    gen = make_gen(seed)
    same = hit = 0
    for _ in range(pairs):
        text = gen.sentence()
        new = rewrite(gen.rng, gen, text)
        if match_score(normalise(new), normalise(text)) > 0:
            same += 1
            hit += bool(set(query_keys(SPEAKER, [new])) & set(stored_keys(SPEAKER, text)))
    return same, hit
