"""Statement and story queries on PostgreSQL: watchers.store.common.stories, level 3 of dedup, a source
linked in one statement, and an article's statements stored with their dedup keys in one statement (the
search index needs no upkeep here: a generated column, see schema.py, where SQLite keeps FTS5 rows by
hand).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from watchers.model import Statement
from watchers.store.columns import STATEMENT_COLUMNS, statement_values, ts_req
from watchers.store.common.connection import Params
from watchers.store.common.stories import StoryQueries as SharedStoryQueries
from watchers.store.postgres.connection import Connection
from watchers.store.shingles import bucketed, query_keys, stored_keys, window_keys

# add_source's link and the story's last_seen together, in one statement (SQLite runs two).
_ADD_SOURCE = """WITH linked AS (INSERT INTO story_sources (story_id, article_id, added_at) VALUES (?, ?, ?)
                                 ON CONFLICT (story_id, article_id) DO NOTHING RETURNING 1),
                      alive AS (UPDATE stories SET last_seen = ? WHERE id = ? AND last_seen < ?)
                 SELECT COUNT(*) FROM linked"""


def candidates_read(
    speaker_id: str, texts: Sequence[str], since: datetime, until: datetime, keys: Sequence[int] | None = None
) -> tuple[str, Params] | None:
    """story_candidates' query, None when the texts have no key (`keys`: their query_keys, when
    computed beforehand).

    The key ranges are read first (MATERIALIZED), then the statements by id: the statement is
    prepared, and the generic plan would otherwise walk every statement of the speaker in the window
    and probe all the keys for each (3.5 ms instead of 0.2 ms for a speaker with 50)."""
    keys = query_keys(speaker_id, texts) if keys is None else list(keys)
    if not keys:
        return None
    lo, hi = math.floor(ts_req(since)), math.floor(ts_req(until))
    return (
        """WITH keyed AS MATERIALIZED (SELECT DISTINCT statement_id FROM statement_keys
                                      WHERE key = ANY(?::bigint[]) AND published BETWEEN ? AND ?)
           SELECT s.story_id, s.text FROM keyed JOIN statements s ON s.id = keyed.statement_id
           WHERE s.speaker_id = ? AND s.is_repeat = FALSE AND s.story_id IS NOT NULL
             AND s.published BETWEEN ? AND ?
           ORDER BY s.published DESC, s.id DESC""",
        (window_keys(keys, lo, hi), lo, hi, speaker_id, ts_req(since), ts_req(until)),
    )


class StoryQueries(SharedStoryQueries, Connection):
    def _candidates_read(
        self, speaker_id: str, texts: Sequence[str], since: datetime, until: datetime,
        keys: Sequence[int] | None = None,
    ) -> tuple[str, Params] | None:
        return candidates_read(speaker_id, texts, since, until, keys)

    def add_source(self, story_id: str, article_id: str, now: datetime) -> bool:
        """Link an article to a story; False if it already was. Keeps the story alive for prune."""
        row = self._one(_ADD_SOURCE, (story_id, article_id, ts_req(now), ts_req(now), story_id, ts_req(now)))
        return int(row[0]) == 1

    def add_statements(
        self, article_id: str, published: datetime,
        rows: Sequence[tuple[Statement, str | None, bool]],
        *, keys: Sequence[Sequence[int]] | None = None,
    ) -> None:
        """Store an article's statements: (statement, story_id, is_repeat). Untracked ones are skipped.
        `keys`: per row, its stored_keys computed beforehand."""
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
        keyed = [(st.speaker_id, st.text.replace("\x00", "\ufffd"), k) for i, (st, story_id, repeat) in enumerate(rows)
                 if st.speaker_id is not None and story_id is not None and not repeat
                 for k in (stored_keys(st.speaker_id, st.text) if keys is None else keys[i])]
        second = math.floor(pub)
        marks = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(values))
        self._defer(
            f"""WITH ins AS (INSERT INTO statements (article_id, story_id, published, is_repeat, {STATEMENT_COLUMNS})
                             VALUES {marks}
                             RETURNING id, speaker_id, text, story_id IS NOT NULL AND NOT is_repeat AS keyed)
                INSERT INTO statement_keys (key, published, statement_id)
                SELECT DISTINCT k.key, ?::bigint, ins.id FROM ins
                JOIN unnest(?::text[], ?::text[], ?::bigint[]) AS k (speaker_id, text, key)
                  ON k.speaker_id = ins.speaker_id AND k.text = ins.text
                WHERE ins.keyed
                ON CONFLICT DO NOTHING""",
            [*(v for row in values for v in row), second,
             [r[0] for r in keyed], [r[1] for r in keyed], [bucketed(r[2], second) for r in keyed]],
        )
