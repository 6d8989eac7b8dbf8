"""The command list: every command's name, usage and handler, in /help's order. bot/app.py registers
them and builds Telegram's command menu from them; /help (here, since it lists them) prints them.

A command's description, in the menu and in /help, is the first line of its handler's docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Update

from bot.commands.access import is_admin
from bot.commands.admin import cmd_alias, cmd_mute, cmd_reload, cmd_track, cmd_untrack, cmd_unwatch, cmd_watch
from bot.commands.base import Context, Handler, ctx, e, fit, reply
from bot.commands.feeds import cmd_addfeed, cmd_removefeed
from bot.commands.queries import cmd_quotes, cmd_search
from bot.commands.settings import cmd_digest, cmd_lang, cmd_pause, cmd_quiet, cmd_resume, cmd_settings
from bot.commands.status import cmd_status
from bot.commands.subscriptions import cmd_subscribe, cmd_subscriptions, cmd_unsubscribe, cmd_watches
from bot.i18n import _


async def cmd_start(update: Update, context: Context) -> None:
    """Introduce the bot and how to subscribe."""
    chat = update.effective_chat
    if chat is not None:
        await ctx(context).store.reactivate_chat(chat.id)
    await reply(update, _(
        "I watch news feeds for <b>statements by the people you track</b> and post one alert per "
        "statement, with the key quotes and every outlet that carried it.\n\n"
        "/watches lists what can be followed; /subscribe &lt;watch&gt; starts the alerts here.\n"
        "/settings: sound, pause, quiet hours, a digest instead of single alerts, language.\n"
        "/help lists every command."
    ))


async def cmd_help(update: Update, context: Context) -> None:
    """List the commands."""
    lines = ["<b>" + e(_("Commands")) + "</b>"]
    admin = is_admin(update, context)
    for command in COMMANDS:
        if command.admin and not admin:
            continue
        lines.append(f"{e(command.usage)} — {e(_(command.description))}")
    if not admin:
        lines.append("\n" + e(_("Admins can also edit the rules (/track, /alias, /mute …).")))
    await reply(update, fit(lines))


HELP_POINTER = "Send /help for the list of commands."  # looked up with _() where it is written


async def on_unknown_command(update: Update, context: Context) -> None:
    """A command the bot does not have (in a private chat): one line pointing to /help."""
    message = update.effective_message
    command = (message.text or "").split()[0].partition("@")[0] if message and message.text else ""
    unknown = _("I don't know {command}.").format(command=e(command[:40])) if command else _("I don't know that command.")
    await reply(update, f"{unknown} {e(_(HELP_POINTER))}")


async def on_plain_text(update: Update, context: Context) -> None:
    """Plain text in a private chat: the bot answers commands only, so say which."""
    await reply(update, e(_("I answer commands, such as /search harbour levy.")) + " " + e(_(HELP_POINTER)))


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    handler: Handler
    admin: bool = False

    @property
    def description(self) -> str:
        return (self.handler.__doc__ or self.name).strip().splitlines()[0]


COMMANDS: tuple[Command, ...] = (
    Command("start", "/start", cmd_start),
    Command("help", "/help", cmd_help),
    Command("watches", "/watches", cmd_watches),
    Command("subscribe", "/subscribe [@channel] [watch ...]", cmd_subscribe),
    Command("unsubscribe", "/unsubscribe [@channel] [watch ...]", cmd_unsubscribe),
    Command("subscriptions", "/subscriptions", cmd_subscriptions),
    Command("quotes", "/quotes <speaker> [N | 24h | 7d]", cmd_quotes),
    Command("search", "/search <words> [speaker]", cmd_search),
    Command("settings", "/settings [setting value]", cmd_settings),
    Command("pause", "/pause", cmd_pause),
    Command("resume", "/resume [skip]", cmd_resume),
    Command("quiet", "/quiet <23:00-07:00 | off>", cmd_quiet),
    Command("digest", "/digest <off | hourly | daily [hour]>", cmd_digest),
    Command("lang", "/lang <en | ru>", cmd_lang),
    Command("status", "/status [feeds]", cmd_status, admin=True),  # feed errors quote feed URLs: admins only
    Command("reload", "/reload", cmd_reload, admin=True),
    Command("track", '/track <id> "<Full Name>" [alias ...]', cmd_track, admin=True),
    Command("untrack", "/untrack <id>", cmd_untrack, admin=True),
    Command("alias", "/alias <id> <alias>", cmd_alias, admin=True),
    Command("watch", "/watch <id> <speaker,...> [topic,...]", cmd_watch, admin=True),
    Command("unwatch", "/unwatch <id> [speaker,...]", cmd_unwatch, admin=True),
    Command("mute", "/mute <speaker|watch> <duration | off>", cmd_mute, admin=True),
    Command("addfeed", "/addfeed <url> [name]", cmd_addfeed, admin=True),
    Command("removefeed", "/removefeed <id>", cmd_removefeed, admin=True),
)
