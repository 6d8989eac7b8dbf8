"""Article queries on PostgreSQL: the twin of watchers.store.sqlite.articles (level-1 and level-2 dedup
lookups), with the same SQL but for the placeholders: the band columns (watchers.store.bands) make a
near-duplicate probe a few B-tree range scans whatever the history's length."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from watchers.model import Article
from watchers.statements.similarity import normalise
from watchers.store.bands import BANDS, bands, from_signed, hamming, probes, to_signed
from watchers.store.columns import ts_req
from watchers.store.postgres.connection import MISSING, Connection, Params
from watchers.store.postgres.stories import candidate_rows, candidates_read


def _seen_read(article_id: str, url: str) -> tuple[str, Params]:
    if not url:
        return "SELECT 1 FROM articles WHERE id = ?", (article_id,)
    return ("SELECT 1 FROM articles WHERE id = ? UNION ALL SELECT 1 FROM articles WHERE url = ? LIMIT 1",
            (article_id, url))


def _title_read(norm_title: str, outlet: str, since: datetime, until: datetime) -> tuple[str, Params]:
    return ("SELECT 1 FROM articles WHERE norm_title = ? AND outlet = ? AND published BETWEEN ? AND ? LIMIT 1",
            (norm_title, outlet, ts_req(since), ts_req(until)))


def _near_read(fingerprint: int, since: datetime, until: datetime) -> tuple[str, Params]:
    lo, hi = ts_req(since), ts_req(until)
    parts = []
    params: list[Any] = []
    for i, band in enumerate(bands(fingerprint)):
        # = ANY(array): one parameter per band however many probes, and still an index scan
        parts.append(
            f"SELECT id, outlet, fingerprint, published FROM articles "
            f"WHERE fp{i} = ANY(?) AND published BETWEEN ? AND ?"
        )
        params += [list(probes(band)), lo, hi]
    return " UNION ".join(parts), params


def _near_found(fingerprint: int, max_distance: int, rows: list[Any]) -> list[tuple[str, str, int]]:
    found = []
    for article_id, outlet, fp, published in rows:
        distance = hamming(fingerprint, from_signed(fp))
        if distance <= max_distance:
            found.append((distance, published, article_id, outlet))
    found.sort()
    return [(a, o, d) for d, _, a, o in found]


def _exists(rows: list[Any]) -> bool:
    return bool(rows)


class ArticleQueries(Connection):
    def article_seen(self, article_id: str, url: str) -> bool:
        """Level-1 dedup: an article with this id or this canonical URL was processed before (url ""
        matches by id only)."""
        answer = self._prefetched_answer(("article_seen", article_id, url))
        if answer is not MISSING:
            return bool(answer)
        return self._one(*_seen_read(article_id, url)) is not None

    def title_seen(self, norm_title: str, outlet: str, since: datetime, until: datetime) -> bool:
        """Level-1 dedup: the outlet published this (normalised) title between since and until."""
        answer = self._prefetched_answer(("title_seen", norm_title, outlet, since, until))
        if answer is not MISSING:
            return bool(answer)
        return self._one(*_title_read(norm_title, outlet, since, until)) is not None

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

    def near_duplicates(
        self, fingerprint: int, since: datetime, until: datetime, max_distance: int
    ) -> list[tuple[str, str, int]]:
        """Level-2 dedup: (article id, outlet, distance) of articles published between since and until
        whose fingerprint is within max_distance bits, nearest (then earliest) first."""
        answer = self._prefetched_answer(("near_duplicates", fingerprint, since, until, max_distance))
        if answer is not MISSING:
            return cast(list[tuple[str, str, int]], answer)
        return _near_found(fingerprint, max_distance, self._all(*_near_read(fingerprint, since, until)))

    def prefetch_dedup(
        self, article: Article, norm_title: str, fingerprint: int | None, since: datetime, until: datetime,
        max_distance: int, texts: Mapping[str, Sequence[str]],
    ) -> None:
        """Inside a transaction: the reads dedup is about to make for this article (seen, title seen,
        near duplicates, each speaker's candidates), sent in one round trip instead of one each. The
        calls that follow with the same arguments are answered from them, once each; a write that
        changes what one read (add_article, add_statements) drops it. Outside a transaction: nothing."""
        reads: list[tuple[tuple[Any, ...], str, Params, Callable[[list[Any]], Any]]] = [
            (("article_seen", article.id, article.url), *_seen_read(article.id, article.url), _exists),
            (("title_seen", norm_title, article.outlet, since, until),
             *_title_read(norm_title, article.outlet, since, until), _exists),
        ]
        if fingerprint is not None:
            fp = fingerprint
            reads.append((("near_duplicates", fp, since, until, max_distance), *_near_read(fp, since, until),
                          lambda rows: _near_found(fp, max_distance, rows)))
        for speaker_id, speaker_texts in texts.items():
            read = candidates_read(speaker_id, speaker_texts, since, until)
            if read is not None:
                reads.append((("story_candidates", speaker_id, tuple(speaker_texts), since, until), *read,
                              candidate_rows))
        self._read_ahead(reads)

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
