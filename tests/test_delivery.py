"""The outbox sender against the fake Bot API server and a real (in-memory) store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram import Bot

from bot.delivery import Sender, backoff, scrub
from bot.ratelimit import FloodScheduler, Limits, is_group, minimum_seconds
from bot.render import render_alert
from tests.fake_telegram import TOKEN, FakeTelegram, FloodLimits
from watchers.model import Article, Statement
from watchers.store import AsyncStore, Store

T0 = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------------------------------
# Stories in a real store (shared with test_bot_commands)


def seed_story(store: Store, story_id: str, *, speaker_id: str = "kovalenko", speaker: str = "Marta Kovalenko",
               quotes: tuple[str, ...] = ("We will not tax the harvest twice.",),
               outlets: tuple[str, ...] = ("The Harbour Ledger",), topics: tuple[str, ...] = ("grain",),
               published: datetime = T0) -> None:
    """A story with one article per outlet; every article carries the quotes."""
    store.create_story(story_id, speaker_id, speaker, published)
    store.add_story_topics(story_id, topics)
    for i, outlet in enumerate(outlets):
        add_source(store, story_id, outlet, i, quotes=quotes if i == 0 else (), speaker_id=speaker_id,
                   speaker=speaker, published=published + timedelta(minutes=i))


def add_source(store: Store, story_id: str, outlet: str, n: int, *, quotes: tuple[str, ...] = (),
               speaker_id: str = "kovalenko", speaker: str = "Marta Kovalenko",
               published: datetime = T0) -> None:
    slug = outlet.lower().replace(" ", "-")
    article = Article(
        id=f"{story_id}-{slug}-{n}", url=f"https://{slug}.example/{story_id}/{n}",
        title=f"{speaker} on the harvest levy ({outlet})", text=" ".join(quotes), feed=slug, outlet=outlet,
        published=published,
    )
    store.add_article(article, None, norm_title=article.title.lower(), seen_at=published)
    store.add_source(story_id, article.id, published)
    statements = [
        (Statement(q, 0, len(q), "direct", speaker, speaker_id), story_id, False) for q in quotes
    ]
    store.add_statements(article.id, published, statements)


# ---------------------------------------------------------------------------------------------------
# Fixtures


@dataclass
class Clock:
    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s


@pytest.fixture
async def astore(store: Store) -> AsyncIterator[AsyncStore]:
    a = AsyncStore(store)
    yield a
    a._pool.shutdown(wait=True)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sender(bot: Bot, astore: AsyncStore, clock: Clock) -> Sender:
    return Sender(bot, astore, render_alert, limits=Limits.unlimited(), clock=clock)


# ---------------------------------------------------------------------------------------------------
# Sending and editing


async def test_send_posts_html_without_preview_and_records_the_message(
    fake: FakeTelegram, store: Store, sender: Sender
) -> None:
    seed_story(store, "s1")
    store.enqueue(501, "s1", "send")
    assert await sender.drain_once() == 1
    [message] = fake.messages(501)
    assert "We will not tax the harvest twice." in message.text
    call = fake.sent()[0]
    assert call.params["parse_mode"] == "HTML" and call.params["link_preview_options"] == {"is_disabled": True}
    assert store.delivery(501, "s1") == message.message_id
    assert store.outbox_depth() == 0


async def test_edit_updates_the_same_message(fake: FakeTelegram, store: Store, sender: Sender) -> None:
    seed_story(store, "s1")
    store.enqueue(501, "s1", "send")
    await sender.drain_once()
    add_source(store, "s1", "Northport Courier", 9)
    store.enqueue(501, "s1", "edit")
    await sender.drain_once()
    [message] = fake.messages(501)
    assert message.edits == 1 and "Northport Courier" in message.text
    assert len(fake.sent()) == 1


async def test_edit_without_an_earlier_message_sends(fake: FakeTelegram, store: Store, sender: Sender) -> None:
    seed_story(store, "s1")
    store.enqueue(501, "s1", "edit")
    await sender.drain_once()
    assert len(fake.messages(501)) == 1 and store.delivery(501, "s1") is not None


async def test_not_modified_is_success(fake: FakeTelegram, store: Store, sender: Sender) -> None:
    seed_story(store, "s1")
    store.enqueue(501, "s1", "send")
    await sender.drain_once()
    store.enqueue(501, "s1", "edit")  # nothing changed in the story
    await sender.drain_once()
    assert store.outbox_depth() == 0 and store.dead_outbox() == []
    assert fake.calls_to("editMessageText")[0].status == 400


async def test_edit_of_a_deleted_message_posts_it_again(fake: FakeTelegram, store: Store, sender: Sender) -> None:
    seed_story(store, "s1")
    store.enqueue(501, "s1", "send")
    await sender.drain_once()
    fake.chat(501).messages.clear()  # an admin deleted the alert
    add_source(store, "s1", "Northport Courier", 9)
    store.enqueue(501, "s1", "edit")
    await sender.drain_once()
    [message] = fake.messages(501)
    assert "Northport Courier" in message.text and store.delivery(501, "s1") == message.message_id


async def test_missing_story_is_given_up(store: Store, sender: Sender) -> None:
    store.enqueue(501, "nope", "send")
    await sender.drain_once()
    assert [error for _, error in store.dead_outbox()] == ["story no longer in the store"]


class SlowBot:
    """The real Bot, except that while a send is in flight `during` runs once (the pipeline at work)."""

    def __init__(self, bot: Bot, during: Callable[[], None]) -> None:
        self._bot = bot
        self._during: Callable[[], None] | None = during

    def __getattr__(self, name: str) -> Any:
        return getattr(self._bot, name)

    async def send_message(self, *args: Any, **kwargs: Any) -> Any:
        if self._during is not None:
            during, self._during = self._during, None
            await asyncio.sleep(0)
            during()
        return await self._bot.send_message(*args, **kwargs)


async def test_source_added_while_the_send_is_in_flight_is_edited_in(
    fake: FakeTelegram, store: Store, bot: Bot, astore: AsyncStore, clock: Clock
) -> None:
    seed_story(store, "s1")
    store.enqueue(501, "s1", "send")

    def pipeline_adds_a_source() -> None:
        # What the pipeline does for a rewrite: add the source, queue an edit (merged into the pending send).
        add_source(store, "s1", "Northport Courier", 9)
        store.enqueue(501, "s1", "edit" if store.delivery(501, "s1") is not None else "send")

    slow = SlowBot(bot, pipeline_adds_a_source)
    sender = Sender(slow, astore, render_alert, limits=Limits.unlimited(), clock=clock)  # type: ignore[arg-type]
    await sender.drain_once()
    [message] = fake.messages(501)
    assert "Northport Courier" not in message.text  # rendered before the source arrived
    assert [item.action for item in store.due_outbox(clock.now)] == ["edit"]
    await sender.drain_once()
    [message] = fake.messages(501)
    assert "Northport Courier" in message.text and message.edits == 1
    assert store.outbox_depth() == 0


async def test_no_follow_up_edit_when_the_story_did_not_change(
    fake: FakeTelegram, store: Store, sender: Sender
) -> None:
    seed_story(store, "s1")
    store.enqueue(501, "s1", "send")
    await sender.drain_once()
    assert store.outbox_depth() == 0 and fake.calls_to("editMessageText") == []


async def test_story_to_many_chats_is_read_once_per_round(
    fake: FakeTelegram, store: Store, sender: Sender, astore: AsyncStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_story(store, "s1")
    chats = [1001 + i for i in range(6)]
    for chat in chats:
        store.enqueue(chat, "s1", "send")
    reads: list[str] = []
    real = astore.get_story

    async def counting(story_id: str) -> Any:
        reads.append(story_id)
        return await real(story_id)

    monkeypatch.setattr(astore, "get_story", counting)
    assert await sender.drain_once() == len(chats)
    assert all(len(fake.messages(chat)) == 1 for chat in chats)
    # once to render it, once after the round to see whether it gained sources meanwhile
    assert reads == ["s1", "s1"]


async def test_deactivated_chat_is_reported_to_the_callback(
    fake: FakeTelegram, store: Store, bot: Bot, astore: AsyncStore, clock: Clock
) -> None:
    gone: list[int | str] = []
    sender = Sender(bot, astore, render_alert, limits=Limits.unlimited(), clock=clock, on_chat_gone=gone.append)
    fake.block(601)
    seed_story(store, "s1")
    store.enqueue(601, "s1", "send")
    await sender.drain_once()
    assert gone == [601]


# ---------------------------------------------------------------------------------------------------
# Chats that went away or moved


@pytest.mark.parametrize("fault", ["block", "kick", "forget"])
async def test_gone_chat_is_deactivated_and_its_items_dead(
    fault: str, fake: FakeTelegram, store: Store, sender: Sender
) -> None:
    chat = 601 if fault == "block" else -601
    getattr(fake, fault)(chat)
    store.subscribe(chat, "grain")
    store.subscribe(700, "grain")
    for i in range(3):
        seed_story(store, f"s{i}")
        store.enqueue(chat, f"s{i}", "send")
    seed_story(store, "other")
    store.enqueue(700, "other", "send")
    await sender.drain_once()
    assert store.subscribers("grain") == [700]
    assert len(store.dead_outbox()) == 3 and store.outbox_depth() == 0
    assert len([c for c in fake.calls_to("sendMessage") if c.params["chat_id"] == chat]) == 1
    assert len(fake.messages(700)) == 1  # other chats are not affected


async def test_migrated_group_is_followed(fake: FakeTelegram, store: Store, sender: Sender) -> None:
    fake.migrate(-42, -100042)
    store.subscribe(-42, "grain")
    seed_story(store, "s1")
    store.enqueue(-42, "s1", "send")
    await sender.drain_once()
    [message] = fake.messages(-100042)
    assert store.subscribers("grain") == [-100042]
    assert store.delivery(-100042, "s1") == message.message_id
    assert sender.stats.migrated == 1


# ---------------------------------------------------------------------------------------------------
# Telegram down, rate limits, the token


@pytest.mark.parametrize("mode", ["503", "drop"])
async def test_telegram_down_then_back_loses_nothing(
    mode: str, fake: FakeTelegram, store: Store, sender: Sender, clock: Clock
) -> None:
    for i in range(4):
        seed_story(store, f"s{i}")
        store.enqueue(800 + i, f"s{i}", "send")
    fake.set_down(mode)  # type: ignore[arg-type]
    await sender.drain_once()
    await sender.drain_once()  # nothing is due yet: backoff
    assert store.outbox_depth() == 4 and fake.sent() == []
    clock.advance(backoff(0) + 1)
    await sender.drain_once()  # still down: the delay grows
    clock.advance(backoff(0) + 1)
    assert await sender.drain_once() == 0
    fake.set_down(None)
    clock.advance(backoff(1) + 1)
    await sender.drain_once()
    assert store.outbox_depth() == 0
    assert sorted(c.params["chat_id"] for c in fake.sent()) == [800, 801, 802, 803]


async def test_retry_after_is_honoured(fake: FakeTelegram, store: Store, sender: Sender, clock: Clock) -> None:
    fake.flood.limits = FloodLimits(private_burst=1)
    fake.enforce_limits = True
    for i in range(2):
        seed_story(store, f"s{i}")
        store.enqueue(900, f"s{i}", "send")
    await sender.drain_once()
    assert len(fake.messages(900)) == 1 and sender.stats.rate_limited == 1
    assert store.due_outbox(clock.now) == []  # the second waits for retry_after
    assert len(store.due_outbox(clock.now + timedelta(seconds=2))) == 1
    assert sender.flood.chat_wait(900) > 0


async def test_token_never_reaches_logs_or_the_store(
    fake: FakeTelegram, store: Store, sender: Sender, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seed_story(store, "s1")
    store.enqueue(5, "s1", "send")
    fake.set_down("drop")
    await sender.drain_once()
    [row] = store._all("SELECT error FROM outbox")
    assert row[0] and TOKEN not in row[0]
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text


def test_scrub_removes_the_token_and_its_secret() -> None:
    text = f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed; secret {TOKEN.split(':')[1]}"
    assert TOKEN.split(":")[1] not in scrub(text, TOKEN)
    assert scrub("nothing here", TOKEN) == "nothing here"


async def test_run_delivers_until_stopped(fake: FakeTelegram, store: Store, bot: Bot, astore: AsyncStore) -> None:
    sender = Sender(bot, astore, render_alert, limits=Limits.unlimited(), poll_seconds=0.02)
    stop = asyncio.Event()
    task = asyncio.create_task(sender.run(stop))
    seed_story(store, "s1")
    store.enqueue(77, "s1", "send")
    for _ in range(200):
        if fake.messages(77):
            break
        await asyncio.sleep(0.01)
    stop.set()
    await asyncio.wait_for(task, 2)
    assert len(fake.messages(77)) == 1


async def test_sender_pacing_avoids_429_and_leaves_a_busy_group_for_later(
    store: Store, astore: AsyncStore, clock: Clock
) -> None:
    # Scaled-down limits on both sides, so the test takes a fraction of a second.
    server_limits = FloodLimits(overall_per_second=30, private_per_second=20, private_burst=1, group_per_minute=4)
    ours = Limits(overall_per_second=30, private_interval=0.05, group_per_minute=4, margin=0.02)
    async with FakeTelegram(limits=server_limits, enforce_limits=True) as fake, Bot(
        TOKEN, base_url=fake.base_url
    ) as bot:
        sender = Sender(bot, astore, render_alert, limits=ours, clock=clock)
        for i in range(6):
            seed_story(store, f"s{i}")
            store.enqueue(11, f"s{i}", "send")
            store.enqueue(-22, f"s{i}", "send")
        await sender.drain_once()
        assert fake.rate_limited == 0
        assert len(fake.messages(11)) == 6
        assert len(fake.messages(-22)) == 4  # 20/min scaled to 4/min: the rest waits, in order
        assert [i.story_id for i in store.due_outbox(clock.now)] == ["s4", "s5"]


# ---------------------------------------------------------------------------------------------------
# The flood scheduler on a fake clock


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds


async def slot(flood: FloodScheduler, chat: int) -> None:
    async with flood.slot(chat):
        pass


async def test_scheduler_spaces_private_chats_and_windows_groups() -> None:
    c = FakeClock()
    flood = FloodScheduler(Limits(margin=0.0), clock=c, sleep=c.sleep)
    start = c.t
    for _ in range(3):
        await slot(flood, 5)
    assert c.t - start == pytest.approx(2.0)  # 1/s per private chat
    start = c.t
    for _ in range(21):
        await slot(flood, -5)
    assert c.t - start == pytest.approx(60.0)  # the 21st group message waits for the minute window
    start = c.t
    for chat in range(100, 161):
        await slot(flood, chat)
    assert c.t - start == pytest.approx(2.0)  # 61 chats at 30/s overall


def test_groups_and_minimum_time() -> None:
    assert is_group(-5) and is_group("@channel") and is_group("-100") and not is_group(5) and not is_group("7")
    assert minimum_seconds({1: 10, 2: 10}) == 9.0
    assert minimum_seconds({i: 10 for i in range(1, 51)}) == 16.0  # 500 messages at 30/s
    assert minimum_seconds({-1: 21}) == 60.0
