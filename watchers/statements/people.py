"""Named people, for the speaker-phrase pass: every full name in the article (so a later "Doe"
is the fullest "Jane Doe") and, per sentence, the people and organisations it names.
"""

from __future__ import annotations

from collections.abc import Sequence

from watchers.statements.classify import classify
from watchers.statements.lang import en as lang
from watchers.statements.mentions import Mention, other_name_keys, surname_key
from watchers.statements.nounphrase import subject_left, subject_right
from watchers.statements.sentences import Token
from watchers.statements.titles import long_title_start

# surname (or another word of a full name) -> [(position, full name)]
NameIndex = dict[str, list[tuple[int, str]]]


def full_names(
    blocks: Sequence[Sequence[Token]],
) -> tuple[dict[str, list[tuple[int, str]]], dict[str, list[tuple[int, str]]]]:
    """surname -> [(position, full name)] for every multi-word person name outside quotes; and the
    same keyed by the names' other words (surname-first names, given names)."""
    out: dict[str, list[tuple[int, str]]] = {}
    others: dict[str, list[tuple[int, str]]] = {}
    seen: dict[tuple[str, ...], str | None] = {}
    for toks in blocks:
        n = len(toks)
        for i, tok in enumerate(toks):
            if not tok.cap or (i + 1 < n and (toks[i + 1].cap or toks[i + 1].low in lang.NAME_PARTICLES)):
                continue
            a = i
            while a - 1 >= 0 and (
                toks[a - 1].cap or (toks[a - 1].low in lang.NAME_PARTICLES and a - 2 >= 0 and toks[a - 2].cap)
            ):
                a -= 1
            while a < i and (toks[a].low in lang.NOT_NAME_WORDS or toks[a].low in lang.QUOTE_VERBS):
                a += 1  # "In Hanoi", "The Kremlin", "Continued Pell:": a sentence's first word
            a = long_title_start(toks, a, 0)  # "Minister of Transport and Communications Petra Lind"
            if a - 2 >= 0 and toks[a - 1].low == "of" and toks[a - 2].cap:
                a -= 2  # "Minister of Fisheries Tomasz Wielgo": classify sees where the title ends
                while a - 1 >= 0 and toks[a - 1].cap:
                    a -= 1
            if a == i and not (a - 1 >= 0 and toks[a - 1].text.endswith(".")):
                continue
            key = tuple(t.text for t in toks[a : i + 1])
            if key in seen:
                name = seen[key]  # the same words classify the same way: names recur in an article
            else:
                m = classify(toks, a, i + 1)
                name = m.name if m is not None and m.kind == "name" else None
                seen[key] = name
            if name is None or " " not in name:
                continue
            out.setdefault(surname_key(name), []).append((tok.start, name))
            for word in other_name_keys(name):
                others.setdefault(word, []).append((tok.start, name))
    return out, others


def named_people(toks: Sequence[Token], s: int, e: int) -> list[tuple[int, Mention]]:
    """Every named person (and named organisation) of the sentence, with where it is named: each
    teaches the registry roles and gender ("Foreign Minister Jane Doe", "Doe, the ministry's
    spokeswoman,"), whether or not it speaks here."""
    out: list[tuple[int, Mention]] = []
    for i in range(s, e):
        tok = toks[i]
        if not tok.cap or (i + 1 < e and (toks[i + 1].cap or toks[i + 1].low in lang.NAME_PARTICLES)):
            continue
        if i == s and tok.low in lang.NOT_NAME_WORDS:
            continue
        a = i
        while a - 1 >= s and (toks[a - 1].cap or toks[a - 1].low in lang.NAME_PARTICLES):
            a -= 1
        before = toks[a - 1] if a - 1 >= s else None
        if tok.bare in lang.ORG_HEADS or tok.bare in lang.SINGLETON_ORGS:
            org = classify(toks, a, i + 1)
            if org is not None and org.kind == "org":
                out.append(
                    (tok.start, org)
                )  # "a survey by the Nordic Transport Council": "the council" later
            continue
        apposed = i + 1 < e and toks[i + 1].text == ","
        titled = any(
            toks[x].low.rstrip(".") in lang.TITLE_WORDS or toks[x].low.rstrip(".") in lang.HONORIFICS
            for x in range(a, i)
        )
        if not (
            apposed
            or titled
            or (before is not None and before.kind == "w" and before.bare in lang.ROLE_NOUNS)
            or i > a
        ):
            continue  # a lone capitalised word with no title or apposition teaches nothing new
        m = subject_left(toks, i + 1, s) if i + 1 < e and toks[i + 1].text == "," else None
        if m is None:
            m = subject_right(toks, _chain_start(toks, i, s), e)
        if m is not None and m.kind == "name" and (m.roles or m.gender or " " in (m.name or "")):
            out.append((tok.start, m))
    return out


def _chain_start(toks: Sequence[Token], i: int, s: int) -> int:
    a = i
    while a - 1 >= s and (
        toks[a - 1].cap
        or toks[a - 1].low in lang.NAME_PARTICLES
        or (toks[a - 1].kind == "w" and toks[a - 1].low in lang.ROLE_NOUNS)
        or (toks[a - 1].kind == "w" and toks[a - 1].low in ("former", "foreign", "deputy", "senior", "the"))
    ):
        a -= 1
        if toks[a].low == "the":
            break
    return a
