"""Channels and groups end to end (issue #16): commands posted in a channel, /subscribe @channel from a
private chat (getChatMember for the user and for the bot), anonymous group administrators, a chat named in
the rules that removed the bot; and what people type: search with apostrophes, OR and -word, one entry per
statement, pointers to /help, edited messages, ids in any case. The harness is tests/test_bot_commands.py's:
a real PTB Application long-polling the fake Bot API."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.delivery import Sender
from bot.ratelimit import Limits
from bot.render import render_alert
from tests import test_bot_commands as harness
from tests.test_bot_commands import ADMIN, RULES, USER, Harness, bot_context
from tests.test_delivery import add_source, seed_story

# The fixtures of tests/test_bot_commands.py: the fake Bot API, the Application, the store, the rules file.
h, rules_path, store = harness.h, harness.rules_path, harness.store

CHANNEL = -1001234567001
GROUP = -1001234567002


async def settle(h: Harness, chat_id: int | str, count: int) -> list[str]:
    """The bot's messages in a chat once there are `count` of them."""
    for _ in range(500):
        texts = [m.text for m in h.fake.messages(chat_id)]
        if len(texts) >= count:
            return texts
        await asyncio.sleep(0.01)
    raise AssertionError(f"{count} message(s) expected in {chat_id}, got {h.fake.messages(chat_id)}")


async def idle(h: Harness) -> None:
    """Until every update the fake holds was fetched and handled (chats are handled side by side, so a
    later command's answer in another chat proves nothing about this one: bot/updates.py)."""
    processor = h.app.update_processor
    for _ in range(500):
        if not h.fake.updates and h.app.update_queue.empty() and processor.current_concurrent_updates == 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the bot did not get through its updates")


async def no_reply(h: Harness, chat_id: int | str, before: int) -> None:
    """Give the bot time to (wrongly) answer, then check it did not: a later command's answer proves the
    update was handled (in its own chat; `idle` for the others)."""
    assert "Commands" in await h.reply(USER, "/help")
    await idle(h)
    assert len(h.fake.messages(chat_id)) == before


# -- channels


async def test_a_channel_admin_subscribes_the_channel_from_inside_it(h: Harness) -> None:
    h.fake.chat(CHANNEL, "channel", "Harbour Desk", admins={USER}, username="harbour_desk")
    h.fake.channel_posts(CHANNEL, "/subscribe grain-watch")
    [answer] = await settle(h, CHANNEL, 1)
    assert "Subscribed to grain-watch" in answer
    assert h.store.subscriptions(CHANNEL) == ["grain-watch"]
    h.fake.channel_posts(CHANNEL, "/watches")
    assert "✅ grain-watch" in (await settle(h, CHANNEL, 2))[1]


async def test_subscribe_a_channel_from_a_private_chat_as_its_admin(h: Harness) -> None:
    h.fake.chat(CHANNEL, "channel", "Harbour Desk", admins={USER}, username="harbour_desk")
    answer = await h.reply(USER, "/subscribe @harbour_desk GRAIN-watch")
    assert answer == "Subscribed Harbour Desk to grain-watch."
    assert h.store.subscriptions(CHANNEL) == ["grain-watch"] and h.store.subscriptions(USER) == []
    members = [c.params for c in h.fake.calls_to("getChatMember")]
    assert {"chat_id": CHANNEL, "user_id": USER} in members  # the user administers it
    assert {"chat_id": CHANNEL, "user_id": h.app.bot.id} in members  # and the bot may post there
    # an alert to the channel arrives there
    seed_story(h.store, "s1")
    for chat in h.store.subscribers("grain-watch"):
        h.store.enqueue(chat, "s1", "send")
    await Sender(h.app.bot, h.astore, render_alert, limits=Limits.unlimited()).drain_once()
    assert "We will not tax the harvest twice." in h.fake.messages(CHANNEL)[-1].text
    assert "Unsubscribed Harbour Desk from grain-watch" in await h.reply(USER, "/unsubscribe @harbour_desk")
    assert h.store.subscriptions(CHANNEL) == []


async def test_subscribe_a_channel_is_refused_to_a_non_admin_and_where_the_bot_cannot_post(h: Harness) -> None:
    channel = h.fake.chat(CHANNEL, "channel", "Harbour Desk", admins={ADMIN + 1}, username="harbour_desk")
    answer = await h.reply(USER, "/subscribe @harbour_desk grain-watch")
    assert answer == "Only the administrators of Harbour Desk can change its subscriptions."
    channel.admins.add(USER)
    channel.bot_status = "member"  # in the channel, but not an administrator: it cannot post
    assert "I cannot post in Harbour Desk" in await h.reply(USER, "/subscribe @harbour_desk grain-watch")
    assert "I cannot find @nobody_here" in await h.reply(USER, "/subscribe @nobody_here grain-watch")
    channel.bot_status = None
    assert "Name the watches" in await h.reply(USER, "/subscribe @harbour_desk")
    assert h.store.subscriptions(CHANNEL) == []
    # the bot's admins may subscribe any chat the bot can post in
    assert "Subscribed Harbour Desk" in await h.reply(ADMIN, "/subscribe @harbour_desk port-watch")


# -- groups


async def test_an_anonymous_group_admin_is_recognised(h: Harness) -> None:
    h.fake.chat(GROUP, "supergroup", "Quay Talk", admins={77})
    h.fake.user_says(GROUP, "/subscribe grain-watch", anonymous=True)
    assert "Subscribed to grain-watch" in (await settle(h, GROUP, 1))[0]
    assert h.store.subscriptions(GROUP) == ["grain-watch"]
    # a plain member still cannot
    answer = await h.reply(GROUP, "/unsubscribe grain-watch", user_id=USER)
    assert "only this group's administrators" in answer and h.store.subscriptions(GROUP) == ["grain-watch"]


async def test_a_rules_chat_that_removed_the_bot_is_reported_to_the_admins_once(
    h: Harness, rules_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    rules_path.write_text(RULES.replace('id = "port-watch"', f'id = "port-watch"\nchats = [{GROUP}]'),
                          encoding="utf-8")
    h.holder.reload()
    h.fake.chat(GROUP, "supergroup", "Quay Talk").bot_status = "kicked"
    sender = Sender(h.app.bot, h.astore, render_alert, limits=Limits.unlimited(),  # wired as the service does
                    on_chat_gone=bot_context(h).chat_gone, gone=bot_context(h).gone,
                    on_chat_back=bot_context(h).chat_back)
    for n in range(3):
        seed_story(h.store, f"s{n}", speaker_id="voskov", speaker="Dmitri Voskov")
        h.store.enqueue(GROUP, f"s{n}", "send")
        await sender.drain_once()
    [notice] = await settle(h, ADMIN, 1)
    assert str(GROUP) in notice and "port-watch" in notice and "removed the bot" in notice
    await h.reply(USER, "/help")
    assert len(h.fake.messages(ADMIN)) == 1  # once, not once per alert
    assert caplog.text.count("a chat named in the rules blocked or removed the bot") == 1
    # added back to the group, then removed again: that is news again
    h.fake.bot_membership_changes(GROUP, "member", user_id=77)
    await idle(h)  # the membership update handled
    h.fake.chat(GROUP).bot_status = "kicked"
    seed_story(h.store, "s9", speaker_id="voskov", speaker="Dmitri Voskov")
    h.store.enqueue(GROUP, "s9", "send")
    await sender.drain_once()
    assert len(await settle(h, ADMIN, 2)) == 2


# -- what people type


async def test_search_takes_apostrophes_or_and_minus(h: Harness) -> None:
    seed_story(h.store, "s1", quotes=("Velmora's grain will not be taxed.",))
    seed_story(h.store, "s2", quotes=("We don’t plan a levy on containers.",))
    seed_story(h.store, "s3", speaker_id="voskov", speaker="Dmitri Voskov", quotes=("The quay is Velmora's pride.",))
    assert "2 result(s)" in await h.reply(USER, "/search Velmora's")
    assert "containers" in await h.reply(USER, "/search don’t")
    assert "containers" in await h.reply(USER, "/search don't")
    assert "3 result(s)" in await h.reply(USER, "/search containers OR Velmora")
    only = await h.reply(USER, "/search Velmora -quay")
    assert "1 result(s)" in only and "taxed" in only
    assert "1 result(s)" in await h.reply(USER, '/search "quay is" voskov')
    hint = await h.reply(USER, "/search -levy")
    assert hint.startswith("Add a word to look for") and "\n" not in hint and "quotation" not in hint
    assert "Search for words" in await h.reply(USER, "/search ' ( *")


async def test_one_statement_carried_by_several_outlets_is_one_entry(h: Harness) -> None:
    quote = "The harvest levy will not return this year"
    seed_story(h.store, "s1", quotes=(quote + ",",))
    for n, outlet in enumerate(("Northport Courier", "Island Times", "Coastwatch", "Quay Daily"), start=1):
        add_source(h.store, "s1", outlet, n, quotes=(quote + ".",))
    found = await h.reply(USER, "/search harvest levy")
    assert "1 result(s)" in found and found.count("harvest") == 2  # the header and the one entry
    assert "Northport Courier" in found and "and 2 more" in found
    quotes = await h.reply(USER, "/quotes Kovalenko's")
    assert "latest 1 statement(s)" in quotes and quotes.count("«") + quotes.count(quote) == 1
    assert f"“{quote}”" in quotes or f"“{quote}.”" in quotes  # no writer's comma left inside the quotes


async def test_help_is_one_line_per_command_and_strays_get_a_pointer(h: Harness) -> None:
    text = await h.reply(USER, "/help")
    lines = text.splitlines()[1:]
    assert "/quotes <speaker> [N | 24h | 7d] — Latest statements of a speaker." in lines
    assert all(line.count("/") <= 2 for line in lines if " — " in line)  # the usage is not repeated
    assert await h.reply(USER, "/frobnicate now") == "I don't know /frobnicate. Send /help for the list of commands."
    assert "/help" in await h.reply(USER, "hello there")
    # in a group, strangers' chatter and other bots' commands get no answer
    before = len(h.fake.messages(GROUP))
    h.fake.user_says(GROUP, "hello all", user_id=USER, chat_type="supergroup")
    h.fake.user_says(GROUP, "/otherbotcommand", user_id=USER)
    await no_reply(h, GROUP, before)


async def test_an_edited_message_does_not_run_its_command_again(h: Harness) -> None:
    await h.reply(USER, "/subscribe grain-watch")
    [mine] = [m for m in h.fake.chat(USER).messages.values() if not m.from_bot and "subscribe" in m.text]
    before = len(h.fake.messages(USER))
    h.fake.user_edits(USER, mine.message_id, "/unsubscribe grain-watch")
    await no_reply(h, USER, before + 1)  # +1: the /help no_reply sends
    assert h.store.subscriptions(USER) == ["grain-watch"]


async def test_ids_match_in_any_case(h: Harness, rules_path: Path) -> None:
    assert "Subscribed to grain-watch" in await h.reply(USER, "/subscribe Grain-Watch")
    assert "Unsubscribed from grain-watch" in await h.reply(USER, "/unsubscribe GRAIN-WATCH")
    assert "muted for" in await h.reply(ADMIN, "/mute Port-Watch 2h")
    assert h.holder.rules.watches[1].muted_until is not None
    seed_story(h.store, "s1", speaker_id="voskov", speaker="Dmitri Voskov", quotes=("The quay opens in May.",))
    seed_story(h.store, "s2", quotes=("No quay levy this year.",))
    found = await h.reply(USER, "/search quay VOSKOV")
    assert "1 result(s)" in found and "by Dmitri Voskov" in found


async def test_the_fakes_chat_members_are_chat_members_of_the_spec(h: Harness) -> None:
    channel = h.fake.chat(CHANNEL, "channel", "Harbour Desk", admins={USER}, username="harbour_desk")
    kinds = {"creator": "ChatMemberOwner", "administrator": "ChatMemberAdministrator", "member": "ChatMemberMember",
             "left": "ChatMemberLeft", "kicked": "ChatMemberBanned"}
    seen = set()
    for status in (None, "member", "left", "kicked"):
        channel.bot_status = status
        for user in (USER, ADMIN, h.app.bot.id):
            member = h.fake._member(channel, user)
            h.fake.spec._check_object(member, kinds[member["status"]])  # raises on a field the spec lacks
            seen.add(member["status"])
    assert seen == {"administrator", "member", "left", "kicked"}
    channel.bot_status = None
    got = await h.app.bot.get_chat_member("@harbour_desk", h.app.bot.id)
    assert got.status == "administrator" and got.can_post_messages  # type: ignore[attr-defined]


def test_a_listed_quote_keeps_no_writers_comma_and_names_each_outlet_once() -> None:
    from datetime import UTC, datetime

    from bot.commands.queries import format_hit, group_hits
    from watchers.store import StatementHit

    now = datetime(2026, 3, 14, 16, 0, tzinfo=UTC)

    def hit(outlet: str, text: str, story: str | None = "s1") -> StatementHit:
        return StatementHit("kovalenko", "Marta Kovalenko", text, "direct", now, f"https://{outlet}.example/1",
                            "Title", outlet, story)

    hits = [hit("ledger", "We will not tax the harvest twice,"), hit("courier", "We will not tax the harvest twice."),
            hit("ledger", "We will not tax the harvest twice"), hit("courier", "Prices will hold all winter,"),
            hit("times", "We will not tax the harvest twice.", story=None)]
    groups = group_hits(hits, 10)
    assert [[h.outlet for h in g] for g in groups] == [["ledger", "courier"], ["courier"], ["times"]]
    text = format_hit(groups[0], now)
    assert text.startswith("“We will not tax the harvest twice”") and text.count(">ledger</a>") == 1
    assert '<a href="https://courier.example/1">courier</a>' in text
    assert format_hit(groups[1], now).startswith("“Prices will hold all winter”")
    assert len(group_hits(hits, 2)) == 2


async def test_a_channel_reader_cannot_toggle_the_channels_subscriptions_with_a_button(h: Harness) -> None:
    h.fake.chat(CHANNEL, "channel", "Harbour Desk", admins={USER}, username="harbour_desk")
    h.fake.channel_posts(CHANNEL, "/subscriptions")
    await settle(h, CHANNEL, 1)
    [picker] = h.fake.messages(CHANNEL)
    reader = 4242
    h.fake.user_presses(CHANNEL, picker.message_id, "tog:grain-watch", user_id=reader)
    h.fake.user_presses(CHANNEL, picker.message_id, "tog:port-watch", user_id=USER)
    for _ in range(300):
        if h.store.subscriptions(CHANNEL):
            break
        await asyncio.sleep(0.01)
    assert h.store.subscriptions(CHANNEL) == ["port-watch"]  # the admin's tap, not the reader's
