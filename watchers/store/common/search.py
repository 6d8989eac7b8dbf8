"""Statement queries, for both backends: a speaker's latest statements (/quotes), and how a stored
statement comes back as a StatementHit (/quotes and /search). The /search index and its query are each
backend's (SQLite FTS5, PostgreSQL tsvector), with the same results and ranking semantics.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from watchers.model import Kind
from watchers.store.backend import StatementHit
from watchers.store.columns import dt_req, ts
from watchers.store.common.connection import SqlConnection

HIT_COLUMNS = "s.speaker_id, s.speaker, s.text, s.kind, s.published, a.url, a.title, a.outlet, s.story_id"


def hit(row: Sequence[Any], snippet: str = "", rank: float = 0.0) -> StatementHit:
    """A StatementHit from the HIT_COLUMNS of its row."""
    return StatementHit(
        speaker_id=row[0], speaker=row[1], text=row[2], kind=cast(Kind, row[3]), published=dt_req(row[4]),
        url=row[5], title=row[6], outlet=row[7], story_id=row[8], snippet=snippet, rank=rank,
    )


class SearchQueries(SqlConnection):
    def recent_statements(self, speaker_id: str, since: datetime | None, limit: int) -> list[StatementHit]:
        """The speaker's latest distinct statements, newest first (/quotes)."""
        params: list[Any] = [speaker_id]
        when = ""
        if since is not None:
            when = "AND s.published >= ?"
            params.append(ts(since))
        params.append(limit)
        return [
            hit(r)
            for r in self._all(
                f"""SELECT {HIT_COLUMNS} FROM statements s JOIN articles a ON a.id = s.article_id
                    WHERE s.speaker_id = ? AND s.is_repeat = FALSE {when}
                    ORDER BY s.published DESC, s.id DESC LIMIT ?""",
                params,
            )
        ]
