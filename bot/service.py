"""`quotewatch run`: the long-running service — watchers, scheduler and (with a token) the Telegram bot,
on one event loop.

    start:  load rules (Reloader) -> open store -> Fetcher -> Pipeline -> FeedScheduler (one job per feed)
            with a token: Telegram Application (long polling) + Sender draining the outbox
            without one:  alerts print to the console (same content as the bot would post)
    every few seconds: the rules file is re-checked; new rules are swapped in and the jobs re-synced
    SIGINT / SIGTERM: stop polling, let in-flight polls and sends finish, close the store.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import time
from contextlib import suppress
from pathlib import Path

from bot.render import render_plain
from rules.model import Rules
from rules.reload import Reloader
from watchers.fetch import Fetcher
from watchers.model import Alert
from watchers.pipeline import Pipeline, PollReport, open_store
from watchers.schedule import FeedScheduler

log = logging.getLogger("quotewatch.service")

RULES_CHECK_SECONDS = 2.0  # how often the rules file is looked at for changes (a stat, cheap)
STATUS_SECONDS = 60.0  # one status line per this many seconds when anything was polled


def telegram_token(rules: Rules) -> str | None:
    return os.environ.get("TELEGRAM_BOT_TOKEN") or rules.settings.telegram.token or None


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
        from watchers.pipeline import CycleReport

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


async def serve(config: Path) -> int:
    reloader = Reloader(config)
    rules = reloader.rules
    token = telegram_token(rules)
    store = open_store(rules.settings.db)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)

    status = StatusLine()
    started = time.time()
    application = None
    sender_task: asyncio.Task[None] | None = None
    async with Fetcher() as fetcher:
        sink = console_sink if token is None else log_sink
        pipeline = Pipeline(rules, store, fetcher, sink, outbox=token is not None)

        async def poll(feed_id: str) -> None:
            feed = pipeline.rules.feed(feed_id)
            if feed is not None:
                status.add(await pipeline.poll(feed))

        scheduler = FeedScheduler(poll)
        scheduler.start()
        scheduler.sync(rules.feeds)

        def rules_changed(new: Rules) -> None:
            pipeline.set_rules(new)
            scheduler.sync(new.feeds)
            log.info("rules reloaded: %d feeds, %d watches", len(new.feeds), len(new.watches))

        reloader.on_change = rules_changed
        if token is None:
            print(
                f"quotewatch: no Telegram token (TELEGRAM_BOT_TOKEN); printing alerts to the console. "
                f"Watching {len(rules.feeds)} feeds from {config}.",
                file=sys.stderr,
                flush=True,
            )
        else:
            from bot.app import build_application
            from bot.delivery import Sender
            from bot.render import render_alert

            tg = rules.settings.telegram
            application = build_application(
                token=token,
                base_url=tg.base_url,
                store=store,
                rules_provider=lambda: pipeline.rules,
                rules_path=config,
                on_rules_changed=reloader.check,
                admins=set(tg.admins),
                started=started,
            )
            await application.initialize()
            await application.start()
            assert application.updater is not None
            await application.updater.start_polling(drop_pending_updates=False)
            sender = Sender(application.bot, store, render_alert)
            sender_task = asyncio.create_task(sender.run(stop))

        next_status = time.monotonic() + STATUS_SECONDS
        try:
            while not stop.is_set():
                with suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), RULES_CHECK_SECONDS)
                reloader.check()
                feed_ids = {f.id for f in pipeline.rules.feeds}
                if status.cycle_done(feed_ids) or time.monotonic() >= next_status:
                    status.flush()
                    next_status = time.monotonic() + STATUS_SECONDS
        finally:
            log.info("shutting down")
            scheduler.shutdown()
            if sender_task is not None:
                stop.set()
                with suppress(asyncio.CancelledError):
                    await sender_task
            if application is not None:
                if application.updater is not None:
                    await application.updater.stop()
                await application.stop()
                await application.shutdown()
            status.flush()
            await store.close()
    return 0


def run_service(config: Path) -> int:
    if not config.is_file():
        print(f"quotewatch: no rules file at {config} (copy config.example.toml to config.toml)",
              file=sys.stderr)
        return 1
    return asyncio.run(serve(config))
