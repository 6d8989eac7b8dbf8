"""The store for async code: every call on ONE worker thread, so the event loop never waits on the
database and the calls stay serialised (the way a single-writer SQLite connection wants them).

AsyncStore wraps any StoreBackend. Work that must be one transaction (dedup of an article and the
alerts it queues: watchers.pipeline.record_article) goes through `run` as one function, so it runs
whole on the store's thread.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Literal, ParamSpec, TypeVar

from watchers.model import Article, FeedState, OutboxItem, Story
from watchers.store.backend import ChatId, StatementHit, StoreBackend, WorkerInfo

P = ParamSpec("P")
T = TypeVar("T")


class AsyncStore:
    """The store's methods as coroutines, all run on ONE worker thread (so they stay serialised and the
    event loop never waits on the database). Create it inside the running loop's program; close() on
    shutdown."""

    def __init__(self, store: StoreBackend) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quotewatch-store")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run any function on the store's worker thread (e.g. watchers.pipeline.record_article)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))

    async def close(self) -> None:
        await self.run(self.store.close)
        self._pool.shutdown(wait=True)

    async def feed_state(self, feed_id: str) -> FeedState | None:
        return await self.run(self.store.feed_state, feed_id)

    async def save_feed_state(self, state: FeedState, *, release: str | None = None) -> None:
        await self.run(self.store.save_feed_state, state, release=release)

    async def feed_states(self) -> list[FeedState]:
        return await self.run(self.store.feed_states)

    async def register_worker(self, worker_id: str, host: str, pid: int, now: datetime) -> None:
        await self.run(self.store.register_worker, worker_id, host, pid, now)

    async def heartbeat(self, worker_id: str, now: datetime, lease: float) -> bool:
        return await self.run(self.store.heartbeat, worker_id, now, lease)

    async def unregister_worker(self, worker_id: str) -> None:
        await self.run(self.store.unregister_worker, worker_id)

    async def forget_workers(self, before: datetime) -> int:
        return await self.run(self.store.forget_workers, before)

    async def workers(self) -> list[WorkerInfo]:
        return await self.run(self.store.workers)

    async def set_update_taker(self, worker_id: str | None) -> None:
        await self.run(self.store.set_update_taker, worker_id)

    async def claim_feed(self, feed_id: str, url: str, worker_id: str, now: datetime, lease: float) -> FeedState | None:
        return await self.run(self.store.claim_feed, feed_id, url, worker_id, now, lease)

    async def claim_due_feeds(
        self, worker_id: str, feeds: list[tuple[str, str, float]], now: datetime, lease: float, limit: int
    ) -> list[FeedState]:
        return await self.run(self.store.claim_due_feeds, worker_id, feeds, now, lease, limit)

    async def claim_outbox(self, worker_id: str, now: datetime, lease: float, limit: int = 100) -> list[OutboxItem]:
        return await self.run(self.store.claim_outbox, worker_id, now, lease, limit)

    async def article_seen(self, article_id: str, url: str) -> bool:
        return await self.run(self.store.article_seen, article_id, url)

    async def add_article(self, article: Article, fingerprint: int | None) -> None:
        await self.run(self.store.add_article, article, fingerprint)

    async def add_story_topics(self, story_id: str, topics: Iterable[str]) -> None:
        await self.run(self.store.add_story_topics, story_id, list(topics))

    async def set_topic_terms(self, terms: dict[str, tuple[str, ...]]) -> None:
        await self.run(self.store.set_topic_terms, terms)

    async def get_story(self, story_id: str) -> Story | None:
        return await self.run(self.store.get_story, story_id)

    async def recent_statements(self, speaker_id: str, since: datetime | None, limit: int) -> list[StatementHit]:
        return await self.run(self.store.recent_statements, speaker_id, since, limit)

    async def search_statements(
        self, words: str, speaker_id: str | None = None, since: datetime | None = None, limit: int = 10
    ) -> list[StatementHit]:
        return await self.run(self.store.search_statements, words, speaker_id, since, limit)

    async def enqueue(self, chat_id: ChatId, story_id: str, action: Literal["send", "edit"]) -> int:
        return await self.run(self.store.enqueue, chat_id, story_id, action)

    async def due_outbox(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        return await self.run(self.store.due_outbox, now, limit)

    async def mark_sent(self, item_id: int, message_id: int | None) -> None:
        await self.run(self.store.mark_sent, item_id, message_id)

    async def mark_retry(self, item_id: int, error: str, not_before: datetime) -> None:
        await self.run(self.store.mark_retry, item_id, error, not_before)

    async def mark_dead(self, item_id: int, error: str) -> None:
        await self.run(self.store.mark_dead, item_id, error)

    async def dead_outbox(self, limit: int = 20) -> list[tuple[OutboxItem, str]]:
        return await self.run(self.store.dead_outbox, limit)

    async def delivery(self, chat_id: ChatId, story_id: str) -> int | None:
        return await self.run(self.store.delivery, chat_id, story_id)

    async def deliveries(self, story_id: str) -> list[tuple[ChatId, int]]:
        return await self.run(self.store.deliveries, story_id)

    async def outbox_depth(self) -> int:
        return await self.run(self.store.outbox_depth)

    async def subscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        return await self.run(self.store.subscribe, chat_id, watch_id)

    async def unsubscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        return await self.run(self.store.unsubscribe, chat_id, watch_id)

    async def subscriptions(self, chat_id: ChatId) -> list[str]:
        return await self.run(self.store.subscriptions, chat_id)

    async def subscribers(self, watch_id: str) -> list[ChatId]:
        return await self.run(self.store.subscribers, watch_id)

    async def deactivate_chat(self, chat_id: ChatId, reason: str) -> None:
        await self.run(self.store.deactivate_chat, chat_id, reason)

    async def reactivate_chat(self, chat_id: ChatId) -> int:
        return await self.run(self.store.reactivate_chat, chat_id)

    async def migrate_chat(self, old_chat_id: ChatId, new_chat_id: ChatId) -> None:
        await self.run(self.store.migrate_chat, old_chat_id, new_chat_id)

    async def chat_settings(self, chat_id: ChatId) -> dict[str, str]:
        return await self.run(self.store.chat_settings, chat_id)

    async def set_chat_settings(self, chat_id: ChatId, values: Mapping[str, str | None]) -> None:
        await self.run(self.store.set_chat_settings, chat_id, dict(values))

    async def hold_story(self, item_id: int, chat_id: ChatId, story_id: str, now: datetime) -> None:
        await self.run(self.store.hold_story, item_id, chat_id, story_id, now)

    async def held_chats(self) -> list[tuple[ChatId, datetime]]:
        return await self.run(self.store.held_chats)

    async def held_stories(self, chat_id: ChatId) -> list[str]:
        return await self.run(self.store.held_stories, chat_id)

    async def release_held(self, chat_id: ChatId, story_ids: Sequence[str]) -> int:
        return await self.run(self.store.release_held, chat_id, list(story_ids))

    async def prune(self, now: datetime, retention: float, window: float) -> int:
        return await self.run(self.store.prune, now, retention, window)

    async def integrity_check(self) -> str:
        return await self.run(self.store.integrity_check)

    async def health(self) -> str | None:
        return await self.run(self.store.health)

    async def kv_get(self, key: str) -> str | None:
        return await self.run(self.store.kv_get, key)

    async def kv_set(self, key: str, value: str) -> None:
        await self.run(self.store.kv_set, key, value)
