"""Workers sharing one database: the workers table, feed leases, outbox claims, dedup's locks, and the
update-taker election.

The interface runs on both backends (`store`); what only several processes on one PostgreSQL can show
(a lease another worker holds, one story from two workers at the same instant, the election) uses two
or more Store objects on one PostgreSQL database, each as its own worker.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pg_server import PostgresServer

from watchers.model import Article, FeedState, Statement, StoryEvent
from watchers.store import StoreBackend, open_backend
from watchers.store.postgres.election import Election
from watchers.stories.dedup import process_article

T0 = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)
WINDOW = 72 * 3600.0
LEASE = 30.0


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


def article(n: int, outlet: str, title: str) -> Article:
    return Article(id=f"w{n}", url=f"https://{outlet.lower().replace(' ', '')}.example/{n}", title=title,
                   text=f"Report {n} from {outlet}.", feed=outlet.lower(), outlet=outlet, published=T0)


def said(text: str) -> Statement:
    return Statement(text=text, start=0, end=len(text), kind="direct", speaker="Ida Orlen", speaker_id="orlen")


# -- the interface, on both backends


def test_a_worker_registers_beats_and_shows_its_feeds_held(store: StoreBackend) -> None:
    store.register_worker("w1", "host-a", 101, T0)
    assert store.claim_feed("herald", "https://herald.example/rss", "w1", T0, LEASE) is not None
    [w] = store.workers()
    assert (w.worker_id, w.host, w.pid, w.started, w.takes_updates) == ("w1", "host-a", 101, T0, False)
    store.set_update_taker("w1")
    assert store.heartbeat("w1", T0 + timedelta(seconds=10), LEASE)
    [w] = store.workers()
    assert w.heartbeat == T0 + timedelta(seconds=10) and w.takes_updates
    state = store.feed_state("herald")
    assert state is not None
    store.save_feed_state(state, release="w2")  # not w2's lease: w1 keeps it
    assert [w.feeds for w in store.workers()] == [1]
    store.save_feed_state(state, release="w1")  # the poll is over: the save gives the lease back
    assert [w.feeds for w in store.workers()] == [0]
    store.unregister_worker("w1")
    assert store.workers() == []
    assert not store.heartbeat("w1", T0, LEASE)  # gone: the caller registers again


def test_claiming_a_new_feed_makes_its_state(store: StoreBackend) -> None:
    state = store.claim_feed("herald", "https://herald.example/rss", "w1", T0, LEASE)
    assert state == FeedState(feed_id="herald", url="https://herald.example/rss",
                              configured_url="https://herald.example/rss")
    store.save_feed_state(FeedState(feed_id="herald", url="https://herald.example/rss", etag='"v2"',
                                    next_poll=T0 + timedelta(minutes=5)))
    store.release_feed("herald", "w1")
    again = store.claim_feed("herald", "https://herald.example/other", "w1", T0, LEASE)
    assert again is not None and again.etag == '"v2"' and again.url == "https://herald.example/rss"


def test_the_claimed_outbox_items_come_oldest_first_and_a_sent_one_is_no_longer_claimed(
    store: StoreBackend,
) -> None:
    ids = [store.enqueue(100, f"s{n}", "send") for n in range(3)]
    items = store.claim_outbox("w1", T0 + timedelta(days=36500), LEASE)
    assert [i.id for i in items] == ids
    store.mark_sent(ids[0], 555)
    store.mark_retry(ids[1], "network", T0 + timedelta(days=36501))
    assert [i.id for i in store.claim_outbox("w1", T0 + timedelta(days=36500), LEASE)] == [ids[2]]
    assert store.delivery(100, "s0") == 555


def test_forgetting_workers_silent_too_long(store: StoreBackend) -> None:
    store.register_worker("old", "host-a", 1, T0)
    store.register_worker("new", "host-b", 2, T0 + timedelta(hours=2))
    assert store.forget_workers(T0 + timedelta(hours=1)) == 1
    assert [w.worker_id for w in store.workers()] == ["new"]


def test_a_heartbeat_never_shortens_a_lease_or_claim_taken_after_its_clock_reading(store: StoreBackend) -> None:
    # The beat reads the clock, then waits for its store; a poll's claim may land in between with a
    # later expiry. The beat must only push expiries forward, never pull one back.
    store.register_worker("w1", "host-a", 101, T0)
    beat_at, claimed_at = T0 + timedelta(seconds=10), T0 + timedelta(seconds=20)
    assert store.claim_feed("herald", "https://herald.example/rss", "w1", claimed_at, LEASE) is not None
    item = store.enqueue(100, "s1", "send")
    assert [i.id for i in store.claim_outbox("w1", claimed_at, LEASE)] == [item]
    assert store.heartbeat("w1", beat_at, LEASE)
    until = claimed_at.timestamp() + LEASE
    assert store._all("SELECT lease_until FROM feeds WHERE feed_id = ?", ("herald",)) == [(until,)]
    assert store._all("SELECT claimed_until FROM outbox WHERE id = ?", (item,)) == [(until,)]
    # a later beat still pushes both forward
    assert store.heartbeat("w1", claimed_at + timedelta(seconds=5), LEASE)
    assert store._all("SELECT lease_until FROM feeds WHERE feed_id = ?", ("herald",)) == [(until + 5,)]
    assert store._all("SELECT claimed_until FROM outbox WHERE id = ?", (item,)) == [(until + 5,)]


# -- several workers on one PostgreSQL database


@pytest.mark.postgresql
def test_a_feed_leased_by_one_worker_is_not_granted_to_another_until_the_lease_expires(pg_url: str) -> None:
    with closing(open_backend(pg_url)) as a, closing(open_backend(pg_url)) as b:
        a.register_worker("a", "host-a", 1, T0)
        b.register_worker("b", "host-b", 2, T0)
        assert a.claim_feed("herald", "https://herald.example/rss", "a", T0, LEASE) is not None
        assert b.claim_feed("herald", "https://herald.example/rss", "b", T0 + timedelta(seconds=5), LEASE) is None
        assert [(w.worker_id, w.feeds) for w in b.workers()] == [("a", 1), ("b", 0)]
        # a's heartbeat keeps the lease past its first expiry ...
        a.heartbeat("a", T0 + timedelta(seconds=20), LEASE)
        assert b.claim_feed("herald", "https://herald.example/rss", "b", T0 + timedelta(seconds=40), LEASE) is None
        # ... until a stops beating (killed): within one lease of its last beat, b takes the feed
        later = T0 + timedelta(seconds=20 + LEASE + 1)
        assert b.claim_feed("herald", "https://herald.example/rss", "b", later, LEASE) is not None
        a.release_feed("herald", "a")  # a's late release must not free b's lease
        assert a.claim_feed("herald", "https://herald.example/rss", "a", later, LEASE) is None


@pytest.mark.postgresql
def test_a_late_heartbeat_does_not_hand_a_freshly_claimed_feed_to_another_worker(pg_url: str) -> None:
    with closing(open_backend(pg_url)) as a, closing(open_backend(pg_url)) as b:
        a.register_worker("a", "host-a", 1, T0)
        assert a.claim_feed("herald", "https://herald.example/rss", "a", T0 + timedelta(seconds=20), LEASE)
        a.heartbeat("a", T0 + timedelta(seconds=10), LEASE)  # its clock read before the claim
        # a's lease runs to T0 + 20 + LEASE: b may not take the feed 5 s before that
        assert b.claim_feed("herald", "https://herald.example/rss", "b", T0 + timedelta(seconds=15 + LEASE),
                            LEASE) is None


@pytest.mark.postgresql
def test_a_clean_stop_gives_the_leases_back_at_once(pg_url: str) -> None:
    with closing(open_backend(pg_url)) as a, closing(open_backend(pg_url)) as b:
        a.register_worker("a", "host-a", 1, T0)
        assert a.claim_feed("herald", "https://herald.example/rss", "a", T0, LEASE) is not None
        a.unregister_worker("a")
        assert b.claim_feed("herald", "https://herald.example/rss", "b", T0, LEASE) is not None


@pytest.mark.postgresql
def test_many_workers_claiming_every_feed_at_once_split_them_without_overlap(pg_url: str) -> None:
    feeds = [f"f{n}" for n in range(60)]
    stores = [open_backend(pg_url) for _ in range(4)]
    got: dict[int, list[str]] = {n: [] for n in range(4)}
    start = threading.Barrier(4)

    def worker(n: int) -> None:
        start.wait()
        for feed in feeds:
            if stores[n].claim_feed(feed, f"https://{feed}.example/rss", f"w{n}", T0, LEASE) is not None:
                got[n].append(feed)

    try:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for s in stores:
            s.close()
    claimed = [f for n in got for f in got[n]]
    assert sorted(claimed) == sorted(feeds)  # every feed to exactly one worker


@pytest.mark.postgresql
def test_a_chat_being_sent_to_by_one_worker_is_left_to_it(pg_url: str) -> None:
    now = T0 + timedelta(days=36500)
    with closing(open_backend(pg_url)) as a, closing(open_backend(pg_url)) as b:
        first = a.enqueue(100, "s1", "send")
        a.enqueue(200, "s2", "send")
        assert [i.id for i in a.claim_outbox("a", now, LEASE, limit=1)] == [first]
        later = a.enqueue(100, "s3", "send")  # chat 100's next item, while a still sends its first
        [other] = b.claim_outbox("b", now, LEASE)
        assert other.chat_id == 200
        b.mark_sent(other.id, 8)
        a.mark_sent(first, 7)
        assert [i.id for i in b.claim_outbox("b", now, LEASE)] == [later]
        # b is killed: its claims expire one lease later and a takes them
        assert a.claim_outbox("a", now, LEASE) == []
        assert [i.id for i in a.claim_outbox("a", now + timedelta(seconds=LEASE + 1), LEASE)] == [later]


@pytest.mark.postgresql
def test_two_workers_finding_one_statement_at_the_same_instant_make_one_story(pg_url: str) -> None:
    """Worker a has read the speaker's statements and not yet committed its story when worker b
    processes the same statement from another outlet: b must wait for a's story and join it."""
    quote = "The harbour levy will be halved from the first of April for every fishing crew"
    a, b = open_backend(pg_url), open_backend(pg_url)
    arts = [article(1, "Lowmarsh Herald", "Levy to be halved"), article(2, "Eastreach Post", "Crews win levy cut")]
    a_read, b_done = threading.Event(), threading.Event()
    real = a.story_candidates

    def candidates_then_pause(*args: Any) -> Any:
        found = real(*args)
        a_read.set()
        b_done.wait(1.0)  # without a lock b records its own story in this gap
        return found

    a.story_candidates = candidates_then_pause  # type: ignore[method-assign,assignment]
    events: dict[str, list[StoryEvent]] = {}

    def run(name: str, store: StoreBackend, art: Article) -> None:
        events[name] = process_article(store, art, [said(quote)], T0, WINDOW)
        if name == "b":
            b_done.set()

    try:
        ta = threading.Thread(target=run, args=("a", a, arts[0]))
        ta.start()
        assert a_read.wait(10)
        tb = threading.Thread(target=run, args=("b", b, arts[1]))
        tb.start()
        ta.join(30)
        tb.join(30)
        assert a.story_count() == 1
        [ea], [eb] = events["a"], events["b"]
        assert ea.story_id == eb.story_id and (ea.new, eb.new) == (True, False)
        story = a.get_story(ea.story_id)
        assert story is not None and sorted(s.outlet for s in story.sources) == ["Eastreach Post", "Lowmarsh Herald"]
    finally:
        a.close()
        b.close()


@pytest.mark.postgresql
def test_one_article_from_two_feeds_on_two_workers_is_recorded_once(pg_url: str) -> None:
    stores = [open_backend(pg_url) for _ in range(3)]
    same = article(9, "Lowmarsh Herald", "Levy to be halved")
    events: list[int] = []
    start = threading.Barrier(3)

    def worker(n: int) -> None:
        start.wait()
        events.append(len(process_article(stores[n], same, [said("The levy will be halved for the crews")],
                                          T0, WINDOW)))

    try:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(events) == [0, 0, 1]
        assert stores[0].story_count() == 1
        assert len(stores[0].recent_statements("orlen", None, 10)) == 1
    finally:
        for s in stores:
            s.close()


@pytest.mark.postgresql
async def test_one_update_taker_and_another_takes_over_when_it_goes(pg_url: str) -> None:
    open_backend(pg_url).close()
    first, second = Election(pg_url), Election(pg_url)
    try:
        assert await first.try_lead()
        assert not await second.try_lead()
        assert await first.still_leading() and not await second.still_leading()
        await first.close()  # the leader's session ends (a kill -9 ends it the same way)
        for _ in range(50):
            if await second.try_lead():
                break
            await asyncio.sleep(0.1)
        assert second.leading and not await first.still_leading()
    finally:
        await first.close()
        await second.close()


def test_a_cycle_claims_the_due_feeds_most_overdue_first(store: StoreBackend) -> None:
    now = T0 + timedelta(hours=1)
    for feed, next_poll, errors in (("late", T0, 0), ("soon", now + timedelta(seconds=20), 0),
                                    ("early-but-failing", now + timedelta(seconds=20), 2),
                                    ("later", now + timedelta(minutes=10), 0)):
        store.save_feed_state(FeedState(feed_id=feed, url=f"https://{feed}.example/rss", next_poll=next_poll,
                                        consecutive_errors=errors))
    want = [(f, f"https://{f}.example/rss", 30.0) for f in ("later", "soon", "early-but-failing", "late", "new")]
    # due: "late" (overdue), "new" (never polled), "soon" (within its 30 s slack after a success);
    # not "early-but-failing" (a backoff is kept to the second) nor "later"
    first = store.claim_due_feeds("w1", want, now, LEASE, limit=2)
    assert [s.feed_id for s in first] == ["new", "late"]  # never polled, then the most overdue
    rest = store.claim_due_feeds("w1", want[:3], now, LEASE, limit=10)
    assert [s.feed_id for s in rest] == ["soon"]
    new = first[0]
    assert (new.url, new.configured_url, new.next_poll) == ("https://new.example/rss", "https://new.example/rss", None)


@pytest.mark.postgresql
def test_workers_claiming_a_cycle_at_once_split_the_due_feeds(pg_url: str) -> None:
    want = [(f"f{n}", f"https://f{n}.example/rss", 30.0) for n in range(300)]
    stores = [open_backend(pg_url) for _ in range(3)]
    got: dict[int, list[str]] = {n: [] for n in range(3)}
    start = threading.Barrier(3)

    def worker(n: int) -> None:
        start.wait()
        while claimed := stores[n].claim_due_feeds(f"w{n}", want, T0, LEASE, limit=25):
            got[n].extend(s.feed_id for s in claimed)
            for s in claimed:  # polled: next poll in five minutes, lease given back
                stores[n].save_feed_state(replace(s, next_poll=T0 + timedelta(minutes=5)), release=f"w{n}")

    try:
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        for s in stores:
            s.close()
    claimed = [f for n in got for f in got[n]]
    assert sorted(claimed) == sorted(f for f, _, _ in want)  # each due feed polled by exactly one worker
