"""Recording articles on the store's thread: dedup, the alerts it makes, and their outbox rows, in
one transaction per article (`record_article`) or per batch of articles (`record_batch`).

Why batches: the service's main process records every article on ONE thread (watchers.store's
AsyncStore), and per article it paid a transaction (BEGIN IMMEDIATE, COMMIT: a WAL append) and a
hand-over of that thread and the GIL to and from the event loop. When articles queue up behind each
other (a cycle in which many feeds bring news), `record_batch` records those waiting in one
transaction: one commit, one hand-over, the same decisions (each article's dedup reads what the ones
before it in the batch wrote, exactly as if each had committed: one connection, one transaction).

Nothing is lost on a crash: an article counts as seen only once its batch committed, with its
alerts' outbox rows in the same commit; a crash before that leaves every article of the batch unseen,
to be read again on the next poll. One article that raises rolls the whole batch back, and the batch
is then recorded article by article, so only that one fails (and stays unseen).

Several workers on one database (PostgreSQL): dedup holds each article's keys for its transaction
(watchers.stories.dedup, store.lock_keys); a batch takes the keys of all its articles first, in one
sorted statement, so two workers' batches never wait on each other in a cycle. Taking a key again
within the transaction (each article's own dedup does) is free.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from rules.match import Matcher
from rules.model import Rules
from watchers.model import Alert, StoryEvent
from watchers.statements.similarity import normalise
from watchers.store import StoreBackend
from watchers.stories import dedup
from watchers.stories.alerted import AlertedStories
from watchers.stories.prepared import Prepared
from watchers.stories.watches import ArticleAnalysis, watches_firing

T = TypeVar("T")


def record_article(
    store: StoreBackend,
    rules: Rules,
    matcher: Matcher,
    analysis: ArticleAnalysis,
    now: datetime,
    alert: bool,
    outbox: bool,
    alerted: AlertedStories | None = None,
    prepared: Prepared | None = None,
) -> list[Alert]:
    """Record one article (dedup) and queue its alerts in ONE transaction, on the store's thread.

    Recording and queueing together is what makes a crash harmless: either the article is unseen and
    will be processed again, or it is seen and its alerts are in the outbox. `prepared`: dedup's pure
    inputs, computed beforehand where the article was extracted (watchers.stories.prepared).
    """
    with store.transaction():
        events = dedup.process_article(
            store, analysis.article, analysis.statements, now, rules.settings.dedup_window, prepared
        )
        if not alert:
            return []  # backfill: recorded for dedup and search, too old to alert
        alerts = []
        for event in events:
            decided = alert_for(store, rules, matcher, analysis, event, now, alerted)
            if decided is None:
                continue
            alerts.append(decided)
            if outbox:
                for chat in decided.chats:
                    delivered = store.delivery(chat, event.story_id) is not None
                    store.enqueue(chat, event.story_id, "edit" if delivered else "send")
        return alerts


def alert_for(
    store: StoreBackend,
    rules: Rules,
    matcher: Matcher,
    analysis: ArticleAnalysis,
    event: StoryEvent,
    now: datetime,
    alerted: AlertedStories | None = None,
) -> Alert | None:
    """The alert for one story event: new stories go to the chats of the watches that fire; a new source
    of a story edits the alert in every chat that already has it (and goes to newly firing chats)."""
    if not event.new and not event.new_source:
        return None  # the same article again (another feed, a same-outlet copy): nothing to tell
    firings = watches_firing(rules, matcher, analysis, event.speaker_id, now)
    delivered = [chat for chat, _ in store.deliveries(event.story_id)]
    if not firings and not (not event.new and delivered):
        return None
    topics = tuple(dict.fromkeys(t for f in firings for t in f.topics))
    if topics:
        store.add_story_topics(event.story_id, topics)
    story = store.get_story(event.story_id)
    if story is None:
        return None
    chats: list[int | str] = list(delivered)
    for f in firings:
        chats.extend(f.watch.chats)
        chats.extend(store.subscribers(f.watch.id))
    return Alert(
        story=story,
        watch_ids=tuple(f.watch.id for f in firings),
        chats=tuple(dict.fromkeys(chats)),
        # an update only of an alert already made: sent to a chat, or (console, scan) emitted here
        update=not event.new and (bool(delivered) or (alerted is not None and event.story_id in alerted)),
    )


def batch_keys(analysis: ArticleAnalysis, prepared: Prepared | None) -> list[str]:
    """The keys the article's dedup will hold (watchers.stories.dedup.lock_keys), for its batch."""
    norm_title = normalise(analysis.article.title) if prepared is None else prepared.norm_title
    speakers = dict.fromkeys(st.speaker_id for st in analysis.statements if st.speaker_id is not None)
    return dedup.lock_keys(analysis.article, norm_title, speakers)


def record_batch(
    store: StoreBackend, jobs: Sequence[tuple[Sequence[str], Callable[[], T]]]
) -> list[T | Exception]:
    """Run each job (keys it holds, a function recording one article in its own transaction) in ONE
    transaction, in order; the results in order, an Exception where a job raised (see the module
    docstring: a batch with a failing job is run again job by job)."""
    if len(jobs) > 1:
        try:
            with store.transaction():
                store.lock_keys([k for keys, _ in jobs for k in keys])
                return [job() for _, job in jobs]
        except Exception:  # rolled back whole: each on its own, so that only the failing one fails
            pass
    out: list[T | Exception] = []
    for _, job in jobs:
        try:
            out.append(job())
        except Exception as e:
            out.append(e)
    return out
