"""Bot commands end to end: a real PTB Application long-polling the fake Bot API server, a real store."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from telegram.ext import Application

from bot.app import SORRY, api_urls, build_application, install_token_filter
from bot.commands import (
    BOT_DATA_KEY,
    COMMANDS,
    BotContext,
    UserError,
    find_speaker,
    parse_window,
    split_args,
)
from bot.delivery import Sender
from bot.ratelimit import Limits
from bot.render import render_alert
from rules.load import load_rules
from rules.model import Rules, Speaker
from tests.fake_telegram import TOKEN, FakeMessage, FakeTelegram
from tests.test_delivery import seed_story
from watchers.model import FeedState
from watchers.store import AsyncStore, Store

ADMIN = 1000
USER = 2000

RULES = """\
# Test rules: fictional outlets and people.
[telegram]
admins = [1000]

[[feeds]]
id = "ledger"
name = "The Harbour Ledger"
url = "https://ledger.example/feed.xml"

[[feeds]]
id = "courier"
name = "Northport Courier"
url = "https://courier.example/rss"

[[speakers]]
id = "kovalenko"
name = "Marta Kovalenko"
aliases = ["Kovalenko", "agriculture minister"]

[[speakers]]
id = "voskov"
name = "Dmitri Voskov"
aliases = ["Voskov", "port authority spokesman"]

[[speakers]]
id = "marek"
name = "Ivan Marek"

[[speakers]]
id = "mareks"
name = "Ilze Mareks"

[[topics]]
id = "grain"
any = ["grain", "harvest", "levy"]

[[watches]]
id = "grain-watch"
speakers = ["kovalenko"]
topics = ["grain"]

[[watches]]
id = "port-watch"
speakers = ["voskov"]
"""


class RulesHolder:
    """What the service does: keep the last good rules, reload them when told."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rules = load_rules(path)
        self.reloads = 0

    def __call__(self) -> Rules:
        return self.rules

    def reload(self) -> None:
        self.rules = load_rules(self.path)
        self.reloads += 1

    async def reload_now(self) -> None:
        """The bot's on_rules_changed: the service reloads off the event loop, and is awaited."""
        self.reload()


class Harness:
    def __init__(self, fake: FakeTelegram, app: Application, store: Store, astore: AsyncStore,  # type: ignore[type-arg]
                 holder: RulesHolder) -> None:
        self.fake, self.app, self.store, self.astore, self.holder = fake, app, store, astore, holder

    async def ask(self, chat_id: int, text: str, *, user_id: int | None = None, chat_type: str | None = None,
                  replies: int = 1) -> list[FakeMessage]:
        """A user sends `text`; returns the bot's new messages in that chat once `replies` arrived."""
        before = len(self.fake.messages(chat_id))
        self.fake.user_says(chat_id, text, user_id=user_id, chat_type=chat_type)
        for _ in range(500):
            new = self.fake.messages(chat_id)[before:]
            if len(new) >= replies:
                return new
            await asyncio.sleep(0.01)
        raise AssertionError(f"no reply to {text!r} in chat {chat_id}")

    async def reply(self, chat_id: int, text: str, **kw: object) -> str:
        return (await self.ask(chat_id, text, **kw))[-1].text  # type: ignore[arg-type]


@pytest.fixture
def rules_path(tmp_path: Path) -> Path:
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    return path


@pytest.fixture
def store() -> Iterator[Store]:
    with Store(":memory:") as s:
        yield s


@pytest.fixture
async def h(rules_path: Path, store: Store) -> AsyncIterator[Harness]:
    astore = AsyncStore(store)
    holder = RulesHolder(rules_path)
    async with FakeTelegram(max_poll_timeout=0.2) as fake:
        # Not about flood limits: unpaced (tests/test_pacing.py is; the default is Telegram's limits).
        app = build_application(TOKEN, fake.url, astore, holder, rules_path, holder.reload_now, started=0.0,
                                limits=Limits.unlimited())
        await app.initialize()
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        try:
            yield Harness(fake, app, store, astore, holder)
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            astore._pool.shutdown(wait=True)


# ---------------------------------------------------------------------------------------------------
# Pure helpers


def test_find_speaker_exact_fuzzy_ambiguous_unknown() -> None:
    speakers = [Speaker("voskov", "Dmitri Voskov", ("Voskov",)), Speaker("marek", "Ivan Marek"),
                Speaker("mareks", "Ilze Mareks"), Speaker("kovalenko", "Marta Kovalenko", ("agriculture minister",))]
    assert find_speaker("voskow", speakers)[0] == speakers[0]  # a transliteration variant
    assert find_speaker("AGRICULTURE MINISTER", speakers)[0] == speakers[3]
    assert find_speaker("marek", speakers)[0] == speakers[1]  # exact wins over the near namesake
    found, suggestions = find_speaker("mare", speakers)
    assert found is None and {s.id for s in suggestions} == {"marek", "mareks"}
    assert find_speaker("zzzz", speakers) == (None, [])
    assert find_speaker("", speakers) == (None, [])


def test_parse_window_and_args() -> None:
    assert parse_window("10") == (10, None)
    assert parse_window("24h") == (None, 86400.0)
    for bad in ("0", "999", "soon", "-1d"):
        with pytest.raises(UserError):
            parse_window(bad)
    assert split_args('kovalenko “Marta Kovalenko” Kova') == ["kovalenko", "Marta Kovalenko", "Kova"]
    with pytest.raises(UserError):
        split_args('kovalenko "Marta')


def test_every_command_is_registered_once_with_a_description() -> None:
    # The handlers live in one module per family; the registry must still list each command once, with
    # the first docstring line of its handler as the description /help and the menu show.
    names = [c.name for c in COMMANDS]
    assert len(names) == len(set(names))
    assert all(c.handler.__name__ == f"cmd_{c.name}" for c in COMMANDS)
    assert all(c.description and c.description != c.name for c in COMMANDS)
    assert {c.name for c in COMMANDS if c.admin} == {
        "status", "reload", "track", "untrack", "alias", "watch", "unwatch", "mute", "addfeed", "removefeed"
    }


def test_api_urls_accept_root_or_ptb_form() -> None:
    assert api_urls("http://127.0.0.1:8081") == ("http://127.0.0.1:8081/bot", "http://127.0.0.1:8081/file/bot")
    assert api_urls("http://127.0.0.1:8081/bot/")[0] == "http://127.0.0.1:8081/bot"


def test_token_is_scrubbed_from_child_logger_records_whatever_the_handler_order() -> None:
    install_token_filter(TOKEN)
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    # A handler set up after the token filter, on a child logger: logger filters of "telegram.ext" never
    # see this record, and no root handler is involved.
    handler = Keep()
    child = logging.getLogger("telegram.ext.Updater")
    child.addHandler(handler)
    try:
        child.error("getUpdates failed: https://api.example/bot%s/getUpdates", TOKEN)
        try:
            raise RuntimeError(f"connect to https://api.example/bot{TOKEN}/getMe failed")
        except RuntimeError:
            child.exception("network loop stopped")
    finally:
        child.removeHandler(handler)
    text = "\n".join(lines)
    assert "getUpdates failed" in text and "Traceback" in text and "connect to" in text
    assert TOKEN not in text and TOKEN.split(":")[1] not in text


# ---------------------------------------------------------------------------------------------------
# End to end


async def test_menu_start_and_help(h: Harness) -> None:
    menu = {c["command"] for c in h.fake.commands}
    assert {"start", "help", "subscribe", "quotes", "search"} <= menu
    assert "track" not in menu and "status" not in menu  # admin commands are not on everyone's menu
    assert "statements by the people you track" in await h.reply(USER, "/start")
    text = await h.reply(USER, "/help")
    assert "/quotes <speaker> [N | 24h | 7d]" in text and "/track <id>" not in text
    assert '/track <id> "<Full Name>" [alias ...]' in await h.reply(ADMIN, "/help")


async def test_subscribe_then_an_alert_arrives_in_that_chat(h: Harness) -> None:
    assert "Subscribed to grain-watch" in await h.reply(USER, "/subscribe grain-watch")
    assert h.store.subscriptions(USER) == ["grain-watch"]
    # What the pipeline does for a new story: one outbox item per subscriber.
    seed_story(h.store, "s1")
    for chat in h.store.subscribers("grain-watch"):
        h.store.enqueue(chat, "s1", "send")
    sender = Sender(h.app.bot, h.astore, render_alert, limits=Limits.unlimited())
    await sender.drain_once()
    alert = h.fake.messages(USER)[-1]
    assert "We will not tax the harvest twice." in alert.text
    assert "already subscribed" in await h.reply(USER, "/subscribe grain-watch")
    assert "Unsubscribed from grain-watch" in await h.reply(USER, "/unsubscribe")
    assert h.store.subscriptions(USER) == []


async def test_subscribe_unknown_watch_lists_the_real_ones(h: Harness) -> None:
    text = await h.reply(USER, "/subscribe <b>nope</b>")
    assert "No watch called <b>nope</b>" in text  # shown literally: the input was escaped
    assert "grain-watch" in text and "port-watch" in text


async def test_in_groups_only_administrators_subscribe(h: Harness) -> None:
    h.fake.chat(-500, "supergroup", admins={77})
    text = await h.reply(-500, "/subscribe grain-watch", user_id=USER, chat_type="supergroup")
    assert "only this group's administrators" in text and h.store.subscriptions(-500) == []
    await h.reply(-500, "/subscribe grain-watch", user_id=77)
    assert h.store.subscriptions(-500) == ["grain-watch"]
    await h.reply(-500, "/subscribe port-watch", user_id=ADMIN)  # the bot's admins may too
    assert h.store.subscriptions(-500) == ["grain-watch", "port-watch"]


async def test_subscriptions_keyboard_toggles(h: Harness) -> None:
    [menu] = await h.ask(USER, "/subscriptions")
    assert menu.reply_markup is not None
    buttons = [b["callback_data"] for row in menu.reply_markup["inline_keyboard"] for b in row]
    assert buttons == ["tog:grain-watch", "tog:port-watch"]
    h.fake.user_presses(USER, menu.message_id, "tog:port-watch")
    for _ in range(300):
        if h.store.subscriptions(USER):
            break
        await asyncio.sleep(0.01)
    assert h.store.subscriptions(USER) == ["port-watch"]
    for _ in range(300):
        if h.fake.calls_to("editMessageReplyMarkup"):
            break
        await asyncio.sleep(0.01)
    labels = [b["text"] for row in h.fake.chat(USER).messages[menu.message_id].reply_markup["inline_keyboard"]  # type: ignore[index]
              for b in row]
    assert labels == ["➕ grain-watch", "✅ port-watch"]
    assert h.fake.calls_to("answerCallbackQuery")


async def test_quotes_finds_a_misspelt_speaker_in_the_store(h: Harness) -> None:
    seed_story(h.store, "s1", speaker_id="voskov", speaker="Dmitri Voskov",
               quotes=("The new quay opens in May.", "Tariffs stay where they are."))
    text = await h.reply(USER, "/quotes voskow")
    assert "Dmitri Voskov" in text and "The new quay opens in May." in text
    assert "Tariffs stay" in await h.reply(USER, "/quotes Dmitri Voskov 1")
    assert "No statements by Marta Kovalenko" in await h.reply(USER, "/quotes kovalenko 7d")
    assert "Which one?" in await h.reply(USER, "/quotes mare")
    assert "I don't track anyone" in await h.reply(USER, "/quotes zzzz")
    assert "1 to 20" in await h.reply(USER, "/quotes voskov 500")


async def test_search_with_and_without_a_speaker(h: Harness) -> None:
    seed_story(h.store, "s1", quotes=("The harvest levy will not return this year.",))
    seed_story(h.store, "s2", speaker_id="voskov", speaker="Dmitri Voskov",
               quotes=("A levy on containers is not planned.",))
    both = await h.reply(USER, "/search levy")
    assert "2 result(s)" in both
    only = await h.reply(USER, "/search levy voskov")
    assert "1 result(s)" in only and "containers" in only and "harvest" not in only
    assert "Nothing found" in await h.reply(USER, "/search submarine")


async def test_status_reports_feeds_and_outbox(h: Harness) -> None:
    from datetime import UTC, datetime

    h.store.save_feed_state(FeedState("ledger", "https://ledger.example/feed.xml", last_poll=datetime.now(UTC),
                                      consecutive_errors=2, last_error="HTTP 503 from ledger.example"))
    text = await h.reply(ADMIN, "/status")
    assert "ledger: 2 failed poll(s)" in text and "HTTP 503" in text and "Outbox: 0 pending" in text
    # compact: counts and the feeds in error only; /status feeds lists every feed
    assert "Feeds: 2 (0 ok, 1 in error, 1 not polled yet)" in text and "courier" not in text
    full = await h.reply(ADMIN, "/status feeds")
    assert "courier: not polled yet" in full and "ledger: 2 failed poll(s)" in full


async def test_status_names_the_workers_and_the_update_taker(h: Harness) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    assert "Workers" not in await h.reply(ADMIN, "/status")  # one process that takes no updates: nothing to say
    h.store.register_worker("desk-a-11-aa01", "desk-a", 11, now - timedelta(minutes=5))
    h.store.register_worker("desk-b-22-bb02", "desk-b", 22, now - timedelta(minutes=5))
    h.store.heartbeat("desk-b-22-bb02", now - timedelta(seconds=90), 30.0)
    h.store.claim_feed("ledger", "https://ledger.example/feed.xml", "desk-a-11-aa01", now, 30.0)
    h.store.set_update_taker("desk-b-22-bb02")
    text = await h.reply(ADMIN, "/status")
    assert "Workers: 2; update taker: desk-b-22-bb02" in text
    assert "desk-a-11-aa01 (desk-a, pid 11): 1 feed held" in text
    assert "desk-b-22-bb02 (desk-b, pid 22): 0 feeds held, heartbeat 1m30s ago, takes updates" in text


async def test_admin_commands_are_refused_to_others(h: Harness, rules_path: Path) -> None:
    before = rules_path.read_text()
    for command in ('/track tamm "Liis Tamm"', "/untrack voskov", "/alias voskov Vos", "/mute voskov 1h", "/reload"):
        assert "only the bot's admins" in await h.reply(USER, command)
    assert rules_path.read_text() == before and h.holder.reloads == 0


async def test_admin_track_alias_mute_untrack_edit_the_rules(h: Harness, rules_path: Path) -> None:
    assert "Now tracking Liis Tamm" in await h.reply(ADMIN, '/track tamm “Liis Tamm” Tamm')
    assert h.holder.rules.speaker("tamm") is not None and h.holder.reloads == 1
    await h.reply(ADMIN, '/alias tamm "the harbour master"')
    assert "the harbour master" in h.holder.rules.speaker("tamm").aliases  # type: ignore[union-attr]
    assert "muted for" in await h.reply(ADMIN, "/mute port-watch 2h")
    assert h.holder.rules.watches[1].muted_until is not None
    assert "unmuted" in await h.reply(ADMIN, "/mute port-watch off")
    assert "No longer tracking" in await h.reply(ADMIN, "/untrack tamm")
    assert h.holder.rules.speaker("tamm") is None
    assert "Not changed" in await h.reply(ADMIN, "/untrack nobody")
    assert "Rules reloaded" in await h.reply(ADMIN, "/reload")


async def test_hostile_and_malformed_input_gets_a_clear_answer(h: Harness) -> None:
    assert "keep it under" in await h.reply(USER, "/search " + "x" * 5000)
    assert "not closed" in await h.reply(ADMIN, '/track tamm "Liis')
    assert "not valid" in await h.reply(ADMIN, '/track "<b>Tamm</b>" "Liis Tamm"')
    assert "Write /mute" in await h.reply(ADMIN, "/mute")
    assert "soonish" in await h.reply(ADMIN, "/mute voskov soonish")  # the duration error names it
    text = await h.reply(USER, '/quotes <script>alert("x")</script> &amp;')
    assert "<script>" in text  # echoed as text: escaped in the HTML we sent
    # Every reply was valid Telegram HTML under 4096 characters: the fake accepted them all.
    assert [c.status for c in h.fake.calls_to("sendMessage") if c.status != 200] == []


async def test_token_is_not_logged(h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    await h.reply(USER, "/start")
    await h.reply(ADMIN, "/status")
    assert "bot<token>/" in caplog.text  # httpx did log the request URLs, scrubbed
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text


async def test_a_failing_handler_answers_briefly_and_logs_without_the_token(
    h: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken() -> list[FeedState]:
        raise RuntimeError(f"database on fire near https://api.example/bot{TOKEN}/getMe")

    monkeypatch.setattr(h.astore, "feed_states", broken)
    text = await h.reply(ADMIN, "/status")
    assert text == SORRY and "Traceback" not in text
    assert "database on fire" in caplog.text and "Traceback" in caplog.text
    assert TOKEN not in caplog.text


async def test_allowlist_lets_in_only_listed_chats_and_the_admins(h: Harness, rules_path: Path) -> None:
    rules_path.write_text(RULES.replace(f"admins = [{ADMIN}]", f"admins = [{ADMIN}]\nallowlist = [{USER}]"),
                          encoding="utf-8")
    h.holder.reload()
    assert h.holder.rules.settings.telegram.allowlist == (USER,)
    assert await h.reply(3000, "/start") == "Sorry, this bot is private."
    assert await h.reply(3000, "/subscribe grain-watch") == "Sorry, this bot is private."
    assert h.store.subscriptions(3000) == []
    assert "Subscribed" in await h.reply(USER, "/subscribe grain-watch")
    assert "statements by the people you track" in await h.reply(ADMIN, "/start")  # admins anywhere


def bot_context(h: Harness) -> BotContext:
    value = h.app.bot_data[BOT_DATA_KEY]
    assert isinstance(value, BotContext)
    return value


async def test_a_deactivated_chat_that_talks_again_is_reactivated(h: Harness) -> None:
    await h.reply(USER, "/subscribe grain-watch")
    # The user blocks the bot; the next alert finds out and deactivates the chat (wired as the service does).
    h.fake.block(USER)
    seed_story(h.store, "s1")
    h.store.enqueue(USER, "s1", "send")
    sender = Sender(h.app.bot, h.astore, render_alert, limits=Limits.unlimited(),
                    on_chat_gone=bot_context(h).chat_gone)
    await sender.drain_once()
    assert h.store.subscribers("grain-watch") == []
    h.fake.blocked.discard(USER)  # unblocked
    await h.reply(USER, "/help")  # any command (or message) from the chat brings it back
    assert h.store.subscribers("grain-watch") == [USER]


async def test_updates_from_an_active_chat_do_not_write_to_reactivate_it(
    h: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int | str] = []
    real = h.astore.reactivate_chat

    async def counting(chat_id: int | str) -> int:
        writes.append(chat_id)
        return await real(chat_id)

    monkeypatch.setattr(h.astore, "reactivate_chat", counting)
    for _ in range(3):
        await h.reply(USER, "/help")
    assert writes == [USER]  # the first update checks; the chat is then known to be active
    bot_context(h).chat_gone(USER)  # the Sender deactivated it: the next update must check again
    await h.reply(USER, "/help")
    assert writes == [USER, USER]


async def test_admins_follow_a_rules_reload(h: Harness, rules_path: Path) -> None:
    assert "only the bot's admins" in await h.reply(USER, "/reload")
    rules_path.write_text(RULES.replace(f"admins = [{ADMIN}]", f"admins = [{ADMIN}, {USER}]"), encoding="utf-8")
    h.holder.reload()
    assert "Rules reloaded" in await h.reply(USER, "/reload")
    rules_path.write_text(RULES.replace(f"admins = [{ADMIN}]", f"admins = [{USER}]"), encoding="utf-8")
    h.holder.reload()
    assert "only the bot's admins" in await h.reply(ADMIN, "/reload")  # removed admins lose it at once


async def test_status_shows_undeliverable_alerts_and_the_last_error(h: Harness) -> None:
    assert "Undeliverable" not in await h.reply(ADMIN, "/status")
    seed_story(h.store, "s1")
    for chat, error in ((501, "Forbidden: bot was blocked by the user"),
                        (502, "Telegram refused the message: can't parse entities <b>")):
        h.store.mark_dead(h.store.enqueue(chat, "s1", "send"), error)
    text = await h.reply(ADMIN, "/status")
    assert "Undeliverable alerts: 2" in text
    assert "last error: Telegram refused the message: can't parse entities <b>" in text  # the newest one
    assert "entities &lt;b&gt;" in h.fake.calls_to("sendMessage")[-1].params["text"]  # escaped in the HTML


async def test_status_is_for_admins_only(h: Harness) -> None:
    h.store.save_feed_state(FeedState("ledger", "https://ledger.example/feed.xml", consecutive_errors=1,
                                      last_error="HTTP 503 from ledger.example"))
    refusal = await h.reply(USER, "/status")
    assert refusal == "Sorry, only the bot's admins can see /status."
    assert "/status" not in await h.reply(USER, "/help")
    assert "/status" in await h.reply(ADMIN, "/help")
    assert "ledger" in await h.reply(ADMIN, "/status")


async def test_status_redacts_secrets_in_feed_and_delivery_errors(h: Harness) -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    h.store.save_feed_state(FeedState(
        "ledger", "https://ledger.example/feed.xml", last_poll=now, consecutive_errors=1, last_error_at=now,
        last_error="HTTP 401 from https://ann:hunter2@ledger.example/feed.xml?api_key=K3Y&lang=en: refused",
    ))
    seed_story(h.store, "s1")
    h.store.mark_dead(h.store.enqueue(501, "s1", "send"), "fetch of https://x.example/img?token=T0K‮ failed")
    text = await h.reply(ADMIN, "/status")
    assert "hunter2" not in text and "K3Y" not in text and "T0K" not in text and "\u202e" not in text
    assert "https://***@ledger.example/feed.xml?api_key=***&lang=en: refused" in text
    assert "https://x.example/img?token=*** failed" in text


async def test_mute_with_an_absurd_duration_gets_a_clear_answer(
    h: Harness, rules_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = rules_path.read_text()
    for span in ("99999999999999999999d", "9" * 250 + "w", "367d", "9" * 250):
        answer = await h.reply(ADMIN, f"/mute voskov {span}")
        assert "at most 366d" in answer and answer != SORRY, span
    assert rules_path.read_text() == before
    assert "Traceback" not in caplog.text and "handler failed" not in caplog.text
    assert "muted for 366d" in await h.reply(ADMIN, "/mute voskov 366d")


async def test_status_uptime_is_in_whole_seconds(h: Harness) -> None:
    first_line = (await h.reply(ADMIN, "/status")).splitlines()[0]
    uptime = first_line.split(", up ")[1]
    assert uptime and "." not in uptime  # "3m12s", not "3m12.53s"


async def test_admin_edit_of_an_inline_array_file_is_refused_with_the_reason(
    h: Harness, rules_path: Path
) -> None:
    # Valid TOML, valid rules, but the watches are one inline array: top-level keys come before any table.
    tables = RULES.split("[[watches]]")[0]
    text = ('watches = [{ id = "grain-watch", speakers = ["kovalenko"], topics = ["grain"] }]\n\n' + tables)
    rules_path.write_text(text, encoding="utf-8")
    h.holder.reload()
    assert [w.id for w in h.holder.rules.watches] == ["grain-watch"]
    for command in ("/mute grain-watch 2h", "/unwatch grain-watch", "/watch desk marek"):
        answer = await h.reply(ADMIN, command)
        assert "Not changed" in answer and "written as an inline array" in answer and "[[watches]]" in answer
    assert rules_path.read_text() == text


async def test_status_shows_last_success_next_poll_and_backoff(h: Harness) -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime.now(UTC)
    h.store.save_feed_state(FeedState("courier", "https://courier.example/rss", last_poll=now - timedelta(minutes=2),
                                      last_success=now - timedelta(minutes=2), items_seen=7,
                                      next_poll=now + timedelta(minutes=3)))
    h.store.save_feed_state(FeedState("ledger", "https://ledger.example/feed.xml", last_poll=now,
                                      last_success=now - timedelta(hours=1), consecutive_errors=3,
                                      last_error="HTTP 503 from ledger.example", last_error_at=now,
                                      next_poll=now + timedelta(minutes=40)))
    text = await h.reply(ADMIN, "/status FEEDS")
    assert "Outbox: 0 pending; last poll just now" in text
    assert "courier: last ok 2m ago, 7 items seen, next poll in 3m" in text
    assert "ledger: 3 failed poll(s) since just now, last ok 1h ago; backing off, next poll in 40m" in text
    assert "HTTP 503" in text and "up " in text


async def test_admin_adds_and_removes_a_watch(h: Harness, rules_path: Path) -> None:
    assert "only the bot's admins" in await h.reply(USER, "/watch desk marek")
    assert "Watch desk added" in await h.reply(ADMIN, "/watch desk marek,voskov grain")
    watch = h.holder.rules.watches[-1]
    assert (watch.id, watch.speakers, watch.topics) == ("desk", ("marek", "voskov"), ("grain",))
    assert "# Test rules" in rules_path.read_text()
    assert "Not changed" in await h.reply(ADMIN, "/watch other nobody")  # validation names the problem
    assert "Write /watch" in await h.reply(ADMIN, "/watch")
    assert "Watch desk removed" in await h.reply(ADMIN, "/unwatch desk")
    assert [w.id for w in h.holder.rules.watches] == ["grain-watch", "port-watch"]
