"""The sentences of one paragraph for languages read by lemma, bounded in length, and the quotes in
each: every step a walk that goes forward only, so a paragraph costs time linear in its length.

    sentences(g, text, lo, hi, quotes) -> [(start, end)]
    QuotesIn(quotes).between(start, end) -> [Quote]

razdel's sentences are joined where a boundary falls inside a quote or before "— сказал он". A
sentence longer than MAX_SENTENCE_CHARS outside its quotes (a page without full stops, a list run
together, an attack) is read in pieces of at most that length, cut at a comma or a space outside
quotes: the per-sentence passes look at the cues and quotes of their sentence for each one, which is
cheap in a real sentence and quadratic in a 500 KB one. Real news sentences are a fraction of it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from types import ModuleType

from watchers.statements.quotemarks import Quote

MAX_SENTENCE_CHARS = 2_000
QUOTE_CHARS = 20
_RUN_ON_RE = re.compile(r"\s*[—–―−]\s*[а-яё]")


def sentences(g: ModuleType, text: str, lo: int, hi: int, quotes: Sequence[Quote]) -> list[tuple[int, int]]:
    """The sentences of text[lo:hi]; `quotes` are the paragraph's, in order of their opening mark."""
    out: list[tuple[int, int]] = []
    k = 0  # the first quote that may still close after a boundary
    for a, b in g.sentences(text, lo, hi):
        while k < len(quotes) and quotes[k].close <= a:
            k += 1
        inside = _inside(quotes, k, a)
        if out and (inside or _RUN_ON_RE.match(text, a)):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    index = QuotesIn(quotes)
    return [piece for span in out for piece in _pieces(text, span, index)]


def _inside(quotes: Sequence[Quote], k: int, at: int) -> bool:
    """Whether `at` is strictly inside a quote, looking from quote k (the first closing after `at`).
    Quotes open in order and rarely nest, so the look stops at the first that opens at or after it."""
    for i in range(k, len(quotes)):  # indexed, not sliced: a slice would copy the rest each time
        q = quotes[i]
        if q.open >= at:
            return False
        if q.open < at < q.close:
            return True
    return False


def _pieces(text: str, span: tuple[int, int], index: QuotesIn) -> list[tuple[int, int]]:
    """The sentence `span` in pieces of at most MAX_SENTENCE_CHARS characters outside its quotes,
    each quote counted as QUOTE_CHARS (a quote's words are not the passes' work: a long quoted speech
    stays whole, with its attribution; but thousands of quotes side by side are)."""
    a, b = span
    if b - a <= MAX_SENTENCE_CHARS:
        return [span]
    gaps: list[tuple[int, int]] = []  # the text between the sentence's outer quotes
    pos = a
    for q in index.between(a, b):
        if q.open < pos:
            continue  # nested in the last one
        gaps.append((pos, q.open))
        pos = max(pos, q.close)
    gaps.append((pos, b))
    out: list[tuple[int, int]] = []
    start, used = a, 0
    for k, (x, y) in enumerate(gaps):
        while used + (y - x) > MAX_SENTENCE_CHARS:
            cut = _cut(text, x, x + MAX_SENTENCE_CHARS - used)
            out.append((start, cut))
            start = x = _skip_space(text, cut, y)
            used = 0
        used += y - x
        if k < len(gaps) - 1:  # a quote follows this gap
            if used + QUOTE_CHARS > MAX_SENTENCE_CHARS and y > start:
                out.append((start, y))
                start, used = y, 0
            used += QUOTE_CHARS
    out.append((start, b))
    return [(s, e) for s, e in out if e > s]


def _cut(text: str, x: int, limit: int) -> int:
    """Where a piece ends inside the gap from x: after its last comma before `limit`, else at its last
    space, else at the limit itself (a run with neither is not prose)."""
    comma = text.rfind(",", x, limit)
    if comma >= x:
        return comma + 1
    space = text.rfind(" ", x + 1, limit)
    return space if space > x else limit


def _skip_space(text: str, i: int, hi: int) -> int:
    while i < hi and text[i].isspace():
        i += 1
    return i


class QuotesIn:
    """The quotes opening inside a span, for spans given in reading order (bisected, not scanned)."""

    def __init__(self, quotes: Sequence[Quote]) -> None:
        self.quotes = quotes
        self.opens = [q.open for q in quotes]

    def between(self, lo: int, hi: int) -> list[Quote]:
        i = bisect_left(self.opens, lo)
        j = bisect_left(self.opens, hi, i)
        return list(self.quotes[i:j])
