"""A chat named in the rules that blocks or removes the bot (issue #16 item 3): marked once, reported to the
admins once, not tried again on every alert, across a restart too, until it is reachable again (the bot is
added back, or the periodic probe finds it back). The harness is tests/test_bot_commands.py's."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.delivery import Sender
from bot.gone import GoneChats
from bot.ratelimit import Limits
from bot.render import render_alert
from tests import test_bot_commands as harness
from tests.test_bot_chats import idle, settle
from tests.test_bot_commands import ADMIN, RULES, Harness, bot_context
from tests.test_delivery import seed_story

h, rules_path, store = harness.h, harness.rules_path, harness.store

GROUP = -1001234567002


def sender_for(h: Harness, gone: GoneChats | None = None) -> Sender:
    """A Sender wired as the service wires it."""
    qw = bot_context(h)
    return Sender(h.app.bot, h.astore, render_alert, limits=Limits.unlimited(), on_chat_gone=qw.chat_gone,
                  gone=gone if gone is not None else qw.gone, on_chat_back=qw.chat_back)


def rules_with_group(h: Harness, rules_path: Path) -> None:
    rules_path.write_text(RULES.replace('id = "port-watch"', f'id = "port-watch"\nchats = [{GROUP}]'),
                          encoding="utf-8")
    h.holder.reload()


def alert(h: Harness, n: int) -> None:
    seed_story(h.store, f"s{n}", speaker_id="voskov", speaker="Dmitri Voskov", quotes=(f"Quay plan {n} holds.",))
    h.store.enqueue(GROUP, f"s{n}", "send")


def sends_to(h: Harness, chat: int) -> int:
    return len([c for c in h.fake.calls_to("sendMessage") if c.params["chat_id"] == chat])


async def test_a_rules_chat_that_removed_the_bot_is_not_tried_on_every_alert(
    h: Harness, rules_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rules_with_group(h, rules_path)
    h.fake.chat(GROUP, "supergroup", "Quay Talk").bot_status = "kicked"
    sender = sender_for(h)
    for n in range(5):
        alert(h, n)
        await sender.drain_once()
    assert sends_to(h, GROUP) == 1  # one request found out; the next four alerts were not tried
    assert h.store.outbox_depth() == 0 and len(h.store.dead_outbox()) == 5
    [notice] = await settle(h, ADMIN, 1)
    assert "removed the bot" in notice
    assert caplog.text.count("chat deactivated: chat=") == 1


async def test_the_mark_survives_a_restart(h: Harness, rules_path: Path) -> None:
    rules_with_group(h, rules_path)
    h.fake.chat(GROUP, "supergroup", "Quay Talk").bot_status = "kicked"
    first = sender_for(h)
    alert(h, 0)
    await first.drain_once()
    await first.gone.save(h.astore)
    # the next start: a new process with nothing in memory, on the same database
    restarted = sender_for(h, GoneChats())
    await restarted.gone.load(h.astore)
    alert(h, 1)
    await restarted.drain_once()
    assert sends_to(h, GROUP) == 1 and len(await settle(h, ADMIN, 1)) == 1


async def test_the_bot_added_back_gets_the_alerts_again(h: Harness, rules_path: Path) -> None:
    rules_with_group(h, rules_path)
    group = h.fake.chat(GROUP, "supergroup", "Quay Talk")
    group.bot_status = "kicked"
    sender = sender_for(h)
    alert(h, 0)
    await sender.drain_once()
    group.bot_status = None
    h.fake.bot_membership_changes(GROUP, "member", user_id=77)  # an admin adds the bot back
    await idle(h)
    alert(h, 1)
    await sender.drain_once()
    assert "Quay plan 1 holds." in h.fake.messages(GROUP)[-1].text


async def test_a_probe_finds_the_bot_back_in_the_group(h: Harness, rules_path: Path) -> None:
    rules_with_group(h, rules_path)
    h.store.subscribe(GROUP, "grain-watch")
    group = h.fake.chat(GROUP, "supergroup", "Quay Talk")
    group.bot_status = "kicked"
    gone = GoneChats(probe_seconds=0.0)
    bot_context(h).gone = gone
    sender = sender_for(h, gone)
    alert(h, 0)
    await sender.drain_once()
    assert h.store.subscribers("grain-watch") == []
    await sender.drain_once()  # probed: still gone
    probes = [c for c in h.fake.calls_to("getChatMember") if c.params["chat_id"] == GROUP]
    assert probes and all(c.status == 403 for c in probes)
    group.bot_status = "member"  # added back while no update told us (say, while the service was down)
    alert(h, 1)
    await sender.drain_once()
    assert "Quay plan 1 holds." in h.fake.messages(GROUP)[-1].text
    assert h.store.subscribers("grain-watch") == [GROUP]  # the group's subscriptions resume too
    assert GROUP not in bot_context(h).reported_gone  # and a later loss is reported again
