"""The rule model: what a rules file says once it has been loaded and validated.

Plain frozen dataclasses, built only by `rules.load` (whose `rules.validate` checks every field), read by
every other layer.
Durations are seconds (float). Ids are the user's own short names (`peskov`, `ukraine-talks`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# Default poll interval of a feed: often enough to be timely, rarely enough to be polite to publishers.
DEFAULT_INTERVAL = 300.0
# Items older than this on a feed's first poll are recorded but never alerted (no flood on a new feed).
DEFAULT_BACKFILL = 24 * 3600.0
# Two statements by one speaker this close in time can be one story (see watchers.stories.dedup).
DEFAULT_DEDUP_WINDOW = 72 * 3600.0
DEFAULT_RETENTION = 90 * 24 * 3600.0
# rapidfuzz score (0-100) a name variant must reach to count as a transliteration of an alias.
DEFAULT_FUZZY = 88.0

# Where a watch looks for its topics (see README, "When a watch fires"):
#   speaker    - in the watched speaker's statements, or in the article's title (default)
#   statements - only in the watched speaker's statements
#   article    - anywhere in the article
# Languages quotewatch reads (an article's `lang`, a feed's `lang` override). Any other language an
# article declares is read by its script, else as English.
LANGS: tuple[str, ...] = ("en", "ru")
Scope = Literal["speaker", "statements", "article"]
SCOPES: tuple[str, ...] = ("speaker", "statements", "article")


@dataclass(frozen=True)
class Feed:
    id: str
    url: str
    name: str  # outlet name shown in alerts; defaults to the id
    interval: float = DEFAULT_INTERVAL
    full_text: bool = False
    allow_private: bool = False
    lang: str | None = None  # one of LANGS: overrides what the feed and its pages declare


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str  # display name, also matched as an alias
    aliases: tuple[str, ...] = ()  # surnames, "Mr. Surname", titles ("Kremlin spokesman"), other scripts
    fuzzy: float = DEFAULT_FUZZY  # 0 disables fuzzy matching for this speaker

    @property
    def terms(self) -> tuple[str, ...]:
        """Every string that names this speaker: the display name first, then the aliases."""
        return (self.name, *[a for a in self.aliases if a != self.name])


@dataclass(frozen=True)
class Topic:
    id: str
    any: tuple[str, ...] = ()  # at least one of these (if given)
    all: tuple[str, ...] = ()  # every one of these
    none: tuple[str, ...] = ()  # none of these


@dataclass(frozen=True)
class Watch:
    id: str
    speakers: tuple[str, ...]  # speaker ids
    chats: tuple[int | str, ...]  # chat ids (int) or channel usernames ("@channel")
    topics: tuple[str, ...] = ()  # topic ids; empty = anything the speakers say
    feeds: tuple[str, ...] = ()  # feed ids; empty = every feed
    scope: Scope = "speaker"
    muted_until: float | None = None  # unix time; silenced until then (alerts dropped, not queued)


@dataclass(frozen=True)
class TelegramSettings:
    token: str | None = None  # TELEGRAM_BOT_TOKEN overrides; never logged
    base_url: str | None = None  # self-hosted Bot API server (or the tests' fake one)
    admins: tuple[int, ...] = ()  # user ids allowed to run admin commands
    allowlist: tuple[int, ...] = ()  # if not empty, only these chats may use the bot
    mode: Literal["polling", "webhook"] = "polling"
    webhook_listen: str = "0.0.0.0:8443"
    webhook_url: str | None = None
    webhook_secret: str | None = None


@dataclass(frozen=True)
class Settings:
    db: str = "quotewatch.db"
    retention: float = DEFAULT_RETENTION
    backfill: float = DEFAULT_BACKFILL
    dedup_window: float = DEFAULT_DEDUP_WINDOW
    default_interval: float = DEFAULT_INTERVAL
    telegram: TelegramSettings = field(default_factory=TelegramSettings)


@dataclass(frozen=True)
class Rules:
    feeds: tuple[Feed, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    topics: tuple[Topic, ...] = ()
    watches: tuple[Watch, ...] = ()
    settings: Settings = field(default_factory=Settings)
    source: str | None = None  # the file these rules came from

    def speaker(self, speaker_id: str) -> Speaker | None:
        return next((s for s in self.speakers if s.id == speaker_id), None)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def feed(self, feed_id: str) -> Feed | None:
        return next((f for f in self.feeds if f.id == feed_id), None)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rules file, located for `path:line:col: message` output."""

    path: str
    line: int  # 1-based
    col: int  # 1-based
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"
