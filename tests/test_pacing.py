"""One limiter for every request (issue #16 item 1): a flood of commands in a private chat and in a busy
group while alerts flow, against the fake Bot API enforcing Telegram's limits (scaled down in time) and
answering 429 with retry_after. Every command is answered, each chat's replies and alerts keep their order,
no 429 goes unhandled; the pacing state survives a restart; a retried alert is not overtaken.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from telegram import Bot as PtbBot
from telegram.ext import Application

from bot.app import SORRY, build_application
from bot.delivery import Sender
from bot.limiter import PACING_KEY, TelegramLimiter
from bot.ratelimit import FloodScheduler, Limits
from bot.render import render_alert
from tests.fake_telegram import TOKEN, FakeTelegram, FloodLimits
from tests.test_bot_commands import ADMIN, USER, RulesHolder
from tests.test_delivery import T0, seed_story
from watchers.store import AsyncStore, Store, StoreBackend

GROUP = -1001234567009
OTHER = 2001  # a second private chat that only gets alerts
# Telegram's limits, ten times faster (one message per 0.1 s per chat, 20 per 6 s per group: the group's
# window is what a flood of commands runs into).
SERVER = FloodLimits(overall_per_second=30, private_per_second=10.0, private_burst=1, group_per_minute=20,
                     group_window=6.0)
OURS = Limits(overall_per_second=30, private_interval=0.1, group_per_minute=20, group_window=6.0)
# Limits looser than the server's, so Telegram answers 429 and the limiter has to wait them out.
TOO_LOOSE = Limits(overall_per_second=30, private_interval=0.02, group_per_minute=40, group_window=6.0)


@dataclass
class Bot:
    fake: FakeTelegram
    app: Application  # type: ignore[type-arg]
    store: Store
    astore: AsyncStore
    sender: Sender


@asynccontextmanager
async def running(rules_path: Path, limits: Limits) -> AsyncIterator[Bot]:
    store = Store(":memory:")
    astore = AsyncStore(store)
    holder = RulesHolder(rules_path)
    async with FakeTelegram(max_poll_timeout=0.2, limits=SERVER, enforce_limits=True) as fake:
        app = build_application(TOKEN, fake.url, astore, holder, rules_path, holder.reload_now, started=0.0,
                                limits=limits)
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        sender = Sender(app.bot, astore, render_alert, poll_seconds=0.02)
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop))
        try:
            yield Bot(fake, app, store, astore, sender)
        finally:
            stop.set()
            await task
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            astore._pool.shutdown(wait=True)
            store.close()


@pytest.fixture
def rules_path(tmp_path: Path) -> Path:
    from tests.test_bot_commands import RULES

    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


QUOTE = re.compile(r"Levy statement number (\d+)\.")
ANSWER = re.compile(r"(?:I don't know /x|No watch called nosuch)(\d+)")


def numbers(texts: list[str], pattern: re.Pattern[str]) -> list[int]:
    return [int(m.group(1)) for t in texts if (m := pattern.search(t))]


async def flood(b: Bot, private: int, group: int, alerts: int) -> None:
    """`private` commands in one private chat, `group` in a busy group, `alerts` alerts to both (and to
    another chat), all at once; returns when everything arrived."""
    b.fake.chat(GROUP, "supergroup", "Quay Talk")
    for i in range(alerts):
        seed_story(b.store, f"s{i}", quotes=(f"Levy statement number {i}.",), published=T0 + timedelta(minutes=i))
    for i in range(max(private, group, alerts)):
        if i < private:
            b.fake.user_says(USER, f"/x{i}")
        if i < group:
            b.fake.user_says(GROUP, f"/subscribe nosuch{i}", user_id=ADMIN, chat_type="supergroup")
        if i < alerts:
            for chat in (USER, GROUP, OTHER):
                b.store.enqueue(chat, f"s{i}", "send")
        await asyncio.sleep(0)
    want = {USER: private + alerts, GROUP: group + alerts, OTHER: alerts}
    for _ in range(6000):  # a deadline, not a timing assertion
        if all(len(b.fake.messages(chat)) >= n for chat, n in want.items()):
            return
        await asyncio.sleep(0.01)
    got = {chat: len(b.fake.messages(chat)) for chat in want}
    raise AssertionError(f"not everything arrived: want {want}, got {got}")


@pytest.mark.parametrize("limits", [OURS, TOO_LOOSE], ids=["paced", "server-stricter"])
async def test_a_flood_of_commands_while_alerts_flow_is_answered_in_order(
    rules_path: Path, limits: Limits, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    async with running(rules_path, limits) as b:
        await flood(b, private=12, group=26, alerts=8)
        limiter = b.app.bot.rate_limiter
        assert isinstance(limiter, TelegramLimiter) and b.sender.limiter is limiter  # one limiter
        for chat, commands in ((USER, 12), (GROUP, 26)):
            texts = [m.text for m in b.fake.messages(chat)]
            assert numbers(texts, ANSWER) == list(range(commands)), chat  # every command, in order
            assert numbers(texts, QUOTE) == list(range(8)), chat  # alerts in order
            assert SORRY not in texts
        assert numbers([m.text for m in b.fake.messages(OTHER)], QUOTE) == list(range(8))
        # every 429 the server gave reached the limiter and was waited out or recorded for a retry
        assert b.fake.rate_limited == limiter.rate_limited
        assert b.sender.stats.rate_limited + limiter.retried == limiter.rate_limited
        if limits is OURS:
            assert b.fake.rate_limited == 0  # paced within the limits: no 429 at all
        else:
            assert b.fake.rate_limited > 0 and limiter.retried > 0  # replies were retried, not dropped
        assert "Traceback" not in caplog.text and "handler failed" not in caplog.text
        print(f"\nflood[{'paced' if limits is OURS else 'server-stricter'}]: commands sent 38, answered "
              f"{len(numbers([m.text for c in (USER, GROUP) for m in b.fake.messages(c)], ANSWER))}; "
              f"429s from the fake {b.fake.rate_limited}, replies sent again {limiter.retried}, "
              f"alerts retried {b.sender.stats.rate_limited}")


# ---------------------------------------------------------------------------------------------------
# Across a restart


class Clocks:
    def __init__(self, mono: float, wall: float) -> None:
        self.mono, self.wall = mono, wall

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += seconds

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # let the other tasks run, as a real sleep would
        self.advance(seconds)


async def test_pacing_state_survives_a_restart(store: StoreBackend) -> None:
    astore = AsyncStore(store)
    try:
        c = Clocks(mono=100.0, wall=1_700_000_000.0)
        first = TelegramLimiter(FloodScheduler(Limits(margin=0.0), clock=lambda: c.mono, sleep=c.sleep,
                                               wall=lambda: c.wall))
        for _ in range(20):  # a group's whole minute used
            async with first.scheduler.slot(-5):
                pass
        async with first.scheduler.slot(7):
            pass
        first.scheduler.pause(9, 30.0)  # Telegram said retry after 30 s
        await first.save(astore, force=True)
        assert json.loads(await astore.kv_get(PACING_KEY) or "{}")["chats"]
        # The process restarts 5 s later: a new monotonic clock, the same wall clock.
        c2 = Clocks(mono=3.0, wall=c.wall + 5.0)
        second = TelegramLimiter(FloodScheduler(Limits(margin=0.0), clock=lambda: c2.mono, sleep=c2.sleep,
                                                wall=lambda: c2.wall))
        await second.load(astore)
        assert second.scheduler.chat_wait(-5) == pytest.approx(60.0 - 5.0)  # the window goes on
        assert second.scheduler.chat_wait(9) == pytest.approx(25.0)  # the pause too
        assert second.scheduler.chat_wait(7) == 0.0  # a second has passed since its message
        assert second.scheduler.chat_wait(8) == 0.0
    finally:
        astore._pool.shutdown(wait=True)


async def test_an_unreadable_pacing_row_is_no_state(store: StoreBackend) -> None:
    astore = AsyncStore(store)
    try:
        await astore.kv_set(PACING_KEY, "{not json")
        limiter = TelegramLimiter()
        await limiter.load(astore)
        assert limiter.scheduler.chat_wait(-5) == 0.0
    finally:
        astore._pool.shutdown(wait=True)


def test_a_retried_alert_is_not_overtaken_by_the_next_ones(store: StoreBackend) -> None:
    for n in range(4):
        seed_story(store, f"s{n}")  # type: ignore[arg-type]
    first = store.enqueue(-5, "s0", "send")
    store.enqueue(-5, "s1", "send")
    store.enqueue(-5, "s2", "send")
    store.enqueue(6, "s3", "send")
    store.mark_retry(first, "rate limited by Telegram for 20 s", T0 + timedelta(seconds=20))
    # Only the other chat's item is due: s1 and s2 wait behind s0, after a restart too (it is the store).
    assert [i.story_id for i in store.due_outbox(T0)] == ["s3"]
    assert [i.story_id for i in store.due_outbox(T0 + timedelta(seconds=21))] == ["s0", "s1", "s2", "s3"]


async def test_replies_to_one_chat_wait_their_turn_in_order() -> None:
    c = Clocks(mono=0.0, wall=0.0)
    flood = FloodScheduler(Limits(margin=0.0), clock=lambda: c.mono, sleep=c.sleep, wall=lambda: c.wall)
    order: list[int] = []

    async def send(n: int) -> None:
        async with flood.slot(5):
            order.append(n)

    tasks = [asyncio.create_task(send(n)) for n in range(5)]
    await asyncio.sleep(0)
    assert flood.waiting(5) >= 1  # the Sender sees replies waiting and leaves the chat to them
    await asyncio.gather(*tasks)
    assert order == list(range(5)) and flood.waiting(5) == 0
    assert c.mono == pytest.approx(4.0)  # one a second


async def test_the_sender_leaves_a_chat_to_the_replies_waiting_there(fake: FakeTelegram, bot: PtbBot) -> None:
    store = Store(":memory:")
    astore = AsyncStore(store)
    try:
        sender = Sender(bot, astore, render_alert, limits=Limits(private_interval=0.2))
        for chat in (5, 6):
            seed_story(store, f"s{chat}")
            store.enqueue(chat, f"s{chat}", "send")
        release = asyncio.Event()

        async def reply_in_flight() -> None:
            async with sender.flood.slot(5):
                await release.wait()

        async def reply_waiting() -> None:
            async with sender.flood.slot(5):
                pass

        holding = asyncio.create_task(reply_in_flight())
        await asyncio.sleep(0)
        waiting = asyncio.create_task(reply_waiting())
        await asyncio.sleep(0)
        assert sender.flood.waiting(5) == 1
        await sender.drain_once()
        assert fake.messages(5) == [] and len(fake.messages(6)) == 1  # chat 5 left for later, in order
        release.set()
        await asyncio.gather(holding, waiting)
        await asyncio.sleep(0.25)
        await sender.drain_once()
        assert len(fake.messages(5)) == 1
    finally:
        astore._pool.shutdown(wait=True)
        store.close()


async def test_the_sender_saves_the_pacing_state_when_it_stops(fake: FakeTelegram, bot: PtbBot) -> None:
    store = Store(":memory:")
    astore = AsyncStore(store)
    try:
        sender = Sender(bot, astore, render_alert, poll_seconds=0.01)
        seed_story(store, "s1")
        store.enqueue(-77, "s1", "send")
        stop = asyncio.Event()
        task = asyncio.create_task(sender.run(stop))
        for _ in range(300):
            if fake.messages(-77):
                break
            await asyncio.sleep(0.01)
        stop.set()
        await task
        saved = json.loads(store.kv_get(PACING_KEY) or "{}")
        assert [chat for chat, _ in saved["chats"]] == [-77]
        restarted = TelegramLimiter()
        await restarted.load(astore)
        assert restarted.scheduler.chat_wait(-77) == 0.0  # one message of 20 a minute: room left
        assert len(restarted.scheduler.export()["chats"]) == 1  # but it still counts
    finally:
        astore._pool.shutdown(wait=True)
        store.close()


async def test_a_slot_inside_a_slot_of_the_same_chat_is_the_same_message(fake: FakeTelegram) -> None:
    # A caller that paces itself around the Application's bot (whose limiter paces the request too) must
    # not wait on its own slot; another chat's slot inside it is a message of its own.
    limiter = TelegramLimiter(limits=Limits(private_interval=30.0))
    from telegram.ext import ExtBot

    async with ExtBot(TOKEN, base_url=fake.base_url, rate_limiter=limiter) as bot:
        async def send_twice() -> None:
            async with limiter.scheduler.slot(41):
                await bot.send_message(41, "Quay plan holds.")
            async with limiter.scheduler.slot(42):
                await bot.send_message(42, "Quay plan holds.")

        await asyncio.wait_for(send_twice(), 10)  # a deadline, not a timing assertion
    assert len(fake.messages(41)) == len(fake.messages(42)) == 1
    assert limiter.scheduler.chat_wait(41) > 25.0  # counted once, and it counts
