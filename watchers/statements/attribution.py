"""Who is speaking: noun phrases next to reporting verbs, and the article's people and organisations.

`subject_left` / `subject_right` read the noun phrase standing for a speaker before a verb ("Foreign
Ministry spokeswoman Jane Doe said", "Doe, the spokeswoman, said") or after it ("said Doe"). A
`Registry` follows the article in order: it learns names (fullest form), genders (honorifics, first
names, pronouns already resolved), roles (titles before names, appositions) and salience (speakers
and sentence subjects), and resolves pronouns, role nouns and surnames to one entity each.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from watchers.statements.lang import en as lang
from watchers.statements.sentences import Token

# An apposition between commas longer than this is a clause, not a description of the speaker.
MAX_APPOSITION_TOKENS = 18
# Salience kind of an unnamed single person ("a nurse said"), followed by the role's gender if known:
# a later "she said" is that person (speaker null), not someone named earlier.
ANON = "anon"
_POSS = ("’s", "'s", "’", "'")
# An all-capitals word longer than this is a dateline place, not a company acronym.
MAX_ACRONYM_CHARS = 5


@dataclass
class Mention:
    """The words that stand for a speaker, and what they tell about it."""

    kind: str  # "name" | "org" | "pronoun" | "role" | "orgref" | "group"
    start: int  # char offsets of the words as written
    end: int
    text: str
    name: str | None = None  # person: name without honorific/title; org: name without "the"
    gender: str = ""  # "m" | "f" | "" unknown; pronoun: "m" | "f" | "org" | "pl"
    roles: list[tuple[str, frozenset[str]]] = field(default_factory=list)  # (role head, modifiers)
    head: str | None = None  # role/orgref head noun
    modifiers: frozenset[str] = frozenset()
    definite: bool = True
    np_start: int = -1  # where the whole noun phrase starts (titles, determiner), for clause spans


def surname_key(name: str) -> str:
    """The word a later surname-only mention uses: the last one, before any "Jr." / "III"."""
    parts = name.split()
    while len(parts) > 1 and parts[-1].casefold().rstrip(".") in lang.NAME_SUFFIXES:
        parts.pop()
    return parts[-1].casefold() if parts else ""


def other_name_keys(name: str) -> list[str]:
    """The other words of a full name a later single-word mention may use: the family name of
    surname-first names ("Nguyen" for Nguyen Thi Lan), a given name in informal copy. Initials,
    particles and suffixes never stand for a person alone."""
    sur = surname_key(name)
    out: list[str] = []
    for w in name.split():
        low = w.casefold()
        if (
            low == sur
            or low.rstrip(".") in lang.NAME_SUFFIXES
            or low in lang.NAME_PARTICLES
            or len(low.rstrip(".")) <= 1
        ):
            continue
        out.append(low)
    return out


def _is_poss(tok: Token) -> bool:
    return tok.kind == "w" and tok.low.endswith(("’s", "'s")) and len(tok.low) > 2


@lru_cache(maxsize=4096)
def _bare(word: str) -> str:
    for p in _POSS:
        if word.endswith(p) and len(word) > len(p):
            return word[: -len(p)]
    return word


def _role_at(tokens: Sequence[Token], i: int, lo: int) -> tuple[str, int] | None:
    """The role noun ending at token i ("minister", "prime minister"): (role, first token index)."""
    tok = tokens[i]
    if tok.kind != "w":
        return None
    low = _bare(tok.low)
    if i - 1 >= lo and tokens[i - 1].kind == "w":
        two = tokens[i - 1].low + " " + low
        if two in lang.ROLE_NOUNS:
            return two, i - 1
    if low in lang.ROLE_NOUNS:
        return low, i
    return None


def _norm_role(role: str) -> str:
    if role in lang.ROLE_SYNONYMS:
        return lang.ROLE_SYNONYMS[role]
    last = role.split()[-1]
    if last in ("minister", "president", "secretary") and role != "prime minister":
        return role
    return role


def _np_word(tok: Token) -> bool:
    """Can this token be part of a speaker noun phrase (scanning leftwards from the verb)?"""
    if tok.kind != "w":
        return tok.text in ("-", "’", "'", "&") or (tok.kind == "p" and tok.text.endswith("."))
    low = tok.low
    if tok.cap:
        return (
            low in lang.CAP_DETERMINERS
            or _bare(low) not in lang.NOT_NAME_WORDS
            or low in lang.HONORIFICS
            or low.rstrip(".") in lang.HONORIFICS
        )
    return (
        low in lang.DETERMINERS
        or low in lang.NAME_PARTICLES
        or low == "of"
        or _bare(low) in lang.ROLE_NOUNS
        or low in lang.TITLE_WORDS
        or _bare(low) in lang.ORG_NOUNS
        or low in lang.UNNAMED_GROUPS
        or _is_poss(tok)
        or low
        in (
            "senior",
            "former",
            "top",
            "chief",
            "deputy",
            "local",
            "foreign",
            "western",
            "european",
            "military",
            "security",
            "government",
            "company",
            "ministry",
            "kremlin",
            "presidential",
            "white",
            "house",
            "state",
            "federal",
            "regional",
            "police",
            "party",
            "opposition",
            "anonymous",
            "unnamed",
            "independent",
            "leading",
            "u.s.",
            "un",
            "eu",
            "defence",
            "defense",
        )
    )


# A long title runs to at most this many tokens before the name (the longest cabinet titles do).
MAX_LONG_TITLE_TOKENS = 30


def _title_word(tok: Token) -> bool:
    low = tok.low.rstrip(".")
    return (
        tok.kind == "w"
        and tok.cap
        and (low in lang.TITLE_WORDS or low in lang.ROLE_NOUNS)
        and low not in lang.ORG_HEADS  # "Ministry of Defence" is an organisation's name
    )


def _title_part(tokens: Sequence[Token], k: int) -> bool:
    """Can token k sit inside a long title (a capitalised word, a link word, a comma between two
    capitalised words: "Committee on International Affairs, Defence and Security")?"""
    t = tokens[k]
    if t.kind == "w":
        return t.cap or t.low in lang.TITLE_LINKS
    return t.text == "," and 0 < k < len(tokens) - 1 and tokens[k - 1].cap and tokens[k + 1].cap


def long_title_start(tokens: Sequence[Token], a: int, lo: int) -> int:
    """Where an agency-style title in front of the noun phrase starting at token a begins, or a
    itself. "...of the Russian Federation Gennady Voronkov": the phrase only counts as a title when
    it opens, at a sentence start or after a lowercase word, with a title or role word followed by
    "of"/"for" ("Official Representative of", "Deputy Minister of") or an organisation ("The
    Ministry of Defence of ...")."""
    if a - 1 < lo or tokens[a - 1].kind != "w" or tokens[a - 1].low not in lang.TITLE_LINKS:
        return a
    k = a
    while k - 1 >= lo and a - k < MAX_LONG_TITLE_TOKENS and _title_part(tokens, k - 1):
        k -= 1
    # the title's opening: the first title/organisation word whose next link word is of/for
    for x in range(k, a):
        t = tokens[x]
        if t.kind != "w" or not t.cap or t.low in lang.TITLE_LINKS:
            if t.low == "the" and t.cap:
                continue  # "The Ministry of Defence of ..."
            return a
        if _title_word(t) or _bare(t.low) in lang.ORG_HEADS:
            nxt = x + 1
            while nxt < a and tokens[nxt].cap and _title_word(tokens[nxt]):
                nxt += 1  # "Official Representative", "Deputy Chairman"
            if nxt < a and tokens[nxt].low in ("of", "for"):
                return k
            return a
    return a


def long_title_end(tokens: Sequence[Token], i: int, hi: int) -> int:
    """The end of a noun phrase that opens at token i with an agency-style title ("Minister of
    Transport and Communications Petra Lindqvist-Marović"), or i when it does not."""
    k = i
    while k < hi and k - i < 2 and tokens[k].cap and not _title_word(tokens[k]):
        k += 1  # "Malaysian Deputy Minister of ..."
    t0 = k
    while k < hi and _title_word(tokens[k]):
        k += 1
    if k == t0 or k >= hi or tokens[k].low not in ("of", "for"):
        return i
    while (
        k < hi
        and k - i < MAX_LONG_TITLE_TOKENS
        and (_title_part(tokens, k) or tokens[k].text in ("-", "’", "'"))
    ):
        k += 1
    while k > i and tokens[k - 1].kind == "w" and tokens[k - 1].low in lang.TITLE_LINKS:
        k -= 1
    return k


def _split_long_title(name_toks: list[Token]) -> list[Token]:
    """ "Kazakhstan Aidos Serikbayev", "Industry Azlan bin Hamid": the last words of a long title run
    into the name with no comma. The name starts at a known given name, else at the word before a
    name particle ("bin", "van"), else it is the last two words (given name and surname)."""
    # word units: "Lindqvist-Marović" is one
    words = [
        k
        for k, t in enumerate(name_toks)
        if t.kind == "w" and not (k >= 1 and name_toks[k - 1].text == "-" and name_toks[k - 1].end == t.start)
    ]
    if len(words) < 3:
        return name_toks
    for k in words[:-1]:
        if name_toks[k].low in lang.MALE_NAMES or name_toks[k].low in lang.FEMALE_NAMES:
            return name_toks[k:]
    for n, k in enumerate(words[1:-1], start=1):
        if name_toks[k].low in lang.NAME_PARTICLES and not name_toks[k].cap:
            return name_toks[words[n - 1] :]
    return name_toks[words[-2] :]


def subject_left(tokens: Sequence[Token], v: int, lo: int) -> Mention | None:
    """The subject of the verb at token v, read leftwards (aux and adverbs skipped; apposition allowed).
    Returns None for a passive ("is said to"), a negated or modal verb ("did not say", "would
    respond") and anything that is not a speaker noun phrase."""
    i = v - 1
    if i >= lo + 1 and tokens[i].low == "as" and tokens[i - 1].low == "quoted":
        i -= 2  # "was quoted as saying"
        while i >= lo and tokens[i].low in lang.BE_FORMS:
            i -= 1
    elif i >= lo and tokens[i].low in lang.BE_FORMS:
        return None  # passive: "the minister is said to be ..."
    while (
        i >= lo
        and tokens[i].kind == "w"
        and (
            (not tokens[i].cap and (tokens[i].low in lang.AUX_ADVERBS or tokens[i].low.endswith("ly")))
            or (tokens[i].low in lang.WEEKDAYS and i - 1 >= lo and tokens[i - 1].low == "on")
        )
    ):
        if tokens[i].low in lang.BE_FORMS or tokens[i].low in lang.NEGATIONS or tokens[i].low in lang.MODALS:
            return None
        i -= 1
    if (
        i - 2 > lo
        and tokens[i].text == ")"
        and tokens[i - 2].text == "("
        and tokens[i - 1].text.isupper()
        and tokens[i - 3].cap
    ):
        i -= 3  # "Northern Grid Corporation (NGC) said": the acronym repeats the name
    if i < lo:
        return None
    if tokens[i].text == ",":
        return _apposed(tokens, i, lo)
    anon = _anonymous_source(tokens, i, lo)
    if anon is not None:
        return anon
    if tokens[i].low in ("who", "which") and i - 2 >= lo and tokens[i - 1].text == ",":
        return _np_ending(tokens, i - 2, lo)  # "Tesar, who described ..."
    return _np_ending(tokens, i, lo)


def _anonymous_source(tokens: Sequence[Token], i: int, lo: int) -> Mention | None:
    """'people familiar with the matter', 'diplomats close to the talks', 'officials briefed on the
    plan': an unnamed group with a post-modifier, ending at token i."""
    for k in range(i, max(lo, i - 6) - 1, -1):
        t = tokens[k]
        if t.kind != "w" or t.cap:
            return None
        if t.low in lang.SOURCE_POSTMODIFIERS and k - 1 >= lo:
            h = k - 1
            if t.low == "knowledge" and tokens[h].low == "with":
                h -= 1
            np = _np_ending(tokens, h, lo) if h >= lo else None
            return np if np is not None and np.kind in ("group", "role") else None
    return None


def _apposed(tokens: Sequence[Token], comma: int, lo: int) -> Mention | None:
    """'Doe, the ministry's spokeswoman, said' / 'Its chairman, Tomas Lindqvist, said': the speaker
    with the roles the apposition gives."""
    j = comma - 1
    while j >= lo and comma - j <= MAX_APPOSITION_TOKENS:
        t = tokens[j]
        if t.kind == "q" or (
            t.kind == "p" and t.text not in (",", "-", "(", ")", "’", "'") and not t.text.endswith(".")
        ):
            return None
        if t.text == ",":
            break
        j -= 1
    else:
        return None
    if j < lo or j == comma - 1:
        return None
    if j - 2 >= lo and tokens[j - 1].kind == "n" and tokens[j - 2].text == ",":
        # "Grace Moyo, 38, who sells fruit, said": the age is a second apposition
        if tokens[j + 1].low not in ("who", "whose") or j - 3 < lo:
            return None
        named = _np_ending(tokens, j - 3, lo)
        return named if named is not None and named.kind == "name" else None
    if _after_place_prep(tokens, j - 1, lo):
        # "Jane Doe, a nurse in Leeds, England, said": the place belongs to a longer apposition
        return _apposed(tokens, j, lo) if j - 1 >= lo else None
    np = _np_ending(tokens, j - 1, lo)
    if np is None:
        inner = classify(tokens, j + 1, comma) if all(_np_word(t) for t in tokens[j + 1 : comma]) else None
        if (
            inner is not None
            and inner.kind == "name"
            and j - 1 >= lo
            and tokens[j - 1].kind == "w"
            and not tokens[j - 1].cap
        ):
            return inner  # "Her neighbor, Patrick Roux, said"
        return None
    if np.kind in ("role", "group", "orgref", "pronoun"):
        inner = classify(tokens, j + 1, comma) if all(_np_word(t) for t in tokens[j + 1 : comma]) else None
        if (
            inner is not None
            and inner.kind == "name"
            and np.kind in ("orgref", "group")
            and " " not in (inner.name or "")
            and any(t.kind == "w" and t.low in lang.ORG_LINKS for t in tokens[j + 1 : comma])
        ):
            # "The association of victims' families, Roads of Life, said": the body's name
            org_name = _org_text(tokens, j + 1, comma)
            return Mention("org", tokens[j + 1].start, tokens[comma - 1].end, org_name, name=org_name)
        if inner is not None and inner.kind == "name":
            # "the company's chief financial officer, Erik Sunde, said"
            if np.kind == "role" and np.head:
                inner.roles.append((np.head, np.modifiers))
            inner.np_start = np.np_start
            return inner
        if np.kind == "pronoun" or (tokens[j + 1].low not in ("who", "whose") and np.kind != "group"):
            return None
        return np  # "a negotiator, who asked not to be named, said": unnamed
    if np.kind not in ("name", "org"):
        return None
    _add_apposition_roles(np, tokens, j + 1, comma)
    return np


def _after_place_prep(tokens: Sequence[Token], last: int, lo: int) -> bool:
    """Is the capitalised name ending at token `last` the object of 'in' / 'from' ('... in Leeds')?"""
    k = last
    if k < lo or not tokens[k].cap:
        return False
    while k - 1 >= lo and tokens[k - 1].cap:
        k -= 1
    return k - 1 >= lo and tokens[k - 1].low in lang.PLACE_PREPS


def _add_apposition_roles(np: Mention, tokens: Sequence[Token], a: int, b: int) -> None:
    """Roles named in an apposition: the first role noun, with the words before it as modifiers."""
    for k in range(a, b):
        if tokens[k].low in ("who", "which", "whose", "where"):
            return
        r = _role_at(tokens, k, a)
        if r is not None and not (k + 1 < b and _role_at(tokens, k + 1, a) is not None):
            role, first = r
            mods = frozenset(
                _bare(t.low) for t in tokens[a:first] if t.kind == "w" and t.low not in lang.DETERMINERS
            )
            np.roles.append((role, mods))
            if not np.gender and lang.ROLE_NOUNS.get(role):
                np.gender = lang.ROLE_NOUNS[role]
            return


def _np_ending(tokens: Sequence[Token], i: int, lo: int) -> Mention | None:
    tok = tokens[i]
    if tok.kind != "w":
        return None
    if tok.low in lang.SUBJECT_PRONOUNS and (not tok.cap or i == lo or tokens[i - 1].kind != "w"):
        return Mention(
            "pronoun", tok.start, tok.end, tok.text, gender=lang.SUBJECT_PRONOUNS[tok.low], np_start=tok.start
        )
    if tok.low in lang.FIRST_PERSON:
        return None
    a = i
    while a - 1 >= lo and (
        _np_word(tokens[a - 1])
        or (  # "Alliance for Fair Lending"
            tokens[a - 1].low in lang.ORG_LINKS
            and a - 2 >= lo
            and tokens[a - 2].cap
            and tokens[a - 2].bare in lang.ORG_HEADS
        )
    ):
        a -= 1
        if (
            tokens[a].low in lang.DETERMINERS
            and not tokens[a].cap
            or (tokens[a].cap and tokens[a].low in ("the", "a", "an"))
        ):
            break
        if (
            tokens[a].kind == "p"
            and tokens[a].text in ("’", "'")
            and not (a - 1 >= lo and tokens[a - 1].low.endswith("s"))
        ):
            a += 1
            break
    if tok.cap:
        a = long_title_start(tokens, a, lo)
    # "the cantonal civil protection office": lowercase modifiers back to a determiner
    head_low = _bare(tok.low)
    if (
        not tok.cap
        and (head_low in lang.ORG_NOUNS or head_low in lang.ROLE_NOUNS)
        and tokens[a].low not in lang.DETERMINERS
    ):
        k = a - 1
        while (
            k >= lo
            and a - k <= 4
            and tokens[k].kind == "w"
            and (not tokens[k].cap or tokens[k].low == "the")
            and tokens[k].low not in lang.QUOTE_VERBS
        ):
            if tokens[k].low in ("the", "its", "his", "her", "their"):
                a = k
                break
            k -= 1
    np = classify(tokens, a, i + 1)
    if np is None:
        return None
    # "a spokesman for the ministry said": the head is before the prepositional phrase.
    if a - 2 >= lo and tokens[a - 1].low in lang.PP_HEADS and tokens[a - 1].kind == "w":
        head = _np_ending(tokens, a - 2, lo)
        if head is not None and head.kind == "group" and np.kind == "org" and tokens[a - 1].low == "at":
            return np  # "analysts at Cartwright & Lowe said": the firm's view
        if head is not None and (
            head.kind in ("role", "group") or (head.kind == "name" and np.kind == "org")
        ):
            return head  # "Jonas Lie of the Arlen Tenants' Union said": the person
    return np


def subject_right(tokens: Sequence[Token], i: int, hi: int) -> Mention | None:
    """The subject after an inverted verb ('..., said Doe', 'said regional fire chief Bruno Alvarez',
    'said the minister, Jane Doe')."""
    if i >= hi or tokens[i].kind != "w":
        return None
    if tokens[i].low in lang.SUBJECT_PRONOUNS:
        t = tokens[i]
        return Mention(
            "pronoun", t.start, t.end, t.text, gender=lang.SUBJECT_PRONOUNS[t.low], np_start=t.start
        )
    titled_end = long_title_end(tokens, i, hi)
    if titled_end > i:
        # "said Minister of Transport and Communications Petra Lindqvist-Marović"
        b = titled_end
        while b > i and not tokens[b - 1].cap:
            b -= 1
        np_long = classify(tokens, i, b) if b > i else None
        if np_long is not None and np_long.kind == "name":
            np_long.np_start = tokens[i].start
            return np_long
    b = i
    while (
        b < hi
        and (
            _np_word(tokens[b])
            # an adjective before a role noun: "Its legal director, ..."
            or (
                b + 1 < hi
                and tokens[b].kind == "w"
                and not tokens[b].cap
                and tokens[b + 1].bare in lang.ROLE_NOUNS
            )
        )
        and not (b > i and tokens[b].kind == "w" and tokens[b].low in lang.DETERMINERS)
    ):
        b += 1
    if b == i or (b < hi and tokens[b].kind == "w" and not tokens[b].cap):
        # lowercase title words before a name: "district administrator Monika Steiner"
        k = b
        while (
            k < hi
            and k - i < 5
            and tokens[k].kind == "w"
            and not tokens[k].cap
            and tokens[k].low not in lang.QUOTE_VERBS
        ):
            k += 1
        if k < hi and k > b and tokens[k].cap and (k - 1 < 0 or tokens[k - 1].low not in lang.DETERMINERS):
            b2 = k
            while (
                b2 < hi and _np_word(tokens[b2]) and (tokens[b2].cap or tokens[b2].low in lang.NAME_PARTICLES)
            ):
                b2 += 1
            np2 = classify(tokens, k, b2)
            if (
                np2 is not None
                and np2.kind == "name"
                and (any(_role_at(tokens, x, i) for x in range(i, k)) or _occupation_word(tokens[k - 1].low))
                and not any(
                    tokens[x].low in lang.PP_HEADS or tokens[x].low in lang.DETERMINERS for x in range(i, k)
                )
            ):
                np2.np_start = tokens[i].start
                r = next(
                    (_role_at(tokens, x, i) for x in range(k - 1, i - 1, -1) if _role_at(tokens, x, i)), None
                )
                if r is not None:
                    np2.roles.append((r[0], frozenset(t.low for t in tokens[i : r[1]])))
                return np2
    # Trailing lowercase words after a name ("said Doe in a statement") are not part of the NP.
    while (
        b > i
        and not tokens[b - 1].cap
        and _bare(tokens[b - 1].low) not in lang.ROLE_NOUNS
        and (_bare(tokens[b - 1].low) not in lang.ORG_NOUNS and tokens[b - 1].low not in lang.UNNAMED_GROUPS)
    ):
        b -= 1
    if b <= i:
        return None
    np = classify(tokens, i, b)
    if np is None:
        return None
    if np.kind == "role" and b + 1 < hi and tokens[b].low in lang.PP_HEADS:
        pass  # "a spokesman for the ministry": the role NP stands
    elif np.kind in ("role",) and b < hi and tokens[b].text == "," and b + 1 < hi and tokens[b + 1].cap:
        # "said the minister, Jane Doe": the name in apposition is the speaker.
        named = subject_right(tokens, b + 1, hi)
        if named is not None and named.kind == "name":
            named.roles.append((np.head or "", np.modifiers))
            named.np_start = np.np_start
            return named
    if np.kind in ("name", "org") and b < hi and tokens[b].text == ",":
        end = b + 1
        while end < hi and tokens[end].text not in (",", ".") and end - b <= MAX_APPOSITION_TOKENS:
            end += 1
        _add_apposition_roles(np, tokens, b + 1, end)
    return np


_OCCUPATION_SUFFIXES = ("ist", "er", "or", "ian", "ant", "ent", "man", "woman", "ive", "eur")


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
        len(words) >= 3 and _bare(words[0].low) in lang.ORG_HEADS and words[1].low in lang.ORG_LINKS
    )
    # "Petra Lund of Tormo University": a person with an affiliation, not an organisation
    for k in range(len(words) - 2, 0, -1) if not long_title else ():
        if words[k].low in ("of", "at", "from") and words[k - 1].cap:
            wl = words[k - 1].low.rstrip(".")
            if (
                wl not in lang.TITLE_WORDS
                and wl not in lang.ORG_HEADS
                and _bare(wl) not in lang.SINGLETON_ORGS
            ):
                left = _classify(tokens, a0, a + k)
                if left is not None and left.kind == "name":
                    return left
            break
    if len(words) == 1 and last.cap and det == "the" and _bare(last.low) in lang.NATIONALITY_NOUNS:
        # "the Pole told reporters": a role for the person just written about, not a name
        return Mention("role", tokens[a0].start, end, _text(tokens, a, b, det), head=_bare(last.low))
    if len(words) == 1 and last.cap:
        low1 = _bare(last.low)
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
            if _is_poss(words[c - 1]):
                break
            c -= 1
        chain = words[c:]
        if last.kind == "p":
            return None
        bare_last = _bare(last.low)
        # a person's long title opens with title words ("Malaysian Deputy Minister of ..."); an
        # organisation's name with its head ("Ministry of Defence of ...")
        opening = list(itertools.takewhile(lambda w: w.cap, chain))[:3]
        titled = (
            long_title
            and any(_title_word(w) for w in opening)
            and not any(_bare(w.low) in lang.ORG_HEADS for w in opening)
        )
        is_org = not titled and (
            bare_last in lang.ORG_HEADS
            or any(w.text == "&" for w in chain)  # a firm: people's names never take "&"
            or bare_last in lang.SINGLETON_ORGS
            or (last.text.isupper() and len(last.text) >= 2 and last.text.isalpha())
            # "Monetary Authority of Singapore", "Coalition for App Fairness"
            or any(
                w.low in lang.ORG_LINKS and k > 0 and _bare(chain[k - 1].low) in lang.ORG_HEADS
                for k, w in enumerate(chain)
            )
        )
        if is_org:
            # the organisation's own name: after any possessive ("Korlan's Health Ministry") and
            # any lowercase description ("credit rating agency Halden Ratings")
            k0 = 0
            for k, t in enumerate(words):
                if _is_poss(t) and k < len(words) - 1:
                    k0 = k + 1
            if c > k0 and not words[c - 1].cap and chain[0].cap:
                k0 = c
            text_name = _org_text(tokens, a + k0, b)
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
            name_toks = _split_long_title(name_toks)
        full_words = [t for t in name_toks if not _is_initial(t)]
        if len(full_words) >= 3 and _occupation_word(name_toks[0].low):
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
        name = " ".join(_bare(t.text) if i == len(name_toks) - 1 else t.text for i, t in enumerate(name_toks))
        name = name.replace(" - ", "-")
        if _bare(name_toks[-1].low) in lang.NOT_NAME_WORDS:
            return None
        ment_start = (ms or name_toks[0]).start
        m = Mention("name", ment_start, name_toks[-1].end, "", name=name, gender=gender, roles=roles)
        if not m.gender:
            m.gender = _name_gender(name_toks) or next(
                (lang.ROLE_NOUNS.get(r, "") for r, _ in roles if lang.ROLE_NOUNS.get(r)), ""
            )
        return m
    low = _bare(last.low)
    start = tokens[a0].start
    role_at = _role_at(words, len(words) - 1, 0)
    if (last.low in lang.UNNAMED_GROUPS or _plural_people(last.low)) and low not in ("police",):
        return Mention("group", start, end, _text(tokens, a, b, det), head=low, definite=False)
    if role_at is not None:
        r, role_first = role_at
        mods = frozenset(_bare(t.low) for t in words[:role_first] if t.kind == "w")
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
            k0 = max((k + 1 for k, t in enumerate(words[:-1]) if _is_poss(t)), default=0)
            org_name = _org_text(tokens, a + k0, b)  # "Darunia's defence ministry" -> "defence ministry"
            return Mention("org", start, end, _text(tokens, a, b, det), name=org_name, head=low)
        mods = frozenset(
            t.low for t in words[:-1] if t.kind == "w" and not _is_poss(t) and t.low not in lang.DETERMINERS
        )
        ref_name = _org_text(tokens, a, b) if mods and det == "the" else None
        return Mention(
            "orgref", start, end, _text(tokens, a, b, det), name=ref_name, head=low, modifiers=mods
        )
    if det in lang.ONE_PERSON_DETS and not last.cap and _person_noun(low):
        # "one senior nurse", "a resident": an unnamed person
        return Mention("group", start, end, _text(tokens, a, b, det), head=low, definite=False)
    return None


def _person_noun(low: str) -> bool:
    """'nurse', 'resident', 'engineer': a noun for a person (its plural is a group of people)."""
    return _occupation_word(low) or low + "s" in lang.UNNAMED_GROUPS or low + "es" in lang.UNNAMED_GROUPS


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


def _dateline_like(name: str) -> bool:
    """'OSLOVIK' in 'OSLOVIK, Nov 5 (Northwire) -': a long all-capitals word is a wire dateline, not a
    company (short acronyms like 'IBM' may be companies)."""
    return name.isupper() and len(name) > MAX_ACRONYM_CHARS


def _occupation_word(low: str) -> bool:
    return (
        low.endswith(_OCCUPATION_SUFFIXES)
        and low not in lang.MALE_NAMES
        and low not in lang.FEMALE_NAMES
        and len(low) > 4
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


def _org_text(tokens: Sequence[Token], a: int, b: int) -> str:
    """The words as written: no space where the text had none ("Students’ Union", "Jean-Luc")."""
    out: list[str] = []
    prev_end = -1
    for t in tokens[a:b]:
        if out and t.start > prev_end:
            out.append(" ")
        out.append(t.text)
        prev_end = t.end
    return "".join(out)


def _title_roles(prefix: Sequence[Token]) -> list[tuple[str, frozenset[str]]]:
    roles: list[tuple[str, frozenset[str]]] = []
    for k in range(len(prefix)):
        r = _role_at(prefix, k, 0)
        if r is None:
            continue
        role, first = r
        if (
            k + 1 < len(prefix)
            and _role_at(prefix, k + 1, 0) is not None
            and _role_at(prefix, k + 1, 0) != (role, first)
        ):
            nxt = _role_at(prefix, k + 1, 0)
            if nxt is not None and nxt[1] <= k:
                continue  # "prime minister": take the two-word role at the next step
        mods = frozenset(
            _bare(t.low).rstrip(".")
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
    last = _bare(name_toks[-1].low)
    if len(name_toks) >= 1 and len(last) > 4:
        if last.endswith(lang.FEMALE_SURNAME_ENDINGS):
            return "f"
        if last.endswith(lang.MALE_SURNAME_ENDINGS):
            return "m"
    return ""


# --- the article's entities ------------------------------------------------------------------------


@dataclass
class Entity:
    kind: str  # "person" | "org"
    name: str  # fullest form seen so far
    gender: str = ""
    roles: list[tuple[str, frozenset[str], int]] = field(default_factory=list)  # role, modifiers, position
    head: str | None = None  # organisation head noun ("ministry")
    names: set[str] = field(default_factory=set)  # every form seen, for tracked-speaker lookup
    last: int = -1  # position of the latest mention (organisations: "the agency" is the latest agency)


class Registry:
    """The people and organisations of one article, learnt in reading order."""

    def __init__(
        self,
        full_names: dict[str, list[tuple[int, str]]],
        other_names: dict[str, list[tuple[int, str]]] | None = None,
    ) -> None:
        # surname (casefolded) -> [(position, full name)] for every multi-word name in the article
        self.full_names = full_names
        # any other word of those names -> the same (a fallback when no surname matches)
        self.other_names = other_names or {}
        self.persons: dict[str, Entity] = {}  # casefolded canonical -> entity
        self.orgs: list[Entity] = []
        self.salient: list[tuple[int, Entity | None, str]] = []  # (pos, entity, kind) speakers and subjects

    # -- learning
    def person(self, m: Mention, pos: int) -> Entity:
        assert m.name is not None
        name = m.name
        parts = name.split()
        if len(parts) == 1:
            full = self._fullest(parts[0], pos)
            if full:
                name = full
        key = name.casefold()
        ent = self.persons.get(key)
        if ent is None:
            # a longer form of a person we knew by surname only
            surname = surname_key(name)
            ent = self.persons.get(surname) if len(name.split()) > 1 else None
            if ent is not None:
                del self.persons[surname]
                ent.name = name
            else:
                ent = Entity("person", name)
            self.persons[key] = ent
        ent.names.add(m.name)
        ent.last = max(ent.last, pos)
        if m.text:
            ent.names.add(m.text)
        if m.gender in ("m", "f") and not ent.gender:
            ent.gender = m.gender
        if not ent.gender:
            first = name.split()[0].casefold()
            ent.gender = "m" if first in lang.MALE_NAMES else "f" if first in lang.FEMALE_NAMES else ""
        for role, mods in m.roles:
            ent.roles.append((role, mods, pos))
        return ent

    def _fullest(self, surname: str, pos: int) -> str | None:
        cands = self.full_names.get(surname.casefold()) or self.other_names.get(surname.casefold())
        if not cands:
            return None
        before = [c for c in cands if c[0] <= pos]
        pick = before[-1] if before else cands[0]
        # the longest form of the same person (same first word) is the canonical name
        same = [n for _, n in cands if n.split()[0] == pick[1].split()[0]]
        return max(same, key=len)

    def org(self, m: Mention, pos: int = -1) -> Entity:
        name = m.name or m.text
        for ent in self.orgs:
            if ent.name.casefold() == name.casefold():
                ent.last = max(ent.last, pos)
                return ent
        head = (m.head or name.split()[-1]).casefold()
        ent = Entity("org", name, head=_bare(head), last=pos)
        ent.names.add(name)
        self.orgs.append(ent)
        return ent

    def mark_salient(self, pos: int, ent: Entity | None, kind: str) -> None:
        self.salient.append((pos, ent, kind))

    # -- resolving
    def resolve(self, m: Mention, pos: int) -> Entity | None:
        """The entity a mention stands for, learning from it; None for unnamed speakers."""
        if m.kind == "name":
            return self.person(m, pos)
        if m.kind == "org":
            return self.org(m, pos)
        if m.kind == "pronoun":
            return self._pronoun(m.gender, pos)
        if m.kind == "role":
            return self._role(m, pos)
        if m.kind == "orgref":
            return self._orgref(m, pos)
        return None

    def _pronoun(self, gender: str, pos: int) -> Entity | None:
        """ "he"/"she": the most recent salient person (a speaker or a sentence's subject) whose gender
        does not contradict the pronoun; an unnamed person ("a nurse said") in between means the
        pronoun is that unnamed person. A one-word "person" never named in full, with no role and no
        known gender, is often a place or a team: taken only when nobody else fits."""
        weak: list[Entity] = []
        for p, ent, kind in reversed(self.salient):
            if p > pos:
                continue
            if gender in ("org", "pl"):
                if ent is not None and ent.kind == "org":
                    return ent
                if kind == "group" and gender == "pl":
                    return None
                continue
            if ent is None:
                if kind.startswith(ANON) and kind[len(ANON) :] in ("", gender):
                    return None
                continue
            if ent.kind != "person":
                continue
            if ent.gender == gender:
                return ent
            if ent.gender:
                continue
            if " " in ent.name or ent.roles:
                ent.gender = gender
                return ent
            weak.append(ent)
        if gender in ("org", "pl"):
            return None
        if not weak:
            return self._only_person(gender, pos)
        weak[0].gender = gender
        return weak[0]

    def _only_person(self, gender: str, pos: int) -> Entity | None:
        """ "she" when no speaker or sentence subject fits: the one person of that gender the
        article has named so far in full ("After 31 years at the agency, Ruth Okonjo-Baird retires
        on Friday. ... she says"); nobody when two or more could be meant."""
        fits = [
            e for e in self.persons.values() if 0 <= e.last <= pos and e.gender == gender and " " in e.name
        ]
        return fits[0] if len(fits) == 1 else None

    def _role(self, m: Mention, pos: int) -> Entity | None:
        if not m.definite or m.head is None:
            return None
        want = _norm_role(m.head)
        best: tuple[int, int, Entity] | None = None
        for ent in self.persons.values():
            for role, mods, p in ent.roles:
                if p > pos or (_norm_role(role) != want and role.split()[-1] != m.head.split()[-1]):
                    continue
                if m.gender and ent.gender and m.gender != ent.gender:
                    continue
                fit = len(m.modifiers & mods) - len(m.modifiers - mods - {"the"})
                score = (fit, p)
                if best is None or score > (best[0], best[1]):
                    best = (fit, p, ent)
        if best is not None:
            return best[2]
        return self._generic_role(m.head, m.gender, pos)

    def _generic_role(self, head: str, gender: str, pos: int) -> Entity | None:
        """ "the diplomat", "the expert", "the official", "the Pole": no one holds that exact title, so
        the most recent salient person whose title fits (any titled person for "the official"); a
        nationality noun is the person the story was just about."""
        if head in lang.NATIONALITY_NOUNS:
            for p, ent, kind in reversed(self.salient):
                if p > pos:
                    continue
                if ent is None and kind.startswith(ANON):
                    return None
                if ent is not None and ent.kind == "person":
                    return ent if not (gender and ent.gender and gender != ent.gender) else None
            return None
        want = lang.GENERIC_ROLE_NOUNS.get(head)
        if want is None:
            return None
        seen: set[int] = set()
        for p, ent, _kind in reversed(self.salient):
            if p > pos or ent is None or ent.kind != "person" or id(ent) in seen:
                continue
            seen.add(id(ent))
            if gender and ent.gender and gender != ent.gender:
                continue
            words = {w for role, mods, rp in ent.roles if rp <= pos for w in (role, *mods)}
            if words and (not want or words & want):
                return ent
        return None

    def _orgref(self, m: Mention, pos: int) -> Entity | None:
        """ "the company", "the agency", "the flood agency": the most recent organisation of that type
        named before; a reference that fits nobody ("the state weather service", "the ministry") is an
        organisation of its own, named as written."""
        if m.head == "statement":
            # "the statement said": the organisation that last spoke
            return next((e for _, e, _ in reversed(self.salient) if e is not None and e.kind == "org"), None)
        head = m.head or ""
        mods = {w for w in m.modifiers if not w.endswith("-based") and w not in lang.DESCRIPTIVE_MODIFIERS}
        known = sorted((e for e in self.orgs if e.last <= pos), key=lambda e: e.last, reverse=True)
        for ent in known:
            words = set(ent.name.casefold().split())
            if ent.head == head and mods <= words:
                return ent
        for ent in known:
            words = set(ent.name.casefold().split())
            if head in words and mods <= words:
                return ent
        if mods and m.name and not any(w.endswith("-based") for w in m.modifiers):
            return self.org(Mention("org", m.start, m.end, m.name, name=m.name, head=head), pos)
        if head in lang.COMPANY_NOUNS:
            company = self._company(pos)
            if company is not None:
                return company
        # "the ministry said" with no ministry named: the body as the article calls it
        name = m.name or head or m.text
        return self.org(Mention("org", m.start, m.end, name, name=name, head=head), pos)

    def _company(self, pos: int) -> Entity | None:
        """The most recent organisation that may be a company: one with a company-like head or a
        one-word name ("Aerovia"), which may have been taken for a surname until now."""
        for p, ent, _ in reversed(self.salient):
            if p > pos or ent is None:
                continue
            if ent.kind == "org" and (
                ent.head in lang.COMPANY_HEADS or (" " not in ent.name and not _dateline_like(ent.name))
            ):
                return ent
            if ent.kind == "person" and " " not in ent.name and not ent.roles and not ent.gender:
                ent.kind = "org"  # "Aerovia said ... the company said": not a person after all
                return ent
        known = sorted((e for e in self.orgs if e.last <= pos), key=lambda e: e.last, reverse=True)
        return next((e for e in known if e.head in lang.COMPANY_HEADS), None)
