"""Where a quote opened at a given place closes: each paragraph's marks classified once, so that
every lookup is a bisect instead of a walk to the paragraph's end.

Walking was quadratic: 10,000 opening marks that never close each walked the rest of the paragraph
(28 s for one feed item). The walk's rules (quotemarks.py) depend only on each mark's own
neighbours and on the nesting depth, so they are folded into indexes here:

- double quotes: every mark either opens (+1), closes (-1, or ends the quote at depth 0), or ends
  the quote at depth 0 and else opens (a straight mark that may do either; “ closing without an
  opener). The depth at a mark, seen from a start, is the difference of two running sums; the
  closing mark is the first "ender" at or after the start whose running sum equals the start's.
- single quotes: the first strong closing mark wins; else the first weak one (students’ union),
  kept unless a strong one comes before the next barrier (a double mark or . ! ?).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from watchers.statements.lang import en as lang

_OPEN_BEFORE = set(" \t\n\r([{—–-/\u00a0") | set(lang.ALL_MARKS)
_CLOSE_AFTER = set(" \t\n\r,.;:!?)]}—–-/…\u00a0") | set(lang.ALL_MARKS)
_STRONG_BEFORE = set(",.!?…;:")
_DOUBLE_CLOSERS = ("\u201d", "\u00bb")
_SINGLE_CLOSERS = ("'", "\u2019")
_DOUBLE_OPENERS = ("\u00ab", "\u201e")
_LOW_NINE = "\u201e"  # „…“: this opener is closed by the next “ at depth 0
# Marks a lookup walks before it asks the index (and the paragraph's later lookups go to the index
# straight away): an ordinary quote closes within a few, and a bounded walk keeps any paragraph linear.
WALK_MARKS = 16


def opener_ctx(text: str, i: int, lo: int, hi: int) -> bool:
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    return before in _OPEN_BEFORE and not after.isspace()


def closer_ctx(text: str, i: int, lo: int, hi: int) -> bool:
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    if after not in _CLOSE_AFTER:
        return False
    # 'a special case,' " Doe said': some copy sets a space between a nested single quote's closing
    # mark and the double one that closes with it
    return not before.isspace() or (before == " " and i >= 2 and text[i - 2] in _SINGLE_CLOSERS)


def is_apostrophe(text: str, i: int, lo: int, hi: int) -> bool:
    before = text[i - 1] if i > lo else " "
    after = text[i + 1] if i + 1 < hi else " "
    return (before.isalnum() and after.isalnum()) or after.isdigit()


@dataclass
class _Doubles:
    positions: list[int] = field(default_factory=list)  # every double mark, in order
    levels: list[int] = field(default_factory=list)  # running sum before each mark
    enders: dict[int, list[int]] = field(default_factory=dict)  # level -> marks that may end a quote there
    low_enders: dict[int, list[int]] = field(default_factory=dict)  # the same with every “ (for „)


@dataclass
class _Singles:
    closers: list[int] = field(default_factory=list)  # strong or weak closing marks
    strong: set[int] = field(default_factory=set)
    stops: list[int] = field(default_factory=list)  # strong closers and barriers, in order


class Closers:
    """The marks of one paragraph text[lo:hi] (each position seen with the paragraph's end as its
    right edge). A lookup walks the next `walk` marks, which settles every ordinary quote; past
    them it asks the index, built on first need."""

    __slots__ = ("_doubles", "_singles", "hi", "lo", "text", "walk")

    def __init__(self, text: str, lo: int, hi: int, walk: int = WALK_MARKS) -> None:
        self.text = text
        self.lo = lo
        self.hi = hi
        self.walk = walk
        self._doubles: _Doubles | None = None
        self._singles: _Singles | None = None

    def _index_doubles(self) -> _Doubles:
        text, hi = self.text, self.hi
        d = _Doubles()
        level = 0
        for m in _DOUBLE_RE.finditer(text, self.lo, hi):
            i = m.start()
            c = text[i]
            # Marks at the paragraph's start are never scanned from before themselves, so the left
            # context is always text[i - 1] (the walk's lo was the start minus one).
            left = i - 1
            d.positions.append(i)
            d.levels.append(level)
            ender = low_ender = False
            if c == lang.STRAIGHT_DOUBLE:
                opens, closes = opener_ctx(text, i, left, hi), closer_ctx(text, i, left, hi)
                if closes:
                    ender = low_ender = True
                    level += 1 if opens else -1
                elif opens:
                    level += 1
            elif c == "\u201c":
                low_ender = True
                ender = closer_ctx(text, i, left, hi) and not opener_ctx(text, i, left, hi)
                level += 1
            elif c in _DOUBLE_CLOSERS:
                ender = low_ender = True
                level -= 1
            else:
                level += 1
            if ender:
                d.enders.setdefault(d.levels[-1], []).append(i)
            if low_ender:
                d.low_enders.setdefault(d.levels[-1], []).append(i)
        self._doubles = d
        return d

    def _index_singles(self) -> _Singles:
        text, hi = self.text, self.hi
        s = _Singles()
        for m in _SINGLE_RE.finditer(text, self.lo, hi):
            i = m.start()
            c = text[i]
            left = i - 1
            if c in lang.SINGLE_CLOSE or c == lang.STRAIGHT_SINGLE:
                if is_apostrophe(text, i, left, hi):
                    continue
                if closer_ctx(text, i, left, hi):
                    after = text[i + 1] if i + 1 < hi else " "
                    s.closers.append(i)
                    if (
                        text[i - 1] in _STRONG_BEFORE
                        or (after in _CLOSE_AFTER and not after.isspace())
                        or i + 1 >= hi
                    ):
                        s.strong.add(i)
                        s.stops.append(i)
            else:  # a double opening mark, a straight double or . ! ?: the weak closer stands
                s.stops.append(i)
        self._singles = s
        return s

    def double_close(self, i: int, opener: str) -> int:
        """Index of the mark closing a double quote opened by `opener` whose content starts at i,
        or -1; nested doubles skipped."""
        if self._doubles is not None:  # a long walk here before: the index answers from now on
            return self._double_index(i, opener)
        text, hi = self.text, self.hi
        depth = 0
        left = self.walk
        for m in _DOUBLE_RE.finditer(text, i, hi):
            if not left:
                return self._double_index(i, opener)
            left -= 1
            j = m.start()
            c = text[j]
            if c == lang.STRAIGHT_DOUBLE:
                opens, closes = opener_ctx(text, j, j - 1, hi), closer_ctx(text, j, j - 1, hi)
                if closes:
                    if depth == 0:
                        return j
                    depth += 1 if opens else -1
                elif opens:
                    depth += 1
            elif c == "\u201c":
                if depth == 0 and (
                    opener == _LOW_NINE
                    or (closer_ctx(text, j, j - 1, hi) and not opener_ctx(text, j, j - 1, hi))
                ):
                    return j  # „…“, and some sites close with “ as well
                depth += 1
            elif c in _DOUBLE_CLOSERS:
                if depth == 0:
                    return j
                depth -= 1
            else:
                depth += 1
        return -1

    def _double_index(self, i: int, opener: str) -> int:
        d = self._doubles or self._index_doubles()
        k = bisect_left(d.positions, i)
        if k >= len(d.positions):
            return -1
        table = d.low_enders if opener == _LOW_NINE else d.enders
        at = table.get(d.levels[k])
        if not at:
            return -1
        j = bisect_left(at, i)
        return at[j] if j < len(at) else -1

    def single_close(self, i: int) -> int:
        """Closing single mark of a quote whose content starts at i: the first strong one, or a weak
        one when no strong one follows it before the next barrier; -1 when none."""
        if self._singles is not None:
            return self._single_index(i)
        text, hi = self.text, self.hi
        weak = -1
        left = self.walk
        for m in _SINGLE_RE.finditer(text, i, hi):
            if not left:
                return self._single_index(i)
            left -= 1
            j = m.start()
            c = text[j]
            if c in lang.SINGLE_CLOSE or c == lang.STRAIGHT_SINGLE:
                if is_apostrophe(text, j, j - 1, hi) or not closer_ctx(text, j, j - 1, hi):
                    continue
                after = text[j + 1] if j + 1 < hi else " "
                if (
                    text[j - 1] in _STRONG_BEFORE
                    or (after in _CLOSE_AFTER and not after.isspace())
                    or j + 1 >= hi
                ):
                    return j
                if weak < 0:
                    weak = j
            elif weak >= 0:  # a double opening mark, a straight double or . ! ?
                return weak
        return weak

    def _single_index(self, i: int) -> int:
        s = self._singles or self._index_singles()
        k = bisect_left(s.closers, i)
        if k >= len(s.closers):
            return -1
        first = s.closers[k]
        if first in s.strong:
            return first
        j = bisect_left(s.stops, first + 1)
        if j < len(s.stops) and s.stops[j] in s.strong:
            return s.stops[j]
        return first


_DOUBLE_SET = frozenset({lang.STRAIGHT_DOUBLE, "\u201c", *_DOUBLE_CLOSERS, *_DOUBLE_OPENERS})
_DOUBLE_RE = re.compile("[" + re.escape("".join(sorted(_DOUBLE_SET))) + "]")
_SINGLE_STOPS = "".join(
    sorted({*lang.SINGLE_CLOSE, lang.STRAIGHT_SINGLE, *lang.DOUBLE_OPEN, lang.STRAIGHT_DOUBLE})
)
_SINGLE_RE = re.compile("[" + re.escape(_SINGLE_STOPS) + ".!?]")
