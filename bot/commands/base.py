"""What every command handler shares: its context (`BotContext`), reading its arguments, replying.

Shared objects come from `context.bot_data` (a `BotContext`, fetched with `ctx`), never from module
globals. Arguments are read with `words` (shell-like, size-checked); a request the bot cannot do raises
`UserError`, whose message `guarded` (bot/commands/access.py) sends back as a polite reply.

Rules for every reply: user input is escaped (`e`, html.escape) before it is echoed; a reply is kept
under Telegram's 4096 characters by `fit`.
"""

from __future__ import annotations

import html
import logging
import shlex
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.gone import GoneChats
from bot.i18n import _
from bot.render import TELEGRAM_MAX_TEXT, visible_length
from rules.model import Rules

if TYPE_CHECKING:
    from watchers.store import AsyncStore

Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[object, object, None]]

log = logging.getLogger("quotewatch.commands")

BOT_DATA_KEY = "quotewatch"
MAX_ARG_CHARS = 300  # longer arguments are a paste accident; refuse them rather than echo them back
MAX_ARGS = 20
_CURLY = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


@dataclass
class BotContext:
    """What the handlers need, kept in application.bot_data[BOT_DATA_KEY]."""

    store: AsyncStore
    rules: Callable[[], Rules]
    rules_path: Path
    on_rules_changed: Callable[[], Awaitable[None]]  # reload now (off the loop); raises RulesError
    started: float  # unix time the service started (for /status uptime)
    version: str
    # Chats whose subscriptions are known to be active since they last wrote to us, so an update from them
    # needs no write to reactivate anything. The Sender forgets a chat here when it deactivates it.
    active_chats: set[int | str] = field(default_factory=set)
    # Sends one message to every admin of the bot (bot/app.py sets it; None: log only): the callable writes
    # the HTML text, called once per admin in that admin's language.
    notify_admins: Callable[[Callable[[], str]], None] | None = None
    # Chats named in the rules that blocked or removed the bot, already reported to the admins: reported
    # once, until the chat is reachable again (it writes to the bot, or is subscribed anew).
    reported_gone: set[int | str] = field(default_factory=set)
    # Chats the Sender gave up on (bot/gone.py), shared with it: a chat that is back is tried again.
    gone: GoneChats = field(default_factory=GoneChats)

    def chat_gone(self, chat_id: int | str) -> None:
        """The Sender deactivated this chat: its next update must reactivate it. A chat the rules name
        (a watch's `chats`) cannot be unsubscribed that way, so the admins are told, once."""
        self.active_chats.discard(chat_id)
        if chat_id in self.reported_gone or chat_id not in rules_chats(self.rules()):
            return
        self.reported_gone.add(chat_id)
        watches = ", ".join(w.id for w in self.rules().watches if chat_id in w.chats)
        log.warning("a chat named in the rules blocked or removed the bot: chat=%s watches=%s; alerts to it "
                    "fail until the bot is back in it (or it is taken out of the rules)", chat_id, watches)
        if self.notify_admins is not None:
            self.notify_admins(lambda: "⚠️ " + _(
                "Chat {chat}, named in the rules for {watches}, blocked or removed the bot: its alerts are not "
                "delivered. Add the bot back, or take the chat out of the rules file."
            ).format(chat=f"<code>{html.escape(str(chat_id))}</code>", watches=html.escape(watches)))

    def chat_back(self, chat_id: int | str) -> None:
        """The chat is reachable again (it wrote to the bot, or was subscribed): alerts are tried again, and
        a later loss is reported again."""
        self.reported_gone.discard(chat_id)
        self.gone.back(chat_id)


def rules_chats(rules: Rules) -> set[int | str]:
    return {c for w in rules.watches for c in w.chats}


class UserError(Exception):
    """A request we cannot do; the message (plain text) tells the user what to write instead."""


def ctx(context: Context) -> BotContext:
    value = context.bot_data[BOT_DATA_KEY]
    assert isinstance(value, BotContext)
    return value


# ---------------------------------------------------------------------------------------------------
# Arguments


def split_args(text: str) -> list[str]:
    """Shell-like words of a command's argument text; "quoted names" stay one word (curly quotes too)."""
    text = text.translate(_CURLY)
    try:
        return shlex.split(text)
    except ValueError:
        raise UserError(_('A quotation mark is not closed: write names like "Marta Kovalenko".')) from None


def arg_text(update: Update) -> str:
    """The text after the command (and its @botname), checked for size."""
    message = update.effective_message
    raw = (message.text or "") if message else ""
    rest = raw.partition(" ")[2].strip()
    if len(rest) > MAX_ARG_CHARS:
        raise UserError(_("That is {n} characters of arguments; keep it under {limit}.").format(
            n=len(rest), limit=MAX_ARG_CHARS))
    return rest


def loose_words(update: Update) -> list[str]:
    """The words after the command, split on spaces only: for /quotes and /search, where an apostrophe
    (Russia's, don’t) is part of a word, not the start of a quotation."""
    parts = arg_text(update).translate(_CURLY).split()
    if len(parts) > MAX_ARGS:
        raise UserError(_("Too many words ({n}); at most {limit}.").format(n=len(parts), limit=MAX_ARGS))
    return parts


def words(update: Update) -> list[str]:
    parts = split_args(arg_text(update))
    if len(parts) > MAX_ARGS:
        raise UserError(_("Too many arguments ({n}); at most {limit}.").format(n=len(parts), limit=MAX_ARGS))
    return parts


# ---------------------------------------------------------------------------------------------------
# Replies


def fit(lines: Sequence[str], footer: str = "") -> str:
    """Join reply lines, dropping lines from the end (with a note) to stay under Telegram's limit."""
    out: list[str] = []
    for i, line in enumerate(lines):
        candidate = "\n".join([*out, line])
        more = "… " + _("{n} more not shown").format(n=len(lines) - i)
        rest = "\n" + more if i < len(lines) - 1 else ""
        if visible_length(candidate + rest + footer) > TELEGRAM_MAX_TEXT - 40:
            out.append(more)
            break
        out.append(line)
    return "\n".join(out) + footer


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=markup, do_quote=False,
    )
