"""Telegram's flood limits, kept on our side: one limiter for every request the bot makes.

Telegram (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this):
  - about 30 messages per second overall,
  - no more than one message per second to one chat,
  - no more than 20 messages per minute to one group (negative chat ids; channels are treated alike).

    FloodScheduler   the windows and spacings on a monotonic clock; `slot(chat)` waits for a chat's turn
                     (first come, first served per chat), `chat_wait(chat)` says how long that would be,
                     `pause(chat, s)` honours a 429's retry_after; `export` / `restore` carry the state
                     across a restart (wall-clock times), so a restart does not begin with a 429 burst
    share(workers)   the fleet's part (bot/fleet.py FleetShare): with W live workers on one database each
                     process keeps overall_per_second // W a second, so the bot as a whole stays within
                     Telegram's 30/s; per chat and per group the outbox claims keep one sender per chat
                     for the chat's window (watchers.store.postgres.workers)
    TelegramLimiter  (bot/limiter.py) PTB's BaseRateLimiter over one FloodScheduler: the Application's bot sends every
                     request through it (replies, buttons, admin notices and the Sender's alerts alike).
                     A message to a chat waits for its slot; a RetryAfter pauses that chat and the request
                     goes again after retry_after ("late rather than never"), except for callers that pass
                     `rate_limit_args=NO_RETRY` (the Sender: it records the retry in the outbox, where the
                     order of a chat's alerts is kept across restarts)

Why not PTB's AIORateLimiter: it has no one-per-second spacing for private chats, a RetryAfter in one chat
halts every request to every chat, it retries nothing unless told (max_retries=0 drops the reply), it keeps
no state across a restart, and it cannot say how long a chat would wait, which the Sender needs to leave a
busy group for a later round instead of holding up the other chats behind it.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Limits:
    overall_per_second: int = 30
    # Seconds between two messages to one private chat. Groups and channels are held to their 20-a-minute
    # window alone: Telegram lets a group have a burst within it (spacing them too made a 500-alert burst
    # to 50 chats 30% slower in bench_burst, with no 429 saved).
    private_interval: float = 1.0
    group_per_minute: int = 20
    # Counting completions (see FloodScheduler) already covers latency; this covers clock rounding.
    margin: float = 0.02
    group_window: float = 60.0  # the period of group_per_minute (tests scale it down)

    @classmethod
    def unlimited(cls) -> Limits:
        """No pacing at all (tests that are not about flood limits)."""
        return cls(overall_per_second=0, private_interval=0.0, group_per_minute=0, margin=0.0)


# How soon to look again when every counted message is still in flight (its completion time unknown).
IN_FLIGHT_POLL = 0.01
# The slots the current task holds (scheduler, chat): a nested slot for the same chat is the same message.
_HELD: ContextVar[frozenset[tuple[int, int | str]]] = ContextVar("quotewatch_slots_held", default=frozenset())
def is_group(chat_id: int | str) -> bool:
    """Groups, supergroups and channels have negative ids or @usernames; private chats positive ids."""
    if isinstance(chat_id, str):
        return not chat_id.lstrip("-").isdigit() or chat_id.startswith("-")
    return chat_id < 0


class _Cell:
    """One message's time for the windows: when its request completed, +inf while it is in flight."""

    __slots__ = ("at",)

    def __init__(self, at: float = math.inf) -> None:
        self.at = at


class FloodScheduler:
    """Sliding windows (overall, per group) and a minimum spacing per chat, on a monotonic clock.

    A message counts from when its request *completed* (and forever while in flight), not from when it
    was sent: Telegram counts arrivals, and an arrival lies between the two, so counting completions
    keeps us inside Telegram's window however long requests spend on the way. Waiters for one chat get
    their slots in the order they asked (a lock per chat), so a chat's replies keep their order.
    """

    def __init__(
        self,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.limits = limits or Limits()
        self.clock = clock
        self.sleep = sleep
        self.wall = wall
        self._overall: list[_Cell] = []
        self._groups: dict[int | str, list[_Cell]] = {}
        self._last: dict[int | str, _Cell] = {}
        self._paused: dict[int | str, float] = {}  # chat -> not before (after a 429)
        self._paused_all = 0.0
        self._locks: dict[int | str, asyncio.Lock] = {}
        self._waiting: dict[int | str, int] = {}
        self.changes = 0  # bumped whenever the state worth saving changed
        # The fleet's share (bot.fleet.FleetShare): this process may use overall_per_second // workers of
        # the per-bot limit, and nothing before `joining_until` (the others have not counted it yet).
        self.workers = 1
        self.joining_until = -math.inf

    def overall_limit(self) -> int:
        """This process's part of the per-bot limit: limit // live workers, at least one a second."""
        total = self.limits.overall_per_second
        return max(1, total // max(1, self.workers)) if total else 0

    def share(self, workers: int, joining: float = 0.0) -> None:
        """`workers` processes share the bot (from the workers table); `joining`: hold for that long first."""
        self.workers = max(1, workers)
        if joining > 0:
            self.joining_until = max(self.joining_until, self.clock() + joining)

    def chat_wait(self, chat_id: int | str, now: float | None = None) -> float:
        """Seconds until `chat_id` may have another message, ignoring the overall limit."""
        now = self.clock() if now is None else now
        lim = self.limits
        wait = max(self._paused.get(chat_id, 0.0), self._paused_all) - now
        if is_group(chat_id) and lim.group_per_minute and chat_id in self._groups:
            window = self._groups[chat_id]
            wait = max(wait, _window_wait(window, lim.group_per_minute, lim.group_window + lim.margin, now))
        elif lim.private_interval and chat_id in self._last:
            last = self._last[chat_id].at
            wait = max(wait, IN_FLIGHT_POLL if last == math.inf else last + lim.private_interval + lim.margin - now)
        return max(wait, 0.0)

    def waiting(self, chat_id: int | str) -> int:
        """How many requests are waiting for a slot in this chat (replies the Sender lets go first)."""
        return self._waiting.get(chat_id, 0)

    def overall_wait(self, now: float | None = None) -> float:
        now = self.clock() if now is None else now
        if not self.limits.overall_per_second:
            return 0.0
        hold = self.joining_until - now
        return max(hold, _window_wait(self._overall, self.overall_limit(), 1.0 + self.limits.margin, now))

    def _record(self, chat_id: int | str) -> _Cell:
        cell = _Cell()
        if self.limits.overall_per_second:
            self._overall.append(cell)
        if is_group(chat_id):
            if self.limits.group_per_minute:
                self._groups.setdefault(chat_id, []).append(cell)
        elif self.limits.private_interval:
            self._last[chat_id] = cell
        return cell

    @asynccontextmanager
    async def slot(self, chat_id: int | str) -> AsyncIterator[None]:
        """Wait until a message to `chat_id` is within every limit; it counts until the block ends + window.

        Re-entrant: inside a slot for `chat_id`, a request that asks for one again (a caller pacing itself
        around a bot whose limiter paces the same request) is the message the slot was taken for; waiting
        for it would wait on itself."""
        key = (id(self), chat_id)
        held = _HELD.get()
        if key in held:
            yield
            return
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
        try:
            async with lock:
                while True:
                    now = self.clock()
                    wait = max(self.chat_wait(chat_id, now), self.overall_wait(now))
                    if wait <= 0:
                        break
                    await self.sleep(wait)
                cell = self._record(chat_id)  # no await since the check: nobody else took the slot
        finally:
            left = self._waiting[chat_id] - 1
            if left:
                self._waiting[chat_id] = left
            else:  # nobody else waits: drop the lock, so the maps do not grow with every chat ever seen
                del self._waiting[chat_id]
                self._locks.pop(chat_id, None)
        token = _HELD.set(held | {key})
        try:
            yield
        finally:
            _HELD.reset(token)
            cell.at = self.clock()
            self.changes += 1

    def pause(self, chat_id: int | str | None, seconds: float) -> None:
        """Telegram said "retry after": nothing more to that chat (None: to anybody) for `seconds`."""
        until = self.clock() + seconds
        if chat_id is None:
            self._paused_all = max(self._paused_all, until)
        else:
            self._paused[chat_id] = max(self._paused.get(chat_id, 0.0), until)
        self.changes += 1

    def forget(self, chat_id: int | str) -> None:
        """Drop a chat's history (a deactivated or migrated chat), so the maps do not grow forever."""
        self._groups.pop(chat_id, None)
        self._last.pop(chat_id, None)
        self._paused.pop(chat_id, None)

    # -- across a restart: what still counts, in wall-clock seconds

    def export(self) -> dict[str, Any]:
        """The state that still limits a chat, as JSON-able wall-clock times (for `restore` after a restart)."""
        now, wall = self.clock(), self.wall()
        keep = self.limits.group_window + self.limits.margin
        chats: dict[int | str, list[float]] = {}
        for chat, window in self._groups.items():
            chats[chat] = [c.at for c in window if now - keep < c.at < math.inf]
        for chat, cell in self._last.items():
            if now - self.limits.private_interval - self.limits.margin < cell.at < math.inf:
                chats.setdefault(chat, []).append(cell.at)
        paused = {chat: until for chat, until in self._paused.items() if until > now}
        return {
            "chats": [[chat, sorted(round(wall + t - now, 3) for t in times)] for chat, times in chats.items() if times],
            "paused": [[chat, round(wall + until - now, 3)] for chat, until in paused.items()],
            "paused_all": round(wall + self._paused_all - now, 3) if self._paused_all > now else None,
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Take back what `export` wrote before a restart: recent messages count, pauses still hold."""
        now, wall = self.clock(), self.wall()
        for chat, times in state.get("chats", []):
            cells = [_Cell(now + float(t) - wall) for t in sorted(times)]
            if not cells:
                continue
            if is_group(chat):
                if self.limits.group_per_minute:
                    self._groups.setdefault(chat, []).extend(cells)
            elif self.limits.private_interval:
                last = self._last.get(chat)
                if last is None or last.at < cells[-1].at:
                    self._last[chat] = cells[-1]
        for chat, until in state.get("paused", []):
            self._paused[chat] = max(self._paused.get(chat, 0.0), now + float(until) - wall)
        if state.get("paused_all"):
            self._paused_all = max(self._paused_all, now + float(state["paused_all"]) - wall)


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
                best = max(best, (n - 1) // lim.group_per_minute * lim.group_window)
        elif lim.private_interval:
            best = max(best, (n - 1) * lim.private_interval)
    return float(best)
