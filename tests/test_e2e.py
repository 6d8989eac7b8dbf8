"""End to end under faults, short variant: the real `quotewatch run` process, killed with SIGKILL at seeded
random moments, against feeds that fail in every way a feed fails and a Telegram that rate-limits, answers
503 and drops connections for a while. The long variant is bench/soak.py; the harness is tests/e2e_harness.py.

This file takes about a minute: one feed must stall past the fetcher's 30 s deadline for the timeout to show.
"""

from __future__ import annotations

import asyncio
import random
import time
from pathlib import Path

from rules.model import Feed
from tests.e2e_harness import RETRY_AFTER_SECONDS, Harness, HarnessConfig
from watchers.feeds.schedule import FeedScheduler

SEED = 20261116
KILLS = 3
# The timeout outlet's first poll must be allowed to run out (fetcher deadline 30 s) after the last crash.
SETTLE_SECONDS = 50.0
# Delivery after the last crash may wait out a 429 of up to a minute: the fake's group limit is tighter
# than Telegram's, and a restarted Sender does not know what its predecessor sent just before the kill.
# drain() returns as soon as everything arrived, so this only costs time when delivery is slow.
DRAIN_SECONDS = 150.0


async def test_every_alert_arrives_once_per_chat_through_crashes_and_faults(tmp_path: Path) -> None:
    config = HarnessConfig(seed=SEED, stories=8, noise=4, span=12.0, interval="2s", transient=0.1)
    async with Harness(config, tmp_path) as h:
        await h.start_service()
        await h.subscribe_chats()
        h.start_publishing()
        rng = random.Random(SEED)
        events: list[tuple[float, str]] = [(rng.uniform(2.0, 14.0), "kill") for _ in range(KILLS)]
        events += [(4.0, "tg-503"), (9.0, "tg-drop")]
        assert h.newsroom is not None
        for at, what in sorted(events):
            await asyncio.sleep(max(0.0, at - h.newsroom.now()))
            if what == "kill":
                await h.kill9()  # and restart at once, on the same database
            else:
                h.telegram_fault(what.removeprefix("tg-"), 3.0)

        deadline = time.monotonic() + SETTLE_SECONDS
        await h.drain(timeout=DRAIN_SECONDS)
        while time.monotonic() < deadline and not _timed_out_once(h):
            await asyncio.sleep(0.5)
        code = await h.stop_service()
        summary = h.summary()
        print(summary.table())

    assert code == 0, "the service did not exit cleanly on SIGTERM:\n" + h.service.output()[-3000:]  # type: ignore[union-attr]
    assert summary.expected > 0
    assert summary.lost == 0, f"lost {summary.lost_pairs}\n{summary.table()}"
    assert summary.duplicated <= summary.crashes, f"duplicates {summary.duplicate_pairs}"
    assert summary.unexpected == 0, f"unexpected alerts {summary.unexpected_pairs}"
    assert summary.integrity == "ok"
    assert summary.crashes == KILLS
    assert summary.token_leaks == 0
    feeds = summary.feeds
    for failing in ("dunmore", "quillon", "sable", "tamsin"):
        state = feeds[failing]
        assert state["consecutive_errors"] >= 1, (failing, state)
        assert state["last_success"] is None
        # backoff: the next poll is at least twice the 2 s interval away (Retry-After: 20 s for quillon)
        assert state["gap"] >= (RETRY_AFTER_SECONDS if failing == "quillon" else 4.0), (failing, state)
    assert "did not answer" in feeds["tamsin"]["last_error"]
    for healthy in ("meridian", "ledger", "harbor", "northgate", "calder"):
        assert feeds[healthy]["last_success"] is not None


def _timed_out_once(h: Harness) -> bool:
    try:
        return bool(h.feed_states().get("tamsin", {}).get("consecutive_errors"))
    except Exception:  # the db may be mid-creation
        return False


async def test_the_service_rides_out_a_telegram_outage_at_start_up(tmp_path: Path) -> None:
    config = HarnessConfig(seed=5, stories=2, noise=0, span=2.0, fault_outlets=False, enforce_limits=False)
    async with Harness(config, tmp_path) as h:
        h.telegram.set_down("503", 4.0)
        assert h.service is not None
        await h.service.start()  # no supervisor: an exit is an exit
        await asyncio.sleep(6.0)
        running = h.service.pid is not None
        if running:
            await h.subscribe_chats(timeout=15.0)
        await h.service.terminate()
    assert running, "the service exited while Telegram was briefly down:\n" + h.service.output()[-500:]


async def test_stopping_the_scheduler_lets_a_poll_in_flight_finish() -> None:
    # Regression (seen in the soak): APScheduler's shutdown cancelled the poll in flight, logged it as a
    # failed job with a traceback, and the service's grace period for polls never applied.
    started, finished = asyncio.Event(), asyncio.Event()

    async def poll(feed_id: str) -> None:
        started.set()
        await asyncio.sleep(0.3)
        finished.set()

    scheduler = FeedScheduler(poll, startup_spread=0.0)
    scheduler.start()
    scheduler.sync([Feed("f", "https://f.example/rss", "F", interval=60.0)])
    await asyncio.wait_for(started.wait(), 5)
    scheduler.shutdown()
    await asyncio.wait_for(finished.wait(), 5)
