"""What a /search query means, read from what people type: the one parser both backends build from.

    NATO Russia          both words (in any order, stemmed)
    NATO OR Russia       either word; `OR` (in capitals) joins the terms either side of it
    "harbour levy"       the exact phrase (straight or curly quotes; an unclosed quote runs to the end)
    -levy  NOT levy      leaves out statements with the word (or -"a phrase")
    Russia's  don’t      apostrophes are part of the word: a possessive 's is dropped (Russia's finds
                         Russia and Russia's), any other apostrophe joins its parts as a phrase (don t)

Anything else the user types is a word or punctuation, never query syntax of the backend: the backends
quote every phrase themselves (FTS5 strings, phraseto_tsquery text). `query_hint` says in one line why a
query finds nothing to look for (only exclusions, only punctuation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# At most this many phrases in a query: a longer query is a pasted paragraph, and each costs a lookup.
MAX_QUERY_TERMS = 12

Phrase = tuple[str, ...]  # the words of one term, in order (a single word is a phrase of one)

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "ʼ": "'",
                         "`": "'", "′": "'"})
# A chunk: an optional "-", then a "quoted phrase" (closed or not) or a run of non-space non-quote text.
_CHUNK = re.compile(r'(-?)(?:"([^"]*)"?|([^\s"]+))')
_POSSESSIVE = re.compile(r"(\w)'s\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchQuery:
    """Every clause is required; a clause matches when any of its phrases does. No excluded phrase may
    occur. Empty (`not query`) when nothing is left to look for."""

    clauses: tuple[tuple[Phrase, ...], ...] = ()
    excluded: tuple[Phrase, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.clauses)


def phrase_of(text: str) -> Phrase:
    """The words of a piece of user text, a possessive 's dropped (apostrophes already straightened)."""
    return tuple(_WORD.findall(_POSSESSIVE.sub(r"\1", text)))


def strip_possessive(text: str) -> str:
    """"peskov's" -> "peskov", "Peskov’s" too: for names typed as possessives."""
    return _POSSESSIVE.sub(r"\1", text.translate(_QUOTES))


def parse_query(words: str) -> SearchQuery:
    """The query in `words` (see the module docstring). Never raises: what cannot be read is dropped."""
    clauses: list[list[Phrase]] = []
    excluded: list[Phrase] = []
    join_next = negate_next = False
    count = 0
    for minus, quoted, bare in _CHUNK.findall(words.translate(_QUOTES)):
        if quoted == "" and bare == "" and not minus:
            continue
        if not minus and quoted == "" and bare in ("OR", "AND", "NOT"):
            if bare == "OR":
                join_next = bool(clauses)  # "OR levy": a leading OR joins nothing
            elif bare == "NOT":
                negate_next = True
            continue
        phrase = phrase_of(quoted or bare)
        if not phrase:
            continue  # punctuation only ("-", "*", "(")
        if count >= MAX_QUERY_TERMS:
            break
        count += 1
        if minus or negate_next:
            excluded.append(phrase)
        elif join_next:
            clauses[-1].append(phrase)
        else:
            clauses.append([phrase])
        join_next = negate_next = False
    return SearchQuery(tuple(tuple(dict.fromkeys(c)) for c in clauses), tuple(dict.fromkeys(excluded)))


def query_hint(words: str) -> str | None:
    """One line telling the user how to write a query that finds nothing to look for; None when it is fine."""
    query = parse_query(words)
    if query:
        return None
    if query.excluded:
        return "Add a word to look for: -word only leaves out what has it, e.g. /search levy -ferry."
    return 'Search for words, e.g. /search harbour levy, "an exact phrase", NATO OR Russia, levy -ferry.'
