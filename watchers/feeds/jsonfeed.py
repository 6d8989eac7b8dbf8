"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1), read into typed records.

feedparser does not read JSON Feed, and the format is small enough to read ourselves. Lenient like
feedparser: an item without an id or without content is still returned (parse.py decides its id and
text); only a body that is not a JSON object with an `items` list is an error.

Items are read one at a time (`json_item`), so that parse.py can drop the one item that cannot be read
(a date Python cannot represent, say) and keep the rest. A document nested deeper than the json module
can follow is a ParseError of the whole feed: it cannot be read item by item without a parser of our own.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from watchers.feeds.errors import NotAFeed, ParseError

JSON_FEED_TYPES = ("application/feed+json", "application/json")


@dataclass(frozen=True)
class JsonItem:
    id: str | None
    url: str | None
    title: str | None
    content_html: str | None
    content_text: str | None
    summary: str | None
    published: datetime | None  # date_published, else date_modified; timezone-aware
    author: str | None
    language: str | None = None  # the item's own "language" (JSON Feed 1.1), as given


@dataclass(frozen=True)
class JsonFeed:
    version: str
    title: str | None
    home_page_url: str | None
    feed_url: str | None
    items: tuple[dict[str, Any], ...]  # raw item objects: read each with json_item(raw, author)
    author: str | None  # the feed's author, for items without one
    language: str | None = None  # the feed's "language" (JSON Feed 1.1), as given


# Python refuses to convert longer digit strings (CVE-2020-10735); such a number is kept as its digits.
MAX_INT_DIGITS = 4_300


def _int(digits: str) -> int | str:
    return int(digits) if len(digits) <= MAX_INT_DIGITS else digits


def looks_like_json_feed(content: bytes, content_type: str | None) -> bool:
    """By content type, else by a body starting with "{" (after a BOM and whitespace)."""
    if content_type and content_type.split(";")[0].strip().lower() in JSON_FEED_TYPES:
        return True
    head = content[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{")


def _str(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):  # JSON Feed 1.0 allowed numeric ids
        return str(value)
    return None


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())  # RFC 3339, "Z" included (Python 3.11)
        if parsed.tzinfo is None:  # the spec requires an offset; assume UTC rather than local time
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        return None


def _author(source: dict[str, Any]) -> str | None:
    authors = source.get("authors")  # 1.1
    if isinstance(authors, list):
        names = [_str(a.get("name")) for a in authors if isinstance(a, dict)]
        joined = ", ".join(n for n in names if n)
        if joined:
            return joined
    author = source.get("author")  # 1.0
    if isinstance(author, dict) and _str(author.get("name")):
        return _str(author.get("name"))
    return None


def parse_json_feed(content: bytes) -> JsonFeed:
    """Read a JSON Feed; raises NotAFeed / ParseError with a message the user can act on."""
    try:
        data = json.loads(content.decode("utf-8-sig"), parse_int=_int)
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"JSON feed is not valid UTF-8 ({exc}); the publisher must fix its encoding"
        ) from exc
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"JSON feed is not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from exc
    except RecursionError as exc:
        raise ParseError("JSON feed is nested too deeply to read; this is not a normal feed") from exc
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise NotAFeed('JSON document is not a JSON Feed (no "items" list); check the feed URL')
    return JsonFeed(
        version=_str(data.get("version")) or "",
        title=_str(data.get("title")),
        home_page_url=_str(data.get("home_page_url")),
        feed_url=_str(data.get("feed_url")),
        items=tuple(raw for raw in data["items"] if isinstance(raw, dict)),
        author=_author(data),
        language=_str(data.get("language")),
    )


def json_item(raw: dict[str, Any], feed_author: str | None) -> JsonItem:
    """One item of the feed (may raise on a hostile item: the caller drops that item alone)."""
    return JsonItem(
        id=_str(raw.get("id")),
        url=_str(raw.get("url")) or _str(raw.get("external_url")),
        title=_str(raw.get("title")),
        content_html=_str(raw.get("content_html")),
        content_text=_str(raw.get("content_text")),
        summary=_str(raw.get("summary")),
        published=_date(raw.get("date_published")) or _date(raw.get("date_modified")),
        author=_author(raw) or feed_author,
        language=_str(raw.get("language")),
    )
