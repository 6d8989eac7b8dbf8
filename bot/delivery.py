"""The sender: drains the store's outbox into Telegram, within Telegram's flood limits.

    every round (drain_once):
        items = store.due_outbox(now)                       oldest first (claim_outbox: several workers)
        each story is read and rendered once per round (a story to 50 chats is not built 50 times), again
        only when the rendering is older than bot.rendered.RENDER_MAX_AGE (a round that waits on flood limits is long)
        per chat, in order, chats side by side (the store returns no item behind a chat's earlier one that
        is waiting to be retried, so a chat's alerts keep their order across retries and restarts):
            a chat that would wait long for its slot, or where replies to commands wait, is left for later
            every request goes through the bot's one limiter (bot.limiter: the same FloodScheduler the
            command replies use), with NO_RETRY: a 429 comes back here and is recorded
            "send"  -> sendMessage                     -> store.mark_sent(item, message id)
            "edit"  -> editMessageText of store.delivery(chat, story)
                       ("not modified" is success; no earlier message, or it is gone: send instead)
        what Telegram answered decides the rest (`_deliver`):
            429 RetryAfter          -> the chat is paused, mark_retry(not_before = now + retry_after)
            network error, 5xx      -> mark_retry with exponential backoff (nothing is lost while it is down)
            403 blocked / kicked,
            400 chat not found      -> store.deactivate_chat + mark_dead, and the chat is marked gone
                                       (bot.gone): its later items are given up without a request until
                                       it is reachable again (it writes, the bot is added back, a probe)
            400 group migrated      -> store.migrate_chat, then the same item to the new chat id
            other 400s              -> mark_dead (retrying the same request cannot help), logged loudly
        after the round: a story that gained sources since it was rendered gets an "edit" queued for the
        chats it just went to (`_follow_up`).
        with a gate (bot.digest_gate: each chat's settings), asked before each item: send (silent or
        not, in the chat's language), hold the story for the chat's digest, or drop an edit; after the
        round the gate sends the digests that are due (`gate.release`).

Why the follow-up: while a send is in flight its outbox row is still pending, and the pipeline's enqueue
of an "edit" for a new source merges into that row (store.enqueue). The message then goes out without the
new source and no edit is left queued. Once the round's rows are marked sent, later enqueues make new rows,
so one re-read per story after the round closes the gap.

Sent means recorded, or stop sending (bot.outcomes): an outcome the store refuses (disk full, read-only)
is kept in memory and nothing more is sent (that chat at once, every chat from its next item on) until
the kept outcomes are written; the admins are told once. A chat never gets an alert twice for a full disk.

The bot token is never logged: every error text that leaves this module goes through `scrub`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.gone import GoneChats
from bot.i18n import language
from bot.limiter import NO_RETRY, TelegramLimiter, retry_seconds
from bot.outcomes import Ledger, Outcome, trouble_notice
from bot.ratelimit import FloodScheduler, Limits
from bot.rendered import Renderings
from bot.settings import SEND, Gate, Verdict
from watchers.model import OutboxItem, Story

if TYPE_CHECKING:
    from watchers.store import AsyncStore

log = logging.getLogger("quotewatch.delivery")

# Exponential backoff for network errors and 5xx: 5 s, 10 s, 20 s ... capped at 10 minutes, so a
# Telegram outage of an hour costs a few dozen requests, and delivery resumes within 10 min of recovery.
BACKOFF_BASE = 5.0
BACKOFF_CAP = 600.0
# A chat whose next slot is further away than this is left for a later round, so one busy group
# (20/min) never holds up the other chats' alerts.
MAX_SLOT_WAIT = 5.0
BATCH = 500  # outbox rows read per round
POLL_SECONDS = 1.0  # how often an idle sender looks at the outbox
# 400 answers that mean the chat is gone for good: stop sending there.
CHAT_GONE = ("chat not found", "have no rights to send", "not enough rights", "chat_write_forbidden",
             "need administrator rights", "user is deactivated", "peer_id_invalid")
EDIT_TARGET_GONE = ("message to edit not found", "message can't be edited")


def utcnow() -> datetime:
    return datetime.now(UTC)


def scrub(text: str, token: str | None) -> str:
    """`text` without the bot token (httpx errors may quote the request URL, which contains it)."""
    if not token:
        return text
    text = text.replace(token, "<token>")
    secret = token.partition(":")[2]
    return text.replace(secret, "<token>") if len(secret) >= 8 else text


def backoff(attempts: int) -> float:
    return float(min(BACKOFF_BASE * 2.0 ** min(max(attempts, 0), 30), BACKOFF_CAP))


@dataclass
class Stats:
    sent: int = 0
    edited: int = 0
    retried: int = 0
    rate_limited: int = 0  # 429s received
    dead: int = 0
    deactivated: int = 0
    migrated: int = 0


class Sender:
    """Drains the outbox. `run(stop)` loops until `stop` is set; `drain_once()` is one round."""

    def __init__(
        self,
        bot: Bot,
        store: AsyncStore,
        render: Callable[[Story], str],
        *,
        limits: Limits | None = None,
        scheduler: FloodScheduler | None = None,
        clock: Callable[[], datetime] = utcnow,
        poll_seconds: float = POLL_SECONDS,
        batch: int = BATCH,
        on_chat_gone: Callable[[int | str], None] | None = None,
        admins: Callable[[], Iterable[int]] | None = None,
        gate: Gate | None = None,
        gone: GoneChats | None = None,
        on_chat_back: Callable[[int | str], None] | None = None,
        claim: tuple[str, float] | None = None,
    ) -> None:
        self.bot = bot
        self.store = store
        self.render = render
        # The one limiter: the bot's own when it has one (the Application's bot, so replies and alerts share
        # the windows), else one of ours around a plain Bot.
        own = getattr(bot, "rate_limiter", None)
        self._bot_paced = isinstance(own, TelegramLimiter)
        self.limiter = own if isinstance(own, TelegramLimiter) else TelegramLimiter(
            scheduler or FloodScheduler(limits))
        self.flood = self.limiter.scheduler
        self.clock = clock
        self.poll_seconds = poll_seconds
        self.batch = batch
        self.stats = Stats()
        self.on_chat_gone = on_chat_gone  # told after a chat is deactivated (the bot's active-chat memo)
        self.admins = admins  # user ids told once when the store stops recording (rules [telegram] admins)
        self.gate = gate  # each chat's settings (silent, paused, quiet hours, digest, language); None: none
        # (worker id, lease): several workers share the outbox, each round claims its items (the store
        # never hands one item, nor one chat, to two senders); None: this sender drains it alone.
        self.claim = claim
        self.ledger = Ledger(store, lambda text: scrub(text, self._token))  # outcomes, kept while refused
        # Chats that blocked or removed the bot (shared with BotContext, which clears a mark when the chat
        # is back); on_chat_back: told when the probe finds the bot back in one.
        self.gone = gone if gone is not None else GoneChats()
        self.on_chat_back = on_chat_back
        # Per round: each story rendered once for every chat's item of it (bot.rendered; through self, so a
        # test's clock or render set later is the one used); and the chats each story went to (_follow_up).
        self._rendered = Renderings(store, lambda story: self.render(story), lambda: self.clock())
        self._delivered: dict[str, list[tuple[int | str, int]]] = {}  # story -> (chat, sources shown)
        # Set by run(): once it is set no new request starts; the ones in flight finish and are recorded,
        # so a graceful stop sends nothing twice and loses nothing (the rest stays pending).
        self._stop: asyncio.Event | None = None

    @property
    def _token(self) -> str | None:
        return getattr(self.bot, "token", None)

    async def run(self, stop: asyncio.Event) -> None:
        """Drain until `stop` is set; an error in one round is logged and the next round goes on."""
        self._stop = stop
        last_error = ""
        await self.limiter.load(self.store)
        await self.gone.load(self.store)
        while not stop.is_set():
            try:
                handled = await self.drain_once()
                await self.limiter.save(self.store)
                await self.gone.save(self.store)
                last_error = ""
            except Exception as e:  # a store hiccup must not kill delivery for good
                error = scrub(repr(e), self._token)
                if error != last_error:  # once per episode, not once a second
                    log.error("outbox round failed: %s (not repeated while it keeps failing)", error)
                last_error = error
                handled = 0
            if handled == 0:
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll_seconds)
        await self.limiter.save(self.store, force=True)
        await self.gone.save(self.store)
        if self.ledger.kept and await self.ledger.flush() is None:
            log.error("stopping with %d outcome(s) the history database never recorded: those alerts will "
                      "be sent again at the next start", len(self.ledger.kept))

    async def drain_once(self) -> int:
        """One round over the due outbox; returns how many items were settled (sent, retried or dead)."""
        await self._probe_gone()
        self._rendered.clear()
        if self.ledger.kept or self.ledger.trouble:
            written = await self.ledger.flush()
            if written is None:
                return 0  # the store still refuses: send nothing that could not be recorded either
            for outcome in written:
                self._sent(outcome)
        kept = self.ledger.kept
        due = (await self.store.claim_outbox(self.claim[0], self.clock(), self.claim[1], self.batch)
               if self.claim is not None else await self.store.due_outbox(self.clock(), self.batch))
        items = [i for i in due if i.id not in kept]
        by_chat: dict[int | str, list[OutboxItem]] = {}
        for item in items:
            by_chat.setdefault(item.chat_id, []).append(item)
        # return_exceptions: one chat's store error must not skip the follow-up for the chats that were sent.
        results = await asyncio.gather(
            *(self._drain_chat(chat, queue) for chat, queue in by_chat.items()), return_exceptions=True
        )
        try:
            if self.ledger.new_trouble:
                self.ledger.new_trouble = False
                await self._notify_admins()
            if self.ledger.trouble is None:  # queueing edits needs a store that writes; else next time
                await self._follow_up()
                self._delivered.clear()
            released = 0
            if self.gate is not None and self.ledger.trouble is None and not (self._stop and self._stop.is_set()):
                released = await self.gate.release(self.bot, self.flood, self.clock())
        finally:
            self._rendered.clear()
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return sum(r for r in results if isinstance(r, int)) + released

    async def _follow_up(self) -> None:
        """Queue an edit where a story gained sources after it was rendered for this round's messages."""
        for story_id, shown in self._delivered.items():
            story = await self.store.get_story(story_id)
            if story is None:
                continue
            behind = list(dict.fromkeys(chat for chat, sources in shown if sources < len(story.sources)))
            for chat in behind:
                await self.store.enqueue(chat, story_id, "edit")
            if behind:
                log.info("story %s gained sources while being sent; edit queued for %d chat(s)",
                         story_id, len(behind))

    async def _drain_chat(self, chat_id: int | str, queue: list[OutboxItem]) -> int:
        settled = 0
        for item in queue:
            if self._stop is not None and self._stop.is_set():
                break  # shutting down: the rest stays pending for the next start
            if self.ledger.trouble is not None:
                break  # the store does not record: what went out now could go out again
            if chat_id in self.gone:  # blocked or removed the bot: no request until it is reachable again
                reason = self.gone.reasons.get(chat_id, "")
                await self._record(Outcome(item, "dead", error=f"chat deactivated: {reason}"))
                self.stats.dead += 1
                settled += 1
                continue
            verdict = SEND if self.gate is None else await self.gate.decide(item, self.clock())
            if verdict.hold or verdict.drop:  # the chat's settings: for its digest, or not at all
                if verdict.hold:
                    await self.store.hold_story(item.id, chat_id, item.story_id, self.clock())
                else:
                    await self.store.mark_sent(item.id, None)
                settled += 1
                continue
            if self.flood.chat_wait(chat_id) > MAX_SLOT_WAIT or self.flood.waiting(chat_id):
                break  # the rest of this chat waits for a later round, in order; replies go first
            ok = await self._deliver(item, verdict=verdict)
            settled += 1
            if not ok and chat_id not in self.gone:
                break  # retry later: do not hammer a chat (or a Telegram) that just failed
        return settled

    async def _deliver(self, item: OutboxItem, chat_id: int | str | None = None, verdict: Verdict = SEND) -> bool:
        """Send or edit one item; record the outcome in the store. True if delivered."""
        chat = item.chat_id if chat_id is None else chat_id
        rendered = await self._rendered.get(item.story_id, verdict.lang)
        if rendered is None:
            await self._record(Outcome(item, "dead", error="story no longer in the store"))
            self.stats.dead += 1
            log.warning("outbox item for a missing story: story=%s chat=%s", item.story_id, chat)
            return False
        text, shown = rendered.text, rendered.sources
        try:
            message_id = await self._edit(chat, item, text) if item.action == "edit" else None
            if message_id is None:
                silent: dict[str, Any] = {"disable_notification": True} if verdict.silent else {}
                message = await self._call("sendMessage", chat, self.bot.send_message, chat, text, **_OPTIONS,
                                           **silent)
                message_id = message.message_id
                self.stats.sent += 1
            else:
                self.stats.edited += 1
        except RetryAfter as e:
            seconds = retry_seconds(e)
            self.flood.pause(chat, seconds)  # the limiter did too; a plain Bot's 429 has no limiter
            self.stats.rate_limited += 1
            await self._retry(item, f"rate limited by Telegram for {seconds:.0f} s", seconds)
            log.warning("telegram rate limit: chat=%s retry_after=%.0f", chat, seconds)
            return False
        except ChatMigrated as e:
            if chat_id is not None:  # migrated twice in one go: Telegram is confused; try again later
                await self._retry(item, "chat migrated again", backoff(item.attempts))
                return False
            new_chat = e.new_chat_id
            log.info("group became a supergroup: chat=%s new_chat=%s", chat, new_chat)
            await self.store.migrate_chat(chat, new_chat)
            self.flood.forget(chat)
            self.stats.migrated += 1
            return await self._deliver(item, new_chat, verdict)
        except Forbidden as e:
            return await self._chat_gone(item, chat, e)
        except BadRequest as e:
            if any(reason in e.message.lower() for reason in CHAT_GONE):
                return await self._chat_gone(item, chat, e)
            # Our request was wrong (bad HTML, too long): the same request will fail again.
            error = scrub(e.message, self._token)
            await self._record(Outcome(item, "dead", error=f"Telegram refused the message: {error}"))
            self.stats.dead += 1
            log.error("telegram refused an alert: story=%s chat=%s error=%s", item.story_id, chat, error)
            return False
        except InvalidToken:
            # Every request will fail the same way; keep the item and slow right down.
            await self._retry(item, "Telegram rejected the bot token (check TELEGRAM_BOT_TOKEN)", BACKOFF_CAP)
            log.error("Telegram rejected the bot token: check TELEGRAM_BOT_TOKEN or the config")
            return False
        except (NetworkError, TelegramError, OSError) as e:  # includes TimedOut and 5xx
            delay = backoff(item.attempts)
            await self._retry(item, f"network error: {scrub(str(e), self._token)}", delay)
            log.warning("telegram unreachable, retrying in %.0f s: chat=%s error=%s",
                        delay, chat, scrub(str(e), self._token))
            return False
        # Outside the try: a store that cannot record this is not a Telegram error to retry the send on.
        return await self._record(Outcome(item, "sent", message_id=message_id, chat=chat, shown=shown))

    async def _edit(self, chat: int | str, item: OutboxItem, text: str) -> int | None:
        """Edit the message that carried the story in this chat; None when there is none to edit."""
        message_id = await self.store.delivery(chat, item.story_id)
        if message_id is None:
            return None
        try:
            await self._call("editMessageText", chat, self.bot.edit_message_text, text, chat_id=chat,
                             message_id=message_id, **_OPTIONS)
        except BadRequest as e:
            message = e.message.lower()
            if "message is not modified" in message:
                return message_id
            if any(reason in message for reason in EDIT_TARGET_GONE):
                return None  # deleted by a chat admin, or too old to edit: post it again
            raise
        return message_id

    async def _probe_gone(self) -> None:
        """Ask about the gone groups and channels whose probe is due; one the bot is back in resumes."""
        for chat in self.gone.due_probes():
            if self._stop is not None and self._stop.is_set() or not await self.gone.probe(self.bot, chat):
                continue
            self.gone.back(chat)
            resumed = await self.store.reactivate_chat(chat)
            if self.on_chat_back is not None:
                self.on_chat_back(chat)
            log.info("chat reachable again: chat=%s subscriptions=%d", chat, resumed)

    async def _call(self, endpoint: str, chat: int | str, method: Callable[..., Awaitable[Any]], *args: Any,
                    **kwargs: Any) -> Any:
        """One Bot API request through the one limiter: the bot's (rate_limit_args), or ours around a plain Bot."""
        if self._bot_paced:
            return await method(*args, rate_limit_args=NO_RETRY, **kwargs)
        return await self.limiter.paced(chat, endpoint, lambda: method(*args, **kwargs), retry=False)

    async def _chat_gone(self, item: OutboxItem, chat: int | str, e: TelegramError) -> bool:
        reason = scrub(e.message, self._token)
        await self.store.deactivate_chat(chat, reason)
        if self.on_chat_gone is not None:
            self.on_chat_gone(chat)
        await self._record(Outcome(item, "dead", error=reason))
        self.gone.mark(chat, reason)
        self.flood.forget(chat)
        self.stats.deactivated += 1
        self.stats.dead += 1
        log.warning("chat deactivated: chat=%s reason=%s", chat, reason)
        return False

    async def _retry(self, item: OutboxItem, error: str, seconds: float) -> None:
        self.stats.retried += 1
        await self._record(
            Outcome(item, "retry", error=error, not_before=self.clock() + timedelta(seconds=seconds))
        )

    # -- recording outcomes, or keeping them while the store refuses

    async def _record(self, outcome: Outcome) -> bool:
        """Write the outcome (or have the ledger keep it); True if the item was delivered and recorded."""
        if not await self.ledger.record(outcome):
            return False
        self._sent(outcome)
        return outcome.kind == "sent"

    def _sent(self, outcome: Outcome) -> None:
        if outcome.kind == "sent":  # recorded: see whether the story outgrew the text (_follow_up)
            self._delivered.setdefault(outcome.item.story_id, []).append((outcome.chat, outcome.shown))

    async def _notify_admins(self) -> None:
        """Tell each admin once per episode, by a direct message (the outbox is the store: it cannot)."""
        for admin in list(self.admins() if self.admins is not None else ()):
            with language(await self.gate.language(admin) if self.gate is not None else "en"):
                text = trouble_notice(self.ledger.trouble)  # in the admin's chat language
            try:
                await self._call("sendMessage", admin, self.bot.send_message, admin, text[:4000])
            except TelegramError as e:  # an admin who never started the bot: the log line stands
                log.warning("could not tell admin %s about the database: %s", admin, scrub(str(e), self._token))


_OPTIONS: dict[str, Any] = {
    "parse_mode": ParseMode.HTML,
    "link_preview_options": LinkPreviewOptions(is_disabled=True),
}



