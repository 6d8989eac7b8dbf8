"""The one limiter every Bot API request of the bot goes through: PTB's BaseRateLimiter over bot.ratelimit's
FloodScheduler (see bot/ratelimit.py for the limits and why not PTB's AIORateLimiter).

    process_request(endpoint, data)   a message to a chat (send*, edit*, copy*, forward*) waits for the
                                      chat's slot; any other request goes at once
      429 RetryAfter                  the chat is paused for retry_after; the request goes again after it
                                      (a reply arrives late rather than never), unless the caller passed
                                      rate_limit_args=NO_RETRY (the Sender: it records the retry in the
                                      outbox, which keeps the order of a chat's alerts across restarts)
    load(store) / save(store)         the scheduler's state in the store's key-value table, so pacing
                                      survives a restart (both backends; no schema change)
"""

from __future__ import annotations

import json
import logging
import math
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.ratelimit import FloodScheduler, Limits

if TYPE_CHECKING:
    from watchers.store import AsyncStore

log = logging.getLogger("quotewatch.ratelimit")
T = TypeVar("T")

# Methods that post or change a message in a chat: the ones Telegram's flood limits count.
PACED_PREFIXES = ("send", "edit", "copy", "forward")
UNPACED = frozenset({"sendChatAction"})
# A reply waits out 429s for at most this long in all; then its caller gets the RetryAfter (the error
# handler logs one line). Telegram's usual retry_after is seconds; an hour means the bot is flood-banned.
PATIENCE = 3600.0
# rate_limit_args of a caller that handles RetryAfter itself (the Sender records it in the outbox).
NO_RETRY: dict[str, Any] = {"retry": False}
PACING_KEY = "telegram.pacing"  # the store's key-value row that holds the exported state
SAVE_SECONDS = 1.0  # the state is written at most this often, and only when it changed


def retry_seconds(e: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the attribute will become a timedelta
        warnings.simplefilter("ignore")
        value = e.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def paced_chat(endpoint: str, data: dict[str, Any]) -> int | str | None:
    """The chat a request's message goes to, when Telegram's flood limits count it; else None."""
    chat = data.get("chat_id")
    if chat is None or endpoint in UNPACED or not endpoint.startswith(PACED_PREFIXES):
        return None
    if isinstance(chat, str) and chat.lstrip("-").isdigit():
        return int(chat)
    return chat if isinstance(chat, (int, str)) else None


class TelegramLimiter(BaseRateLimiter[dict[str, Any]]):
    """Every Bot API request of the Application through one FloodScheduler (ApplicationBuilder.rate_limiter).

    Messages wait for their chat's slot; other requests (getChatMember, answerCallbackQuery ...) go at
    once. A RetryAfter pauses the chat and, unless the caller passed NO_RETRY, the same request goes again
    when the pause is over, for up to `patience` seconds of pauses in all."""

    def __init__(self, scheduler: FloodScheduler | None = None, *, limits: Limits | None = None,
                 patience: float = PATIENCE) -> None:
        self.scheduler = scheduler or FloodScheduler(limits)
        self.patience = patience
        self.rate_limited = 0  # 429s Telegram answered
        self.retried = 0  # requests sent again after one
        self.loaded = False
        self._saved_changes = -1
        self._saved_at = -math.inf

    async def initialize(self) -> None:
        """Nothing to set up: the state is loaded from the store by `load` (the service calls it)."""

    async def shutdown(self) -> None:
        """Nothing to free; the Sender saves the state at its end."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, Any] | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        retry = bool((rate_limit_args or {}).get("retry", True))
        return await self.paced(paced_chat(endpoint, data), endpoint, lambda: callback(*args, **kwargs), retry)

    async def paced(self, chat: int | str | None, endpoint: str, call: Callable[[], Awaitable[T]],
                    retry: bool = True) -> T:
        """`call()` in `chat`'s slot (None: unpaced), sent again after a RetryAfter when `retry`."""
        waited = 0.0
        while True:
            try:
                if chat is None:
                    return await call()
                async with self.scheduler.slot(chat):
                    return await call()
            except RetryAfter as e:
                seconds = retry_seconds(e)
                self.rate_limited += 1
                if chat is not None:
                    self.scheduler.pause(chat, seconds)
                if not retry or waited + seconds > self.patience:
                    raise
                waited += seconds
                self.retried += 1
                log.warning("telegram rate limit: %s chat=%s retry_after=%.0f s; sending it again then",
                            endpoint, chat, seconds)
                if chat is None:
                    await self.scheduler.sleep(seconds)

    async def load(self, store: AsyncStore) -> None:
        """The pacing state the last run saved (once; a missing or unreadable one is no state)."""
        if self.loaded:
            return
        self.loaded = True
        try:
            raw = await store.kv_get(PACING_KEY)
            if raw:
                self.scheduler.restore(json.loads(raw))
        except Exception as e:  # noqa: BLE001 - a bad row must not stop the bot: it only costs a few 429s
            log.warning("could not read the saved Telegram pacing state: %r", e)
        self._saved_changes = self.scheduler.changes

    async def save(self, store: AsyncStore, *, force: bool = False) -> None:
        """Write the state when it changed, at most every SAVE_SECONDS (or now, with `force`)."""
        changes = self.scheduler.changes
        if changes == self._saved_changes:
            return
        now = time.monotonic()
        if not force and now - self._saved_at < SAVE_SECONDS:
            return
        self._saved_at = now
        try:
            await store.kv_set(PACING_KEY, json.dumps(self.scheduler.export()))
        except Exception as e:  # noqa: BLE001 - a full disk is the Sender's to report; pacing goes on
            log.debug("could not save the Telegram pacing state: %r", e)
            return
        self._saved_changes = changes
