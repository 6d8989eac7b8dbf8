"""`quotewatch migrate-db`: a SQLite history, built through the store's own API, copied into a temporary
PostgreSQL, and the two compared through the same API (/quotes, /search, the outbox, subscriptions,
feed state); an interrupted copy resumed; a target holding another install's data refused."""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pg_server import PostgresServer

from bot import migrate_cli
from bot.cli import main
from watchers.model import Article, FeedState, Statement
from watchers.store import StoreBackend, open_backend
from watchers.store.migrate import MigrationRefused, open_copy
from watchers.stories.dedup import process_article

pytestmark = pytest.mark.postgresql

T0 = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)
WINDOW = 72 * 3600.0
SPEAKERS = {"orlen": "Ida Orlen", "vasko": "Petar Vasko"}
LINES = [
    ("orlen", "The harbour levy will be cut before the winter season"),
    ("vasko", "Ferry fares to the islands stay frozen until the spring"),
    ("orlen", "We will not privatise the island ferry company"),
    ("vasko", "The bridge repairs start in May and finish by the autumn"),
    ("orlen", "Pension allowances rise with the price of winter fuel"),
    ("vasko", "Налоговая реформа будет отложена до осени"),
]
OUTLETS = ("Lowmarsh Herald", "Northgate Wire", "Harbour Gazette")


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


def said(speaker_id: str, text: str) -> Statement:
    return Statement(text=text, start=0, end=len(text), kind="direct", speaker=SPEAKERS[speaker_id],
                     speaker_id=speaker_id)


def populate(store: StoreBackend, rounds: int = 4) -> list[str]:
    """A history as the service builds it: stories with several outlets each, feed state, chats,
    subscriptions, and an outbox with sent, retried, dead and pending items. Returns the story ids."""
    stories: list[str] = []
    n = 0
    for r in range(rounds):
        for i, (speaker, text) in enumerate(LINES):
            for o, outlet in enumerate(OUTLETS[: 1 + (i + r) % 3]):  # one to three outlets carry it
                n += 1
                published = T0 + timedelta(hours=100 * r + i, minutes=o)
                a = Article(id=f"a{n}", url=f"https://news.example/{n}", title=f"{outlet} report {n}",
                            text="Body.", feed=f"feed{o}", outlet=outlet, published=published, lang="en")
                line = text if o == 0 else f"{text}, officials confirmed"
                for event in process_article(store, a, [said(speaker, f"{line} (round {r})")], published, WINDOW):
                    if event.story_id not in stories:
                        stories.append(event.story_id)
    for story in stories[:3]:
        store.add_story_topics(story, ["harbour", "budget"])
    for o in range(3):
        store.save_feed_state(FeedState(
            feed_id=f"feed{o}", url=f"https://news.example/rss{o}", etag=f'"e{o}"', last_modified="Mon, 03 Mar 2025",
            last_poll=T0, last_success=T0 if o else None, last_error="timed out" if o == 0 else None,
            last_error_at=T0 if o == 0 else None, consecutive_errors=2 if o == 0 else 0, items_seen=10 + o,
            next_poll=T0 + timedelta(minutes=5), polled_ok_once=o > 0, configured_url=f"https://news.example/rss{o}",
        ))
    for chat in (1001, -100200, "@harbourdesk"):
        store.subscribe(chat, "harbour")
    store.subscribe(1001, "ferries")
    store.deactivate_chat(-100200, "blocked by the user")
    ids = [store.enqueue(chat, story, "send") for story in stories[:4] for chat in (1001, "@harbourdesk")]
    for k, item in enumerate(ids[:4]):
        store.mark_sent(item, 500 + k)
    store.mark_retry(ids[4], "429: too many requests", T0 + timedelta(seconds=30))
    store.mark_dead(ids[5], "403: bot was kicked")
    store.enqueue(1001, stories[0], "edit")
    store.set_chat_settings(1001, {"lang": "ru", "digest": "daily"})
    held = store.enqueue("@harbourdesk", stories[6], "send")
    store.hold_story(held, "@harbourdesk", stories[6], T0 + timedelta(hours=2))
    store.kv_set("notes.last_admin_report", "2025-03-03")
    return stories


def same_history(a: StoreBackend, b: StoreBackend, stories: list[str]) -> None:
    """What the bot shows from each store is the same."""
    key = lambda s: s.feed_id  # noqa: E731
    assert sorted(a.feed_states(), key=key) == sorted(b.feed_states(), key=key)
    for speaker in SPEAKERS:
        assert a.recent_statements(speaker, None, 100) == b.recent_statements(speaker, None, 100)
    for words in ("ferry", "harbour levy", '"winter fuel"', "islands -bridge", "реформа", "officials"):
        found = [{(h.text, h.story_id, h.outlet) for h in s.search_statements(words, limit=100)} for s in (a, b)]
        assert found[0] == found[1] and found[0], words
    assert a.story_count() == b.story_count() == len(stories)
    for story in stories:
        assert a.get_story(story) == b.get_story(story)
        assert sorted(map(str, a.deliveries(story))) == sorted(map(str, b.deliveries(story)))
    now = T0 + timedelta(days=30)
    assert a.due_outbox(now) == b.due_outbox(now) and a.due_outbox(now)
    assert a.dead_outbox() == b.dead_outbox() and a.dead_outbox()
    assert a.outbox_depth() == b.outbox_depth()
    for chat in (1001, -100200, "@harbourdesk"):
        assert a.subscriptions(chat) == b.subscriptions(chat)
    for watch in ("harbour", "ferries"):
        assert sorted(map(str, a.subscribers(watch))) == sorted(map(str, b.subscribers(watch)))
    assert a.chat_settings(1001) == b.chat_settings(1001) == {"lang": "ru", "digest": "daily"}
    assert a.held_chats() == b.held_chats() and a.held_chats()
    assert a.held_stories("@harbourdesk") == b.held_stories("@harbourdesk") == [stories[6]]
    assert a.kv_get("notes.last_admin_report") == b.kv_get("notes.last_admin_report") == "2025-03-03"


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "quotewatch.db"
    with closing(open_backend(str(path))) as store:
        stories = populate(store)
    return path, stories


def test_a_migrated_history_answers_like_the_sqlite_one(history: tuple[Path, list[str]], pg_url: str) -> None:
    path, stories = history
    with open_copy(str(path), pg_url) as copy:
        assert copy.resumed is False
        counts = copy.run()
    assert all(c.ok for c in counts) and {c.table for c in counts if c.source} >= {
        "articles", "stories", "story_sources", "story_topics", "statements", "statement_keys", "feeds",
        "subscriptions", "outbox", "deliveries", "kv", "chat_settings", "held_stories"}
    assert "statements_fts" not in {c.table for c in counts}  # PostgreSQL's index is a generated column
    with closing(open_backend(str(path))) as sqlite, closing(open_backend(pg_url)) as pg:
        same_history(sqlite, pg, stories)
        # The copy is a working history: new ids follow the copied ones, and dedup finds the copied
        # statements (their keys came along), so a rewrite joins its story.
        assert pg.enqueue(1001, stories[5], "send") > max(i.id for i in sqlite.due_outbox(T0 + timedelta(days=30)))
        text = LINES[0][1] + " (round 3)"
        late = Article(id="late", url="https://news.example/late", title="Late rewrite", text="Body.",
                       feed="feed2", outlet="Harbour Gazette", published=T0 + timedelta(hours=301), lang="en")
        [event] = process_article(pg, late, [said("orlen", text)], late.published, WINDOW)
        assert event.story_id in stories and not event.new


def test_an_interrupted_copy_goes_on_where_it_stopped(history: tuple[Path, list[str]], pg_url: str) -> None:
    path, stories = history
    seen: list[tuple[str, int, int]] = []

    def interrupt_in_statements(table: str, done: int, total: int) -> None:
        seen.append((table, done, total))
        if table == "statements" and done >= 12:
            raise KeyboardInterrupt

    with open_copy(str(path), pg_url, batch=5) as copy, pytest.raises(KeyboardInterrupt):
        copy.run(interrupt_in_statements)
    with closing(sqlite3.connect(path)) as db:
        articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    with closing(open_backend(pg_url)) as pg:  # the tables before it (by name) were done
        assert all(pg.article_seen(f"a{n}", "") for n in range(1, articles + 1))
    seen.clear()
    with open_copy(str(path), pg_url, batch=5) as copy:
        assert copy.resumed is True
        counts = copy.run(lambda table, done, total: seen.append((table, done, total)))
    firsts = {table: done for table, done, _ in reversed(seen)}  # each table's first report
    assert firsts["statements"] == 15  # three batches of five committed before the interruption
    assert all(c.ok for c in counts)
    total = {c.table: c.source for c in counts}
    assert firsts["articles"] == total["articles"]  # finished before: nothing of it is copied again
    with closing(open_backend(str(path))) as sqlite, closing(open_backend(pg_url)) as pg:
        same_history(sqlite, pg, stories)
    # Run once more: nothing left to copy, and the counts still agree (nothing doubled).
    with open_copy(str(path), pg_url) as copy:
        assert all(c.ok for c in copy.run())


def test_a_source_written_to_between_runs_is_copied_again_from_the_start(
    history: tuple[Path, list[str]], pg_url: str
) -> None:
    path, stories = history

    def stop_early(table: str, done: int, total: int) -> None:
        if table == "statements" and done:
            raise KeyboardInterrupt

    with open_copy(str(path), pg_url, batch=4) as copy, pytest.raises(KeyboardInterrupt):
        copy.run(stop_early)
    with closing(open_backend(str(path))) as sqlite:  # quotewatch ran on SQLite meanwhile
        sqlite.save_feed_state(FeedState(feed_id="feed0", url="https://news.example/moved", etag='"new"'))
        sqlite.subscribe(2002, "ferries")
    with open_copy(str(path), pg_url, batch=4) as copy:
        assert copy.resumed is False
        assert all(c.ok for c in copy.run())
    with closing(open_backend(str(path))) as sqlite, closing(open_backend(pg_url)) as pg:
        same_history(sqlite, pg, stories)
        state = pg.feed_state("feed0")
        assert state is not None and state.etag == '"new"'


def test_a_target_with_another_installs_data_is_refused_unless_forced(
    history: tuple[Path, list[str]], pg_url: str, tmp_path: Path
) -> None:
    path, stories = history
    with closing(open_backend(pg_url)) as pg:  # a fleet already ran on it
        pg.save_feed_state(FeedState(feed_id="elsewhere", url="https://other.example/rss"))
        pg.subscribe(777, "other")
    with pytest.raises(MigrationRefused, match="already holds quotewatch data .*--force"):
        open_copy(str(path), pg_url)
    with closing(open_backend(pg_url)) as pg:
        assert pg.feed_state("elsewhere") is not None  # left alone
    with open_copy(str(path), pg_url, force=True) as copy:
        assert all(c.ok for c in copy.run())
    with closing(open_backend(str(path))) as sqlite, closing(open_backend(pg_url)) as pg:
        same_history(sqlite, pg, stories)
        assert pg.feed_state("elsewhere") is None and pg.subscriptions(777) == []
    # A second SQLite history is another install too, even into a database this tool filled.
    other = tmp_path / "other.db"
    with closing(open_backend(str(other))) as store:
        store.subscribe(5, "harbour")
    with pytest.raises(MigrationRefused, match="copied from"):
        open_copy(str(other), pg_url)


def test_every_sqlite_table_is_copied(history: tuple[Path, list[str]], pg_url: str) -> None:
    """'Everything in the schema': a table added to the SQLite schema later is copied (or the copy
    fails), never silently left behind."""
    path, _ = history
    with closing(sqlite3.connect(path)) as db:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    names = {n for n in names if not n.startswith(("statements_fts", "sqlite_"))}
    with open_copy(str(path), pg_url) as copy:
        assert {c.table for c in copy.run()} == names


def test_cli_prints_progress_and_the_counts_per_table(
    history: tuple[Path, list[str]], pg_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = history
    assert main(["migrate-db", "--from", str(path), "--to", pg_url]) == 0
    out, err = capsys.readouterr()
    assert "migrate-db: statements" in err and "done," in err
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines()[2:]}
    with closing(sqlite3.connect(path)) as db:
        n = db.execute("SELECT count(*) FROM statements").fetchone()[0]
    assert rows["statements"] == [f"{n:,}", f"{n:,}"]
    # Again: the same source into its own copy goes on (nothing to do), the counts still agree.
    assert main(["migrate-db", "--from", str(path), "--to", pg_url]) == 0
    assert "differs" not in capsys.readouterr().out


def test_cli_errors_say_what_to_do(tmp_path: Path, pg_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate-db", "--from", str(tmp_path / "missing.db"), "--to", pg_url]) == 1
    assert "no SQLite history database" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()  # no empty file made on the way
    assert main(["migrate-db", "--from", str(tmp_path / "x.db"), "--to", str(tmp_path / "y.db")]) == 2
    config = tmp_path / "config.toml"
    config.write_text(f'[settings]\ndb = "{pg_url}"\n', encoding="utf-8")
    assert main(["migrate-db", "--config", str(config), "--to", pg_url]) == 1
    assert "PostgreSQL already" in capsys.readouterr().err



def test_cli_interrupted_then_run_again_goes_on(
    history: tuple[Path, list[str]], pg_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = history
    real = migrate_cli.ProgressLines.__call__

    def ctrl_c_in_statements(self: migrate_cli.ProgressLines, table: str, done: int, total: int) -> None:
        real(self, table, done, total)
        if table == "statements" and done:
            raise KeyboardInterrupt

    monkeypatch.setattr(migrate_cli.ProgressLines, "__call__", ctrl_c_in_statements)
    monkeypatch.setattr("watchers.store.migrate.BATCH_ROWS", 10)
    monkeypatch.setattr(migrate_cli, "open_copy", functools.partial(migrate_cli.open_copy, batch=10))
    assert main(["migrate-db", "--from", str(path), "--to", pg_url]) == 130
    out, err = capsys.readouterr()
    assert "run the same command again" in err and out == ""
    monkeypatch.setattr(migrate_cli.ProgressLines, "__call__", real)
    assert main(["migrate-db", "--from", str(path), "--to", pg_url]) == 0
    out, err = capsys.readouterr()
    assert "migrate-db: statements 10 / " in err and "(going on from an earlier run)" in err
    assert "differs" not in out
