"""The sender's gate: each chat's settings applied to its alerts, and the held stories released.

    decide(item)                                   before the sender sends or edits an outbox item
        chat holds nothing (no pause, quiet hours, digest)   -> send (silent if the chat says so)
        an edit of a message that went out                    -> send (an edit makes no sound)
        an edit of a story held, or already in a digest       -> hold (no-op) / drop
        otherwise bot.settings.decide: paused, quiet hours (unless an urgent speaker), digest -> hold
    release(now)                                   once per sender round
        each chat with held stories whose release is due (bot.settings.release_due):
            digest off (quiet hours ended, resumed) and at most REPLAY_MAX stories
                -> queued again as ordinary alerts, in the order held (one transaction)
            otherwise -> one digest (bot.digest), part by part within the chat's flood limit; each
                part's stories are released once it is sent (a crash repeats at most that part)

A chat that blocked the bot while stories were held is deactivated and its held stories dropped; a
group that became a supergroup takes its held stories and settings to the new id; a network error or 5xx
retries the chat's digest after a backoff; a 429 pauses the chat in the sender's flood scheduler, as for
alerts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot.delivery import CHAT_GONE, MAX_SLOT_WAIT, backoff
from bot.digest import render_digest
from bot.i18n import _, language
from bot.ratelimit import FloodScheduler
from bot.settings import ChatSettings, Verdict, decide, release_due
from bot.settings_book import SettingsBook
from watchers.model import OutboxItem, Story

if TYPE_CHECKING:
    from watchers.store import AsyncStore
    from watchers.store.backend import ChatId, StoreBackend

log = logging.getLogger("quotewatch.digest")

# Released stories up to this many come as ordinary alerts (each editable as outlets add up); more, and
# a night's worth of alerts would ring one after another: they come as one digest instead.
REPLAY_MAX = 5


class DigestGate:
    def __init__(
        self, store: AsyncStore, book: SettingsBook, *, replay_max: int = REPLAY_MAX,
        on_chat_gone: Callable[[ChatId], None] | None = None,
    ) -> None:
        self.store = store
        self.book = book
        self.replay_max = replay_max
        self.on_chat_gone = on_chat_gone
        self._retry_at: dict[ChatId, tuple[datetime, int]] = {}  # chat -> (next try, failures)

    async def decide(self, item: OutboxItem, now: datetime) -> Verdict:
        s = await self.book.get(item.chat_id)
        plain = Verdict(silent=s.silent, lang=s.lang or "en")
        if not s.holds_anything:
            return plain
        if item.action == "edit":
            if await self.store.delivery(item.chat_id, item.story_id) is not None:
                return plain
            held = item.story_id in await self.store.held_stories(item.chat_id)
            return Verdict(hold=True) if held else Verdict(drop=True)
        speaker = None
        if s.urgent:
            story = await self.store.get_story(item.story_id)
            speaker = story.speaker_id if story is not None else None
        return decide(s, now, speaker)

    async def language(self, chat: ChatId) -> str:
        try:
            return (await self.book.get(chat)).lang or "en"
        except Exception as e:  # the store cannot tell (it may be the store that is in trouble): English
            log.warning("could not read chat %s's language: %r", chat, e)
            return "en"

    async def release(self, bot: Bot, flood: FloodScheduler, now: datetime) -> int:
        sent = 0
        for chat, oldest in await self.store.held_chats():
            retry = self._retry_at.get(chat)
            if retry is not None and retry[0] > now:
                continue
            s = await self.book.get(chat)
            if not release_due(s, now, oldest):
                continue
            ids = await self.store.held_stories(chat)
            if s.digest == "off" and len(ids) <= self.replay_max:
                await self.store.run(_replay, self.store.store, chat, ids)
                log.info("held alerts released: chat=%s stories=%d", chat, len(ids))
                continue
            sent += await self._send_digest(bot, flood, chat, s, ids, now)
        return sent

    async def _send_digest(
        self, bot: Bot, flood: FloodScheduler, chat: ChatId, s: ChatSettings, ids: list[str], now: datetime
    ) -> int:
        stories: list[Story] = []
        for story_id in ids:
            story = await self.store.get_story(story_id)
            if story is None:  # pruned while held
                await self.store.release_held(chat, [story_id])
            else:
                stories.append(story)
        with language(s.lang or "en"):
            title = _("Digest") if s.digest != "off" else _("Held while alerts were paused or quiet")
            parts = render_digest(stories, title)
        sent = 0
        for part in parts:
            if flood.chat_wait(chat) > MAX_SLOT_WAIT:
                break  # the rest in a later round, in order
            try:
                async with flood.slot(chat):
                    await bot.send_message(
                        chat, part.text, parse_mode=ParseMode.HTML,
                        link_preview_options=LinkPreviewOptions(is_disabled=True),
                        disable_notification=True if s.silent else None,
                    )
            except RetryAfter as e:
                flood.pause(chat, _seconds(e.retry_after))
                break
            except ChatMigrated as e:  # the held stories and settings move with it; sent there next round
                await self.store.migrate_chat(chat, e.new_chat_id)
                flood.forget(chat)
                self.book.forget(e.new_chat_id)
                log.info("group became a supergroup: chat=%s new_chat=%s", chat, e.new_chat_id)
                break
            except (Forbidden, BadRequest) as e:
                if isinstance(e, BadRequest) and not any(r in e.message.lower() for r in CHAT_GONE):
                    log.error("telegram refused a digest: chat=%s error=%s", chat, e.message)
                    await self.store.release_held(chat, part.story_ids)  # the same request fails again
                    continue
                await self.store.deactivate_chat(chat, e.message)
                dropped = await self.store.release_held(chat, await self.store.held_stories(chat))
                if self.on_chat_gone is not None:
                    self.on_chat_gone(chat)
                log.warning("chat deactivated: chat=%s reason=%s held_dropped=%d", chat, e.message, dropped)
                break
            except TelegramError as e:  # network, 5xx: the chat's digest waits, the others go on
                failures = self._retry_at.get(chat, (now, 0))[1]
                self._retry_at[chat] = (now + timedelta(seconds=backoff(failures)), failures + 1)
                log.warning("digest not sent, retrying: chat=%s error=%s", chat, type(e).__name__)
                break
            self._retry_at.pop(chat, None)
            await self.store.release_held(chat, part.story_ids)
            sent += 1
        if sent:
            log.info("digest sent: chat=%s messages=%d stories=%d", chat, sent, len(stories))
        return sent


def _seconds(value: float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _replay(store: StoreBackend, chat: ChatId, story_ids: list[str]) -> None:
    """Queue the held stories as ordinary alerts and release them, in one transaction."""
    with store.transaction():
        for story_id in story_ids:
            store.enqueue(chat, story_id, "send")
        store.release_held(chat, story_ids)
