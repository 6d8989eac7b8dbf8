"""Near-duplicate fingerprints of article text (level 2 of watchers.stories.dedup): 64-bit SimHash.

Wire copy republished under another headline, or lightly edited (a sentence cut, a typo fixed), keeps
almost all of its word 3-shingles, so its SimHash differs from the original's in a few bits only, while
unrelated texts differ in about 32: two texts are the same text within MAX_DISTANCE bits
(watchers.store.bands.hamming). How the store finds the fingerprints near a new one without reading the
whole history (indexed bands, one-bit probes) is the store's index layout: watchers.store.bands.

Pure functions, no I/O. Fingerprints are unsigned 64-bit ints (BITS, the width the store keeps).
"""

from __future__ import annotations

import hashlib
import re

from watchers.statements.similarity import fold_marks
from watchers.store.bands import BANDS, BITS

# Word 3-shingles: long enough that two articles sharing common phrases ("the minister said on") do not
# look alike, short enough that one edited word disturbs only three shingles.
SHINGLE = 3
# Below this many words (a feed summary, a one-line brief) a fingerprint says little: two different short
# briefs about the same briefing can land within a few bits of each other. Such texts get no fingerprint
# and rely on levels 1 and 3 of the dedup.
MIN_WORDS = 40
# Hamming distance at or below which two texts are the same text. 3 (the textbook value for crawls of
# long pages) misses a 200-word wire story with one sentence added (~4-5 bits); 6 still means ~90% of
# shingles in common, and random texts come that close with odds of about 1e-11. It must stay below
# 2 * BANDS for the one-bit probes to find every pair.
MAX_DISTANCE = 6
assert MAX_DISTANCE < 2 * BANDS, "the one-bit band probes find pairs within 2 * BANDS - 1 bits only"

_WORD = re.compile(r"\w+")


def words(text: str) -> list[str]:
    """The text's words, case-folded, compatibility-normalised and without diacritics."""
    return _WORD.findall(fold_marks(text))


def simhash(text: str) -> int | None:
    """64-bit SimHash of the text's distinct word shingles, or None when the text is too short to tell."""
    ws = words(text)
    if len(ws) < MIN_WORDS:
        return None
    shingles = {" ".join(ws[i : i + SHINGLE]) for i in range(len(ws) - SHINGLE + 1)}
    digests = [hashlib.blake2b(s.encode(), digest_size=BITS // 8).hexdigest() for s in shingles]
    n = len(digests)
    # Bit counting, column by column: all hashes laid end to end as one binary string, so column i is the
    # slice [i::64]. str.count runs in C, which makes this ~5x faster than a per-bit Python loop.
    bits = format(int("".join(digests), 16), f"0{BITS * n}b")
    out = 0
    for i in range(BITS):
        out = (out << 1) | (1 if 2 * bits[i::BITS].count("1") > n else 0)
    return out
