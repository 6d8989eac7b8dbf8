"""Does a span of tokens read as a clause (a subject and a finite verb) rather than a noun phrase?
The tests reported.py applies to what follows a reporting verb."""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.lang import en as lang
from watchers.statements.sentences import Token

# How far into a reported clause its finite verb may stand: a subject with its modifiers runs long
# ("argued Trump's proposal to pay down the national debt by printing money would trigger ...").
CLAUSE_VERB_WINDOW = 20


def clause_like(toks: Sequence[Token], a: int, b: int) -> bool:
    """Does tokens[a:b] read as a clause (a subject and a finite verb), not just an object?"""
    if a < b and toks[a].low in lang.CLAUSE_SUBJECTS:
        return True
    if a < b and _pronoun_contraction(toks[a].low):
        return True  # "told the Ledger he'd support her"
    if a < b and toks[a].cap and _name_then_verb(toks, a, b):
        return True  # "aides say Ivanka Bray also advises her father"
    for t in toks[a : min(b, a + CLAUSE_VERB_WINDOW)]:
        if t.kind == "w" and (
            t.low in lang.FINITE
            or (t.low.endswith("ed") and not t.cap)
            or t.low.endswith(("n't", "n’t"))
            or (t.low in lang.IRREGULAR_PAST and t is not toks[a])
        ):
            return True
        if (
            t.kind == "w"
            and not t.cap
            and t.low.endswith("s")
            and t is not toks[a]
            and (toks[a].low in lang.DETERMINERS or toks[a].low.endswith(("'s", "’s")))
            and t.low not in lang.UNNAMED_GROUPS
        ):
            return True  # "the economy grows", "Trump's use of social media gives"
    return False


def subject_opens(t: Token) -> bool:
    """Can a clause's subject start at t: a name, a subject pronoun, a determiner ("responded by
    pointing", "reported 212 cases" and "reported after the FBI ..." cannot)?"""
    if t.kind != "w":
        return False
    return t.cap or t.low in lang.CLAUSE_SUBJECTS or t.low in lang.DETERMINERS or _pronoun_contraction(t.low)


def _pronoun_contraction(low: str) -> bool:
    """ "he'd", "she's", "they're": a subject pronoun and its verb in one token."""
    for mark in ("'", "’"):
        head, sep, _tail = low.partition(mark)
        if sep and (head in lang.SUBJECT_PRONOUNS or head in lang.CLAUSE_SUBJECTS):
            return True  # also "that's", "there's"
    return False


def _name_then_verb(toks: Sequence[Token], a: int, b: int) -> bool:
    """A capitalised name, an adverb or none, then a present-tense verb: "Ivanka Bray also advises"."""
    k = a
    while k < b and k - a < 4 and toks[k].kind == "w" and toks[k].cap:
        k += 1
    if k < b and toks[k].low in lang.AUX_ADVERBS:
        k += 1
    if k >= b or toks[k].kind != "w" or toks[k].cap:
        return False
    low = toks[k].low
    return low in lang.FINITE or (
        low.endswith("s")
        and not low.endswith(("ss", "us"))
        and low not in lang.UNNAMED_GROUPS
        and len(low) > 3
    )
