"""Article queries on PostgreSQL: watchers.store.common.articles, a band matched with one array
parameter (= ANY: one parameter however many probes, still an index scan), and dedup's reads sent ahead
in one round trip (prefetch_dedup)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from watchers.model import Article
from watchers.store.common.articles import ArticleQueries as SharedArticleQueries
from watchers.store.common.articles import exists, near_found, seen_read, title_read
from watchers.store.common.connection import Params
from watchers.store.common.stories import candidate_rows
from watchers.store.postgres.connection import Connection
from watchers.store.postgres.stories import candidates_read


class ArticleQueries(SharedArticleQueries, Connection):
    def _band_match(self, column: str, values: Sequence[int]) -> tuple[str, Params]:
        return f"{column} = ANY(?)", [list(values)]

    def prefetch_dedup(
        self, article: Article, norm_title: str, fingerprint: int | None, since: datetime, until: datetime,
        max_distance: int, texts: Mapping[str, Sequence[str]], *, keys: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        """Inside a transaction: the reads dedup is about to make for this article (seen, title seen,
        near duplicates, each speaker's candidates), sent in one round trip instead of one each. The
        calls that follow with the same arguments are answered from them, once each; a write that
        changes what one read (add_article, add_statements) drops it. Outside a transaction: nothing."""
        reads: list[tuple[tuple[Any, ...], str, Params, Callable[[list[Any]], Any]]] = [
            (("article_seen", article.id, article.url), *seen_read(article.id, article.url), exists),
            (("title_seen", norm_title, article.outlet, since, until),
             *title_read(norm_title, article.outlet, since, until), exists),
        ]
        if fingerprint is not None:
            fp = fingerprint
            reads.append((("near_duplicates", fp, since, until, max_distance), *self._near_read(fp, since, until),
                          lambda rows: near_found(fp, max_distance, rows)))
        for speaker_id, speaker_texts in texts.items():
            read = candidates_read(speaker_id, speaker_texts, since, until, None if keys is None else keys.get(speaker_id))
            if read is not None:
                reads.append((("story_candidates", speaker_id, tuple(speaker_texts), since, until), *read,
                              candidate_rows))
        self._read_ahead(reads)
