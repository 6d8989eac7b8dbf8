"""Maintenance: pruning old history, the integrity check, the small key-value table, and bulk loading
pre-deduplicated history (benchmarks, restoring a backup) with the index optimisation after it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from watchers.model import Article, Statement
from watchers.statements.similarity import normalise
from watchers.store.bands import BANDS, bands, to_signed
from watchers.store.columns import STATEMENT_COLUMNS, statement_values, ts_req
from watchers.store.shingles import key_rows
from watchers.store.sqlite.connection import Connection
from watchers.store.sqlite.schema import fill_lemmas, index_statements


class Maintenance(Connection):
    def prune(self, now: datetime, retention: float, window: float) -> int:
        """Forget stories and articles older than the retention; returns how many of both were removed.

        A story is kept while it is inside the dedup window (a source was added within `window`), even if
        the retention is shorter: forgetting it would turn its next rewrite into a fresh alert. Articles
        are kept while a kept story cites them."""
        cutoff = ts_req(now) - max(retention, window)
        old = "SELECT id FROM stories WHERE last_seen < ?"
        with self.transaction():
            self._db.executemany(  # the dedup keys of the statements about to go (computed, not indexed by id)
                "DELETE FROM statement_keys WHERE key = ? AND published = ? AND statement_id = ?",
                key_rows(self._all(
                    f"""SELECT id, speaker_id, text, published FROM statements
                        WHERE is_repeat = 0 AND story_id IN ({old})""", (cutoff,))),
            )
            # SQLITE-ONLY: external-content FTS5 rows are removed with the 'delete' command and old values.
            self._db.execute(
                f"""INSERT INTO statements_fts (statements_fts, rowid, text, speaker_id, lemmas)
                    SELECT 'delete', id, text, speaker_id, lemmas FROM statements
                    WHERE is_repeat = 0 AND story_id IN ({old})""",
                (cutoff,),
            )
            for table in ("statements", "story_sources", "story_topics", "deliveries", "outbox"):
                self._db.execute(f"DELETE FROM {table} WHERE story_id IN ({old})", (cutoff,))
            stories = self._db.execute("DELETE FROM stories WHERE last_seen < ?", (cutoff,)).rowcount
            self._db.execute(
                """INSERT INTO statements_fts (statements_fts, rowid, text, speaker_id, lemmas)
                    SELECT 'delete', s.id, s.text, s.speaker_id, s.lemmas FROM statements s JOIN articles a ON a.id = s.article_id
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

    def bulk_load(self, items: Iterable[tuple[Article, int | None, str, Sequence[Statement]]],
                  now: datetime, batch: int = 5000) -> int:
        """Load (article, fingerprint, story_id, statements) rows in ONE transaction with executemany.

        The story is created by its first row (speaker from its first statement); later rows with the same
        story id add sources. Statements are stored as non-repeats and indexed. Returns rows loaded."""
        ts_now = ts_req(now)
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
                                             fingerprint, fp0, fp1, fp2, fp3, lang)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""",
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
                    f"""INSERT INTO statements (article_id, story_id, published, is_repeat, {STATEMENT_COLUMNS})
                        VALUES (?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    stmts,
                )
                for rows in (arts, stories, sources, stmts):
                    rows.clear()

            for article, fingerprint, story_id, statements in items:
                pub = ts_req(article.published)
                fp_bands: Sequence[int | None] = (None,) * BANDS if fingerprint is None else bands(fingerprint)
                arts.append((article.id, article.url, article.title, normalise(article.title), article.feed,
                             article.outlet, pub, ts_now,
                             None if fingerprint is None else to_signed(fingerprint), *fp_bands, article.lang))
                tracked = [s for s in statements if s.speaker_id is not None]
                if tracked:
                    first = tracked[0]
                    assert first.speaker_id is not None
                    stories.append((story_id, first.speaker_id, first.speaker or first.speaker_id, pub, pub))
                    sources.append((story_id, article.id, pub))
                    stmts.extend((article.id, story_id, pub, *statement_values(s)) for s in tracked)
                count += 1
                if len(stmts) >= batch or len(arts) >= batch:
                    flush()
            flush()
            fill_lemmas(self._db, first_id)  # the Cyrillic ones' lemmas (schema step 7)
            # SQLITE-ONLY: index the new rows in one statement (far faster than row by row).
            self._db.execute(
                """INSERT INTO statements_fts (rowid, text, speaker_id, lemmas)
                   SELECT id, text, speaker_id, lemmas FROM statements WHERE id > ? AND is_repeat = 0""",
                (first_id,),
            )
            index_statements(self._db, first_id)  # their dedup keys (watchers.store.shingles)
        return count

    def optimize(self) -> None:
        """Merge the FTS5 index segments and refresh planner statistics (after a bulk load)."""
        with self.transaction():
            self._db.execute("INSERT INTO statements_fts (statements_fts) VALUES ('optimize')")  # SQLITE-ONLY
            self._db.execute("ANALYZE")
