"""Where a preposition puts a capitalised word: inside a prepositional phrase a name or an outlet is
the place or the medium of a statement ("на Брянщину", "в эфире НТВ"), not its speaker."""

from __future__ import annotations

from collections.abc import Sequence
from types import ModuleType

from watchers.statements.lang.types import Word

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
