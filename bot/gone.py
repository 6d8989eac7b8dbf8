"""Chats the bot cannot reach (it was blocked, removed, or the chat is gone): marked once, not retried.

    mark(chat, reason)   the Sender got 403 / "chat not found": later alerts to the chat are given up
                         without a request (a chat named in the rules gets one queued per alert, and its
                         subscriptions cannot be deactivated like a subscriber's)
    back(chat)           reachable again: a person wrote from it, the bot was added back (my_chat_member),
                         it was subscribed anew, or the probe found the bot in it
    due_probes / probe   every PROBE_SECONDS a group or channel still marked is asked about cheaply
                         (getChatMember for the bot itself: no message, not counted by flood limits)
    load / save          the marks in the store's key-value table, so a restart does not try every gone
                         chat again (and report it again)

The Sender owns the marking and the probe; BotContext.chat_back (bot/commands/base.py) clears a mark.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.ratelimit import is_group

if TYPE_CHECKING:
    from telegram import Bot

    from watchers.store import AsyncStore

log = logging.getLogger("quotewatch.delivery")

GONE_KEY = "telegram.gone_chats"
# A removed bot is usually added back within the hour, if at all; one getChatMember an hour per gone group
# is nothing, and nobody waits long for alerts once the bot is back.
PROBE_SECONDS = 3600.0
REACHABLE = ("creator", "administrator", "member", "restricted")


class GoneChats:
    """The chats marked unreachable, with why; `changes` says when there is something to save."""

    def __init__(self, probe_seconds: float = PROBE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.probe_seconds = probe_seconds
        self.clock = clock
        self.reasons: dict[int | str, str] = {}
        self._next_probe: dict[int | str, float] = {}
        self.changes = 0
        self._saved = 0
        self.loaded = False

    def __contains__(self, chat: object) -> bool:
        return chat in self.reasons

    def mark(self, chat: int | str, reason: str) -> bool:
        """True when the chat was not marked yet."""
        new = chat not in self.reasons
        self.reasons[chat] = reason
        self._next_probe[chat] = self.clock() + self.probe_seconds
        if new:
            self.changes += 1
        return new

    def back(self, chat: int | str) -> bool:
        """True when the chat was marked."""
        self._next_probe.pop(chat, None)
        if self.reasons.pop(chat, None) is None:
            return False
        self.changes += 1
        return True

    def due_probes(self) -> list[int | str]:
        """The marked groups and channels whose probe is due (a private chat comes back by writing)."""
        now = self.clock()
        due = [c for c in self.reasons if is_group(c) and self._next_probe.get(c, 0.0) <= now]
        for chat in due:
            self._next_probe[chat] = now + self.probe_seconds
        return due

    async def probe(self, bot: Bot, chat: int | str) -> bool:
        """Whether the bot is in the chat again (getChatMember for itself; any error: still gone)."""
        from telegram.error import TelegramError

        try:
            member = await bot.get_chat_member(chat, bot.id)
        except TelegramError as e:
            log.debug("probe of a gone chat: chat=%s still unreachable (%s)", chat, e)
            return False
        if member.status == "restricted":  # still in the group, but may it write?
            return bool(getattr(member, "can_send_messages", False))
        return member.status in REACHABLE

    async def load(self, store: AsyncStore) -> None:
        if self.loaded:
            return
        self.loaded = True
        try:
            raw = await store.kv_get(GONE_KEY)
            rows: list[Any] = json.loads(raw) if raw else []
            for chat, reason in rows:
                self.reasons.setdefault(chat, str(reason))
                self._next_probe.setdefault(chat, self.clock())  # probe soon after a start
        except Exception as e:  # noqa: BLE001 - an unreadable row: every chat is tried once more, no worse
            log.warning("could not read the saved list of unreachable chats: %r", e)
        self._saved = self.changes

    async def save(self, store: AsyncStore) -> None:
        if self.changes == self._saved:
            return
        changes = self.changes
        try:
            await store.kv_set(GONE_KEY, json.dumps([[c, r] for c, r in self.reasons.items()]))
        except Exception as e:  # noqa: BLE001 - the ledger reports a store that refuses writes
            log.debug("could not save the list of unreachable chats: %r", e)
            return
        self._saved = changes
