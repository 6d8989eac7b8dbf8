"""Storage faults are loud and lossless: a store that cannot record never makes the bot send twice, and a
database file that vanishes (while running, or between runs) is noticed.

The store is the real SQLite one: read-only by `PRAGMA query_only`, full by `PRAGMA max_page_count`
(a size-limited file), deleted and replaced with os.remove / os.replace. Telegram is the fake Bot API
server (tests/fake_telegram.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from telegram import Bot

from bot.delivery import Sender
from bot.ratelimit import Limits
from bot.render import render_alert
from bot.service import serve
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.test_delivery import Clock, seed_story
from tests.test_service import FAST, Telegram, until, write_config
from watchers.store import AsyncStore, Store, StoreBackend, StoreError, open_backend
from watchers.store.sqlite.guard import MARKER_SUFFIX, NEW_DB_ENV

ADMIN = 1000
CHATS = (501, 502)
STORIES = ("s0", "s1", "s2")


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(str(tmp_path / "history.db")) as s:
        yield s


@pytest.fixture
async def astore(store: Store) -> AsyncIterator[AsyncStore]:
    a = AsyncStore(store)
    yield a
    a._pool.shutdown(wait=True)


def queue_alerts(store: Store) -> None:
    for story in STORIES:
        seed_story(store, story)
        for chat in CHATS:
            store.enqueue(chat, story, "send")


def read_only(store: Store, on: bool) -> None:
    with store._lock:
        store._db.execute(f"PRAGMA query_only = {'ON' if on else 'OFF'}")


def fill_up(store: Store) -> None:
    """Cap the file at its current size and fill every page, so the next delivery row cannot go in."""
    with store._lock:
        pages = store._db.execute("PRAGMA page_count").fetchone()[0]
        store._db.execute(f"PRAGMA max_page_count = {pages}")
        n = 0
        with pytest.raises(sqlite3.OperationalError, match="full"):
            while True:  # rows that sort among the real ones, in the table mark_sent writes to
                n += 1
                store._db.execute(
                    "INSERT INTO deliveries (chat_id, story_id, message_id, sent_at) VALUES (?, ?, ?, 0)",
                    (500 + n % 3, f"s{n}-filler-{'x' * 40}", n),
                )


def make_room(store: Store) -> None:
    with store._lock:
        store._db.execute("PRAGMA max_page_count = 1073741823")


def sends_to(fake: FakeTelegram, chat: int) -> int:
    return len([c for c in fake.calls_to("sendMessage") if c.params["chat_id"] == chat])


@pytest.mark.parametrize("fault", ["read-only", "full"])
async def test_a_store_that_cannot_record_never_makes_an_alert_go_twice(
    fault: str, fake: FakeTelegram, bot: Bot, store: Store, astore: AsyncStore, caplog: pytest.LogCaptureFixture
) -> None:
    queue_alerts(store)
    clock = Clock()
    sender = Sender(bot, astore, render_alert, limits=Limits.unlimited(), clock=clock, admins=lambda: [ADMIN])
    read_only(store, True) if fault == "read-only" else fill_up(store)
    with caplog.at_level(logging.WARNING, logger="quotewatch.delivery"):
        for _ in range(25):  # 25 rounds: before the fix, 25 copies of the first alert per chat
            await sender.drain_once()
            clock.advance(1)
    # Each chat got its first alert once, and then nothing: the sender stopped.
    for chat in CHATS:
        assert sends_to(fake, chat) == 1, chat
    assert store.outbox_depth() == len(CHATS) * len(STORIES)  # nothing recorded: the store refused
    troubles = [r for r in caplog.records if "cannot record" in r.getMessage()]
    assert len(troubles) == 1 and troubles[0].levelno == logging.ERROR
    [notice] = fake.messages(ADMIN)  # the admin is told once
    assert "history database" in notice.text

    read_only(store, False) if fault == "read-only" else make_room(store)
    for _ in range(5):
        await sender.drain_once()
        clock.advance(1)
    for chat in CHATS:
        assert sends_to(fake, chat) == len(STORIES), chat  # each alert exactly once, across the fault
        sent_ids = {m.message_id for m in fake.messages(chat)}
        assert {store.delivery(chat, s) for s in STORIES} == sent_ids  # the kept outcomes were recorded
    assert store.outbox_depth() == 0 and len(fake.messages(ADMIN)) == 1
    assert any("records again" in r.getMessage() for r in caplog.records)


async def test_the_running_sender_logs_a_refusing_store_once(
    fake: FakeTelegram, bot: Bot, store: Store, astore: AsyncStore, caplog: pytest.LogCaptureFixture
) -> None:
    queue_alerts(store)
    read_only(store, True)
    sender = Sender(bot, astore, render_alert, limits=Limits.unlimited(), poll_seconds=0.01)
    stop = asyncio.Event()
    with caplog.at_level(logging.INFO, logger="quotewatch.delivery"):
        task = asyncio.create_task(sender.run(stop))
        await asyncio.sleep(0.5)  # ~50 rounds
        stop.set()
        await asyncio.wait_for(task, 5)
    assert sum(sends_to(fake, chat) for chat in CHATS) == len(CHATS)
    store_lines = [r for r in caplog.records if r.levelno >= logging.ERROR]
    # One line when it began, one at the stop saying what was never recorded; no tracebacks, no repeats.
    assert [("cannot record" in r.getMessage(), "never recorded" in r.getMessage()) for r in store_lines] == [
        (True, False), (False, True)
    ]
    assert all(r.exc_info is None for r in caplog.records)


async def test_a_failed_commit_leaves_the_connection_usable(store: Store) -> None:
    queue_alerts(store)
    fill_up(store)
    [item, *_] = store.due_outbox(Clock().now)
    with pytest.raises(sqlite3.OperationalError, match="full"):  # the cause, not "no transaction is active"
        store.mark_sent(item.id, 77)
    make_room(store)
    store.mark_sent(item.id, 77)
    assert store.delivery(item.chat_id, item.story_id) == 77


# ---------------------------------------------------------------------------------------------------
# The file itself


def test_deleted_and_replaced_files_are_reported(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    with Store(str(db)) as store:
        assert store.health() is None
        os.remove(db)
        problem = store.health()
        assert problem is not None and "deleted" in problem and str(db) in problem
    with Store(str(db), allow_new=True):  # a new, empty one on purpose
        pass
    other = tmp_path / "other.db"
    with Store(str(other)):
        pass
    with Store(str(db)) as store:
        os.replace(other, db)
        problem = store.health()
        assert problem is not None and "replaced" in problem


def test_every_backend_answers_the_health_check(db_url: str) -> None:
    backend = open_backend(db_url)  # SQLite file or PostgreSQL (conftest's db_url runs both)
    try:
        assert isinstance(backend, StoreBackend) and backend.health() is None
    finally:
        backend.close()


def test_a_missing_database_is_not_silently_started_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv(NEW_DB_ENV, raising=False)
    db = tmp_path / "history.db"
    with Store(str(db)) as store:
        store.subscribe(501, "grain")
    marker = Path(str(db) + MARKER_SUFFIX)
    assert marker.read_text().strip()
    os.remove(db)
    with pytest.raises(StoreError, match=f"missing.*{NEW_DB_ENV}=1"):
        Store(str(db))
    assert not db.exists()  # nothing was created
    monkeypatch.setenv(NEW_DB_ENV, "1")
    with caplog.at_level(logging.WARNING), Store(str(db)) as store:
        assert store.subscriptions(501) == []
    assert any("new, empty" in r.getMessage() for r in caplog.records)
    monkeypatch.delenv(NEW_DB_ENV)
    with Store(str(db)) as store:  # the marker now names the new database: it opens normally
        assert store.health() is None


def test_a_database_restored_from_a_copy_opens(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(NEW_DB_ENV, raising=False)
    db = tmp_path / "history.db"
    with Store(str(db)) as store:
        store.subscribe(501, "grain")
    backup = tmp_path / "backup.db"
    with sqlite3.connect(db) as src, sqlite3.connect(backup) as dst:
        src.backup(dst)
    os.remove(db)
    os.replace(backup, db)  # the restore: same id inside, so the marker agrees
    with Store(str(db)) as store:
        assert store.subscriptions(501) == ["grain"]


async def test_database_deleted_while_running_stops_the_service_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    async with Telegram(max_poll_timeout=0.2) as fake:
        config = write_config(tmp_path, fake)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(config, stop=stop, tuning=FAST))
        await until(lambda: fake.commands or task.done(), "the bot to start")
        assert not task.done()
        os.remove(tmp_path / "history.db")
        code = await asyncio.wait_for(task, 10)  # found within a check (1 s), then a clean stop
    assert code == 1
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "history database" in line]
    assert len(lines) == 1 and "deleted while quotewatch was running" in lines[0]
    assert "Traceback" not in err


async def test_polls_on_a_store_that_refuses_writes_log_one_traceback_not_one_per_poll(
    store: Store, astore: AsyncStore, caplog: pytest.LogCaptureFixture
) -> None:
    # The soak's full disk logged a traceback for every poll of every feed: the feed state saved after
    # the poll failed outside the poll's own error handling, and the scheduler logged each one.
    from tests.feedserver import FeedServer
    from tests.test_pipeline import local_feed, rss, rss_item, scan_rules_with
    from watchers.feeds.fetch import Fetcher
    from watchers.pipeline import Pipeline

    async def sink(alert: object) -> None:
        pass

    read_only(store, True)
    async with FeedServer() as server, Fetcher() as fetcher:
        server.serve("/wire", rss(rss_item(0)))
        feed = local_feed(server, "/wire")
        pipeline = Pipeline(scan_rules_with(feed), astore, fetcher, sink)
        with caplog.at_level(logging.ERROR):
            reports = [await pipeline.poll(feed, force=True) for _ in range(5)]
    read_only(store, False)
    assert all(r.status == "error" and r.error and "readonly" in r.error.lower() for r in reports)
    with_traceback = [r for r in caplog.records if r.exc_info]
    assert len(with_traceback) <= 2, [r.getMessage() for r in with_traceback]  # the article's, the state's
