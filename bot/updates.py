"""Updates handled side by side across chats, in order within each chat (the Application's update processor).

PTB handles one update at a time unless told otherwise. With every reply paced by the one limiter
(bot/limiter.py), that would make a busy group's flood of commands (20 replies a minute) hold up every
private chat behind it. This processor runs the updates of different chats concurrently and those of one
chat strictly in the order Telegram sent them (a lock per chat, first come first served), so a chat's
replies keep their order and /subscribe then /unsubscribe cannot swap.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Updates in progress at once (each mostly waits: on the store's thread, on Telegram, on a chat's slot).
MAX_CONCURRENT = 256


def update_chat(update: object) -> int | str | None:
    """The chat an update belongs to (None: an update of no chat, handled at once)."""
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedUpdates(BaseUpdateProcessor):
    """Concurrent across chats, sequential within a chat. `processed` counts the updates done."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int | str, asyncio.Lock] = {}
        self._users: dict[int | str, int] = {}
        self.processed = 0

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update_chat(update)
        if chat is None:
            try:
                await coroutine
            finally:
                self.processed += 1
            return
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._users[chat] = self._users.get(chat, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            self.processed += 1
            left = self._users[chat] - 1
            if left:
                self._users[chat] = left
            else:  # no other update of this chat waits: forget its lock
                del self._users[chat]
                del self._locks[chat]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: the Application waits for the updates in progress."""
