"""Quote spans from a language's quote-mark pairs, for languages whose marks never double as
apostrophes (Russian «…» „…“, straight "…").

    find_pairs(text, paragraphs, pairs, straight) -> [Quote]   outer quotes, in order

Marks nest by a stack: «…„…“…» is one outer quote holding an inner one. A straight mark closes an open
straight quote, else opens one; after a space and before a word it opens one inside it. A closing mark with no opener is a stray and ignored; a closing mark
of an outer level closes the inner ones left open. A quote never crosses a paragraph; one left open
at its paragraph's end is kept only when it opens the paragraph (a quote run to the end), else its
opening mark is a stray. English keeps its own pairing (quotemarks.py): its single marks are also
apostrophes, which this scanner does not try to tell apart. Linear in the text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from watchers.statements.quotemarks import Quote

_BEFORE_OPENING = frozenset(" \t\n(«„“—–-")


def _opens(text: str, i: int, lo: int, hi: int) -> bool:
    """A straight mark after a space and before a word opens a quote; after a word it closes one."""
    return (i == lo or text[i - 1] in _BEFORE_OPENING) and i + 1 < hi and not text[i + 1].isspace()


def find_pairs(
    text: str, paragraphs: Sequence[tuple[int, int]], pairs: Mapping[str, str], straight: str
) -> list[Quote]:
    """Every outer quote of the paragraphs, in reading order."""
    marks = re.compile("[" + re.escape("".join({*pairs, *pairs.values(), straight})) + "]")
    out: list[Quote] = []
    for lo, hi in paragraphs:
        stack: list[str] = []  # the closing mark each open level expects
        opened = -1
        for found in marks.finditer(text, lo, hi):
            i = found.start()
            ch = text[i]
            if ch == straight and straight in stack and _opens(text, i, lo, hi):
                stack.append(straight)  # "…игроки "Луча" после…": a straight quote inside a straight one
            elif stack and ch == stack[-1]:
                stack.pop()
            elif stack and ch in stack:
                del stack[stack.index(ch) :]
            elif ch in pairs:
                stack.append(pairs[ch])
            elif ch == straight:
                stack.append(straight)
            else:
                continue  # a closing mark with nothing open
            if stack and opened < 0:
                opened = i
            elif not stack and opened >= 0:
                out.append(Quote(opened, opened + 1, i, i + 1))
                opened = -1
        if stack and opened >= 0 and not text[lo:opened].strip():
            end = hi
            while end > opened + 1 and text[end - 1] in " \t.":
                end -= 1
            out.append(Quote(opened, opened + 1, end, end))
    return out
