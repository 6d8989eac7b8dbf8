"""Reported questions and requests after "asked": what was asked is the asker's statement.

"Hannity asked Doe how high the wall would be" → "how high the wall would be" (the person asked is
not part of it); "She asked the council to hold back the levy" → "the council to hold back the
levy" (a request names who is to act); "Doe asked the mayor about the closure" → "the mayor about
the closure". A passive ("Doe was asked whether ...") is the asked person's, not a statement of
theirs: no clause.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.clauseshape import MIN_CLAUSE_WORDS, Cue
from watchers.statements.lang import en as lang
from watchers.statements.sentences import Token, at_least_words, has_quote

# Words that open an indirect question ("asked whether", "asked Doe how").
QUESTION_WORDS = frozenset(("whether", "if", "how", "why", "what", "when", "where", "which", "who"))
# After an object these open a relative clause, not a question ("asked anyone who saw ...").
_RELATIVES = frozenset(("who", "which", "that", "whose", "whom"))
# How many words the person asked may run to before the question or the infinitive ("asked former
# Attorney General Eric Holder whether").
MAX_ASKED_OBJECT_TOKENS = 8
# Words before "asked" that make it no asker's verb: a passive ("was asked"), a bare adverbial
# clause ("When asked whether ...": the subject is the one asked).
_NOT_ASKER = lang.BE_FORMS | {"when", "if", "once", "after", "before", "unless", "being", "get", "got"}


def asked_clause(toks: Sequence[Token], end: int, c: Cue) -> tuple[int, int] | None:
    """The question or request of "asked" at cue c as token indices, or None."""
    if c.inverted or c.subj_first >= c.index or toks[c.index - 1].low in _NOT_ASKER:
        return None
    start = c.end
    if start >= end or toks[start].low in ("not", "to"):
        return None  # "who asked not to be named", "asked to speak": a wish of their own, no statement
    if toks[start].low in QUESTION_WORDS or toks[start].low == "about":
        return _span(toks, start, end)
    for j in range(start + 1, min(end, start + MAX_ASKED_OBJECT_TOKENS + 1)):
        t = toks[j]
        if t.kind == "q" or t.kind == "p" or t.low in lang.FINITE:
            return None
        if t.low in _RELATIVES:
            return None  # "asked anyone who saw the van to call": an appeal, not one person asked
        if t.low in QUESTION_WORDS:
            return _span(toks, j, end)  # "asked Doe whether ...": the question alone
        if t.low in ("to", "about") and j + 1 < end and toks[j + 1].kind == "w":
            if t.low == "to" and (toks[j + 1].cap or toks[j + 1].low in lang.DETERMINERS):
                return None  # "asked the letter to the board": a preposition, no request
            return _span(toks, start, end)  # "asked the council to hold back ...": who and what
    return None


def _span(toks: Sequence[Token], a: int, b: int) -> tuple[int, int] | None:
    if has_quote(toks, a, b) or not at_least_words(toks, a, b, MIN_CLAUSE_WORDS):
        return None
    return a, b
