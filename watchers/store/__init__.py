"""The history store: feed state, articles seen, statements, stories, deliveries, subscriptions, outbox.

ALL of quotewatch's SQL lives here (and only here is sqlite3 imported), so that another backend
(PostgreSQL, for several watcher processes sharing one database) can be added without touching the
pipeline. The SQL is kept plain: `ON CONFLICT ... DO NOTHING/UPDATE`, partial indexes, no `INSERT OR`,
no rowid tricks. The SQLite-only spots are marked `SQLITE-ONLY`: the FTS5 index (`statements_fts`), PRAGMAs,
`BEGIN IMMEDIATE`.

Concurrency: one connection, one writer. `Store` is synchronous and thread-safe (an RLock around the
connection); `transaction()` groups several calls atomically (watchers.stories.dedup uses it for one article).
File databases run in WAL mode, so other connections (other Store objects on the same file, the CLI,
`sqlite3` in a shell) read while the writer writes. `AsyncStore` runs the same methods on ONE worker
thread so async callers never block the event loop.

Times are timezone-aware datetimes in Python and unix seconds (REAL) in the database.

Schema versions (PRAGMA user_version; MIGRATIONS[n] upgrades n -> n + 1, each in one transaction):
  1  base tables: feeds, articles (+ fingerprint), stories, story_topics, story_sources, statements,
     deliveries, subscriptions, kv
  2  statements_fts (FTS5 full-text index of statements) and the outbox
  3  feed health columns (errors, next poll, first-poll flag) and the fingerprint band columns that make
     near-duplicate lookup an index lookup (see watchers.stories.fingerprint)
  4  feeds.configured_url: the rules URL the stored url was last reset from (an edit of the rules URL
     resets url and validators; a permanent redirect changes url only)
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, ParamSpec, TypeVar, cast

from watchers.model import (
    Article,
    FeedState,
    Kind,
    OutboxItem,
    Source,
    Span,
    Statement,
    Story,
    StoryEvent,
)
from watchers.statements.keyquotes import key_quotes
from watchers.stories.fingerprint import BANDS, bands, from_signed, hamming, probes, to_signed
from watchers.stories.similarity import normalise

P = ParamSpec("P")
T = TypeVar("T")
ChatId = int | str

# Wait this long for a lock held by another connection (a reader checkpointing, a second process)
# before failing: long enough to ride out a checkpoint, short enough to surface a stuck peer.
BUSY_TIMEOUT_MS = 5000
# At most this many search terms: a longer query is a pasted paragraph, and each term costs a lookup.
MAX_QUERY_TERMS = 12
# Words of context either side of a search match in the snippet.
SNIPPET_TOKENS = 16
# A search matching more statements than this ranks only its newest this-many matches: bm25 costs about
# 1.5 us per match (2-core bench), so this keeps a one-common-word /search under ~10 ms on any history,
# and a word in that many statements is better served by the newest ones anyway.
MAX_RANKED_MATCHES = 5_000
# Page cache per connection (KiB when negative): holds the index pages one article's dedup touches
# (url, title, fingerprint bands, speaker/time), so inserts into random-key indexes of a large history
# do not become reads from the OS. SQLite's default is 2 MB.
CACHE_KIB = 65536


class StoreError(Exception):
    """The database cannot be used as it is; the message says what to do."""


@dataclass(frozen=True)
class StatementHit:
    """One stored statement, as /quotes and /search show it."""

    speaker_id: str
    speaker: str
    text: str
    kind: Kind
    published: datetime
    url: str
    title: str
    outlet: str
    story_id: str | None
    snippet: str = ""  # search only: the match with the words around it, match wrapped in «…»
    rank: float = 0.0  # search only: bm25, lower is better


# ---------------------------------------------------------------------------------------------- schema


def _script(db: sqlite3.Connection, script: str) -> None:
    """Run several statements inside the caller's transaction (sqlite3's executescript would COMMIT it)."""
    buf = ""
    for piece in script.split(";"):
        buf += piece + ";"
        if sqlite3.complete_statement(buf):
            if buf.strip(" \n;"):
                db.execute(buf)
            buf = ""
    if buf.strip(" \n;"):
        raise StoreError(f"incomplete SQL in a migration: {buf[:80]!r}")


def _migrate_0_to_1(db: sqlite3.Connection) -> None:
    _script(db,
        """
        CREATE TABLE feeds (
            feed_id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            etag TEXT,
            last_modified TEXT,
            last_poll REAL,
            last_success REAL,
            items_seen INTEGER NOT NULL DEFAULT 0
        );
        -- Every article ever processed (tracked statements or not), for level-1 and level-2 dedup.
        CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            title TEXT NOT NULL,
            norm_title TEXT NOT NULL,       -- watchers.stories.similarity.normalise(title), level-1 dedup
            feed TEXT NOT NULL,
            outlet TEXT NOT NULL,
            published REAL NOT NULL,
            seen_at REAL NOT NULL,
            fingerprint INTEGER             -- SimHash as signed 64-bit; NULL: text too short
        );
        CREATE INDEX articles_url ON articles (url);
        CREATE INDEX articles_title ON articles (norm_title, outlet, published);
        CREATE INDEX articles_seen ON articles (seen_at);
        -- One story = one statement by one tracked speaker, with every article that carried it.
        CREATE TABLE stories (
            id TEXT PRIMARY KEY,
            speaker_id TEXT NOT NULL,
            speaker TEXT NOT NULL,
            first_seen REAL NOT NULL,
            last_seen REAL NOT NULL          -- last time a source was added; prune keys on it
        );
        CREATE INDEX stories_last_seen ON stories (last_seen);
        CREATE TABLE story_topics (
            story_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            PRIMARY KEY (story_id, topic)
        );
        CREATE TABLE story_sources (
            story_id TEXT NOT NULL,
            article_id TEXT NOT NULL,
            added_at REAL NOT NULL,
            PRIMARY KEY (story_id, article_id)
        );
        CREATE INDEX story_sources_article ON story_sources (article_id);
        -- Statements of tracked speakers, one row per occurrence in an article. is_repeat = 1 marks a
        -- text identical (normalised) to one already stored for the same story: kept for the record,
        -- left out of search, /quotes and dedup candidates.
        CREATE TABLE statements (
            id INTEGER PRIMARY KEY,
            article_id TEXT NOT NULL,
            story_id TEXT,
            speaker_id TEXT NOT NULL,
            speaker TEXT NOT NULL,
            text TEXT NOT NULL,
            kind TEXT NOT NULL,
            start_pos INTEGER NOT NULL,
            end_pos INTEGER NOT NULL,
            mention TEXT,
            mention_start INTEGER,
            mention_end INTEGER,
            cue TEXT,
            published REAL NOT NULL,
            is_repeat INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX statements_speaker ON statements (speaker_id, is_repeat, published);
        CREATE INDEX statements_story ON statements (story_id);
        CREATE INDEX statements_article ON statements (article_id);
        CREATE TABLE deliveries (
            chat_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            message_id INTEGER NOT NULL,
            sent_at REAL NOT NULL,
            PRIMARY KEY (chat_id, story_id)
        );
        CREATE INDEX deliveries_story ON deliveries (story_id);
        CREATE TABLE subscriptions (
            chat_id TEXT NOT NULL,
            watch_id TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            reason TEXT,                      -- why inactive (bot blocked, chat gone)
            PRIMARY KEY (chat_id, watch_id)
        );
        CREATE INDEX subscriptions_watch ON subscriptions (watch_id, active);
        CREATE TABLE kv (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )


def _migrate_1_to_2(db: sqlite3.Connection) -> None:
    # SQLITE-ONLY: FTS5, external content (the text stays in `statements` only; snippet() reads it from
    # there by rowid). Only non-repeat rows are indexed, so rows are added and removed by hand in this
    # module (never 'rebuild', which would index the repeats too). speaker_id is indexed too, so that a
    # search for one speaker is an intersection inside FTS5, not a filter over every match; its bm25
    # weight is 0 (the 'rank' setting) so it never changes the order.
    _script(db,
        """
        CREATE VIRTUAL TABLE statements_fts USING fts5(
            text, speaker_id, content='statements', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        INSERT INTO statements_fts (statements_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0)');
        INSERT INTO statements_fts (rowid, text, speaker_id)
            SELECT id, text, speaker_id FROM statements WHERE is_repeat = 0;
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            chat_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            action TEXT NOT NULL,             -- send | edit
            status TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | dead
            attempts INTEGER NOT NULL DEFAULT 0,
            not_before REAL,
            created REAL NOT NULL,
            done_at REAL,
            error TEXT
        );
        CREATE UNIQUE INDEX outbox_pending_once ON outbox (chat_id, story_id, action)
            WHERE status = 'pending';
        CREATE INDEX outbox_status ON outbox (status, id);
        """
    )


def _migrate_2_to_3(db: sqlite3.Connection) -> None:
    _script(db,
        """
        ALTER TABLE feeds ADD COLUMN last_error TEXT;
        ALTER TABLE feeds ADD COLUMN last_error_at REAL;
        ALTER TABLE feeds ADD COLUMN consecutive_errors INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE feeds ADD COLUMN next_poll REAL;
        ALTER TABLE feeds ADD COLUMN polled_ok_once INTEGER NOT NULL DEFAULT 0;
        -- A feed that succeeded before the upgrade is past its first poll: no backfill flood.
        UPDATE feeds SET polled_ok_once = 1 WHERE last_success IS NOT NULL;
        ALTER TABLE articles ADD COLUMN fp0 INTEGER;
        ALTER TABLE articles ADD COLUMN fp1 INTEGER;
        ALTER TABLE articles ADD COLUMN fp2 INTEGER;
        ALTER TABLE articles ADD COLUMN fp3 INTEGER;
        -- The same bands as watchers.stories.fingerprint.bands (arithmetic shift, then mask: sign-safe).
        UPDATE articles SET fp0 = (fingerprint >> 48) & 65535, fp1 = (fingerprint >> 32) & 65535,
                            fp2 = (fingerprint >> 16) & 65535, fp3 = fingerprint & 65535
            WHERE fingerprint IS NOT NULL;
        -- (band, published): a probe is an index range within the dedup window, whatever the history.
        CREATE INDEX articles_fp0 ON articles (fp0, published);
        CREATE INDEX articles_fp1 ON articles (fp1, published);
        CREATE INDEX articles_fp2 ON articles (fp2, published);
        CREATE INDEX articles_fp3 ON articles (fp3, published);
        """
    )


def _migrate_3_to_4(db: sqlite3.Connection) -> None:
    # Left NULL: which rules URL an old row came from is unknown, so the first poll after the upgrade
    # takes the rules URL afresh (one unconditional fetch; a permanent redirect is learnt again).
    _script(db, "ALTER TABLE feeds ADD COLUMN configured_url TEXT;")


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
}
SCHEMA_VERSION = max(MIGRATIONS) + 1
assert BANDS == 4, "the fp0..fp3 columns assume four bands"


def connect(path: str) -> sqlite3.Connection:
    """A connection set up the way this module expects (autocommit; WAL for files)."""
    try:
        db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # SQLITE-ONLY
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # SQLITE-ONLY
        if path != ":memory:" and not path.startswith("file::memory:"):
            db.execute("PRAGMA journal_mode = WAL")  # SQLITE-ONLY: readers never block the writer
            # In WAL, NORMAL loses at most the last transactions on power loss, never corrupts.
            db.execute("PRAGMA synchronous = NORMAL")
    except sqlite3.Error as e:
        raise StoreError(f"cannot open the history database {path!r}: {e}; check the path and its "
                         "permissions, or move a damaged file aside") from e
    return db


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])  # SQLITE-ONLY


def migrate(db: sqlite3.Connection, upto: int = SCHEMA_VERSION) -> int:
    """Upgrade the schema step by step to version `upto`; returns the version found before.

    Safe with several processes opening one fresh file at once: each step re-reads the version after
    taking the write lock, so a step another process has just applied is never run twice."""
    found = schema_version(db)
    _check_not_newer(found)
    if found >= upto:
        return found  # the common case: no write lock taken
    while True:
        db.execute("BEGIN IMMEDIATE")  # SQLITE-ONLY
        try:
            version = schema_version(db)  # under the lock: another process may have migrated meanwhile
            _check_not_newer(version)
            if version >= upto:
                db.execute("COMMIT")
                return found
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version + 1}")  # SQLITE-ONLY; transactional
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


def _check_not_newer(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"the history database has schema version {version}, newer than this quotewatch understands "
            f"({SCHEMA_VERSION}); upgrade quotewatch, or point --db at another file"
        )


# ----------------------------------------------------------------------------------------- helpers


def _ts(dt: datetime | None) -> float | None:
    if dt is None:
        return None
    if dt.tzinfo is None:
        raise ValueError(f"naive datetime {dt.isoformat()} given to the store; pass a timezone-aware one")
    return dt.timestamp()


def _ts_req(dt: datetime) -> float:
    ts = _ts(dt)
    assert ts is not None
    return ts


def _dt(ts: float | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


def _dt_req(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _chat_in(chat_id: ChatId) -> str:
    return str(chat_id)


_NUMERIC = re.compile(r"-?\d+")


def _chat_out(value: str) -> ChatId:
    """Telegram chat ids are integers; '@channel' names and console sinks stay strings."""
    return int(value) if _NUMERIC.fullmatch(value) else value


_FTS_TERM = re.compile(r'"([^"]*)"|(\w+)')
_WORD = re.compile(r"\w+")


def fts_query(words: str) -> str | None:
    """User words -> a safe FTS5 query: every word (or "quoted phrase") a quoted string, all required.

    Nothing the user types is FTS syntax: NEAR, AND, OR, *, ^, column filters and stray quotes all become
    plain words (or vanish, for punctuation). None when no word is left.
    """
    terms: list[str] = []
    for phrase, word in _FTS_TERM.findall(words):
        tokens = _WORD.findall(phrase) if phrase else [word]
        if tokens:
            terms.append('"' + " ".join(tokens) + '"')  # tokens are \w+ only: no quote to escape
        if len(terms) >= MAX_QUERY_TERMS:
            break
    return " ".join(terms) if terms else None


def _hit(row: Sequence[Any], snippet: str = "", rank: float = 0.0) -> StatementHit:
    return StatementHit(
        speaker_id=row[0],
        speaker=row[1],
        text=row[2],
        kind=cast(Kind, row[3]),
        published=_dt_req(row[4]),
        url=row[5],
        title=row[6],
        outlet=row[7],
        story_id=row[8],
        snippet=snippet,
        rank=rank,
    )


_HIT_COLUMNS = "s.speaker_id, s.speaker, s.text, s.kind, s.published, a.url, a.title, a.outlet, s.story_id"
_STATEMENT_COLUMNS = "text, start_pos, end_pos, kind, speaker, speaker_id, mention, mention_start, mention_end, cue"


def _statement(row: Sequence[Any]) -> Statement:
    mention = None if row[6] is None else Span(row[6], row[7], row[8])
    return Statement(
        text=row[0], start=row[1], end=row[2], kind=cast(Kind, row[3]), speaker=row[4], speaker_id=row[5],
        mention=mention, cue=row[9],
    )


# ------------------------------------------------------------------------------------------- store


class Store:
    """The synchronous store. One connection, guarded by a lock; see the module docstring."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._db = connect(path)
        self._lock = threading.RLock()
        self._depth = 0  # transaction nesting: only the outermost BEGIN/COMMITs
        # Topic id -> its keywords, from the rules (set_topic_terms): key quotes mentioning a story's
        # topics rank first. Empty until the rules are known; ranking then ignores topics.
        self._topic_terms: dict[str, tuple[str, ...]] = {}
        try:
            migrate(self._db)
        except BaseException:
            self._db.close()
            raise

    # -- plumbing

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock and one write transaction for the block (nested blocks join the outer one)."""
        with self._lock:
            if self._depth == 0:
                self._db.execute("BEGIN IMMEDIATE")  # SQLITE-ONLY: take the write lock up front
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._db.execute("ROLLBACK")
                raise
            self._depth -= 1
            if self._depth == 0:
                self._db.execute("COMMIT")

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self._lock:
            return self._db.execute(sql, params).fetchone()

    @property
    def schema_version(self) -> int:
        with self._lock:
            return schema_version(self._db)

    # -- feeds

    def feed_state(self, feed_id: str) -> FeedState | None:
        row = self._one(f"SELECT {_FEED_COLUMNS} FROM feeds WHERE feed_id = ?", (feed_id,))
        return None if row is None else _feed_state(row)

    def feed_states(self) -> list[FeedState]:
        return [_feed_state(r) for r in self._all(f"SELECT {_FEED_COLUMNS} FROM feeds ORDER BY feed_id")]

    def save_feed_state(self, state: FeedState) -> None:
        values = (
            state.feed_id, state.url, state.etag, state.last_modified, _ts(state.last_poll),
            _ts(state.last_success), state.last_error, _ts(state.last_error_at), state.consecutive_errors,
            state.items_seen, _ts(state.next_poll), int(state.polled_ok_once), state.configured_url,
        )
        with self.transaction():
            self._db.execute(
                f"""INSERT INTO feeds ({_FEED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (feed_id) DO UPDATE SET url = excluded.url, etag = excluded.etag,
                      last_modified = excluded.last_modified, last_poll = excluded.last_poll,
                      last_success = excluded.last_success, last_error = excluded.last_error,
                      last_error_at = excluded.last_error_at,
                      consecutive_errors = excluded.consecutive_errors, items_seen = excluded.items_seen,
                      next_poll = excluded.next_poll, polled_ok_once = excluded.polled_ok_once,
                      configured_url = excluded.configured_url""",
                values,
            )

    # -- articles (level-1 and level-2 lookups for watchers.stories.dedup)

    def article_seen(self, article_id: str, url: str) -> bool:
        """Level-1 dedup: an article with this id or this canonical URL was processed before.

        url "" (a feed item without a link) matches by id only: every link-less article has that url."""
        if not url:
            return self._one("SELECT 1 FROM articles WHERE id = ?", (article_id,)) is not None
        row = self._one(
            "SELECT 1 FROM articles WHERE id = ? UNION ALL SELECT 1 FROM articles WHERE url = ? LIMIT 1",
            (article_id, url),
        )
        return row is not None

    def title_seen(self, norm_title: str, outlet: str, since: datetime, until: datetime) -> bool:
        """Level-1 dedup: the outlet published this (normalised) title between since and until."""
        row = self._one(
            "SELECT 1 FROM articles WHERE norm_title = ? AND outlet = ? AND published BETWEEN ? AND ? LIMIT 1",
            (norm_title, outlet, _ts_req(since), _ts_req(until)),
        )
        return row is not None

    def add_article(
        self, article: Article, fingerprint: int | None, *, norm_title: str | None = None,
        seen_at: datetime | None = None,
    ) -> None:
        """Record an article as seen (no-op if its id is known). fingerprint: unsigned 64-bit or None."""
        if norm_title is None:
            norm_title = normalise(article.title)
        fp = None if fingerprint is None else to_signed(fingerprint)
        fp_bands: Sequence[int | None] = (None,) * BANDS if fingerprint is None else bands(fingerprint)
        with self.transaction():
            self._db.execute(
                """INSERT INTO articles (id, url, title, norm_title, feed, outlet, published, seen_at,
                                         fingerprint, fp0, fp1, fp2, fp3)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""",
                (article.id, article.url, article.title, norm_title, article.feed, article.outlet,
                 _ts_req(article.published), _ts_req(seen_at or datetime.now(UTC)), fp, *fp_bands),
            )

    def near_duplicates(
        self, fingerprint: int, since: datetime, until: datetime, max_distance: int
    ) -> list[tuple[str, str, int]]:
        """Level-2 dedup: (article id, outlet, distance) of articles published between since and until
        whose fingerprint is within max_distance bits, nearest (then earliest) first.

        Candidates share a band, give or take one bit (watchers.stories.fingerprint.probes): index range scans
        on (band, published), so the cost follows the window's band collisions, not the history."""
        lo, hi = _ts_req(since), _ts_req(until)
        parts = []
        params: list[Any] = []
        for i, band in enumerate(bands(fingerprint)):
            values = probes(band)
            marks = ", ".join("?" * len(values))
            parts.append(
                f"SELECT id, outlet, fingerprint, published FROM articles "
                f"WHERE fp{i} IN ({marks}) AND published BETWEEN ? AND ?"
            )
            params += [*values, lo, hi]
        found = []
        for article_id, outlet, fp, published in self._all(' UNION '.join(parts), params):
            distance = hamming(fingerprint, from_signed(fp))
            if distance <= max_distance:
                found.append((distance, published, article_id, outlet))
        found.sort()
        return [(a, o, d) for d, _, a, o in found]

    def article_stories(self, article_id: str) -> list[tuple[str, str]]:
        """(speaker_id, story_id) of the stories the article is a source of, oldest link first."""
        return [
            (r[0], r[1])
            for r in self._all(
                """SELECT st.speaker_id, ss.story_id FROM story_sources ss JOIN stories st ON st.id = ss.story_id
                   WHERE ss.article_id = ? ORDER BY ss.added_at, ss.story_id""",
                (article_id,),
            )
        ]

    # -- statements and stories (decisions in watchers.stories.dedup)

    def story_candidates(
        self, speaker_id: str, since: datetime, until: datetime, limit: int
    ) -> list[tuple[str, str]]:
        """Level-3 dedup: (story_id, text) of the speaker's distinct stored statements published between
        since and until, newest first, at most limit (an index range scan on speaker and time)."""
        return [
            (r[0], r[1])
            for r in self._all(
                """SELECT story_id, text FROM statements
                   WHERE speaker_id = ? AND is_repeat = 0 AND published BETWEEN ? AND ?
                     AND story_id IS NOT NULL
                   ORDER BY published DESC, id DESC LIMIT ?""",
                (speaker_id, _ts_req(since), _ts_req(until), limit),
            )
        ]

    def create_story(self, story_id: str, speaker_id: str, speaker: str, now: datetime) -> bool:
        """A new story (no-op and False if the id exists)."""
        with self.transaction():
            cur = self._db.execute(
                """INSERT INTO stories (id, speaker_id, speaker, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO NOTHING""",
                (story_id, speaker_id, speaker, _ts_req(now), _ts_req(now)),
            )
            return cur.rowcount == 1

    def add_source(self, story_id: str, article_id: str, now: datetime) -> bool:
        """Link an article to a story; False if it already was. Keeps the story alive for prune."""
        with self.transaction():
            cur = self._db.execute(
                """INSERT INTO story_sources (story_id, article_id, added_at) VALUES (?, ?, ?)
                   ON CONFLICT (story_id, article_id) DO NOTHING""",
                (story_id, article_id, _ts_req(now)),
            )
            self._db.execute(
                "UPDATE stories SET last_seen = ? WHERE id = ? AND last_seen < ?",
                (_ts_req(now), story_id, _ts_req(now)),
            )
            return cur.rowcount == 1

    def add_story_topics(self, story_id: str, topics: Iterable[str]) -> None:
        with self.transaction():
            self._db.executemany(
                "INSERT INTO story_topics (story_id, topic) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(story_id, t) for t in topics],
            )

    def add_statements(
        self, article_id: str, published: datetime,
        rows: Sequence[tuple[Statement, str | None, bool]],
    ) -> None:
        """Store an article's statements: (statement, story_id, is_repeat). Untracked ones are skipped."""
        pub = _ts_req(published)
        with self.transaction():
            for st, story_id, repeat in rows:
                if st.speaker_id is None:
                    continue
                cur = self._db.execute(
                    f"""INSERT INTO statements (article_id, story_id, published, is_repeat, {_STATEMENT_COLUMNS})
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (article_id, story_id, pub, int(repeat), *_statement_values(st)),
                )
                if not repeat:  # SQLITE-ONLY: FTS5 external-content index, maintained by hand
                    self._db.execute(
                        "INSERT INTO statements_fts (rowid, text, speaker_id) VALUES (?, ?, ?)",
                        (cur.lastrowid, st.text, st.speaker_id),
                    )

    def set_topic_terms(self, terms: dict[str, tuple[str, ...]]) -> None:
        """The keywords of each topic id (from the rules), for ranking a story's key quotes."""
        self._topic_terms = dict(terms)

    def get_story(self, story_id: str) -> Story | None:
        """The story with its key quotes (best first, at most 3) and all its sources by published time."""
        with self._lock:
            row = self._one("SELECT id, speaker_id, speaker, first_seen FROM stories WHERE id = ?", (story_id,))
            if row is None:
                return None
            topics = tuple(
                r[0] for r in self._all("SELECT topic FROM story_topics WHERE story_id = ? ORDER BY topic", (story_id,))
            )
            terms = [term for topic in topics for term in self._topic_terms.get(topic, ())]
            statements = [
                _statement(r)
                for r in self._all(
                    f"""SELECT {_STATEMENT_COLUMNS} FROM statements WHERE story_id = ? AND is_repeat = 0
                        ORDER BY published, id""",
                    (story_id,),
                )
            ]
            sources = tuple(
                Source(url=r[0], title=r[1], feed=r[2], outlet=r[3], published=_dt_req(r[4]))
                for r in self._all(
                    """SELECT a.url, a.title, a.feed, a.outlet, a.published FROM story_sources ss
                       JOIN articles a ON a.id = ss.article_id WHERE ss.story_id = ?
                       ORDER BY a.published, ss.added_at, a.id""",
                    (story_id,),
                )
            )
        return Story(
            id=row[0], speaker_id=row[1], speaker=row[2], topics=topics,
            quotes=tuple(key_quotes(statements, None, terms, one_article=False)), sources=sources,
            first_seen=_dt_req(row[3]),
        )

    def story_count(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM stories")[0])

    # -- search

    def recent_statements(self, speaker_id: str, since: datetime | None, limit: int) -> list[StatementHit]:
        """The speaker's latest distinct statements, newest first (/quotes)."""
        params: list[Any] = [speaker_id]
        when = ""
        if since is not None:
            when = "AND s.published >= ?"
            params.append(_ts(since))
        params.append(limit)
        return [
            _hit(r)
            for r in self._all(
                f"""SELECT {_HIT_COLUMNS} FROM statements s JOIN articles a ON a.id = s.article_id
                    WHERE s.speaker_id = ? AND s.is_repeat = 0 {when}
                    ORDER BY s.published DESC, s.id DESC LIMIT ?""",
                params,
            )
        ]

    def search_statements(
        self, words: str, speaker_id: str | None = None, since: datetime | None = None, limit: int = 10
    ) -> list[StatementHit]:
        """Statements containing all the words (stemmed, case- and accent-blind), best bm25 first (/search).

        The user's words are never FTS syntax (see fts_query): any input is safe. Without `since`, FTS5
        ranks and cuts to `limit` by itself (the speaker, too, is matched inside FTS5), so only `limit`
        rows are joined, and a query matching more than MAX_RANKED_MATCHES statements ranks the newest
        of them only; with `since`, every match is joined and filtered by time first (exact, slower
        for very common words)."""
        query = fts_query(words)
        if query is None or limit <= 0:
            return []
        match = f"text : ({query})"
        speaker_words = _WORD.findall(speaker_id) if speaker_id is not None else []
        if speaker_words:
            match += ' AND speaker_id : "' + " ".join(speaker_words) + '"'
        # SQLITE-ONLY: FTS5 MATCH, rank (bm25 with the weights set in the schema) and snippet().
        snippet = f"snippet(statements_fts, 0, '«', '»', '…', {SNIPPET_TOKENS})"
        where: list[str] = ["1 = 1"]
        params: list[Any] = []
        if speaker_id is not None:
            where.append("s.speaker_id = ?")  # exact, after the token match above
            params.append(speaker_id)
        if since is None:
            # Walking the newest matches by rowid costs ~0.05 us each (no scoring): cheap bound first.
            floor = self._one(
                "SELECT rowid FROM statements_fts WHERE statements_fts MATCH ? ORDER BY rowid DESC LIMIT 1 OFFSET ?",
                (match, MAX_RANKED_MATCHES),
            )
            sql = f"""SELECT {_HIT_COLUMNS}, f.snip, f.rank
                      FROM (SELECT rowid AS id, {snippet} AS snip, rank FROM statements_fts
                            WHERE statements_fts MATCH ? AND rowid > ? ORDER BY rank LIMIT ?) f
                      JOIN statements s ON s.id = f.id JOIN articles a ON a.id = s.article_id
                      WHERE {' AND '.join(where)} ORDER BY f.rank, s.published DESC"""
            args: list[Any] = [match, floor[0] if floor else 0, limit, *params]
        else:
            where.append("s.published >= ?")
            params.append(_ts(since))
            sql = f"""SELECT {_HIT_COLUMNS}, {snippet}, statements_fts.rank
                      FROM statements_fts JOIN statements s ON s.id = statements_fts.rowid
                      JOIN articles a ON a.id = s.article_id
                      WHERE statements_fts MATCH ? AND {' AND '.join(where)}
                      ORDER BY statements_fts.rank, s.published DESC LIMIT ?"""
            args = [match, *params, limit]
        try:
            rows = self._all(sql, args)
        except sqlite3.OperationalError as e:  # should not happen with fts_query; never crash /search
            raise StoreError(f"search failed for {words!r}: {e}") from e
        return [_hit(r[:9], snippet=r[9], rank=r[10]) for r in rows]

    # -- outbox and deliveries

    def enqueue(self, chat_id: ChatId, story_id: str, action: Literal["send", "edit"]) -> int:
        """Queue a Telegram action; idempotent per (chat, story, action) while one is pending.

        An edit queued while the send of the same story to the same chat is still pending returns the
        send's id: the send renders the story as it is when sent, sources added since included."""
        if action not in ("send", "edit"):
            raise ValueError(f"outbox action must be 'send' or 'edit', not {action!r}")
        chat = _chat_in(chat_id)
        with self.transaction():
            actions = ("send", "edit") if action == "edit" else ("send",)
            for a in actions:
                row = self._one(
                    "SELECT id FROM outbox WHERE chat_id = ? AND story_id = ? AND action = ? AND status = 'pending'",
                    (chat, story_id, a),
                )
                if row is not None:
                    return int(row[0])
            cur = self._db.execute(
                "INSERT INTO outbox (chat_id, story_id, action, created) VALUES (?, ?, ?, ?)",
                (chat, story_id, action, datetime.now(UTC).timestamp()),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def due_outbox(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Pending items whose not_before has passed, oldest first."""
        return [
            OutboxItem(
                id=r[0], chat_id=_chat_out(r[1]), story_id=r[2], action=cast(Literal["send", "edit"], r[3]),
                attempts=r[4], not_before=_dt(r[5]),
            )
            for r in self._all(
                """SELECT id, chat_id, story_id, action, attempts, not_before FROM outbox
                   WHERE status = 'pending' AND (not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT ?""",
                (_ts_req(now), limit),
            )
        ]

    def mark_sent(self, item_id: int, message_id: int | None) -> None:
        """The item went out; a message id records the delivery (for later edits)."""
        now = datetime.now(UTC).timestamp()
        with self.transaction():
            row = self._one("SELECT chat_id, story_id FROM outbox WHERE id = ?", (item_id,))
            if row is None:
                return
            self._db.execute(
                "UPDATE outbox SET status = 'sent', attempts = attempts + 1, done_at = ?, error = NULL WHERE id = ?",
                (now, item_id),
            )
            if message_id is not None:
                self._db.execute(
                    """INSERT INTO deliveries (chat_id, story_id, message_id, sent_at) VALUES (?, ?, ?, ?)
                       ON CONFLICT (chat_id, story_id) DO UPDATE SET message_id = excluded.message_id,
                         sent_at = excluded.sent_at""",
                    (row[0], row[1], message_id, now),
                )

    def mark_retry(self, item_id: int, error: str, not_before: datetime) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE outbox SET attempts = attempts + 1, error = ?, not_before = ? WHERE id = ? AND status = 'pending'",
                (error, _ts_req(not_before), item_id),
            )

    def mark_dead(self, item_id: int, error: str) -> None:
        """Gave up on the item (chat gone, too many attempts); it stays for /status until pruned."""
        with self.transaction():
            self._db.execute(
                "UPDATE outbox SET status = 'dead', attempts = attempts + 1, error = ?, done_at = ? WHERE id = ?",
                (error, datetime.now(UTC).timestamp(), item_id),
            )

    def dead_outbox(self, limit: int = 20) -> list[tuple[OutboxItem, str]]:
        """The latest items given up on, with their last error (for /status)."""
        return [
            (
                OutboxItem(id=r[0], chat_id=_chat_out(r[1]), story_id=r[2],
                           action=cast(Literal["send", "edit"], r[3]), attempts=r[4], not_before=_dt(r[5])),
                r[6] or "",
            )
            for r in self._all(
                """SELECT id, chat_id, story_id, action, attempts, not_before, error FROM outbox
                   WHERE status = 'dead' ORDER BY id DESC LIMIT ?""",
                (limit,),
            )
        ]

    def delivery(self, chat_id: ChatId, story_id: str) -> int | None:
        row = self._one(
            "SELECT message_id FROM deliveries WHERE chat_id = ? AND story_id = ?", (_chat_in(chat_id), story_id)
        )
        return None if row is None else int(row[0])

    def deliveries(self, story_id: str) -> list[tuple[ChatId, int]]:
        return [
            (_chat_out(r[0]), int(r[1]))
            for r in self._all(
                "SELECT chat_id, message_id FROM deliveries WHERE story_id = ? ORDER BY sent_at, chat_id", (story_id,)
            )
        ]

    def outbox_depth(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")[0])

    # -- subscriptions

    def subscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        """Subscribe a chat to a watch (reactivating it if it was deactivated); False if already active."""
        chat = _chat_in(chat_id)
        with self.transaction():
            row = self._one("SELECT active FROM subscriptions WHERE chat_id = ? AND watch_id = ?", (chat, watch_id))
            if row is not None and row[0]:
                return False
            self._db.execute(
                """INSERT INTO subscriptions (chat_id, watch_id, active, reason) VALUES (?, ?, 1, NULL)
                   ON CONFLICT (chat_id, watch_id) DO UPDATE SET active = 1, reason = NULL""",
                (chat, watch_id),
            )
            return True

    def unsubscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        with self.transaction():
            cur = self._db.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND watch_id = ?", (_chat_in(chat_id), watch_id)
            )
            return cur.rowcount > 0

    def subscriptions(self, chat_id: ChatId) -> list[str]:
        """The chat's active watch ids."""
        return [
            r[0]
            for r in self._all(
                "SELECT watch_id FROM subscriptions WHERE chat_id = ? AND active = 1 ORDER BY watch_id",
                (_chat_in(chat_id),),
            )
        ]

    def subscribers(self, watch_id: str) -> list[ChatId]:
        """Active chats subscribed to the watch."""
        return [
            _chat_out(r[0])
            for r in self._all(
                "SELECT chat_id FROM subscriptions WHERE watch_id = ? AND active = 1 ORDER BY chat_id", (watch_id,)
            )
        ]

    def deactivate_chat(self, chat_id: ChatId, reason: str) -> None:
        """Stop alerting a chat (bot blocked, chat gone); its subscriptions are kept for reactivation."""
        with self.transaction():
            self._db.execute(
                "UPDATE subscriptions SET active = 0, reason = ? WHERE chat_id = ?", (reason, _chat_in(chat_id))
            )

    def reactivate_chat(self, chat_id: ChatId) -> int:
        """The chat is back (it wrote to the bot again): its subscriptions resume. Returns how many."""
        with self.transaction():
            cur = self._db.execute(
                "UPDATE subscriptions SET active = 1, reason = NULL WHERE chat_id = ? AND active = 0",
                (_chat_in(chat_id),),
            )
            return cur.rowcount

    def migrate_chat(self, old_chat_id: ChatId, new_chat_id: ChatId) -> None:
        """A group became a supergroup: subscriptions, deliveries and pending items follow the new id."""
        old, new = _chat_in(old_chat_id), _chat_in(new_chat_id)
        with self.transaction():
            for table, key in (("subscriptions", "watch_id"), ("deliveries", "story_id")):
                # Rows the new id already has win; the old id's duplicates are dropped.
                self._db.execute(
                    f"""DELETE FROM {table} WHERE chat_id = ? AND {key} IN
                        (SELECT {key} FROM {table} WHERE chat_id = ?)""",
                    (old, new),
                )
                self._db.execute(f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new, old))
            self._db.execute(
                """DELETE FROM outbox WHERE chat_id = ? AND status = 'pending' AND EXISTS
                   (SELECT 1 FROM outbox o WHERE o.chat_id = ? AND o.story_id = outbox.story_id
                      AND o.action = outbox.action AND o.status = 'pending')""",
                (old, new),
            )
            self._db.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new, old))

    # -- maintenance

    def prune(self, now: datetime, retention: float, window: float) -> int:
        """Forget stories and articles older than the retention; returns how many of both were removed.

        A story is kept while it is inside the dedup window (a source was added within `window`), even if
        the retention is shorter: forgetting it would turn its next rewrite into a fresh alert. Articles
        are kept while a kept story cites them."""
        cutoff = _ts_req(now) - max(retention, window)
        old = "SELECT id FROM stories WHERE last_seen < ?"
        with self.transaction():
            # SQLITE-ONLY: external-content FTS5 rows are removed with the 'delete' command and old values.
            self._db.execute(
                f"""INSERT INTO statements_fts (statements_fts, rowid, text, speaker_id)
                    SELECT 'delete', id, text, speaker_id FROM statements
                    WHERE is_repeat = 0 AND story_id IN ({old})""",
                (cutoff,),
            )
            for table in ("statements", "story_sources", "story_topics", "deliveries", "outbox"):
                self._db.execute(f"DELETE FROM {table} WHERE story_id IN ({old})", (cutoff,))
            stories = self._db.execute("DELETE FROM stories WHERE last_seen < ?", (cutoff,)).rowcount
            self._db.execute(
                """INSERT INTO statements_fts (statements_fts, rowid, text, speaker_id)
                    SELECT 'delete', s.id, s.text, s.speaker_id FROM statements s JOIN articles a ON a.id = s.article_id
                    WHERE s.is_repeat = 0 AND s.story_id IS NULL AND a.seen_at < ?""",
                (cutoff,),
            )
            self._db.execute(
                """DELETE FROM statements WHERE story_id IS NULL AND article_id IN
                   (SELECT id FROM articles WHERE seen_at < ?)""",
                (cutoff,),
            )
            articles = self._db.execute(
                """DELETE FROM articles WHERE seen_at < ? AND NOT EXISTS
                   (SELECT 1 FROM story_sources ss WHERE ss.article_id = articles.id)""",
                (cutoff,),
            ).rowcount
            self._db.execute("DELETE FROM outbox WHERE status <> 'pending' AND done_at < ?", (cutoff,))
        return stories + articles

    def integrity_check(self) -> str:
        """'ok', or SQLite's list of problems."""
        rows = self._all("PRAGMA integrity_check")  # SQLITE-ONLY
        return "\n".join(str(r[0]) for r in rows)

    def kv_get(self, key: str) -> str | None:
        row = self._one("SELECT value FROM kv WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def kv_set(self, key: str, value: str) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    # -- bulk import (benchmarks, restoring history): pre-deduplicated rows, no decisions

    def bulk_load(self, items: Iterable[tuple[Article, int | None, str, Sequence[Statement]]],
                  now: datetime, batch: int = 5000) -> int:
        """Load (article, fingerprint, story_id, statements) rows in ONE transaction with executemany.

        The story is created by its first row (speaker from its first statement); later rows with the same
        story id add sources. Statements are stored as non-repeats and indexed. Returns rows loaded."""
        ts_now = _ts_req(now)
        count = 0
        with self.transaction():
            first_id = int(self._one("SELECT COALESCE(MAX(id), 0) FROM statements")[0])
            arts: list[tuple[Any, ...]] = []
            stories: list[tuple[Any, ...]] = []
            sources: list[tuple[Any, ...]] = []
            stmts: list[tuple[Any, ...]] = []

            def flush() -> None:
                self._db.executemany(
                    """INSERT INTO articles (id, url, title, norm_title, feed, outlet, published, seen_at,
                                             fingerprint, fp0, fp1, fp2, fp3)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""",
                    arts,
                )
                self._db.executemany(
                    """INSERT INTO stories (id, speaker_id, speaker, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                       ON CONFLICT (id) DO NOTHING""",
                    stories,
                )
                self._db.executemany(
                    """INSERT INTO story_sources (story_id, article_id, added_at) VALUES (?, ?, ?)
                       ON CONFLICT (story_id, article_id) DO NOTHING""",
                    sources,
                )
                self._db.executemany(
                    f"""INSERT INTO statements (article_id, story_id, published, is_repeat, {_STATEMENT_COLUMNS})
                        VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    stmts,
                )
                for rows in (arts, stories, sources, stmts):
                    rows.clear()

            for article, fingerprint, story_id, statements in items:
                pub = _ts_req(article.published)
                fp_bands: Sequence[int | None] = (None,) * BANDS if fingerprint is None else bands(fingerprint)
                arts.append((article.id, article.url, article.title, normalise(article.title), article.feed,
                             article.outlet, pub, ts_now,
                             None if fingerprint is None else to_signed(fingerprint), *fp_bands))
                tracked = [s for s in statements if s.speaker_id is not None]
                if tracked:
                    first = tracked[0]
                    assert first.speaker_id is not None
                    stories.append((story_id, first.speaker_id, first.speaker or first.speaker_id, pub, pub))
                    sources.append((story_id, article.id, pub))
                    stmts.extend((article.id, story_id, pub, *_statement_values(s)) for s in tracked)
                count += 1
                if len(stmts) >= batch or len(arts) >= batch:
                    flush()
            flush()
            # SQLITE-ONLY: index the new rows in one statement (far faster than row by row).
            self._db.execute(
                """INSERT INTO statements_fts (rowid, text, speaker_id)
                   SELECT id, text, speaker_id FROM statements WHERE id > ? AND is_repeat = 0""",
                (first_id,),
            )
        return count

    def optimize(self) -> None:
        """Merge the FTS5 index segments and refresh planner statistics (after a bulk load)."""
        with self.transaction():
            self._db.execute("INSERT INTO statements_fts (statements_fts) VALUES ('optimize')")  # SQLITE-ONLY
            self._db.execute("ANALYZE")


_FEED_COLUMNS = (
    "feed_id, url, etag, last_modified, last_poll, last_success, last_error, last_error_at, "
    "consecutive_errors, items_seen, next_poll, polled_ok_once, configured_url"
)


def _feed_state(r: Sequence[Any]) -> FeedState:
    return FeedState(
        feed_id=r[0], url=r[1], etag=r[2], last_modified=r[3], last_poll=_dt(r[4]), last_success=_dt(r[5]),
        last_error=r[6], last_error_at=_dt(r[7]), consecutive_errors=r[8], items_seen=r[9],
        next_poll=_dt(r[10]), polled_ok_once=bool(r[11]), configured_url=r[12],
    )


def _statement_values(st: Statement) -> tuple[Any, ...]:
    m = st.mention
    return (
        st.text, st.start, st.end, st.kind, st.speaker or st.speaker_id or "", st.speaker_id,
        None if m is None else m.text, None if m is None else m.start, None if m is None else m.end, st.cue,
    )


# --------------------------------------------------------------------------------------- async


class AsyncStore:
    """The Store's methods as coroutines, all run on ONE worker thread (so they stay serialised and the
    event loop never waits on SQLite). Create it inside the running loop's program; close() on shutdown."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="quotewatch-store")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run any function on the store's worker thread (e.g. watchers.stories.dedup.process_article)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, lambda: fn(*args, **kwargs))

    async def close(self) -> None:
        await self.run(self.store.close)
        self._pool.shutdown(wait=True)

    async def process_article(
        self, article: Article, statements: Sequence[Statement], now: datetime, window: float
    ) -> list[StoryEvent]:
        from watchers.stories.dedup import process_article

        return await self.run(process_article, self.store, article, statements, now, window)

    async def feed_state(self, feed_id: str) -> FeedState | None:
        return await self.run(self.store.feed_state, feed_id)

    async def save_feed_state(self, state: FeedState) -> None:
        await self.run(self.store.save_feed_state, state)

    async def feed_states(self) -> list[FeedState]:
        return await self.run(self.store.feed_states)

    async def article_seen(self, article_id: str, url: str) -> bool:
        return await self.run(self.store.article_seen, article_id, url)

    async def add_article(self, article: Article, fingerprint: int | None) -> None:
        await self.run(self.store.add_article, article, fingerprint)

    async def add_story_topics(self, story_id: str, topics: Iterable[str]) -> None:
        await self.run(self.store.add_story_topics, story_id, list(topics))

    async def set_topic_terms(self, terms: dict[str, tuple[str, ...]]) -> None:
        await self.run(self.store.set_topic_terms, terms)

    async def get_story(self, story_id: str) -> Story | None:
        return await self.run(self.store.get_story, story_id)

    async def recent_statements(self, speaker_id: str, since: datetime | None, limit: int) -> list[StatementHit]:
        return await self.run(self.store.recent_statements, speaker_id, since, limit)

    async def search_statements(
        self, words: str, speaker_id: str | None = None, since: datetime | None = None, limit: int = 10
    ) -> list[StatementHit]:
        return await self.run(self.store.search_statements, words, speaker_id, since, limit)

    async def enqueue(self, chat_id: ChatId, story_id: str, action: Literal["send", "edit"]) -> int:
        return await self.run(self.store.enqueue, chat_id, story_id, action)

    async def due_outbox(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        return await self.run(self.store.due_outbox, now, limit)

    async def mark_sent(self, item_id: int, message_id: int | None) -> None:
        await self.run(self.store.mark_sent, item_id, message_id)

    async def mark_retry(self, item_id: int, error: str, not_before: datetime) -> None:
        await self.run(self.store.mark_retry, item_id, error, not_before)

    async def mark_dead(self, item_id: int, error: str) -> None:
        await self.run(self.store.mark_dead, item_id, error)

    async def dead_outbox(self, limit: int = 20) -> list[tuple[OutboxItem, str]]:
        return await self.run(self.store.dead_outbox, limit)

    async def delivery(self, chat_id: ChatId, story_id: str) -> int | None:
        return await self.run(self.store.delivery, chat_id, story_id)

    async def deliveries(self, story_id: str) -> list[tuple[ChatId, int]]:
        return await self.run(self.store.deliveries, story_id)

    async def outbox_depth(self) -> int:
        return await self.run(self.store.outbox_depth)

    async def subscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        return await self.run(self.store.subscribe, chat_id, watch_id)

    async def unsubscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        return await self.run(self.store.unsubscribe, chat_id, watch_id)

    async def subscriptions(self, chat_id: ChatId) -> list[str]:
        return await self.run(self.store.subscriptions, chat_id)

    async def subscribers(self, watch_id: str) -> list[ChatId]:
        return await self.run(self.store.subscribers, watch_id)

    async def deactivate_chat(self, chat_id: ChatId, reason: str) -> None:
        await self.run(self.store.deactivate_chat, chat_id, reason)

    async def reactivate_chat(self, chat_id: ChatId) -> int:
        return await self.run(self.store.reactivate_chat, chat_id)

    async def migrate_chat(self, old_chat_id: ChatId, new_chat_id: ChatId) -> None:
        await self.run(self.store.migrate_chat, old_chat_id, new_chat_id)

    async def prune(self, now: datetime, retention: float, window: float) -> int:
        return await self.run(self.store.prune, now, retention, window)

    async def integrity_check(self) -> str:
        return await self.run(self.store.integrity_check)

    async def kv_get(self, key: str) -> str | None:
        return await self.run(self.store.kv_get, key)

    async def kv_set(self, key: str, value: str) -> None:
        await self.run(self.store.kv_set, key, value)
