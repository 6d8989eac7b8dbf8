"""The fake Bot API server behaves like Telegram for python-telegram-bot's own Bot."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)

from tests.fake_telegram import TOKEN, FakeTelegram, FloodLimits, HtmlError, parse_html


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(max_poll_timeout=0.5) as server:
        yield server


async def test_get_me_and_send_message_are_recorded(fake: FakeTelegram, bot: Bot) -> None:
    assert bot.username == "quotewatch_test_bot"
    message = await bot.send_message(
        42, "<b>Hello</b> &amp; welcome", parse_mode="HTML",
        link_preview_options=LinkPreviewOptions(is_disabled=True),
    )
    assert message.text == "Hello & welcome"
    assert message.entities[0].type == "bold"
    assert [m.text for m in fake.messages(42)] == ["Hello & welcome"]
    call = fake.calls_to("sendMessage")[0]
    assert call.params["chat_id"] == 42 and call.params["link_preview_options"] == {"is_disabled": True}


async def test_edit_changes_the_same_message_and_same_text_is_not_modified(fake: FakeTelegram, bot: Bot) -> None:
    first = await bot.send_message(7, "one")
    await bot.edit_message_text("two", chat_id=7, message_id=first.message_id)
    assert [m.text for m in fake.messages(7)] == ["two"]
    with pytest.raises(BadRequest, match="(?i)not modified"):
        await bot.edit_message_text("two", chat_id=7, message_id=first.message_id)
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", chat_id=7, message_id=999)


async def test_unknown_method_is_not_found(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(EndPointNotFound):  # what PTB makes of Telegram's 404
        await bot.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    assert fake.calls[-1].status == 404


async def test_wrong_token_is_refused(fake: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        await Bot("999:wrong-token", base_url=fake.base_url).initialize()


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBUserWarning")  # raw calls on purpose
async def test_parameters_are_checked_against_the_spec(fake: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)unknown parameter"):
        await bot.do_api_request("sendMessage", api_kwargs={"chat_id": 1, "text": "x", "colour": "red"})
    with pytest.raises(BadRequest, match="(?i)text is empty"):
        await bot.do_api_request("sendMessage", api_kwargs={"chat_id": 1})
    with pytest.raises(BadRequest, match="(?i)must be of type Integer"):
        await bot.do_api_request("getChatMember", api_kwargs={"chat_id": 1, "user_id": "abc"})
    with pytest.raises(BadRequest, match="(?i)unknown field"):
        await bot.do_api_request("sendMessage", api_kwargs={
            "chat_id": 1, "text": "x", "link_preview_options": {"is_disabled": True, "shiny": 1}})


async def test_set_my_commands_and_keyboards(fake: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand("help", "What this bot does")])
    assert fake.commands == [{"command": "help", "description": "What this bot does"}]
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="sub:a")]])
    message = await bot.send_message(3, "pick", reply_markup=keyboard)
    fake.user_presses(3, message.message_id, "sub:a")
    updates = await bot.get_updates(timeout=1)
    assert updates[-1].callback_query is not None and updates[-1].callback_query.data == "sub:a"


async def test_get_updates_long_polls_and_honours_offset(fake: FakeTelegram, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    fake.user_says(-100, "/subscribe peskov-energy", user_id=11, chat_type="group")
    updates = await poll
    assert updates[0].message.text == "/subscribe peskov-energy"
    assert updates[0].message.from_user.id == 11 and updates[0].message.chat.type == "group"
    assert updates[0].message.entities[0].type == "bot_command"
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()


async def test_chat_faults(fake: FakeTelegram, bot: Bot) -> None:
    fake.block(5)
    with pytest.raises(Forbidden, match="(?i)blocked by the user"):
        await bot.send_message(5, "x")
    fake.kick(-6)
    with pytest.raises(Forbidden, match="(?i)kicked from the group"):
        await bot.send_message(-6, "x")
    fake.forget(-7)
    with pytest.raises(BadRequest, match="(?i)[Cc]hat not found"):
        await bot.send_message(-7, "x")
    fake.migrate(-8, -1008)
    with pytest.raises(ChatMigrated) as migrated:
        await bot.send_message(-8, "x")
    assert migrated.value.new_chat_id == -1008
    await bot.send_message(-1008, "hello supergroup")
    assert [m.text for m in fake.messages(-1008)] == ["hello supergroup"]


async def test_down_then_up(fake: FakeTelegram, bot: Bot) -> None:
    fake.set_down("503")
    with pytest.raises(NetworkError):
        await bot.send_message(1, "x")
    fake.set_down("drop")
    with pytest.raises(NetworkError):
        await bot.send_message(1, "x")
    fake.set_down(None)
    await bot.send_message(1, "back")
    assert [m.text for m in fake.messages(1)] == ["back"]


async def test_chat_members(fake: FakeTelegram, bot: Bot) -> None:
    fake.chat(-50, "supergroup", admins={77})
    assert (await bot.get_chat_member(-50, 77)).status == "administrator"
    assert (await bot.get_chat_member(-50, 78)).status == "member"
    assert [m.user.id for m in await bot.get_chat_administrators(-50)] == [77]
    assert (await bot.get_chat(-50)).type == "supergroup"


async def test_private_chat_rate_limit_allows_a_short_burst_then_429(fake: FakeTelegram, bot: Bot) -> None:
    fake.enforce_limits = True
    burst = FloodLimits().private_burst
    for i in range(burst):
        await bot.send_message(9, f"m{i}")
    with pytest.raises(RetryAfter) as limited:
        await bot.send_message(9, "one too many")
    assert limited.value.retry_after >= 1
    assert fake.rate_limited == 1
    await bot.send_message(10, "another chat is not affected")


async def test_group_rate_limit_per_minute() -> None:
    fake = FakeTelegram(limits=FloodLimits(group_per_minute=3), enforce_limits=True)
    async with fake, Bot(TOKEN, base_url=fake.base_url) as b:
        for i in range(3):
            await b.send_message(-20, f"g{i}")
        with pytest.raises(RetryAfter):
            await b.send_message(-20, "fourth")


@pytest.mark.parametrize(
    "text",
    [
        "<br>", "<b>bold", "</b>", "<b><i>x</b></i>", "AT&T", "&nbsp;", "<a>no href</a>",
        '<span class="x">s</span>', "<script>alert(1)</script>", "<pre><b>x</b></pre>", "1 < 2",
    ],
)
def test_html_validator_refuses_what_telegram_refuses(text: str) -> None:
    with pytest.raises(HtmlError):
        parse_html(text)


def test_html_validator_accepts_the_subset() -> None:
    text, entities = parse_html(
        '<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike>'
        '<del>d</del><span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler>'
        '<a href="https://example.org/?a=1&amp;b=2">l</a><code>c</code><pre><code class="language-py">x'
        '</code></pre><blockquote expandable>bq</blockquote><tg-emoji emoji-id="5368324170671202286">👍'
        "</tg-emoji> &lt;&gt;&amp;&quot;&#39;&#x1F600;"
    )
    assert text.endswith(" <>&\"'😀")
    assert {e["type"] for e in entities} >= {"bold", "italic", "text_link", "pre", "expandable_blockquote"}
    assert next(e for e in entities if e["type"] == "text_link")["url"] == "https://example.org/?a=1&b=2"


async def test_message_length_is_counted_after_entity_parsing(bot: Bot, fake: FakeTelegram) -> None:
    await bot.send_message(2, "<b>" + "&amp;" * 4096 + "</b>", parse_mode="HTML")  # 4096 visible chars
    with pytest.raises(BadRequest, match="(?i)too long"):
        await bot.send_message(2, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)too long"):
        await bot.send_message(2, "😀" * 2049)  # 4098 UTF-16 code units
