"""Records passed between the stages of the pipeline (see watchers/pipeline.py).

fetch -> parse -> Article -> match -> statements -> Statement[] -> dedup -> Story -> Alert
All frozen dataclasses: a stage returns new records, never mutates the ones it was given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Kind = Literal["direct", "partial", "indirect"]
# Where an article's language came from: the feed's `lang` in the rules, a tag the feed or page declared,
# the script of its text, or nothing (too little text to tell: read as English).
LangSource = Literal["rules", "declared", "script", "default"]
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
    dated: bool = True  # False: the feed gave no (plausible) date; `published` is the first-seen time
    lang: str = "en"  # one of rules.model.LANGS (see watchers.feeds.lang); selects the language's tables
    lang_source: LangSource = "default"


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


@dataclass(frozen=True)
class FeedState:
    """What the store remembers about one feed between polls (conditional GET, health, schedule)."""

    feed_id: str
    url: str  # current URL; a permanent redirect updates it, the id stays
    etag: str | None = None
    last_modified: str | None = None
    last_poll: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    last_error_at: datetime | None = None
    consecutive_errors: int = 0
    items_seen: int = 0
    next_poll: datetime | None = None  # earliest time the next poll may run (backoff, Retry-After, ttl)
    polled_ok_once: bool = False  # False until the first successful poll: backfill window applies
    # The rules URL that `url` was last set from. When the rules' URL differs, it was edited: url and
    # validators are reset to it. A permanent redirect changes url, never this.
    configured_url: str | None = None


@dataclass(frozen=True)
class StoryEvent:
    """What dedup decided about one tracked speaker's statements in one article."""

    story_id: str
    speaker_id: str
    new: bool  # True: a story never seen before; False: an existing story got a new source
    statements: tuple[Statement, ...]  # this article's statements of the speaker that belong to the story
    new_source: bool = True  # False when the article was already a source (same article via another feed)


@dataclass(frozen=True)
class OutboxItem:
    """One pending Telegram action: post a story to a chat, or edit the message that carried it."""

    id: int
    chat_id: int | str
    story_id: str
    action: Literal["send", "edit"]
    attempts: int = 0
    not_before: datetime | None = None


@dataclass(frozen=True)
class Lease:
    """This process as one of several workers on one database: feeds are polled under a lease."""

    worker_id: str
    seconds: float  # how long a lease lasts without a heartbeat (bot.service beats every third of it)
