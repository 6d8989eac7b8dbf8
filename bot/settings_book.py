"""Every chat's settings, read from the store once and kept in memory; changed only through here.

The handlers (bot.commands.settings) and the sender's gate (bot.digest_gate) share one SettingsBook
(application.bot_data[SETTINGS_KEY]), so a change an admin makes applies to the next alert without a
store read per alert. One `quotewatch run` per database (README): no other process changes them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.settings import ChatSettings

if TYPE_CHECKING:
    from watchers.store import AsyncStore
    from watchers.store.backend import ChatId

SETTINGS_KEY = "quotewatch.settings"


class SettingsBook:
    def __init__(self, store: AsyncStore) -> None:
        self.store = store
        self._cache: dict[ChatId, ChatSettings] = {}

    async def get(self, chat_id: ChatId) -> ChatSettings:
        cached = self._cache.get(chat_id)
        if cached is None:
            cached = ChatSettings.from_store(await self.store.chat_settings(chat_id))
            self._cache[chat_id] = cached
        return cached

    async def update(self, chat_id: ChatId, **changes: Any) -> ChatSettings:
        """Change some settings (ChatSettings field names) and store them; returns the new settings."""
        old = await self.get(chat_id)
        new = replace(old, **changes)
        before, after = old.to_store(), new.to_store()
        await self.store.set_chat_settings(chat_id, {k: v for k, v in after.items() if before.get(k) != v})
        self._cache[chat_id] = new
        return new

    async def put(self, chat_id: ChatId, new: ChatSettings) -> None:
        """Make the chat's settings exactly `new` (a chat's alias in the rules: the same as the chat)."""
        before, after = (await self.get(chat_id)).to_store(), new.to_store()
        await self.store.set_chat_settings(chat_id, {k: v for k, v in after.items() if before.get(k) != v})
        self._cache[chat_id] = new

    def forget(self, chat_id: ChatId) -> None:
        """Read the chat's settings from the store again next time (a group moved to a new id)."""
        self._cache.pop(chat_id, None)
