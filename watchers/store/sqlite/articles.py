"""Article queries: every article ever processed, and the level-1 and level-2 lookups of dedup.

Level 1 (same article): by id, canonical URL, or normalised title from one outlet in the window. Level 2
(same text): the articles whose fingerprint is within a few bits, found through the band columns
(watchers.store.bands) with index range scans, so the cost follows the window, not the history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from watchers.model import Article
from watchers.statements.similarity import normalise
from watchers.store.bands import BANDS, bands, from_signed, hamming, probes, to_signed
from watchers.store.columns import ts_req
from watchers.store.sqlite.connection import Connection


class ArticleQueries(Connection):
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
            (norm_title, outlet, ts_req(since), ts_req(until)),
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
                                         fingerprint, fp0, fp1, fp2, fp3, lang)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""",
                (article.id, article.url, article.title, norm_title, article.feed, article.outlet,
                 ts_req(article.published), ts_req(seen_at or datetime.now(UTC)), fp, *fp_bands,
                 article.lang),
            )

    def near_duplicates(
        self, fingerprint: int, since: datetime, until: datetime, max_distance: int
    ) -> list[tuple[str, str, int]]:
        """Level-2 dedup: (article id, outlet, distance) of articles published between since and until
        whose fingerprint is within max_distance bits, nearest (then earliest) first.

        Candidates share a band, give or take one bit (watchers.store.bands.probes): index range scans
        on (band, published), so the cost follows the window's band collisions, not the history."""
        lo, hi = ts_req(since), ts_req(until)
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

    def prefetch_dedup(
        self, article: Article, norm_title: str, fingerprint: int | None, since: datetime, until: datetime,
        max_distance: int, texts: Mapping[str, Sequence[str]],
    ) -> None:
        """Nothing on SQLite: its reads are calls into this process, with no round trip to save."""

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
