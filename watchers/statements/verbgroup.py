"""The words between a speaker and its reporting verb, for `nounphrase.subject_left`: auxiliaries and
adverbs ("has repeatedly warned", "is now saying"), a pronoun contracted with its auxiliary ("she's
argued"), and whether a reported clause follows the verb (what a restrictive relative's "who" needs).
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.clauseshape import CLAUSE_VERB_WINDOW, clause_like, subject_opens
from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention, plural_people
from watchers.statements.sentences import Token


def skip_auxiliaries(tokens: Sequence[Token], v: int, lo: int) -> int | None:
    """The index of the token before the verb group of the verb at token v ("Doe has repeatedly
    warned": Doe), "be" skipped only before an -ing form ("is saying"); None for a passive ("is said
    to"), a negated or a modal verb ("did not say", "isn't saying", "would respond")."""
    i = v - 1
    if i >= lo + 1 and tokens[i].low == "as" and tokens[i - 1].low == "quoted":
        i -= 2  # "was quoted as saying"
        while i >= lo and tokens[i].low in lang.BE_FORMS:
            i -= 1
    progressive = tokens[v].low.endswith("ing")
    while (
        i >= lo
        and tokens[i].kind == "w"
        and (
            (not tokens[i].cap and (tokens[i].low in lang.AUX_ADVERBS or _ly_adverb(tokens[i].low)))
            or (tokens[i].low in lang.WEEKDAYS and i - 1 >= lo and tokens[i - 1].low == "on")
            or auxiliary(tokens[i].low)
        )
    ):
        low = tokens[i].low
        if low == "to" and i - 1 >= lo and tokens[i - 1].low in CATENATIVES:
            i -= 2  # "appeared to suggest", "continues to insist": the speaker's own verb
            continue
        aux = auxiliary(low)
        if aux in lang.BE_FORMS and not progressive:
            return None  # passive: "the minister is said to be ..."; "is saying" is the speaker's
        if aux and (aux in lang.MODALS or aux in lang.NEGATIONS or aux != low):
            return None  # "would respond", "did not say whether", "isn't saying": nothing said
        i -= 1
    return i


# Verbs before "to" whose subject is the speaker of the verb after it ("he appeared to suggest").
CATENATIVES = frozenset(
    ("appeared", "appears", "seemed", "seems", "continued", "continues", "began", "begins", "went", "goes")
)


def _ly_adverb(low: str) -> bool:
    """ "repeatedly", "publicly": an adverb, not a noun that ends the same way ("the family said")."""
    return (
        low.endswith("ly")
        and low not in lang.UNNAMED_GROUPS
        and low not in lang.ORG_NOUNS
        and low not in lang.ROLE_NOUNS
    )


def clause_after(tokens: Sequence[Token], k: int) -> bool:
    """Does a reported clause start at token k ("that ...", "the law is ...")?"""
    if k >= len(tokens):
        return False
    j = k
    while j < len(tokens) and j - k < CLAUSE_ADJUNCT_TOKENS and _adjunct_word(tokens[j]):
        j += 1  # "warned on Tuesday that", "said in a statement that"
    if j < len(tokens) and tokens[j].low == "that":
        return True
    end = k
    while end < len(tokens) and end - k < CLAUSE_VERB_WINDOW and tokens[end].text not in _CLAUSE_STOPS:
        end += 1
    return subject_opens(tokens[k]) and clause_like(tokens, k, end)


# How many adjunct words may stand between a verb and its "that" ("warned on Tuesday that").
CLAUSE_ADJUNCT_TOKENS = 5


def _adjunct_word(t: Token) -> bool:
    return (
        t.kind == "w"
        and t.low != "that"
        and (
            t.cap or t.low in lang.ADJUNCT_WORDS or t.low in lang.ADJUNCT_OPENERS or t.low in lang.DETERMINERS
        )
    )


def contracted_subject(tok: Token, verb: Token) -> Mention | None:
    """ "he's", "they've", "who's" before a verb: the pronoun with its auxiliary in one token
    ("he's saying", "she's argued"); None for a modal ("he'd", "they'll") or any other word."""
    for mark in ("'", "’"):
        head, sep, tail = tok.low.partition(mark)
        if not sep or tail not in ("s", "ve", "re"):
            continue
        if tail == "re" and not verb.low.endswith("ing"):
            return None  # "they're told": a passive
        if head == "who":
            return Mention(
                "pronoun", tok.start, tok.start + len(head), tok.text[: len(head)], np_start=tok.start
            )
        if head in lang.SUBJECT_PRONOUNS:
            return Mention(
                "pronoun",
                tok.start,
                tok.start + len(head),
                tok.text[: len(head)],
                gender=lang.SUBJECT_PRONOUNS[head],
                np_start=tok.start,
            )
    return None


_CLAUSE_STOPS = frozenset((".", "!", "?", ";", ":"))


def group_word(tok: Token) -> bool:
    """A lowercase noun for a group of people: "officials", "dockers"."""
    return tok.kind == "w" and not tok.cap and (tok.low in lang.UNNAMED_GROUPS or plural_people(tok.low))


def auxiliary(low: str) -> str:
    """The auxiliary a word before a verb is ("is", "not", "would"), its contraction's head included
    ("isn't" → "is", "won't" → "will"), or "" for none."""
    for mark in ("n't", "n’t"):
        if low.endswith(mark):
            head = low[: -len(mark)]
            return _CONTRACTED.get(head, head)
    return low if low in lang.BE_FORMS or low in lang.NEGATIONS or low in lang.MODALS else ""


# Contractions whose head is not the auxiliary as written: "won't", "can't", "shan't".
_CONTRACTED = {"wo": "will", "ca": "can", "sha": "shall"}
