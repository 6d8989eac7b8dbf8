"""The SQLite schema: forward migrations from any earlier version, and the connection set-up.

Schema versions (PRAGMA user_version; MIGRATIONS[n] upgrades n -> n + 1, each in one transaction):
  1  base tables: feeds, articles (+ fingerprint), stories, story_topics, story_sources, statements,
     deliveries, subscriptions, kv
  2  statements_fts (FTS5 full-text index of statements) and the outbox
  3  feed health columns (errors, next poll, first-poll flag) and the fingerprint band columns that make
     near-duplicate lookup an index lookup (see watchers.store.bands)
  4  feeds.configured_url: the rules URL the stored url was last reset from (an edit of the rules URL
     resets url and validators; a permanent redirect changes url only)
  5  statement_keys: word-shingle keys of the statements dedup compares with (watchers.store.shingles),
     so that level 3 looks up the few statements that could match a new quote, not the newest N
  6  articles.lang: the article's language (watchers.feeds.lang); NULL for an article recorded before
     version 6, whose language was never determined
  7  statements.lemmas: the words of a Cyrillic statement as lemmas (rules.inflect.lemmas), a third
     column of statements_fts, so that /search finds every form of a Russian word (FTS5's stemmer is
     English only); NULL for a statement without Cyrillic
  8  chat_settings (a chat's own settings: silent, paused, quiet hours, digest, language; key/value
     rows, read by bot.settings) and held_stories (stories a chat will get later, as a digest: paused,
     quiet hours, digest mode)
  9  rules_versions: the rules text published for a fleet of workers (bot.fleet_rules; used on
     PostgreSQL only, kept here so a version number means the same tables on both backends)
 10  workers sharing one database (issue #17): the workers table, feed leases (feeds.lease_owner,
     lease_until) and outbox claims (outbox.claimed_by, claimed_until)
 11  statement_keys: each key in its time bucket (watchers.store.shingles.bucketed), so dedup's
     lookups and inserts stay in the recent part of the index however long the history

A database file of any earlier version is upgraded step by step when a Store opens it; a newer one is
refused with a message (an older quotewatch must not write a schema it does not know).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from rules.inflect import has_cyrillic, lemmas
from watchers.store.backend import StoreError
from watchers.store.bands import BANDS
from watchers.store.shingles import key_rows

# Wait this long for a lock held by another connection (a reader checkpointing, a second process)
# before failing: long enough to ride out a checkpoint, short enough to surface a stuck peer.
BUSY_TIMEOUT_MS = 5000
# Page cache per connection (KiB when negative): holds the index pages one article's dedup touches
# (url, title, fingerprint bands, speaker/time), so inserts into random-key indexes of a large history
# do not become reads from the OS. SQLite's default is 2 MB.
CACHE_KIB = 65536


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
            norm_title TEXT NOT NULL,       -- watchers.statements.similarity.normalise(title), level-1 dedup
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
    # package (never 'rebuild', which would index the repeats too). speaker_id is indexed too, so that a
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
        -- The same bands as watchers.store.bands.bands (arithmetic shift, then mask: sign-safe).
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


def _migrate_4_to_5(db: sqlite3.Connection) -> None:
    # (key, published, statement_id): a key's lookup is an index range inside the dedup window. Only
    # the rows dedup compares with (not repeats, in a story) are keyed; the keys are computed in Python.
    _script(db,
        """
        CREATE TABLE statement_keys (
            key INTEGER NOT NULL,             -- 32-bit shingle hash
            published INTEGER NOT NULL,       -- the statement's published time, rounded down to the second
            statement_id INTEGER NOT NULL,
            PRIMARY KEY (key, published, statement_id)
        ) WITHOUT ROWID;
        """
    )
    index_statements(db, 0)


def index_statements(db: sqlite3.Connection, after_id: int) -> None:
    """Key the statements with ids above after_id that dedup compares with (see _migrate_4_to_5)."""
    rows = db.execute(
        """SELECT id, speaker_id, text, published FROM statements
           WHERE id > ? AND is_repeat = 0 AND story_id IS NOT NULL""",
        (after_id,),
    )
    while batch := rows.fetchmany(5000):
        db.executemany("INSERT OR IGNORE INTO statement_keys (key, published, statement_id) VALUES (?, ?, ?)",
                       key_rows(batch))


def _migrate_5_to_6(db: sqlite3.Connection) -> None:
    # Left NULL for the articles already recorded: their language was never determined (all were read
    # as English), and a language guessed now from a title alone would be a guess stored as a fact.
    _script(db, "ALTER TABLE articles ADD COLUMN lang TEXT;")


def _migrate_6_to_7(db: sqlite3.Connection) -> None:
    _script(db, "ALTER TABLE statements ADD COLUMN lemmas TEXT;")
    fill_lemmas(db)
    # An FTS5 table's columns are fixed: the index is built again with the third column.
    _script(db,
        """
        DROP TABLE statements_fts;
        CREATE VIRTUAL TABLE statements_fts USING fts5(
            text, speaker_id, lemmas, content='statements', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        INSERT INTO statements_fts (statements_fts, rank) VALUES ('rank', 'bm25(1.0, 0.0, 1.0)');
        INSERT INTO statements_fts (rowid, text, speaker_id, lemmas)
            SELECT id, text, speaker_id, lemmas FROM statements WHERE is_repeat = 0;
        """
    )


def _migrate_7_to_8(db: sqlite3.Connection) -> None:
    # Key/value rows: a new setting needs no migration, and an older quotewatch ignores keys it does not
    # know. held_at orders a digest (the order the stories reached the chat's outbox).
    _script(db,
        """
        CREATE TABLE chat_settings (
            chat_id TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (chat_id, key)
        );
        CREATE TABLE held_stories (
            chat_id TEXT NOT NULL,
            story_id TEXT NOT NULL,
            held_at REAL NOT NULL,
            PRIMARY KEY (chat_id, story_id)
        );
        """
    )


def fill_lemmas(db: sqlite3.Connection, after_id: int = 0) -> None:
    """statements.lemmas of the statements with ids above after_id (Cyrillic ones only get a value)."""
    rows = db.execute("SELECT id, text FROM statements WHERE id > ? AND lemmas IS NULL", (after_id,))
    while batch := rows.fetchmany(5000):
        found = [(lemmas(text), id_) for id_, text in batch if has_cyrillic(text)]
        db.executemany("UPDATE statements SET lemmas = ? WHERE id = ?", found)


def _migrate_8_to_9(db: sqlite3.Connection) -> None:
    # One process per SQLite file reads its rules from its file; the table exists so that the schema is
    # PostgreSQL's step for step (and `migrate-db` copies it like any other).
    _script(db,
        """
        CREATE TABLE rules_versions (
            version INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            sha TEXT NOT NULL,
            published_at REAL NOT NULL,
            published_by TEXT NOT NULL
        );
        """
    )


def _migrate_9_to_10(db: sqlite3.Connection) -> None:
    # Several workers on one database (issue #17): who is running (workers), which worker polls a feed
    # right now (a lease: owner and expiry, extended by the owner's heartbeat), which worker is sending
    # an outbox item (a claim, the same way). One SQLite process holds every lease; the columns are
    # here so both backends have the same tables at every version.
    _script(db,
        """
        CREATE TABLE workers (
            worker_id TEXT PRIMARY KEY,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            started REAL NOT NULL,
            heartbeat REAL NOT NULL,
            takes_updates INTEGER NOT NULL DEFAULT 0
        );
        ALTER TABLE feeds ADD COLUMN lease_owner TEXT;
        ALTER TABLE feeds ADD COLUMN lease_until REAL;
        CREATE INDEX feeds_lease_owner ON feeds (lease_owner) WHERE lease_owner IS NOT NULL;
        ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
        ALTER TABLE outbox ADD COLUMN claimed_until REAL;
        CREATE INDEX outbox_claimed_by ON outbox (claimed_by) WHERE claimed_by IS NOT NULL;
        """
    )


def _migrate_10_to_11(db: sqlite3.Connection) -> None:
    # Each stored key in its time bucket (watchers.store.shingles.bucketed: the same arithmetic), so the
    # window's lookups and inserts stay in one recent part of the index. A WITHOUT ROWID table is
    # ordered by its key: rewritten in that order into a new table.
    _script(db,
        """
        CREATE TABLE statement_keys_11 (
            key INTEGER NOT NULL,             -- (published second >> 20) << 32 | 32-bit shingle hash
            published INTEGER NOT NULL,
            statement_id INTEGER NOT NULL,
            PRIMARY KEY (key, published, statement_id)
        ) WITHOUT ROWID;
        INSERT OR IGNORE INTO statement_keys_11 (key, published, statement_id)
            SELECT ((published >> 20) << 32) | (key & 4294967295), published, statement_id FROM statement_keys
            ORDER BY 1, 2, 3;
        DROP TABLE statement_keys;
        ALTER TABLE statement_keys_11 RENAME TO statement_keys;
        """
    )


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {
    0: _migrate_0_to_1,
    1: _migrate_1_to_2,
    2: _migrate_2_to_3,
    3: _migrate_3_to_4,
    4: _migrate_4_to_5,
    5: _migrate_5_to_6,
    6: _migrate_6_to_7,
    7: _migrate_7_to_8,
    8: _migrate_8_to_9,
    9: _migrate_9_to_10,
    10: _migrate_10_to_11,
}
SCHEMA_VERSION = max(MIGRATIONS) + 1
assert BANDS == 4, "the fp0..fp3 columns assume four bands"


def connect(path: str) -> sqlite3.Connection:
    """A connection set up the way the store expects (autocommit; WAL for files)."""
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
