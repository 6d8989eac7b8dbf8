"""`quotewatch run`: the long-running service — watchers, scheduler and (with a token) the Telegram bot,
on one event loop.

    start:  load rules (Reloader) -> open store (a database that cannot be opened: message, exit code 1)
            with a token: Telegram Application (getMe first: a rejected token stops here with a clear
                          message and exit code 1, before any feed is polled; so does a token refused
                          later, while running: revoked, or the bot deleted; an unreachable Bot API is
                          waited out, retrying with backoff from connection.STARTUP_RETRY_FIRST up
                          to STARTUP_RETRY_MAX seconds, until it answers or the service is stopped)
                          -> updates by long polling, or by webhook (mode = "webhook")
                          -> Sender draining the outbox
            without one:  alerts print to the console (same content as the bot would post)
            -> Fetcher -> Pipeline (outbox=True with a token) -> FeedScheduler (one job per feed)
    every few seconds: the rules file is re-checked; new rules are read, checked and compiled off the
            event loop (bot.live_rules), then swapped in with their matcher and the jobs re-synced
            (the bot reads the current rules on every update: watches, the allowlist and the admins);
            on PostgreSQL a valid edit is published to the fleet first, and versions other workers
            publish arrive by LISTEN/NOTIFY (bot.fleet_rules)
    at start and then every PRUNE_SECONDS: stories and articles older than `retention` are pruned
            (store.prune, on the store's worker thread)
    SIGINT / SIGTERM (or the `stop` event, or cancelling the task): stop taking updates, let the send in
            flight and the polls in flight finish (or cancel them after DRAIN_SECONDS), terminate the
            worker processes, close the store: within STOP_SECONDS whatever was going on. Pending alerts stay in the outbox
            for the next start; only a message Telegram accepted in the instant before a hard kill can
            be sent twice (at most one per chat: a chat never has two sends in flight).

This module wires the stages together and runs the loop; the Telegram side's start-up, updates
(polling or webhook) and stopping are in bot/connection.py.

The bot token is never printed or logged: errors that could quote it go through `delivery.scrub`, log
records are scrubbed when they are created (bot.app.install_token_filter), and PTB's own "token `...` was
rejected" message is replaced by ours.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.fleet import Worker, fleet_line, open_election, take_updates
from bot.fleet_rules import live_rules
from bot.heap import FrozenHeap
from bot.live_rules import LiveRules
from bot.ratelimit import Limits
from bot.render import render_plain
from rules.load import RulesError
from rules.match import Matcher
from rules.model import Rules
from rules.reload import Reloader
from watchers.feeds.fetch import Fetcher
from watchers.feeds.schedule import STARTUP_SPREAD, FeedScheduler
from watchers.model import Alert
from watchers.pipeline import CycleReport, Lease, Pipeline, PollReport, open_store
from watchers.statements.worker import default_workers, start_extractor
from watchers.store import StoreError, is_postgres_url

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.connection import WebhookServer
    from watchers.store import AsyncStore

log = logging.getLogger("quotewatch.service")

# How often the store is asked whether its database is still the one opened (a stat for SQLite): a file
# deleted or replaced while running stops the service within this long (watchers.store.sqlite.guard).
STORE_CHECK_SECONDS = 1.0
RULES_CHECK_SECONDS = 2.0  # how often the rules file is looked at for changes (a stat, cheap)
STATUS_SECONDS = 60.0  # one status line per this many seconds when anything was polled
# SIGTERM ends the service within STOP_SECONDS whatever it is doing (systemd waits 90 s, then kills; a
# user at a terminal waits less). The stop's steps, one after another:
#   polls and the send in flight get DRAIN_SECONDS to finish, then they are cancelled. Cancelling a poll
#     is safe (an article is recorded and its alerts queued in one transaction), just wasted work; a
#     send cancelled after Telegram took it is sent again at the next start, as after a kill -9;
#   the worker processes get worker.SHUTDOWN_GRACE_SECONDS for the article or feed they are in, then are
#     terminated (parsing and extraction run there, not in threads, so nothing waits on them);
#   Telegram gets TELEGRAM_STOP_SECONDS to take back the updater and the HTTP clients.
STOP_SECONDS = 5.0
DRAIN_SECONDS = 1.5
TELEGRAM_STOP_SECONDS = 1.0
# Old stories and articles are pruned at start and then this often: retention is counted in days, so a
# daily pass keeps the database within a day of it, and one pass is a single short transaction.
PRUNE_SECONDS = 86400.0


@dataclass(frozen=True)
class Tuning:
    """Timings of the service. The defaults are for production; tests shorten them."""

    rules_check_seconds: float = RULES_CHECK_SECONDS
    status_seconds: float = STATUS_SECONDS
    sender_poll_seconds: float = 1.0  # how often an idle sender looks at the outbox
    limits: Limits | None = None  # Telegram flood limits; None = Telegram's published ones
    startup_spread: float = STARTUP_SPREAD  # first polls spread over this many seconds
    long_poll_timeout: int = 10  # getUpdates timeout (seconds) in polling mode
    prune_seconds: float = PRUNE_SECONDS  # how often old history is pruned (and once at start)


def history_db(rules: Rules) -> str:
    """The history database: QUOTEWATCH_DB (a SQLite path or a postgresql:// URL) wins over [settings] db."""
    return os.environ.get("QUOTEWATCH_DB", "").strip() or rules.settings.db


def telegram_token(rules: Rules) -> str | None:
    token = os.environ.get("TELEGRAM_BOT_TOKEN", "").strip() or rules.settings.telegram.token or None
    return token or None


class StatusLine:
    """Aggregates poll reports and prints one line per cycle (per STATUS_SECONDS)."""

    def __init__(self) -> None:
        self.reports: list[PollReport] = []

    def add(self, report: PollReport) -> None:
        if report.status != "skipped":
            self.reports.append(report)

    def cycle_done(self, feed_ids: set[str]) -> bool:
        """True once every configured feed has reported since the last line."""
        return bool(self.reports) and feed_ids <= {r.feed for r in self.reports}

    def flush(self) -> None:
        if not self.reports:
            return
        print(CycleReport(self.reports).line(), file=sys.stderr, flush=True)
        self.reports = []


async def console_sink(alert: Alert) -> None:
    head = "UPDATE (new source)" if alert.update else "ALERT"
    print(f"=== {head} [{', '.join(alert.watch_ids) or '-'}] ===", flush=True)
    print(render_plain(alert.story), flush=True)
    print(flush=True)


async def log_sink(alert: Alert) -> None:
    """Bot mode: the pipeline has already queued the alert in the outbox; the Sender delivers it."""
    log.info(
        "%s story %s for %d chats",
        "updated" if alert.update else "new",
        alert.story.id,
        len(alert.chats),
        extra={"story": alert.story.id},
    )


# ---------------------------------------------------------------------------------------------------
# The service


async def serve(config: Path, *, stop: asyncio.Event | None = None, tuning: Tuning | None = None) -> int:
    """Run until `stop` is set (or SIGINT / SIGTERM when no event is given). Returns the exit code."""
    tuning = tuning or Tuning()
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    if stop is None:
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with suppress(NotImplementedError, RuntimeError):  # Windows; not the main thread
                loop.add_signal_handler(sig, stop.set)
                handled.append(sig)
    try:
        return await _serve(config, stop, tuning)
    except StoreError as err:
        print(f"quotewatch: {err}", file=sys.stderr, flush=True)
        return 1
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)


async def _serve(config: Path, stop: asyncio.Event, tuning: Tuning) -> int:
    reloader = Reloader(config)
    rules = reloader.rules
    token = telegram_token(rules)
    db = history_db(rules)
    store = open_store(db)  # a database missing where it was: StoreError, exit code 1
    watch = asyncio.create_task(watch_store(store, stop), name="store check")
    # One of the workers sharing the database (bot.fleet); on PostgreSQL its heartbeat has a store of its own.
    worker = Worker(store, beat=open_store(db) if is_postgres_url(db) else None)
    try:
        await worker.start()
        # On PostgreSQL the fleet's rules (published in the database, followed by the file); else the file's.
        async with live_rules(reloader, db, stop) as live:
            if token is None:
                await _run(config, live, store, stop, tuning, None, worker)
                return 0
            return await _serve_bot(config, live, store, stop, tuning, token, worker, db)
    finally:
        await worker.stop()
        await _close_store(store, stop, watch)


async def watch_store(store: AsyncStore, stop: asyncio.Event) -> str | None:
    """Ask the store's health every STORE_CHECK_SECONDS until `stop`; a problem stops the service."""
    while not stop.is_set():
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), STORE_CHECK_SECONDS)
        try:
            problem = await store.health()
        except Exception as e:  # the check itself failing says nothing about the file
            log.debug("store health check failed: %r", e)
            continue
        if problem is not None:
            stop.set()
            return problem
    return None


async def _close_store(store: AsyncStore, stop: asyncio.Event, watch: asyncio.Task[str | None]) -> None:
    """Close the store; if its check stopped the service, raise that (serve prints it, exit code 1)."""
    if not watch.done():
        watch.cancel()
    await asyncio.wait({watch})
    problem = None if watch.cancelled() else watch.result()
    await store.close()
    if problem is not None:
        raise StoreError(problem)


async def _serve_bot(
    config: Path, live: LiveRules, store: AsyncStore, stop: asyncio.Event, tuning: Tuning, token: str,
    worker: Worker, db: str,
) -> int:
    """The watchers with the Telegram bot. The Telegram stack (python-telegram-bot, its HTTP client,
    aiohttp for webhooks) is imported here, so a token-less `run` never loads it."""
    from bot.app import build_application
    from bot.connection import StartupError, TokenRevoked, start_telegram, start_updates, stop_telegram

    tg = live.rules.settings.telegram
    reloader = live.reloader

    async def reload_now() -> None:
        """For /reload and the admin edits: apply the file now, or raise with its problems."""
        if not await live.check() and reloader.last_problems:
            raise RulesError(reloader.last_problems)

    application = build_application(
        token=token,
        base_url=tg.base_url,
        store=store,
        # the rules in force, the pipeline's too: watches, allowlist and admins follow reloads
        rules_provider=lambda: live.rules,
        rules_path=config,
        on_rules_changed=reload_now,
        started=time.time(),
        limits=tuning.limits,
        on_token_refused=(revoked := TokenRevoked(stop)),
    )
    from bot.limiter import TelegramLimiter

    limiter = application.bot.rate_limiter
    if isinstance(limiter, TelegramLimiter):  # the last run's pacing, before any request goes out
        await limiter.load(store)
        await worker.follow(limiter.scheduler)  # the fleet's share of the per-bot limit (bot.fleet)
    webhook: WebhookServer | None = None
    updates: asyncio.Task[None] | None = None
    try:
        try:
            if not await start_telegram(application, tg, token, stop):
                return 0  # stopped while Telegram was still unreachable
            revoked.armed = True
            if tg.mode == "webhook":  # any worker may answer Telegram's POSTs
                webhook = await start_updates(application, tg, token, tuning.long_poll_timeout)
            else:  # long polling: only the elected worker (bot.fleet)
                updates = asyncio.create_task(take_updates(
                    application, tg, token, tuning.long_poll_timeout, open_election(db), worker, stop,
                ), name="update taker")
            log.info("Telegram bot @%s started (%s)", application.bot.username, tg.mode)
            await _run(config, live, store, stop, tuning, application, worker)
        finally:
            stop.set()
            if updates is not None:
                await asyncio.wait({updates})
            await stop_telegram(application, webhook, TELEGRAM_STOP_SECONDS)
    except StartupError as err:
        print(f"quotewatch: {err}", file=sys.stderr, flush=True)
        return 1
    if revoked.message is not None:
        print(f"quotewatch: {revoked.message}", file=sys.stderr, flush=True)
        return 1
    return 0


async def _run(
    config: Path,
    live: LiveRules,
    store: AsyncStore,
    stop: asyncio.Event,
    tuning: Tuning,
    application: Application | None,  # type: ignore[type-arg]
    worker: Worker,
) -> None:
    """The watchers (and the Sender when there is an application) until `stop` is set."""
    rules = live.rules
    status = StatusLine()
    polls: set[asyncio.Task[Any]] = set()
    sender_task: asyncio.Task[None] | None = None
    heap = FrozenHeap()
    # Extraction in worker processes, one per core: nothing CPU-heavy on this loop.
    extractor = await start_extractor(default_workers())
    async with Fetcher() as fetcher:
        sink = console_sink if application is None else log_sink
        pipeline = Pipeline(
            rules, store, fetcher, sink, outbox=application is not None, matcher=live.matcher, extractor=extractor,
            lease=Lease(worker.id, worker.lease),
        )

        async def poll(feed_id: str) -> None:
            feed = pipeline.rules.feed(feed_id)
            if feed is None or stop.is_set():
                return
            task = asyncio.current_task()
            assert task is not None
            polls.add(task)
            try:
                status.add(await pipeline.poll(feed))
            finally:
                polls.discard(task)

        scheduler = FeedScheduler(poll, startup_spread=tuning.startup_spread)

        def rules_changed(new: Rules, matcher: Matcher) -> None:
            pipeline.set_rules(new, matcher)
            heap.thaw()  # the old rules and matcher may be in cycles: collectable again
            scheduler.sync(new.feeds)
            log.info("rules reloaded: %d feeds, %d watches", len(new.feeds), len(new.watches))

        live.on_change = rules_changed
        if application is None:
            print(
                f"quotewatch: no Telegram token (TELEGRAM_BOT_TOKEN); printing alerts to the console. "
                f"Watching {len(rules.feeds)} feeds from {config}.",
                file=sys.stderr,
                flush=True,
            )
        else:
            from bot.commands import BOT_DATA_KEY
            from bot.delivery import Sender
            from bot.digest_gate import DigestGate
            from bot.render import render_alert
            from bot.settings_book import SETTINGS_KEY

            bot_context = application.bot_data[BOT_DATA_KEY]
            gate = DigestGate(store, application.bot_data[SETTINGS_KEY], on_chat_gone=bot_context.chat_gone)
            sender = Sender(application.bot, store, render_alert, limits=tuning.limits,
                            poll_seconds=tuning.sender_poll_seconds, on_chat_gone=bot_context.chat_gone,
                            admins=lambda: live.rules.settings.telegram.admins, gone=bot_context.gone,
                            on_chat_back=bot_context.chat_back, gate=gate, claim=(worker.id, worker.lease))
            sender_task = asyncio.create_task(sender.run(stop), name="outbox sender")
        heap.freeze()  # what start-up built leaves the collector's view (bot.heap)
        scheduler.start()
        scheduler.sync(rules.feeds)

        next_status = time.monotonic() + tuning.status_seconds
        next_prune = time.monotonic()  # the first pass right away: a long stop may have aged much out
        prune_task: asyncio.Task[None] | None = None
        try:
            while not stop.is_set():
                if time.monotonic() >= next_prune and (prune_task is None or prune_task.done()):
                    prune_task = asyncio.create_task(prune(store, pipeline.rules), name="prune")
                    next_prune = time.monotonic() + tuning.prune_seconds
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), tuning.rules_check_seconds)
                await live.check()
                heap.refreeze()
                feed_ids = {f.id for f in pipeline.rules.feeds}
                if status.cycle_done(feed_ids) or time.monotonic() >= next_status:
                    status.flush()
                    await print_fleet(store)
                    next_status = time.monotonic() + tuning.status_seconds
                if sender_task is not None and sender_task.done() and not stop.is_set():
                    _sender_died(sender_task)
        finally:
            log.info("shutting down")
            stop.set()
            scheduler.shutdown()
            await _finish(polls, sender_task)
            if extractor is not None:
                await extractor.aclose()
            if prune_task is not None:
                await asyncio.wait({prune_task})  # one short transaction; the store closes after it
            status.flush()


async def print_fleet(store: AsyncStore) -> None:
    """With several workers on the database, the console's status line names them (bot.fleet)."""
    try:
        workers = await store.workers()
    except Exception as e:  # a status line is not worth a crash
        log.debug("workers not read: %r", e)
        return
    if len(workers) > 1:
        print(fleet_line(workers, datetime.now(UTC)), file=sys.stderr, flush=True)


async def prune(store: AsyncStore, rules: Rules) -> None:
    """Forget history older than the retention (kept while inside the dedup window); never raises."""
    settings = rules.settings
    try:
        removed = await store.prune(datetime.now(UTC), settings.retention, settings.dedup_window)
    except Exception as err:  # a locked or damaged database: say so, keep serving, try again next time
        log.error("pruning old history failed: %s", err)
        return
    if removed:
        log.info("pruned %d old stories and articles (retention %.0f days)", removed, settings.retention / 86400)


async def _finish(polls: set[asyncio.Task[Any]], sender_task: asyncio.Task[None] | None) -> None:
    """Let the send in flight and the polls in flight end within DRAIN_SECONDS, then cancel them."""
    tasks: set[asyncio.Task[Any]] = set(polls)
    if sender_task is not None:
        tasks.add(sender_task)
    if not tasks:
        return
    _, pending = await asyncio.wait(tasks, timeout=DRAIN_SECONDS)
    for task in pending:
        task.cancel()
    if pending:
        log.info("stopping: %d poll(s) or send(s) still running were cancelled", len(pending))
        await asyncio.wait(pending, timeout=DRAIN_SECONDS)
    if sender_task is not None and sender_task.done() and not sender_task.cancelled():
        error = sender_task.exception()
        if error is not None:
            log.error("outbox sender failed: %r", error)


def _sender_died(task: asyncio.Task[None]) -> None:
    """Sender.run only returns when stopped; if it ended otherwise, say so (it is the bot's purpose)."""
    if task.cancelled():
        raise RuntimeError("the outbox sender was cancelled")
    error = task.exception()
    raise RuntimeError(f"the outbox sender stopped: {error!r}")


def run_service(config: Path) -> int:
    if not config.is_file():
        print(f"quotewatch: no rules file at {config} (copy config.example.toml to config.toml)",
              file=sys.stderr)
        return 1
    return asyncio.run(serve(config))
