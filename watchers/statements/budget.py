"""The work cap of one article's extraction: how much text is read and for how long.

Extraction is linear in the text, but a feed may carry 10 MB and a page 2 MB, and a shared machine
may be slow: past the cap the rest of the article is left unread, what was found so far is kept,
and the log says where reading stopped. Never an exception: a capped article is still recorded.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

# Characters of body text read per article. Real articles are under 100 KB of text; 1 MB is ~2 s of
# extraction on a loaded core, and anything past it is a dump, not an article.
MAX_ARTICLE_CHARS = 1_000_000
# Tokens segmented per article (~6 characters each): the same cap counted in work, for text dense in
# marks and punctuation.
MAX_ARTICLE_TOKENS = 250_000
# Statements kept per article: the longest live blog of the annotated corpus has ~100. Thousands are
# a dump or an attack, and each one costs a fingerprint and rows in dedup and the store downstream.
MAX_ARTICLE_STATEMENTS = 1_000
# Seconds of segmenting after which the rest is left unread (the later passes are linear in what
# was segmented, so they take a small multiple of this).
MAX_ARTICLE_SECONDS = 1.0


class Budget:
    """The cap of one extraction; records where reading stopped, if it did."""

    def __init__(
        self,
        max_chars: int = MAX_ARTICLE_CHARS,
        max_tokens: int = MAX_ARTICLE_TOKENS,
        max_seconds: float = MAX_ARTICLE_SECONDS,
        max_statements: int = MAX_ARTICLE_STATEMENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_chars = max_chars
        self.max_tokens = max_tokens
        self.max_seconds = max_seconds
        self.max_statements = max_statements
        self.clock = clock
        self.started = clock()
        self.stopped_at: int | None = None  # character offset where reading stopped
        self.reason = ""
        self.statements_dropped = 0

    def clip(self, paras: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """The paragraphs within the first `max_chars` characters (the last one cut there)."""
        if not paras or paras[-1][1] <= self.max_chars:
            return paras
        kept = [(a, min(b, self.max_chars)) for a, b in paras if a < self.max_chars]
        self._stop(self.max_chars, f"{self.max_chars:,} characters")
        return [(a, b) for a, b in kept if b > a]

    def exhausted(self, position: int, tokens: int) -> bool:
        """True (once, and from then on) when the tokens or the time are used up at `position`."""
        if tokens >= self.max_tokens:
            self._stop(position, f"{self.max_tokens:,} tokens")
            return True
        if self.clock() - self.started >= self.max_seconds:
            self._stop(position, f"{self.max_seconds:g} s")
            return True
        return False

    def excluding(self, setup: Callable[[], object]) -> None:
        """Run `setup` (a once-per-process load, not the article's work) without counting its time."""
        began = self.clock()
        setup()
        self.started += self.clock() - began

    def first_statements(self, found: list[T]) -> list[T]:
        """The first `max_statements` of `found` (in reading order)."""
        if len(found) <= self.max_statements:
            return found
        self.statements_dropped = len(found) - self.max_statements
        return found[: self.max_statements]

    def _stop(self, position: int, reason: str) -> None:
        if self.stopped_at is None or position < self.stopped_at:
            self.stopped_at, self.reason = position, reason

    @property
    def capped(self) -> bool:
        return self.stopped_at is not None or self.statements_dropped > 0

    def report(self, length: int) -> None:
        if self.statements_dropped:
            log.warning(
                "extraction capped at %d statements: %d more left out",
                self.max_statements,
                self.statements_dropped,
                extra={"dropped_statements": self.statements_dropped},
            )
        if self.stopped_at is not None:
            log.warning(
                "extraction capped at %s: read %d of %d characters; statements after that are left out",
                self.reason,
                self.stopped_at,
                length,
                extra={"capped_at": self.stopped_at, "length": length},
            )
