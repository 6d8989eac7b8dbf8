"""What a noun phrase stands for: a person's name, an organisation, a role, a pronoun, an
organisation reference ("the ministry") or an unnamed group; see `classify`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from watchers.statements.lang import en as lang
from watchers.statements.mentions import (
    Mention,
    Phrase,
    is_possessive,
    occupation_word,
    org_text,
    plural_people,
    role_at,
    strip_possessive,
)
from watchers.statements.person_names import person
from watchers.statements.sentences import Token
from watchers.statements.titles import long_title_end, title_word

# Noun phrases classified, keyed by their words and spacing (offsets relative to the first word):
# names and roles recur many times in an article and across a feed's articles. Bounded: cleared
# when full (a feed's vocabulary of names is far smaller).
CLASSIFY_CACHE_SIZE = 50_000
_classified: dict[tuple[object, ...], Mention | None] = {}


def classify(tokens: Sequence[Token], a: int, b: int) -> Mention | None:
    """What the noun phrase tokens[a:b] stands for."""
    if a >= b:
        return None
    base = tokens[a].start
    # _classify reads only tokens[a:b]: their kinds, texts and relative positions decide the answer
    key = tuple([t.kind + t.text for t in tokens[a:b]] + [t.start - base for t in tokens[a:b]])
    try:
        tpl = _classified[key]
    except KeyError:
        m = _classify(tokens, a, b)
        if m is not None and m.np_start < 0:
            m.np_start = base
        if len(_classified) >= CLASSIFY_CACHE_SIZE:
            _classified.clear()
        _classified[key] = None if m is None else _shifted(m, -base)
        return m
    return None if tpl is None else _shifted(tpl, base)


def _shifted(m: Mention, delta: int) -> Mention:
    """A fresh copy of m (callers add roles and genders to theirs) with its offsets moved by delta."""
    return Mention(
        m.kind,
        m.start + delta,
        m.end + delta,
        m.text,
        m.name,
        m.gender,
        list(m.roles),
        m.head,
        m.modifiers,
        m.definite,
        m.np_start + delta,
        m.owner,
    )


def _classify(tokens: Sequence[Token], a: int, b: int) -> Mention | None:
    """The kinds of mention, tried in this order: a person with an affiliation ("Petra Lund of Tormo
    University"), one capitalised word that is a group or role ("the Pole", "Officials"), a
    capitalised chain (an organisation's name, else a person's name after any title), a common noun
    phrase (a group, role, organisation or organisation reference, an unnamed person)."""
    det = ""
    a0 = a
    while a < b and tokens[a].kind == "w" and tokens[a].low in lang.DETERMINERS:
        det = tokens[a].low
        a += 1
    if a >= b:
        if b - a0 == 1 and det in lang.UNNAMED_GROUPS:  # "many said", "Some have suggested"
            return Mention("group", tokens[a0].start, tokens[a0].end, tokens[a0].text, head=det, definite=False)
        return None
    words = tokens[a:b]
    last = words[-1]
    # "Deputy Minister of Trade Azlan bin Hamid", "Ministry of Defence of the Russian Federation":
    # an agency-style title (or an organisation's full name) that runs on through of/for/and/the
    long_title = long_title_end(tokens, a, b) > a or (
        len(words) >= 3
        and strip_possessive(words[0].low) in lang.ORG_HEADS
        and words[1].low in lang.ORG_LINKS
    )
    ph = Phrase(tokens, a0, a, b, det, long_title)
    if not long_title:
        affiliated = _affiliated_person(ph)
        if affiliated is not None:
            return affiliated
    if len(words) == 1 and last.cap:
        one = _one_capitalised_word(ph)
        if one is not None:
            return one
    if last.kind == "p":
        return None
    if last.cap:
        return _capitalised_chain(ph)
    return _common_noun_phrase(ph)


def _affiliated_person(ph: Phrase) -> Mention | None:
    """'Petra Lund of Tormo University': a person with an affiliation, not an organisation. Only the
    last of/at/from after a capitalised word counts."""
    words = ph.words
    for k in range(len(words) - 2, 0, -1):
        if words[k].low in ("of", "at", "from") and words[k - 1].cap:
            wl = words[k - 1].low.rstrip(".")
            if (
                wl not in lang.TITLE_WORDS
                and wl not in lang.ORG_HEADS
                and strip_possessive(wl) not in lang.SINGLETON_ORGS
            ):
                left = _classify(ph.tokens, ph.a0, ph.a + k)
                if left is not None and left.kind == "name":
                    return left
            return None
    return None


def _one_capitalised_word(ph: Phrase) -> Mention | None:
    """'the Pole' (a nationality: the person just written about), 'Officials', 'Police': a group or
    role written with a capital; None when the word may be a name."""
    last = ph.words[-1]
    low = strip_possessive(last.low)
    if ph.det == "the" and low in lang.NATIONALITY_NOUNS:
        return Mention("role", ph.tokens[ph.a0].start, last.end, ph.text, head=low)
    if low in lang.UNNAMED_GROUPS:
        return Mention("group", last.start, last.end, last.text, head=low, definite=False)
    if low in lang.ROLE_NOUNS and low not in lang.TITLE_WORDS:
        return Mention("role", last.start, last.end, last.text, head=low, definite=False)
    return None


def _chain_start(ph: Phrase) -> int:
    """Where the trailing capitalised chain (a name or an organisation's name) starts among the words."""
    words = ph.words
    c = len(words) - 1
    while c - 1 >= 0 and (
        words[c - 1].cap
        or (words[c - 1].low in lang.NAME_PARTICLES and c - 2 >= 0 and words[c - 2].cap)
        or (words[c - 1].low in lang.ORG_LINKS and c - 2 >= 0 and words[c - 2].cap)
        or (ph.long_title and words[c - 1].kind == "w" and words[c - 1].low in lang.TITLE_LINKS)
        or (words[c - 1].kind == "p" and words[c - 1].text in ("-", "’", "'"))
        or (words[c - 1].text == "&" and c - 2 >= 0 and words[c - 2].cap)  # "Cartwright & Lowe"
    ):
        if is_possessive(words[c - 1]):
            break
        c -= 1
    return c


def _capitalised_chain(ph: Phrase) -> Mention | None:
    """A phrase ending in a capitalised chain: an organisation's name, else a person's name (or, with
    no name left after the title, a role)."""
    c = _chain_start(ph)
    chain = ph.words[c:]
    # a person's long title opens with title words ("Malaysian Deputy Minister of ..."); an
    # organisation's name with its head ("Ministry of Defence of ...")
    opening = list(itertools.takewhile(lambda w: w.cap, chain))[:3]
    titled = (
        ph.long_title
        and any(title_word(w) for w in opening)
        and not any(strip_possessive(w.low) in lang.ORG_HEADS for w in opening)
    )
    if not titled and _organisation_name(chain):
        return _organisation(ph, c)
    return person(ph, c, titled)


def _organisation_name(chain: Sequence[Token]) -> bool:
    """Is the capitalised chain an organisation's name?"""
    last = chain[-1]
    bare_last = strip_possessive(last.low)
    return (
        bare_last in lang.ORG_HEADS
        or any(w.text == "&" for w in chain)  # a firm: people's names never take "&"
        or bare_last in lang.SINGLETON_ORGS
        or (last.text.isupper() and len(last.text) >= 2 and last.text.isalpha())
        # "Monetary Authority of Singapore", "Coalition for App Fairness"
        or any(
            w.low in lang.ORG_LINKS and k > 0 and strip_possessive(chain[k - 1].low) in lang.ORG_HEADS
            for k, w in enumerate(chain)
        )
    )


def _organisation(ph: Phrase, c: int) -> Mention:
    """The organisation's own name: after any possessive ("Korlan's Health Ministry") and any
    lowercase description ("credit rating agency Halden Ratings")."""
    words = ph.words
    k0 = 0
    for k, t in enumerate(words):
        if is_possessive(t) and k < len(words) - 1:
            k0 = k + 1
    if c > k0 and not words[c - 1].cap and words[c].cap:
        k0 = c
    text_name = org_text(ph.tokens, ph.a + k0, ph.b)
    last = words[-1]
    return Mention(
        "org", words[k0].start, last.end, text_name, name=text_name, head=strip_possessive(last.low)
    )


def _common_noun_phrase(ph: Phrase) -> Mention | None:
    """A phrase ending in a lowercase word: an unnamed group ("analysts"), a role ("the minister"),
    an organisation ("Darunia's defence ministry") or a reference to one ("the ministry"), an
    unnamed person ("a resident")."""
    words, det = ph.words, ph.det
    last = words[-1]
    low = strip_possessive(last.low)
    start, end = ph.tokens[ph.a0].start, last.end
    role_here = role_at(words, len(words) - 1, 0)
    if (last.low in lang.UNNAMED_GROUPS or plural_people(last.low)) and low not in ("police",):
        return Mention("group", start, end, ph.text, head=low, definite=False)
    if role_here is not None:
        r, role_first = role_here
        mods = frozenset(strip_possessive(t.low) for t in words[:role_first] if t.kind == "w")
        owners = [t for t in words[:role_first] if is_possessive(t)]
        owner = strip_possessive(owners[-1].text) if owners else det if det in _PERSON_POSSESSIVES else ""
        return Mention(
            "role",
            start,
            end,
            ph.text,
            head=r,
            modifiers=mods,
            definite=det not in lang.INDEFINITE,
            gender=lang.ROLE_NOUNS.get(r, ""),
            owner=owner,
        )
    if low in lang.ORG_NOUNS or low == "police":
        return _org_noun_phrase(ph, low)
    if low in lang.SPEAKING_DOCUMENTS and det and det not in lang.INDEFINITE:
        # '"...," the release said', '"...," the suit reads': the document speaks for whoever issued
        # it; unnamed here, so that resolution keeps it apart from the people ("issued a report charging
        # ...": the issuer, not "a report")
        return Mention("group", start, end, ph.text, head=low, definite=False)
    if det in lang.ONE_PERSON_DETS and _person_noun(low):
        # "one senior nurse", "a resident": an unnamed person
        return Mention("group", start, end, ph.text, head=low, definite=False)
    return None


# Possessive determiners whose owner is one person ("his lawyer"; "their" may be an organisation's).
_PERSON_POSSESSIVES = frozenset(("his", "her"))


def _org_noun_phrase(ph: Phrase, low: str) -> Mention:
    """'a ministry' (unnamed), 'Darunia's defence ministry' (a name), 'the flood agency' (a reference)."""
    words, det = ph.words, ph.det
    start, end = ph.tokens[ph.a0].start, words[-1].end
    if det in lang.INDEFINITE:
        return Mention("group", start, end, ph.text, head=low, definite=False)
    if any(t.cap for t in words):
        k0 = max((k + 1 for k, t in enumerate(words[:-1]) if is_possessive(t)), default=0)
        org_name = org_text(ph.tokens, ph.a + k0, ph.b)  # "Darunia's defence ministry" -> "defence ministry"
        return Mention("org", start, end, ph.text, name=org_name, head=low)
    mods = frozenset(
        t.low for t in words[:-1] if t.kind == "w" and not is_possessive(t) and t.low not in lang.DETERMINERS
    )
    ref_name = org_text(ph.tokens, ph.a, ph.b) if mods and det == "the" else None
    return Mention("orgref", start, end, ph.text, name=ref_name, head=low, modifiers=mods)


def _person_noun(low: str) -> bool:
    """'nurse', 'resident', 'engineer': a noun for a person (its plural is a group of people)."""
    return occupation_word(low) or low + "s" in lang.UNNAMED_GROUPS or low + "es" in lang.UNNAMED_GROUPS
