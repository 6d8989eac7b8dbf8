"""Quote spans from a language's quote-mark pairs, for languages whose marks never double as
apostrophes (Russian «…» „…“, straight "…").

    find_pairs(text, paragraphs, pairs, straight) -> [Quote]   outer quotes, in order

Marks nest by a stack: «…„…“…» is one outer quote holding an inner one. A straight mark closes an open
straight quote, else opens one; after a space and before a word it opens one inside it. A closing mark
with no opener is a stray and ignored; a closing mark of an outer level closes the inner ones left open.

A quote left open at its paragraph's end goes on in the next paragraph when that one opens with the
same mark (the newsroom convention: every paragraph of a long quote opens with «, only the last
closes), or when the next paragraph, opening with no mark, closes it before an attribution's dash or
its own end (web copy that drops the marks of the middle paragraphs); such a quote is one record over
all its paragraphs (`Quote.paragraphs`). Otherwise a quote left open is kept only when it opens its
paragraph or follows a colon ("X заявил: «…", run to the end), else its opening mark is a stray.
English keeps its own pairing (quotemarks.py): its single marks are also apostrophes, which this
scanner does not try to tell apart.
Linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from watchers.statements.quotemarks import Quote

_BEFORE_OPENING = frozenset(" \t\n(«„“—–-")
# Quotes nest a few levels deep at most («…„…‚…‘…“…»); an opening mark deeper than this is a stray, so
# that looking a mark up in the stack stays cheap (10,000 unclosed marks once made it quadratic).
MAX_DEPTH = 8
# A quote continued over more paragraphs than this is a run of unbalanced marks.
MAX_CONTINUED_PARAGRAPHS = 6
# What may follow the closing mark of a quote continued without marks: an attribution's dash, the end.
# What may stand before a quote that goes on over paragraphs: nothing, or the end of a sentence, a colon
# or a dash ("Он сказал: «…", "«…», — сказал он. «…"); a stray mark inside a sentence never goes on.
_SENTENCE_BEFORE_RE = re.compile(r"(?:^|[.!?…:»\"—–-])\s*\Z")
_AFTER_CONTINUED_RE = re.compile(r"[,.!?…]?\s*(?:[—–―−]|-(?=\s)|$)")


def _opens(text: str, i: int, lo: int, hi: int) -> bool:
    """A straight mark after a space and before a word opens a quote; after a word it closes one."""
    return (i == lo or text[i - 1] in _BEFORE_OPENING) and i + 1 < hi and not text[i + 1].isspace()


def find_pairs(
    text: str, paragraphs: Sequence[tuple[int, int]], pairs: Mapping[str, str], straight: str
) -> list[Quote]:
    """Every outer quote of the paragraphs, in reading order."""
    marks = re.compile("[" + re.escape("".join({*pairs, *pairs.values(), straight})) + "]")
    out: list[Quote] = []
    stack: list[str] = []  # the closing mark each open level expects
    opened = -1  # the outer open quote's mark
    first_lo = 0  # the start of the paragraph it opened in
    paras = 1  # how many paragraphs it runs over so far
    for k, (lo, hi) in enumerate(paragraphs):
        i = lo
        if stack:  # carried over from the paragraph before: it goes on here (see _goes_on)
            i = _goes_on(text, marks, pairs, straight, stack[0], paragraphs, k)
            paras += 1
        for found in marks.finditer(text, i, hi):
            j = found.start()
            ch = text[j]
            deep = len(stack) >= MAX_DEPTH
            if ch == straight and straight in stack and _opens(text, j, lo, hi):
                if deep:
                    continue
                stack.append(straight)  # "…игроки "Луча" после…": a straight quote inside a straight one
            elif stack and ch == stack[-1]:
                stack.pop()
            elif stack and ch in stack:
                del stack[stack.index(ch) :]
            elif deep:
                continue  # an opening mark past any real nesting: a stray (and the stack stays short)
            elif ch in pairs:
                stack.append(pairs[ch])
            elif ch == straight:
                stack.append(straight)
            else:
                continue  # a closing mark with nothing open
            if stack and opened < 0:
                opened, first_lo, paras = j, lo, 1
            elif not stack and opened >= 0:
                out.append(Quote(opened, opened + 1, j, j + 1, paras))
                opened = -1
        if not stack:
            continue
        nxt = paragraphs[k + 1] if k + 1 < len(paragraphs) else None
        if (
            nxt is not None
            and paras < MAX_CONTINUED_PARAGRAPHS
            and _SENTENCE_BEFORE_RE.search(text[first_lo:opened]) is not None
            and _goes_on(text, marks, pairs, straight, stack[0], paragraphs, k + 1) >= 0
        ):
            continue
        before = text[first_lo:opened].rstrip()
        if not before or before.endswith(":"):  # opening its paragraph, or after "X заявил:": run to the end
            end = hi
            while end > opened + 1 and text[end - 1] in " \t.":
                end -= 1
            out.append(Quote(opened, opened + 1, end, end, paras))
        stack, opened = [], -1
    return out


def _goes_on(
    text: str,
    marks: re.Pattern[str],
    pairs: Mapping[str, str],
    straight: str,
    closer: str,
    paragraphs: Sequence[tuple[int, int]],
    k: int,
) -> int:
    """Where the scan of paragraph k resumes when it goes on with a quote closed by `closer` left open
    above it: after its opening mark, or at its start when it has no mark until one that closes the
    quote before a dash or its paragraph's end (in it or a paragraph or two below); else -1."""
    lo, hi = paragraphs[k]
    j = lo
    while j < hi and text[j].isspace():
        j += 1
    if j >= hi:
        return -1
    if (text[j] in pairs and pairs[text[j]] == closer) or (text[j] == straight == closer):
        return j + 1  # "«…" again: the same quote goes on
    for a, b in paragraphs[k : k + MAX_CONTINUED_PARAGRAPHS]:
        m = marks.search(text, a, b)
        if m is not None:
            closes = text[m.start()] == closer and _AFTER_CONTINUED_RE.match(text, m.end(), b)
            return j if closes else -1
    return -1
