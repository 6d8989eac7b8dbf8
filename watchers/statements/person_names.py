"""A person's name out of a capitalised chain: where the title ends and the name begins ("Deputy
Minister of Trade Azlan bin Hamid"), the roles the title gives, the gender the name or honorific
tells. One step of `classify`.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements import first_names
from watchers.statements.lang import en as lang
from watchers.statements.mentions import (
    Mention,
    Phrase,
    given_name,
    occupation_word,
    role_at,
    strip_possessive,
    surname_word,
)
from watchers.statements.sentences import Token
from watchers.statements.titles import split_long_title


def _title_split(chain: Sequence[Token]) -> tuple[int, str]:
    """Where the name starts in the chain, after any title or honorific; and the honorific's gender."""
    n = len(chain)
    while n - 1 >= 0:
        w = chain[n - 1]
        lw = w.low.rstrip(".")
        if lw in lang.HONORIFICS and not _middle_initial(chain, n - 1):
            return n, lang.HONORIFICS[lw]
        if (
            n == len(chain)
            and n >= 2
            and lw in lang.TITLE_WORDS
            and lw not in lang.ADDRESS_TITLES
            and chain[n - 2].low.rstrip(".") in lang.HONORIFICS
        ):
            n -= 1  # "Mr. King", "Ms. White": an honorific makes the word after it a surname
            continue
        if (
            n == len(chain)
            and n >= 2
            and lw in lang.TITLE_WORDS
            and given_name(chain[n - 2])
        ):
            n -= 1  # "Tom White", "Ana Marshal": a surname that is also a title word, after a given name
            continue
        if lw in lang.TITLE_WORDS or lw in lang.ORG_HEADS or (w.low == "of"):
            break
        if w.text.isupper() and len(w.text) >= 2 and w.text.isalpha() and lw not in lang.NAME_SUFFIXES:
            break  # an acronym before a name is a title or a body: "Local MSP Catriona Dunleavy"
        if not (w.cap or w.low in lang.NAME_PARTICLES or w.text == "-"):
            break
        n -= 1
    return n, ""


def _name_words(chain: Sequence[Token], n: int, long_titled: bool) -> list[Token]:
    """The words of the person's name: the chain from n, less particles, adjectives and the title's
    last words that run into the name."""
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
    if long_titled:
        name_toks = split_long_title(name_toks)
    full_words = [t for t in name_toks if not _is_initial(t)]
    if len(full_words) >= 3 and occupation_word(name_toks[0].low):
        name_toks = name_toks[1:]  # "Baker Ulrike Hansen" at a sentence's start
    return name_toks


def person(ph: Phrase, c: int, titled: bool) -> Mention | None:
    """A person's name with the roles its title gives ("Foreign Minister Jane Doe"); a role when the
    title has no name after it ("Foreign Minister"); None when the last word is no name."""
    words = ph.words
    chain = words[c:]
    end = words[-1].end
    n, gender = _title_split(chain)
    long_titled = ph.long_title and titled
    name_toks = _name_words(chain, n, long_titled)
    ms = chain[n - 1] if n - 1 >= 0 and chain[n - 1].low.rstrip(".") in lang.HONORIFICS else None
    prefix = list(words[: len(words) - len(chain)]) + list(chain[: n - (1 if ms else 0)])
    roles = _title_roles(prefix)
    if long_titled and roles:
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
                ph.tokens[ph.a0].start,
                end,
                ph.text,
                head=role,
                modifiers=mods,
                definite=ph.det not in lang.INDEFINITE,
            )
        return None
    name = " ".join(
        strip_possessive(t.text) if i == len(name_toks) - 1 else t.text for i, t in enumerate(name_toks)
    )
    name = name.replace(" - ", "-")
    if strip_possessive(name_toks[-1].low) in lang.NOT_NAME_WORDS and not surname_word(
        ph.tokens, ph.b - 1, ph.a0, ph.b
    ):
        return None  # "In Hanoi", "The Kremlin said"; but "George Will", "Ms. Read" are people
    ment_start = (ms or name_toks[0]).start
    m = Mention("name", ment_start, name_toks[-1].end, "", name=name, gender=gender, roles=roles)
    if not m.gender:
        m.gender = _name_gender(name_toks) or next(
            (lang.ROLE_NOUNS.get(r, "") for r, _ in roles if lang.ROLE_NOUNS.get(r)), ""
        )
    return m


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
    by_first = first_names.gender(name_toks[0].low, library=len(name_toks) >= 2)
    if by_first:
        return by_first
    last = strip_possessive(name_toks[-1].low)
    if len(name_toks) >= 1 and len(last) > 4:
        if last.endswith(lang.FEMALE_SURNAME_ENDINGS):
            return "f"
        if last.endswith(lang.MALE_SURNAME_ENDINGS):
            return "m"
    return ""
