"""The bot's connection to Telegram: start-up, where updates come from, and stopping.

    start_telegram  initialize() (getMe, the command menu) and start(). A rejected token is a
                    StartupError; an unreachable Bot API is waited out, retrying with backoff from
                    STARTUP_RETRY_FIRST up to STARTUP_RETRY_MAX seconds, until it answers or `stop` is set
    start_updates   long polling, or (mode = "webhook") our WebhookServer on aiohttp plus setWebhook
    stop_telegram   stop taking updates, let the handlers in progress finish, close the HTTP clients
    TokenRevoked    the token refused while running (revoked, the bot deleted): stop, one line, exit 1

The service (bot/service.py) calls these in that order around its watchers. Nothing here prints or logs
the token: Telegram's error texts go through `delivery.scrub`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from contextlib import suppress
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from bot.delivery import scrub
from rules.model import TelegramSettings

if TYPE_CHECKING:
    from telegram.ext import Application

log = logging.getLogger("quotewatch.service")

TELEGRAM_API = "https://api.telegram.org"
# Telegram's webhook header carrying setWebhook's secret_token.
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Telegram sends one update per request; real ones are a few KB. Anything larger is not Telegram.
WEBHOOK_MAX_BYTES = 1 << 20
# A Telegram outage at start-up is waited out: first retry after this many seconds, doubling up to the cap.
STARTUP_RETRY_FIRST = 2.0
STARTUP_RETRY_MAX = 300.0


class StartupError(Exception):
    """The service cannot start; the message tells the user what to fix (and never holds the token)."""


class TokenRevoked:
    """Hears every Bot API answer that refuses the token (bot.app.WatchedRequest). Once the bot is up
    (`armed`), the first one stops the service: polling would retry a dead token forever and the
    Sender would hold every alert, a bot that looks alive and hears nothing. `message` is the one
    line the service ends with (exit code 1). Before that, a refused token is start_telegram's
    StartupError."""

    def __init__(self, stop: asyncio.Event) -> None:
        self.stop = stop
        self.armed = False
        self.message: str | None = None

    def __call__(self, method: str, status: int) -> None:
        if not self.armed or self.message is not None:
            return
        why = "401 Unauthorized: the token was revoked" if status == 401 else "404 Not Found: the bot was deleted"
        self.message = (
            f"Telegram no longer accepts the bot token ({method} answered {why}); get the current token "
            "from @BotFather and set TELEGRAM_BOT_TOKEN or [telegram] token, then start again"
        )
        self.stop.set()


def api_root(tg: TelegramSettings) -> str:
    """Where the Bot API is, for messages (never with the token)."""
    from bot.app import api_server_root

    return api_server_root(tg.base_url or TELEGRAM_API)


def listen_address(listen: str) -> tuple[str, int]:
    """"0.0.0.0:8443" -> ("0.0.0.0", 8443); "[::]:8443" -> ("::", 8443). The loader checked the form."""
    host, _, port = listen.rpartition(":")
    return host.strip("[]"), int(port)


async def start_telegram(
    application: Application, tg: TelegramSettings, token: str, stop: asyncio.Event | None = None  # type: ignore[type-arg]
) -> bool:
    """initialize() (getMe, the command menu) and start(). A rejected token is a StartupError (fatal, with
    a clear message); an outage (network error, 5xx, 429) is retried with backoff until Telegram answers
    or `stop` is set. Returns False when stopped before Telegram answered."""
    from telegram.error import InvalidToken, TelegramError

    delay = STARTUP_RETRY_FIRST
    while True:
        try:
            await application.initialize()
            break
        except InvalidToken:
            # PTB's own message quotes the token: never let it out.
            raise StartupError(
                f"Telegram rejected the token (at {api_root(tg)}): check TELEGRAM_BOT_TOKEN or [telegram] "
                "token; @BotFather shows the current one"
            ) from None
        except TelegramError as err:  # NetworkError, TimedOut, RetryAfter, a 5xx
            if stop is None:
                raise StartupError(
                    f"cannot reach Telegram at {api_root(tg)}: {scrub(str(err), token)} "
                    "(check the network, or [telegram] base_url)"
                ) from None
            log.warning(
                "cannot reach Telegram at %s: %s; retrying in %.0f s (check the network, or [telegram] base_url)",
                api_root(tg), scrub(str(err), token), delay,
            )
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), delay)
        if stop.is_set():
            return False
        delay = min(delay * 2, STARTUP_RETRY_MAX)
    await application.start()
    return True


class WebhookServer:
    """Receives Telegram's webhook POSTs and feeds them to the Application's update queue.

    PTB's own start_webhook needs tornado (the [webhooks] extra); this does the same job on aiohttp:
    one route, the secret header compared in constant time, the body capped, 200 as soon as the update
    is queued (Telegram retries anything else)."""

    def __init__(self, application: Application, host: str, port: int, path: str, secret: str) -> None:  # type: ignore[type-arg]
        self.application = application
        self.host, self.port, self.path, self.secret = host, port, path or "/", secret
        self._runner: Any = None
        self.refused = 0  # requests with a wrong or missing secret

    async def start(self) -> None:
        try:
            from aiohttp import web
        except ImportError:
            raise StartupError(
                'mode = "webhook" needs aiohttp: pip install aiohttp (or use mode = "polling")'
            ) from None
        app = web.Application(client_max_size=WEBHOOK_MAX_BYTES)
        app.router.add_post(self.path, self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        try:
            await web.TCPSite(self._runner, self.host, self.port).start()
        except OSError as err:
            await self._runner.cleanup()
            raise StartupError(
                f"cannot listen on {self.host}:{self.port} for the webhook: {err.strerror or err} "
                "(check [telegram] webhook_listen)"
            ) from None

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: Any) -> Any:
        from aiohttp import web
        from telegram import Update

        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            self.refused += 1
            log.warning("webhook request with a wrong secret refused (from %s)", request.remote)
            return web.Response(status=403, text="forbidden")
        try:
            data = await request.json()
            update = Update.de_json(data, self.application.bot)
        except (json.JSONDecodeError, ValueError, TypeError, KeyError) as err:
            log.warning("webhook request with a malformed update refused: %s", type(err).__name__)
            return web.Response(status=400, text="malformed update")
        await self.application.update_queue.put(update)
        return web.Response(text="ok")


async def start_updates(application: Application, tg: TelegramSettings, token: str,  # type: ignore[type-arg]
                        long_poll_timeout: int) -> WebhookServer | None:
    """Long polling, or (mode = "webhook") our webhook server plus setWebhook. Returns the server."""
    from telegram import Update
    from telegram.error import TelegramError

    if tg.mode != "webhook":
        assert application.updater is not None
        from bot.app import polling_error_logger

        await application.updater.start_polling(
            timeout=long_poll_timeout, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False,
            error_callback=polling_error_logger(token),
        )
        return None
    if not tg.webhook_url:
        raise StartupError('mode = "webhook" needs [telegram] webhook_url = "https://your.host/path"')
    # Without a configured secret a fresh one is made per start: Telegram learns it from setWebhook,
    # and a forged update (say, an admin's /track) cannot get past the header check.
    secret = tg.webhook_secret or secrets.token_urlsafe(32)
    host, port = listen_address(tg.webhook_listen)
    server = WebhookServer(application, host, port, urlsplit(tg.webhook_url).path, secret)
    await server.start()
    try:
        await application.bot.set_webhook(
            url=tg.webhook_url, secret_token=secret, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
        )
    except TelegramError as err:
        await server.stop()
        raise StartupError(f"Telegram refused the webhook {tg.webhook_url}: {scrub(str(err), token)}") from None
    log.info("webhook set: %s (listening on %s)", tg.webhook_url, tg.webhook_listen)
    return server


async def stop_telegram(application: Application, webhook: WebhookServer | None,  # type: ignore[type-arg]
                        seconds: float = 1.0) -> None:
    """Stop taking updates, let the handlers in progress finish, close the HTTP clients.

    A webhook is left registered: Telegram keeps the updates until the service is back. Each step gets
    `seconds` (a Telegram that hangs must not hold the stop: updates not confirmed come again, handlers
    cut short are answered again); a revoked token (the polling loop ended on it) is no error here."""
    from telegram.error import InvalidToken

    async def step(what: str, action: Any) -> None:
        try:
            await asyncio.wait_for(action, seconds)
        except TimeoutError:
            log.warning("stopping: Telegram %s took over %.0f s; left as it was", what, seconds)
        except InvalidToken:
            pass  # reported by the service (the token was revoked while it ran)

    if webhook is not None:
        await webhook.stop()
    if application.updater is not None and application.updater.running:
        await step("updates", application.updater.stop())
    if application.running:
        await step("handlers", application.stop())
    await step("clients", application.shutdown())
