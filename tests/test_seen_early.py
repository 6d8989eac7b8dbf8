"""An article already in the history costs one lookup and nothing else: no page fetched, no extraction
(the pipeline asks the store before either), on both backends, so a feed's old items cost no work on
any worker of a fleet."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import watchers.pipeline as pipeline_module
from rules.model import Feed, Rules, Speaker
from watchers.feeds.errors import FetchError
from watchers.feeds.fetch import FetchResult
from watchers.model import Alert, Article, FeedState
from watchers.pipeline import Pipeline, open_store

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
FEED = Feed(id="herald", url="https://herald.example/rss", name="Herald", full_text=True)
RULES = Rules(feeds=(FEED,), speakers=(Speaker(id="orsk", name="Pell Orsk"),))


class PageFetcher:
    """Records the pages asked for; every page is away (the feed's own text is kept)."""

    def __init__(self) -> None:
        self.pages: list[str] = []

    async def fetch_page(self, url: str, allow_private: bool = False) -> FetchResult:
        self.pages.append(url)
        raise FetchError(f"{url}: connection refused", url)


def item(n: int, url: str | None = None) -> Article:
    return Article(id=f"h{n}", url=url or f"https://herald.example/{n}", title=f"Harbour report {n}",
                   text="The harbour master spoke about the new quay.", feed="herald", outlet="Herald", published=NOW)


async def no_sink(alert: Alert) -> None:
    pass


async def test_a_seen_article_is_neither_fetched_nor_extracted(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    extracted: list[str] = []
    analyse = pipeline_module.analyse_article

    def counting(article: Article, matcher: object) -> object:
        extracted.append(article.id)
        return analyse(article, matcher)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module, "analyse_article", counting)
    store = open_store(db_url)
    try:
        fetcher = PageFetcher()
        pipeline = Pipeline(RULES, store, fetcher, no_sink, now=lambda: NOW)  # type: ignore[arg-type]
        state = FeedState(feed_id=FEED.id, url=FEED.url, polled_ok_once=True)
        store.store.add_article(item(1), None)  # recorded by an earlier poll (or another worker)
        store.store.add_article(item(2, "https://herald.example/canonical"), None)
        # seen by id; seen by URL under another id (the same story through another feed)
        assert await pipeline.process_article(item(1), FEED, state, NOW) is None
        assert await pipeline.process_article(item(3, "https://herald.example/canonical"), FEED, state, NOW) is None
        assert fetcher.pages == [] and extracted == []
        # an unseen one goes the whole way: its page asked for, its text extracted
        assert await pipeline.process_article(item(4), FEED, state, NOW) == []
        assert fetcher.pages == ["https://herald.example/4"] and extracted == ["h4"]
    finally:
        await store.close()
