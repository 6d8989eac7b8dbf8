"""The language of the replies to an update, from the chat's settings or the user's Telegram language.

`guarded` (access.py) and the button handlers call `chat_language` first, so every reply, refusal and
help text of the update is written in it (bot.i18n's context variable). A private chat that never chose
keeps its user's Telegram language as its `lang` the first time, so its alerts follow it too; a group
or channel is English until its administrators choose (/lang ru), whoever writes in it.
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType

from bot.commands.base import Context
from bot.i18n import from_telegram, set_language
from bot.settings_book import SETTINGS_KEY, SettingsBook


def book(context: Context) -> SettingsBook:
    value = context.bot_data[SETTINGS_KEY]
    assert isinstance(value, SettingsBook)
    return value


async def chat_language(update: Update, context: Context, *, remember: bool = True) -> str:
    """Set (and return) the language of the replies to this update. `remember`: a private chat that never
    chose keeps its user's language (False for a chat the bot does not serve: nothing is stored for it)."""
    chat, user = update.effective_chat, update.effective_user
    code = user.language_code if user is not None else None
    lang = None
    if chat is not None and SETTINGS_KEY in context.bot_data:
        lang = (await book(context).get(chat.id)).lang
        if lang is None and remember and chat.type == ChatType.PRIVATE and code:
            lang = from_telegram(code)
            await book(context).update(chat.id, lang=lang)
    set_language(lang or from_telegram(code))
    return lang or from_telegram(code)
