"""Article queries on PostgreSQL: the twin of watchers.store.sqlite.articles (level-1 and level-2 dedup
lookups), with the same SQL but for the placeholders: the band columns (watchers.store.bands) make a
near-duplicate probe a few B-tree range scans whatever the history's length."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from watchers.model import Article
from watchers.statements.similarity import normalise
from watchers.store.bands import BANDS, bands, from_signed, hamming, probes, to_signed
from watchers.store.columns import ts_req
from watchers.store.postgres.connection import Connection


class ArticleQueries(Connection):
    def article_seen(self, article_id: str, url: str) -> bool:
        """Level-1 dedup: an article with this id or this canonical URL was processed before (url ""
        matches by id only)."""
        if not url:
            return self._one("SELECT 1 FROM articles WHERE id = %s", (article_id,)) is not None
        row = self._one(
            "SELECT 1 FROM articles WHERE id = %s UNION ALL SELECT 1 FROM articles WHERE url = %s LIMIT 1",
            (article_id, url),
        )
        return row is not None

    def title_seen(self, norm_title: str, outlet: str, since: datetime, until: datetime) -> bool:
        """Level-1 dedup: the outlet published this (normalised) title between since and until."""
        row = self._one(
            "SELECT 1 FROM articles WHERE norm_title = %s AND outlet = %s AND published BETWEEN %s AND %s LIMIT 1",
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
        self._defer(
            """INSERT INTO articles (id, url, title, norm_title, feed, outlet, published, seen_at,
                                     fingerprint, fp0, fp1, fp2, fp3, lang)
               VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO NOTHING""",
            (article.id, article.url, article.title, norm_title, article.feed, article.outlet,
             ts_req(article.published), ts_req(seen_at or datetime.now(UTC)), fp, *fp_bands, article.lang),
        )

    def near_duplicates(
        self, fingerprint: int, since: datetime, until: datetime, max_distance: int
    ) -> list[tuple[str, str, int]]:
        """Level-2 dedup: (article id, outlet, distance) of articles published between since and until
        whose fingerprint is within max_distance bits, nearest (then earliest) first."""
        lo, hi = ts_req(since), ts_req(until)
        parts = []
        params: list[Any] = []
        for i, band in enumerate(bands(fingerprint)):
            # = ANY(array): one parameter per band however many probes, and still an index scan
            parts.append(
                f"SELECT id, outlet, fingerprint, published FROM articles "
                f"WHERE fp{i} = ANY(%s) AND published BETWEEN %s AND %s"
            )
            params += [list(probes(band)), lo, hi]
        found = []
        for article_id, outlet, fp, published in self._all(" UNION ".join(parts), params):
            distance = hamming(fingerprint, from_signed(fp))
            if distance <= max_distance:
                found.append((distance, published, article_id, outlet))
        found.sort()
        return [(a, o, d) for d, _, a, o in found]

    def article_stories(self, article_id: str) -> list[tuple[str, str]]:
        """(speaker_id, story_id) of the stories the article is a source of, oldest link first."""
        return [
            (r[0], r[1])
            for r in self._all(
                """SELECT st.speaker_id, ss.story_id FROM story_sources ss JOIN stories st ON st.id = ss.story_id
                   WHERE ss.article_id = %s ORDER BY ss.added_at, ss.story_id""",
                (article_id,),
            )
        ]
