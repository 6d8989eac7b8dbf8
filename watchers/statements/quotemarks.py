"""Pair quotation marks into quoted spans, paragraph by paragraph.

Outer quotes use double marks (“ ” " « » „ “); single marks (‘ ’ ') are quotes only outside a double
quote (headlines, British-style copy) and are told apart from apostrophes by what stands on either
side: a mark between two letters (Russia’s), before a digit (’90s) or closing nothing (students’) is
an apostrophe. A quote never crosses a paragraph unless the newsroom convention applies: the
paragraph ends with the quote still open and the next one opens with a quote mark, unless that
one is a quote of the other kind of marks closed by its own (a stray straight mark, then “...”);
only the last closes. An unclosed quote is kept only when it opens a sentence, up to the paragraph's end.

Some outlets (the New York Times' wire copy) write double quotes as two apostrophes, ''like this'';
`doubled_as_double` reads them as double marks before any pass sees the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from watchers.statements.lang import en as lang
from watchers.statements.quoteclose import Closers, closer_ctx, is_apostrophe, opener_ctx

# An unclosed quote longer than this is a stray mark in scraped text, not a quote.
MAX_UNCLOSED_CHARS = 1200
# A quote continued over more paragraphs than this is a run of unbalanced marks.
MAX_CONTINUED_PARAGRAPHS = 12
# A single-quoted span this short is an elision ('n'), not a quote.
MIN_SINGLE_CONTENT = 3

_SENTENCE_END = set(".!?:…")
_MARK_RE = re.compile("[" + re.escape(lang.ALL_MARKS) + "]")


# Two apostrophes that open (after a space, a bracket or a dash, before a word) or close (after a
# word or punctuation, before a space, punctuation or the end) a quote.
_DOUBLED_OPEN_RE = re.compile(r"(?:(?<=^)|(?<=[\s(\[{\u2014\u2013-]))''(?=[^\s'])", re.MULTILINE)
_DOUBLED_CLOSE_RE = re.compile(r"(?<=[^\s'])''(?=[\s,.;:!?)\]}\u2014\u2013-]|$)", re.MULTILINE)
# Three apostrophes: a nested single quote opening right after the double one, or closing right
# before it ("a special case,'''"): the single mark stays, the other two are the double one.
_TRIPLE_OPEN_RE = re.compile(r"(?:(?<=^)|(?<=[\s(\[{\u2014\u2013-]))'''(?=[^\s'])", re.MULTILINE)
_TRIPLE_CLOSE_RE = re.compile(r"(?<=[^\s'])'''(?=[\s,.;:!?)\]}\u2014\u2013-]|$)", re.MULTILINE)


def doubled_as_double(text: str) -> str:
    """The text with each quoting pair of apostrophes ('') turned into a space and a double mark,
    the space on the outside (` "` opening, `" ` closing), so that every offset stays the same and
    the mark has the neighbours the pairing expects. One regex pass each: linear."""
    if "''" not in text:
        return text
    if "'''" in text:
        text = _TRIPLE_OPEN_RE.sub(" \"'", text)
        text = _TRIPLE_CLOSE_RE.sub("'\" ", text)
    text = _DOUBLED_OPEN_RE.sub(' "', text)
    return _DOUBLED_CLOSE_RE.sub('" ', text)


@dataclass(frozen=True)
class Quote:
    open: int  # index of the opening mark
    start: int  # first character inside
    end: int  # end of the content (exclusive): the closing mark's index, or the paragraph's end
    close: int  # index after the closing mark (== end when unclosed)
    paragraphs: int = 1  # how many paragraphs it runs over


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    """Every outer quote in the text, in order. `paragraphs` are (start, end) spans in order."""
    quotes: list[Quote] = []
    k = 0
    while k < len(paragraphs):
        lo, hi = paragraphs[k]
        closers = Closers(text, lo, hi)
        i = lo
        while i < hi:
            q, nxt = _scan_one(text, i, lo, hi, closers)
            if q is None:
                break
            if q.close >= 0:
                quotes.append(q)
                i = nxt
                continue
            # Open at the paragraph's end: newsroom continuation, or a sentence-opening quote left
            # unclosed, or a stray mark (skip it and go on after it).
            cont = _continue(text, q, paragraphs, k)
            if cont is not None:
                quotes.append(cont[0])
                k = cont[1]
                lo, hi = paragraphs[k]
                closers = Closers(text, lo, hi)
                i = cont[0].close
                continue
            end = hi
            while end > q.start and text[end - 1].isspace():
                end -= 1
            if (
                _opens_sentence(text, q.open, lo)
                and end - q.start <= MAX_UNCLOSED_CHARS
                and end > q.start
                and not _other_kind_next(text, q, paragraphs, k)
            ):
                quotes.append(Quote(q.open, q.start, end, end))
                break
            i = q.open + 1
        k += 1
    return quotes


def _opens_sentence(text: str, i: int, lo: int) -> bool:
    j = i - 1
    while j >= lo and text[j].isspace():
        j -= 1
    return j < lo or text[j] in _SENTENCE_END


def _other_kind_next(text: str, q: Quote, paragraphs: list[tuple[int, int]], k: int) -> bool:
    """Does the next paragraph open with a quote of the other kind of marks than q's, closed by its
    own kind (a straight mark left open, then '“...,” she said')? Then q's mark is a stray one of
    scraped copy, not an unclosed quote."""
    if k + 1 >= len(paragraphs):
        return False
    opening = _opening_quote(text, *paragraphs[k + 1])
    return opening is not None and _other_kind(text, q, *opening)


def _opening_quote(text: str, lo: int, hi: int) -> tuple[int, int] | None:
    """(its mark, where it closes or -1) of the quote paragraph [lo, hi) opens with, else None."""
    j = lo
    while j < hi and text[j].isspace():
        j += 1
    if j >= hi or not (text[j] in lang.DOUBLE_OPEN or text[j] == lang.STRAIGHT_DOUBLE):
        return None
    return j, Closers(text, lo, hi).double_close(j + 1, text[j])


def _other_kind(text: str, q: Quote, mark: int, close: int) -> bool:
    """Is the quote at `mark`, closed at `close`, of the other kind of marks than q's, and closed by its own?"""
    return close >= 0 and _straight(text[close]) == _straight(text[mark]) != _straight(text[q.open])


def _straight(mark: str) -> bool:
    return mark == lang.STRAIGHT_DOUBLE


def _continue(text: str, q: Quote, paragraphs: list[tuple[int, int]], k: int) -> tuple[Quote, int] | None:
    """Follow a quote left open at a paragraph's end through paragraphs that each open with a mark."""
    n = k
    while n + 1 < len(paragraphs) and n - k < MAX_CONTINUED_PARAGRAPHS:
        opening = _opening_quote(text, *paragraphs[n + 1])
        if opening is None:
            return None
        n += 1
        mark, inner = opening
        if _other_kind(text, q, mark, inner):
            return None  # '"A stray mark.' then '“A quote,” she said.': a new quote, not a continued one
        if inner >= 0:
            return Quote(q.open, q.start, inner, inner + 1, n - k + 1), n
    return None


def _scan_one(text: str, i: int, lo: int, hi: int, closers: Closers) -> tuple[Quote | None, int]:
    """The next quote opening at or after i in paragraph [lo, hi): (quote, index after it);
    close == -1 when it is left open."""
    while i < hi:
        m = _MARK_RE.search(text, i, hi)
        if m is None:
            return None, hi
        i = m.start()
        c = text[i]
        if c in lang.DOUBLE_OPEN or c == lang.STRAIGHT_DOUBLE or c == "\u201d":
            if c == lang.STRAIGHT_DOUBLE or c == "\u201d":
                if not opener_ctx(text, i, lo, hi):
                    i += 1
                    continue
            elif c == "\u201c" and closer_ctx(text, i, lo, hi) and not opener_ctx(text, i, lo, hi):
                i += 1  # a closing “ of „…“ style with no opener: stray
                continue
            close = closers.double_close(i + 1, c)
            if close < 0:
                return Quote(i, i + 1, hi, -1), hi
            return Quote(i, i + 1, close, close + 1), close + 1
        if (
            (c in lang.SINGLE_OPEN or c == lang.STRAIGHT_SINGLE)
            and opener_ctx(text, i, lo, hi)
            and not (is_apostrophe(text, i, lo, hi))
        ):
            close = closers.single_close(i + 1)
            if close >= 0 and close - (i + 1) >= MIN_SINGLE_CONTENT:
                return Quote(i, i + 1, close, close + 1), close + 1
        i += 1
    return None, hi
