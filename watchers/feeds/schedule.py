"""When to poll each feed next: pure rules (next_poll_at, apply_result) and a thin APScheduler wrapper.

Rules of next_poll_at (all delays capped at MAX_DELAY, 24 h):

    success: max(interval, min(max(ttl, max-age), HINT_FACTOR * interval))
             -- the publisher's <ttl> or Cache-Control max-age may slow us down, but at most to 4x the
                configured interval: a feed that says "ttl 1440" must not go quiet for a day when the
                user asked for 5 minutes; it never speeds us up beyond the configured interval.
    error:   interval * 2**errors          (errors = consecutive errors including this one)
    either:  at least Retry-After when the server sent one (429 / 503)
    then:    + jitter * delay              (jitter is a fraction the caller draws, e.g. uniform(0, 0.1))

apply_result folds one poll's outcome (FetchResult or error) into the FeedState the store keeps.

FeedScheduler runs one APScheduler job per feed at the feed's base interval. The adaptive schedule lives
in FeedState.next_poll (the store's truth, shared by every worker), so the job does NOT reschedule itself:
the `poll(feed_id)` callback loads the state and returns at once unless `is_due` (now >= next_poll, less
DUE_TOLERANCE of the interval after a success, to absorb the ticks' jitter and the poll's own time to
its answer, from which next_poll counts). A skipped tick costs one store lookup; in exchange the
scheduler holds no state that could drift from the store, and "what is due" stays a query.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from rules.model import Feed
from watchers.feeds.errors import FetchError, HTTPStatusError
from watchers.feeds.fetch import FetchResult
from watchers.model import Article, FeedState

log = logging.getLogger(__name__)

# No feed waits longer than a day between polls, whatever it asks or however often it failed.
MAX_DELAY = 24 * 3600.0
# A publisher's ttl / max-age can stretch our interval at most this much (see the module docstring).
HINT_FACTOR = 4
# Statuses whose Retry-After we honour (RFC 9110: 503, and 429 from RFC 6585).
RETRY_AFTER_STATUSES = frozenset({429, 503})
# Beyond this exponent the backoff is over MAX_DELAY for any interval of a second or more.
MAX_BACKOFF_EXPONENT = 20
# Scheduler tuning: a job that missed its time by up to this much (event loop busy, laptop asleep)
# still runs; coalesce folds a backlog of missed runs into one.
MISFIRE_GRACE = 60
# First polls after start-up are spread over this many seconds so 2,000 feeds do not fire at once.
STARTUP_SPREAD = 30.0
# Each job's trigger adds up to this fraction of its interval at random to every run.
TRIGGER_JITTER = 0.08
# A poll's own time from its tick to the feed's answer (the claim, a wait for a fetcher slot, the
# request), as a fraction of the interval, that still costs no tick: a successful poll sets next_poll
# to answer + interval (watchers.pipeline: the wait must not come off the spacing the publisher sees),
# so the next tick is that much closer to next_poll. 6 s at the default 5 minutes.
ANSWER_MARGIN = 0.02
# A feed counts as due this fraction of its interval before next_poll. The jobs' ticks land at
# base + n * interval + up to TRIGGER_JITTER * interval, while a successful poll sets next_poll to
# its answer + interval: a tick drawn with less jitter than the one before comes a little early, and
# without this slack it would be skipped and the feed would wait a whole extra interval. Two requests
# for one feed are never closer than (1 - DUE_TOLERANCE) * interval.
DUE_TOLERANCE = TRIGGER_JITTER + ANSWER_MARGIN
# Longest error text kept in FeedState (shown by /status).
MAX_ERROR_TEXT = 500


def next_poll_at(
    now: datetime,
    interval: float,
    *,
    ttl: float | None = None,
    cache_max_age: float | None = None,
    retry_after: float | None = None,
    errors: int = 0,
    jitter: float = 0.0,
) -> datetime:
    """Earliest time of the next poll (rules in the module docstring). Pure."""
    if errors > 0:
        delay = interval * 2 ** min(errors, MAX_BACKOFF_EXPONENT)
    else:
        hint = max(ttl or 0.0, cache_max_age or 0.0)
        delay = max(interval, min(hint, HINT_FACTOR * interval))
    if retry_after is not None:
        delay = max(delay, retry_after)
    delay *= 1.0 + max(jitter, 0.0)
    return now + timedelta(seconds=min(delay, MAX_DELAY))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or an HTTP date); None when absent or garbage."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT
        when = when.replace(tzinfo=UTC)
    return max((when - now).total_seconds(), 0.0)


def parse_cache_control(value: str | None) -> float | None:
    """The max-age (seconds) of a Cache-Control header; None when absent, invalid, or no-store/no-cache.

    no-cache / no-store say "always ask", which is no reason to wait longer: the interval alone applies.
    """
    if not value:
        return None
    max_age: float | None = None
    for directive in value.lower().split(","):
        name, _, arg = directive.strip().partition("=")
        name = name.strip()
        if name in ("no-cache", "no-store"):
            return None
        if name in ("max-age", "s-maxage") and max_age is None:
            arg = arg.strip().strip('"')
            if arg.isdigit():
                max_age = float(arg)
    return max_age


def apply_result(
    state: FeedState,
    outcome: FetchResult | BaseException,
    now: datetime,
    interval: float,
    ttl: float | None = None,
    *,
    items: int = 0,
    jitter: float = 0.0,
) -> FeedState:
    """The feed's state after one poll. Pure.

    outcome: the FetchResult (200 or 304), or the error the poll raised (fetch or parse).
    ttl: the parsed feed's <ttl> in seconds (None on 304); items: how many entries the poll brought.
    """
    if isinstance(outcome, BaseException):
        errors = state.consecutive_errors + 1
        retry_after = None
        if isinstance(outcome, HTTPStatusError) and outcome.status in RETRY_AFTER_STATUSES:
            retry_after = parse_retry_after(outcome.retry_after, now)
        text = str(outcome) if isinstance(outcome, FetchError) else f"{type(outcome).__name__}: {outcome}"
        return replace(
            state,
            last_poll=now,
            last_error=text[:MAX_ERROR_TEXT],
            last_error_at=now,
            consecutive_errors=errors,
            next_poll=next_poll_at(now, interval, retry_after=retry_after, errors=errors, jitter=jitter),
        )
    not_modified = outcome.status == 304
    return replace(
        state,
        url=outcome.permanent_redirect_to or state.url,
        # A 304 may omit the validators; a 200 replaces them (and clears those the server stopped sending).
        etag=(outcome.etag or state.etag) if not_modified else outcome.etag,
        last_modified=(outcome.last_modified or state.last_modified)
        if not_modified
        else outcome.last_modified,
        last_poll=now,
        last_success=now,
        consecutive_errors=0,
        items_seen=state.items_seen + items,
        polled_ok_once=True,
        next_poll=next_poll_at(
            now,
            interval,
            ttl=ttl,
            cache_max_age=parse_cache_control(outcome.headers.get("cache-control")),
            jitter=jitter,
        ),
    )


def is_due(state: FeedState, now: datetime, interval: float) -> bool:
    """Whether a feed may be polled at `now`. Pure.

    Within DUE_TOLERANCE * interval of next_poll counts as due, after a successful poll only: after an
    error next_poll is a backoff or the server's Retry-After, which is kept to the second."""
    if state.next_poll is None:
        return True
    slack = DUE_TOLERANCE * interval if state.consecutive_errors == 0 else 0.0
    return now >= state.next_poll - timedelta(seconds=slack)


def is_backfill(article: Article, state: FeedState, now: datetime, backfill: float) -> bool:
    """On a feed's first successful poll, items older than the backfill window are recorded, not alerted.

    So are undated items: their `published` is the first-seen time, which would put a feed's whole
    archive inside any window."""
    if state.polled_ok_once:
        return False
    return not article.dated or article.published < now - timedelta(seconds=backfill)


def follow_rules_url(state: FeedState, rules_url: str) -> FeedState:
    """The state to poll from when the rules say `rules_url`. Pure.

    A rules URL other than the one the state was last set from is an edit (a fixed typo, the outlet's
    new address): it wins over the stored URL, permanent redirect or not, and validators of another
    URL are dropped. An unchanged rules URL keeps the stored one, which a permanent redirect may have
    moved. States from before schema 4 know no configured URL: the rules URL is taken afresh (a stored
    redirect is learnt again on the next poll)."""
    if state.configured_url == rules_url:
        return state
    if state.url == rules_url:
        return replace(state, configured_url=rules_url)
    return replace(state, url=rules_url, configured_url=rules_url, etag=None, last_modified=None)


Poll = Callable[[str], Awaitable[None]]


class FeedScheduler:
    """One APScheduler job per feed calling `poll(feed_id)` every feed.interval (see the module docstring).

    The callback decides whether the feed is due (FeedState.next_poll) and must not raise; if it does, the
    error is logged with feed= and the job keeps its schedule.
    """

    def __init__(
        self,
        poll: Poll,
        *,
        scheduler: AsyncIOScheduler | None = None,
        startup_spread: float = STARTUP_SPREAD,
        misfire_grace: int = MISFIRE_GRACE,
    ) -> None:
        self.poll = poll
        self.scheduler = scheduler or AsyncIOScheduler(timezone=UTC)
        self.startup_spread = startup_spread
        self.misfire_grace = misfire_grace
        self._intervals: dict[str, float] = {}

    def start(self) -> None:
        """Start the scheduler; call from inside the running event loop."""
        if not self.scheduler.running:
            self.scheduler.start()

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    @property
    def feed_ids(self) -> frozenset[str]:
        return frozenset(self._intervals)

    def sync(self, feeds: Iterable[Feed]) -> None:
        """Make the jobs match `feeds`: add new feeds, remove gone ones, reschedule changed intervals."""
        wanted = {feed.id: feed.interval for feed in feeds}
        for feed_id in set(self._intervals) - set(wanted):
            self.scheduler.remove_job(feed_id)
            del self._intervals[feed_id]
            log.info("feed unscheduled feed=%s", feed_id)
        now = datetime.now(UTC)
        for feed_id, interval in wanted.items():
            previous = self._intervals.get(feed_id)
            if previous == interval:
                continue
            trigger = IntervalTrigger(seconds=interval, jitter=interval * TRIGGER_JITTER, timezone=UTC)
            if previous is None:
                first_run = now + timedelta(seconds=random.uniform(0, min(self.startup_spread, interval)))
                self.scheduler.add_job(
                    self._run,
                    trigger,
                    args=[feed_id],
                    id=feed_id,
                    name=f"poll {feed_id}",
                    max_instances=1,  # a slow poll is never overlapped by the next tick of the same feed
                    coalesce=True,
                    misfire_grace_time=self.misfire_grace,
                    next_run_time=first_run,
                    replace_existing=True,
                )
                log.info("feed scheduled feed=%s interval=%s", feed_id, interval)
            else:
                self.scheduler.reschedule_job(feed_id, trigger=trigger)
                log.info("feed rescheduled feed=%s interval=%s", feed_id, interval)
            self._intervals[feed_id] = interval

    async def _run(self, feed_id: str) -> None:
        # The poll runs in its own task, shielded: APScheduler's shutdown cancels the jobs in flight, and
        # the caller (the service) wants them to finish (or cancels them itself, after a grace period).
        task = asyncio.ensure_future(self._poll(feed_id))
        try:
            await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():
                log.info("scheduler stopped; the poll in flight goes on feed=%s", feed_id)
            # Not re-raised: APScheduler would log a cancelled job as a failure with a traceback.

    async def _poll(self, feed_id: str) -> None:
        try:
            await self.poll(feed_id)
        except Exception:
            log.exception("poll failed feed=%s", feed_id)
