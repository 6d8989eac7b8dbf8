"""Statement and story queries on SQLite: watchers.store.common.stories, level 3 of dedup (a speaker's
statements in the window) and storing an article's statements with their FTS5 rows.

A statement whose text the
story already holds is kept as a repeat (is_repeat = 1): on record, but out of search and candidates.
The others are keyed in statement_keys (watchers.store.shingles), which is how candidates are found.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime

from rules.inflect import lemmas
from watchers.model import Statement
from watchers.store.columns import (
    STATEMENT_COLUMNS,
    statement_values,
    ts_req,
)
from watchers.store.common.connection import Params
from watchers.store.common.stories import StoryQueries as SharedStoryQueries
from watchers.store.shingles import bucketed, key_rows, query_keys, window_keys
from watchers.store.sqlite.connection import Connection


class StoryQueries(SharedStoryQueries, Connection):
    def _candidates_read(
        self, speaker_id: str, texts: Sequence[str], since: datetime, until: datetime,
        keys: Sequence[int] | None = None,
    ) -> tuple[str, Params] | None:
        keys = query_keys(speaker_id, texts) if keys is None else list(keys)
        if not keys:
            return None
        lo, hi = math.floor(ts_req(since)), math.floor(ts_req(until))
        # SQLITE-ONLY: the keys as one JSON parameter (a long quote has more keys than some builds allow
        # parameters). "+speaker_id" keeps the planner off the (speaker, time) index, which it prefers (a
        # range scan of ALL the speaker's statements, each checked against the key list): the key ranges
        # drive, and the statements are fetched by id.
        return (
            """SELECT story_id, text FROM statements
                WHERE id IN (SELECT statement_id FROM statement_keys
                             WHERE key IN (SELECT value FROM json_each(?)) AND published BETWEEN ? AND ?)
                  AND +speaker_id = ? AND is_repeat = 0 AND story_id IS NOT NULL AND published BETWEEN ? AND ?
                ORDER BY published DESC, id DESC""",
            (json.dumps(window_keys(keys, lo, hi)), lo, hi, speaker_id, ts_req(since), ts_req(until)),
        )

    def add_statements(
        self, article_id: str, published: datetime,
        rows: Sequence[tuple[Statement, str | None, bool]],
        *, keys: Sequence[Sequence[int]] | None = None,
    ) -> None:
        """Store an article's statements: (statement, story_id, is_repeat). Untracked ones are skipped.
        `keys`: per row, its stored_keys computed beforehand."""
        pub = ts_req(published)
        with self.transaction():
            for i, (st, story_id, repeat) in enumerate(rows):
                if st.speaker_id is None:
                    continue
                forms = lemmas(st.text)  # None unless Cyrillic (see schema step 7)
                cur = self._exec(
                    f"""INSERT INTO statements (article_id, story_id, published, is_repeat, {STATEMENT_COLUMNS},
                                                lemmas)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (article_id, story_id, pub, int(repeat), *statement_values(st), forms),
                )
                if not repeat:  # SQLITE-ONLY: FTS5 external-content index, maintained by hand
                    self._exec(
                        "INSERT INTO statements_fts (rowid, text, speaker_id, lemmas) VALUES (?, ?, ?, ?)",
                        (cur.lastrowid, st.text, st.speaker_id, forms),
                    )
                if not repeat and story_id is not None:  # what dedup compares with: keyed
                    assert cur.lastrowid is not None
                    self._many(
                        "INSERT OR IGNORE INTO statement_keys (key, published, statement_id) VALUES (?, ?, ?)",
                        key_rows([(cur.lastrowid, st.speaker_id, st.text, pub)]) if keys is None
                        else [(bucketed(k, math.floor(pub)), math.floor(pub), cur.lastrowid) for k in keys[i]],
                    )
