"""The pairing pass's output type: a statement before its speaker is resolved."""

from __future__ import annotations

from dataclasses import dataclass

from watchers.model import Kind
from watchers.statements.mentions import Mention


@dataclass(slots=True)
class Draft:
    """A direct, partial or indirect statement at text[start:end] and the phrase that names its
    speaker; a lone quote has none yet (resolution gives it the speaker from context)."""

    start: int
    end: int
    kind: Kind
    mention: Mention | None
    cue: str | None
    pos: int  # where the attribution is (for salience), or the quote's start
    lone: bool = False  # a quote with no attribution of its own: speaker from context


@dataclass(frozen=True)
class Drafts:
    """One list of drafts per sentence of Segments.sentences, each in reading order."""

    sentences: list[list[Draft]]
