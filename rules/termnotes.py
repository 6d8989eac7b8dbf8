"""Notes on how the Cyrillic terms of a rules file will be matched, for `quotewatch check-rules`.

    term_notes(rules) -> ["speaker peskov, alias 'Пeсков': 'Пeсков' mixes Latin letters …", …]

Not problems: the file is valid and loads. They say where rules.inflect could not read a term with
certainty (see rules.inflect.notes), so that the user can check the guessed forms or retype a word.
"""

from __future__ import annotations

from rules.inflect import has_cyrillic, notes
from rules.model import Rules


def term_notes(rules: Rules) -> list[str]:
    """One line per note, in file order: speakers' names and aliases, then topics' keywords."""
    out: list[str] = []
    for speaker in rules.speakers:
        for i, term in enumerate(speaker.terms):
            where = f"speaker {speaker.id}, {'name' if i == 0 else 'alias'} {term!r}"
            out += [f"{where}: {note}" for note in notes(term, "speaker")]
    for topic in rules.topics:
        for field, keywords in (("any", topic.any), ("all", topic.all), ("none", topic.none)):
            for keyword in keywords:
                if has_cyrillic(keyword):
                    where = f"topic {topic.id}, {field} {keyword!r}"
                    out += [f"{where}: {note}" for note in notes(keyword, "topic")]
    return out
