"""What a noun phrase stands for: a person's name, an organisation, a role, a pronoun, an
organisation reference ("the ministry") or an unnamed group; see `classify`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from watchers.statements.lang import en as lang
from watchers.statements.mentions import (
    Mention,
    is_possessive,
    occupation_word,
    org_text,
    role_at,
    strip_possessive,
)
from watchers.statements.sentences import Token
from watchers.statements.titles import long_title_end, split_long_title, title_word

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
    )


def _classify(tokens: Sequence[Token], a: int, b: int) -> Mention | None:
    det = ""
    a0 = a
    while a < b and tokens[a].kind == "w" and tokens[a].low in lang.DETERMINERS:
        det = tokens[a].low
        a += 1
    if a >= b:
        return None
    words = tokens[a:b]
    last = words[-1]
    start, end = words[0].start, last.end
    # "Deputy Minister of Trade Azlan bin Hamid", "Ministry of Defence of the Russian Federation":
    # an agency-style title (or an organisation's full name) that runs on through of/for/and/the
    long_title = long_title_end(tokens, a, b) > a or (
        len(words) >= 3
        and strip_possessive(words[0].low) in lang.ORG_HEADS
        and words[1].low in lang.ORG_LINKS
    )
    # "Petra Lund of Tormo University": a person with an affiliation, not an organisation
    for k in range(len(words) - 2, 0, -1) if not long_title else ():
        if words[k].low in ("of", "at", "from") and words[k - 1].cap:
            wl = words[k - 1].low.rstrip(".")
            if (
                wl not in lang.TITLE_WORDS
                and wl not in lang.ORG_HEADS
                and strip_possessive(wl) not in lang.SINGLETON_ORGS
            ):
                left = _classify(tokens, a0, a + k)
                if left is not None and left.kind == "name":
                    return left
            break
    if len(words) == 1 and last.cap and det == "the" and strip_possessive(last.low) in lang.NATIONALITY_NOUNS:
        # "the Pole told reporters": a role for the person just written about, not a name
        return Mention(
            "role", tokens[a0].start, end, _text(tokens, a, b, det), head=strip_possessive(last.low)
        )
    if len(words) == 1 and last.cap:
        low1 = strip_possessive(last.low)
        if low1 in lang.UNNAMED_GROUPS:
            return Mention("group", start, end, last.text, head=low1, definite=False)
        if low1 in lang.ROLE_NOUNS and low1 not in lang.TITLE_WORDS:
            return Mention("role", start, end, last.text, head=low1, definite=False)
    if last.cap or last.kind == "p":
        # trailing capitalised chain: a name or an organisation
        c = len(words) - 1
        while c - 1 >= 0 and (
            words[c - 1].cap
            or (words[c - 1].low in lang.NAME_PARTICLES and c - 2 >= 0 and words[c - 2].cap)
            or (words[c - 1].low in lang.ORG_LINKS and c - 2 >= 0 and words[c - 2].cap)
            or (long_title and words[c - 1].kind == "w" and words[c - 1].low in lang.TITLE_LINKS)
            or (words[c - 1].kind == "p" and words[c - 1].text in ("-", "’", "'"))
            or (words[c - 1].text == "&" and c - 2 >= 0 and words[c - 2].cap)  # "Cartwright & Lowe"
        ):
            if is_possessive(words[c - 1]):
                break
            c -= 1
        chain = words[c:]
        if last.kind == "p":
            return None
        bare_last = strip_possessive(last.low)
        # a person's long title opens with title words ("Malaysian Deputy Minister of ..."); an
        # organisation's name with its head ("Ministry of Defence of ...")
        opening = list(itertools.takewhile(lambda w: w.cap, chain))[:3]
        titled = (
            long_title
            and any(title_word(w) for w in opening)
            and not any(strip_possessive(w.low) in lang.ORG_HEADS for w in opening)
        )
        is_org = not titled and (
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
        if is_org:
            # the organisation's own name: after any possessive ("Korlan's Health Ministry") and
            # any lowercase description ("credit rating agency Halden Ratings")
            k0 = 0
            for k, t in enumerate(words):
                if is_possessive(t) and k < len(words) - 1:
                    k0 = k + 1
            if c > k0 and not words[c - 1].cap and chain[0].cap:
                k0 = c
            text_name = org_text(tokens, a + k0, b)
            return Mention("org", words[k0].start, end, text_name, name=text_name, head=bare_last)
        # split title prefix from the name
        n = len(chain)
        gender = ""
        while n - 1 >= 0:
            w = chain[n - 1]
            lw = w.low.rstrip(".")
            if lw in lang.HONORIFICS and not _middle_initial(chain, n - 1):
                gender = lang.HONORIFICS[lw]
                break
            if lw in lang.TITLE_WORDS or lw in lang.ORG_HEADS or (w.low == "of"):
                break
            if w.text.isupper() and len(w.text) >= 2 and w.text.isalpha() and lw not in lang.NAME_SUFFIXES:
                break  # an acronym before a name is a title or a body: "Local MSP Catriona Dunleavy"
            if not (w.cap or w.low in lang.NAME_PARTICLES or w.text == "-"):
                break
            n -= 1
        name_toks = list(chain[n:])
        while name_toks and (
            (name_toks[0].low in lang.NAME_PARTICLES and not (name_toks[0].cap and len(name_toks) >= 2))
            or name_toks[0].text in ("-", "’", "'")
        ):
            name_toks = name_toks[1:]  # "... de Souza" keeps "de" only inside; "Le Quang Vinh" keeps "Le"
        while len(name_toks) >= 2 and name_toks[0].low in lang.NAME_LEADING_ADJECTIVES:
            name_toks = name_toks[1:]  # "Neighbouring Sorvia", "Incumbent Gustav Nyman"
        if (
            n - 1 >= 0
            and chain[n - 1].low == "of"
            and len(name_toks) >= 3
            and name_toks[1].cap
            and name_toks[0].low not in lang.MALE_NAMES
            and name_toks[0].low not in lang.FEMALE_NAMES
        ):
            name_toks = name_toks[1:]  # "Minister of Commerce Zhao Minghui": "Commerce" ends the title
        if long_title and titled:
            name_toks = split_long_title(name_toks)
        full_words = [t for t in name_toks if not _is_initial(t)]
        if len(full_words) >= 3 and occupation_word(name_toks[0].low):
            name_toks = name_toks[1:]  # "Baker Ulrike Hansen" at a sentence's start
        ms = chain[n - 1] if n - 1 >= 0 and chain[n - 1].low.rstrip(".") in lang.HONORIFICS else None
        prefix = list(words[: len(words) - len(chain)]) + list(chain[: n - (1 if ms else 0)])
        roles = _title_roles(prefix)
        if long_title and titled and roles:
            # the rest of a long title qualifies its last role: "Representative of the Ministry of
            # Foreign Affairs" is a diplomat's title, "Director of the Centre for ... Studies" an expert's
            role, mods = roles[-1]
            tail = frozenset(t.low for t in list(prefix) + list(chain[:n]) if t.kind == "w" and t.cap)
            roles[-1] = (role, mods | (tail - {role}))
        if not name_toks:
            if roles:
                role, mods = roles[-1]
                return Mention(
                    "role",
                    tokens[a0].start,
                    end,
                    _text(tokens, a, b, det),
                    head=role,
                    modifiers=mods,
                    definite=det not in lang.INDEFINITE,
                )
            return None
        name = " ".join(
            strip_possessive(t.text) if i == len(name_toks) - 1 else t.text for i, t in enumerate(name_toks)
        )
        name = name.replace(" - ", "-")
        if strip_possessive(name_toks[-1].low) in lang.NOT_NAME_WORDS:
            return None
        ment_start = (ms or name_toks[0]).start
        m = Mention("name", ment_start, name_toks[-1].end, "", name=name, gender=gender, roles=roles)
        if not m.gender:
            m.gender = _name_gender(name_toks) or next(
                (lang.ROLE_NOUNS.get(r, "") for r, _ in roles if lang.ROLE_NOUNS.get(r)), ""
            )
        return m
    low = strip_possessive(last.low)
    start = tokens[a0].start
    role_here = role_at(words, len(words) - 1, 0)
    if (last.low in lang.UNNAMED_GROUPS or _plural_people(last.low)) and low not in ("police",):
        return Mention("group", start, end, _text(tokens, a, b, det), head=low, definite=False)
    if role_here is not None:
        r, role_first = role_here
        mods = frozenset(strip_possessive(t.low) for t in words[:role_first] if t.kind == "w")
        return Mention(
            "role",
            start,
            end,
            _text(tokens, a, b, det),
            head=r,
            modifiers=mods,
            definite=det not in lang.INDEFINITE,
            gender=lang.ROLE_NOUNS.get(r, ""),
        )
    if low in lang.ORG_NOUNS or low == "police":
        if det in lang.INDEFINITE:
            return Mention("group", start, end, _text(tokens, a, b, det), head=low, definite=False)
        caps = [t for t in words if t.cap]
        if caps:
            k0 = max((k + 1 for k, t in enumerate(words[:-1]) if is_possessive(t)), default=0)
            org_name = org_text(tokens, a + k0, b)  # "Darunia's defence ministry" -> "defence ministry"
            return Mention("org", start, end, _text(tokens, a, b, det), name=org_name, head=low)
        mods = frozenset(
            t.low
            for t in words[:-1]
            if t.kind == "w" and not is_possessive(t) and t.low not in lang.DETERMINERS
        )
        ref_name = org_text(tokens, a, b) if mods and det == "the" else None
        return Mention(
            "orgref", start, end, _text(tokens, a, b, det), name=ref_name, head=low, modifiers=mods
        )
    if det in lang.ONE_PERSON_DETS and not last.cap and _person_noun(low):
        # "one senior nurse", "a resident": an unnamed person
        return Mention("group", start, end, _text(tokens, a, b, det), head=low, definite=False)
    return None


def _person_noun(low: str) -> bool:
    """'nurse', 'resident', 'engineer': a noun for a person (its plural is a group of people)."""
    return occupation_word(low) or low + "s" in lang.UNNAMED_GROUPS or low + "es" in lang.UNNAMED_GROUPS


def _is_initial(tok: Token) -> bool:
    """'R.' in "Dale R. Hutchins": one capital letter and a period."""
    return len(tok.text) == 2 and tok.text[1] == "." and tok.text[0].isupper()


def _middle_initial(chain: Sequence[Token], k: int) -> bool:
    """Is chain[k] ("M.") a middle initial after a given name rather than the French "M." honorific?"""
    return (
        _is_initial(chain[k])
        and k - 1 >= 0
        and chain[k - 1].cap
        and chain[k - 1].low.rstrip(".") not in lang.HONORIFICS
        and chain[k - 1].low.rstrip(".") not in lang.TITLE_WORDS
        and k + 1 < len(chain)
        and chain[k + 1].cap
    )


def _plural_people(low: str) -> bool:
    """'geologists', 'campaigners', 'historians': unnamed groups of people."""
    return (
        low.endswith(("ists", "ians", "ers", "ors", "ants", "ents"))
        and len(low) > 6
        and low not in lang.ORG_NOUNS
    )


def _text(tokens: Sequence[Token], a: int, b: int, det: str) -> str:
    return (
        " ".join(t.text for t in tokens[a:b])
        if not det
        else det + " " + " ".join(t.text for t in tokens[a:b])
    )


def _title_roles(prefix: Sequence[Token]) -> list[tuple[str, frozenset[str]]]:
    roles: list[tuple[str, frozenset[str]]] = []
    for k in range(len(prefix)):
        r = role_at(prefix, k, 0)
        if r is None:
            continue
        role, first = r
        if (
            k + 1 < len(prefix)
            and role_at(prefix, k + 1, 0) is not None
            and role_at(prefix, k + 1, 0) != (role, first)
        ):
            nxt = role_at(prefix, k + 1, 0)
            if nxt is not None and nxt[1] <= k:
                continue  # "prime minister": take the two-word role at the next step
        mods = frozenset(
            strip_possessive(t.low).rstrip(".")
            for t in prefix[:first]
            if t.kind == "w" and t.low not in lang.DETERMINERS
        )
        roles.append((role, mods))
    return roles


def _name_gender(name_toks: Sequence[Token]) -> str:
    first = name_toks[0].low
    if first in lang.MALE_NAMES:
        return "m"
    if first in lang.FEMALE_NAMES:
        return "f"
    last = strip_possessive(name_toks[-1].low)
    if len(name_toks) >= 1 and len(last) > 4:
        if last.endswith(lang.FEMALE_SURNAME_ENDINGS):
            return "f"
        if last.endswith(lang.MALE_SURNAME_ENDINGS):
            return "m"
    return ""
