"""Records passed between the stages of the pipeline (see watchers/pipeline.py).

fetch -> parse -> Article -> match -> statements -> Statement[] -> dedup -> Story -> Alert
All frozen dataclasses: a stage returns new records, never mutates the ones it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Kind = Literal["direct", "partial", "indirect"]
KINDS: tuple[str, ...] = ("direct", "partial", "indirect")


@dataclass(frozen=True)
class Article:
    id: str  # stable: guid, else canonical link, else hash of title + date
    url: str  # canonical (tracking parameters and fragment removed)
    title: str
    text: str  # clean text, paragraphs separated by "\n\n"
    feed: str  # feed id from the rules
    outlet: str  # outlet name shown in alerts
    published: datetime  # timezone-aware; first-seen time when the feed gave none
    author: str | None = None


@dataclass(frozen=True)
class Span:
    text: str
    start: int  # character offsets into the article text, end exclusive
    end: int


@dataclass(frozen=True)
class Statement:
    """One thing a person said, found in one article's text."""

    text: str  # without its quotation marks
    start: int
    end: int
    kind: Kind
    speaker: str | None  # canonical name in this article (its fullest form), or an organisation
    speaker_id: str | None = None  # tracked speaker id when the rules know this person
    mention: Span | None = None  # the words standing for the speaker here ("he", "the minister", "Doe")
    cue: str | None = None  # the reporting verb or phrase ("said", "according to")


@dataclass(frozen=True)
class Source:
    """One outlet's article that carried a story."""

    url: str
    title: str
    feed: str
    outlet: str
    published: datetime


@dataclass(frozen=True)
class Story:
    """One statement (and the quotes that belong to it), with every source that carried it."""

    id: str
    speaker_id: str
    speaker: str  # display name
    topics: tuple[str, ...]
    quotes: tuple[Statement, ...]  # the key quotes, best first (1-3)
    sources: tuple[Source, ...]
    first_seen: datetime


@dataclass(frozen=True)
class Alert:
    """A story to post (new) or to edit (a new source of a story already posted) in some chats."""

    story: Story
    watch_ids: tuple[str, ...]
    chats: tuple[int | str, ...]
    update: bool = False  # True: the story was already alerted; edit the earlier messages
    extra: dict[str, str] = field(default_factory=dict)
