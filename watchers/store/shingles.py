"""How a statement is found again by its words: indexed word-shingle keys (level 3 of dedup).

Level 3 of watchers.stories.dedup compares a new quote with the speaker's stored statements in the
window. Comparing with all of them costs one fuzzy match each (a busy speaker has thousands in three
days); comparing with the newest N leaves older repeats unseen. Instead each stored statement gets a few
keys in an indexed table, and the candidates of a new quote are the statements sharing a key with it:
the few that could match. The fuzzy rules (watchers.statements.similarity.match_score) still decide.

A key is the 64-bit hash of (speaker id, SHINGLE consecutive words of the normalised text), each word cut
to its first PREFIX letters, so that "councils" / "council" or "programme" / "program" keep their
shingles. What the lookup guarantees: a new quote shares a key with a stored one when the two have a run
of WINNOW + SHINGLE - 1 (5) words in common, or, for a stored text of at most ALL_KEYS_UP_TO shingles,
a run of SHINGLE (3) words. That is what an outlet's rewrite keeps: a trimmed quote (>= 5 words: the
shortest that may match by alignment), changed punctuation, a word or two different. A text of fewer
than SHINGLE words has one key, its whole text.

Stored side: every shingle of a short text, and of a longer one the winnowed shingles (in each window
of WINNOW consecutive shingles, the one with the smallest hash: Schleimer et al., 2003) -- about half,
and still every window of WINNOW shingles is represented. Query side: every shingle of the new quote,
so any of its windows meets the stored key of that window.

Changing any constant here changes the keys of stored rows: it needs a migration that rebuilds the
statement_keys table. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from watchers.statements.similarity import normalise
from watchers.store.bands import to_signed

# Words per key: 3 words in common are rarely chance within one speaker's statements (2 would be: "we
# will", "of the"), and an edited word disturbs only three keys.
SHINGLE = 3
# Letters kept of each word: inflection and British/American spelling mostly change a word's ending.
PREFIX = 5
# Winnowing window (in shingles). 3 guarantees a 5-word shared run is found: the minimum trimmed quote.
WINNOW = 3
# Texts with at most this many shingles (10 words) keep all their keys: a light edit of a short quote
# leaves short runs only, and such texts add few rows anyway.
ALL_KEYS_UP_TO = 8


def _hashes(speaker_id: str, text: str) -> list[int]:
    words = [w[:PREFIX] for w in normalise(text).split()]
    if len(words) < SHINGLE:
        grams = [" ".join(words)]
    else:
        grams = [" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)]
    prefix = speaker_id + "\x1f"
    return [int.from_bytes(hashlib.blake2b((prefix + g).encode(), digest_size=8).digest(), "big") for g in grams]


def query_keys(speaker_id: str, texts: Iterable[str]) -> list[int]:
    """Every key of the texts (signed 64-bit, distinct, sorted): what to look up for new quotes."""
    return sorted({to_signed(h) for t in texts for h in _hashes(speaker_id, t)})


def stored_keys(speaker_id: str, text: str) -> list[int]:
    """The keys a stored statement is indexed under (signed 64-bit, distinct)."""
    hs = _hashes(speaker_id, text)
    if len(hs) <= ALL_KEYS_UP_TO:
        return sorted({to_signed(h) for h in hs})
    return sorted({to_signed(min(hs[i:i + WINNOW])) for i in range(len(hs) - WINNOW + 1)})


def key_rows(rows: Iterable[tuple[int, str, str, float]]) -> list[tuple[int, float, int]]:
    """(key, published, statement id) rows of stored statements given as (id, speaker_id, text, published)."""
    return [(k, pub, sid) for sid, speaker, text, pub in rows for k in stored_keys(speaker, text)]
