"""The history store (watchers.store): feed state, outbox, deliveries, subscriptions, prune, concurrency.

Every test taking `store` or `db_url` runs on both backends (tests/conftest.py); the ones marked
sqlite_only test the SQLite file itself (its PRAGMAs, its write lock); their PostgreSQL twins are in
tests/test_store_postgres.py."""

from __future__ import annotations

import ast
import sqlite3
import threading
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import watchers.store
import watchers.store.sqlite.schema as store_module
from watchers.model import Article, FeedState, Statement
from watchers.store import AsyncStore, Store, StoreBackend, StoreError, connect, open_backend
from watchers.store.shingles import BUCKET_BITS, query_keys, stored_keys
from watchers.stories.dedup import process_article
from watchers.stories.fingerprint import MAX_DISTANCE

T0 = datetime(2024, 6, 3, 8, 0, tzinfo=UTC)
HOUR = 3600.0
WINDOW = 72 * HOUR


def article(n: int, hours: float = 0.0, outlet: str = "Harbour Ledger") -> Article:
    return Article(
        id=f"a{n}", url=f"https://ledger.example/{n}", title=f"Council report number {n}", text="Brief.",
        feed="ledger", outlet=outlet, published=T0 + timedelta(hours=hours),
    )


def said(text: str, speaker_id: str = "keldan") -> Statement:
    return Statement(text=text, start=0, end=len(text), kind="direct", speaker="Marta Keldan", speaker_id=speaker_id)


# -- feeds, kv


def test_feed_state_round_trip(store: StoreBackend) -> None:
    assert store.feed_state("ledger") is None
    state = FeedState(
        feed_id="ledger", url="https://ledger.example/rss", etag='W/"77"', last_modified="Mon, 03 Jun 2024 08:00:00 GMT",
        last_poll=T0, last_success=T0, last_error="HTTP 503 from ledger.example", last_error_at=T0 - timedelta(hours=1),
        consecutive_errors=2, items_seen=41, next_poll=T0 + timedelta(minutes=5), polled_ok_once=True,
    )
    store.save_feed_state(state)
    assert store.feed_state("ledger") == state
    moved = FeedState(feed_id="ledger", url="https://ledger.example/feed.xml")
    store.save_feed_state(moved)
    assert store.feed_states() == [moved]


def test_kv(store: StoreBackend) -> None:
    assert store.kv_get("telegram.offset") is None
    store.kv_set("telegram.offset", "1041")
    store.kv_set("telegram.offset", "1042")
    assert store.kv_get("telegram.offset") == "1042"


def test_naive_datetime_is_refused_with_a_clear_message(store: StoreBackend) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.due_outbox(datetime(2024, 6, 3, 8, 0))


def test_integrity_check(store: StoreBackend) -> None:
    assert store.integrity_check() == "ok"


def test_a_failed_statement_rolls_its_whole_transaction_back_and_the_store_goes_on(store: StoreBackend) -> None:
    broken = replace(article(2), title=None)  # type: ignore[arg-type]  # NOT NULL left empty: refused
    for failing_first in (True, False):  # the block's first statement (sent with BEGIN on PostgreSQL), or a later one
        with pytest.raises(Exception, match="(?i)null"), store.transaction():
            if not failing_first:
                store.kv_set("half", "done")
            store.add_article(broken, None, norm_title="council report number")
        assert store.kv_get("half") is None
    with store.transaction():
        store.kv_set("after", "ok")
    assert store.kv_get("after") == "ok" and not store.article_seen("a2", "")


def test_answers_read_ahead_are_what_the_calls_say_and_a_write_drops_them(store: StoreBackend) -> None:
    # prefetch_dedup reads ahead (one round trip on PostgreSQL, nothing on SQLite); a write that changes
    # what a read-ahead answer said must drop it, or dedup would see the history as it was before.
    first, copy = article(1), replace(article(2, hours=1), title="Council report number 1", outlet="Civic Post")
    fp = 0x0123_4567_89AB_CDEF
    lo, hi = T0 - timedelta(hours=72), T0 + timedelta(hours=72)
    quote = "The rail programme is fully funded until 2027 and the ferry levy stays"
    with store.transaction():
        store.prefetch_dedup(first, "council report number 1", fp, lo, hi, MAX_DISTANCE, {"keldan": [quote]})
        assert not store.article_seen("a1", first.url)
        assert not store.title_seen("council report number 1", "Harbour Ledger", lo, hi)
        assert store.near_duplicates(fp, lo, hi, MAX_DISTANCE) == []
        store.add_article(first, fp, norm_title="council report number 1")
        assert store.story_candidates("keldan", [quote], lo, hi) == []
        store.record_source("st1", "a1", T0, new_story=("keldan", "Marta Keldan"))
        store.add_statements("a1", T0, [(said(quote), "st1", False)])
    with store.transaction():
        store.prefetch_dedup(copy, "council report number 1", fp, lo, hi, MAX_DISTANCE, {"keldan": [quote]})
        store.add_article(copy, fp ^ 1, norm_title="council report number 1")
        assert store.article_seen("a2", copy.url)  # its own write, not the answer read before it
        assert store.title_seen("council report number 1", "Civic Post", lo, hi)
        assert [a for a, _, _ in store.near_duplicates(fp, lo, hi, MAX_DISTANCE)] == ["a1", "a2"]
        store.add_statements("a2", T0, [(said(quote + " now"), "st1", False)])
        assert [t for _, t in store.story_candidates("keldan", [quote], lo, hi)] == [quote + " now", quote]
    assert store.article_stories("a1") == [("keldan", "st1")]
    assert store.get_story("st1") is not None


# -- stories


def test_story_sources_in_published_order_and_topics(store: StoreBackend) -> None:
    [e] = process_article(store, article(1, hours=5), [said("The rail programme is fully funded until 2027")], T0 + timedelta(hours=6), WINDOW)
    process_article(store, article(2, hours=1, outlet="Civic Post"), [said("The rail programme is fully funded until 2027")], T0 + timedelta(hours=7), WINDOW)
    store.add_story_topics(e.story_id, ["rail", "budget", "rail"])
    story = store.get_story(e.story_id)
    assert story is not None
    assert [s.outlet for s in story.sources] == ["Civic Post", "Harbour Ledger"]
    assert story.topics == ("budget", "rail")
    assert story.first_seen == T0 + timedelta(hours=6)
    assert store.get_story("no-such-story") is None


def test_near_duplicates_finds_every_fingerprint_within_the_distance(store: StoreBackend) -> None:
    base = 0x0123_4567_89AB_CDEF
    # flips spread over the four bands: 2+2+1+1 bits apart (found), 2+2+2+2 bits apart (not found)
    close = base ^ (0b11 << 60) ^ (0b11 << 40) ^ (1 << 20) ^ 1
    far = base ^ (0b11 << 60) ^ (0b11 << 40) ^ (0b11 << 20) ^ 0b11
    store.add_article(article(1), close, seen_at=T0)
    store.add_article(article(2), far, seen_at=T0)
    store.add_article(article(3, hours=-200), base, seen_at=T0)  # identical, but outside the window
    found = store.near_duplicates(base, T0 - timedelta(hours=72), T0 + timedelta(hours=72), MAX_DISTANCE)
    assert [(a, d) for a, _, d in found] == [("a1", 6)]


# -- outbox and deliveries


def test_enqueue_is_idempotent_while_pending(store: StoreBackend) -> None:
    first = store.enqueue(-100200300, "s1", "send")
    assert store.enqueue(-100200300, "s1", "send") == first
    assert store.enqueue(-100200300, "s1", "edit") == first  # the pending send will carry the update
    other = store.enqueue("@norvalia_watch", "s1", "send")
    assert other != first
    assert store.outbox_depth() == 2
    due = store.due_outbox(T0)
    assert [(i.chat_id, i.story_id, i.action) for i in due] == [(-100200300, "s1", "send"), ("@norvalia_watch", "s1", "send")]
    store.mark_sent(first, 555)
    assert store.delivery(-100200300, "s1") == 555
    # sent: a later edit is a new item
    edit = store.enqueue(-100200300, "s1", "edit")
    assert edit not in (first, other)
    assert store.enqueue(-100200300, "s1", "edit") == edit


def test_retry_dead_and_deliveries(store: StoreBackend) -> None:
    a = store.enqueue(11, "s1", "send")
    b = store.enqueue(22, "s1", "send")
    store.mark_retry(a, "429 Too Many Requests: retry after 30", T0 + timedelta(seconds=30))
    assert [i.id for i in store.due_outbox(T0)] == [b]
    [later] = [i for i in store.due_outbox(T0 + timedelta(seconds=31)) if i.id == a]
    assert later.attempts == 1 and later.not_before == T0 + timedelta(seconds=30)
    store.mark_dead(b, "403 Forbidden: bot was blocked by the user")
    assert [(item.id, error) for item, error in store.dead_outbox()] == [(b, "403 Forbidden: bot was blocked by the user")]
    store.mark_sent(a, 901)
    assert store.outbox_depth() == 0
    assert store.deliveries("s1") == [(11, 901)]
    assert store.delivery(22, "s1") is None


# -- subscriptions


def test_subscriptions(store: StoreBackend) -> None:
    assert store.subscribe(-1001, "keldan-tax") is True
    assert store.subscribe(-1001, "keldan-tax") is False
    assert store.subscribe(-1001, "brask-rail") is True
    assert store.subscribe(42, "keldan-tax") is True
    assert store.subscriptions(-1001) == ["brask-rail", "keldan-tax"]
    assert sorted(map(str, store.subscribers("keldan-tax"))) == ["-1001", "42"]
    store.deactivate_chat(42, "403 Forbidden: bot was blocked by the user")
    assert store.subscribers("keldan-tax") == [-1001]
    assert store.reactivate_chat(42) == 1
    assert sorted(map(str, store.subscribers("keldan-tax"))) == ["-1001", "42"]
    assert store.unsubscribe(-1001, "brask-rail") is True
    assert store.unsubscribe(-1001, "brask-rail") is False
    assert store.subscriptions(-1001) == ["keldan-tax"]


def test_migrate_chat_moves_subscriptions_deliveries_and_pending_items(store: StoreBackend) -> None:
    store.subscribe(-5, "keldan-tax")
    item = store.enqueue(-5, "s1", "send")
    store.mark_sent(item, 77)
    pending = store.enqueue(-5, "s2", "send")
    store.migrate_chat(-5, -1009)
    assert store.subscriptions(-1009) == ["keldan-tax"] and store.subscriptions(-5) == []
    assert store.delivery(-1009, "s1") == 77
    assert [(i.id, i.chat_id) for i in store.due_outbox(T0)] == [(pending, -1009)]


# -- prune


def test_prune_keeps_stories_inside_the_window(store: StoreBackend) -> None:
    [old] = process_article(store, article(1, hours=-500), [said("The old bridge will close for repairs in May")], T0 - timedelta(hours=500), WINDOW)
    [recent] = process_article(store, article(2, hours=-2), [said("The tax-free allowance stays where it is")], T0 - timedelta(hours=2), WINDOW)
    store.add_article(article(3, hours=-600), None, seen_at=T0 - timedelta(hours=600))  # no statements
    # a retention shorter than the window: the window wins
    removed = store.prune(T0, retention=1 * HOUR, window=WINDOW)
    assert removed == 3  # the old story and its article, the statement-less old article
    assert store.get_story(old.story_id) is None
    assert store.get_story(recent.story_id) is not None
    assert [h.text for h in store.search_statements("bridge repairs")] == []
    assert [h.text for h in store.search_statements("allowance")] == ["The tax-free allowance stays where it is"]
    assert store.integrity_check() == "ok"
    # the recent story still dedups: a rewrite is a new source, not a new alert
    [again] = process_article(store, article(4, outlet="Civic Post"), [said("The tax-free allowance stays where it is.")], T0, WINDOW)
    assert (again.story_id, again.new) == (recent.story_id, False)


# -- concurrency


def test_readers_with_their_own_connections_while_the_writer_writes(db_url: str) -> None:
    path = db_url
    writer = open_backend(path)
    errors: list[BaseException] = []
    done = threading.Event()
    counts: list[list[int]] = [[] for _ in range(3)]

    def read(mine: list[int]) -> None:
        try:
            with closing(open_backend(path)) as reader:
                while not done.is_set():
                    mine.append(len(reader.recent_statements("keldan", None, 1000)))
                    reader.search_statements("budget")
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=read, args=(c,)) for c in counts]
    for t in threads:
        t.start()
    try:
        for n in range(60):
            process_article(writer, article(n, hours=n * 100), [said(f"Budget statement number {n} on the harbour levy")], T0 + timedelta(hours=n * 100), WINDOW)
    finally:
        done.set()
        for t in threads:
            t.join()
    assert errors == []
    # each reader saw whole transactions only, never losing rows it had seen
    assert all(c == sorted(c) and all(0 <= n <= 60 for n in c) for c in counts)
    with closing(open_backend(path)) as check:
        assert len(check.recent_statements("keldan", None, 1000)) == 60
    writer.close()


async def test_async_store_runs_on_one_worker_thread(db_url: str) -> None:
    astore = AsyncStore(open_backend(db_url))
    try:
        # dedup runs on the store's thread through run(): the store itself never calls up into dedup
        events = await astore.run(process_article, astore.store, article(1), [said("The harbour levy will be cut by half in July")], T0, WINDOW)
        assert [e.new for e in events] == [True]
        assert await astore.subscribe(7, "keldan-tax")
        story = await astore.get_story(events[0].story_id)
        assert story is not None and story.speaker == "Marta Keldan"
        hits = await astore.search_statements("levy")
        assert [h.story_id for h in hits] == [events[0].story_id]
        threads = {await astore.run(lambda: threading.get_ident()) for _ in range(5)}
        assert len(threads) == 1 and threading.get_ident() not in threads
    finally:
        await astore.close()


@pytest.mark.sqlite_only
def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = str(tmp_path / "future.db")
    with Store(path) as s:
        s._db.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreError, match="newer than this quotewatch"):
        Store(path)


def test_articles_without_a_link_are_not_seen_through_each_others_empty_url(store: StoreBackend) -> None:
    store.add_article(replace(article(1), url=""), None)
    assert store.article_seen("a1", "")
    assert not store.article_seen("a2", "")


def test_feed_state_keeps_the_configured_url(store: StoreBackend) -> None:
    state = FeedState(feed_id="ledger", url="https://ledger.example/moved", configured_url="https://ledger.example/rss")
    store.save_feed_state(state)
    assert store.feed_state("ledger") == state


@pytest.mark.sqlite_only
def test_two_processes_migrating_a_fresh_file_run_each_step_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = str(tmp_path / "fresh.db")
    other = connect(path)  # the second process: holds the write lock while it applies step 0
    other.execute("BEGIN IMMEDIATE")
    read_version = threading.Event()
    real = store_module.schema_version

    def reading(db: sqlite3.Connection) -> int:
        version = real(db)
        read_version.set()
        return version

    monkeypatch.setattr(store_module, "schema_version", reading)
    errors: list[BaseException] = []

    def first_process() -> None:
        try:
            store_module.migrate(connect(path))
        except BaseException as e:  # reported below
            errors.append(e)

    worker = threading.Thread(target=first_process)
    worker.start()
    assert read_version.wait(10)  # it saw version 0 and now waits for the lock
    store_module.MIGRATIONS[0](other)
    other.execute("PRAGMA user_version = 1")
    other.execute("COMMIT")
    worker.join(10)
    assert errors == []
    assert real(other) == store_module.SCHEMA_VERSION
    other.close()


# -- the seam


def test_each_backend_is_a_store_backend(store: StoreBackend, backend: str) -> None:
    assert isinstance(store, StoreBackend)
    assert type(store).__module__ == {"sqlite": "watchers.store.sqlite", "postgresql": "watchers.store.postgres"}[backend]


def test_the_store_imports_nothing_above_it() -> None:
    # dedup calls the store and the pipeline calls dedup; the store never calls back up (lazily or not)
    above = ("watchers.stories.dedup", "watchers.stories.watches", "watchers.pipeline", "bot")
    found = []
    for path in sorted(Path(watchers.store.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{path.name}: relative import"
                names = [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            found += [f"{path.name}: {n}" for n in names if any(n == m or n.startswith(m + ".") for m in above)]
    assert found == []


# -- level-3 candidates: statement keys


LONG = "The regional councils will get their share of the rail money by June, and not a week later"


def test_candidates_are_the_statements_that_could_match_inside_the_window(store: StoreBackend) -> None:
    [long_] = process_article(store, article(1, hours=-10), [said(LONG)], T0, WINDOW)
    [short] = process_article(store, article(2, hours=-9), [said("Nonsense from start to finish")], T0, WINDOW)
    process_article(store, article(3, hours=-8), [said("Bridge tolls stay frozen until the spring")], T0, WINDOW)
    process_article(store, article(4, hours=-200), [said("The rail money arrives by June for the regional councils")], T0, WINDOW)
    lo, hi = T0 - timedelta(seconds=WINDOW), T0 + timedelta(seconds=WINDOW)
    # a five-word run of the long text, and the short one with a word changed
    found = store.story_candidates("keldan", ["their share of the rail", "Nonsense from beginning to finish"], lo, hi)
    assert sorted(found) == sorted([(long_.story_id, LONG), (short.story_id, "Nonsense from start to finish")])
    assert store.story_candidates("brask", [LONG], lo, hi) == []  # another speaker's words
    assert store.story_candidates("keldan", ["Bridge tolls stay frozen until the spring"], lo, T0 - timedelta(hours=8.5)) == []


def test_a_rewrite_is_found_across_the_boundary_of_the_keys_time_buckets(store: StoreBackend) -> None:
    # Keys are stored in time buckets (watchers.store.shingles.bucketed): a window that spans two
    # buckets looks in both, whichever side the stored statement and the rewrite fall on.
    edge = datetime.fromtimestamp(((int(T0.timestamp()) >> BUCKET_BITS) + 1) << BUCKET_BITS, UTC)
    for n, (stored, rewrite) in enumerate(((-1, 2), (2, -1))):
        when = edge + timedelta(hours=stored)
        first = replace(article(10 + n), published=when)
        [old] = process_article(store, first, [said(LONG, f"sp{n}")], when, WINDOW)
        later = edge + timedelta(hours=rewrite)
        again = replace(article(20 + n, outlet="Civic Post"), published=later, text="Another write-up.")
        [e] = process_article(store, again, [said(LONG.lower() + " either", f"sp{n}")], later, WINDOW)
        assert (e.story_id, e.new) == (old.story_id, False)
        # a window of one bucket only: the statement in the other is not read
        found = store.story_candidates(f"sp{n}", [LONG], later - timedelta(minutes=30), later + timedelta(minutes=30))
        assert [t for _, t in found] == [LONG.lower() + " either"]


def test_a_quote_longer_than_the_parameter_limit_is_looked_up(store: StoreBackend, backend: str) -> None:
    if backend == "sqlite":  # as built with SQLite's default before 3.32 (this build may allow more)
        store._db.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)  # type: ignore[attr-defined]
    words = [f"w{i}x" for i in range(2000)]  # 6,000 keys
    [first] = process_article(store, article(1, hours=-1), [said(" ".join(words))], T0, WINDOW)
    lo, hi = T0 - timedelta(seconds=WINDOW), T0 + timedelta(seconds=WINDOW)
    assert [sid for sid, _ in store.story_candidates("keldan", [" ".join(words[:1500])], lo, hi)] == [first.story_id]


def test_prune_takes_the_keys_of_the_statements_it_removes(store: StoreBackend) -> None:
    def keys() -> int:
        return int(store._one("SELECT COUNT(*) FROM statement_keys")[0])  # type: ignore[attr-defined]

    process_article(store, article(1, hours=-500), [said(LONG)], T0 - timedelta(hours=500), WINDOW)
    old_keys = keys()
    [kept] = process_article(store, article(2, hours=-2), [said("Bridge tolls stay frozen until the spring")], T0 - timedelta(hours=2), WINDOW)
    total = keys()
    assert 0 < old_keys < total
    assert store.prune(T0, retention=1 * HOUR, window=WINDOW) == 2  # the old story and its article
    assert keys() == total - old_keys
    lo, hi = T0 - timedelta(seconds=WINDOW), T0 + timedelta(seconds=WINDOW)
    assert store.story_candidates("keldan", ["Bridge tolls stay frozen until spring"], lo, hi) == [
        (kept.story_id, "Bridge tolls stay frozen until the spring")]


def test_statement_keys_find_what_outlets_keep_of_a_quote() -> None:
    stored = set(stored_keys("keldan", LONG))
    assert len(stored) < len(LONG.split()) - 2  # a long text keeps only its winnowed keys

    def shares(text: str, speaker: str = "keldan") -> bool:
        return bool(stored & set(query_keys(speaker, [text])))

    words = LONG.split()
    # every run of five words, wherever it starts (winnowing guarantees it), and re-punctuated
    assert all(shares(" ".join(words[i:i + 5]).upper() + "!") for i in range(len(words) - 4))
    assert shares(LONG.replace("councils", "council").replace("June,", "July -"))  # inflection, a word changed
    assert not shares(LONG, "brask")  # keys are per speaker
    assert not shares("The rail programme is fully funded for the councils")  # no three words in a row in common
    # short texts: pairs for four to six words, single words below
    assert set(stored_keys("keldan", "in the home stretch")) & set(query_keys("keldan", ["in the final stretch"]))
    assert set(stored_keys("keldan", "honest and trustworthy")) & set(query_keys("keldan", ["honest, trustworthy"]))
