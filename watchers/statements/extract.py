"""Statement extraction: direct, partial and indirect quotes, attributed to the right speaker.

Passes, each run once over the article, in this order (module: output):

    text
      ─► segment.body_paragraphs     paragraphs, noise lines and the headline set aside
      ─► quotemarks.find_quotes      quote spans (paired marks, multi-paragraph quotes joined)
      ─► segment.segment             Segments: blocks ─► tokens ─► sentences
      ─► cues.find_cues              Cues: reporting verbs, "according to", colon and participle intros
      ─► speakers.find_speakers      Speakers: each cue's speaker phrase, narrative subjects, names
      ─► pairing.pair                Drafts: quote + cue → direct / partial; cue alone → indirect;
                                     a quote alone → lone (speaker from context)
      ─► resolve.resolve             Resolved: names, pronouns, role nouns → one entity per person;
                                     lone quotes carried over; interview questions skipped
      ─► records.records             list[Statement], sorted by start

`extract_statements` is pure: text in, statements out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from watchers.model import Statement
from watchers.statements.cues import find_cues
from watchers.statements.pairing import pair
from watchers.statements.quotemarks import find_quotes
from watchers.statements.records import records
from watchers.statements.resolve import resolve
from watchers.statements.segment import body_paragraphs, segment
from watchers.statements.sentences import quote_is_terminal
from watchers.statements.speakers import find_speakers

if TYPE_CHECKING:
    from rules.match import Matcher


def extract_statements(text: str, matcher: Matcher | None = None) -> list[Statement]:
    """Every statement in an article's text, sorted by start."""
    paras = body_paragraphs(text)
    quotes = find_quotes(text, paras)
    segments = segment(text, paras, quotes)
    cues = find_cues(segments)
    speakers = find_speakers(segments, cues)
    drafts = pair(segments, speakers)
    resolved = resolve(segments, speakers, drafts)
    return records(text, resolved, matcher)


__all__ = ["extract_statements", "quote_is_terminal"]
