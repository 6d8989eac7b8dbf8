"""The PostgreSQL backend itself: what the shared store tests (run on both backends) cannot say.

Its migrations under concurrent start-up and a newer schema (the twins of the SQLite-only tests in
test_store.py), what PostgreSQL refuses that SQLite takes (NUL characters), a connection the server
drops, errors that say what to check without printing a password, Russian search, search results equal
to SQLite's on a generated corpus, and the database setting: `scan --db postgresql://...`, and
QUOTEWATCH_DB for `quotewatch run` (the real service against the fake Bot API, on PostgreSQL).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from feedserver import FeedServer
from pg_server import PostgresServer, free_port

import watchers.store.postgres.schema as pg_schema
from bot.service import history_db
from rules.load import parse_rules
from tests.fake_telegram import TOKEN
from tests.test_service import USER, WIRE_VARGA, Telegram, alerts_in, ask, rss, running, until, write_config
from watchers.model import Article, FeedState, Statement
from watchers.store import SCHEMA_VERSION, StoreBackend, StoreError, is_postgres_url, open_backend
from watchers.stories.dedup import process_article

T0 = datetime(2025, 2, 10, 9, 0, tzinfo=UTC)
WINDOW = 72 * 3600.0
ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


def raw(url: str, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as db:
        cur = db.execute(sql, params)  # type: ignore[arg-type]
        return cur.fetchall() if cur.description else []


def article(n: int, hours: float = 0.0, title: str = "", outlet: str = "Lowmarsh Herald") -> Article:
    return Article(id=f"p{n}", url=f"https://lowmarsh.example/{n}", title=title or f"Herald report {n}",
                   text="Short.", feed="herald", outlet=outlet, published=T0 + timedelta(hours=hours))


def said(text: str, speaker_id: str = "orlen") -> Statement:
    return Statement(text=text, start=0, end=len(text), kind="direct", speaker="Ida Orlen", speaker_id=speaker_id)


# -- schema


@pytest.mark.postgresql
def test_newer_schema_is_refused(pg_url: str) -> None:
    open_backend(pg_url).close()
    raw(pg_url, "UPDATE quotewatch_schema SET version = 99")
    with pytest.raises(StoreError, match="newer than this quotewatch"):
        open_backend(pg_url)


@pytest.mark.postgresql
def test_workers_opening_a_fresh_database_at_once_run_each_step_once(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[int] = []
    for version, step in list(pg_schema.MIGRATIONS.items()):
        def counted(db: Any, step: Any = step, version: int = version) -> None:
            runs.append(version)
            step(db)

        monkeypatch.setitem(pg_schema.MIGRATIONS, version, counted)
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        try:
            start.wait()
            open_backend(pg_url).close()
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    assert sorted(runs) == list(range(SCHEMA_VERSION))
    assert raw(pg_url, "SELECT version FROM quotewatch_schema") == [(SCHEMA_VERSION,)]


# -- what PostgreSQL refuses and SQLite takes


@pytest.mark.postgresql
def test_nul_characters_from_a_feed_are_stored_as_replacement_characters(pg_url: str) -> None:
    with closing(open_backend(pg_url)) as store:
        broken = article(1, title="Budget\x00 vote")
        [event] = process_article(store, broken, [said("The budget\x00 vote is on Thursday")], T0, WINDOW)
        store.save_feed_state(FeedState(feed_id="herald", url="https://lowmarsh.example/rss", etag='"a\x00b"'))
        story = store.get_story(event.story_id)
        assert story is not None and story.sources[0].title == "Budget\ufffd vote"
        assert [q.text for q in story.quotes] == ["The budget\ufffd vote is on Thursday"]
        state = store.feed_state("herald")
        assert state is not None and state.etag == '"a\ufffdb"'
        assert [h.text for h in store.search_statements("budget vote")] == ["The budget\ufffd vote is on Thursday"]


# -- connections


@pytest.mark.postgresql
def test_a_connection_the_server_dropped_is_reopened(pg_url: str) -> None:
    def server_drops_the_connection() -> None:
        raw(pg_url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()")

    with closing(open_backend(pg_url)) as store:
        store.kv_set("telegram.offset", "7")
        server_drops_the_connection()
        assert store.kv_get("telegram.offset") == "7"  # reconnected and ran again
        with pytest.raises(psycopg.OperationalError), store.transaction():
            store.kv_set("telegram.offset", "8")
            server_drops_the_connection()
            store.kv_set("last.update", "8")  # inside a transaction: the whole block fails, no retry
        assert store.kv_get("telegram.offset") == "7" and store.kv_get("last.update") is None
        server_drops_the_connection()
        with store.transaction():  # a block begun on a dead connection reconnects first
            store.kv_set("telegram.offset", "9")
        assert store.kv_get("telegram.offset") == "9"


def test_an_unreachable_server_is_a_store_error_that_hides_the_password() -> None:
    url = f"postgresql://quotewatch:hunter2-secret@127.0.0.1:{free_port()}/history"
    with pytest.raises(StoreError) as caught:
        open_backend(url)
    message = str(caught.value)
    assert "cannot connect to the history database" in message and "127.0.0.1" in message
    assert "hunter2" not in message and ":***@" in message
    assert "\n" not in message  # one line, as the service and the CLI print it


@pytest.mark.postgresql
def test_a_missing_database_is_a_store_error(pg_server: PostgresServer) -> None:
    with pytest.raises(StoreError, match="cannot connect.*no_such_history"):
        open_backend(pg_server.url("no_such_history"))


# -- search


@pytest.mark.postgresql
def test_russian_statements_are_found_by_other_forms_of_the_words(pg_url: str) -> None:
    with closing(open_backend(pg_url)) as store:
        text = "Налоговая реформа будет отложена до осени, сообщила Ида Орлен"
        process_article(store, article(1), [said(text)], T0, WINDOW)
        process_article(store, article(2, hours=1), [said("The reform of the port tax is postponed")], T0, WINDOW)
        assert [h.text for h in store.search_statements("реформы")] == [text]  # genitive of реформа
        assert [h.text for h in store.search_statements("налоговой реформе")] == [text]
        assert [h.text for h in store.search_statements("reforms")] == ["The reform of the port tax is postponed"]
        [hit] = store.search_statements("реформу")
        assert "«реформа»" in hit.snippet


_VOCABULARY = ("harbour levy ferry ferries island islands tax taxes budget minister ministry rail bridge "
               "repairs pension pensions allowance winter fuel café naïve reform reforms privatise privatising "
               "the will not")
WORDS = _VOCABULARY.split()


def corpus(seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    out = []
    for _ in range(150):
        words = [rng.choice(WORDS) for _ in range(rng.randint(4, 14))]
        out.append((rng.choice(["orlen", "vasko"]), " ".join(words).capitalize()))
    return out


@pytest.mark.postgresql
@pytest.mark.parametrize("seed", [1, 2])
def test_search_finds_the_same_statements_as_sqlite(pg_url: str, seed: int) -> None:
    stores: list[StoreBackend] = [open_backend(":memory:"), open_backend(pg_url)]
    try:
        for store in stores:
            for n, (speaker, text) in enumerate(corpus(seed)):
                published = T0 + timedelta(hours=n * 80)  # outside each other's window: a story each
                process_article(store, article(n, hours=n * 80), [said(text, speaker)], published, WINDOW)
        rng = random.Random(seed)
        queries = ["FERRY", "cafe", "naive", "privatise", '"harbour levy"', "the will", "taxes island"]
        queries += [" ".join(rng.sample(WORDS, k)) for k in (1, 1, 2, 2, 3)]
        hits = 0
        for words in queries:
            for speaker in (None, "vasko"):
                for since in (None, T0 + timedelta(hours=80 * 75)):
                    found = [{(h.text, h.story_id) for h in s.search_statements(words, speaker, since, limit=200)}
                             for s in stores]
                    assert found[0] == found[1], (words, speaker, since)
                    hits += len(found[0])
        assert hits > 100  # the queries do find things: equal because both found them, not because empty
    finally:
        for store in stores:
            store.close()


# -- the database setting


@pytest.mark.postgresql
def test_scan_records_its_history_in_the_postgresql_database_it_is_given(
    pg_url: str, pg_server: PostgresServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    config = str(ROOT / "config.example.toml")
    feed = str(ROOT / "tests" / "data" / "feeds" / "rss20.xml")
    elsewhere = pg_server.create_database()
    monkeypatch.setenv("QUOTEWATCH_DB", elsewhere)  # scan is a dry run: it ignores QUOTEWATCH_DB
    assert main(["scan", "--config", config, "--feed", feed, "--db", pg_url]) == 0
    assert raw(pg_url, "SELECT COUNT(*) FROM articles")[0][0] > 0
    assert main(["scan", "--config", config, "--feed", feed]) == 0  # without --db: in memory
    assert raw(elsewhere, "SELECT to_regclass('articles') IS NULL") == [(True,)]
    pg_server.drop_database(elsewhere)
    capsys.readouterr()


def test_quotewatch_db_wins_over_the_config_for_run(monkeypatch: pytest.MonkeyPatch) -> None:
    rules, problems = parse_rules('[settings]\ndb = "/var/lib/quotewatch/history.db"\n', "config.toml")
    assert rules is not None and problems == []
    monkeypatch.delenv("QUOTEWATCH_DB", raising=False)
    assert history_db(rules) == "/var/lib/quotewatch/history.db"
    monkeypatch.setenv("QUOTEWATCH_DB", "postgresql://quotewatch@db.internal:5432/quotewatch")
    assert history_db(rules) == "postgresql://quotewatch@db.internal:5432/quotewatch"
    monkeypatch.setenv("QUOTEWATCH_DB", "  ")
    assert history_db(rules) == "/var/lib/quotewatch/history.db"


@pytest.mark.parametrize(
    ("db", "postgres"),
    [("postgresql://u@h:5432/d", True), ("postgres://u@h/d", True), ("POSTGRESQL://u@h/d", True),
     ("quotewatch.db", False), (":memory:", False), ("/srv/postgresql/history.db", False), ("postgresql.db", False)],
)
def test_a_url_is_told_from_a_sqlite_path(db: str, postgres: bool) -> None:
    assert is_postgres_url(db) is postgres


@pytest.mark.postgresql
async def test_run_keeps_its_history_in_the_database_quotewatch_db_names(
    pg_url: str, tmp_path: Path, feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("QUOTEWATCH_DB", pg_url)
    wire: list[tuple[str, str, str]] = []
    feed_server.serve("/wire", rss("Northgate Wire", "https://wire.example", wire))
    feed_server.serve("/gazette", rss("Harbour Gazette", "https://gazette.example", []))
    async with Telegram(max_poll_timeout=0.2) as fake:
        config = write_config(tmp_path, fake, feed_server)  # its [settings] db is a SQLite file in tmp_path
        async with running(config, fake):
            assert "Subscribed to grain-watch" in await ask(fake, USER, "/subscribe grain-watch")
            wire.append(WIRE_VARGA)
            feed_server.serve("/wire", rss("Northgate Wire", "https://wire.example", wire))
            quote = "The quotas stay until the spring harvest is in"
            await until(lambda: alerts_in(fake, USER, quote), "the alert")
            assert "result(s)" in await ask(fake, USER, "/search quotas")
    assert not (tmp_path / "history.db").exists()  # the environment won over the config
    assert raw(pg_url, "SELECT chat_id, watch_id FROM subscriptions") == [(str(USER), "grain-watch")]
    assert raw(pg_url, "SELECT COUNT(*) FROM deliveries WHERE chat_id = %s", (str(USER),)) == [(1,)]
    assert raw(pg_url, "SELECT COUNT(*) FROM statements WHERE text LIKE 'The quotas stay%%'")[0][0] >= 1
