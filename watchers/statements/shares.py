"""A share of the people asked as a speaker: "47 percent said", "Six in 10 say", "a third of
Republicans said", "More than half said". A poll's answers are theirs: an unnamed group."""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention
from watchers.statements.sentences import Token

# How long the group after "of" may run ("percent of Republican primary voters").
MAX_OF_TOKENS = 4


def share_subject(tokens: Sequence[Token], i: int, lo: int) -> Mention | None:
    """The share phrase ending at token i ("About 4 in 10", "only 49 percent of Republicans"), as
    an unnamed group; None when the words before the verb are no share."""
    k = i
    for j in range(i, max(lo, i - MAX_OF_TOKENS) - 1, -1):
        if tokens[j].kind not in ("w", "n"):
            break
        if tokens[j].low == "of":
            k = j - 1
            break
    if k < lo:
        return None
    a = _share_start(tokens, k, lo)
    if a is None:
        return None
    while a - 1 >= lo and (_number(tokens[a - 1]) or tokens[a - 1].low in lang.SHARE_MODIFIERS):
        a -= 1
    start, end = tokens[a].start, tokens[i].end
    words = " ".join(t.text for t in tokens[a : i + 1])
    return Mention("group", start, end, words, gender="pl", head=tokens[k].low, definite=False, np_start=start)


def _share_start(tokens: Sequence[Token], k: int, lo: int) -> int | None:
    """Where the share ending at token k starts: "53%", "47 percent", "half", "two-thirds", "Six in
    10"; None for anything else."""
    t = tokens[k]
    if t.kind == "n" and t.text.endswith("%"):
        return k
    low = t.low
    if low in lang.SHARE_WORDS or (
        "-" in low and low.rsplit("-", 1)[1] in lang.SHARE_WORDS and _number(t, low.split("-", 1)[0])
    ):
        return k
    if _number(t) and k - 2 >= lo and tokens[k - 1].low == "in" and _number(tokens[k - 2]):
        return k - 2  # "Six in 10", "one in four"
    return None


def _number(t: Token, word: str | None = None) -> bool:
    """A number in figures or words ("4", "Sixty-six", "one")."""
    if word is None:
        if t.kind == "n":
            return True
        if t.kind != "w":
            return False
        word = t.low
    return all(part in lang.NUMBER_WORDS for part in word.split("-"))
