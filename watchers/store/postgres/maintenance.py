"""Maintenance on PostgreSQL: the twin of watchers.store.sqlite.maintenance (prune, integrity check,
kv, bulk load, optimise). The search index follows the rows by itself (a generated column), so pruning
and loading are plain deletes and inserts; a bulk load streams with COPY."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from watchers.model import Article, Statement
from watchers.statements.similarity import normalise
from watchers.store.bands import BANDS, bands, to_signed
from watchers.store.columns import STATEMENT_COLUMNS, statement_values, ts_req
from watchers.store.postgres.connection import Connection, clean_params
from watchers.store.postgres.schema import index_statements
from watchers.store.shingles import key_rows

_ARTICLE_COLUMNS = "id, url, title, norm_title, feed, outlet, published, seen_at, fingerprint, fp0, fp1, fp2, fp3, lang"
# Tables whose rows a bulk load may already hold (a re-run, a restore over a partial copy): loaded
# through a staging table and merged with ON CONFLICT DO NOTHING, as SQLite's INSERTs do.
_MERGED = {
    "articles": (_ARTICLE_COLUMNS, "id"),
    "stories": ("id, speaker_id, speaker, first_seen, last_seen", "id"),
    "story_sources": ("story_id, article_id, added_at", "story_id, article_id"),
}


class Maintenance(Connection):
    def prune(self, now: datetime, retention: float, window: float) -> int:
        """Forget stories and articles older than the retention; returns how many of both were removed.

        A story is kept while it is inside the dedup window (see the SQLite twin for why); articles are
        kept while a kept story cites them."""
        cutoff = ts_req(now) - max(retention, window)
        old = "SELECT id FROM stories WHERE last_seen < ?"
        self.forget_prefetched()
        with self.transaction():
            self._many(  # the dedup keys of the statements about to go (computed, not indexed by id)
                "DELETE FROM statement_keys WHERE key = ? AND published = ? AND statement_id = ?",
                key_rows(self._all(
                    f"""SELECT id, speaker_id, text, published FROM statements
                        WHERE is_repeat = FALSE AND story_id IN ({old})""", (cutoff,))),
            )
            for table in ("statements", "story_sources", "story_topics", "deliveries", "outbox"):
                self._exec(f"DELETE FROM {table} WHERE story_id IN ({old})", (cutoff,))
            stories = self._exec("DELETE FROM stories WHERE last_seen < ?", (cutoff,)).rowcount
            self._exec(
                """DELETE FROM statements WHERE story_id IS NULL AND article_id IN
                   (SELECT id FROM articles WHERE seen_at < ?)""",
                (cutoff,),
            )
            articles = self._exec(
                """DELETE FROM articles WHERE seen_at < ? AND NOT EXISTS
                   (SELECT 1 FROM story_sources ss WHERE ss.article_id = articles.id)""",
                (cutoff,),
            ).rowcount
            self._exec("DELETE FROM outbox WHERE status <> 'pending' AND done_at < ?", (cutoff,))
        return stories + articles

    def integrity_check(self) -> str:
        """'ok', or the problems found: indexes left invalid (an interrupted build) on the store's tables.

        PostgreSQL checks pages itself (and has no PRAGMA integrity_check); what it leaves to us is an
        index a crash left unusable, which would make lookups silently slow."""
        rows = self._all(
            """SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready) ORDER BY 1"""
        )
        return "ok" if not rows else "\n".join(f"index {r[0]} is invalid: REINDEX INDEX {r[0]}" for r in rows)

    def bulk_load(self, items: Iterable[tuple[Article, int | None, str, Sequence[Statement]]],
                  now: datetime, batch: int = 5000) -> int:
        """Load (article, fingerprint, story_id, statements) rows in ONE transaction, streamed with COPY.

        The story is created by its first row (speaker from its first statement); later rows with the same
        story id add sources. Statements are stored as non-repeats (so indexed). Returns rows loaded."""
        ts_now = ts_req(now)
        count = 0
        rows: dict[str, list[Sequence[Any]]] = {"articles": [], "stories": [], "story_sources": [], "statements": []}
        created: set[str] = set()  # the first row of a story creates it (DO NOTHING keeps no order within a batch)
        self.forget_prefetched()
        with self.transaction():
            first_id = int(self._one("SELECT COALESCE(MAX(id), 0) FROM statements")[0])
            for table, (columns, _) in _MERGED.items():
                self._exec(f"CREATE TEMP TABLE load_{table} ON COMMIT DROP AS SELECT {columns} FROM {table} WITH NO DATA")

            def flush() -> None:
                for table, batch_rows in rows.items():
                    target = table if table == "statements" else f"load_{table}"
                    columns = (f"article_id, story_id, published, is_repeat, {STATEMENT_COLUMNS}"
                               if table == "statements" else _MERGED[table][0])
                    with self._db.cursor() as cur, cur.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
                        for row in batch_rows:
                            copy.write_row(clean_params(row))
                    batch_rows.clear()

            for article, fingerprint, story_id, statements in items:
                pub = ts_req(article.published)
                fp_bands: Sequence[int | None] = (None,) * BANDS if fingerprint is None else bands(fingerprint)
                rows["articles"].append((article.id, article.url, article.title, normalise(article.title),
                                         article.feed, article.outlet, pub, ts_now,
                                         None if fingerprint is None else to_signed(fingerprint), *fp_bands,
                                         article.lang))
                tracked = [s for s in statements if s.speaker_id is not None]
                if tracked:
                    first = tracked[0]
                    assert first.speaker_id is not None
                    if story_id not in created:
                        created.add(story_id)
                        rows["stories"].append((story_id, first.speaker_id, first.speaker or first.speaker_id, pub, pub))
                    rows["story_sources"].append((story_id, article.id, pub))
                    rows["statements"].extend((article.id, story_id, pub, False, *statement_values(s)) for s in tracked)
                count += 1
                if len(rows["statements"]) >= batch or len(rows["articles"]) >= batch:
                    flush()
            flush()
            for table, (columns, key) in _MERGED.items():
                self._exec(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM load_{table} ON CONFLICT ({key}) DO NOTHING")
            with self._lock:
                index_statements(self._db, first_id)  # their dedup keys (watchers.store.shingles)
        return count

    def optimize(self) -> None:
        """Refresh the planner's statistics and the visibility map (after a bulk load)."""
        with self._lock:
            self._exec("VACUUM ANALYZE")  # outside any transaction: the connection is in autocommit
