"""Feed bytes -> ParsedFeed (title, ttl, Articles). Pure: no network, no clock (`now` is passed in).

    parse_feed(bytes, headers, feed, now)
      ├── JSON Feed (content type, or a body starting with "{")  -> jsonfeed.parse_json_feed
      └── XML: charset.to_utf8 (encoding by evidence), then
            ├── well-formed RSS 2.0 / Atom 1.0                   -> fastxml.read_feed (lxml)
            └── anything fastxml declines                        -> feedparser.parse(bytes, ...)
      -> each entry: an entry.Entry -> id, canonical URL, plausible date, clean text, caps -> Article

Errors are per item: an entry that raises while it is read (a link Python cannot split, a date it
cannot represent) is dropped with one log line naming the feed and the entry; the rest are read. The
caps of limits.py (items per feed, entry HTML, article text) are logged the same way when hit.

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
import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import feedparser

from rules.model import Feed
from watchers.feeds import charset, fastxml
from watchers.feeds.entry import EMPTY, Construct, Entry
from watchers.feeds.entrybytes import (
    ENTRY_TAIL_BYTES,
    MAX_ENTRY_BYTES,
    cap_entries,
    ends_inside_entry,
    first_entries,
)
from watchers.feeds.errors import NotAFeed, ParseError
from watchers.feeds.jsonfeed import json_item, looks_like_json_feed, parse_json_feed
from watchers.feeds.lang import article_lang, first_tag
from watchers.feeds.limits import MAX_ENTRY_CHARS, MAX_ITEMS_PER_FEED, cap_text
from watchers.feeds.text import clean_text, html_fragment_to_text, plain_text_paragraphs
from watchers.feeds.urls import canonical_url, resolve
from watchers.model import Article

log = logging.getLogger(__name__)

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
# A guid that is an absolute URL ("https://...", "file:///...") or a URN / tag URI is globally unique.
_ABSOLUTE_ID = re.compile(r"(?:[a-z][a-z0-9+.-]*://|urn:|tag:)", re.IGNORECASE)
# How much of an entry's id or link a log line shows.
LOG_LABEL_CHARS = 120


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    ttl: int | None  # seconds the publisher asks us to wait between polls (RSS <ttl>), or None
    articles: tuple[Article, ...]
    bozo: str | None  # why the feed is malformed, when it is (its entries are still returned)
    truncated: bool = False  # the body ended inside an entry; that entry was left out (read it next time)
    fast: bool = False  # read by the lxml fast path (fastxml), not feedparser


@dataclass(frozen=True)
class _Document:
    """A feed read by one of the readers: its raw entries, and how to read one into an Entry."""

    title: str | None
    ttl: int | None
    entries: Sequence[Any]
    read: Callable[[Any], Entry]
    label: Callable[[Any], object]  # what names a raw entry in a log line
    bozo: str | None = None
    truncated: bool = False
    fast: bool = False
    lang: str | None = None  # the feed's language tag (RSS <language>, root xml:lang)
    header_lang: str | None = None  # the Content-Language header
    count: int | None = None  # entries in the document when `entries` holds only the first ones


def parse_feed(
    content: bytes,
    headers: Mapping[str, str],
    feed: Feed,
    now: datetime,
    *,
    base_url: str | None = None,
    fast: bool = True,
) -> ParsedFeed:
    """Read a feed document; `headers` lowercased, `base_url` the URL it was fetched from (default
    feed.url). `fast=False` skips the lxml fast path (the equivalence test and the bench use it)."""
    base = base_url or feed.url
    if looks_like_json_feed(content, headers.get("content-type")):
        doc = _json_document(content, headers.get("content-language"))
    else:
        doc = _xml_document(content, headers, feed, fast)
    articles: dict[str, Article] = {}
    count = doc.count if doc.count is not None else len(doc.entries)
    if count > MAX_ITEMS_PER_FEED:
        log.warning(
            "feed %s: %d items, only the first %d are read (MAX_ITEMS_PER_FEED) feed=%s",
            feed.id, count, MAX_ITEMS_PER_FEED, feed.id, extra={"feed": feed.id},
        )
    for index, raw in enumerate(doc.entries):
        if index == MAX_ITEMS_PER_FEED:
            break
        try:
            article = _article(doc.read(raw), feed, now, base, index, _declared(doc))
        except Exception as exc:  # one unreadable item must not cost the feed its other items
            label = _label(doc, raw, index)
            log.warning(
                "feed %s: entry %s dropped, it cannot be read (%s: %s) feed=%s entry=%s",
                feed.id, label, type(exc).__name__, str(exc)[:200], feed.id, label,
                extra={"feed": feed.id, "entry": label},
            )
            continue
        articles.setdefault(article.id, article)  # a feed listing an item twice: keep the first
    return ParsedFeed(
        title=doc.title,
        ttl=doc.ttl,
        articles=tuple(articles.values()),
        bozo=doc.bozo,
        truncated=doc.truncated,
        fast=doc.fast,
    )


def _label(doc: _Document, raw: Any, index: int) -> str:
    try:
        named = doc.label(raw)
    except Exception:
        named = None
    return repr(str(named)[:LOG_LABEL_CHARS]) if named else f"#{index + 1}"


def _xml_document(content: bytes, headers: Mapping[str, str], feed: Feed, fast: bool) -> _Document:
    utf8, _encoding = charset.to_utf8(content, headers.get("content-type"))
    if fast:
        read = fastxml.read_feed(utf8, MAX_ITEMS_PER_FEED)
        if read is not None:
            title = one_line(_text(read.title))
            return _Document(
                title or None, read.ttl, read.entries, fastxml.read_entry, fastxml.label, fast=True,
                lang=read.lang, header_lang=headers.get("content-language"), count=read.count,
            )
    # feedparser keeps every entry of a document: only the first MAX_ITEMS_PER_FEED are read, so only
    # those are handed to it (80,000 items of 10 MB peaked at 205 MB; bench/bench_feed_memory.py).
    utf8, count = first_entries(utf8, MAX_ITEMS_PER_FEED)
    # ... and of an oversized entry only what could be read (MAX_ENTRY_CHARS) and its closing tags: one
    # 10 MB item of crafted markup peaked at 430 MB and 50 s inside feedparser.
    utf8, oversized = cap_entries(utf8, MAX_ENTRY_BYTES)
    if oversized:
        log.warning(
            "feed %s: %d entries over %d bytes, only their first %d bytes are read (MAX_ENTRY_CHARS) feed=%s",
            feed.id, oversized, MAX_ENTRY_BYTES, MAX_ENTRY_BYTES - ENTRY_TAIL_BYTES, feed.id,
            extra={"feed": feed.id},
        )
    response_headers = {k: headers[k] for k in FEEDPARSER_HEADERS if k in headers}
    response_headers["content-type"] = charset.utf8_content_type(headers.get("content-type"))
    try:
        doc = feedparser.parse(
            utf8, response_headers=response_headers, sanitize_html=False, resolve_relative_uris=False
        )
    except Exception as exc:  # feedparser's own bugs on crafted markup (a KeyError found by bench/fuzz.py)
        raise ParseError(
            f"the feed is too broken to read ({type(exc).__name__} inside feedparser); check the feed URL in a browser",
            feed.url,
        ) from None
    bozo = str(doc.get("bozo_exception") or "malformed feed") if doc.get("bozo") else None
    if not doc.entries and not doc.get("version"):
        raise NotAFeed(_not_a_feed_message(content, bozo), feed.url)
    info = doc.feed
    title = one_line(_text(_construct(info.get("title_detail"), info.get("title"))))
    entries = list(doc.entries)
    truncated = bool(bozo) and bool(entries) and ends_inside_entry(utf8)
    if truncated:
        entries.pop()  # document order: the last entry is the one the body ended in
    return _Document(
        title or None, _ttl(info.get("ttl")), entries, _feedparser_entry,
        lambda e: e.get("id") or e.get("link"), bozo=bozo, truncated=truncated, lang=info.get("language"),
        header_lang=headers.get("content-language"), count=count,
    )


def _json_document(content: bytes, header_lang: str | None) -> _Document:
    doc = parse_json_feed(content)

    def read(raw: dict[str, Any]) -> Entry:
        item = json_item(raw, doc.author)
        if item.content_html:
            body = Construct(item.content_html, html=True)
        else:
            body = Construct(item.content_text or item.summary or "", html=False)
        return Entry(
            guid=item.id,
            link=item.url,
            title=Construct(item.title or "", html=True),
            bodies=(body,),
            summary=EMPTY,
            published=item.published,
            raw_date=item.published.isoformat() if item.published else "",
            author=item.author,
            lang=item.language,
        )

    return _Document(
        doc.title, None, doc.items, read, lambda raw: raw.get("id") or raw.get("url"),
        lang=doc.language, header_lang=header_lang,
    )


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


def _feedparser_entry(entry: Any) -> Entry:
    link = entry.get("link") or next(
        (ln.get("href") for ln in entry.get("links", []) if ln.get("rel", "alternate") == "alternate"), None
    )
    parsed_date = entry.get("published_parsed") or entry.get("updated_parsed")
    contents = entry.get("content") or []
    # The language in force on the entry's text, as fastxml reads it: first body, else summary, else title.
    detail = contents[0] if contents else entry.get("summary_detail") or entry.get("title_detail") or {}
    return Entry(
        guid=(entry.get("id") or "").strip() or None,
        link=link,
        title=_construct(entry.get("title_detail"), entry.get("title")),
        bodies=tuple(_construct(c, c.get("value")) for c in entry.get("content") or []),
        summary=_construct(entry.get("summary_detail"), entry.get("summary")),
        published=_struct_to_datetime(parsed_date),
        raw_date=entry.get("published") or entry.get("updated") or "",
        author=one_line(entry.get("author") or "") or None,
        lang=detail.get("language"),
    )


def _construct(detail: Any, value: Any) -> Construct:
    """feedparser text construct -> Construct; HTML unless it says plain text."""
    if not isinstance(value, str) or not value:
        return EMPTY
    return Construct(value, html=((detail or {}).get("type") or "text/html") != "text/plain")


def _declared(doc: _Document) -> Callable[[Entry], str | None]:
    """The language tag an entry declares: its own (xml:lang in force on its text), else the feed's,
    else the Content-Language header. feedparser starts its xml:lang tracking from the header, so an
    entry language equal to the header's is read as the header's: last, after the feed's <language>."""
    header = doc.header_lang

    def declared(entry: Entry) -> str | None:
        own = None if entry.lang == header else entry.lang
        return first_tag(own, None if doc.lang == header else doc.lang, header)

    return declared


def _article(
    entry: Entry, feed: Feed, now: datetime, base: str, index: int, declared: Callable[[Entry], str | None]
) -> Article:
    if entry.title.html or len(entry.title.value) > MAX_ENTRY_CHARS:
        title = one_line(_text(entry.title, feed, entry, index))
    else:
        title = _one_line_title(entry.title)
    text = ""
    for body in entry.bodies:  # the fullest body the entry has: content:encoded / Atom content ...
        candidate = _text(body, feed, entry, index)
        if len(candidate) > len(text):
            text = candidate
    if not text:  # ... else the summary
        text = _text(entry.summary, feed, entry, index)
    text, cut = cap_text(text)
    if cut:
        _report_cap(feed, entry, index, f"text cut to {len(text)} characters (MAX_ARTICLE_TEXT)")
    return make_article(
        feed,
        now,
        guid=entry.guid,
        link=resolve(entry.link, base) if entry.link else None,
        title=title,
        text=text,
        published=entry.published,
        raw_date=entry.raw_date,
        author=entry.author,
        declared_lang=declared(entry),
    )


def _text(construct: Construct, feed: Feed | None = None, entry: Entry | None = None, index: int = 0) -> str:
    value = construct.value
    if not value:
        return ""
    if len(value) > MAX_ENTRY_CHARS:
        if feed is not None and entry is not None:
            _report_cap(feed, entry, index, f"{len(value)} characters of markup, the first {MAX_ENTRY_CHARS} read (MAX_ENTRY_CHARS)")
        value = value[:MAX_ENTRY_CHARS]
    return html_fragment_to_text(value) if construct.html else plain_text_paragraphs(value)


def _one_line_title(title: Construct) -> str:
    """one_line(plain_text_paragraphs(value)) without the paragraph machinery: control characters and
    our markers out, U+200B a space (the text module's spaces), then str.split's whitespace."""
    value = title.value
    if not (value.isascii() and value.isprintable()):
        value = clean_text(value).replace("\u200b", " ")
    return " ".join(value.split())


def _report_cap(feed: Feed, entry: Entry, index: int, what: str) -> None:
    label = repr((entry.guid or entry.link or "")[:LOG_LABEL_CHARS]) if (entry.guid or entry.link) else f"#{index + 1}"
    log.warning(
        "feed %s: entry %s is oversized: %s feed=%s entry=%s",
        feed.id, label, what, feed.id, label, extra={"feed": feed.id, "entry": label},
    )


def make_article(
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
    declared_lang: str | None = None,
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
    lang, lang_source = article_lang(feed.lang, declared_lang, f"{title}\n{text}")
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
        lang=lang,
        lang_source=lang_source,
    )


def scoped_guid(guid: str, feed: Feed) -> str:
    """A guid as an article id: an absolute URL or URN is unique by itself and is kept (so one article
    carried by two feeds has one id); anything else ("12345") is only unique within its publisher, and
    gets the feed's host in front ("ledger.example:12345") so two outlets' item 12345 never collide."""
    if _ABSOLUTE_ID.match(guid):
        return guid
    return f"{_host(feed.url) or feed.id}:{guid}"  # a feed read from a file has no host


@functools.lru_cache(maxsize=4096)
def _host(url: str) -> str | None:
    return urlsplit(url).hostname


def one_line(text: str) -> str:
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
