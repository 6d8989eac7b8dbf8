"""Telegram's flood limits, kept on our side so the bot never earns a 429 in normal operation.

Telegram (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
  - about 30 messages per second overall,
  - no more than one message per second to one chat,
  - no more than 20 messages per minute to one group (negative chat ids; channels are treated alike).

PTB's AIORateLimiter covers the first and third but not the second, and it throttles inside the HTTP
call where the sender cannot see how long a chat will wait; this scheduler answers "how long until this
chat may have another message" (`wait`) so the sender can leave a backlogged chat for the next round
instead of blocking every other chat behind it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    overall_per_second: int = 30
    private_interval: float = 1.0  # seconds between two messages to one private chat
    group_per_minute: int = 20
    # Counting completions (see FloodScheduler) already covers latency; this covers clock rounding.
    margin: float = 0.02

    @classmethod
    def unlimited(cls) -> Limits:
        """No pacing at all (tests that are not about flood limits)."""
        return cls(overall_per_second=0, private_interval=0.0, group_per_minute=0, margin=0.0)


# How soon to look again when every counted message is still in flight (its completion time unknown).
IN_FLIGHT_POLL = 0.01


def is_group(chat_id: int | str) -> bool:
    """Groups, supergroups and channels have negative ids or @usernames; private chats positive ids."""
    if isinstance(chat_id, str):
        return not chat_id.lstrip("-").isdigit() or chat_id.startswith("-")
    return chat_id < 0


class _Cell:
    """One message's time for the windows: when its request completed, +inf while it is in flight."""

    __slots__ = ("at",)

    def __init__(self) -> None:
        self.at = math.inf


class FloodScheduler:
    """Sliding windows (overall, per group) and a minimum spacing per private chat, on a monotonic clock.

    A message counts from when its request *completed* (and forever while in flight), not from when it
    was sent: Telegram counts arrivals, and an arrival lies between the two, so counting completions
    keeps us inside Telegram's window however long requests spend on the way.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.sleep = sleep
        self._overall: list[_Cell] = []
        self._groups: dict[int | str, list[_Cell]] = {}
        self._last_private: dict[int | str, _Cell] = {}
        self._paused: dict[int | str, float] = {}  # chat -> not before (after a 429)
        self._paused_all = 0.0

    def chat_wait(self, chat_id: int | str, now: float | None = None) -> float:
        """Seconds until `chat_id` may have another message, ignoring the overall limit."""
        now = self.clock() if now is None else now
        lim = self.limits
        wait = max(self._paused.get(chat_id, 0.0), self._paused_all) - now
        if is_group(chat_id):
            if lim.group_per_minute and chat_id in self._groups:
                window = self._groups[chat_id]
                wait = max(wait, _window_wait(window, lim.group_per_minute, 60.0 + lim.margin, now))
        elif lim.private_interval and chat_id in self._last_private:
            last = self._last_private[chat_id].at
            wait = max(wait, IN_FLIGHT_POLL if last == math.inf else last + lim.private_interval + lim.margin - now)
        return max(wait, 0.0)

    def overall_wait(self, now: float | None = None) -> float:
        now = self.clock() if now is None else now
        if not self.limits.overall_per_second:
            return 0.0
        return _window_wait(self._overall, self.limits.overall_per_second, 1.0 + self.limits.margin, now)

    def _record(self, chat_id: int | str) -> _Cell:
        cell = _Cell()
        if self.limits.overall_per_second:
            self._overall.append(cell)
        if is_group(chat_id):
            if self.limits.group_per_minute:
                self._groups.setdefault(chat_id, []).append(cell)
        elif self.limits.private_interval:
            self._last_private[chat_id] = cell
        return cell

    @asynccontextmanager
    async def slot(self, chat_id: int | str) -> AsyncIterator[None]:
        """Wait until a message to `chat_id` is within every limit; it counts until the block ends + window."""
        while True:
            now = self.clock()
            wait = max(self.chat_wait(chat_id, now), self.overall_wait(now))
            if wait <= 0:
                break
            await self.sleep(wait)
        cell = self._record(chat_id)  # no await since the check: nobody else took the slot
        try:
            yield
        finally:
            cell.at = self.clock()

    def pause(self, chat_id: int | str | None, seconds: float) -> None:
        """Telegram said "retry after": nothing more to that chat (None: to anybody) for `seconds`."""
        until = self.clock() + seconds
        if chat_id is None:
            self._paused_all = max(self._paused_all, until)
        else:
            self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), until)

    def forget(self, chat_id: int | str) -> None:
        """Drop a chat's history (a deactivated or migrated chat), so the maps do not grow forever."""
        self._groups.pop(chat_id, None)
        self._last_private.pop(chat_id, None)
        self._paused.pop(chat_id, None)


def _window_wait(window: list[_Cell], limit: int, period: float, now: float) -> float:
    """0 if fewer than `limit` messages count within `period` before now, else the seconds until one stops."""
    window[:] = [c for c in window if c.at > now - period]  # in-flight cells (inf) always stay
    if len(window) < limit:
        return 0.0
    finished = sorted(c.at for c in window if c.at != math.inf)
    if len(window) - len(finished) >= limit or not finished:
        return IN_FLIGHT_POLL  # the window is full of requests still on their way: look again shortly
    return finished[len(window) - limit] + period - now


def minimum_seconds(per_chat: dict[int | str, int], limits: Limits | None = None) -> float:
    """The least time the limits allow for sending per_chat[chat] messages to each chat (for the bench)."""
    lim = limits or Limits()
    total = sum(per_chat.values())
    best = (total - 1) // lim.overall_per_second if lim.overall_per_second and total else 0.0
    for chat, n in per_chat.items():
        if n <= 0:
            continue
        if is_group(chat):
            if lim.group_per_minute:
                best = max(best, (n - 1) // lim.group_per_minute * 60.0)
        elif lim.private_interval:
            best = max(best, (n - 1) * lim.private_interval)
    return float(best)
