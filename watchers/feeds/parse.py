"""Feed bytes -> ParsedFeed (title, ttl, Articles). Pure: no network, no clock (`now` is passed in).

    parse_feed(bytes, headers, feed, now)
      ├── JSON Feed (content type, or a body starting with "{")  -> jsonfeed.parse_json_feed
      └── RSS 0.9x/1.0/2.0, Atom 0.3/1.0                         -> feedparser.parse(bytes, ...)
      -> each entry: id, canonical URL, title, published, author, clean text -> Article

Article ids: the guid when it is an absolute URL or URN; a plain guid ("12345") with the feed's host in
front (see scoped_guid); else the canonical link; else a hash of the entry. Items with no plausible date
get the first-seen time as `published` and `dated=False` (the pipeline treats them as backfill on a
feed's first poll).

feedparser only ever sees bytes and the response headers, never a URL: fetching is watchers.feeds.fetch's job,
with its limits and SSRF guard. Its HTML sanitizer and relative-URI rewriting are turned off because we
turn entry HTML into plain text ourselves (text.html_fragment_to_text), which drops scripts and markup
anyway; that is most of feedparser's time on content-heavy feeds (see bench/bench_parse.py). Entry links
are still resolved: feedparser applies xml:base to link elements, and urls.resolve makes whatever is
still relative absolute against the feed document's URL (and does JSON Feed links). Known feedparser
quirk: with no base for the document itself, an entry's own xml:base stays in force for later sibling
entries that have none; feeds put xml:base on the root element in practice, where this cannot happen.

A malformed feed that still yields entries ("bozo") is read as far as it goes; the reason is returned in
`ParsedFeed.bozo` for logging. Only a body with no entries that feedparser cannot even recognise as a
feed raises NotAFeed. One exception: when the body ends inside an entry (a truncated response), that last
entry is dropped and `ParsedFeed.truncated` is set. feedparser would return it with whatever it had read
(often an empty text); recorded as seen, it would never be read again, and its statement would be lost.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import feedparser

from rules.model import Feed
from watchers.feeds.errors import NotAFeed
from watchers.feeds.jsonfeed import looks_like_json_feed, parse_json_feed
from watchers.feeds.text import html_fragment_to_text, plain_text_paragraphs
from watchers.feeds.urls import canonical_url, resolve
from watchers.model import Article

# The headers feedparser uses with bytes: charset (content-type) and language. Not Content-Location: given
# a base URI, feedparser also "resolves" RSS guids ("abc-123" -> "https://site/abc-123"), which would change
# article ids. Relative links are resolved by urls.resolve instead.
FEEDPARSER_HEADERS = ("content-type", "content-language")
# A published date before the web had news feeds, or more than a day ahead of our clock, is a
# publisher's bug (epoch zero, a wrong year, a local time labelled UTC): use the first-seen time instead.
EARLIEST_PLAUSIBLE = datetime(1995, 1, 1, tzinfo=UTC)
FUTURE_TOLERANCE = timedelta(days=1)
# RSS <ttl> is in minutes.
TTL_UNIT = 60
# An entry element's start and end tags (RSS/RDF <item>, Atom <entry>, with or without a namespace
# prefix), to tell whether a malformed body ends inside its last entry.
_ENTRY_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
# A guid that is an absolute URL ("https://...", "file:///...") or a URN / tag URI is globally unique.
_ABSOLUTE_ID = re.compile(r"(?:[a-z][a-z0-9+.-]*://|urn:|tag:)", re.IGNORECASE)
# Only the tail of the body is searched for the last entry's start: entries are far smaller than this.
TAIL_BYTES = 1 << 20


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    ttl: int | None  # seconds the publisher asks us to wait between polls (RSS <ttl>), or None
    articles: tuple[Article, ...]
    bozo: str | None  # why the feed is malformed, when it is (its entries are still returned)
    truncated: bool = False  # the body ended inside an entry; that entry was left out (read it next time)


def parse_feed(
    content: bytes,
    headers: Mapping[str, str],
    feed: Feed,
    now: datetime,
    *,
    base_url: str | None = None,
) -> ParsedFeed:
    """Read a feed document; `headers` lowercased, `base_url` the URL it was fetched from (default feed.url)."""
    base = base_url or feed.url
    if looks_like_json_feed(content, headers.get("content-type")):
        return _parse_json(content, feed, now, base)
    return _parse_xml(content, headers, feed, now, base)


def _parse_xml(
    content: bytes, headers: Mapping[str, str], feed: Feed, now: datetime, base: str
) -> ParsedFeed:
    response_headers = {k: headers[k] for k in FEEDPARSER_HEADERS if k in headers}
    doc = feedparser.parse(
        content, response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False
    )
    bozo = str(doc.get("bozo_exception") or "malformed feed") if doc.get("bozo") else None
    if not doc.entries and not doc.get("version"):
        raise NotAFeed(_not_a_feed_message(content, bozo), feed.url)
    info = doc.feed
    title = _one_line(_detail_text(info.get("title_detail"), info.get("title")))
    entries = list(doc.entries)
    truncated = bool(bozo) and bool(entries) and ends_inside_entry(content)
    if truncated:
        entries.pop()  # document order: the last entry is the one the body ended in
    articles: dict[str, Article] = {}
    for entry in entries:
        article = _entry_article(entry, feed, now, base)
        articles.setdefault(article.id, article)  # a feed listing an item twice: keep the first
    return ParsedFeed(
        title=title or None,
        ttl=_ttl(info.get("ttl")),
        articles=tuple(articles.values()),
        bozo=bozo,
        truncated=truncated,
    )


def ends_inside_entry(content: bytes) -> bool:
    """True when the body's last entry start tag has no end tag after it: the body was cut off there."""
    tail_start = max(len(content) - TAIL_BYTES, 0)
    tail = content[tail_start:]
    last = None
    for match in _ENTRY_START.finditer(tail):
        last = match
    if last is None:
        return False
    if tail[last.end() - 1 : last.end()] == b"/" and tail[last.end() : last.end() + 1] == b">":
        return False  # <item/>: empty, and complete
    return _ENTRY_END.search(tail, last.end()) is None


def _parse_json(content: bytes, feed: Feed, now: datetime, base: str) -> ParsedFeed:
    doc = parse_json_feed(content)
    articles: dict[str, Article] = {}
    for item in doc.items:
        if item.content_html:
            text = html_fragment_to_text(item.content_html)
        elif item.content_text:
            text = plain_text_paragraphs(item.content_text)
        else:
            text = plain_text_paragraphs(item.summary or "")
        raw_date = item.published.isoformat() if item.published else ""
        article = _make_article(
            feed,
            now,
            guid=item.id,
            link=resolve(item.url, base) if item.url else None,
            title=_one_line(html_fragment_to_text(item.title or "")),
            text=text,
            published=item.published,
            raw_date=raw_date,
            author=item.author,
        )
        articles.setdefault(article.id, article)
    return ParsedFeed(title=doc.title, ttl=None, articles=tuple(articles.values()), bozo=None)


def _not_a_feed_message(content: bytes, bozo: str | None) -> str:
    head = content[:512].lstrip().lower()
    if not head:
        return "the server sent an empty body instead of a feed; check the feed URL"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return (
            "this URL is an HTML page, not a feed; open it in a browser and use its RSS or Atom link "
            '(<link rel="alternate" type="application/rss+xml">) as the feed URL'
        )
    why = f" ({bozo})" if bozo else ""
    return f"not an RSS, Atom or JSON feed{why}; check the feed URL in a browser"


def _entry_article(entry: Any, feed: Feed, now: datetime, base: str) -> Article:
    link = entry.get("link") or next(
        (ln.get("href") for ln in entry.get("links", []) if ln.get("rel", "alternate") == "alternate"), None
    )
    parsed_date = entry.get("published_parsed") or entry.get("updated_parsed")
    return _make_article(
        feed,
        now,
        guid=(entry.get("id") or "").strip() or None,
        link=resolve(link, base) if link else None,
        title=_one_line(_detail_text(entry.get("title_detail"), entry.get("title"))),
        text=_entry_text(entry),
        published=_struct_to_datetime(parsed_date),
        raw_date=entry.get("published") or entry.get("updated") or "",
        author=_one_line(entry.get("author") or "") or None,
    )


def _make_article(
    feed: Feed,
    now: datetime,
    *,
    guid: str | None,
    link: str | None,
    title: str,
    text: str,
    published: datetime | None,
    raw_date: str,
    author: str | None,
) -> Article:
    url = canonical_url(link) if link else ""
    # The id is the same whichever feed carries the article (the store dedups on it): the publisher's
    # guid, else the canonical link, else a hash of what the entry says about itself.
    article_id = (
        scoped_guid(guid, feed)
        if guid
        else url or "sha1:" + hashlib.sha1(f"{title}\n{raw_date}\n{text}".encode()).hexdigest()
    )
    plausible = _plausible(published, now)
    return Article(
        id=article_id,
        url=url,
        title=title,
        text=text,
        feed=feed.id,
        outlet=feed.name,
        published=plausible or now.astimezone(UTC),
        author=author,
        dated=plausible is not None,
    )


def scoped_guid(guid: str, feed: Feed) -> str:
    """A guid as an article id: an absolute URL or URN is unique by itself and is kept (so one article
    carried by two feeds has one id); anything else ("12345") is only unique within its publisher, and
    gets the feed's host in front ("ledger.example:12345") so two outlets' item 12345 never collide."""
    if _ABSOLUTE_ID.match(guid):
        return guid
    host = urlsplit(feed.url).hostname or feed.id  # a feed read from a file has no host
    return f"{host}:{guid}"


def _entry_text(entry: Any) -> str:
    """The fullest body the entry has: content:encoded / Atom content, else the summary."""
    best = ""
    for content in entry.get("content") or []:
        text = _detail_text(content, content.get("value"))
        if len(text) > len(best):
            best = text
    if not best:
        best = _detail_text(entry.get("summary_detail"), entry.get("summary"))
    return best


def _detail_text(detail: Any, value: Any) -> str:
    """feedparser text construct -> clean text; HTML unless it says plain text."""
    if not isinstance(value, str) or not value:
        return ""
    kind = (detail or {}).get("type") or "text/html"
    if kind == "text/plain":
        return plain_text_paragraphs(value)
    return html_fragment_to_text(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:  # feedparser's struct_time is UTC
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, OSError):
        return None


def _plausible(published: datetime | None, now: datetime) -> datetime | None:
    """The date in UTC, or None when there is none or it cannot be right (see EARLIEST_PLAUSIBLE)."""
    if published is None or published < EARLIEST_PLAUSIBLE or published > now + FUTURE_TOLERANCE:
        return None
    return published.astimezone(UTC)


def _ttl(value: Any) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes * TTL_UNIT if minutes > 0 else None
