"""Which watches fire for a story event — pure decisions, no I/O.

A watch fires for an article when:
  1. the article's feed is one of the watch's feeds (or the watch names none), and
  2. the article holds at least one statement attributed to one of the watch's speakers
     (a mere mention of the speaker is not enough: quotewatch monitors statements), and
  3. the watch has no topics, or at least one of its topics holds within the watch's scope:
       speaker    - the text of that speaker's statements in the article, or the article's title (default)
       statements - the text of that speaker's statements only
       article    - the whole article text and title
     (a topic "holds" by its any / all / none keyword lists, see rules/match.py, judged once over all
     the keyword hits in the scope: statements and title together), and
  4. the watch is not muted at `now`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from rules.match import Hit, Matcher, hits_within
from rules.model import Rules, Watch
from watchers.model import Article, Statement


@dataclass(frozen=True)
class ArticleAnalysis:
    """What the matcher and the extractor found in one article (computed once, used by every watch)."""

    article: Article
    statements: tuple[Statement, ...]
    text_hits: tuple[Hit, ...]  # matcher hits over article.text
    title_hits: tuple[Hit, ...]  # matcher hits over article.title


@dataclass(frozen=True)
class Firing:
    watch: Watch
    topics: tuple[str, ...]  # the watch's topics that held (empty for a watch with no topics)


def analyse(article: Article, matcher: Matcher, statements: Sequence[Statement]) -> ArticleAnalysis:
    return ArticleAnalysis(
        article=article,
        statements=tuple(statements),
        text_hits=tuple(matcher.scan(article.text)),
        title_hits=tuple(matcher.scan(article.title)),
    )


def topics_in_scope(
    analysis: ArticleAnalysis, matcher: Matcher, speaker_id: str, scope: str
) -> set[str]:
    """Topic ids that hold for `speaker_id` in `scope` (see the module docstring).

    The scope's keyword hits are pooled first and the topics judged once over the pool, so a topic's
    all / none lists combine across its parts: all = ["ukraine", "talks"] holds with "talks" in the
    statement and "Ukraine" in the title, and a `none` keyword in the statement vetoes a title match."""
    if scope == "article":
        return matcher.topics_in([*analysis.text_hits, *analysis.title_hits])
    spans = [(s.start, s.end) for s in analysis.statements if s.speaker_id == speaker_id]
    pooled = hits_within(analysis.text_hits, spans)
    if scope == "speaker":
        pooled.extend(analysis.title_hits)
    if not spans and scope == "statements":
        return set()  # no statement of the speaker: nothing in scope (even for a `none`-only topic)
    return matcher.topics_in(pooled)


def watches_firing(
    rules: Rules, matcher: Matcher, analysis: ArticleAnalysis, speaker_id: str, now: datetime
) -> list[Firing]:
    """The watches that fire for statements of `speaker_id` in this article, with the topics that held."""
    if not any(s.speaker_id == speaker_id for s in analysis.statements):
        return []
    firings: list[Firing] = []
    held_by_scope: dict[str, set[str]] = {}  # many watches share a scope: judge each scope once
    for watch in rules.watches:
        if speaker_id not in watch.speakers:
            continue
        if watch.feeds and analysis.article.feed not in watch.feeds:
            continue
        if watch.muted_until is not None and now.timestamp() < watch.muted_until:
            continue
        if not watch.topics:
            firings.append(Firing(watch, ()))
            continue
        held = held_by_scope.get(watch.scope)
        if held is None:
            held = held_by_scope[watch.scope] = topics_in_scope(analysis, matcher, speaker_id, watch.scope)
        topics = tuple(t for t in watch.topics if t in held)
        if topics:
            firings.append(Firing(watch, topics))
    return firings
