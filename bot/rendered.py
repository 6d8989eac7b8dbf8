"""The sender's per-round cache of rendered stories: a story going to 50 chats is read and rendered once.

    cache = Renderings(store, render, clock)
    rendered = await cache.get(story_id, lang)   # None when the story is gone from the store
    cache.clear()                                 # at the end of a round

A rendering is shared for at most RENDER_MAX_AGE; older, it is read again, so a round stretched by
flood-limit waits does not post text that a new source has long made stale (each stale message costs a
follow-up edit, and groups only get 20 messages a minute). One rendering per language (bot.i18n).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.i18n import language
from watchers.model import Story

if TYPE_CHECKING:
    from watchers.store import AsyncStore

RENDER_MAX_AGE = timedelta(seconds=1)


@dataclass(frozen=True)
class Rendered:
    story: Story
    text: str
    sources: int  # how many sources the text shows; more in the store later means an edit is due


class Renderings:
    def __init__(self, store: AsyncStore, render: Callable[[Story], str], clock: Callable[[], datetime]) -> None:
        self.store, self.render, self.clock = store, render, clock
        self._cache: dict[tuple[str, str], tuple[datetime, asyncio.Future[Rendered | None]]] = {}

    async def get(self, story_id: str, lang: str = "en") -> Rendered | None:
        """The story and its rendering (in `lang`), loaded once per round however many chats it goes to."""
        now = self.clock()
        cached = self._cache.get((story_id, lang))
        if cached is None or (cached[1].done() and now - cached[0] > RENDER_MAX_AGE):
            cached = (now, asyncio.ensure_future(self._load(story_id, lang)))
            self._cache[story_id, lang] = cached
        # shield: one chat's cancellation must not cancel the load the other chats are waiting on
        return await asyncio.shield(cached[1])

    def clear(self) -> None:
        self._cache.clear()

    async def _load(self, story_id: str, lang: str) -> Rendered | None:
        story = await self.store.get_story(story_id)
        if story is None:
            return None
        with language(lang):
            return Rendered(story, self.render(story), len(story.sources))
