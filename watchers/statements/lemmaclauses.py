"""Reported clauses of Russian cues other than "что": the infinitive a cue reports ("пообещал
сохранить налоги"), the noun phrase after "о" ("заявил о необходимости …"), an embedded question
("рассказал, что будет делать …"), and where a coordinated or trailing attribution breaks a clause."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from watchers.statements.lang.types import Word
from watchers.statements.lemmacues import Cue, trim_comma, trim_end

MAX_INFINITIVE_GAP = 4  # "призвал своих оппонентов не вызывать": the infinitive this far after the cue


def what_do(g: ModuleType, words: Sequence[Word], that: int) -> bool:
    """ "рассказал, что будет делать сборная": "что" is the object of the clause's verb, a question;
    not when the verb has an object of its own ("что делает всё возможное", "что делать выводы рано")."""
    k = that + 1
    if k < len(words) and words[k].low in g.WHAT_DO_AUX:
        k += 1
    if k >= len(words) or g.lemma(words[k].text) not in g.WHAT_DO_LEMMAS:
        return False
    rs = g.parses(words[k].text)
    if k == that + 1 and any(r.pos == "INFN" for r in rs):
        return False  # "что делать выводы рано": the infinitive is the subject
    nxt = g.parses(words[k + 1].text) if k + 1 < len(words) else []
    return not any("accs" in r.cases for r in nxt)


def infinitive_clause(
    g: ModuleType, text: str, words: Sequence[Word], cs: Sequence[Cue], c: Cue, lo: int, end: int
) -> tuple[int, int] | None:
    """The (start, end) of the infinitive clause an infinitive cue reports ("пообещал [сохранить
    налоги]", "призвал [депутатов пройти тест]"), up to a gerund's or a coordinated cue's break; None
    when no infinitive follows the cue within its clause."""
    table: dict[str, str] = getattr(g, "INFINITIVE_CUE_LEMMAS", {})
    if c.lemma not in table or c.pos != "VERB":
        return None
    for k in range(c.index + 1, min(len(words), c.index + 1 + MAX_INFINITIVE_GAP)):
        if "," in text[words[k - 1].end : words[k].start]:
            return None
        if any(r.pos == "INFN" for r in g.parses(words[k].text)[:1]):
            first = c.index + 1 if table[c.lemma] == "object" else k
            start = words[first].start
            return start, cut_before(text, words, next_break(text, words, cs, k), lo, start, end)
    return None


def about_clause(
    g: ModuleType, text: str, words: Sequence[Word], cs: Sequence[Cue], c: Cue, lo: int, end: int
) -> tuple[int, int] | None:
    """ "заявил о [необходимости поднять зарплаты]", "рассказал и о [ходе работ]": the noun phrase
    after "о" as the reported clause, to the sentence's end or a gerund's or a coordinated cue's break."""
    k = c.index + 1
    while (
        k < len(words)
        and words[k].low in ("и", "также")
        and not text[words[k - 1].end : words[k].start].strip()
    ):
        k += 1
    if (
        c.lemma not in g.ABOUT_CUE_LEMMAS
        or c.pos != "VERB"
        or k + 1 >= len(words)
        or words[k].low not in ("о", "об", "обо")
        or words[k + 1].low in ("том", "этом", "чем")
        or text[words[k - 1].end : words[k].start].strip()
    ):
        return None
    start = words[k + 1].start
    return start, cut_before(text, words, next_break(text, words, cs, k), lo, start, end)


def next_break(text: str, words: Sequence[Word], cs: Sequence[Cue], after: int) -> Cue | None:
    """The first cue after word `after` that ends a reported clause: a gerund (", добавив, что") or a
    coordinated or trailing attribution (", и добавил", ", сообщает Вестник")."""
    return next((x for x in cs if x.index > after and (x.pos == "GRND" or clause_break(text, words, x.index))), None)


def cut_before(text: str, words: Sequence[Word], stop: Cue | None, lo: int, start: int, end: int) -> int:
    """Where a reported clause from `start` ends: at `end`, or before the break `stop` (its "и" or
    "а также" too), with the comma before it trimmed."""
    if stop is None:
        return end
    brk = stop.index if stop.pos == "GRND" else max(break_start(text, words, stop.index), 0)
    return trim_comma(text, start, trim_end(text, lo, words[brk].start))


def clause_break(text: str, words: Sequence[Word], i: int) -> bool:
    """A cue at word i that starts a new attribution: after a comma, or after ", и" / ", а (также)"
    ("X заявил, что C1, и добавил, что C2": two statements)."""
    return break_start(text, words, i) >= 0


def break_start(text: str, words: Sequence[Word], i: int) -> int:
    """The first word of the break before the cue at word i (the cue, or its "и" / "а также"); -1
    when there is none."""
    if "," in text[words[i - 1].end : words[i].start]:
        return i
    k = i - 1
    if k > 0 and words[k].low == "также":
        k -= 1
    ok = k > 0 and words[k].low in ("и", "а") and "," in text[words[k - 1].end : words[k].start]
    return k if ok else -1
