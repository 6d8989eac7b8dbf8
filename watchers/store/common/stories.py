"""Story queries, for both backends: the stories dedup opens and extends, and a story read back whole
for its alert. Level 3 of dedup (a speaker's candidates) and storing statements are each backend's:
SQLite keeps its FTS5 rows by hand, PostgreSQL's search column follows by itself.

The decisions are watchers.stories.dedup's; this only stores them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from watchers.model import Source, Story
from watchers.statements.keyquotes import key_quotes
from watchers.store.columns import STATEMENT_COLUMNS, dt_req, statement_from_row, ts_req
from watchers.store.common.connection import MISSING, Params, SqlConnection

CREATE_STORY = """INSERT INTO stories (id, speaker_id, speaker, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                  ON CONFLICT (id) DO NOTHING"""
LINK_SOURCE = """INSERT INTO story_sources (story_id, article_id, added_at) VALUES (?, ?, ?)
                 ON CONFLICT (story_id, article_id) DO NOTHING"""
KEEP_ALIVE = "UPDATE stories SET last_seen = ? WHERE id = ? AND last_seen < ?"


def candidate_rows(rows: list[Any]) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in rows]


class StoryQueries(SqlConnection):
    # Topic id -> its keywords, from the rules (set_topic_terms): key quotes mentioning a story's topics
    # rank first. Empty until the rules are known; ranking then ignores topics. (Replaced, never mutated.)
    _topic_terms: dict[str, tuple[str, ...]] = {}

    def _candidates_read(
        self, speaker_id: str, texts: Sequence[str], since: datetime, until: datetime,
        keys: Sequence[int] | None = None,
    ) -> tuple[str, Params] | None:
        """story_candidates' query (each backend's: how the key list is passed), None without keys."""
        raise NotImplementedError

    def story_candidates(
        self, speaker_id: str, texts: Sequence[str], since: datetime, until: datetime,
        *, keys: Sequence[int] | None = None,
    ) -> list[tuple[str, str]]:
        """Level-3 dedup: (story_id, text) of the speaker's distinct stored statements published between
        since and until that share a word-shingle key with one of texts (watchers.store.shingles),
        newest first. One index range per key, however many statements the speaker has. `keys`: the
        texts' query_keys, computed beforehand."""
        answer = self._prefetched_answer(("story_candidates", speaker_id, tuple(texts), since, until))
        if answer is not MISSING:
            return cast(list[tuple[str, str]], answer)
        read = self._candidates_read(speaker_id, texts, since, until, keys)
        return [] if read is None else candidate_rows(self._all(*read))

    def create_story(self, story_id: str, speaker_id: str, speaker: str, now: datetime) -> bool:
        """A new story (no-op and False if the id exists)."""
        return self._exec(CREATE_STORY, (story_id, speaker_id, speaker, ts_req(now), ts_req(now))).rowcount == 1

    def add_source(self, story_id: str, article_id: str, now: datetime) -> bool:
        """Link an article to a story; False if it already was. Keeps the story alive for prune."""
        with self.transaction():
            linked = self._exec(LINK_SOURCE, (story_id, article_id, ts_req(now))).rowcount == 1
            self._exec(KEEP_ALIVE, (ts_req(now), story_id, ts_req(now)))
            return linked

    def record_source(
        self, story_id: str, article_id: str, now: datetime, *, new_story: tuple[str, str] | None = None
    ) -> None:
        """create_story (with new_story = (speaker_id, speaker)) and add_source, for a caller that needs
        neither's answer: a server backend sends them with the transaction's next statement."""
        with self.transaction():
            if new_story is not None:
                self._defer(CREATE_STORY, (story_id, *new_story, ts_req(now), ts_req(now)))
            self._defer(LINK_SOURCE, (story_id, article_id, ts_req(now)))
            self._defer(KEEP_ALIVE, (ts_req(now), story_id, ts_req(now)))

    def add_story_topics(self, story_id: str, topics: Iterable[str]) -> None:
        rows = [(story_id, t) for t in topics]
        if rows:
            self._defer("INSERT INTO story_topics (story_id, topic) VALUES (?, ?) ON CONFLICT DO NOTHING", rows,
                        many=True)

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
