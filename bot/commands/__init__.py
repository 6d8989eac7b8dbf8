"""Telegram command handlers, one module per family. Registration (and what order matters) is in
bot/app.py, which registers `COMMANDS` (each wrapped in `guarded`), `on_any_update` and `on_button`.

    base.py           BotContext (in bot_data), UserError, reading arguments, replying (escape, fit)
    access.py         who may do what: allowlist, admins, group administrators; `guarded`; reactivation
    registry.py       the command list (/help's order, the menu), /start and /help
    subscriptions.py  /watches /subscribe /unsubscribe /subscriptions and the subscription buttons
    queries.py        /quotes /search, and finding a speaker from a loose name
    status.py         /status
    admin.py          /reload and the rule edits: /track /untrack /alias /watch /unwatch /mute, and the
                      confirmation buttons (`on_admin_button`, "untrack:" / "cancel:" data)
    settings.py       a chat's own settings: /settings (and its buttons) /pause /resume /quiet /digest /lang
    settings_lang.py  the language of the replies to an update (the chat's, else the user's)
    feeds.py          /addfeed /removefeed (a new feed fetched once through the service's fetcher)

Every handler: `async def cmd_x(update, context) -> None` with a one-line docstring, which is also the
command's description in Telegram's menu and in /help. Shared objects come from `context.bot_data`
(a `BotContext`), never from module globals.

Rules for every reply: user input is escaped (html.escape) before it is echoed; an oversized or
malformed argument gets a message saying how to write it, never a traceback; a reply is kept under
Telegram's 4096 characters by `fit`.
"""

from bot.commands.access import guarded, on_any_update
from bot.commands.admin import on_admin_button
from bot.commands.base import BOT_DATA_KEY, BotContext, UserError, split_args
from bot.commands.queries import find_speaker, parse_window
from bot.commands.registry import COMMANDS, Command, on_plain_text, on_unknown_command
from bot.commands.subscriptions import on_button

__all__ = [
    "BOT_DATA_KEY",
    "COMMANDS",
    "BotContext",
    "Command",
    "UserError",
    "find_speaker",
    "guarded",
    "on_admin_button",
    "on_any_update",
    "on_button",
    "on_plain_text",
    "on_unknown_command",
    "parse_window",
    "split_args",
]
