"""The people a sentence names, for languages read by lemma (Russian): every name in any case, with
the role written before it ("глава МИД Ирина Громова"), and whether it may be the sentence's subject.

    names_in(g, text, words) -> [(Mention, subject)]

They teach the article's People (lemmaspeakers) full names, genders and roles before any cue asks
who spoke; a name in an oblique case ("доложил Путину") is known but not whom a pronoun stands for.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from watchers.statements.lang.types import Word
from watchers.statements.lemmaprep import SUBJECT_CASES, is_place
from watchers.statements.lemmaprep import gap as _gap
from watchers.statements.lemmaprep import word_after as _after
from watchers.statements.lemmaspeakers import (
    ANY_CASE,
    MAX_APPOSITION_GAP,
    _complement,
    _name_run,
    _role,
)
from watchers.statements.mentions import Mention


def names_in(g: ModuleType, text: str, words: Sequence[Word]) -> list[tuple[Mention, bool]]:
    """The people a sentence names, with the role before a name ("глава МИД Ирина Громова"), in any
    case: they teach the article's People full names, genders and roles. Only capitalised words and
    words that may open a role are parsed."""
    out: list[tuple[Mention, bool]] = []
    i, n = 0, len(words)
    pending: list[tuple[str, frozenset[str]]] = []  # "Вице-мэр города, начальник департамента X"
    while i < n:
        w = words[i]
        if w.low[: g.CUE_PREFIX_LEN] in g.ROLE_PREFIXES:
            end = _role(g, text, words, i, n)
            if end > i:
                comp, j = _complement(g, text, words, end, n)
                m = _name_run(g, text, words, j, n, ANY_CASE, "") or _apposition(g, text, words, j, n)
                key = " ".join([*(g.lemma(x.text) for x in words[i:end]), *comp])
                if m is not None:
                    m.roles.extend([(key, frozenset(comp)), *pending])
                    k = next((x for x in range(j, n) if words[x].start == m.start), j)
                    out.append((m, _subject_case(g, text, words, k, n)))
                    i = _after(words, m.end, n)
                    pending = []
                    continue
                listed = j < n and _gap(text, words, j).strip() == "," and _role(g, text, words, j, n) > j
                pending = [*pending, (key, frozenset(comp))] if listed else []
                i = max(j, i + 1)
                continue
        if w.cap and i > 0 and words[i - 1].low in ("им", "имени"):
            m = _name_run(g, text, words, i, n, ANY_CASE, "")  # "КГТУ им. С.Кирова": a title, no one here
            i = _after(words, m.end, n) if m is not None else i + 1
            continue
        if w.cap:
            m = _name_run(g, text, words, i, n, ANY_CASE, "")
            named = any(r.name for r in g.parses(w.text))
            if m is not None and (
                len(m.text.split()) > 1 or (i > 0 and not is_place(g, words, i, named)) or named
            ):
                out.append((m, _subject_case(g, text, words, i, n)))
                i = _after(words, m.end, n)
                continue
        i += 1
    return out


def _apposition(g: ModuleType, text: str, words: Sequence[Word], j: int, n: int) -> Mention | None:
    """The name a few words after a role that a modifier separates from it: "Губернатор граничащей с
    Украиной Брянской области Александр Богомаз". No verb and no punctuation in between."""
    for k in range(j, min(n, j + MAX_APPOSITION_GAP)):
        if k > j and _gap(text, words, k).strip():
            return None
        if words[k].cap and k > j:
            m = _name_run(g, text, words, k, n, ANY_CASE, "")
            if m is not None:
                return m
        if any(r.pos in ("VERB", "GRND", "INFN", "PRTS") for r in g.parses(words[k].text)[:1]):
            return None
    return None


def _subject_case(g: ModuleType, text: str, words: Sequence[Word], i: int, n: int) -> bool:
    """Whether the name at word i may be in the nominative: a subject, whom a pronoun may stand for
    ("Богомаз доложил Путину ... по его словам": his words are Богомаз's, not Путин's)."""
    lone_word = i + 1 >= n or not words[i + 1].cap or _gap(text, words, i + 1).strip()
    if (
        i > 0
        and lone_word
        and not words[i - 1].cap
        and _gap(text, words, i) == " "
        and _common_noun(g, words[i - 1].text)
    ):
        return False  # "площади Ленина", "улица Гагарина": a surname alone after a noun is its complement
    return (i == 0 or words[i - 1].low not in g.PREPOSITIONS) and _name_run(
        g, text, words, i, n, SUBJECT_CASES, ""
    ) is not None


def _common_noun(g: ModuleType, word: str) -> bool:
    """A dictionary noun that is no role ("площади", "улица"), before which a name is its complement."""
    rs = g.parses(word)
    return bool(rs) and rs[0].known and rs[0].pos == "NOUN" and rs[0].lemma not in g.ROLE_NOUNS
