"""How the Cyrillic terms of a rules file will be matched, for `quotewatch check-rules`.

    term_notes(rules) -> ["speaker peskov, alias 'Пeсков': 'Пeсков' mixes Latin letters …", …]
    term_forms(rules) -> ["speaker guterres, alias 'Гутерриш': Гутерриша, Гутерришу, … (guessed: …)", …]

Not problems: the file is valid and loads. The notes are mistakes to fix (rules.inflect.notes); the
forms are what the matcher looks for, for a user to review (`check-rules --forms`), marking the words
whose cases were guessed because the dictionary does not know them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from rules.inflect import forms, guessed, has_cyrillic, notes
from rules.model import Rules

Kind = Literal["speaker", "topic"]


def term_notes(rules: Rules) -> list[str]:
    """One line per mistake, in file order: speakers' names and aliases, then topics' keywords."""
    return [f"{where}: {note}" for where, term, kind in _cyrillic_terms(rules) for note in notes(term, kind)]


def term_forms(rules: Rules) -> list[str]:
    """One line per Cyrillic term: the forms it matches besides itself, and which words were guessed."""
    out = []
    for where, term, kind in _cyrillic_terms(rules):
        others = forms(term, kind)[1:]
        line = f"{where}: {', '.join(others) if others else 'only as written'}"
        unknown = guessed(term, kind)
        if unknown:
            line += f" (guessed: {', '.join(map(repr, unknown))} not in the Russian dictionary)"
        out.append(line)
    return out


def _cyrillic_terms(rules: Rules) -> Iterator[tuple[str, str, Kind]]:
    for speaker in rules.speakers:
        for i, term in enumerate(speaker.terms):
            if has_cyrillic(term):
                yield f"speaker {speaker.id}, {'name' if i == 0 else 'alias'} {term!r}", term, "speaker"
    for topic in rules.topics:
        for field, keywords in (("any", topic.any), ("all", topic.all), ("none", topic.none)):
            for keyword in keywords:
                if has_cyrillic(keyword):
                    yield f"topic {topic.id}, {field} {keyword!r}", keyword, "topic"
