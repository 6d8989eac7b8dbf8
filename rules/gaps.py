"""What may stand between the words of a multi-word term, and following such a term word by word.

Between two words of a term the text may have 1 to MAX_GAP soft separators (spaces, line breaks,
hyphens, dashes, apostrophes), or a full stop after an abbreviation-length word ("Mr. Peskov"), never
after a longer word, where it ends a sentence ("the Kremlin. Spokesman ..."). `rules.terms` enumerates
the narrow gaps as automaton patterns; `rules.match` checks the gap characters of every multi-word
match with `gaps_ok`, and reads the rare terms the automaton cannot find whole with `follow`.
"""

from __future__ import annotations

import re

_SOFT_GAP = re.compile(r"[\s'\-]{1,4}")
_ABBREVIATION_GAP = re.compile(r"\.[ ]{0,2}")
# A word this short may be an abbreviation: a full stop after it does not end the term.
ABBREVIATION_MAX = 3
# The longest soft gap, in separator characters, so following a multi-word term stays bounded.
MAX_GAP = 4

# What lies between two words of a multi-word match: not soft (ends the term), soft (whitespace,
# hyphens, dashes, apostrophes: always fine), or fine only after an abbreviation ("Mr. Peskov").
HARD_GAP, SOFT, AFTER_ABBREVIATION = 0, 1, 2
# Memo of gap strings seen -> kind; gaps are short runs of punctuation, so few distinct ones occur.
_GAP_KINDS: dict[str, int] = {}
_GAP_KINDS_LIMIT = 10_000


def gaps_ok(folded: str, start: int, gaps: tuple[tuple[int, int, bool], ...]) -> bool:
    """Whether every gap of a multi-word match is soft, or a full stop after an abbreviation.

    `gaps` are (start, end, after an abbreviation-length word) of each gap, relative to `start`.
    """
    for gap_start, gap_end, after_abbreviation in gaps:
        gap = folded[start + gap_start : start + gap_end]
        kind = _GAP_KINDS.get(gap)
        if kind is None:
            kind = gap_kind(gap)
        if kind != SOFT and not (after_abbreviation and kind == AFTER_ABBREVIATION):
            return False
    return True


def gap_kind(gap: str) -> int:
    """HARD_GAP, SOFT or AFTER_ABBREVIATION for the folded characters between two words."""
    if _SOFT_GAP.fullmatch(gap):
        kind = SOFT
    elif _ABBREVIATION_GAP.fullmatch(gap):
        kind = AFTER_ABBREVIATION
    else:
        kind = HARD_GAP
    if len(_GAP_KINDS) < _GAP_KINDS_LIMIT:
        _GAP_KINDS[gap] = kind
    return kind


def follow(spaced: str, folded: str, start: int, key: tuple[str, ...]) -> int:
    """The folded end of term `key` read word by word from `start` (where its first word is), or 0.

    `spaced` is the folded text with a space for every non-word character (the automaton's view
    without its padding).
    """
    end = start + len(key[0])
    n = len(spaced)
    for previous, word in zip(key, key[1:], strict=False):
        nxt = end
        while nxt < n and spaced[nxt] == " " and nxt - end <= MAX_GAP:
            nxt += 1
        kind = gap_kind(folded[end:nxt])
        if kind != SOFT and not (len(previous) <= ABBREVIATION_MAX and kind == AFTER_ABBREVIATION):
            return 0
        if not spaced.startswith(word, nxt):
            return 0
        end = nxt + len(word)
        if end < n and spaced[end] != " ":
            return 0  # the word goes on: not a whole-word match
    return end
