"""Pair quotation marks into quoted spans, paragraph by paragraph.

Outer quotes use double marks (“ ” " « » „ “); single marks (‘ ’ ') are quotes only outside a double
quote (headlines, British-style copy) and are told apart from apostrophes by what stands on either
side: a mark between two letters (Russia’s), before a digit (’90s) or closing nothing (students’) is
an apostrophe. A quote never crosses a paragraph unless the newsroom convention applies: the
paragraph ends with the quote still open and the next one opens with a quote mark; only the last
closes. An unclosed quote is kept only when it opens a sentence, up to the paragraph's end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from watchers.statements.lang import en as lang

# An unclosed quote longer than this is a stray mark in scraped text, not a quote.
MAX_UNCLOSED_CHARS = 1200
# A quote continued over more paragraphs than this is a run of unbalanced marks.
MAX_CONTINUED_PARAGRAPHS = 12
# A single-quoted span this short is an elision ('n'), not a quote.
MIN_SINGLE_CONTENT = 3

_OPEN_BEFORE = set(" \t\n\r([{—–-/\u00a0") | set(lang.ALL_MARKS)
_CLOSE_AFTER = set(" \t\n\r,.;:!?)]}—–-/…\u00a0") | set(lang.ALL_MARKS)
_SENTENCE_END = set(".!?:…")
_STRONG_BEFORE = set(",.!?…;:")
_MARK_RE = re.compile("[" + re.escape(lang.ALL_MARKS) + "]")


@dataclass(frozen=True)
class Quote:
    open: int  # index of the opening mark
    start: int  # first character inside
    end: int  # end of the content (exclusive): the closing mark's index, or the paragraph's end
    close: int  # index after the closing mark (== end when unclosed)
    paragraphs: int = 1  # how many paragraphs it runs over


def _opener_ctx(text: str, i: int, lo: int, hi: int) -> bool:
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    return before in _OPEN_BEFORE and not after.isspace()


def _closer_ctx(text: str, i: int, lo: int, hi: int) -> bool:
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    return not before.isspace() and (after in _CLOSE_AFTER)


def _is_apostrophe(text: str, i: int, lo: int, hi: int) -> bool:
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    return (before.isalnum() and after.isalnum()) or after.isdigit()


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    """Every outer quote in the text, in order. `paragraphs` are (start, end) spans in order."""
    quotes: list[Quote] = []
    k = 0
    while k < len(paragraphs):
        lo, hi = paragraphs[k]
        i = lo
        while i < hi:
            q, nxt = _scan_one(text, i, lo, hi)
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
                i = cont[0].close
                continue
            end = hi
            while end > q.start and text[end - 1].isspace():
                end -= 1
            if _opens_sentence(text, q.open, lo) and end - q.start <= MAX_UNCLOSED_CHARS and end > q.start:
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


def _continue(text: str, q: Quote, paragraphs: list[tuple[int, int]], k: int) -> tuple[Quote, int] | None:
    """Follow a quote left open at a paragraph's end through paragraphs that each open with a mark."""
    n = k
    while n + 1 < len(paragraphs) and n - k < MAX_CONTINUED_PARAGRAPHS:
        lo, hi = paragraphs[n + 1]
        j = lo
        while j < hi and text[j].isspace():
            j += 1
        if j >= hi or not (text[j] in lang.DOUBLE_OPEN or text[j] == lang.STRAIGHT_DOUBLE):
            return None
        n += 1
        inner, _ = _scan_close(text, j + 1, hi, text[j])
        if inner >= 0:
            return Quote(q.open, q.start, inner, inner + 1, n - k + 1), n
    return None


def _scan_one(text: str, i: int, lo: int, hi: int) -> tuple[Quote | None, int]:
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
                if not _opener_ctx(text, i, lo, hi):
                    i += 1
                    continue
            elif c == "\u201c" and _closer_ctx(text, i, lo, hi) and not _opener_ctx(text, i, lo, hi):
                i += 1  # a closing “ of „…“ style with no opener: stray
                continue
            close, _ = _scan_close(text, i + 1, hi, c)
            if close < 0:
                return Quote(i, i + 1, hi, -1), hi
            return Quote(i, i + 1, close, close + 1), close + 1
        if (
            (c in lang.SINGLE_OPEN or c == lang.STRAIGHT_SINGLE)
            and _opener_ctx(text, i, lo, hi)
            and not (_is_apostrophe(text, i, lo, hi))
        ):
            close = _scan_single_close(text, i + 1, hi)
            if close >= 0 and close - (i + 1) >= MIN_SINGLE_CONTENT:
                return Quote(i, i + 1, close, close + 1), close + 1
        i += 1
    return None, hi


def _scan_close(text: str, i: int, hi: int, opener: str) -> tuple[int, int]:
    """Index of the mark closing a double quote opened by `opener`, or -1; nested doubles skipped."""
    depth = 0
    lo = i - 1
    while i < hi:
        c = text[i]
        if c == lang.STRAIGHT_DOUBLE:
            opens = _opener_ctx(text, i, lo, hi)
            closes = _closer_ctx(text, i, lo, hi)
            if closes and (not opens or depth == 0):
                if depth == 0:
                    return i, i + 1
                depth -= 1
            elif opens:
                depth += 1
        elif c == "\u201c":
            if opener == "\u201e" and depth == 0:
                return i, i + 1
            if _closer_ctx(text, i, lo, hi) and not _opener_ctx(text, i, lo, hi) and depth == 0:
                return i, i + 1  # some sites close with “ as well
            depth += 1
        elif c in ("\u201d", "\u00bb"):
            if depth == 0:
                return i, i + 1
            depth -= 1
        elif c in ("\u00ab", "\u201e"):
            depth += 1
        i += 1
    return -1, hi


def _scan_single_close(text: str, i: int, hi: int) -> int:
    """Closing single mark: the first strong one (after , . ! ? or before punctuation); a weak one
    (students’ union) only when nothing better follows before the next opener or the paragraph's end."""
    lo = i - 1
    weak = -1
    while i < hi:
        c = text[i]
        if c in lang.SINGLE_CLOSE or c == lang.STRAIGHT_SINGLE:
            if _is_apostrophe(text, i, lo, hi):
                i += 1
                continue
            if _closer_ctx(text, i, lo, hi):
                before = text[i - 1]
                after = text[i + 1] if i + 1 < hi else " "
                if before in _STRONG_BEFORE or (after in _CLOSE_AFTER and not after.isspace()) or i + 1 >= hi:
                    return i
                if weak < 0:
                    weak = i
            elif c in lang.SINGLE_OPEN and weak >= 0:
                return weak
        elif (c in lang.DOUBLE_OPEN or c == lang.STRAIGHT_DOUBLE or c in ".!?") and weak >= 0:
            return weak
        i += 1
    return weak
