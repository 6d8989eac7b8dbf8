"""Builds the Telegram Application: handlers, the command menu, the error handler. Starts nothing.

The service (bot/service.py) owns the life cycle: it calls build_application, then initialize(),
start(), then long polling or its webhook server, and runs the outbox Sender (bot/delivery.py) beside it.

Order of registration matters in one place: the CallbackQueryHandler for subscription buttons is
separate from the commands, and every command goes through `commands.guarded` (allowlist, admin check,
UserError -> polite reply) before its handler.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    TypeHandler,
)

from bot import commands
from bot.delivery import scrub
from rules.model import Rules

if TYPE_CHECKING:
    from watchers.store import AsyncStore

log = logging.getLogger("quotewatch.bot")

SORRY = "Sorry, that failed on our side. The admins can find the details in the log."


class TokenFilter(logging.Filter):
    """Replaces the bot token in log records (httpx logs request URLs, which carry it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message, self.token)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text when it is set, so the traceback is printed scrubbed too.
            record.exc_text = scrub(logging.Formatter().formatException(record.exc_info), self.token)
        return True


def install_token_filter(token: str) -> None:
    """On the loggers that may see the token, and on the root handlers (records propagate to them)."""
    token_filter = TokenFilter(token)
    for name in ("httpx", "httpcore", "telegram", "telegram.ext", "quotewatch"):
        logging.getLogger(name).addFilter(token_filter)
    for handler in logging.getLogger().handlers:
        handler.addFilter(token_filter)


def api_urls(base_url: str) -> tuple[str, str]:
    """(base_url, base_file_url) for PTB from a Bot API server address.

    Accepts the server root ("http://localhost:8081") or PTB's form ("http://localhost:8081/bot")."""
    root = base_url.rstrip("/").removesuffix("/bot")
    return f"{root}/bot", f"{root}/file/bot"


def version() -> str:
    try:
        return metadata.version("quotewatch")
    except metadata.PackageNotFoundError:
        return "dev"


def build_application(
    token: str,
    base_url: str | None,
    store: AsyncStore,
    rules_provider: Callable[[], Rules],
    rules_path: Path,
    on_rules_changed: Callable[[], None],
    admins: set[int],
    started: float | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot's Application with every handler registered; initialize() sets the command menu."""
    install_token_filter(token)
    builder = ApplicationBuilder().token(token).application_class(QuotewatchApplication)
    if base_url:
        api, files = api_urls(base_url)
        builder = builder.base_url(api).base_file_url(files)
    application = builder.build()
    application.bot_data[commands.BOT_DATA_KEY] = commands.BotContext(
        store=store,
        rules=rules_provider,
        rules_path=rules_path,
        on_rules_changed=on_rules_changed,
        admins=frozenset(admins),
        started=started if started is not None else time.time(),
        version=version(),
    )
    # Group -1 runs before the commands (group 0) and does not stop them.
    application.add_handler(TypeHandler(Update, commands.on_any_update), group=-1)
    for command in commands.COMMANDS:
        application.add_handler(CommandHandler(command.name, commands.guarded(command.handler, admin=command.admin)))
    application.add_handler(CallbackQueryHandler(commands.on_button, pattern=r"^tog:"))
    application.add_error_handler(_on_error)
    return application


class QuotewatchApplication(Application):  # type: ignore[type-arg]
    """An Application that publishes its command menu when initialized.

    PTB runs `post_init` only from run_polling()/run_webhook(); the service drives initialize() and
    start() itself, so the menu is set here, which works for both ways of running."""

    async def initialize(self) -> None:
        await super().initialize()
        await publish_menu(self)


async def publish_menu(application: Application) -> None:  # type: ignore[type-arg]
    """setMyCommands with the public commands. A failure is logged, not fatal: commands work without it."""
    menu = [BotCommand(c.name, c.description[:256]) for c in commands.COMMANDS if not c.admin]
    try:
        await application.bot.set_my_commands(menu)
    except TelegramError as err:
        log.warning("could not set the command menu: %s", scrub(str(err), application.bot.token))


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first (without the token), then tell the user something short."""
    error = context.error
    token = context.bot.token if context.bot else None
    trace = "".join(traceback.format_exception(error)) if error else "no exception"
    log.error("handler failed: %s", scrub(trace, token))
    if isinstance(update, Update) and update.effective_message is not None:
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_text(SORRY)
