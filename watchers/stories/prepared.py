"""Dedup's pure, CPU-heavy inputs of one article, computed where the article was extracted.

watchers.stories.dedup.process_article runs on the store's thread, in the service's main process, one
article at a time: what it computes there is neither parallel with the extraction workers nor off the
GIL the event loop needs. Most of that work does not need the store: the text's fingerprint (SimHash
over every word shingle of a ~5 KB text), the normalised title, and the word-shingle keys of the
statements (watchers.store.shingles: what a quote is looked up by, and what it is indexed under once
stored). `prepare` computes them in the extraction worker right after the statements (one call, no
second trip through the pool); dedup then only looks up, decides and writes.

The values are those dedup would compute itself, by the same functions on the same inputs, so the
decisions cannot differ; dedup computes whatever it is not given (tests, the CLI, a missing key).
Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from watchers.model import Statement
from watchers.statements.similarity import normalise
from watchers.store.shingles import query_keys, stored_keys
from watchers.stories.fingerprint import simhash


@dataclass(frozen=True)
class Prepared:
    """One article's dedup inputs that need no store (see the module docstring)."""

    norm_title: str
    fingerprint: int | None
    # tracked speaker id -> query_keys(speaker, the texts of the speaker's statements in the article)
    query: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # (speaker id, statement text) -> stored_keys(speaker, text)
    stored: dict[tuple[str, str], tuple[int, ...]] = field(default_factory=dict)

    def query_keys(self, speaker_id: str, texts: Sequence[str]) -> tuple[int, ...]:
        """The lookup keys of the speaker's texts: prepared, or computed now."""
        keys = self.query.get(speaker_id)
        return tuple(query_keys(speaker_id, texts)) if keys is None else keys

    def stored_keys(self, speaker_id: str, text: str) -> tuple[int, ...]:
        """The keys a stored statement is indexed under: prepared, or computed now."""
        keys = self.stored.get((speaker_id, text))
        return tuple(stored_keys(speaker_id, text)) if keys is None else keys


def prepare(text: str, title: str, statements: Sequence[Statement]) -> Prepared:
    """The dedup inputs of an article with this text, title and (extracted) statements."""
    texts: dict[str, list[str]] = {}
    for st in statements:
        if st.speaker_id is not None:
            texts.setdefault(st.speaker_id, []).append(st.text)
    return Prepared(
        norm_title=normalise(title),
        fingerprint=simhash(text),
        query={s: tuple(query_keys(s, ts)) for s, ts in texts.items()},
        stored={(s, t): tuple(stored_keys(s, t)) for s, ts in texts.items() for t in ts},
    )
