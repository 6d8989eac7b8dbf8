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
      ─► transcripts.with_turns      paragraphs under a tracked speaker's label ("CHAIR POWELL.",
                                     "Д.Песков:") as that speaker's statements (every language)

Languages: `lang` picks the passes (text in Latin script is read as English whatever its tag says). English ("en", and any language without a package) runs the passes
above with `lang.en`'s tables. A language read by lemma (Russian, "ru": see `LEMMA_LANGS`) runs
`lemmaextract.extract` with its package (`lang.ru`: data tables plus razdel / pymorphy3 grammar),
which produces the same `Resolved` records; both end in the shared records pass, so every language
gives the same `Statement` kinds and fields and finds tracked speakers through the same matcher.

`extract_statements` is pure: text in, statements out. Every pass is linear in the text (hostile
shapes are in bench/adversarial.py), and an article's work is capped all the same (budget.py): past
the cap the rest of the article is left unread, and the statements found so far are returned.
"""

from __future__ import annotations

import importlib
from dataclasses import replace
from typing import TYPE_CHECKING

from rules.gcpause import collector_paused
from watchers.feeds.lang import article_lang as script_lang
from watchers.model import Statement
from watchers.statements.budget import Budget
from watchers.statements.cues import find_cues
from watchers.statements.drafts import Drafts
from watchers.statements.pairing import pair
from watchers.statements.quotemarks import doubled_as_double, find_quotes
from watchers.statements.records import records
from watchers.statements.resolve import resolve
from watchers.statements.segment import Segments, body_paragraphs, segment
from watchers.statements.sentences import quote_is_terminal
from watchers.statements.speakers import find_speakers
from watchers.statements.transcripts import with_turns

if TYPE_CHECKING:
    from rules.match import Matcher

# Drafts resolved per statement kept under the cap: resolution drops some drafts (a lone quote nobody
# said, an interviewer's question), so the cut leaves room for the cap to be met by the first ones.
DRAFTS_PER_STATEMENT = 2
# Articles this long are read with the cyclic GC paused: the passes build ~1 object per 6 characters
# and keep them all to the end, and the collector's full passes over that growing heap made a 500 KB
# article cost 1.5x per KB what a 5 KB one does (1.06x without them). The passes make no reference
# cycles. Shorter articles never grow the heap enough for this to matter.
PAUSE_GC_CHARS = 50_000
# Languages read by the lemma passes (lemmaextract.py), each a package under watchers.statements.lang.
LEMMA_LANGS = frozenset({"ru"})


def extract_statements(
    text: str, matcher: Matcher | None = None, budget: Budget | None = None, lang: str = "en"
) -> list[Statement]:
    """Every statement in an article's text, sorted by start (within the budget: by default
    MAX_ARTICLE_CHARS characters, MAX_ARTICLE_SECONDS of segmenting, MAX_ARTICLE_STATEMENTS).
    `lang` is the article's language (`Article.lang`); one without passes of its own reads as English."""
    budget = budget or Budget()
    if len(text) < PAUSE_GC_CHARS:
        found = _run(text, matcher, budget, lang)
    else:
        with collector_paused():
            found = _run(text, matcher, budget, lang)
    found = budget.first_statements(with_turns(text, found, matcher, budget))
    budget.report(len(text))
    return found


def _run(text: str, matcher: Matcher | None, budget: Budget, lang: str) -> list[Statement]:
    if lang not in LEMMA_LANGS or _latin_text(text):
        return _passes(text, matcher, budget)
    from watchers.statements.lemmaextract import (
        extract,  # loads razdel / pymorphy3 for the first such article
    )

    grammar = importlib.import_module(f"watchers.statements.lang.{lang}")
    warm = getattr(grammar, "warm", None)
    if warm is not None:
        budget.excluding(warm)
    return budget.first_statements(records(text, extract(text, grammar, budget), matcher))


def _latin_text(text: str) -> bool:
    """A page declared Russian whose text is in Latin script (an English page with a wrong tag): its
    words are read by the English passes, whatever the tag says (the article keeps its `lang`)."""
    found, source = script_lang(None, None, text)
    return source == "script" and found == "en"


def _passes(original: str, matcher: Matcher | None, budget: Budget) -> list[Statement]:
    text = doubled_as_double(original)  # same offsets: the records quote the original text
    paras = budget.clip(body_paragraphs(text))
    quotes = find_quotes(text, paras)
    segments = segment(text, paras, quotes, budget.exhausted)
    cues = find_cues(segments)
    speakers = find_speakers(segments, cues)
    drafts = pair(segments, speakers)
    resolved = resolve(
        _enough(segments, drafts, DRAFTS_PER_STATEMENT * budget.max_statements), speakers, drafts
    )
    return budget.first_statements(records(original, resolved, matcher))


def _enough(segments: Segments, drafts: Drafts, limit: int) -> Segments:
    """The segments up to the sentence whose drafts reach `limit`: the statements past it are past
    the cap, so resolving them would be work thrown away."""
    total, k = 0, -1
    for i, found in enumerate(drafts.sentences):
        total += len(found)
        if total >= limit:
            k = i
            break
    if k < 0:
        return segments
    blocks = [b for b in segments.blocks if b.sentences.start <= k]
    last = blocks[-1]
    blocks[-1] = replace(last, sentences=range(last.sentences.start, min(last.sentences.stop, k + 1)))
    return replace(segments, blocks=blocks)


__all__ = ["extract_statements", "quote_is_terminal"]
