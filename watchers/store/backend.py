"""The store's interface: every operation the code above the store uses, whatever database is behind it.

`StoreBackend` is what dedup (watchers.stories.dedup), the pipeline and, through AsyncStore, the bot
talk to. watchers.store.sqlite.Store implements it (the embedded default); a second backend (PostgreSQL,
for several watcher processes sharing one database) implements the same Protocol, so nothing above the
store knows which one it talks to.

The contract every backend keeps:
- Synchronous, and safe to call from one thread at a time at least (AsyncStore runs every call on ONE
  worker thread). Each write method commits on its own, unless called inside `transaction()`: then
  everything in the block commits or rolls back together (nested blocks join the outer one). Dedup
  records an article, and the pipeline queues its alerts, inside one such block: crash safety rests on it.
- Times are timezone-aware datetimes (a naive one is a ValueError). Fingerprints are unsigned 64-bit
  ints (watchers.store.bands says how they are indexed). Chat ids come back as given: ints for Telegram
  chats, strings for '@channel' names and console sinks.
- A database that cannot be used as it is raises StoreError, with a message that says what to do.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol, runtime_checkable

from watchers.model import Article, FeedState, Kind, OutboxItem, Statement, Story

ChatId = int | str


class StoreError(Exception):
    """The database cannot be used as it is; the message says what to do."""


@dataclass(frozen=True)
class StatementHit:
    """One stored statement, as /quotes and /search show it."""

    speaker_id: str
    speaker: str
    text: str
    kind: Kind
    published: datetime
    url: str
    title: str
    outlet: str
    story_id: str | None
    snippet: str = ""  # search only: the match with the words around it, match wrapped in «…»
    rank: float = 0.0  # search only: bm25, lower is better


@dataclass(frozen=True)
class WorkerInfo:
    """One `quotewatch run` process sharing the database, as /status shows it."""

    worker_id: str
    host: str
    pid: int
    started: datetime
    heartbeat: datetime
    feeds: int  # feed leases it holds now (polls in flight)
    takes_updates: bool  # the elected taker of Telegram updates (long polling)


@runtime_checkable
class StoreBackend(Protocol):
    """The history store's operations (see the module docstring for the contract).

    Each is documented in full where SQLite implements it (watchers.store.sqlite, one module per area)."""

    # -- plumbing
    def close(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction for the block; nested blocks join the outer one."""
    @property
    def schema_version(self) -> int: ...

    # -- feeds
    def feed_state(self, feed_id: str) -> FeedState | None: ...
    def feed_states(self) -> list[FeedState]: ...
    def save_feed_state(self, state: FeedState, *, release: str | None = None) -> None:
        """`release`: a worker id whose lease on the feed ends with this save (the poll is over)."""

    # -- workers sharing the database: feed leases, outbox claims (watchers.store.sqlite.workers)
    def register_worker(self, worker_id: str, host: str, pid: int, now: datetime) -> None: ...
    def heartbeat(self, worker_id: str, now: datetime, lease: float) -> bool:
        """The worker is alive: its leases and claims run until now + lease. False when its row was
        gone (forgotten as dead): the caller registers again."""
    def unregister_worker(self, worker_id: str) -> None:
        """A clean stop: the worker's leases and claims are given up at once, its row removed."""
    def forget_workers(self, before: datetime) -> int:
        """Remove workers whose last heartbeat is older than `before` (their leases expired long ago)."""
    def workers(self) -> list[WorkerInfo]: ...
    def set_update_taker(self, worker_id: str | None) -> None:
        """Record which worker takes Telegram updates (None: this one no longer does)."""
    def claim_feed(
        self, feed_id: str, url: str, worker_id: str, now: datetime, lease: float
    ) -> FeedState | None:
        """Take the feed's lease until now + lease, unless another worker holds an unexpired one; the
        feed's state as it is under the lease (a new one for a feed never polled), or None."""
    def claim_due_feeds(
        self, worker_id: str, feeds: Sequence[tuple[str, str, float]], now: datetime, lease: float, limit: int
    ) -> list[FeedState]:
        """A poll cycle's claim: up to `limit` of `feeds` (id, url, due slack in seconds) that are due
        (watchers.feeds.schedule.is_due, in SQL) and free, leased to the worker; their states."""
    def release_feed(self, feed_id: str, worker_id: str) -> None: ...
    def claim_outbox(self, worker_id: str, now: datetime, lease: float, limit: int = 100) -> list[OutboxItem]:
        """Claim due items for this worker, oldest first: never an item another worker holds, nor any
        item of a chat another worker is sending to (a chat's items go out in order, by one sender)."""
    def lock_keys(self, keys: Iterable[str]) -> None:
        """Inside a transaction: hold these keys' locks, fleet-wide, until it ends (dedup's speakers)."""

    # -- articles: the level-1 and level-2 lookups of dedup
    def article_seen(self, article_id: str, url: str) -> bool:
        """Seen by id, or by url (url "" matches by id only)."""
    def title_seen(self, norm_title: str, outlet: str, since: datetime, until: datetime) -> bool: ...
    def add_article(
        self, article: Article, fingerprint: int | None, *, norm_title: str | None = None,
        seen_at: datetime | None = None,
    ) -> None: ...
    def near_duplicates(
        self, fingerprint: int, since: datetime, until: datetime, max_distance: int
    ) -> list[tuple[str, str, int]]:
        """(article id, outlet, distance) within max_distance bits, nearest (then earliest) first."""
    def article_stories(self, article_id: str) -> list[tuple[str, str]]: ...
    def prefetch_dedup(
        self, article: Article, norm_title: str, fingerprint: int | None, since: datetime, until: datetime,
        max_distance: int, texts: Mapping[str, Sequence[str]], *, keys: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        """A hint, inside a transaction: dedup's next reads for this article (article_seen, title_seen,
        near_duplicates, story_candidates per speaker, with these arguments). A server backend sends
        them in one round trip and answers the calls from them; SQLite does nothing. Results are the
        same either way. `keys`: per speaker, the texts' query_keys computed beforehand."""

    # -- statements and stories
    def story_candidates(
        self, speaker_id: str, texts: Sequence[str], since: datetime, until: datetime,
        *, keys: Sequence[int] | None = None,
    ) -> list[tuple[str, str]]:
        """(story_id, text) of the speaker's statements in the window that could match one of texts
        (they share a key of watchers.store.shingles), newest first. `keys`: query_keys(speaker_id,
        texts) computed beforehand (dedup's inputs prepared in a worker process)."""
    def create_story(self, story_id: str, speaker_id: str, speaker: str, now: datetime) -> bool: ...
    def add_source(self, story_id: str, article_id: str, now: datetime) -> bool: ...
    def record_source(
        self, story_id: str, article_id: str, now: datetime, *, new_story: tuple[str, str] | None = None
    ) -> None:
        """create_story (with new_story = (speaker_id, speaker)) and add_source, for a caller that needs
        neither's answer: a server backend sends them with the transaction's next statement."""
    def add_story_topics(self, story_id: str, topics: Iterable[str]) -> None: ...
    def add_statements(
        self, article_id: str, published: datetime, rows: Sequence[tuple[Statement, str | None, bool]],
        *, keys: Sequence[Sequence[int]] | None = None,
    ) -> None:
        """`keys`: per row, stored_keys(speaker_id, text) computed beforehand."""
    def set_topic_terms(self, terms: dict[str, tuple[str, ...]]) -> None: ...
    def get_story(self, story_id: str) -> Story | None: ...
    def story_count(self) -> int: ...

    # -- search (/quotes, /search)
    def recent_statements(self, speaker_id: str, since: datetime | None, limit: int) -> list[StatementHit]: ...
    def search_statements(
        self, words: str, speaker_id: str | None = None, since: datetime | None = None, limit: int = 10
    ) -> list[StatementHit]:
        """Any input is safe: the user's words are never query syntax."""

    # -- outbox and deliveries
    def enqueue(self, chat_id: ChatId, story_id: str, action: Literal["send", "edit"]) -> int: ...
    def due_outbox(self, now: datetime, limit: int = 100) -> list[OutboxItem]: ...
    def mark_sent(self, item_id: int, message_id: int | None) -> None: ...
    def mark_retry(self, item_id: int, error: str, not_before: datetime) -> None: ...
    def mark_dead(self, item_id: int, error: str) -> None: ...
    def dead_outbox(self, limit: int = 20) -> list[tuple[OutboxItem, str]]: ...
    def delivery(self, chat_id: ChatId, story_id: str) -> int | None: ...
    def deliveries(self, story_id: str) -> list[tuple[ChatId, int]]: ...
    def outbox_depth(self) -> int: ...

    # -- chats and subscriptions
    def subscribe(self, chat_id: ChatId, watch_id: str) -> bool: ...
    def unsubscribe(self, chat_id: ChatId, watch_id: str) -> bool: ...
    def subscriptions(self, chat_id: ChatId) -> list[str]: ...
    def subscribers(self, watch_id: str) -> list[ChatId]: ...
    def deactivate_chat(self, chat_id: ChatId, reason: str) -> None: ...
    def reactivate_chat(self, chat_id: ChatId) -> int: ...
    def migrate_chat(self, old_chat_id: ChatId, new_chat_id: ChatId) -> None: ...

    # -- a chat's own settings, and the stories held for its digest (bot.settings, bot.digest)
    def chat_settings(self, chat_id: ChatId) -> dict[str, str]: ...
    def set_chat_settings(self, chat_id: ChatId, values: Mapping[str, str | None]) -> None:
        """None removes a key."""
    def hold_story(self, item_id: int, chat_id: ChatId, story_id: str, now: datetime) -> None:
        """Mark the outbox item done and hold its story for the chat, in one transaction."""
    def held_chats(self) -> list[tuple[ChatId, datetime]]:
        """(chat, when its oldest held story was held)."""
    def held_stories(self, chat_id: ChatId) -> list[str]: ...
    def release_held(self, chat_id: ChatId, story_ids: Sequence[str]) -> int: ...

    # -- maintenance
    def prune(self, now: datetime, retention: float, window: float) -> int: ...
    def integrity_check(self) -> str:
        """'ok', or the database's list of problems."""
    def health(self) -> str | None:
        """Cheap, asked every few seconds: None while the database is the one opened; else one line
        saying what happened (SQLite: the file was deleted or replaced). Servers have no such file."""
    def kv_get(self, key: str) -> str | None: ...
    def kv_set(self, key: str, value: str) -> None: ...
    def bulk_load(
        self, items: Iterable[tuple[Article, int | None, str, Sequence[Statement]]], now: datetime,
        batch: int = 5000,
    ) -> int: ...
    def optimize(self) -> None: ...
