"""Does a span of tokens read as a clause (a subject and a finite verb) rather than a noun phrase?
The tests reported.py applies to what follows a reporting verb; where a reported clause ends (before
the next speaker, before a quote's attribution)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Protocol

from watchers.statements.drafts import Draft
from watchers.statements.lang import en as lang
from watchers.statements.sentences import Token, at_least_words, has_quote


class Cue(Protocol):
    """What the clause ends read of a speakers.Cue (imported there, not here: speakers imports this)."""

    @property
    def index(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def lemma(self) -> str: ...
    @property
    def inverted(self) -> bool: ...
    @property
    def subject(self) -> object: ...  # read-only, so a Mention | None fits
    @property
    def subj_first(self) -> int: ...


# A reported clause shorter than this many words is not a statement ("Doe said so").
MIN_CLAUSE_WORDS = 3
# How long the object of "called X a Y" / "described X as Y" may run before "a" / "as".
MAX_NAMED_OBJECT_TOKENS = 8
_NOT_OBJECTS = frozenset(
    ("in", "up", "out", "off", "back", "on", "upon", "over", "around", "down")
)  # particles
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
    possessive = any(t.low.endswith(("'s", "’s")) for t in toks[a : min(b, a + 3)])
    for k in range(a, min(b, a + CLAUSE_VERB_WINDOW)):
        t = toks[k]
        if k > a and t.low in _VERB_ADVERBS and k + 1 < b and _present_verb_like(toks[k + 1]):
            return True  # "said parents still want neighbourhood schools": an adverb, then its verb
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
            and (toks[a].low in lang.DETERMINERS or possessive)
            and t.low not in lang.UNNAMED_GROUPS
        ):
            return True  # "the economy grows", "Mrs. Doe's use of social media gives"
    return False


# Adverbs that stand right before a finite verb in a clause ("residents still want", "voters
# rarely forgive"): the word after one is the verb even in the present tense, which no ending marks.
_VERB_ADVERBS = frozenset(
    ("still", "also", "never", "already", "often", "always", "really", "rarely", "seldom", "increasingly",
     "largely", "mostly", "generally", "usually")
)  # fmt: skip


def _present_verb_like(t: Token) -> bool:
    """Can t be a finite verb after an adverb: a lowercase word, no determiner, preposition or -ing form."""
    return (
        t.kind == "w"
        and not t.cap
        and t.low not in lang.DETERMINERS
        and t.low not in lang.PP_HEADS
        and t.low not in lang.ADJUNCT_OPENERS
        and not t.low.endswith("ing")
    )


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


def participle_comma(toks: Sequence[Token], s: int, i: int) -> int:
    """The comma before the participle at token i (", saying", ", even suggesting", ", again
    arguing"), or -1: at most two adverbs between."""
    k = i - 1
    while k > s and i - k <= PARTICIPLE_ADVERBS and toks[k].kind == "w" and _participle_adverb(toks[k].low):
        k -= 1
    return k if k >= s and toks[k].text == "," else -1


def _participle_adverb(low: str) -> bool:
    return low in _PARTICIPLE_ADVERB_WORDS or (low.endswith("ly") and len(low) > 4)


# How many adverbs may stand between a comma and its participle (", at times even suggesting").
PARTICIPLE_ADVERBS = 2
_PARTICIPLE_ADVERB_WORDS = frozenset(
    ("even", "again", "also", "then", "later", "once", "still", "at", "times")
)


def trim_connectors(toks: Sequence[Token], a: int, b: int) -> int:
    """End of a clause cut before the next speaker: drop 'after', 'and', 'but', commas."""
    while b > a and (
        toks[b - 1].kind == "p"
        or toks[b - 1].low
        in (
            "after",
            "and",
            "but",
            "while",
            "as",
            "when",
            "before",
            "because",
            "since",
            "although",
            "though",
            "whereas",
        )
    ):
        b -= 1
    return b


def own_clauses(
    toks: Sequence[Token],
    s: int,
    e: int,
    drafts: Sequence[Draft],
    cues: Sequence[Cue],
    used: set[int],
    quoted: tuple[int, int],
) -> list[Draft]:
    """Of a quoted sentence's reported clauses (drafts), those that are statements of their own: over
    before the first quote (quoted: from the first quote's start to the last one's end) with a cue no
    quote took ("He said he had not seen it, and when asked ..., he said, "..."" gives "he had not
    seen it"), or with cue and clause after the last quote ('"...". She further announced that
    ...'); never a noun ("Pressed on reports that ..., Doe said:")."""
    first_q, last_q = quoted
    out = []
    for d in drafts:
        if (d.cue or "").casefold() in lang.NOUN_LIKE_FORMS:
            continue
        if d.pos >= last_q and d.start >= last_q:
            if d.pos not in used:
                out.append(d)  # not the quote's own trailing attribution ('"...," she told a meeting')
            continue
        cut = before_quote(toks, s, e, d, cues, first_q) if d.end > first_q else None
        if cut is not None or (d.end <= first_q and d.pos not in used):
            out.append(cut or d)
    return out


def before_quote(
    toks: Sequence[Token], s: int, e: int, d: Draft, cues: Sequence[Cue], first_q: int
) -> Draft | None:
    """The reported clause d cut before the next speaker, whose verb comes before the quote after d
    ("She said the roof leaked, and when asked ..., she said, "..."": up to "leaked"), or None."""
    cut = next(
        (c for c in cues if not c.inverted and c.subject and d.pos < toks[c.subj_first].start < first_q),
        None,
    )
    if cut is None:
        return None
    a = bisect_left(toks, d.start, s, e, key=_token_start)  # the clause's first token, not walked to
    b = cut.subj_first
    comma = next((k for k in range(b - 1, a, -1) if toks[k].text == "," and toks[k + 1].low in _LINKS), b)
    b = trim_connectors(toks, a, comma)  # ", and when asked ...": the question is not hers
    if b <= a or not at_least_words(toks, a, b, MIN_CLAUSE_WORDS) or has_quote(toks, a, b):
        return None
    return Draft(d.start, toks[b - 1].end, d.kind, d.mention, d.cue, d.pos)


def _token_start(t: Token) -> int:
    return t.start


_LINKS = frozenset(("and", "but", "when", "while", "as", "after", "before", "though", "although"))


def relative_end(toks: Sequence[Token], c: Cue, a: int, b: int) -> int:
    """Where the reported clause tokens[a:b] of a relative clause's verb ends: at the comma that
    closes the relative ("Parents, many of whom say the school is far, have started ...": "the
    school is far"); b for any other verb."""
    k = c.index - 1
    while k > 0 and toks[k].kind == "w" and toks[k].low in lang.AUX_ADVERBS:
        k -= 1
    if k < 0 or toks[k].low not in ("who", "whom") or toks[k - 1].text not in (",", "of"):
        return b
    for j in range(a + 1, b - 1):
        nxt = toks[j + 1]
        if (
            toks[j].text == ","
            and nxt.kind == "w"
            and not nxt.cap
            and (nxt.low in lang.FINITE or nxt.low.endswith("ed"))
        ):
            return j
    return b


def naming_clause(toks: Sequence[Token], end: int, c: Cue) -> tuple[int, int] | None:
    """ "Trump has called climate change a hoax ...", "Democrats described the showdown as ominous":
    the object and what it is called, a statement about it; never "called a news conference",
    "called Democratic bigwigs to the stage" (no "a"/"as" after an object), nor a quote's verb."""
    mark = ("a", "an") if c.lemma == "call" else ("as",)
    first = toks[c.end].low if c.end < end else "a"
    if first in mark or first in _NOT_OBJECTS or first in lang.ADJUNCT_OPENERS or first in lang.PP_HEADS:
        return None  # "called a news conference", "called in to a town hall"
    if toks[c.subj_first - 1].low in ("what", "which", "that", "whom"):  # "what he calls X a Y"
        return None
    for k in range(c.end + 1, min(end, c.end + MAX_NAMED_OBJECT_TOKENS + 1)):
        t = toks[k]
        if t.kind != "w" or t.low in lang.FINITE:
            return None
        if t.low in mark:
            ok = k + 1 < end and not has_quote(toks, c.end, end)
            return (c.end, end) if ok and at_least_words(toks, c.end, end, MIN_CLAUSE_WORDS) else None
    return None
