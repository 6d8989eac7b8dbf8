"""Errors are per item, never per feed; and a feed's charset is found by evidence, not by the header alone.

One unreadable entry (a date Python cannot represent, a link it cannot split, a 5,000-digit number) is
dropped or read without its bad field, with one log line naming the feed and the entry, and the feed's
other entries are still read. A wrong charset header never loses a feed whose bytes say otherwise.
"""

from __future__ import annotations

import gzip
import logging
from datetime import UTC, datetime

import pytest
from feedserver import FeedServer

from rules.model import Feed
from watchers.feeds import charset
from watchers.feeds.errors import NotAFeed, ParseError
from watchers.feeds.fetch import Fetcher
from watchers.feeds.limits import MAX_ARTICLE_TEXT, MAX_ENTRY_CHARS, MAX_ITEMS_PER_FEED, cap_text
from watchers.feeds.parse import parse_feed

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
FEED = Feed(id="ridge", url="https://ridgepost.test/feed", name="Ridge Post")
GOOD_ITEM = '{"id": "good-1", "url": "https://ridgepost.test/a/1", "title": "Ferry timetable", "content_text": "Boats run hourly."}'


def json_feed(*items: str) -> bytes:
    head = '{"version": "https://jsonfeed.org/version/1.1", "title": "Ridge Post", "items": ['
    return (head + ", ".join(items) + "]}").encode()


def parse_json(body: bytes) -> list[str]:
    parsed = parse_feed(body, {"content-type": "application/feed+json"}, FEED, NOW)
    return [a.id for a in parsed.articles]


def rss(*items: str, declaration: str = "") -> str:
    return f'{declaration}<rss version="2.0"><channel><title>Ridge Post</title>{"".join(items)}</channel></rss>'


def item(guid: str, title: str = "Ferry timetable", link: str = "", extra: str = "") -> str:
    link_tag = f"<link>{link}</link>" if link else ""
    return f"<item><guid>{guid}</guid><title>{title}</title>{link_tag}<description>Boats run hourly.</description>{extra}</item>"


def test_a_json_date_before_year_one_in_utc_leaves_the_item_undated_and_the_feed_read() -> None:
    bad = '{"id": "bad-1", "title": "Old", "content_text": "x", "date_published": "0001-01-01T00:00:00+01:00"}'
    parsed = parse_feed(json_feed(bad, GOOD_ITEM), {"content-type": "application/feed+json"}, FEED, NOW)
    assert [a.id for a in parsed.articles] == ["ridgepost.test:bad-1", "ridgepost.test:good-1"]
    assert not parsed.articles[0].dated


def test_a_5000_digit_integer_does_not_cost_the_feed() -> None:
    bad = '{"id": ' + "9" * 5000 + ', "title": "Big", "content_text": "x"}'
    ids = parse_json(json_feed(bad, GOOD_ITEM))
    assert "ridgepost.test:good-1" in ids and len(ids) == 2


def test_a_json_item_that_raises_is_dropped_with_one_line_naming_feed_and_entry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad = '{"id": "bad-2", "url": "http://[unclosed/x", "title": "Broken link", "content_text": "x"}'
    with caplog.at_level(logging.WARNING, logger="watchers.feeds.parse"):
        ids = parse_json(json_feed(bad, GOOD_ITEM))
    assert ids == ["ridgepost.test:good-1"]
    [record] = [r for r in caplog.records if "dropped" in r.getMessage()]
    assert "ridge" in record.getMessage() and "bad-2" in record.getMessage()
    assert "\n" not in record.getMessage() and record.exc_info is None


def test_json_nested_too_deeply_is_a_clean_parse_error_of_that_feed() -> None:
    deep = '{"id": "deep", "x": ' + "[" * 100_000 + "]" * 100_000 + "}"
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_json(json_feed(deep, GOOD_ITEM))


def test_an_rss_item_with_an_unsplittable_link_is_dropped_and_the_rest_read(caplog: pytest.LogCaptureFixture) -> None:
    body = rss(item("bad-3", link="http://[unclosed/x"), item("good-2", link="https://ridgepost.test/a/2"))
    for fast in (True, False):
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="watchers.feeds.parse"):
            parsed = parse_feed(body.encode(), {}, FEED, NOW, fast=fast)
        assert [a.id for a in parsed.articles] == ["ridgepost.test:good-2"], fast
        [record] = [r for r in caplog.records if "dropped" in r.getMessage()]
        assert "bad-3" in record.getMessage() and "ridge" in record.getMessage()


def test_a_5000_digit_ttl_is_ignored() -> None:
    body = rss(f"<ttl>{'9' * 5000}</ttl>", item("good-3"))
    parsed = parse_feed(body.encode(), {}, FEED, NOW)
    assert parsed.ttl is None and [a.id for a in parsed.articles] == ["ridgepost.test:good-3"]


def test_items_past_the_cap_are_left_out_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    body = rss(*(item(f"n{i}") for i in range(MAX_ITEMS_PER_FEED + 5)))
    with caplog.at_level(logging.WARNING, logger="watchers.feeds.parse"):
        parsed = parse_feed(body.encode(), {}, FEED, NOW)
    assert len(parsed.articles) == MAX_ITEMS_PER_FEED
    assert parsed.articles[-1].id == f"ridgepost.test:n{MAX_ITEMS_PER_FEED - 1}"  # the first ones, in order
    assert any("MAX_ITEMS_PER_FEED" in r.getMessage() for r in caplog.records)


def test_an_oversized_entry_is_read_up_to_the_caps_and_reported(caplog: pytest.LogCaptureFixture) -> None:
    paragraph = "<p>" + "The harbour board met again on Tuesday evening. " * 20 + "</p>"
    body_html = paragraph * (MAX_ENTRY_CHARS // len(paragraph) + 10)
    body = rss(item("huge", extra=f"<content:encoded><![CDATA[{body_html}]]></content:encoded>"))
    body = body.replace("<rss ", '<rss xmlns:content="http://purl.org/rss/1.0/modules/content/" ')
    with caplog.at_level(logging.WARNING, logger="watchers.feeds.parse"):
        [article] = parse_feed(body.encode(), {}, FEED, NOW).articles
    assert 0 < len(article.text) <= MAX_ARTICLE_TEXT
    assert article.text.startswith("The harbour board met again")
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "MAX_ENTRY_CHARS" in messages and "MAX_ARTICLE_TEXT" in messages and "huge" in messages


def test_cap_text_cuts_at_a_paragraph_break_near_the_limit() -> None:
    text = "\n\n".join(["word " * 30] * 10)
    cut, was_cut = cap_text(text, 1000)
    assert was_cut and len(cut) <= 1000 and text.startswith(cut) and not cut.endswith(" ")
    assert cap_text("short", 1000) == ("short", False)


# ---------------------------------------------------------------------------------------------------
# Charset by evidence

CAFE = rss(item("cafe", title="Caf\u00e9 \u201cqueues\u201d"))


@pytest.mark.parametrize(
    ("body", "content_type", "encoding"),
    [
        (CAFE.encode("utf-8"), "application/rss+xml; charset=utf-16", "utf-8"),  # header lies
        (CAFE.encode("utf-8"), "application/rss+xml; charset=utf-32", "utf-8"),
        (b'<?xml version="1.0" encoding="windows-1252"?>' + CAFE.encode("cp1252"),
         "text/xml; charset=utf-8", "cp1252"),  # the declaration beats a header that does not decode
        (CAFE.encode("utf-16"), "application/rss+xml", "utf-16-le"),  # BOM
        (CAFE.encode("utf-16-be"), "application/rss+xml; charset=utf-16be", "utf-16-be"),  # header decodes
        (CAFE.encode("cp1252"), "application/rss+xml; charset=rot13", "cp1252"),  # not a text codec: a guess
        ("\ufeff".encode() + CAFE.encode("utf-8"), "application/rss+xml; charset=iso-8859-1", "utf-8"),
    ],
)
def test_charset_is_found_by_evidence(body: bytes, content_type: str, encoding: str) -> None:
    assert charset.decode(body, content_type)[1] == encoding
    parsed = parse_feed(body, {"content-type": content_type}, FEED, NOW)
    assert [a.title for a in parsed.articles] == ["Caf\u00e9 \u201cqueues\u201d"]


async def test_a_feed_served_as_utf16_but_written_in_utf8_is_read_end_to_end(feed_server: FeedServer) -> None:
    body = CAFE.encode("utf-8")
    assert len(body) % 2 == 0 or (body := body + b" ")  # an even length decodes as UTF-16 without error
    feed_server.serve("/cafe", body, content_type="application/rss+xml; charset=utf-16")
    feed = Feed(id="cafe", url=feed_server.url("/cafe"), name="Cafe", allow_private=True)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch_feed(feed)
    assert result.content is not None
    parsed = parse_feed(result.content, result.headers, feed, NOW, base_url=result.url)
    assert [a.title for a in parsed.articles] == ["Caf\u00e9 \u201cqueues\u201d"]


# ---------------------------------------------------------------------------------------------------
# gzip members

async def test_5000_empty_gzip_members_are_a_clean_error_not_a_crash(feed_server: FeedServer) -> None:
    feed_server.serve("/empty", gzip.compress(b"") * 5000, headers={"Content-Encoding": "gzip"})
    feed = Feed(id="gz", url=feed_server.url("/empty"), name="Gz", allow_private=True)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch_feed(feed)
    assert result.content == b""
    with pytest.raises(NotAFeed, match="empty body"):
        parse_feed(result.content, result.headers, feed, NOW)


async def test_a_feed_after_5000_empty_gzip_members_is_read(feed_server: FeedServer) -> None:
    body = CAFE.encode()
    feed_server.serve("/late", gzip.compress(b"") * 5000 + gzip.compress(body), headers={"Content-Encoding": "gzip"})
    feed = Feed(id="gz", url=feed_server.url("/late"), name="Gz", allow_private=True)
    async with Fetcher() as fetcher:
        result = await fetcher.fetch_feed(feed)
    assert result.content == body


@pytest.mark.parametrize("where", ["xml", "entry html"])
def test_deep_nesting_in_one_item_costs_nothing_else(where: str) -> None:
    depth = 5_000  # past lxml's default depth limit and Python's recursion limit
    if where == "xml":
        extra = '<x:n xmlns:x="https://ext.test/">' * depth + "</x:n>" * depth
    else:
        extra = "<description><![CDATA[" + "<div>" * depth + "deep" + "</div>" * depth + "]]></description>"
    body = rss(item("deep-1", extra=extra) if where == "xml" else item("deep-1").replace(
        "<description>Boats run hourly.</description>", extra), item("good-4"))
    ids = [a.id for a in parse_feed(body.encode(), {}, FEED, NOW).articles]
    assert ids == ["ridgepost.test:deep-1", "ridgepost.test:good-4"]
