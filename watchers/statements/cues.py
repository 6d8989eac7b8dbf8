"""Cue pass: the words in each sentence that may introduce speech.

A cue is a reporting verb ("said", "told", "pointed out"), "according to", a colon right before a
quote ('Doe was blunt: "..."') or a participle before a partial quote (', calling it "a lifeline"').
This pass decides only which words are cues; the speaker-phrase pass finds who speaks for each,
and drops a verb nobody speaks for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from watchers.statements.clauseshape import participle_comma
from watchers.statements.lang import en as lang
from watchers.statements.segment import Segments
from watchers.statements.sentences import Token
from watchers.statements.verbgroup import CATENATIVES

# How far before "put it" its "as" may stand ("as The Ledger's editor put it in a column, ...").
PUT_IT_AS = 8
# How far before a partial quote a participle ("calling it") may stand.
PARTICIPLE_WINDOW = 10
# How many adverb words may stand between a participle and its comma (", at one point calling").
PARTICIPLE_ADVERBS = 3


@dataclass(slots=True)
class CueWord:
    """A reporting verb or "according to" at tokens[index:end]."""

    index: int  # token index of the verb (or of "according")
    end: int  # token index after the cue words
    word: str  # as written: "said", "pointed out", "according to"
    lemma: str  # "say", "point out", "according"
    verb_lemma: str  # the first word's lemma alone (what a coordinated "... and pointed out" keeps)
    phrasal: bool  # two words: "pointed out", "called for"
    bare: bool  # a base form ("say", "respond"): only a plural subject speaks with it
    according: bool = False


@dataclass(slots=True)
class SentenceCues:
    verbs: list[CueWord]  # reporting verbs and "according to", in order
    colons: Mapping[int, int]  # quote token index -> the colon right before it
    participles: Mapping[int, int]  # quote token index -> the participle before it ("calling")


@dataclass(frozen=True)
class Cues:
    """The cue pass's output, one entry per sentence of Segments.sentences."""

    sentences: list[SentenceCues]


_NONE: Mapping[int, int] = MappingProxyType({})  # a sentence without quotes has no intros


def find_cues(segments: Segments) -> Cues:
    """The cues of every sentence."""
    out: list[SentenceCues] = []
    for sent in segments.sentences:
        toks, s, e = sent.tokens, sent.s, sent.e
        if not sent.quotes:
            out.append(SentenceCues(_verbs(toks, s, e), _NONE, _NONE))
            continue
        colons: dict[int, int] = {}
        participles: dict[int, int] = {}
        for k in sent.quotes:
            if k - 1 > s and toks[k - 1].text == ":":
                colons[k] = k - 1
            i = _participle_before(toks, s, k)
            if i is not None:
                participles[k] = i
        out.append(SentenceCues(_verbs(toks, s, e), colons, participles))
    return Cues(out)


def _verbs(toks: Sequence[Token], s: int, e: int) -> list[CueWord]:
    """Reporting verbs of the sentence (and "according to"), in order."""
    out: list[CueWord] = []
    for i in range(s, e):
        t = toks[i]
        low = t.low
        if low not in _CUE_WORDS or t.kind != "w" or t.cap and i != s:
            continue  # a set lookup first: most tokens are no reporting verb
        if low == "according" and i + 1 < e and toks[i + 1].low == "to":
            out.append(CueWord(i, i + 2, "according to", "according", "according", False, False, True))
            continue
        lemma = lang.QUOTE_VERBS.get(low)
        phrasal = None
        if i + 1 < e and (low + " " + toks[i + 1].low) in _PHRASAL:
            phrasal = _PHRASAL[low + " " + toks[i + 1].low]
        if lemma is None and phrasal is None:
            continue
        if phrasal == "be clear" and (i == s or toks[i - 1].low == "it"):
            continue  # "It was clear that ...": nobody speaks
        if phrasal == "put it" and not (
            (i + 2 < e and toks[i + 2].text in (",", ":"))
            or any(toks[x].low == "as" for x in range(max(s, i - PUT_IT_AS), i))
        ):
            continue  # "as Doe put it, ..." speaks; "Doe put it on the table" does not
        if low in lang.PARTICIPLE_CUES and i > s and participle_comma(toks, s, i) >= s:
            continue  # handled as a participle clause
        word = t.text if phrasal is None else t.text + " " + toks[i + 1].text
        out.append(
            CueWord(
                i,
                i + (2 if phrasal else 1),
                word,
                phrasal or lemma or low,
                lemma or low,
                phrasal is not None,
                phrasal is None and lemma == low and not _finite_base(toks, s, i),
            )
        )
    return out


def _participle_before(toks: Sequence[Token], s: int, k: int) -> int | None:
    """', calling it "a lifeline"' / ', describing the plan as "reckless"': the participle (after a
    comma, within a few tokens and the same clause) that introduces the quote at token k."""
    for i in range(k - 1, max(s, k - PARTICIPLE_WINDOW) - 1, -1):
        t = toks[i]
        if i == k - 1 and t.text == ":":
            continue  # ', saying: "..."', ', writing in an email: "..."'
        if t.kind == "q" or (t.kind == "p" and t.text in ".!?;:"):
            return None
        if (t.low in lang.PARTIAL_PARTICIPLES or t.low in lang.PARTICIPLE_CUES) and _opens_participle(
            toks, s, i
        ):
            return i  # also ', saying, "..."', ', telling reporters, "..."'
    return None


def _opens_participle(toks: Sequence[Token], s: int, i: int) -> bool:
    """Does the participle at token i open a clause of its own: after a comma, maybe with a few
    adverb words between (', at one point calling'), or after "while" / "by" ('while praising')?"""
    if i - 1 < s:
        return False
    if toks[i - 1].low in _PARTICIPLE_LINKS:
        return True
    for j in range(i - 1, max(s, i - 1 - PARTICIPLE_ADVERBS) - 1, -1):
        t = toks[j]
        if t.text == ",":
            return True
        if t.kind != "w" or t.cap or t.low in lang.QUOTE_VERBS or t.low in lang.CLAUSE_VERBS:
            return False
    return False


# Words that open a participle clause without a comma ("while praising her as ...").
_PARTICIPLE_LINKS = frozenset(("while", "by", "after", "before", "when"))


_PHRASAL: dict[str, str] = {
    "pointed out": "point out",
    "points out": "point out",
    "point out": "point out",
    "made clear": "make clear",
    "makes clear": "make clear",
    "called for": "call for",
    "calls for": "call for",
    "called on": "call on",
    "calls on": "call on",
    "shot back": "shoot back",
    "put it": "put it",
    "puts it": "put it",
    "shoots back": "shoot back",
    "was clear": "be clear",
    "is clear": "be clear",
    "were clear": "be clear",
    "are clear": "be clear",
}


# "he did say", "she does tell": after a form of "do" the base form is finite, any subject speaks.
_DO_FORMS = frozenset(("did", "does", "do"))


def _finite_base(toks: Sequence[Token], s: int, i: int) -> bool:
    """A base form any subject speaks with: after "do" ("he did say") or a catenative's "to" ("he
    appeared to suggest")."""
    if i - 1 < s:
        return False
    prev = toks[i - 1].low
    return prev in _DO_FORMS or (prev == "to" and i - 2 >= s and toks[i - 2].low in CATENATIVES)

# Every word that may start a cue: reporting verbs, the first word of phrasal cues, "according".
_CUE_WORDS = frozenset(lang.QUOTE_VERBS) | {p.split()[0] for p in _PHRASAL} | {"according"}
