"""Shapes around a sentence's subject that the speaker-phrase pass reads (`speakers.py`): an
apposition over several commas before the verb, a name inside the opening name's apposition, a
capitalised adjective before a plural noun, a wire dateline before the sentence proper."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention, plural_name
from watchers.statements.nounphrase import subject_left, subject_right
from watchers.statements.sentences import Token

# A long apposition of several commas ("Dorothy Woods, whose husband, Ty Woods, was killed in the
# attack, discussed ..."): how far its verb is looked for.
MAX_APPOSITION_TOKENS = 60
# How far a wire dateline's dash may stand from the sentence's start ("OSLO, Nov. 5 (Northwire) —").
DATELINE_TOKENS = 12
# How far before its verb a plural subject's head may stand past its post-modifier ("Political
# observers in Virginia and around the country say").
MAX_POSTMODIFIER_TOKENS = 12
# Prepositions that open a post-modifier of a group of people ("experts on North Korea", "those close
# to him", "officials from both parties").
_POSTMODIFIER_PREPS = frozenset(lang.PP_HEADS | {"on", "in", "close", "around", "across", "near", "among"})
# How many adverbs may stand between "and" and a coordinated verb ("and then later said").
COORDINATED_ADVERBS = 3
_THEN_WORDS = frozenset(("then", "since", "later", "also", "now", "still"))


def apposition_owner(toks: Sequence[Token], s: int, e: int, subj: Mention) -> Mention | None:
    """ "Rosalind Varga-Hoel, whose brother, Cornelius Varga-Hoel, has worked there for years, told":
    a name inside the opening name's apposition is not the verb's subject; the opening name is."""
    head = subject_right(toks, s, e)
    if head is None or head.kind != "name" or head.start != toks[s].start or head.end > subj.start:
        return None
    j = s
    while j < e and toks[j].end <= head.end:
        j += 1
    return head if j < e and toks[j].text == "," and verb_after_commas(toks, s, e, head) else None


def past_dateline(toks: Sequence[Token], s: int, e: int) -> int:
    """ "VELLMAR, July 25 (Northwire) — The board ...": the sentence starts after a wire dateline."""
    t = toks[s] if s < e else None
    if t is None or t.kind != "w" or not t.text.isupper() or len(t.text) < 3:
        return s
    for k in range(s + 1, min(e, s + DATELINE_TOKENS)):
        if toks[k].text in ("—", "–", "-", "--") and k + 1 < e:
            return k + 1
    return s


def verb_next(toks: Sequence[Token], k: int) -> bool:
    """ "Manning said", "Fleming has": a verb after the word, which may be a surname after all."""
    if k >= len(toks) or toks[k].kind != "w":
        return k < len(toks) and toks[k].text == ","
    low = toks[k].low
    return low in lang.QUOTE_VERBS or low in lang.FINITE or low in lang.IRREGULAR_PAST or low.endswith("ed")


def modifies_plural(toks: Sequence[Token], j: int, e: int, m: Mention) -> bool:
    """ "Only European immigrants are ...", "Republican voters were ...": a one-word capitalised
    word before a plural noun and its verb is an adjective, not the sentence's subject."""
    if m.kind != "name" or " " in m.text or j + 1 >= e:
        return False
    low = toks[j].low
    return (
        low.endswith("s")
        and not low.endswith(("ss", "us", "ly"))
        and low not in lang.AUX_ADVERBS
        and low not in lang.FINITE
        and low not in lang.QUOTE_VERBS
        and toks[j + 1].kind == "w"
        and toks[j + 1].low in lang.FINITE
    )


def verb_after_commas(toks: Sequence[Token], i: int, e: int, m: Mention) -> bool:
    """The name's apposition runs over several commas and the sentence's verb follows the last one:
    "Tom Hale, chief economist at the institute, which he founded in 2009, said"."""
    j = i
    while j < e and toks[j].end <= m.end:
        j += 1
    if j >= e or toks[j].text != ",":
        return False
    for k in range(j + 1, min(e - 1, j + MAX_APPOSITION_TOKENS)):
        t = toks[k]
        if t.kind == "q":
            return False
        if t.text == ",":
            nxt = toks[k + 1]
            low = nxt.low
            if (
                nxt.kind == "w"
                and not nxt.cap
                and not low.endswith("ing")
                and (
                    low in lang.FINITE
                    or low in lang.IRREGULAR_PAST
                    or low in lang.QUOTE_VERBS
                    or low.endswith("ed")
                )
            ):
                return True
    return False


def after_and(toks: Sequence[Token], s: int, i: int) -> bool:
    """Does the verb at token i follow "and" / "but", maybe with a few adverbs between ("and said",
    "and then said", "but has since said")?"""
    for k in range(i - 1, max(s, i - 1 - COORDINATED_ADVERBS) - 1, -1):
        t = toks[k]
        if t.low in ("and", "but"):
            return True
        if (
            t.kind != "w"
            or t.cap
            or not (t.low in lang.AUX_ADVERBS or t.low in _THEN_WORDS or t.low.endswith("ly"))
        ):
            return False  # "the ministry and Doe said": "and" joins two speakers
    return False


def plural_subject(toks: Sequence[Token], s: int, v: int, subj: Mention | None, bare: bool) -> Mention | None:
    """The subject of the verb at token v when the noun-phrase reading found none, or (before a base
    form, `bare`, which needs a plural) found a singular one: a capitalised plural ("Democrats
    say"), two speakers joined by "and" ("Mr. Grassley and Mr. Leahy say"), a group with a
    post-modifier ("Experts on North Korea and nuclear nonproliferation said"). subj otherwise."""
    if subj is not None:
        if not bare or subj.kind == "group" or subj.gender == "pl":
            return subj
        if plural_name(subj):
            return replace(subj, kind="group", gender="pl")  # "Democrats say": the party's people
        return _joined(toks, s, subj) or _postmodified(toks, s, v) or subj
    return _postmodified(toks, s, v) or _opening_group(toks, s, v)


def _opening_group(toks: Sequence[Token], s: int, v: int) -> Mention | None:
    """ "Several Democratic operatives said ...", "But Romney's associates say ...": the words from
    the sentence's start (past an opening "But") to "say" or "tell" at token v, a short noun phrase whose
    head is a plural noun no list knows, read as an unnamed group. Nothing else may stand before
    the verb: no punctuation, no verb, no preposition, no conjunction."""
    if toks[v].low not in _SAYING_FORMS:
        return None  # "The forecasts predicted that ...": a thing may predict or show, only people say
    a = s
    while a < v and toks[a].low in lang.OPENERS:
        a += 1
    if not 2 <= v - a <= MAX_OPENING_GROUP_TOKENS or not _plural_head(toks[v - 1]):
        return None
    first = toks[a]
    if not (first.cap or first.kind == "n" or first.low in lang.DETERMINERS):
        return None
    for t in toks[a : v - 1]:
        if t.kind not in ("w", "n") or t.low in _NOT_IN_GROUP_PHRASE:
            return None
        if t.low.endswith(("'s", "’s")) and t is not first:
            return None  # "The party's donors' ...": one possessive, the phrase's own opener
        if not t.cap and t.kind == "w" and t.low.endswith("ed"):
            return None  # "Voters polled said", "Protests erupted ...": a verb, or a participle phrase
    return _group(toks, a, toks[v - 1].end)


def _plural_head(t: Token) -> bool:
    """A lowercase plural noun ("operatives", "associates", "clergymen"), not an -ss or -ous word."""
    low = t.low
    if t.kind != "w" or t.cap or low in _NOT_IN_GROUP_PHRASE:
        return False
    if low.endswith("men") or low in ("people", "police", "staff", "clergy"):
        return True
    return len(low) > 3 and low.endswith("s") and not low.endswith(("ss", "us", "'s", "’s", "is"))


# The verbs an unknown plural speaks with: saying and telling ("Romney's associates say", "told").
_SAYING_FORMS = frozenset(("say", "says", "said", "tell", "tells", "told"))
# How many words an opening group may run to ("Several senior Democratic Party operatives").
MAX_OPENING_GROUP_TOKENS = 6
# Words that end a noun phrase or make the opening something else than a subject ("In interviews",
# "After talks", "This week officials", "Sources who ...").
_NOT_IN_GROUP_PHRASE = (
    lang.FINITE
    | lang.MODALS
    | lang.QUOTE_VERBS.keys()
    | lang.SUBORDINATORS
    | lang.CLAUSE_SUBJECTS.difference(lang.DETERMINERS)
    | lang.PP_HEADS
    | lang.ADJUNCT_OPENERS
    | lang.WEEKDAYS
    | {"and", "or", "but", "who", "whom", "which", "whose", "not", "also", "this", "that", "week", "year",
       "month", "today", "yesterday", "always", "never", "often"}
)  # fmt: skip


def _joined(toks: Sequence[Token], s: int, subj: Mention) -> Mention | None:
    """ "Mr. Grassley and Mr. Leahy", "The Republican nominee and his aides": one group of speakers."""
    k = _token_index(toks, s, subj.np_start if subj.np_start >= 0 else subj.start)
    if k - 2 < s or toks[k - 1].low != "and":
        return None
    left = subject_left(toks, k - 1, s)
    if left is None or left.kind not in ("name", "role", "org", "orgref", "group"):
        return None
    return _group(toks, _token_index(toks, s, left.np_start if left.np_start >= 0 else left.start), subj.end)


def _postmodified(toks: Sequence[Token], s: int, v: int) -> Mention | None:
    """A plural group whose post-modifier ends right before the verb at token v ("elected officials
    from both parties say", "Experts on North Korea said"), with no punctuation or verb in it; the
    verb is no noun ("voters in the state"), the modifier ends in a noun."""
    if v - 2 < s or toks[v].low in lang.NOUN_LIKE_FORMS or not _noun_end(toks[v - 1]):
        return None
    for k in range(v - 2, max(s, v - MAX_POSTMODIFIER_TOKENS) - 1, -1):
        t = toks[k]
        if t.kind == "q" or (t.kind == "p" and t.text not in ("-", "'", "’")):
            return None
        if t.low in lang.QUOTE_VERBS or t.low in lang.FINITE or t.low in lang.MODALS:
            return None
        if t.low in _POSTMODIFIER_PREPS and k - 1 >= s:
            head = subject_left(toks, k, s)
            if (
                head is not None
                and head.kind in ("group", "role")
                # plural, or one unnamed person: "someone in the crowd", "a skipper at the meeting"
                and (head.text.endswith("s") or not head.definite)
                and head.end == toks[k - 1].end
            ):
                first = _token_index(toks, s, head.np_start if head.np_start >= 0 else head.start)
                return _group(toks, first, toks[v - 1].end)
    return None


def _noun_end(t: Token) -> bool:
    """Can a post-modifier end with t ("North Korea", "both parties", "1995"), not "the", "and", "to"?"""
    if t.kind == "n":
        return True
    return t.kind == "w" and (t.cap or (t.low not in lang.DETERMINERS and t.low not in _NOT_NOUN_ENDS))


_NOT_NOUN_ENDS = frozenset(
    ("and", "or", "but", "to", "of", "in", "on", "for", "with", "while", "that", "all", "also")
)


def _group(toks: Sequence[Token], a: int, end: int) -> Mention:
    """An unnamed plural group from token a to character `end`."""
    words = [t.text for t in toks[a:] if t.end <= end]
    start = toks[a].start
    return Mention("group", start, end, " ".join(words), gender="pl", definite=False, np_start=start)


def _token_index(toks: Sequence[Token], s: int, pos: int) -> int:
    k = s
    while k < len(toks) and toks[k].end <= pos:
        k += 1
    return k


def clause_subject_between(toks: Sequence[Token], a: int, i: int) -> Mention | None:
    """ "X called for a boycott, and the League denounced it and said ...": the subject of a new
    clause (", and NP verb") between an earlier cue (ending at a) and the coordinated verb at i."""
    found: Mention | None = None
    for x in range(a, i - 3):
        if toks[x].text == "," and toks[x + 1].low in ("and", "but", "while"):
            m = subject_right(toks, x + 2, i)
            if m is None or m.kind not in ("name", "org", "orgref", "role"):
                continue
            k = x + 2
            while k < i and toks[k].start < m.end:
                k += 1
            while k < i and toks[k].low.endswith("ly"):
                k += 1  # "the League strongly denounced"
            low = toks[k].low if k < i else ""
            if low.endswith("ed") or low in lang.IRREGULAR_PAST or low in lang.FINITE or low in lang.QUOTE_VERBS:
                found = m
    return found
