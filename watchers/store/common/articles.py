"""Article queries, for both backends: every article ever processed, and the level-1 and level-2
lookups of dedup.

Level 1 (same article): by id, canonical URL, or normalised title from one outlet in the window. Level 2
(same text): the articles whose fingerprint is within a few bits, found through the band columns
(watchers.store.bands) with index range scans, so the cost follows the window, not the history. How a
band is matched against its probes is each backend's (`_band_match`: SQLite an IN list, PostgreSQL one
array parameter).

The reads are also built as (sql, params) so that a server backend can send them ahead, together
(prefetch_dedup: watchers.store.postgres.articles); a call then takes its answer if one was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, cast

from watchers.model import Article
from watchers.statements.similarity import normalise
from watchers.store.bands import BANDS, bands, from_signed, hamming, probes, to_signed
from watchers.store.columns import ts_req
from watchers.store.common.connection import MISSING, Params, SqlConnection


def seen_read(article_id: str, url: str) -> tuple[str, Params]:
    """article_seen's query. url "" (a feed item without a link) matches by id only: every link-less
    article has that url."""
    if not url:
        return "SELECT 1 FROM articles WHERE id = ?", (article_id,)
    return ("SELECT 1 FROM articles WHERE id = ? UNION ALL SELECT 1 FROM articles WHERE url = ? LIMIT 1",
            (article_id, url))


def title_read(norm_title: str, outlet: str, since: datetime, until: datetime) -> tuple[str, Params]:
    return ("SELECT 1 FROM articles WHERE norm_title = ? AND outlet = ? AND published BETWEEN ? AND ? LIMIT 1",
            (norm_title, outlet, ts_req(since), ts_req(until)))


def near_found(fingerprint: int, max_distance: int, rows: list[Any]) -> list[tuple[str, str, int]]:
    """near_duplicates' answer from its rows: those within max_distance, nearest then earliest first."""
    found = []
    for article_id, outlet, fp, published in rows:
        distance = hamming(fingerprint, from_signed(fp))
        if distance <= max_distance:
            found.append((distance, published, article_id, outlet))
    found.sort()
    return [(a, o, d) for d, _, a, o in found]


def exists(rows: list[Any]) -> bool:
    return bool(rows)


class ArticleQueries(SqlConnection):
    def _band_match(self, column: str, values: Sequence[int]) -> tuple[str, Params]:
        """`column` is one of values: SQL and its parameters (each backend's)."""
        raise NotImplementedError

    def article_seen(self, article_id: str, url: str) -> bool:
        """Level-1 dedup: an article with this id or this canonical URL was processed before (url ""
        matches by id only)."""
        answer = self._prefetched_answer(("article_seen", article_id, url))
        if answer is not MISSING:
            return bool(answer)
        return self._one(*seen_read(article_id, url)) is not None

    def title_seen(self, norm_title: str, outlet: str, since: datetime, until: datetime) -> bool:
        """Level-1 dedup: the outlet published this (normalised) title between since and until."""
        answer = self._prefetched_answer(("title_seen", norm_title, outlet, since, until))
        if answer is not MISSING:
            return bool(answer)
        return self._one(*title_read(norm_title, outlet, since, until)) is not None

    def add_article(
        self, article: Article, fingerprint: int | None, *, norm_title: str | None = None,
        seen_at: datetime | None = None,
    ) -> None:
        """Record an article as seen (no-op if its id is known). fingerprint: unsigned 64-bit or None."""
        if norm_title is None:
            norm_title = normalise(article.title)
        fp = None if fingerprint is None else to_signed(fingerprint)
        fp_bands: Sequence[int | None] = (None,) * BANDS if fingerprint is None else bands(fingerprint)
        for method in ("article_seen", "title_seen", "near_duplicates"):
            self.forget_prefetched(method)
        self._defer(
            """INSERT INTO articles (id, url, title, norm_title, feed, outlet, published, seen_at,
                                     fingerprint, fp0, fp1, fp2, fp3, lang)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING""",
            (article.id, article.url, article.title, norm_title, article.feed, article.outlet,
             ts_req(article.published), ts_req(seen_at or datetime.now(UTC)), fp, *fp_bands, article.lang),
        )

    def _near_read(self, fingerprint: int, since: datetime, until: datetime) -> tuple[str, Params]:
        """near_duplicates' query: candidates share a band, give or take one bit (watchers.store.bands.
        probes): index range scans on (band, published)."""
        lo, hi = ts_req(since), ts_req(until)
        parts = []
        params: list[Any] = []
        for i, band in enumerate(bands(fingerprint)):
            match, values = self._band_match(f"fp{i}", probes(band))
            parts.append(f"SELECT id, outlet, fingerprint, published FROM articles "
                         f"WHERE {match} AND published BETWEEN ? AND ?")
            params += [*values, lo, hi]
        return " UNION ".join(parts), params

    def near_duplicates(
        self, fingerprint: int, since: datetime, until: datetime, max_distance: int
    ) -> list[tuple[str, str, int]]:
        """Level-2 dedup: (article id, outlet, distance) of articles published between since and until
        whose fingerprint is within max_distance bits, nearest (then earliest) first. The cost follows
        the window's band collisions, not the history."""
        answer = self._prefetched_answer(("near_duplicates", fingerprint, since, until, max_distance))
        if answer is not MISSING:
            return cast(list[tuple[str, str, int]], answer)
        return near_found(fingerprint, max_distance, self._all(*self._near_read(fingerprint, since, until)))

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
