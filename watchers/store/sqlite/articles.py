"""Article queries on SQLite: watchers.store.common.articles, a band matched with an IN list, and
nothing to read ahead."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from watchers.model import Article
from watchers.store.common.articles import ArticleQueries as SharedArticleQueries
from watchers.store.common.connection import Params
from watchers.store.sqlite.connection import Connection


class ArticleQueries(SharedArticleQueries, Connection):
    def _band_match(self, column: str, values: Sequence[int]) -> tuple[str, Params]:
        return f"{column} IN ({', '.join('?' * len(values))})", values

    def prefetch_dedup(
        self, article: Article, norm_title: str, fingerprint: int | None, since: datetime, until: datetime,
        max_distance: int, texts: Mapping[str, Sequence[str]], *, keys: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        """Nothing on SQLite: its reads are calls into this process, with no round trip to save."""
