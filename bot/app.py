"""Builds the Telegram Application: handlers, the command menu, the error handler. Starts nothing.

The service (bot/service.py) owns the life cycle: it calls build_application, then initialize(),
start(), then long polling or its webhook server, and runs the outbox Sender (bot/delivery.py) beside it.

Order of registration matters: the commands come first in group 0, then (in the same group, so only when
no command matched) the pointers to /help for unknown commands and plain text in private chats. Commands
are read from new messages and channel posts only (`NEW_POSTS`): editing an old message must not run its
command again. The CallbackQueryHandlers for subscription and settings buttons are separate from the commands, and every
command goes through `commands.guarded` (allowlist, admin check, UserError -> polite reply) first.

Every request the bot makes goes through one limiter (bot/limiter.py: Telegram's flood limits, 429s
waited out), and updates of different chats are handled side by side, each chat's in order
(bot/updates.py), so a busy group's replies waiting for their slots hold up no other chat.
"""

from __future__ import annotations

import contextlib
import logging
import time
import traceback
from collections.abc import Awaitable, Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import BotCommand, Update
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import commands
from bot.commands.settings import BUTTON_PREFIX, on_settings_button
from bot.delivery import scrub
from bot.i18n import LANGUAGES, N_, SOURCE, _, language
from bot.limiter import TelegramLimiter
from bot.ratelimit import Limits
from bot.safe_logs import rewrite_record
from bot.settings_book import SETTINGS_KEY, SettingsBook
from rules.model import Rules

if TYPE_CHECKING:
    from watchers.store import AsyncStore

log = logging.getLogger("quotewatch.bot")

SORRY = N_("Sorry, that failed on our side. The admins can find the details in the log.")
# New messages and channel posts; not their edits (an edit of "/unsubscribe" is not a second request).
NEW_POSTS = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST


def scrub_record(record: logging.LogRecord, tokens: Iterable[str]) -> None:
    """Take the tokens out of a log record's message, traceback and stack (httpx logs request URLs)."""
    tokens = [t for t in tokens if t]
    if not tokens:
        return

    def clean(text: str) -> str:
        for token in tokens:
            text = scrub(text, token)
        return text

    rewrite_record(record, clean)


_TOKENS: set[str] = set()  # every bot token this process was given; records are scrubbed of all of them
_factory_installed = False


def install_token_filter(token: str) -> None:
    """Scrub `token` from every log record from now on, whichever logger makes it and however it is handled.

    A filter on a logger does not see records of its child loggers ("telegram.ext.Updater"), and one on
    a handler misses handlers added later; the record factory is where every record is made, so scrubbing
    there does not depend on logger names, propagation or the order handlers were set up in."""
    global _factory_installed
    _TOKENS.add(token)
    if _factory_installed:
        return
    make_record = logging.getLogRecordFactory()

    def scrubbed_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        scrub_record(record, _TOKENS)
        return record

    logging.setLogRecordFactory(scrubbed_record)
    _factory_installed = True


def api_server_root(base_url: str) -> str:
    """The Bot API server's root from its address: "http://host:8081" and PTB's "http://host:8081/bot"
    are both accepted."""
    return base_url.rstrip("/").removesuffix("/bot")


def api_urls(base_url: str) -> tuple[str, str]:
    """(base_url, base_file_url) for PTB from a Bot API server address (the root, or PTB's /bot form)."""
    root = api_server_root(base_url)
    return f"{root}/bot", f"{root}/file/bot"


def version() -> str:
    try:
        return metadata.version("quotewatch")
    except metadata.PackageNotFoundError:
        return "dev"


# Bot API answers that mean the token itself is refused: 401 (revoked, or never valid) and 404 (the
# bot was deleted; Telegram also says it for a malformed token). PTB raises InvalidToken for both.
TOKEN_REFUSED = (401, 404)


class WatchedRequest(HTTPXRequest):
    """PTB's HTTP client, telling `on_refused(method, status)` of every answer that refuses the token,
    whichever call it was (getUpdates in the updater's loop, sendMessage in the Sender, a command's
    reply), so the service can stop on a revoked token instead of running on deaf."""

    def __init__(self, on_refused: Callable[[str, int], None] | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_refused = on_refused

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(url, method, *args, **kwargs)
        if code in TOKEN_REFUSED and self.on_refused is not None:
            self.on_refused(url.rsplit("/", 1)[-1], code)  # the method name only: the URL holds the token
        return code, payload


def _not_invalid_token(record: logging.LogRecord) -> bool:
    """PTB's polling loop logs a refused token with a traceback before it gives up; the service says
    it in one line instead (bot.connection.TokenRevoked)."""
    return not (record.exc_info and isinstance(record.exc_info[1], InvalidToken))


def build_application(
    token: str,
    base_url: str | None,
    store: AsyncStore,
    rules_provider: Callable[[], Rules],
    rules_path: Path,
    on_rules_changed: Callable[[], Awaitable[None]],
    started: float | None = None,
    limits: Limits | None = None,
    on_token_refused: Callable[[str, int], None] | None = None,
) -> Application:  # type: ignore[type-arg]
    """The bot's Application with every handler registered; initialize() sets the command menu.

    `limits`: Telegram's flood limits the one limiter keeps (None: Telegram's published ones); the
    Sender finds the limiter on `application.bot.rate_limiter`.

    The admins and the allowlist are read from `rules_provider()` on every update, so an edit to
    [telegram] admins or allowlist applies as soon as the rules file is reloaded. `on_token_refused`
    hears of every request Telegram answered 401 or 404 (see WatchedRequest)."""
    install_token_filter(token)
    from bot.updates import ChatOrderedUpdates

    logging.getLogger("telegram.ext").addFilter(_not_invalid_token)  # the same function: added once
    builder = (
        ApplicationBuilder().token(token).application_class(QuotewatchApplication)
        # PTB's own defaults for the two clients (256 connections for calls, one for getUpdates)
        .request(WatchedRequest(on_token_refused, connection_pool_size=256))
        .get_updates_request(WatchedRequest(on_token_refused, connection_pool_size=1))
        .rate_limiter(TelegramLimiter(limits=limits)).concurrent_updates(ChatOrderedUpdates())
    )
    if base_url:
        api, files = api_urls(base_url)
        builder = builder.base_url(api).base_file_url(files)
    application = builder.build()
    application.bot_data[commands.BOT_DATA_KEY] = commands.BotContext(
        store=store,
        rules=rules_provider,
        rules_path=rules_path,
        on_rules_changed=on_rules_changed,
        started=started if started is not None else time.time(),
        version=version(),
    )
    application.bot_data[SETTINGS_KEY] = SettingsBook(store)  # shared with the sender's gate (service.py)
    # Group -1 runs before the commands (group 0) and does not stop them.
    application.add_handler(TypeHandler(Update, commands.on_any_update), group=-1)
    for command in commands.COMMANDS:
        handler = commands.guarded(command.handler, admin=command.admin)
        application.add_handler(CommandHandler(command.name, handler, filters=NEW_POSTS))
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(private & filters.COMMAND, commands.guarded(commands.on_unknown_command)))
    application.add_handler(MessageHandler(private & filters.TEXT, commands.guarded(commands.on_plain_text)))
    application.add_handler(CallbackQueryHandler(commands.on_button, pattern=r"^tog:"))
    application.add_handler(CallbackQueryHandler(on_settings_button, pattern=f"^{BUTTON_PREFIX}"))
    application.add_handler(CallbackQueryHandler(commands.on_admin_button, pattern=r"^(untrack|cancel):"))
    application.bot_data[commands.BOT_DATA_KEY].notify_admins = admin_notifier(application, rules_provider)
    application.add_error_handler(_on_error)
    return application


def admin_notifier(application: Application,  # type: ignore[type-arg]
                   rules: Callable[[], Rules]) -> Callable[[Callable[[], str]], None]:
    """BotContext.notify_admins: send an HTML line to each of the bot's admins, in the background (it is
    called from the Sender's round, which must not wait on it), written by `write` in that admin's chat
    language (/lang, or the Telegram language their private chat kept); a failure is logged, never raised."""

    async def send(admin: int, write: Callable[[], str]) -> None:
        with language(await admin_language(application.bot_data.get(SETTINGS_KEY), admin)):
            text = write()
        try:
            await application.bot.send_message(admin, text, parse_mode="HTML")
        except TelegramError as err:
            log.warning("could not tell admin %s: %s", admin, scrub(str(err), application.bot.token))

    def notify(write: Callable[[], str]) -> None:
        for admin in rules().settings.telegram.admins:
            application.create_task(send(admin, write))

    return notify


async def admin_language(book: object, admin: int) -> str:
    """The language of an admin's private chat (its id is the admin's user id); English without one, or
    when the store cannot be read (a notice about the store must still go out)."""
    if not isinstance(book, SettingsBook):
        return SOURCE
    try:
        return (await book.get(admin)).lang or SOURCE
    except Exception:
        log.warning("could not read admin %s's language; telling them in English", admin, exc_info=True)
        return SOURCE


class QuotewatchApplication(Application):  # type: ignore[type-arg]
    """An Application that publishes its command menu when initialized.

    PTB runs `post_init` only from run_polling()/run_webhook(); the service drives initialize() and
    start() itself, so the menu is set here, which works for both ways of running."""

    async def initialize(self) -> None:
        await super().initialize()
        await publish_menu(self)


async def publish_menu(application: Application) -> None:  # type: ignore[type-arg]
    """setMyCommands with the public commands: the English menu for everyone, and one per translation for
    users whose Telegram speaks that language. A failure is logged, not fatal: commands work without it."""
    for lang in LANGUAGES:
        with language(lang):
            menu = [BotCommand(c.name, _(c.description)[:256]) for c in commands.COMMANDS if not c.admin]
        try:
            await application.bot.set_my_commands(menu, language_code=None if lang == SOURCE else lang)
        except TelegramError as err:
            log.warning("could not set the command menu: %s", scrub(str(err), application.bot.token))


def polling_error_logger(token: str) -> Callable[[TelegramError], None]:
    """updater.start_polling's error_callback: one warning line per failed getUpdates, without the token.

    Without one, PTB logs each dropped connection with its whole chain of tracebacks (httpcore, httpx,
    telegram: three per error). The updater retries by itself (backing off up to 30 s), so the line
    says that; a rejected token (InvalidToken) never reaches here, PTB stops polling on it."""

    def on_polling_error(error: TelegramError) -> None:
        cause = error.__cause__ or error.__context__
        why = f" ({type(cause).__name__})" if cause is not None and str(cause) not in str(error) else ""
        log.warning(
            "Telegram getUpdates failed: %s: %s%s; retrying",
            type(error).__name__, scrub(str(error), token).rstrip("."), why,
        )

    return on_polling_error


async def _on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first (without the token), then tell the user something short."""
    error = context.error
    token = context.bot.token if context.bot else None
    if isinstance(error, (RetryAfter, NetworkError)):
        # Telegram flood-banned the bot past the limiter's patience, or could not be reached: one line, and
        # no "Sorry" (it would meet the same fate).
        log.warning("a reply could not be sent: %s", scrub(str(error), token))
        return
    trace = "".join(traceback.format_exception(error)) if error else "no exception"
    log.error("handler failed: %s", scrub(trace, token))
    if isinstance(update, Update) and update.effective_message is not None:
        with contextlib.suppress(TelegramError):
            await update.effective_message.reply_text(_(SORRY))  # in the language guarded set for the update
