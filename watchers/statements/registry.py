"""The people and organisations of one article, learnt in reading order.

A `Registry` learns names (fullest form), genders (honorifics, first names, pronouns already
resolved), roles (titles before names, appositions) and salience (speakers and sentence subjects),
and resolves pronouns, role nouns and surnames to one `Entity` each.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from watchers.statements import first_names
from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention, strip_possessive, surname_key

# Salience kind of an unnamed single person ("a nurse said"), followed by the role's gender if known:
# a later "she said" is that person (speaker null), not someone named earlier.
ANON = "anon"


# How many of the latest salient mentions a surname shared by two people is looked up in.
SALIENT_LOOKBACK = 12

# An all-capitals word longer than this is a dateline place, not a company acronym.
MAX_ACRONYM_CHARS = 5


def _dateline_like(name: str) -> bool:
    """'OSLOVIK' in 'OSLOVIK, Nov 5 (Northwire) -': a long all-capitals word is a wire dateline, not a
    company (short acronyms like 'IBM' may be companies)."""
    return name.isupper() and len(name) > MAX_ACRONYM_CHARS


def _norm_role(role: str) -> str:
    if role in lang.ROLE_SYNONYMS:
        return lang.ROLE_SYNONYMS[role]
    last = role.split()[-1]
    if last in ("minister", "president", "secretary") and role != "prime minister":
        return role
    return role


@dataclass
class Entity:
    kind: str  # "person" | "org"
    name: str  # fullest form seen so far
    gender: str = ""
    roles: list[tuple[str, frozenset[str], int]] = field(default_factory=list)  # role, modifiers, position
    head: str | None = None  # organisation head noun ("ministry")
    names: set[str] = field(default_factory=set)  # every form seen, for tracked-speaker lookup
    last: int = -1  # position of the latest mention (organisations: "the agency" is the latest agency)


class _Forms:
    """The full names one surname stands for, indexed: picking among them per mention by scanning
    every occurrence was quadratic in a long article about few people."""

    __slots__ = ("firsts", "longest", "positions")

    def __init__(self, cands: list[tuple[int, str]]) -> None:
        self.positions = [p for p, _ in cands]  # in reading order
        self.firsts = [n.split()[0] for _, n in cands]
        self.longest: dict[str, str] = {}  # first word -> the longest full name with it (first on ties)
        for (_, name), first in zip(cands, self.firsts, strict=True):
            best = self.longest.get(first)
            if best is None or len(name) > len(best):
                self.longest[first] = name


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
        self._forms: dict[str, _Forms | None] = {}  # surname -> its full names, indexed on first use

    # -- learning
    def person(self, m: Mention, pos: int) -> Entity:
        assert m.name is not None
        name = m.name
        parts = name.split()
        if len(parts) == 1:
            full = self._fullest(parts[0], pos)
            if full:
                name = self._salient_form(parts[0], pos) or full
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
            # a one-word name is a surname: the library's given names ("Grant", "Price") say nothing
            ent.gender = first_names.gender(name.split()[0], library=" " in name)
        for role, mods in m.roles:
            ent.roles.append((role, mods, pos))
        return ent

    def _fullest(self, surname: str, pos: int) -> str | None:
        key = surname.casefold()
        forms = self._forms.get(key)
        if forms is None:
            cands = self.full_names.get(key) or self.other_names.get(key)
            forms = self._forms[key] = _Forms(cands) if cands else None
        if forms is None:
            return None
        # the name written last before pos (else the first); its longest form (same first word) is
        # the canonical name
        k = bisect_right(forms.positions, pos) - 1
        return forms.longest[forms.firsts[k if k >= 0 else 0]]

    def _salient_form(self, surname: str, pos: int) -> str | None:
        """Two people share the surname ("Dorothy Woods, whose husband, Ty Woods, ..."): the one the
        story was last about (a speaker or a sentence's subject), not the one written last."""
        forms = self._forms.get(surname.casefold())
        if forms is None or len(set(forms.longest.values())) < 2:
            return None
        names = set(forms.longest.values())
        for p, ent, _kind in reversed(self.salient[-SALIENT_LOOKBACK:]):
            if p <= pos and ent is not None and ent.kind == "person" and ent.name in names:
                return ent.name
        return None

    def org(self, m: Mention, pos: int = -1) -> Entity:
        name = m.name or m.text
        for ent in self.orgs:
            if ent.name.casefold() == name.casefold():
                ent.last = max(ent.last, pos)
                return ent
        head = (m.head or name.split()[-1]).casefold()
        ent = Entity("org", name, head=strip_possessive(head), last=pos)
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
        owner = self._owner(m.owner, pos)
        if m.head in lang.GENERIC_ROLE_NOUNS or m.head in lang.NATIONALITY_NOUNS:
            holder = self._generic_role(m.head, m.gender, pos)
            return None if owner is not None and holder is owner else holder
        if owner is not None:
            # "Holm's mother said", "his lawyer said" with no one introduced in that role: someone
            # unnamed close to the owner, never the person the story is on (who is most often the owner)
            return None
        return self._topic_person(m.gender, pos)

    def _owner(self, word: str, pos: int) -> Entity | None:
        """The person a role belongs to: a person named before ("Holm" in "Holm's mother"), or the
        one "his" / "her" stands for (the latest salient person of that gender); None for an
        organisation, a place, or no owner."""
        if not word:
            return None
        low = word.casefold()
        if low in ("his", "her"):
            gender = "m" if low == "his" else "f"
            for p, ent, _kind in reversed(self.salient):
                if p <= pos and ent is not None and ent.kind == "person" and ent.gender == gender:
                    return ent
            return None
        full = self._fullest(word, pos) or word
        ent = self.persons.get(full.casefold()) or self.persons.get(low)
        return ent if ent is not None and ent.kind == "person" else None

    def _topic_person(self, gender: str, pos: int) -> Entity | None:
        """ "the cautious candidate said", "the senator from Calder said": a definite role nobody was
        introduced with is the person the story is on, the latest speaker or subject (of a gender
        that fits); an unnamed person in between ("A committee aide blasted it. ... the aide said")
        is that person."""
        for p, ent, kind in reversed(self.salient):
            if p > pos:
                continue
            if ent is None:
                if kind.startswith(ANON):
                    return None
                continue
            if ent.kind != "person":
                continue
            return ent if not (gender and ent.gender and gender != ent.gender) else None
        return None

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
