"""The pipeline: the only place that awaits fetch, store and send. Decisions are pure functions it calls.

    poll(feed):
        state    = store.feed_state(feed.id) or a new FeedState
        if the rules URL was edited: state.url = rules URL, validators dropped
        if not is_due(state, now): skip                       # backoff, Retry-After, ttl
        state    = store.claim_feed(feed) or skip             # several workers: the feed's lease
        result   = fetch(feed, state)                         # conditional GET; 304 -> no parsing
        articles = parse_feed(result.content)                 # on a worker thread (CPU-heavy, pure)
        for article in articles:                              # one failing article never stops the rest
            if store.article_seen(article): skip              # across restarts
            backfill = first poll and (article undated or older than the backfill window)
            article    = full_text(article) unless backfill   # feeds with full_text = true
            statements = extract_statements(article.text)     # who said what: in a worker process,
                                                              # with dedup's pure inputs (stories.prepared)
            events     = dedup.process_article(article, statements)   # records article, statements, stories:
                                                              # on the store's thread, those waiting in one
                                                              # transaction (Recorder, stories.record)
            if backfill: skip alerts (recorded only)
            for event in events:
                firings = watches_firing(rules, event.speaker)         # watchers/stories/watches.py
                sink(Alert(story, watches, chats, update=not event.new))
        state = apply_result(state, result or error)          # validators, health, next poll (from
                                                              # the answer: a request's wait is not spacing)
        store.save_feed_state(state); release the lease       # always, whatever the poll raised

The sink decides what an alert becomes: an outbox row for the bot, a console print, a scan line.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from rules.match import Matcher
from rules.model import Feed, Rules
from watchers.feeds.errors import FetchError, RepeatedErrors
from watchers.feeds.fetch import Fetcher, FetchResult
from watchers.feeds.parse import parse_feed
from watchers.feeds.schedule import DUE_TOLERANCE, apply_result, follow_rules_url, is_backfill, is_due
from watchers.feeds.text import fetch_article_text
from watchers.model import Alert, Article, FeedState, Lease
from watchers.statements import extract_statements
from watchers.statements.worker import ProcessExtractor, in_thread
from watchers.store import AsyncStore, open_backend
from watchers.stories.alerted import AlertedStories
from watchers.stories.prepared import Prepared, prepare
from watchers.stories.record import batch_keys, record_article, record_batch
from watchers.stories.watches import ArticleAnalysis, analyse

log = logging.getLogger(__name__)

AlertSink = Callable[[Alert], Awaitable[None]]
T = TypeVar("T")

# run_cycle starts this many polls per turn of the event loop. Each poll's first step (feed lock, a
# store request handed to the store's thread) takes ~70 us of the loop; started all at once, 5,000
# feeds held the loop for 140-360 ms in one turn (bench/bench_pipeline.py). The fetcher admits 20
# requests at a time anyway, so starting them in batches delays nothing.
START_BATCH = 50
# Articles recorded in one transaction at most, of those waiting for the store's thread (Recorder): a
# commit and a hand-over of the thread per batch instead of per article; the write lock is held for
# the batch (~2-3 ms per article).
BATCH_ARTICLES = 16


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class PollReport:
    """One feed's poll, for the per-cycle status line and /status."""

    feed: str
    status: str  # "ok" | "not-modified" | "skipped" | "error"
    articles: int = 0  # entries in the feed
    new: int = 0  # articles not seen before
    alerts: int = 0
    error: str | None = None
    seconds: float = 0.0
    truncated: bool = False  # the body ended inside an entry (see watchers.feeds.parse); validators not kept
    failed: int = 0  # articles whose processing raised (logged; retried next poll: validators not kept)
    held: bool = False  # skipped because another worker holds the feed's lease


@dataclass
class CycleReport:
    polls: list[PollReport] = field(default_factory=list)

    def line(self) -> str:
        by_status: dict[str, int] = {}
        for p in self.polls:
            by_status[p.status] = by_status.get(p.status, 0) + 1
        parts = ", ".join(f"{n} {s}" for s, n in sorted(by_status.items()))
        new = sum(p.new for p in self.polls)
        alerts = sum(p.alerts for p in self.polls)
        return f"poll cycle: {len(self.polls)} feeds ({parts}); {new} new articles; {alerts} alerts"


class Pipeline:
    def __init__(
        self,
        rules: Rules,
        store: AsyncStore,
        fetcher: Fetcher | None,
        sink: AlertSink,
        now: Callable[[], datetime] = utcnow,
        backfill: bool = True,
        outbox: bool = False,
        matcher: Matcher | None = None,
        extractor: ProcessExtractor | None = None,
        lease: Lease | None = None,
    ) -> None:
        self.store = store
        # `quotewatch run`: feeds are claimed before each poll, so several workers split them; None
        # (scan, tests): this pipeline polls what it is asked to.
        self.lease = lease
        # Extraction runs off the event loop: in the service's worker processes, else (scan, tests)
        # on the process's one extraction thread.
        self.extractor = extractor
        self.backfill = backfill  # False for `scan`: a one-off look alerts on everything it finds
        # True in bot mode: alerts are queued for Telegram in the same transaction that records the article
        self.outbox = outbox
        self.fetcher = fetcher
        self.sink = sink
        self.now = now
        self.set_rules(rules, matcher)
        # Never two polls of one feed at once, whoever triggers them (scheduler, /reload, scan).
        self._feed_locks: dict[str, asyncio.Lock] = {}
        self.errors = RepeatedErrors()
        self.alerted = AlertedStories()
        self.recorder = Recorder(store)

    def set_rules(self, rules: Rules, matcher: Matcher | None = None) -> None:
        """Swap in new rules (hot reload); the next article uses them. `matcher` is one compiled from
        `rules` already (the service compiles off the event loop); without it, it is compiled here."""
        self.rules = rules
        self.matcher = matcher if matcher is not None else Matcher.compile(rules)
        # Key quotes that mention a story's topics rank first. Swapping one dict is atomic, so this may
        # run on the event loop while the store's thread reads the old one.
        self.store.store.set_topic_terms({t.id: (*t.any, *t.all) for t in rules.topics})

    async def offload(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args, **kwargs), pure and CPU-heavy: in a worker process of the extractor (stopped at
        once at shutdown), else on a thread."""
        if self.extractor is None:
            return await asyncio.to_thread(fn, *args, **kwargs)
        return await self.extractor.call(fn, *args, **kwargs)

    async def poll(self, feed: Feed, force: bool = False, claimed: FeedState | None = None) -> PollReport:
        """Poll one feed if due. `claimed`: its state as claim_due_feeds leased it to us (run_cycle)."""
        lock = self._feed_locks.setdefault(feed.id, asyncio.Lock())
        if lock.locked():
            if claimed is not None and self.lease is not None:
                await self.store.run(self.store.store.release_feed, feed.id, self.lease.worker_id)
            return PollReport(feed.id, "skipped")
        async with lock:
            return await self._poll(feed, force, claimed)

    async def _poll(self, feed: Feed, force: bool, claimed: FeedState | None = None) -> PollReport:
        started = time.monotonic()
        now = self.now()
        lease = self.lease
        if claimed is not None:
            state = follow_rules_url(claimed, feed.url)
        else:
            state = follow_rules_url(await self.store.feed_state(feed.id) or FeedState(
                feed_id=feed.id, url=feed.url, configured_url=feed.url
            ), feed.url)
        if claimed is None and not force and not is_due(state, now, feed.interval):
            return PollReport(feed.id, "skipped")
        if lease is not None and claimed is None:
            # Several workers on one database: the feed is ours only under a lease (watchers.store
            # workers). The state read under it is the truth: another worker may have just polled.
            claimed = await self.store.claim_feed(feed.id, feed.url, lease.worker_id, now, lease.seconds)
            if claimed is None:
                return PollReport(feed.id, "skipped", held=True)  # another worker polls it now
            state = follow_rules_url(claimed, feed.url)
            if not force and not is_due(state, now, feed.interval):
                await self.store.run(self.store.store.release_feed, feed.id, lease.worker_id)
                return PollReport(feed.id, "skipped")
        assert self.fetcher is not None, "a pipeline without a fetcher can only process articles"
        fetched_feed = replace(feed, url=state.url)
        report = PollReport(feed.id, "ok")
        try:
            result = await self.fetcher.fetch_feed(fetched_feed, state, now)
            # The next poll counts from the answer, not from this poll's start: the request may have
            # waited for one of the fetcher's slots, and that wait must not come off the spacing the
            # publisher sees (no feed fetched twice within (1 - DUE_TOLERANCE) of its interval).
            answered = self.now()
            ttl: float | None = None
            if result.content is not None:
                ttl = await self.ingest(
                    feed, result.content, result.headers, state, now, report, base_url=result.url
                )
            else:
                report.status = "not-modified"
            state = apply_result(state, result, answered, feed.interval, ttl, items=report.new)
            if report.truncated:
                # The entry left out must come back whole: no ETag / Last-Modified, or a 304 would hide it.
                state = replace(state, etag=None, last_modified=None)
            if report.failed:
                # Unseen articles are in this body: the next poll must get it again, not a 304.
                state = replace(state, etag=None, last_modified=None, last_error=report.error, last_error_at=now)
        except FetchError as e:
            report.status, report.error = "error", str(e)
            state = apply_result(state, e, self.now(), feed.interval, None)  # backoff from the failure
            log.warning("feed %s: poll failed: %s", feed.id, e, extra={"feed": feed.id, "url": state.url})
        except Exception as e:
            # A bug or a broken store, not the feed's fault: still recorded (health, backoff) so the feed
            # shows up in /status with the error instead of silently never being polled right again.
            report.status, report.error = "error", f"{type(e).__name__}: {e}"
            state = apply_result(state, e, self.now(), feed.interval, None)
            self.errors.log(
                e, "feed %s: poll crashed feed=%s", feed.id, feed.id, extra={"feed": feed.id, "url": state.url}
            )
        try:
            await self.recorder.record((), functools.partial(
                self.store.store.save_feed_state, state, release=None if lease is None else lease.worker_id
            ))
        except Exception as e:  # a store that refuses writes (disk full, read-only): throttled like the rest
            report.status, report.error = "error", report.error or f"{type(e).__name__}: {e}"
            self.errors.log(
                e, "feed %s: its poll state could not be saved feed=%s", feed.id, feed.id, extra={"feed": feed.id}
            )
        report.seconds = time.monotonic() - started
        return report

    async def ingest(
        self,
        feed: Feed,
        content: bytes,
        headers: dict[str, str],
        state: FeedState,
        now: datetime,
        report: PollReport,
        base_url: str | None = None,
    ) -> float | None:
        """Parse a fetched feed body and process its articles; returns the feed's ttl (seconds) if any.

        `base_url` is where the body came from after redirects: relative links resolve against it."""
        # feedparser and the HTML-to-text pass are CPU-heavy and pure: off the event loop, in a worker
        # process when there is one (a thread cannot be stopped, a hostile feed keeps it busy for long).
        parsed = await self.offload(parse_feed, content, headers, feed, now, base_url=base_url)
        report.articles = len(parsed.articles)
        report.truncated = parsed.truncated
        if parsed.truncated:
            log.warning(
                "feed %s: the body was cut off inside an entry; that entry is left for the next poll",
                feed.id,
                extra={"feed": feed.id},
            )
        for article in parsed.articles:
            try:
                alerts = await self.process_article(article, feed, state, now)
            except Exception as e:
                # One bad article (an extractor bug, an odd page) must not cost the rest of the feed. It
                # stays unseen, so the next poll tries it again.
                report.failed += 1
                if report.error is None:
                    report.error = f"article {article.id}: {type(e).__name__}: {e}"
                self.errors.log(
                    e, "feed %s: article failed, skipped feed=%s article=%s",
                    feed.id, feed.id, article.id,
                    extra={"feed": feed.id, "article": article.id},
                )
                continue
            if alerts is not None:
                report.new += 1
                report.alerts += len(alerts)
        return parsed.ttl

    async def process_article(
        self, article: Article, feed: Feed, state: FeedState, now: datetime
    ) -> list[Alert] | None:
        """Run one article through extraction, dedup and the watches. None when it was seen before."""
        if await self.store.article_seen(article.id, article.url):
            return None
        # Decided first: a backfill item cannot alert, so its page is not worth a request.
        alert = not (self.backfill and is_backfill(article, state, now, self.rules.settings.backfill))
        if alert and feed.full_text and self.fetcher is not None:
            article = await fetch_article_text(self.fetcher, article, feed, self.offload)
        # Extraction and dedup's pure inputs (fingerprint, shingle keys) in one trip off the loop; the
        # store's thread then only looks up, decides and writes.
        if self.extractor is None:
            analysis, prepared = await in_thread(analyse_article, article, self.matcher)
        else:
            found = await self.extractor.run(
                article.text, article.title, self.matcher, self.rules, article.lang, prepare=prepare
            )
            analysis = ArticleAnalysis(
                article, tuple(found.statements), tuple(found.text_hits), tuple(found.title_hits)
            )
            prepared = found.prepared
        rules, matcher = self.rules, self.matcher
        alerts = await self.recorder.record(batch_keys(analysis, prepared), functools.partial(
            record_article, self.store.store, rules, matcher, analysis, now, alert, self.outbox, self.alerted,
            prepared,
        ))
        for a in alerts:
            self.alerted.add(a.story.id)
            await self.sink(a)
        return alerts


def analyse_article(article: Article, matcher: Matcher) -> tuple[ArticleAnalysis, Prepared]:
    """Statements and keyword hits of one article and dedup's pure inputs, in this process (pure,
    CPU-heavy: off the loop)."""
    statements = extract_statements(article.text, matcher, lang=article.lang)
    return analyse(article, matcher, statements), prepare(article.text, article.title, statements)


class Recorder:
    """Articles recorded on the store's thread, those that wait for it together: one batch of up to
    BATCH_ARTICLES per turn of the thread, one transaction (watchers.stories.record). An article waits
    for no batch to fill: one arriving at an idle store is recorded at once, alone."""

    def __init__(self, store: AsyncStore) -> None:
        self.store = store
        self._waiting: list[tuple[Sequence[str], Callable[[], Any], asyncio.Future[Any]]] = []
        self._turn: asyncio.Task[None] | None = None

    async def record(self, keys: Sequence[str], job: Callable[[], T]) -> T:
        """job() (a write in its own transaction: record_article, a feed's state) inside its batch's
        transaction, holding `keys` (dedup.lock_keys); its result once the batch committed."""
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._waiting.append((keys, job, done))
        if self._turn is None or self._turn.done():
            self._turn = asyncio.ensure_future(self._drain())
        return await done

    async def _drain(self) -> None:
        while self._waiting:
            # An article whose poll was cancelled (shutdown) is left out: it stays unseen.
            batch = [w for w in self._waiting[:BATCH_ARTICLES] if not w[2].done()]
            del self._waiting[:BATCH_ARTICLES]
            if not batch:
                continue
            try:
                results = await self.store.run(record_batch, self.store.store, [(k, j) for k, j, _ in batch])
            except BaseException as e:  # the store refused the turn (closed): every article of it failed
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(e if isinstance(e, Exception) else RuntimeError(repr(e)))
                if not isinstance(e, Exception):
                    raise
                continue
            for (_, _, done), result in zip(batch, results, strict=True):
                if done.done():
                    continue
                if isinstance(result, Exception):
                    done.set_exception(result)
                else:
                    done.set_result(result)


async def run_cycle(pipeline: Pipeline, feeds: Sequence[Feed], force: bool = False) -> CycleReport:
    """Poll every feed concurrently (the fetcher's limits bound the concurrency); one failure never
    stops the others. A pipeline with a lease (one of several workers) polls only the due feeds it
    claims, CLAIM_BATCH at a time (claimed_cycle)."""
    if pipeline.lease is not None and not force:
        return await claimed_cycle(pipeline, feeds, pipeline.lease)
    tasks: list[asyncio.Task[PollReport]] = []
    try:
        for i, feed in enumerate(feeds):
            if i and i % START_BATCH == 0:
                await asyncio.sleep(0)  # the polls started so far take their first step; the loop breathes
            tasks.append(asyncio.ensure_future(pipeline.poll(feed, force)))
    except BaseException:
        for task in tasks:
            task.cancel()
        raise
    return collect([f.id for f in feeds], await asyncio.gather(*tasks, return_exceptions=True))


# A worker's cycle claims this many due feeds per statement, and claims more once fewer are in flight.
CLAIM_BATCH = 100


async def claimed_cycle(pipeline: Pipeline, feeds: Sequence[Feed], lease: Lease) -> CycleReport:
    """One cycle as one of several workers: claim due, free feeds in batches (store.claim_due_feeds:
    one statement, SKIP LOCKED) and poll those; what the others claimed is theirs. Ends when no due
    feed is left to claim and the polls are done."""
    by_id = {f.id: f for f in feeds}
    left = dict(by_id)
    tasks: dict[str, asyncio.Task[PollReport]] = {}
    try:
        while claimed := await pipeline.store.claim_due_feeds(
            lease.worker_id, [(f.id, f.url, DUE_TOLERANCE * f.interval) for f in left.values()],
            pipeline.now(), lease.seconds, CLAIM_BATCH,
        ):
            for state in claimed:
                del left[state.feed_id]
                tasks[state.feed_id] = asyncio.ensure_future(pipeline.poll(by_id[state.feed_id], claimed=state))
            while len(running := [t for t in tasks.values() if not t.done()]) >= CLAIM_BATCH // 2:
                await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        for task in tasks.values():
            task.cancel()
        raise
    report = collect(list(tasks), await asyncio.gather(*tasks.values(), return_exceptions=True))
    report.polls.extend(PollReport(f, "skipped") for f in left)
    return report


def collect(feed_ids: Sequence[str], results: Sequence[PollReport | BaseException]) -> CycleReport:
    """The cycle's report from its polls' outcomes (a poll that crashed is an error line)."""
    report = CycleReport()
    for feed_id, result in zip(feed_ids, results, strict=True):
        if isinstance(result, BaseException):
            log.error("feed poll crashed", exc_info=result, extra={"feed": feed_id})
            report.polls.append(PollReport(feed_id, "error", error=repr(result)))
        else:
            report.polls.append(result)
    return report


def open_store(db: str | None) -> AsyncStore:
    """The history store for async code: None is a throwaway in-memory store (`scan` without --db); a
    string is a SQLite path or a postgresql:// URL (watchers.store.open_backend decides which)."""
    return AsyncStore(open_backend(db or ":memory:"))


__all__ = ["CLAIM_BATCH", "Lease", "Pipeline", "PollReport", "CycleReport", "run_cycle", "open_store", "FetchResult"]
