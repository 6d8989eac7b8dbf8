"""Participle clauses of reported speech: ", adding that B", ", saying the plan had failed", "by
telling the hall that ...": a statement of the subject the caller gives (reported.py, pairing.py)."""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.clauseshape import MIN_CLAUSE_WORDS
from watchers.statements.drafts import Draft
from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention
from watchers.statements.sentences import Token, at_least_words, has_quote
from watchers.statements.speakers import Cue

# How many words the object of "told"/"reminded" may run to before "that" ("the packed hall").
MAX_TELL_OBJECT_WORDS = 10
# Words that tie a participle to the sentence's subject without a comma ("opened the debate by
# telling the hall that ...", "while insisting the plan was sound").
PARTICIPLE_LINKS = frozenset(("by", "while", "after", "before"))


def participle_clause(
    text: str, toks: Sequence[Token], i: int, e: int, subj: Mention | None, cue: Cue | None
) -> Draft | None:
    """', adding that the talks would resume' after an attribution: an indirect statement."""
    while i < e and toks[i].text == ",":
        i += 1
    if i >= e or toks[i].low not in lang.PARTICIPLE_CUES:
        return None
    j = i + 1
    if toks[i].low == "telling":
        j = _after_told_object(toks, j, e)  # ", telling reporters that ...": the clause, not who heard it
    while j < e and toks[j].low in ("that",):
        j += 1
    end = e
    while end > j and toks[end - 1].kind == "p":
        end -= 1
    if subj is None or not at_least_words(toks, j, end, MIN_CLAUSE_WORDS) or has_quote(toks, j, end):
        return None
    return Draft(toks[j].start, toks[end - 1].end, "indirect", subj, toks[i].text, toks[i].start)


def _after_told_object(toks: Sequence[Token], j: int, e: int) -> int:
    """The index of the "that" after a short object of "telling" ("the packed hall that"), or j."""
    for k in range(j, min(e, j + MAX_TELL_OBJECT_WORDS + 1)):
        t = toks[k]
        if t.kind != "w" or t.low in lang.FINITE or t.low in lang.QUOTE_VERBS:
            return j
        if t.low == "that" and k > j:
            return k
    return j
