"""Admin commands that say what they change and can be undone (issue #16 item 5): /untrack lists the watches
and chats it affects and asks first (inline buttons), its answer gives the commands that put the speaker
back; /watch and /unwatch move speakers in and out of an existing watch; every change is logged with who
made it. The harness is tests/test_bot_commands.py's: a real Application long-polling the fake Bot API."""

from __future__ import annotations

import asyncio
import html
import logging
import re
from pathlib import Path

import pytest

from tests import test_bot_commands as harness
from tests.fake_telegram import FakeMessage
from tests.test_bot_commands import ADMIN, RULES, USER, Harness

h, rules_path, store = harness.h, harness.rules_path, harness.store

GROUP = -1001234567003


def two_speaker_rules(h: Harness, rules_path: Path) -> None:
    text = RULES.replace('speakers = ["kovalenko"]', f'speakers = ["kovalenko", "marek"]\nchats = [{GROUP}]')
    rules_path.write_text(text, encoding="utf-8")
    h.holder.reload()


async def edited(h: Harness, chat: int, message: FakeMessage, edits: int = 1) -> str:
    for _ in range(500):
        if message.edits >= edits:
            return message.text
        await asyncio.sleep(0.01)
    raise AssertionError(f"message {message.message_id} was not edited: {message.text!r}")


def buttons(message: FakeMessage) -> list[str]:
    markup = message.reply_markup or {}
    return [b["callback_data"] for row in markup.get("inline_keyboard", []) for b in row]


async def test_untrack_asks_first_and_cancel_changes_nothing(h: Harness, rules_path: Path) -> None:
    two_speaker_rules(h, rules_path)
    h.store.subscribe(USER, "grain-watch")
    h.store.subscribe(-1009, "grain-watch")
    before = rules_path.read_text()
    [ask] = await h.ask(ADMIN, "/untrack kovalenko")
    assert "Untrack Marta Kovalenko (kovalenko)?" in ask.text
    assert "watch grain-watch: 3 chat(s)" in ask.text  # the rules' group and the two subscribers
    assert str(GROUP) in ask.text and str(USER) in ask.text and "-1009" in ask.text
    assert buttons(ask) == ["untrack:kovalenko", "cancel:untrack"]
    assert rules_path.read_text() == before  # nothing yet
    h.fake.user_presses(ADMIN, ask.message_id, "cancel:untrack", user_id=ADMIN)
    assert "Cancelled: nothing changed." in await edited(h, ADMIN, ask)
    assert rules_path.read_text() == before and buttons(ask) == []


async def test_only_an_admin_can_confirm(h: Harness, rules_path: Path) -> None:
    two_speaker_rules(h, rules_path)
    before = rules_path.read_text()
    [ask] = await h.ask(ADMIN, "/untrack kovalenko")
    h.fake.user_presses(ADMIN, ask.message_id, "untrack:kovalenko", user_id=USER)  # somebody else's tap
    for _ in range(300):
        if any(c.status == 200 for c in h.fake.calls_to("answerCallbackQuery")):
            break
        await asyncio.sleep(0.01)
    [answer] = [c for c in h.fake.calls_to("answerCallbackQuery") if c.status == 200]
    assert "only the bot's admins" in answer.params.get("text", "")
    assert rules_path.read_text() == before and ask.edits == 0


async def test_confirmed_untrack_says_how_to_undo_and_the_undo_works(
    h: Harness, rules_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="quotewatch.commands")
    two_speaker_rules(h, rules_path)
    speaker = h.holder.rules.speaker("kovalenko")
    watch = h.holder.rules.watches[0]
    [ask] = await h.ask(ADMIN, "/untrack kovalenko")
    h.fake.user_presses(ADMIN, ask.message_id, "untrack:kovalenko", user_id=ADMIN)
    done = await edited(h, ADMIN, ask)
    assert "No longer tracking kovalenko. To undo:" in done
    assert h.holder.rules.speaker("kovalenko") is None
    assert h.holder.rules.watches[0].speakers == ("marek",)
    assert "rules changed: /untrack kovalenko (confirmed) by user 1000 (Dana" in caplog.text
    # the answer's commands, as sent, put everything back
    undo = [html.unescape(c) for c in re.findall(r"<code>(/.*?)</code>", ask.html or "")]
    assert undo == ['/track kovalenko "Marta Kovalenko" Kovalenko "agriculture minister"',
                    "/watch grain-watch kovalenko"]
    for command in undo:
        await h.reply(ADMIN, command)
    assert h.holder.rules.speaker("kovalenko") == speaker
    assert set(h.holder.rules.watches[0].speakers) == set(watch.speakers)
    assert h.holder.rules.watches[0].chats == watch.chats
    assert "rules changed: /watch grain-watch kovalenko by user 1000" in caplog.text


async def test_unwatch_and_watch_move_a_speaker_out_and_back(h: Harness, rules_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="quotewatch.commands")
    two_speaker_rules(h, rules_path)
    answer = await h.reply(ADMIN, "/unwatch grain-watch marek")
    assert answer == "Took marek out of watch grain-watch; /watch grain-watch marek puts them back."
    assert h.holder.rules.watches[0].speakers == ("kovalenko",)
    assert "# Test rules" in rules_path.read_text()  # comments kept
    assert "no speakers left" in await h.reply(ADMIN, "/unwatch grain-watch kovalenko")
    assert "is not in watch" in await h.reply(ADMIN, "/unwatch grain-watch voskov")
    assert "now has marek too" in await h.reply(ADMIN, "/watch grain-watch marek")
    assert h.holder.rules.watches[0].speakers == ("kovalenko", "marek")
    assert "already" in await h.reply(ADMIN, "/watch grain-watch marek")
    assert "rules edit refused: /watch grain-watch marek by user 1000" in caplog.text


async def test_unwatch_of_a_whole_watch_says_who_loses_it_and_how_to_undo(h: Harness, rules_path: Path) -> None:
    h.store.subscribe(USER, "grain-watch")
    answer = await h.reply(ADMIN, "/unwatch grain-watch")
    assert "Watch grain-watch removed. 1 subscribed chat(s)" in answer
    assert "To undo: /watch grain-watch kovalenko grain" in answer
    await h.reply(ADMIN, "/watch grain-watch kovalenko grain")
    watch = h.holder.rules.watches[-1]
    assert (watch.id, watch.speakers, watch.topics) == ("grain-watch", ("kovalenko",), ("grain",))


async def test_untrack_of_a_speaker_in_no_watch_goes_at_once(h: Harness) -> None:
    await h.reply(ADMIN, '/track tamm "Liis Tamm"')
    answer = await h.reply(ADMIN, "/untrack tamm")
    assert answer.startswith("No longer tracking tamm. To undo:") and '/track tamm "Liis Tamm"' in answer
    assert h.holder.rules.speaker("tamm") is None
