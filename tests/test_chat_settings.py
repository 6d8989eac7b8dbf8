"""Per-chat settings end to end (issue #16 item 4): /settings and its buttons, silent alerts, /pause and
/resume, quiet hours with urgent speakers, hourly and daily digests, only the chat's administrators may
change them. A real PTB Application long-polls the fake Bot API (tests/test_bot_commands.py's harness);
the sender runs with a FAKE CLOCK, so nothing sleeps and nothing depends on the time of day."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.delivery import Sender
from bot.digest_gate import DigestGate
from bot.ratelimit import Limits
from bot.render import TELEGRAM_MAX_TEXT, render_alert
from bot.settings_book import SETTINGS_KEY, SettingsBook
from tests import test_bot_commands as harness
from tests.test_bot_commands import ADMIN, RULES, USER, Harness
from tests.test_delivery import add_source, seed_story

h, rules_path, store = harness.h, harness.rules_path, harness.store

GROUP = -1001234567010
T0 = datetime(2024, 6, 3, 10, 0, tzinfo=UTC)


class Clock:
    """The sender's clock, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, hour: int, minute: int = 0, days: int = 0) -> None:
        self.now = T0.replace(hour=hour, minute=minute) + timedelta(days=days)


def sender(h: Harness, clock: Clock) -> Sender:
    book = h.app.bot_data[SETTINGS_KEY]
    assert isinstance(book, SettingsBook)
    return Sender(h.app.bot, h.astore, render_alert, limits=Limits.unlimited(), clock=clock,
                  gate=DigestGate(h.astore, book))


def alerts(h: Harness, chat: int) -> list[Any]:
    """sendMessage calls to `chat` that carried an alert or a digest (not command replies)."""
    return [c for c in h.fake.calls_to("sendMessage")
            if c.params["chat_id"] == chat and c.params["text"].startswith(("🗣", "🗞 <b>"))]


def queue(h: Harness, chat: int, story_id: str, **kw: Any) -> None:
    seed_story(h.store, story_id, **kw)
    h.store.enqueue(chat, story_id, "send")


async def wait_for(predicate: Any, what: str) -> None:
    for _ in range(500):
        if predicate():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(what)


# -- /settings, buttons, silent


async def test_settings_buttons_make_alerts_silent(h: Harness) -> None:
    clock = Clock(T0)
    [shown] = await h.ask(USER, "/settings")
    assert "Settings of this chat" in shown.text and "🔔 Sound: on" in shown.text
    assert shown.reply_markup is not None
    data = [b["callback_data"] for row in shown.reply_markup["inline_keyboard"] for b in row]
    assert data == ["set:silent", "set:pause", "set:digest", "set:lang"]
    queue(h, USER, "s1")
    await sender(h, clock).drain_once()
    [loud] = alerts(h, USER)
    assert "disable_notification" not in loud.params

    h.fake.user_presses(USER, shown.message_id, "set:silent")
    await wait_for(lambda: h.fake.calls_to("editMessageText"), "the settings message was not edited")
    assert "🔕 Silent" in h.fake.chat(USER).messages[shown.message_id].text
    assert h.store.chat_settings(USER) == {"silent": "1"}
    queue(h, USER, "s2", quotes=("The quay fees stay where they are.",))
    await sender(h, clock).drain_once()
    assert alerts(h, USER)[-1].params["disable_notification"] is True
    # and by command, back again
    assert "🔔 Sound: on" in await h.reply(USER, "/settings silent off")


async def test_only_a_groups_administrators_change_its_settings(h: Harness) -> None:
    h.fake.chat(GROUP, "supergroup", "Quay Talk", admins={77})
    for command in ("/pause", "/settings silent on", "/quiet 23:00-07:00", "/digest hourly", "/lang ru"):
        answer = await h.reply(GROUP, command, user_id=USER)
        assert answer == "Only this chat's administrators can change its settings.", command
    assert "Settings of this chat" in await h.reply(GROUP, "/settings", user_id=USER)  # looking is fine
    [shown] = await h.ask(GROUP, "/settings", user_id=USER)
    h.fake.user_presses(GROUP, shown.message_id, "set:pause", user_id=USER)
    await wait_for(lambda: h.fake.calls_to("answerCallbackQuery"), "the tap was not answered")
    refusal = h.fake.calls_to("answerCallbackQuery")[-1].params
    assert refusal["text"] == "Only this chat's administrators can change its settings." and refusal["show_alert"]
    assert h.store.chat_settings(GROUP) == {}
    # the group's administrator and the bot's admins may
    assert "Alerts paused" in await h.reply(GROUP, "/pause", user_id=77)
    assert "Alerts resumed" in await h.reply(GROUP, "/resume", user_id=ADMIN)


async def test_bad_values_get_a_line_saying_what_to_write(h: Harness) -> None:
    assert "is not a time zone" in await h.reply(USER, "/settings tz Mars/Olympus")
    assert "Write quiet hours as start-end" in await h.reply(USER, "/quiet late")
    assert "Write the digest as off, hourly or daily" in await h.reply(USER, "/digest weekly")
    assert "nobody is not a tracked speaker id" in await h.reply(USER, "/settings urgent nobody")
    assert "Write /settings silent on|off" in await h.reply(USER, "/settings volume 11")
    assert h.store.chat_settings(USER).keys() <= {"lang"}


# -- pause and resume


async def test_paused_alerts_are_held_and_come_in_order_on_resume(h: Harness) -> None:
    clock, send = Clock(T0), None
    send = sender(h, clock)
    assert "Alerts paused" in await h.reply(USER, "/pause")
    for n in range(3):
        queue(h, USER, f"s{n}", quotes=(f"Pier {n} stays open for the grain ships.",))
    await send.drain_once()
    assert alerts(h, USER) == [] and h.store.held_stories(USER) == ["s0", "s1", "s2"]
    add_source(h.store, "s1", "Northport Courier", 1)  # a new outlet while held: the edit is absorbed
    h.store.enqueue(USER, "s1", "edit")
    clock.set(18)
    await send.drain_once()
    assert alerts(h, USER) == [] and h.store.outbox_depth() == 0
    assert "3 held" in await h.reply(USER, "/settings")
    assert "3 held statements follow now" in await h.reply(USER, "/resume")
    await send.drain_once()  # released: queued again as ordinary alerts, in the order held
    await send.drain_once()
    texts = [c.params["text"] for c in alerts(h, USER)]
    assert [next(f"s{n}" for n in range(3) if f"Pier {n} " in t) for t in texts] == ["s0", "s1", "s2"]
    assert "Northport Courier" in texts[1]  # sent as it is now, with the outlet added while held
    assert h.store.held_stories(USER) == []


async def test_resume_skip_drops_what_was_held_and_says_how_much(h: Harness) -> None:
    clock = Clock(T0)
    await h.reply(USER, "/pause")
    for n in range(2):
        queue(h, USER, f"s{n}", quotes=(f"Berth {n} is closed for repairs.",))
    await sender(h, clock).drain_once()
    assert await h.reply(USER, "/resume skip") == "Alerts resumed; 2 held statements skipped."
    await sender(h, clock).drain_once()
    assert alerts(h, USER) == [] and h.store.held_stories(USER) == []
    queue(h, USER, "s9")
    await sender(h, clock).drain_once()
    assert len(alerts(h, USER)) == 1  # and new alerts flow again


async def test_a_long_pause_comes_back_as_one_digest(h: Harness) -> None:
    clock = Clock(T0)
    send = sender(h, clock)
    await h.reply(USER, "/pause")
    for n in range(8):
        speaker = ("voskov", "Dmitri Voskov") if n % 2 else ("kovalenko", "Marta Kovalenko")
        queue(h, USER, f"s{n}", speaker_id=speaker[0], speaker=speaker[1],
              quotes=(f"Dock {n} will reopen after the inspection.",))
    await send.drain_once()
    await h.reply(USER, "/resume")
    await send.drain_once()
    [digest] = alerts(h, USER)
    text = digest.params["text"]
    assert text.startswith("🗞 <b>Held while alerts were paused or quiet</b> · 8 statements")
    assert text.count("🗣") == 2 and all(f"Dock {n} " in text for n in range(8))
    assert h.store.held_stories(USER) == []


# -- quiet hours and urgent speakers


async def test_quiet_hours_hold_alerts_except_urgent_speakers_until_they_end(h: Harness) -> None:
    clock = Clock(T0.replace(hour=21))  # 00:00 in Riga (UTC+3)
    send = sender(h, clock)
    assert "Europe/Riga" in await h.reply(USER, "/settings tz europe/riga")
    assert "23:00-07:00 (Europe/Riga)" in await h.reply(USER, "/quiet 23:00-07:00")
    assert "voskov" in await h.reply(USER, "/settings urgent Voskov")
    queue(h, USER, "s1")
    queue(h, USER, "s2", speaker_id="voskov", speaker="Dmitri Voskov", quotes=("The port closes tonight.",))
    await send.drain_once()
    [urgent] = alerts(h, USER)
    assert "The port closes tonight." in urgent.params["text"]
    assert h.store.held_stories(USER) == ["s1"]
    clock.set(3, 59, days=1)  # 06:59 in Riga
    await send.drain_once()
    assert len(alerts(h, USER)) == 1
    clock.set(4, 0, days=1)  # 07:00: quiet hours are over
    await send.drain_once()
    await send.drain_once()
    assert len(alerts(h, USER)) == 2 and "We will not tax the harvest twice." in alerts(h, USER)[-1].params["text"]
    assert h.store.held_stories(USER) == []


# -- digests


async def test_an_hourly_digest_lists_the_hours_stories_grouped_by_speaker(h: Harness) -> None:
    clock = Clock(T0.replace(minute=5))
    send = sender(h, clock)
    assert "Digest: hourly" in await h.reply(USER, "/digest hourly")
    queue(h, USER, "s1", quotes=("The grain quota is final.",))
    queue(h, USER, "s2", speaker_id="voskov", speaker="Dmitri Voskov", quotes=("Berths <3> & <4> reopen.",))
    clock.set(10, 20)
    queue(h, USER, "s3", quotes=("The levy is not negotiable.",))
    await send.drain_once()
    clock.set(10, 59)
    await send.drain_once()
    assert alerts(h, USER) == []
    clock.set(11, 0)
    await send.drain_once()
    [digest] = alerts(h, USER)
    text = digest.params["text"]
    assert text.startswith("🗞 <b>Digest</b> · 3 statements")
    lines = text.splitlines()
    assert lines.index("🗣 <b>Marta Kovalenko</b>") < lines.index("🗣 <b>Dmitri Voskov</b>")
    assert text.index("grain quota") < text.index("levy is not") < text.index("Berths")
    assert "Berths &lt;3&gt; &amp; &lt;4&gt; reopen." in text
    assert h.fake.messages(USER)[-1].text.count("•") == 3  # Telegram parsed the HTML
    # a story in that digest that gains an outlet later is not sent again on its own
    add_source(h.store, "s1", "Northport Courier", 1)
    h.store.enqueue(USER, "s1", "edit")
    clock.set(12, 0)
    await send.drain_once()
    assert len(alerts(h, USER)) == 1 and h.store.outbox_depth() == 0


async def test_a_daily_digest_at_the_chats_hour_split_within_the_limit(h: Harness) -> None:
    clock = Clock(T0)
    send = sender(h, clock)
    await h.reply(USER, "/settings tz Europe/Riga")
    assert "daily at 07:00" in await h.reply(USER, "/digest daily 7")  # 04:00 UTC
    long = " ".join(["The harbour levy stays in force for every berth this season."] * 6)
    for n in range(40):
        queue(h, USER, f"s{n}", quotes=(f"[{n}] {long}",), outlets=("The Harbour Ledger", "Northport Courier"))
    await send.drain_once()
    clock.set(3, 59, days=1)
    await send.drain_once()
    assert alerts(h, USER) == []
    clock.set(4, 0, days=1)
    for _ in range(3):
        await send.drain_once()
    parts = alerts(h, USER)
    assert len(parts) > 1
    assert all(h.fake.messages(USER)[-i - 1].text for i in range(len(parts)))
    texts = [p.params["text"] for p in parts]
    for n in range(40):  # every story once, its entry whole
        assert sum(f"[{n}] " in t for t in texts) == 1
    assert all(len(m.text.encode("utf-16-le")) // 2 <= TELEGRAM_MAX_TEXT for m in h.fake.messages(USER)[-len(parts):])
    assert h.store.held_stories(USER) == []


async def test_a_silent_digest_chat_gets_its_digest_silently(h: Harness) -> None:
    clock = Clock(T0.replace(minute=30))
    send = sender(h, clock)
    await h.reply(USER, "/digest hourly")
    await h.reply(USER, "/settings silent on")
    queue(h, USER, "s1")
    await send.drain_once()
    clock.set(11)
    await send.drain_once()
    [digest] = alerts(h, USER)
    assert digest.params["disable_notification"] is True


async def test_a_digest_chat_that_blocked_the_bot_is_deactivated_and_its_held_stories_dropped(h: Harness) -> None:
    clock = Clock(T0.replace(minute=30))
    send = sender(h, clock)
    await h.reply(USER, "/subscribe grain-watch")
    await h.reply(USER, "/digest hourly")
    queue(h, USER, "s1")
    await send.drain_once()
    h.fake.block(USER)
    clock.set(11)
    await send.drain_once()
    assert h.store.held_stories(USER) == [] and h.store.subscriptions(USER) == []
    await send.drain_once()  # and no retry at every round: one attempt, refused
    assert len(alerts(h, USER)) == 1


async def test_a_digest_follows_a_group_that_became_a_supergroup(h: Harness) -> None:
    clock = Clock(T0.replace(minute=30))
    send = sender(h, clock)
    old, new = -4242, -1004242
    h.fake.chat(old, "group", "Quay Talk", admins={77})
    assert "Digest: hourly" in await h.reply(old, "/digest hourly", user_id=77)
    queue(h, old, "s1")
    await send.drain_once()
    h.fake.migrate(old, new)
    clock.set(11)
    await send.drain_once()
    assert h.store.held_stories(new) == ["s1"] and h.store.chat_settings(new) == {"digest": "hourly"}
    await send.drain_once()
    [digest] = alerts(h, new)
    assert "We will not tax the harvest twice." in digest.params["text"]
    assert h.store.held_stories(new) == []


async def test_a_channel_named_in_the_rules_by_its_username_follows_the_settings_set_inside_it(
    h: Harness, rules_path: Any
) -> None:
    channel = -1001234567099
    rules_path.write_text(RULES.replace('id = "port-watch"', 'id = "port-watch"\nchats = ["@Harbour_Desk"]'),
                          encoding="utf-8")
    h.holder.reload()
    h.fake.chat(channel, "channel", "Harbour Desk", admins={USER}, username="harbour_desk")
    clock = Clock(T0)
    send = sender(h, clock)
    h.fake.channel_posts(channel, "/pause")
    await wait_for(lambda: any("Alerts paused" in m.text for m in h.fake.messages(channel)), "no answer to /pause")
    assert h.store.chat_settings("@Harbour_Desk") == {"paused": "1"} == h.store.chat_settings(channel)
    queue(h, "@Harbour_Desk", "s1", speaker_id="voskov", speaker="Dmitri Voskov")  # type: ignore[arg-type]
    await send.drain_once()
    assert h.store.held_stories("@Harbour_Desk") == ["s1"]
    h.fake.channel_posts(channel, "/resume skip")
    await wait_for(lambda: any("1 held statement skipped" in m.text for m in h.fake.messages(channel)),
                   "no answer to /resume skip")
    assert h.store.held_stories("@Harbour_Desk") == [] and h.store.chat_settings("@Harbour_Desk") == {}


async def test_the_digest_and_pause_buttons_cycle_and_say_so(h: Harness) -> None:
    [shown] = await h.ask(USER, "/settings")
    labels = [b["text"] for row in shown.reply_markup["inline_keyboard"] for b in row]  # type: ignore[index]
    assert labels[1:3] == ["⏸ Pause", "🗞 Digest → hourly"]
    for tap, want in (("set:digest", {"digest": "hourly"}), ("set:digest", {"digest": "daily"}),
                      ("set:pause", {"digest": "daily", "paused": "1"}), ("set:digest", {"paused": "1"})):
        edits = len(h.fake.calls_to("editMessageText"))
        h.fake.user_presses(USER, shown.message_id, tap)
        await wait_for(lambda e=edits: len(h.fake.calls_to("editMessageText")) > e, f"no edit after {tap}")
        assert h.store.chat_settings(USER) == want
    text = h.fake.chat(USER).messages[shown.message_id].text
    assert "⏸ Paused" in text and "🗞 Digest: off" in text
