"""The admin side in the chat's language (issue #16 item 4): an admin whose chat chose /lang ru gets the
rule edits (/track, /untrack and its confirmation buttons, /watch, /mute), /addfeed and /removefeed,
/status and the notices sent to the admins in Russian; the rules layer's refusals are translated where
they are shown; a chat in English gets exactly the English it got before. The harness is
tests/test_bot_commands.py's (a real Application long-polling the fake Bot API)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedserver import FeedServer

from bot.commands.rule_errors import refusal
from bot.delivery import Sender
from bot.digest_gate import DigestGate
from bot.i18n import language
from bot.ratelimit import Limits
from bot.render import render_alert
from bot.settings_book import SETTINGS_KEY
from tests import test_bot_commands as harness
from tests.test_admin_changes import buttons, edited, two_speaker_rules
from tests.test_bot_chats import settle
from tests.test_bot_commands import ADMIN, RULES, USER, Harness, bot_context
from tests.test_delivery import seed_story
from tests.test_feeds_admin import routed, rss
from tests.test_storage_faults import read_only
from watchers.model import FeedState

h, rules_path, store, routed = harness.h, harness.rules_path, harness.store, routed

GROUP = -1001234567030


async def russian(h: Harness) -> None:
    assert "🌐 Язык: Русский" in await h.reply(ADMIN, "/lang ru")


async def test_rule_edits_answer_in_russian(h: Harness, rules_path: Path) -> None:
    await russian(h)
    assert await h.reply(ADMIN, '/track tamm "Liis Tamm" Tamm') == "Теперь отслеживается Liis Tamm (tamm)."
    assert h.holder.rules.speaker("tamm") is not None
    assert (await h.reply(ADMIN, "/track tamm")).startswith('Напишите /track <id> "<Полное имя>"')
    # a refusal of the rules layer, translated at the edge, its "did you mean" too
    assert await h.reply(ADMIN, '/track tamm "Liis Tamm"') == "Ничего не изменено: автор 'tamm' уже есть"
    assert await h.reply(ADMIN, "/alias tam Liis") == "Ничего не изменено: нет автора 'tam' — может быть, 'tamm'?"
    assert (await h.reply(ADMIN, "/track Ta!mm X")).startswith("Недопустимый id автора 'ta!mm'")
    assert await h.reply(ADMIN, "/watch quay-desk tamm") == (
        "Подписка quay-desk добавлена; /subscribe quay-desk — получать её оповещения.")
    assert "заглушено на 2h" in await h.reply(ADMIN, "/mute tamm 2h")
    assert await h.reply(ADMIN, "/mute tamm 2zz") == (
        "неизвестная единица 'zz' в сроке '2zz' — единицы: s, m, h, d, w, например \"90s\", \"5m\", \"2h\", "
        "\"7d\" или \"1h30m\"")
    assert await h.reply(ADMIN, "/mute tamm 0s") == (
        "Укажите положительный срок, например 30m, 2h или 1d (или off, чтобы снять заглушение).")
    assert (await h.reply(ADMIN, "/reload")).startswith("Правила перечитаны: лент — 2")
    # the refusal to a non-admin follows that user's own chat (English here)
    assert "only the bot's admins" in await h.reply(USER, "/track x X")


async def test_untrack_confirmation_in_russian(h: Harness, rules_path: Path) -> None:
    two_speaker_rules(h, rules_path)
    h.store.subscribe(USER, "grain-watch")
    await russian(h)
    [ask] = await h.ask(ADMIN, "/untrack kovalenko")
    assert ask.text.startswith("Перестать отслеживать Marta Kovalenko (kovalenko)?")
    assert "• подписка grain-watch: 2 чата: " in ask.text
    labels = [b["text"] for row in (ask.reply_markup or {})["inline_keyboard"] for b in row]
    assert labels == ["Не отслеживать kovalenko", "Отмена"]
    assert buttons(ask) == ["untrack:kovalenko", "cancel:untrack"]  # the data is the same in every language
    h.fake.user_presses(ADMIN, ask.message_id, "untrack:kovalenko", user_id=ADMIN)
    done = await edited(h, ADMIN, ask)
    assert done.startswith("kovalenko больше не отслеживается. Чтобы вернуть:\n/track kovalenko")
    assert h.holder.rules.speaker("kovalenko") is None
    [again] = await h.ask(ADMIN, "/untrack marek")  # the last speaker of the watch: refused, in Russian
    assert again.text.startswith("Ничего не изменено: нельзя удалить автора 'marek': в подписке 'grain-watch'")


async def test_untrack_cancel_in_russian(h: Harness, rules_path: Path) -> None:
    two_speaker_rules(h, rules_path)
    before = rules_path.read_text()
    await russian(h)
    [ask] = await h.ask(ADMIN, "/untrack kovalenko")
    h.fake.user_presses(ADMIN, ask.message_id, "cancel:untrack", user_id=ADMIN)
    assert await edited(h, ADMIN, ask) == "Отменено: ничего не изменилось."
    assert rules_path.read_text() == before


async def test_addfeed_and_removefeed_in_russian(
    h: Harness, rules_path: Path, feed_server: FeedServer, routed: None
) -> None:
    await russian(h)
    assert await h.reply(ADMIN, "/addfeed") == (
        "Напишите /addfeed <адрес> [название], например /addfeed https://ledger.example/rss The Harbour Ledger.")
    assert await h.reply(ADMIN, "/addfeed quaywire.example/rss") == (
        "Укажите полный адрес ленты, начиная с https:// или http://.")
    assert await h.reply(ADMIN, "/addfeed https://courier.example/rss") == "Это уже лента courier."
    missing = await h.reply(ADMIN, f"/addfeed {feed_server.url('/missing', host='page.test')}")
    assert missing.startswith("Не добавлено: сайт ответил ошибкой (") and "404" in missing
    feed_server.serve("/page", b"<html><body><p>Opening hours of the quay office.</p></body></html>",
                      content_type="text/html")
    page = await h.reply(ADMIN, f"/addfeed {feed_server.url('/page', host='page.test')}")
    assert page.startswith("Не добавлено: по этому адресу не лента (")
    feed_server.serve("/rss", rss())
    url = feed_server.url("/rss", host="quaywire.test")
    lines = (await h.reply(ADMIN, f"/addfeed {url}")).splitlines()
    assert lines[0] == f"Лента quay-wire добавлена: Quay Wire, {url}"
    assert lines[1] == "Последние из 5 записей:"
    assert lines[-1].startswith("Теперь опрашивается каждые ") and "/removefeed quay-wire уберёт её." in lines[-1]
    assert await h.reply(ADMIN, "/removefeed quay-wire") == (
        f"Лента quay-wire удалена. Чтобы вернуть: /addfeed {url} Quay Wire")
    assert (await h.reply(ADMIN, "/removefeed quay-wire")).startswith("Ничего не изменено: нет ленты 'quay-wire'")


async def test_status_in_russian_and_unchanged_in_english(h: Harness) -> None:
    h.store.save_feed_state(FeedState("ledger", "https://ledger.example/feed.xml", last_poll=datetime.now(UTC),
                                      consecutive_errors=2, last_error="HTTP 503 from ledger.example"))
    english = await h.reply(ADMIN, "/status")
    assert "Feeds: 2 (0 ok, 1 in error, 1 not polled yet); /status feeds lists them all" in english
    assert "ledger: 2 failed poll(s), never polled ok: HTTP 503" in english
    await russian(h)
    text = await h.reply(ADMIN, "/status")
    assert "работает" in text and "Очередь: ждут отправки 0; последний опрос только что" in text
    assert "Ленты: 2 (в порядке: 0, с ошибками: 1, ещё не опрошены: 1); все — /status feeds" in text
    assert "ledger: 2 неудачных опроса, успешных опросов не было: HTTP 503" in text  # the error stays as it was
    full = await h.reply(ADMIN, "/status feeds")
    assert "courier: ещё не опрошена" in full
    assert await h.reply(ADMIN, "/status all") == "Напишите /status или /status feeds — все ленты."
    assert "Language: English" in await h.reply(ADMIN, "/lang en")
    again = (await h.reply(ADMIN, "/status")).splitlines()
    assert again[1].startswith("Outbox: 0 pending; last poll ")
    assert again[2:] == english.splitlines()[2:]  # the lines that do not move with the clock


async def test_english_admin_replies_are_unchanged(h: Harness, rules_path: Path) -> None:
    two_speaker_rules(h, rules_path)
    assert await h.reply(ADMIN, '/track tamm "Liis Tamm" Tamm') == "Now tracking Liis Tamm (tamm)."
    assert await h.reply(ADMIN, '/track tamm "Liis Tamm"') == "Not changed: speaker 'tamm' exists already"
    assert await h.reply(ADMIN, "/alias tam Liis") == "Not changed: no speaker 'tam' — did you mean 'tamm'?"
    [ask] = await h.ask(ADMIN, "/untrack kovalenko")
    assert ask.text.startswith("Untrack Marta Kovalenko (kovalenko)? Their statements stop alerting in:\n"
                               "• watch grain-watch: 1 chat(s): ")
    assert [b["text"] for row in (ask.reply_markup or {})["inline_keyboard"] for b in row] == [
        "Untrack kovalenko", "Cancel"]
    assert await h.reply(ADMIN, "/addfeed https://courier.example/rss") == "That is feed courier already."
    assert await h.reply(ADMIN, "/mute tamm 0s") == "Give a positive duration such as 30m, 2h or 1d (or off to unmute)."
    assert await h.reply(ADMIN, "/mute tamm 2zz") == (
        "unknown unit 'zz' in duration '2zz' — units are s, m, h, d, w, e.g. \"90s\", \"5m\", \"2h\", \"7d\" or "
        "\"1h30m\"")


def test_an_unknown_refusal_stays_as_the_rules_layer_wrote_it() -> None:
    text = "rules.toml:3:1: watches[0].speakers: 'zz' is not a known speaker"
    with language("ru"):
        assert refusal(text) == text
        assert refusal("watch 'a' exists already") == "подписка 'a' уже есть"
    assert refusal("watch 'a' exists already") == "watch 'a' exists already"


async def test_the_admins_are_told_in_their_own_language(h: Harness, rules_path: Path) -> None:
    """A rules chat that removed the bot, and a store that cannot record: each notice in the admin's
    chat language (Russian here, chosen with /lang)."""
    await russian(h)
    rules_path.write_text(RULES.replace('id = "port-watch"', f'id = "port-watch"\nchats = [{GROUP}]'),
                          encoding="utf-8")
    h.holder.reload()
    h.fake.chat(GROUP, "supergroup", "Quay Talk").bot_status = "kicked"
    before = len(h.fake.messages(ADMIN))
    gate = DigestGate(h.astore, h.app.bot_data[SETTINGS_KEY])
    sender = Sender(h.app.bot, h.astore, render_alert, limits=Limits.unlimited(), gate=gate,
                    on_chat_gone=bot_context(h).chat_gone, gone=bot_context(h).gone, admins=lambda: [ADMIN])
    seed_story(h.store, "s0", speaker_id="voskov", speaker="Dmitri Voskov")
    h.store.enqueue(GROUP, "s0", "send")
    await sender.drain_once()
    notice = (await settle(h, ADMIN, before + 1))[-1]
    assert notice == (f"⚠️ Чат {GROUP}, указанный в правилах для port-watch, заблокировал или удалил бота: "
                      "оповещения туда не доставляются. Верните бота в чат или уберите чат из файла правил.")
    seed_story(h.store, "s1", speaker_id="voskov", speaker="Dmitri Voskov")
    h.store.enqueue(USER, "s1", "send")
    read_only(h.store, True)
    try:
        await sender.drain_once()
    finally:
        read_only(h.store, False)
    disk = (await settle(h, ADMIN, before + 2))[-1]
    assert disk.startswith("quotewatch: база истории не может записывать доставки (")
    assert "Освободите место на диске" in disk


@pytest.mark.parametrize("lang, start", [("en", "quotewatch: the history database"), (None, "quotewatch: the")])
async def test_the_store_notice_is_english_for_an_admin_who_never_chose(
    h: Harness, lang: str | None, start: str
) -> None:
    if lang:
        assert "Language: English" in await h.reply(ADMIN, "/lang en")
    before = len(h.fake.messages(ADMIN))
    sender = Sender(h.app.bot, h.astore, render_alert, limits=Limits.unlimited(),
                    gate=DigestGate(h.astore, h.app.bot_data[SETTINGS_KEY]), admins=lambda: [ADMIN])
    seed_story(h.store, "s1")
    h.store.enqueue(USER, "s1", "send")
    read_only(h.store, True)
    try:
        await sender.drain_once()
    finally:
        read_only(h.store, False)
    assert (await settle(h, ADMIN, before + 1))[-1].startswith(start + " ")


async def test_addfeed_refusals_keep_the_fetchers_english(h: Harness, feed_server: FeedServer) -> None:
    """The SSRF guard's refusal (the real fetcher: 127.0.0.1): English as the fetcher wrote it, and in
    Russian led by what went wrong."""
    url = feed_server.url("/rss")
    english = await h.reply(ADMIN, f"/addfeed {url}")
    assert english.startswith("Not added: ") and "127.0.0.1" in english
    await russian(h)
    assert await h.reply(ADMIN, f"/addfeed {url}") == (
        "Не добавлено: бот не загружает частные адреса и ничего, кроме http(s) ("
        + english.removeprefix("Not added: ") + ")")


async def test_status_workers_in_russian(h: Harness) -> None:
    from datetime import timedelta

    now = datetime.now(UTC)
    h.store.register_worker("desk-a-11-aa01", "desk-a", 11, now - timedelta(minutes=5))
    h.store.register_worker("desk-b-22-bb02", "desk-b", 22, now - timedelta(minutes=5))
    h.store.heartbeat("desk-b-22-bb02", now - timedelta(seconds=90), 30.0)
    h.store.claim_feed("ledger", "https://ledger.example/feed.xml", "desk-a-11-aa01", now, 30.0)
    h.store.set_update_taker("desk-b-22-bb02")
    await russian(h)
    text = await h.reply(ADMIN, "/status")
    assert "Рабочих процессов: 2; обновления принимает: desk-b-22-bb02" in text
    assert "desk-a-11-aa01 (desk-a, pid 11): держит 1 ленту" in text
    assert ("desk-b-22-bb02 (desk-b, pid 22): держит 0 лент, последний сигнал 1m30s назад, принимает обновления"
            in text)
