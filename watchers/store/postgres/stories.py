"""Statement and story queries on PostgreSQL: the twin of watchers.store.sqlite.stories (level 3 of
dedup, the stories dedup opens and extends, a story read back whole for its alert).

The same SQL but for placeholders and the BOOLEAN is_repeat; the search index needs no upkeep here (a
generated column, see schema.py), where SQLite maintains its FTS5 rows by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from watchers.model import Source, Statement, Story
from watchers.statements.keyquotes import key_quotes
from watchers.store.columns import STATEMENT_COLUMNS, dt_req, statement_from_row, statement_values, ts_req
from watchers.store.postgres.connection import MISSING, Connection, Db, Params
from watchers.store.shingles import query_keys, stored_keys

_CREATE_STORY = """INSERT INTO stories (id, speaker_id, speaker, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (id) DO NOTHING"""
_ADD_SOURCE = """WITH linked AS (INSERT INTO story_sources (story_id, article_id, added_at) VALUES (?, ?, ?)
                                 ON CONFLICT (story_id, article_id) DO NOTHING RETURNING 1),
                      alive AS (UPDATE stories SET last_seen = ? WHERE id = ? AND last_seen < ?)
                 SELECT COUNT(*) FROM linked"""


def candidates_read(speaker_id: str, texts: Sequence[str], since: datetime, until: datetime) -> tuple[str, Params] | None:
    """story_candidates' query, None when the texts have no key.

    The key ranges are read first (MATERIALIZED), then the statements by id: the statement is
    prepared, and the generic plan would otherwise walk every statement of the speaker in the window
    and probe all the keys for each (3.5 ms instead of 0.2 ms for a speaker with 50)."""
    keys = query_keys(speaker_id, texts)
    if not keys:
        return None
    return (
        """WITH keyed AS MATERIALIZED (SELECT DISTINCT statement_id FROM statement_keys
                                      WHERE key = ANY(?) AND published BETWEEN ? AND ?)
           SELECT s.story_id, s.text FROM keyed JOIN statements s ON s.id = keyed.statement_id
           WHERE s.speaker_id = ? AND s.is_repeat = FALSE AND s.story_id IS NOT NULL
             AND s.published BETWEEN ? AND ?
           ORDER BY s.published DESC, s.id DESC""",
        (keys, math.floor(ts_req(since)), math.floor(ts_req(until)), speaker_id, ts_req(since), ts_req(until)),
    )


def candidate_rows(rows: list[Any]) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in rows]


class StoryQueries(Connection):
    def __init__(self, db: Db, reconnect: Callable[[], Db]) -> None:
        super().__init__(db, reconnect)
        # Topic id -> its keywords, from the rules (set_topic_terms): key quotes mentioning a story's
        # topics rank first. Empty until the rules are known; ranking then ignores topics.
        self._topic_terms: dict[str, tuple[str, ...]] = {}

    def story_candidates(
        self, speaker_id: str, texts: Sequence[str], since: datetime, until: datetime
    ) -> list[tuple[str, str]]:
        """Level-3 dedup: (story_id, text) of the speaker's distinct stored statements published between
        since and until that share a word-shingle key with one of texts (watchers.store.shingles),
        newest first. One index range per key, however many statements the speaker has."""
        answer = self._prefetched_answer(("story_candidates", speaker_id, tuple(texts), since, until))
        if answer is not MISSING:
            return cast(list[tuple[str, str]], answer)
        read = candidates_read(speaker_id, texts, since, until)
        return [] if read is None else candidate_rows(self._all(*read))

    def create_story(self, story_id: str, speaker_id: str, speaker: str, now: datetime) -> bool:
        """A new story (no-op and False if the id exists)."""
        return self._exec(_CREATE_STORY, (story_id, speaker_id, speaker, ts_req(now), ts_req(now))).rowcount == 1

    def add_source(self, story_id: str, article_id: str, now: datetime) -> bool:
        """Link an article to a story; False if it already was. Keeps the story alive for prune.

        One statement (the link and the story's last_seen together), where SQLite runs two."""
        row = self._one(_ADD_SOURCE, (story_id, article_id, ts_req(now), ts_req(now), story_id, ts_req(now)))
        return int(row[0]) == 1

    def record_source(
        self, story_id: str, article_id: str, now: datetime, *, new_story: tuple[str, str] | None = None
    ) -> None:
        """create_story (new_story: (speaker_id, speaker)) and add_source, held back for the next
        statement or the COMMIT: no round trip of their own."""
        if new_story is not None:
            self._defer(_CREATE_STORY, (story_id, *new_story, ts_req(now), ts_req(now)))
        self._defer(_ADD_SOURCE, (story_id, article_id, ts_req(now), ts_req(now), story_id, ts_req(now)))

    def add_story_topics(self, story_id: str, topics: Iterable[str]) -> None:
        rows = [(story_id, t) for t in topics]
        if rows:
            self._defer("INSERT INTO story_topics (story_id, topic) VALUES (?, ?) ON CONFLICT DO NOTHING", rows, many=True)

    def add_statements(
        self, article_id: str, published: datetime,
        rows: Sequence[tuple[Statement, str | None, bool]],
    ) -> None:
        """Store an article's statements: (statement, story_id, is_repeat). Untracked ones are skipped."""
        pub = ts_req(published)
        values = [
            (article_id, story_id, pub, repeat, *statement_values(st))
            for st, story_id, repeat in rows
            if st.speaker_id is not None
        ]
        if not values:
            return
        self.forget_prefetched("story_candidates")
        # The dedup keys (watchers.store.shingles) of the rows dedup compares with, inserted by the same
        # statement (one round trip): joined to the new rows by speaker and text, their ids unknown here.
        keyed = [(st.speaker_id, st.text.replace("\x00", "\ufffd"), k) for st, story_id, repeat in rows
                 if st.speaker_id is not None and story_id is not None and not repeat
                 for k in stored_keys(st.speaker_id, st.text)]
        marks = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(values))
        self._defer(
            f"""WITH ins AS (INSERT INTO statements (article_id, story_id, published, is_repeat, {STATEMENT_COLUMNS})
                             VALUES {marks}
                             RETURNING id, speaker_id, text, story_id IS NOT NULL AND NOT is_repeat AS keyed)
                INSERT INTO statement_keys (key, published, statement_id)
                SELECT DISTINCT k.key, ?::bigint, ins.id FROM ins
                JOIN unnest(?::text[], ?::text[], ?::integer[]) AS k (speaker_id, text, key)
                  ON k.speaker_id = ins.speaker_id AND k.text = ins.text
                WHERE ins.keyed
                ON CONFLICT DO NOTHING""",
            [*(v for row in values for v in row), math.floor(pub),
             [r[0] for r in keyed], [r[1] for r in keyed], [r[2] for r in keyed]],
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
                    f"""SELECT {STATEMENT_COLUMNS} FROM statements WHERE story_id = ? AND is_repeat = FALSE
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
