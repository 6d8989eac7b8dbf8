"""A role noun with free modifiers as the speaker: "a longtime party data expert said", "said the
Florida senator", "the gambling tycoon told". The noun-phrase reader (nounphrase.py) walks only
words it knows can be part of a speaker phrase; these are the phrases it gives up on: the head is a
role noun, the words between it and the determiner are anything but a boundary (a verb, a
conjunction, a pronoun, punctuation). Both readers are bounded walks: constant work per cue.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.classify import classify
from watchers.statements.lang import en as lang
from watchers.statements.mentions import (
    Mention,
    is_possessive,
    np_word,
    role_at,
    strip_possessive,
    surname_word,
)
from watchers.statements.sentences import Token

# Modifiers between the determiner and the role noun ("a longtime GOP data expert": three). Longer
# runs are a clause whose last word happens to be a role noun.
MAX_ROLE_MODIFIERS = 4
# Words that end a speaker phrase: what comes before or after one in a clause, never inside it.
_BOUNDARY = frozenset(
    {"and", "or", "but", "nor", "who", "whom", "whose", "which", "that", "as", "than", "if"}
)
# Determiners that open a phrase naming one person or group by role (possessives included).
_OPENERS = frozenset({"the", "a", "an", "one", "another", "his", "her", "its", "their", "this", "that"})
# Words of a free description before a name after an inverted verb ("said retired neurosurgeon X",
# "said master of ceremonies X", "said undecided Republican voter X"); a longer run is a clause.
MAX_DESCRIPTION_WORDS = 5
# Words a person's name after such a description runs to, at most ("Asab Al-Tabchi", "Mary Ann de la Cruz").
MAX_NAME_TOKENS = 6


def role_phrase_left(tokens: Sequence[Token], i: int, lo: int) -> Mention | None:
    """The role phrase ending at token i (just before the verb), or None."""
    if not _role_head(tokens[i]):
        return None
    for k in range(i - 1, max(lo, i - 1 - MAX_ROLE_MODIFIERS) - 1, -1):
        t = tokens[k]
        if t.kind != "w":
            return None
        if t.low in _OPENERS and not t.cap or (t.cap and t.low in ("the", "a", "an", "one", "another")):
            return _role(tokens, k, i + 1)
        if not _modifier(t):
            return None
    return None


def role_phrase_right(tokens: Sequence[Token], i: int, hi: int) -> Mention | None:
    """The role phrase opening at token i (just after an inverted verb), or None: its head is the
    last role noun before the phrase's boundary ("said a Torvik data expert who ...")."""
    if i >= hi or tokens[i].kind != "w" or tokens[i].low not in _OPENERS:
        return None
    head = -1
    for k in range(i + 1, min(hi, i + 2 + MAX_ROLE_MODIFIERS)):
        t = tokens[k]
        if _role_head(t):
            head = k
            if is_possessive(t):
                break
            continue
        if t.kind != "w" or not _modifier(t) or head >= 0:
            break
    return _role(tokens, i, head + 1) if head > i else None


def described_name_right(tokens: Sequence[Token], i: int, hi: int) -> Mention | None:
    """A person's name after a free description of them, opening at token i (just after an inverted
    verb): "said retired neurosurgeon Ben Carson", "said master of ceremonies Asab Al-Tabchi", "said
    undecided Republican voter Stephanie Hooton of Derry". The description is lowercase words
    (capitalised modifiers and "of" inside) whose last word is a lowercase noun; the name is two
    capitalised words or more that end the phrase; or None."""
    first = i + 1 if i < hi and tokens[i].low == "the" and not tokens[i].cap else i
    for k in range(first + 1, min(hi, first + MAX_DESCRIPTION_WORDS + 1)):
        prev = tokens[k - 1]
        if not _description_word(prev) or (k - 1 == first and prev.low == "of"):
            return None
        if not tokens[k].cap or prev.cap or prev.kind != "w" or prev.low == "of":
            continue
        m = _name_from(tokens, k, hi)
        if m is not None:
            m.np_start = tokens[i].start
            r = next(
                (role_at(tokens, x, first) for x in range(k - 1, first - 1, -1) if role_at(tokens, x, first)),
                None,
            )
            if r is not None:
                m.roles.append((r[0], frozenset(t.low for t in tokens[first : r[1]] if t.kind == "w")))
            return m
    return None


def _name_from(tokens: Sequence[Token], k: int, hi: int) -> Mention | None:
    """The person's name of two capitalised words or more opening at token k and ending the phrase."""
    b = k
    while (
        b < hi
        and b - k < MAX_NAME_TOKENS
        and (
            (tokens[b].cap and np_word(tokens[b]))
            or tokens[b].text in ("-", "’", "'")
            or surname_word(tokens, b, k, hi)
        )
    ):
        b += 1
    if b - k < 2 or tokens[b - 1].kind != "w" or (b < hi and tokens[b].kind == "w" and tokens[b].cap):
        return None
    m = classify(tokens, k, b)
    return m if m is not None and m.kind == "name" and " " in (m.name or "") else None


def _description_word(t: Token) -> bool:
    if t.kind == "n" or t.text == "/":
        return True  # "said 2008 campaign veteran ...", "said 9/11 widow ..."
    return t.kind == "w" and (t.low == "of" or (_modifier(t) and t.low not in lang.WEEKDAYS))


def _role(tokens: Sequence[Token], a: int, b: int) -> Mention | None:
    m = classify(tokens, a, b)
    return m if m is not None and m.kind == "role" else None


def _role_head(t: Token) -> bool:
    return t.kind == "w" and not t.cap and strip_possessive(t.low) in lang.ROLE_NOUNS


def _modifier(t: Token) -> bool:
    low = t.low
    return (
        t.kind == "w"
        and low not in _BOUNDARY
        and low not in lang.QUOTE_VERBS
        and low not in lang.SUBJECT_PRONOUNS
        and low not in lang.PP_HEADS
        and low not in lang.BE_FORMS
        and low not in lang.MODALS
        and low not in lang.DETERMINERS
    )


def described_after_quote(tokens: Sequence[Token], a: int, b: int) -> Mention | None:
    """A free description of the speaker between a quote and its verb ('"...," the committee chairmen
    wrote') or after the inverted verb to the clause's end ('"...," said the 46-year-old', 'said one
    of those advisers, who ...'): a determiner, then at most MAX_ROLE_MODIFIERS lowercase words or
    numbers, none a verb or a clause word. Only read where a quote stands right before (the caller
    checks): a role mention nothing else resolves, so the quote keeps its attribution, speaker unknown."""
    if not 2 <= b - a <= MAX_ROLE_MODIFIERS + 1 or tokens[a].low not in _OPENERS or tokens[a].cap:
        return None  # 'The' after a quote opens a sentence of its own
    words = tokens[a + 1 : b]
    if not all(
        t.kind == "n"
        or t.text == "-"
        or (t.kind == "w" and not t.cap and (t.low == "of" or _modifier(t)))
        or (t.low in lang.DETERMINERS and tokens[x - 1].low == "of")  # 'one of those advisers'
        or (x == b - 1 and t.low in lang.DOCUMENT_NOUNS)  # 'the congressional report'
        for x, t in enumerate(words, a + 1)
    ):
        return None
    if words[-1].kind != "w" or words[-1].low == "of":
        return None
    head = tokens[b - 1]
    text_start, text_end = tokens[a].start, head.end
    return Mention(
        "role",
        text_start,
        text_end,
        " ".join(t.text for t in tokens[a:b]),
        head=strip_possessive(head.low),
        definite=False,  # a head no role list knows: never resolved to an earlier person
        np_start=text_start,
    )


def description_end(tokens: Sequence[Token], i: int, hi: int) -> int:
    """Where a description after an inverted verb at i - 1 ends: the clause's comma or end ("said
    the designer, who ...", "said the 46-year-old."), or i when something else follows first."""
    for k in range(i, min(hi, i + MAX_ROLE_MODIFIERS + 2)):
        t = tokens[k]
        if t.kind == "p" and t.text != "-":
            return k if t.text in (",", ".", "!", "?", ";", "—", "–") else i
        if t.kind == "q":
            return i
    return hi if hi - i <= MAX_ROLE_MODIFIERS + 1 else i


def quote_before_description(tokens: Sequence[Token], s: int, v: int) -> int:
    """The opener of a description that runs from just after a quote to the verb at v ('"...," the
    report said'), or -1."""
    for a in range(v - 2, max(s, v - MAX_ROLE_MODIFIERS - 2) - 1, -1):
        if tokens[a].low in _OPENERS and a - 1 >= s and tokens[a - 1].kind == "q":
            return a
        if tokens[a].kind != "w" and tokens[a].kind != "n":
            return -1
    return -1
