"""How a statement is found again by its words: indexed word-shingle keys (level 3 of dedup).

Level 3 of watchers.stories.dedup compares a new quote with the speaker's stored statements in the
window. Comparing with all of them costs one fuzzy match each (a busy speaker has thousands in three
days); comparing with the newest N leaves older repeats unseen. Instead each stored statement gets a few
keys in an indexed table, and the candidates of a new quote are the statements sharing a key with it:
the few that could match. The fuzzy rules (watchers.statements.similarity.match_score) still decide.

A key is the 32-bit hash of (speaker id, a shingle of consecutive words of the normalised text), each
word cut to its first PREFIX letters, so that "councils" / "council" or "programme" / "program" keep
their shingles. Stored side: a text of more than 6 words by its 3-word shingles -- all of them up to
ALL_KEYS_UP_TO, else the winnowed ones (in each window of WINNOW consecutive shingles, the one with the
smallest hash: Schleimer et al., 2003), about half, and every window still represented; a text of 4-6
words by its word pairs, of 1-3 words by its words (SHORT_SHINGLES). Query side: every single word,
pair and 3-word shingle of the new quote, so it meets the stored key of any window it shares.

What the lookup guarantees: a new quote shares a key with a stored one when the two have in common a
run of 5 words (WINNOW + SHINGLE - 1) with a text of more than 10 words, 3 words with one of 7-10, 2
with one of 4-6, a word with one of 1-3. That is what an outlet's rewrite keeps: a trimmed quote (>= 5
words: the shortest that may match by alignment), changed punctuation, a word or two different. On
rewrites of that kind of 4,233 real news quotes (bench.busy_speaker's, 71,884 pairs the fuzzy rules
call the same statement), all but one shared a key (a trimmed and edited quote left a 4-word run).

Keys are 32-bit (half the index of 64-bit ones): a chance collision only adds a candidate of another
speaker, which the lookup drops.

Stored keys are bucketed by time (`bucketed`): the stored integer is the statement's published second
>> BUCKET_BITS in its high 32 bits, the 32-bit shingle hash in its low ones. The table's index is
ordered by that integer, so one period's rows sit together: the window's lookups (`window_keys`: each
query key in every bucket the window touches) and the new rows' inserts stay in one compact, recent
part of the index, however long the history. With the bare hash first, both were spread over the whole
index: at 100,000 stories each article's dedup read ~35 index pages from outside SQLite's cache and
dirtied pages all over a 0.5 GB file, which the WAL checkpoint then wrote back (bench_store on SQLite:
dedup cost 100k / 1k stories, median of paired rounds, 1.56 -> 1.25; bench/README.md).

Changing any constant here changes the keys of stored rows: it needs a migration that rebuilds the
statement_keys table. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable

from watchers.statements.similarity import normalise

# Words per key: 3 words in common are rarely chance within one speaker's statements (2 would be: "we
# will", "of the"), and an edited word disturbs only three keys.
SHINGLE = 3
# Letters kept of each word: inflection and British/American spelling mostly change a word's ending.
PREFIX = 5
# Shorter texts are keyed by shorter shingles: an edited word in a five-word quote leaves no three words
# in common, and the fuzzy rules still call such texts the same when the edit is small ("in the home
# stretch" / "in the final stretch"). (most words, shingle size) per band of text length.
SHORT_SHINGLES = ((3, 1), (6, 2))
# Winnowing window (in shingles). 3 guarantees a 5-word shared run is found: the minimum trimmed quote.
WINNOW = 3
# Texts with at most this many shingles (10 words) keep all their keys: a light edit of a short quote
# leaves short runs only, and such texts add few rows anyway.
ALL_KEYS_UP_TO = 8
# Seconds per time bucket of the stored keys, as a power of two: 2**20 s, about 12 days, twice the
# default window's span (72 h either side), so a lookup reads one bucket or two. The migration to
# schema 11 computes the same in SQL: ((published >> 20) << 32) | (key & 4294967295).
BUCKET_BITS = 20
_LOW32 = 0xFFFFFFFF


def _words(text: str) -> list[str]:
    return [w[:PREFIX] for w in normalise(text).split()]


def _hashes(speaker_id: str, words: list[str], size: int) -> list[int]:
    """Hashes of the word shingles of `size` words (the whole text when it is shorter)."""
    grams = [" ".join(words[i:i + size]) for i in range(max(1, len(words) - size + 1))]
    prefix = speaker_id + "\x1f"
    return [int.from_bytes(hashlib.blake2b((prefix + g).encode(), digest_size=4).digest(), "big", signed=True)
            for g in grams]


def query_keys(speaker_id: str, texts: Iterable[str]) -> list[int]:
    """Every key of the texts (signed 32-bit, distinct, sorted): what to look up for new quotes. The
    single words and pairs too: short stored texts have those (they find nothing else, so each costs
    an index probe, not candidates)."""
    out: set[int] = set()
    sizes = (SHINGLE, *(size for _, size in SHORT_SHINGLES))
    for text in texts:
        words = _words(text)
        out.update(h for size in sizes for h in _hashes(speaker_id, words, size))
    return sorted(out)


def stored_keys(speaker_id: str, text: str) -> list[int]:
    """The keys a stored statement is indexed under (signed 32-bit, distinct)."""
    words = _words(text)
    for most, size in SHORT_SHINGLES:
        if len(words) <= most:
            return sorted({h for h in _hashes(speaker_id, words, size)})
    hs = _hashes(speaker_id, words, SHINGLE)
    if len(hs) <= ALL_KEYS_UP_TO:
        return sorted({h for h in hs})
    return sorted({min(hs[i:i + WINNOW]) for i in range(len(hs) - WINNOW + 1)})


def bucketed(key: int, second: int) -> int:
    """A key (stored_keys, query_keys) as stored for a statement published at `second`: its time
    bucket in the high 32 bits (see the module docstring). Applied twice, the same."""
    return ((second >> BUCKET_BITS) << 32) | (key & _LOW32)


def window_keys(keys: Iterable[int], since: int, until: int) -> list[int]:
    """What to look up for query `keys` in the statements published between the seconds since and
    until: each key in every time bucket of that span (sorted, distinct)."""
    buckets = range(since >> BUCKET_BITS, (until >> BUCKET_BITS) + 1)
    return sorted({bucketed(k, b << BUCKET_BITS) for k in keys for b in buckets})


def key_rows(rows: Iterable[tuple[int, str, str, float]]) -> list[tuple[int, int, int]]:
    """(stored key, published second, statement id) rows of stored statements given as (id, speaker_id,
    text, published). The second is the published time rounded down: a smaller index than the exact
    time, and a range on it holds the exact range (the lookup checks the exact time on the statement)."""
    return [(bucketed(k, math.floor(pub)), math.floor(pub), sid)
            for sid, speaker, text, pub in rows for k in stored_keys(speaker, text)]
