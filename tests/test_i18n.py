"""The interface in English and Russian (bot.i18n): the catalogs are complete and compiled, no message
escapes extraction, and a chat in Russian gets every reply, the help, the menu and its alerts' labels in
Russian, end to end against the fake Bot API (tests/test_bot_commands.py's harness)."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

from bot.delivery import Sender
from bot.digest_gate import DigestGate
from bot.i18n import LANGUAGES, from_telegram
from bot.i18n_catalog import extract, problems
from bot.ratelimit import Limits
from bot.render import render_alert
from bot.settings_book import SETTINGS_KEY
from tests import test_bot_commands as harness
from tests.test_bot_commands import USER, Harness
from tests.test_delivery import seed_story
from watchers.model import Statement

h, rules_path, store = harness.h, harness.rules_path, harness.store

BOT = Path(__file__).resolve().parents[1] / "bot"
GROUP = -1001234567020


def test_the_catalogs_are_complete_and_each_mo_matches_its_po() -> None:
    """Run `python -m bot.i18n_catalog` (then translate what it lists) when this fails."""
    assert problems() == []
    assert set(LANGUAGES) == {"en", "ru"}
    assert (BOT / "locale" / "ru" / "LC_MESSAGES" / "quotewatch.mo").is_file()


def test_every_message_the_code_looks_up_reaches_the_catalog() -> None:
    """A `_()` the extractor cannot see (inside an f-string, say) would stay English in every language."""
    extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in extract() if m.id}
    looked_up: set[tuple[str, str]] = set()
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in ("_", "N_", "ngettext") and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                looked_up.add((path.name, node.args[0].value))
    assert len(looked_up) > 100
    assert {(f, m) for f, m in looked_up if m not in extracted} == set()


def test_telegram_language_codes() -> None:
    assert [from_telegram(c) for c in ("ru", "ru-RU", "RU_ru", "en-GB", "uk", "", None)] == [
        "ru", "ru", "ru", "en", "en", "en", "en"]


async def says(h: Harness, chat: int, text: str, *, code: str | None = "ru", user_id: int | None = None,
               chat_type: str | None = None) -> str:
    before = len(h.fake.messages(chat))
    h.fake.user_says(chat, text, user_id=user_id, chat_type=chat_type, language_code=code)
    for _ in range(500):
        if len(h.fake.messages(chat)) > before:
            return h.fake.messages(chat)[-1].text
        await asyncio.sleep(0.01)
    raise AssertionError(f"no reply to {text!r}")


async def test_a_russian_user_gets_russian_replies_help_and_alert_labels(h: Harness) -> None:
    assert "Я слежу за новостными лентами" in await says(h, USER, "/start")
    help_text = await says(h, USER, "/help")
    assert help_text.startswith("Команды") and "Последние заявления автора." in help_text
    assert await says(h, USER, "/subscribe grain-watch") == "Подписка оформлена: grain-watch."
    assert "Нет подписки nothing" in await says(h, USER, "/subscribe nothing")
    assert "Я не знаю команды /frobnicate." in await says(h, USER, "/frobnicate")
    assert "Кавычка не закрыта" in await says(h, USER, '/subscribe "grain')
    assert await says(h, USER, "/track x X") == "Простите, менять правила могут только администраторы бота."
    settings = await says(h, USER, "/settings")
    assert "Настройки этого чата" in settings and "🌐 Язык: Русский" in settings
    assert h.store.chat_settings(USER) == {"lang": "ru"}  # kept: the chat's alerts follow it
    # an alert to that chat, its labels in Russian
    seed_story(h.store, "s1", outlets=("The Harbour Ledger", "Northport Courier", "Island Times", "Coastwatch",
                                       "Quay Daily", "Pier Post", "Dock Herald", "Tide Review", "Breakwater News"))
    h.store.add_statements("s1-the-harbour-ledger-0", h.store.get_story("s1").first_seen, [  # type: ignore[union-attr]
        (Statement("the levy would be dropped next year", 0, 10, "indirect", "Marta Kovalenko", "kovalenko"), "s1", False)])
    h.store.enqueue(USER, "s1", "send")
    h.store.enqueue(-5, "s1", "send")  # and one to a chat that never chose: English
    await Sender(h.app.bot, h.astore, render_alert, limits=Limits.unlimited(),
                 gate=DigestGate(h.astore, h.app.bot_data[SETTINGS_KEY])).drain_once()
    ru = h.fake.messages(USER)[-1].text
    en = h.fake.messages(-5)[-1].text
    assert "\nпересказ: the levy would be dropped next year\n" in ru
    assert "\nparaphrase: the levy would be dropped next year\n" in en
    assert ru.endswith("📰 Также Northport Courier, Island Times, Coastwatch, Quay Daily, Pier Post, Dock Herald "
                       "и ещё 2 издания")
    assert en.endswith("📰 Also Northport Courier, Island Times, Coastwatch, Quay Daily, Pier Post, Dock Herald "
                       "and 2 more outlets")


async def test_lang_switches_a_group_and_a_group_follows_the_writer_until_it_chooses(h: Harness) -> None:
    h.fake.chat(GROUP, "supergroup", "Quay Talk", admins={77})
    assert (await says(h, GROUP, "/help", user_id=77)).startswith("Команды")  # not chosen: the writer's language
    assert (await says(h, GROUP, "/help", user_id=78, code="en")).startswith("Commands")
    assert h.store.chat_settings(GROUP) == {}  # a group keeps no language it did not choose
    assert await says(
        h, GROUP, "/lang en", user_id=78) == "Настройки этого чата могут менять только его администраторы."
    assert "Language: English" in await says(h, GROUP, "/lang en", user_id=77)
    assert (await says(h, GROUP, "/help", user_id=78)).startswith("Commands")  # chosen: for everyone
    assert "🌐 Язык: Русский" in await says(h, GROUP, "/lang ru", user_id=77, code="en")


async def test_the_settings_button_switches_the_language(h: Harness) -> None:
    before = len(h.fake.messages(USER))
    h.fake.user_says(USER, "/settings", language_code="en")
    for _ in range(500):
        if len(h.fake.messages(USER)) > before:
            break
        await asyncio.sleep(0.01)
    shown = h.fake.messages(USER)[-1]
    assert "Settings of this chat" in shown.text
    h.fake.user_presses(USER, shown.message_id, "set:lang")
    for _ in range(500):
        if "Настройки этого чата" in h.fake.chat(USER).messages[shown.message_id].text:
            break
        await asyncio.sleep(0.01)
    assert "Настройки этого чата" in h.fake.chat(USER).messages[shown.message_id].text
    assert h.fake.calls_to("answerCallbackQuery")[-1].params["text"] == "Сохранено."


async def test_the_menu_is_published_in_each_language(h: Harness) -> None:
    menus = h.fake.menus
    assert set(menus) == {"", "ru"}
    english = {c["command"]: c["description"] for c in menus[""]}
    russian = {c["command"]: c["description"] for c in menus["ru"]}
    assert english.keys() == russian.keys() and "settings" in english and "lang" in english
    assert english["quotes"] == "Latest statements of a speaker." and russian["quotes"] == "Последние заявления автора."


def test_the_search_hints_of_the_store_layer_are_translated() -> None:
    from bot.i18n import _, language
    from watchers.store.query import query_hint

    for query in ("-ferry", "OR"):
        hint = query_hint(query)
        assert hint is not None
        with language("ru"):
            assert _(hint) != hint
