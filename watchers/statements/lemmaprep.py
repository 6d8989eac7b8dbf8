"""Where a preposition puts a capitalised word: inside a prepositional phrase a name or an outlet is
the place or the medium of a statement ("на Брянщину", "в эфире НТВ"), not its speaker; so is an
unknown word an outlet told the words (`addressee`), and a title in guillemets after a role noun is
the role's organisation (`quoted_title`: "тренер «Зари»")."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from types import ModuleType

from watchers.statements.lang.types import Word
from watchers.statements.mentions import Mention

SUBJECT_CASES = frozenset({"nomn"})


def is_place(g: ModuleType, words: Sequence[Word], i: int, named: bool) -> bool:
    """One unknown capitalised word after a preposition, with no reading as a name, is a place more
    likely than a person ("на Брянщину", "в Заречинске"): it teaches People no one a pronoun could mean."""
    return (
        not named and words[i - 1].low in g.PREPOSITIONS and not any(r.known for r in g.parses(words[i].text))
    )


def in_pp(g: ModuleType, words: Sequence[Word], i: int, want: frozenset[str]) -> bool:
    """An organisation inside a prepositional phrase is where it was said, not who said it: "в эфире
    НТВ", "в интервью ТАСС", "на сайте Минфина", "в МИД" (the word before it after a preposition and in
    the locative, so "в понедельник ТАСС" still has its subject)."""
    if want - SUBJECT_CASES or i == 0:
        return False
    if words[i - 1].low in g.PREPOSITIONS:
        return True
    return (
        i >= 2
        and words[i - 2].low in g.PREPOSITIONS
        and not words[i - 1].cap
        and any("loct" in r.cases and r.pos == "NOUN" for r in g.parses(words[i - 1].text))
    )


def quoted_title(text: str, words: Sequence[Word], j: int, hi: int, most: int) -> tuple[list[str], int] | None:
    """The words of a title in guillemets right after a role noun ("тренер «Зари» Иван Петров",
    "комментатор «Матч ТВ»"), up to `most` of them, as the role's complement, and the index after it;
    None when word j opens no such title."""
    if j >= hi or j == 0 or text[words[j - 1].end : words[j].start].strip() != "«":
        return None
    for k in range(j, min(hi, j + most)):
        after = text[words[k].end : words[k + 1].start] if k + 1 < len(words) else text[words[k].end :]
        if "»" in after:
            return ([w.low for w in words[j : k + 1]], k + 1) if after.strip() == "»" else None
        if after.strip():
            return None  # punctuation inside: a quoted phrase, not a name
    return None


def addressee(g: ModuleType, text: str, first: Mention, then: Mention) -> bool:
    """Whether the first candidate after a cue is one word the dictionary does not know (an outlet or
    agency told the words, in whatever case) and the next, right after it, a person named in full or
    with a role: that person is the speaker."""
    start = then.np_start if then.np_start >= 0 else then.start  # "депутата Ивана Петрова": from its role
    if first.kind not in ("name", "org") or " " in first.text or text[first.end : start].strip():
        return False
    if any(r.known for r in g.parses(first.text)):
        return False
    return then.kind == "name" and (bool(then.roles) or len((then.name or "").split()) >= 2)


def generic_org(g: ModuleType, low: str) -> bool:
    """A form of an organisation noun that stands for the one named last ("сообщение ведомства")."""
    return low[:4] in ("ведо", "мини") and g.lemma(low) in g.GENERIC_ORGS


# "Министерство энергетики и угольной промышленности РФ": how many words of its field may follow.
MAX_FIELD_WORDS = 8


def field_end(g: ModuleType, text: str, words: Sequence[Word], i: int, hi: int) -> int:
    """The index after an organisation noun that stands for the one named last ("министерство",
    "ведомство") and the field written after it in the genitive ("Министерство энергетики", "иностранных
    дел"): so named, it is that ministry. i + 1 when no lower-case genitive follows."""
    j = i + 1
    if g.lemma(words[i].text) not in g.GENERIC_ORGS:
        return j
    while j < hi and j - i <= MAX_FIELD_WORDS and not text[words[j - 1].end : words[j].start].strip():
        w = words[j]
        rs = g.parses(w.text)
        # "природных ресурсов и экологии Мурманской области": a region's adjective too, not a name
        gent = w.low not in g.PREPOSITIONS and any("gent" in r.cases for r in rs) and not (w.cap and j == i + 1)
        if not (gent and not any(r.name for r in rs[:1])) and (w.low != "и" or j == i + 1):
            break  # "энергетики и угольной промышленности": "и" between two genitives goes on
        j += 1
    while j > i + 1 and words[j - 1].low == "и":
        j -= 1
    return j


def ministry(g: ModuleType, text: str, words: Sequence[Word], i: int, hi: int) -> tuple[Mention, int]:
    """A lower-case organisation noun at word i as a mention, and the index after it: with its field
    ("в министерстве природных ресурсов и экологии Мурманской области") the ministry so named, alone
    ("сообщение ведомства") the generic noun that stands for the one named last."""
    j = field_end(g, text, words, i, hi)
    w, e = words[i], words[j - 1].end
    name = g.lemma(w.low) if j == i + 1 else g.nominative(w.text, "").capitalize() + text[w.end : e]
    return Mention("org", w.start, e, text[w.start : e], name=name), j


MAX_PO_WORDS = 3  # "по правам человека": the words of a "по" phrase inside a role, before the name


def po_phrase_end(text: str, words: Sequence[Word], j: int, hi: int, named_at: Callable[[int], bool]) -> int:
    """After "по" (word j) in a role's complement, the index of the name that a short lower-case
    phrase leads to ("руководитель центра по гриппу Наталья Грибкова", "комитета по бюджету Иван
    Петров"), else j: with no name after it the phrase is the sentence's ("глава МИД по телефону")."""
    for k in range(j + 2, min(hi, j + 1 + MAX_PO_WORDS)):
        if gap(text, words, k).strip() or not words[k - 1].low.isalpha() or words[k - 1].cap:
            return j
        if words[k].cap and named_at(k):
            return k
    return j


def gap(text: str, words: Sequence[Word], i: int) -> str:
    """The characters between word i-1 and word i."""
    return text[words[i - 1].end : words[i].start]


def word_after(words: Sequence[Word], end: int, hi: int) -> int:
    """The first word ending after `end` (at least 1): bisected, since a walk from the sentence's
    first word for every name made a long sentence of names quadratic."""
    return max(bisect_right(words, end, 0, hi, key=_word_end), 1)


def _word_end(w: Word) -> int:
    return w.end
