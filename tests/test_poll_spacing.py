"""No feed is fetched twice within (1 - DUE_TOLERANCE) of its interval, counted where it counts: at the
publisher's server, from one request to the next (issue #17: "no feed polled twice within one
interval"), on both backends.

A poll's request may go out well after the poll began (the fetcher's slots are all busy, a loaded
machine): the next poll is counted from when the request was answered, not from when the poll began,
or the waiting time comes off the next spacing. The clock is injected; the fetcher is a stand-in that
records when each request goes out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from rules.model import Feed, Rules
from watchers.feeds.errors import FetchError
from watchers.feeds.fetch import FetchResult
from watchers.feeds.schedule import DUE_TOLERANCE
from watchers.model import Alert, FeedState, Lease
from watchers.pipeline import Pipeline, open_store

T0 = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)
INTERVAL = 60.0
FEED = Feed(id="herald", url="https://herald.example/rss", name="Herald", interval=INTERVAL)


class Clock:
    def __init__(self) -> None:
        self.t = T0

    def __call__(self) -> datetime:
        return self.t


class QueuedFetcher:
    """Each request waits its turn (`waits`, seconds, one per request; 0 once they run out), goes out
    (recorded), and is answered `answer` seconds later with a 304 or, with `fail`, an error."""

    def __init__(self, clock: Clock, waits: list[float], answer: float = 1.0, fail: bool = False) -> None:
        self.clock, self.waits, self.answer, self.fail = clock, waits, answer, fail
        self.requests: list[datetime] = []

    async def fetch_feed(
        self, feed: Feed, state: FeedState | None = None, now: datetime | None = None
    ) -> FetchResult:
        self.clock.t += timedelta(seconds=self.waits.pop(0) if self.waits else 0.0)
        self.requests.append(self.clock.t)
        self.clock.t += timedelta(seconds=self.answer)
        if self.fail:
            raise FetchError(f"{feed.url}: connection reset")
        return FetchResult(304, feed.url, None, {}, None, None, None, self.answer)


async def no_sink(alert: Alert) -> None:
    pass


async def ticks(db_url: str, fetcher: QueuedFetcher, clock: Clock, seconds: int) -> FeedState | None:
    """A worker's scheduler asking every second whether the feed is due, for `seconds`."""
    store = open_store(db_url)
    try:
        pipeline = Pipeline(
            Rules(feeds=(FEED,)), store, fetcher, no_sink, now=clock, lease=Lease("w1", 30.0)  # type: ignore[arg-type]
        )
        for s in range(seconds):
            clock.t = max(clock.t, T0 + timedelta(seconds=s))
            await pipeline.poll(FEED)
        return await store.feed_state(FEED.id)
    finally:
        await store.close()


async def test_a_request_that_waited_its_turn_does_not_bring_the_next_poll_closer(db_url: str) -> None:
    clock = Clock()
    fetcher = QueuedFetcher(clock, waits=[20.0])  # the first request waits 20 s for a free slot
    state = await ticks(db_url, fetcher, clock, seconds=int(3 * INTERVAL))
    gaps = [(b - a).total_seconds() for a, b in zip(fetcher.requests, fetcher.requests[1:], strict=False)]
    assert len(gaps) >= 2  # polled again and again: the check saw cycles
    assert min(gaps) >= (1 - DUE_TOLERANCE) * INTERVAL, gaps
    # counted from the last answer: the request went out, 1 s later it was answered
    assert state is not None and state.next_poll == fetcher.requests[-1] + timedelta(seconds=1 + INTERVAL)


async def test_a_failed_request_backs_off_from_when_it_failed(db_url: str) -> None:
    clock = Clock()
    fetcher = QueuedFetcher(clock, waits=[20.0], answer=5.0, fail=True)  # 20 s queued, 5 s until the reset
    state = await ticks(db_url, fetcher, clock, seconds=1)
    assert state is not None and state.consecutive_errors == 1
    assert state.next_poll == T0 + timedelta(seconds=25 + 2 * INTERVAL)
