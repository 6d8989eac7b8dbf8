"""Which person a role phrase stands for, for languages read by lemma (Russian).

    by_role(g, entities, key, comp, head) -> Entity | None

A role phrase ("глава Минздрава", "министр", "градоначальник") stands for the latest person the
article named with a matching role: the same phrase or one the language's synonym table makes equal
(`ROLE_SYNONYMS`, with the ministries table's "глава <short name>" = "министр <field>"), one inside
the other, or the same noun; never for a person named inside the phrase, nor for the minister of
another field ("глава Минфина" is not the minister of health).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from types import ModuleType

from watchers.statements.mentions import Mention
from watchers.statements.registry import Entity


def by_role(
    g: ModuleType, entities: Sequence[Entity], key: str, comp: frozenset[str], head: str
) -> Entity | None:
    """The latest person named with this role: the same phrase or a synonym (3), one inside the
    other ("городской голова" / "одесский городской голова") or the same noun with a shared
    complement (2), the same noun or a generic role's words (1). Never a person named in `comp`."""
    keys = _equivalents(g, key, head)
    fields = _ministries(g, key)
    # a generic complement ("мэр города") stands for a head of a place, never for a minister's role
    generic: frozenset[str] = g.GENERIC_ROLES.get(head, frozenset())
    generic_comp: frozenset[str] = frozenset().union(
        *(g.GENERIC_ROLES.get(w, frozenset()) for w in key.split() if w != head)
    )
    best: tuple[int, int] | None = None
    found = None
    head = bare(head)
    for e in entities:
        if e.kind != "person" or e.name.split()[-1].casefold() in comp or e.name.casefold() in comp:
            continue
        for role, _mods, _p in e.roles:
            words = set(role.split())
            noun = _role_noun(g, role)
            if role in keys:
                score = 3
            elif (
                any(k in role or role in k for k in keys)
                or (noun == head and comp & words)
                # a bare "министр" is "министр культуры" and "глава Минфина" alike: the latest of them;
                # a bare "градоначальник" (= мэр) is the "городской голова Калуги" (= мэр)
                or (key == head and not comp and bool(keys & _nouns(g, role)))
            ):
                score = 2
            elif fields and _ministries(g, role) and not _ministries(g, role) & fields:
                continue  # "глава Минфина" is not the minister of health
            elif (
                noun == head
                or (not comp and head in _nouns(g, role))
                or generic & words
                or (generic_comp & words and not _ministries(g, role))
            ):
                score = 1
            else:
                continue
            rank = (score, e.last)
            if best is None or rank > best:
                best, found = rank, e
    return found


@functools.lru_cache(maxsize=20_000)
def _equivalents(g: ModuleType, key: str, head: str) -> frozenset[str]:
    """A role phrase and the phrases the language's synonym table makes it equal to, both ways, for
    the phrase, for its noun alone, and for a phrase with more words after one ("глава Минздрава РФ")."""
    keys = {key}
    for k, v in g.ROLE_SYNONYMS.items():
        if k in (key, head) or key.startswith(k + " "):
            keys.add(v)
        if v in (key, head) or key.startswith(v + " "):
            keys.add(k)
    return frozenset(keys)


@functools.lru_cache(maxsize=20_000)
def _nouns(g: ModuleType, role: str) -> frozenset[str]:
    """The role nouns of a phrase and of its synonyms: "Глава Минздрава X" is the one a bare
    "министр" stands for."""
    nouns = {_role_noun(g, role)} | {bare(r.split()[0]) for r in _equivalents(g, role, "") if r != role}
    words = role.split()
    prefix: str = getattr(g, "MINISTRY_PREFIX", "")
    if prefix and len(words) > 1 and words[0] in ("глава", "руководитель") and words[1].startswith(prefix):
        nouns.add("министр")  # "глава Минуглепрома": a ministry the table lacks still has a minister
    return frozenset(nouns)


def _role_noun(g: ModuleType, role: str) -> str:
    """The role noun of a phrase ("глава министерство" -> "глава"), without "экс-"; "" when none."""
    return bare(next((w for w in role.split() if w in g.ROLE_NOUNS), ""))


@functools.lru_cache(maxsize=20_000)
def _ministries(g: ModuleType, role: str) -> frozenset[str]:
    """The fields of the ministries a role phrase names, by short name ("глава минфин") or by field
    ("министр финансы", "глава министерство финансы"): {"финансы"}."""
    table: dict[str, str] = getattr(g, "MINISTRIES", {})
    words = role.split()
    found = {table[w] for w in words if w in table}
    if words and words[0] in ("министр", "экс-министр", "замминистра") or "министерство" in words:
        found |= {f for f in table.values() if f" {f}" in f" {role}"}
    return frozenset(found)


def bare(noun: str) -> str:
    """A role noun without "экс-": the former governor is named with the governor's noun."""
    return noun.removeprefix("экс-")


def other_office(g: ModuleType, ent: Entity, key: str, comp: frozenset[str], head: str) -> bool:
    """Whether an office noun no one holds ("действующий премьер") names someone other than `ent`,
    who was introduced with another office ("министр здравоохранения X"): a premier is not the
    minister just quoted. A noun of no office ("эксперт", "собеседник") may still stand for them."""
    offices: frozenset[str] = getattr(g, "OFFICE_NOUNS", frozenset())
    held = any(r.split()[0] in offices or _ministries(g, r) for r, _, _ in ent.roles)  # "глава Минфина"
    if bare(head) not in offices or not held:
        return False
    return by_role(g, [ent], key, comp, head) is None


_POSSESSOR_RE = re.compile(r"(?:^|\s)(?:его|её|ее|их)\s+$", re.I)


def someone_elses(g: ModuleType, text: str, ent: Entity, m: Mention | None) -> bool:
    """Whether a role no one holds belongs to someone other than the person just quoted: its
    complement names them ("адвокат Тихановского"), a possessive stands before it ("сообщил его
    помощник"), or it names an organisation ("глава РЖД") while they were introduced by another role."""
    if m is None:
        return False
    comp = {w for _, mods in m.roles for w in mods}
    if any(g.lemma(part) in comp or part.casefold() in comp for part in ent.name.split()):
        return True
    if _POSSESSOR_RE.search(text, max(0, m.start - 5), m.start):
        return True
    if m.roles and other_office(g, ent, m.roles[0][0], m.roles[0][1], m.head or ""):
        return True  # "действующий премьер" after the minister's words
    named_org = any(w[:1].isupper() for w in m.text.split()[1:])
    return named_org and bool(ent.roles) and not any(comp & mods for _, mods, _ in ent.roles)


def holds_office(g: ModuleType, key: str, head: str) -> bool:
    """Whether a role phrase names an office (office_nouns), also through a synonym ("глава
    государства" = "президент")."""
    offices: frozenset[str] = getattr(g, "OFFICE_NOUNS", frozenset())
    return bare(head) in offices or any(k.split()[0] in offices for k in _equivalents(g, key, head) if k)


def headline_holder(g: ModuleType, headline: Sequence[Entity], m: Mention, hint: str) -> Entity | None:
    """The one person the headline named with no role, for an office no one in the body holds
    ("Орлов пообещал …" above "…, — сказал президент"): the office is theirs from now on."""
    if not m.roles or not holds_office(g, m.roles[0][0], m.head or ""):
        return None
    found = {id(e): e for e in headline if not e.roles and (hint not in ("m", "f") or e.gender in ("", hint))}
    if len(found) != 1:
        return None
    ent = next(iter(found.values()))
    ent.roles.append((m.roles[0][0], m.roles[0][1], m.start))
    return ent
