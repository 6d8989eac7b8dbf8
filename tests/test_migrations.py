"""Schema migrations: a database written by every older schema version opens, upgraded, with its data
working (dedup, search, near-duplicates, feed state, subscriptions, deliveries).

On both backends: PostgreSQL has the same schema versions, step for step (tests/conftest.py `db_url`)."""

from __future__ import annotations

import math
from contextlib import closing
from datetime import UTC, datetime, timedelta
from types import ModuleType
from typing import Any

import pytest

import watchers.store.postgres.schema as pg_schema
import watchers.store.sqlite.schema as store_module
from watchers.model import Article, Statement
from watchers.statements.similarity import normalise
from watchers.store import SCHEMA_VERSION, is_postgres_url, open_backend
from watchers.store.bands import to_signed
from watchers.store.shingles import key_rows, stored_keys
from watchers.stories.dedup import process_article
from watchers.stories.fingerprint import simhash

T0 = datetime(2024, 11, 4, 10, 0, tzinfo=UTC)
WINDOW = 72 * 3600.0
QUOTE = "The winter fuel allowance will be paid two weeks early this year"
RU_QUOTE = "Расширения порта в этом году не будет"
BODY = " ".join(
    [
        "The finance ministry of Norvalia said on Monday that the winter fuel allowance would reach",
        "pensioners two weeks earlier than usual, after a cold snap pushed heating prices to a record.",
        f'"{QUOTE}," spokeswoman Marta Keldan said, adding that the cost would be covered by savings',
        "in the ministry's own administration budget and not by new borrowing. The opposition leader",
        "Teodor Brask welcomed the move but said it came too late for households already in arrears,",
        "and asked for the allowance to be raised in line with prices from next year onwards.",
    ]
)


def schema_of(db_url: str) -> ModuleType:
    """The backend's schema module: connect, migrate, schema_version and MIGRATIONS of SQLite or PostgreSQL."""
    return pg_schema if is_postgres_url(db_url) else store_module


def execute(db: Any, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """Raw SQL on either backend's connection ('?' placeholders become psycopg's '%s')."""
    if isinstance(db, store_module.sqlite3.Connection):
        return db.execute(sql, params)
    return db.execute(sql.replace("?", "%s"), params)


def make_v1(path: str) -> None:
    """A database as quotewatch with schema 1 left it: one feed, one article with a story, a chat."""
    schema = schema_of(path)
    db = schema.connect(path)
    schema.migrate(db, upto=1)
    fp = simhash(BODY)
    assert fp is not None
    ts = T0.timestamp()
    rows: list[tuple[str, tuple[Any, ...]]] = [
        ("INSERT INTO feeds (feed_id, url, etag, last_modified, last_poll, last_success, items_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
         ("ledger", "https://ledger.example/rss", '"e1"', None, ts, ts, 12)),
        ("INSERT INTO feeds (feed_id, url, items_seen) VALUES (?, ?, ?)", ("courier", "https://courier.example/rss", 0)),
        ("INSERT INTO articles (id, url, title, norm_title, feed, outlet, published, seen_at, fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
         ("a1", "https://ledger.example/fuel", "Fuel allowance brought forward", normalise("Fuel allowance brought forward"),
          "ledger", "Harbour Ledger", ts, ts, to_signed(fp))),
        ("INSERT INTO stories (id, speaker_id, speaker, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)",
         ("story-1", "keldan", "Marta Keldan", ts, ts)),
        ("INSERT INTO story_topics (story_id, topic) VALUES (?, ?)", ("story-1", "energy")),
        ("INSERT INTO story_sources (story_id, article_id, added_at) VALUES (?, ?, ?)", ("story-1", "a1", ts)),
        ("""INSERT INTO statements (article_id, story_id, speaker_id, speaker, text, kind, start_pos, end_pos,
                                    published, is_repeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
         ("a1", "story-1", "keldan", "Marta Keldan", QUOTE, "direct", 10, 10 + len(QUOTE), ts, False)),
        ("INSERT INTO stories (id, speaker_id, speaker, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)",
         ("story-2", "belova", "Зоряна Белова", ts, ts)),
        ("""INSERT INTO statements (article_id, story_id, speaker_id, speaker, text, kind, start_pos, end_pos,
                                    published, is_repeat) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
         ("a1", "story-2", "belova", "Зоряна Белова", RU_QUOTE, "direct", 0, len(RU_QUOTE), ts, False)),
        ("INSERT INTO deliveries (chat_id, story_id, message_id, sent_at) VALUES (?, ?, ?, ?)", ("-100777", "story-1", 31, ts)),
        ("INSERT INTO subscriptions (chat_id, watch_id, active) VALUES (?, ?, ?)", ("-100777", "keldan-energy", True)),
        ("INSERT INTO kv (key, value) VALUES (?, ?)", ("telegram.offset", "880")),
    ]
    for sql, params in rows:
        execute(db, sql, params)
    db.close()


def upgrade_to(path: str, version: int) -> None:
    schema = schema_of(path)
    db = schema.connect(path)
    schema.migrate(db, upto=version)
    if version >= 2:  # something only schema 2 could hold
        execute(db, "INSERT INTO outbox (chat_id, story_id, action, created) VALUES ('-100777', 'story-1', 'edit', 0)")
    db.close()


@pytest.mark.parametrize("start", range(1, SCHEMA_VERSION))
def test_upgrade_from_every_older_version(db_url: str, start: int) -> None:
    path = db_url
    make_v1(path)
    upgrade_to(path, start)
    schema = schema_of(path)
    db = schema.connect(path)
    assert schema.schema_version(db) == start
    db.close()

    with closing(open_backend(path)) as s:
        assert s.schema_version == SCHEMA_VERSION
        assert s.integrity_check() == "ok"
        # level 1 still knows the article
        assert s.article_seen("a1", "https://elsewhere.example/") and s.article_seen("x", "https://ledger.example/fuel")
        # search was backfilled from the old statements
        [hit] = s.search_statements("fuel allowance")
        assert hit.story_id == "story-1" and "«fuel»" in hit.snippet
        # ... a Russian one is found by another form of its words (schema 7 on SQLite: its lemmas)
        assert [h.story_id for h in s.search_statements("расширение порты")] == ["story-2"]
        # the story reads back whole
        story = s.get_story("story-1")
        assert story is not None and story.topics == ("energy",) and [q.text for q in story.quotes] == [QUOTE]
        # level 3 still finds the old statement
        rewrite = Article(id="b1", url="https://courier.example/heating", title="Pensioners to get heating help early",
                          text="A different write-up.", feed="courier", outlet="Valley Courier", published=T0 + timedelta(hours=3))
        st = Statement(text=QUOTE.lower(), start=0, end=len(QUOTE), kind="direct", speaker="Marta Keldan", speaker_id="keldan")
        assert [(e.story_id, e.new) for e in process_article(s, rewrite, [st], rewrite.published, WINDOW)] == [("story-1", False)]
        # level 2 finds the old fingerprint through the backfilled band columns
        copy = Article(id="c1", url="https://civicpost.example/fuel", title="Early fuel payments confirmed", text=BODY,
                       feed="civic", outlet="Civic Post", published=T0 + timedelta(hours=4))
        assert [(e.story_id, e.new) for e in process_article(s, copy, [], copy.published, WINDOW)] == [("story-1", False)]
        # feed health defaults; a feed that had succeeded is past its first poll
        ledger, courier = s.feed_state("ledger"), s.feed_state("courier")
        assert ledger is not None and ledger.polled_ok_once and ledger.consecutive_errors == 0 and ledger.etag == '"e1"'
        assert courier is not None and not courier.polled_ok_once
        # schema 4: no configured URL is known for old rows (the pipeline takes the rules URL afresh)
        assert ledger.configured_url is None and ledger.url == "https://ledger.example/rss"
        assert s.subscribers("keldan-energy") == [-100777]
        assert s.delivery(-100777, "story-1") == 31
        assert s.kv_get("telegram.offset") == "880"
        assert s.outbox_depth() == (1 if start >= 2 else 0)
        # schema 6: an article recorded from now on keeps its language
        russian = Article(id="r1", url="https://vestnik.example/toplivo", title="Выплаты перенесли",
                          text=BODY, feed="vestnik", outlet="Vestnik", published=T0, lang="ru", lang_source="declared")
        s.add_article(russian, None)
    db = schema.connect(path)
    langs = dict(execute(db, "SELECT id, lang FROM articles ORDER BY id").fetchall())
    db.close()
    # ... and one recorded before it has none: its language was never determined
    assert langs == {"a1": None, "b1": "en", "c1": "en", "r1": "ru"}


def test_schema_11_moves_the_stored_keys_into_their_time_buckets(db_url: str) -> None:
    # A version-10 history keyed as before schema 11: the bare 32-bit hashes.
    make_v1(db_url)
    upgrade_to(db_url, 10)
    schema = schema_of(db_url)
    db = schema.connect(db_url)
    statements = execute(db, "SELECT id, speaker_id, text, published FROM statements ORDER BY id").fetchall()
    bare = [(k, math.floor(pub), sid) for sid, speaker, text, pub in statements for k in stored_keys(speaker, text)]
    execute(db, "DELETE FROM statement_keys")
    for row in bare:
        execute(db, "INSERT INTO statement_keys (key, published, statement_id) VALUES (?, ?, ?)", row)
    db.close()
    with closing(open_backend(db_url)) as s:
        assert s.schema_version == SCHEMA_VERSION
        rewrite = Article(id="b1", url="https://courier.example/heating", title="Heating help early",
                          text="A different write-up.", feed="courier", outlet="Valley Courier",
                          published=T0 + timedelta(hours=3))
        st = Statement(text=QUOTE.lower(), start=0, end=len(QUOTE), kind="direct", speaker="Marta Keldan",
                       speaker_id="keldan")
        assert [(e.story_id, e.new) for e in process_article(s, rewrite, [st], rewrite.published, WINDOW)] == [
            ("story-1", False)]
    db = schema.connect(db_url)
    moved = execute(db, "SELECT key, published, statement_id FROM statement_keys WHERE statement_id <= ?",
                    (max(r[0] for r in statements),)).fetchall()
    db.close()
    # the same arithmetic in SQL as in Python (watchers.store.shingles.bucketed)
    assert sorted(tuple(r) for r in moved) == sorted(key_rows(statements)) != sorted(bare)


def test_a_failed_migration_leaves_the_old_version(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = db_url
    make_v1(path)
    schema = schema_of(path)

    def broken(db: Any) -> None:
        db.execute("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("disk full halfway through")

    monkeypatch.setitem(schema.MIGRATIONS, 1, broken)
    with pytest.raises(RuntimeError):
        open_backend(path)
    db = schema.connect(path)
    assert schema.schema_version(db) == 1
    tables = ("SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'" if schema is store_module
              else "SELECT COUNT(*) FROM pg_class WHERE relname = 'half_done'")
    assert execute(db, tables).fetchone()[0] == 0
    db.close()
    monkeypatch.undo()
    with closing(open_backend(path)) as s:
        assert s.schema_version == SCHEMA_VERSION


def test_new_database_is_created_at_the_latest_version(db_url: str) -> None:
    with closing(open_backend(db_url)) as s:
        assert s.schema_version == SCHEMA_VERSION >= 2


def test_both_backends_have_the_same_schema_versions() -> None:
    assert pg_schema.SCHEMA_VERSION == store_module.SCHEMA_VERSION
    assert sorted(pg_schema.MIGRATIONS) == sorted(store_module.MIGRATIONS)
