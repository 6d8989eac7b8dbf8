"""Statement and story queries: level 3 of dedup (a speaker's statements in the window), the stories
dedup opens and extends, and a story read back whole for its alert.

The decisions are watchers.stories.dedup's; this module only stores them. A statement whose text the
story already holds is kept as a repeat (is_repeat = 1): on record, but out of search and candidates.
The others are keyed in statement_keys (watchers.store.shingles), which is how candidates are found.
"""

from __future__ import annotations

import json
import math
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from rules.inflect import lemmas
from watchers.model import Source, Statement, Story
from watchers.statements.keyquotes import key_quotes
from watchers.store.columns import (
    STATEMENT_COLUMNS,
    dt_req,
    statement_from_row,
    statement_values,
    ts_req,
)
from watchers.store.shingles import key_rows, query_keys
from watchers.store.sqlite.connection import Connection


class StoryQueries(Connection):
    def __init__(self, db: sqlite3.Connection) -> None:
        super().__init__(db)
        # Topic id -> its keywords, from the rules (set_topic_terms): key quotes mentioning a story's
        # topics rank first. Empty until the rules are known; ranking then ignores topics.
        self._topic_terms: dict[str, tuple[str, ...]] = {}

    def story_candidates(
        self, speaker_id: str, texts: Sequence[str], since: datetime, until: datetime
    ) -> list[tuple[str, str]]:
        """Level-3 dedup: (story_id, text) of the speaker's distinct stored statements published between
        since and until that share a word-shingle key with one of texts (watchers.store.shingles),
        newest first. One index range per key, however many statements the speaker has."""
        keys = query_keys(speaker_id, texts)
        if not keys:
            return []
        # SQLITE-ONLY: the keys as one JSON parameter (a long quote has more keys than some builds allow
        # parameters). "+speaker_id" keeps the planner off the (speaker, time) index, which it prefers (a
        # range scan of ALL the speaker's statements, each checked against the key list): the key ranges
        # drive, and the statements are fetched by id.
        return [
            (r[0], r[1])
            for r in self._all(
                """SELECT story_id, text FROM statements
                    WHERE id IN (SELECT statement_id FROM statement_keys
                                 WHERE key IN (SELECT value FROM json_each(?)) AND published BETWEEN ? AND ?)
                      AND +speaker_id = ? AND is_repeat = 0 AND story_id IS NOT NULL AND published BETWEEN ? AND ?
                    ORDER BY published DESC, id DESC""",
                (json.dumps(keys), math.floor(ts_req(since)), math.floor(ts_req(until)), speaker_id, ts_req(since), ts_req(until)),
            )
        ]

    def create_story(self, story_id: str, speaker_id: str, speaker: str, now: datetime) -> bool:
        """A new story (no-op and False if the id exists)."""
        with self.transaction():
            cur = self._db.execute(
                """INSERT INTO stories (id, speaker_id, speaker, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO NOTHING""",
                (story_id, speaker_id, speaker, ts_req(now), ts_req(now)),
            )
            return cur.rowcount == 1

    def add_source(self, story_id: str, article_id: str, now: datetime) -> bool:
        """Link an article to a story; False if it already was. Keeps the story alive for prune."""
        with self.transaction():
            cur = self._db.execute(
                """INSERT INTO story_sources (story_id, article_id, added_at) VALUES (?, ?, ?)
                   ON CONFLICT (story_id, article_id) DO NOTHING""",
                (story_id, article_id, ts_req(now)),
            )
            self._db.execute(
                "UPDATE stories SET last_seen = ? WHERE id = ? AND last_seen < ?",
                (ts_req(now), story_id, ts_req(now)),
            )
            return cur.rowcount == 1

    def record_source(
        self, story_id: str, article_id: str, now: datetime, *, new_story: tuple[str, str] | None = None
    ) -> None:
        """Open the story if new_story = (speaker_id, speaker) says so, and link the article to it
        (create_story and add_source, their answers not needed)."""
        with self.transaction():
            if new_story is not None:
                self.create_story(story_id, *new_story, now)
            self.add_source(story_id, article_id, now)

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
        pub = ts_req(published)
        with self.transaction():
            for st, story_id, repeat in rows:
                if st.speaker_id is None:
                    continue
                forms = lemmas(st.text)  # None unless Cyrillic (see schema step 7)
                cur = self._db.execute(
                    f"""INSERT INTO statements (article_id, story_id, published, is_repeat, {STATEMENT_COLUMNS},
                                                lemmas)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (article_id, story_id, pub, int(repeat), *statement_values(st), forms),
                )
                if not repeat:  # SQLITE-ONLY: FTS5 external-content index, maintained by hand
                    self._db.execute(
                        "INSERT INTO statements_fts (rowid, text, speaker_id, lemmas) VALUES (?, ?, ?, ?)",
                        (cur.lastrowid, st.text, st.speaker_id, forms),
                    )
                if not repeat and story_id is not None:  # what dedup compares with: keyed
                    assert cur.lastrowid is not None
                    self._db.executemany(
                        "INSERT OR IGNORE INTO statement_keys (key, published, statement_id) VALUES (?, ?, ?)",
                        key_rows([(cur.lastrowid, st.speaker_id, st.text, pub)]),
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
                statement_from_row(r)
                for r in self._all(
                    f"""SELECT {STATEMENT_COLUMNS} FROM statements WHERE story_id = ? AND is_repeat = 0
                        ORDER BY published, id""",
                    (story_id,),
                )
            ]
            sources = tuple(
                Source(url=r[0], title=r[1], feed=r[2], outlet=r[3], published=dt_req(r[4]))
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
            first_seen=dt_req(row[3]),
        )

    def story_count(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM stories")[0])
