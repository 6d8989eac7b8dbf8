"""The mention model: the words that stand for a speaker, and the word tests every noun-phrase
reader shares (possessives, role nouns, occupation words, the words a speaker's phrase may hold).

`surname_key` / `other_name_keys` give the words a later one-word mention of a full name may use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from watchers.statements import first_names
from watchers.statements.lang import en as lang
from watchers.statements.sentences import Token

_POSS = ("’s", "'s", "’", "'")


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
    # role: whose role it is, as written ("Holm" in "Holm's mother", "his" in "his lawyer"): the
    # role's holder is someone else than that owner
    owner: str = ""


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


def is_possessive(tok: Token) -> bool:
    return tok.kind == "w" and tok.low.endswith(("’s", "'s")) and len(tok.low) > 2


@lru_cache(maxsize=4096)
def strip_possessive(word: str) -> str:
    for p in _POSS:
        if word.endswith(p) and len(word) > len(p):
            return word[: -len(p)]
    return word


def role_at(tokens: Sequence[Token], i: int, lo: int) -> tuple[str, int] | None:
    """The role noun ending at token i ("minister", "prime minister"): (role, first token index)."""
    tok = tokens[i]
    if tok.kind != "w":
        return None
    low = strip_possessive(tok.low)
    if i - 1 >= lo and tokens[i - 1].kind == "w":
        two = tokens[i - 1].low + " " + low
        if two in lang.ROLE_NOUNS:
            return two, i - 1
    if low in lang.ROLE_NOUNS:
        return low, i
    return None


_OCCUPATION_SUFFIXES = ("ist", "er", "or", "ian", "ant", "ent", "man", "woman", "ive", "eur")


def occupation_word(low: str) -> bool:
    return (
        low.endswith(_OCCUPATION_SUFFIXES)
        and low not in lang.ADJUNCT_PREPS  # "after", "over": no occupation for all their "-er"
        and low not in lang.MALE_NAMES
        and low not in lang.FEMALE_NAMES
        and len(low) > 4
    )


def plural_people(low: str) -> bool:
    """'geologists', 'campaigners', 'historians': unnamed groups of people (not 'members' of an
    organisation noun)."""
    return (
        low.endswith(("ists", "ians", "ers", "ors", "ants", "ents"))
        and len(low) > 6
        and low not in lang.ORG_NOUNS
    )


def org_text(tokens: Sequence[Token], a: int, b: int) -> str:
    """The words as written: no space where the text had none ("Students’ Union", "Jean-Luc")."""
    out: list[str] = []
    prev_end = -1
    for t in tokens[a:b]:
        if out and t.start > prev_end:
            out.append(" ")
        out.append(t.text)
        prev_end = t.end
    return "".join(out)


def given_name(tok: Token) -> bool:
    """A capitalised word that is a known given name ("George", "Ian", "Theresa")."""
    return tok.kind == "w" and tok.cap and bool(first_names.gender(tok.low))


def surname_word(tokens: Sequence[Token], k: int, lo: int, hi: int) -> bool:
    """Is tokens[k], a common word of SURNAME_WORDS ("Will", "Read", "May"), a family name here: after
    a given name, a middle initial or an honorific ("George F. Will", "Ms. Read"), with no
    capitalised word after it ("In May Trump said" and "Theresa May Will Resign" stay words)?"""
    t = tokens[k]
    if t.kind != "w" or not t.cap or t.low not in lang.SURNAME_WORDS or k - 1 < lo:
        return False
    if k + 1 < hi and tokens[k + 1].kind == "w" and tokens[k + 1].cap:
        return False
    p = k - 1
    if p - 1 >= lo and len(tokens[p].text) == 2 and tokens[p].text[1] == "." and tokens[p].text[0].isupper():
        p -= 1  # a middle initial
    prev = tokens[p]
    return prev.low.rstrip(".") in lang.HONORIFICS or given_name(prev)


def given_name_first(tokens: Sequence[Token], k: int, hi: int) -> bool:
    """Is tokens[k], a common word of SURNAME_WORDS, the given name of the name after it ("said Will
    Doyle")? Only where no sentence starts: the caller reads after a verb."""
    t = tokens[k]
    if t.kind != "w" or not t.cap or t.low not in lang.SURNAME_WORDS or k + 1 >= hi:
        return False
    nxt = tokens[k + 1]
    return (
        given_name(t)
        and nxt.kind == "w"
        and nxt.cap
        and nxt.low not in lang.NOT_NAME_WORDS
        and nxt.low not in lang.TITLE_WORDS
    )


def np_word(tok: Token) -> bool:
    """Can this token be part of a speaker noun phrase (scanning leftwards from the verb)?"""
    if tok.kind != "w":
        return tok.text in ("-", "’", "'", "&") or (tok.kind == "p" and tok.text.endswith("."))
    low = tok.low
    if tok.cap:
        return (
            low in lang.CAP_DETERMINERS
            or strip_possessive(low) not in lang.NOT_NAME_WORDS
            or low in lang.HONORIFICS
            or low.rstrip(".") in lang.HONORIFICS
        )
    return (
        low in lang.DETERMINERS
        or low in lang.NAME_PARTICLES
        or low == "of"
        or strip_possessive(low) in lang.ROLE_NOUNS
        or low in lang.TITLE_WORDS
        or strip_possessive(low) in lang.ORG_NOUNS
        or low in lang.UNNAMED_GROUPS
        or is_possessive(tok)
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


@dataclass
class Phrase:
    """The noun phrase tokens[a0:b] being classified: its determiner, and its words after it."""

    tokens: Sequence[Token]
    a0: int  # first token, determiner included
    a: int  # first word after the determiner
    b: int
    det: str  # the (last) determiner, "" when none
    long_title: bool  # an agency-style title or an organisation's full name runs through of/for

    @property
    def words(self) -> Sequence[Token]:
        return self.tokens[self.a : self.b]

    @property
    def text(self) -> str:
        tokens = self.tokens[self.a : self.b]
        words = " ".join(t.text for t in tokens)
        return self.det + " " + words if self.det else words


def plural_name(m: Mention) -> bool:
    """A one-word capitalised "name" in the plural before a base-form verb ("Democrats say",
    "Republicans argue"): a group of people, not a person."""
    text = m.name or m.text
    return (
        m.kind in ("name", "org")
        and " " not in text
        and text.endswith("s")
        and not text.endswith(("ss", "'s", "’s"))
        and "." not in text
    )
