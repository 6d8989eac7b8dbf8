"""The fast path: well-formed RSS 2.0 and Atom 1.0 read with lxml, giving the Entries feedparser would.

feedparser is most of the cost of a poll (45-140 ms for a content-heavy feed, issue #12); lxml builds
the same document's tree in about a millisecond. The fast path reads a strict subset exactly as
feedparser does and declines everything else (`read_feed` returns None), so parse.py hands the same
bytes to feedparser. Declined: anything not well-formed; a DOCTYPE (entity tricks); xml:base (feedparser
resolves links and permalink guids against it); RSS 0.9x and 1.0 (RDF), Atom 0.3, CDF; items holding an
element feedparser maps onto a field we read (title, link, id, summary, content, dates, author) other
than the plain forms below (dc:title, media:description, itunes:summary...) or holding one of those
twice; text constructs with markup children (inline XHTML), base64 or non-text types.

feedparser's quirks that the fast path copies, each of which changes Articles (tests/test_fastxml.py
checks both paths agree on every fixture and on variations of these):
- a permalink guid (isPermaLink absent or "true"; every Atom id) doubles as the link when the item has
  no link element before it; a later link element wins;
- RSS text constructs typed text/plain that look like HTML (a close tag or an entity) are read as HTML;
- the first content element's value is also the summary when there is none yet;
- every value is stripped, "double-encoded" UTF-8 is repaired and C1 controls map to Windows-1252;
- RSS <link> text has "&amp;" and entity-like "&x;" sequences unescaped; URLs lose extra slashes after
  "scheme://";
- dates are parsed by feedparser's own parser unless they are in the two common forms (RFC 822 with a
  numeric or GMT zone, W3C-DTF), which are parsed here to the same instant.

Which element is which is decided the way feedparser decides it (its namespace table and handler
names), so an element feedparser has no handler for is ignored here too.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html.entities import entitydefs
from typing import Any

from lxml import etree

from watchers.feeds.entry import EMPTY, Construct, Entry
from watchers.feeds.feeddates import feed_date as _date

try:  # feedparser's own tables: which namespace is which prefix, which elements it handles
    from feedparser.html import _cp1252 as CP1252
    from feedparser.mixin import _FeedParserMixin as FeedParserRules
    from feedparser.sanitizer import _HTMLSanitizer

    ACCEPTABLE_ELEMENTS = frozenset(_HTMLSanitizer.acceptable_elements)
    NAMESPACES = {uri.lower(): prefix for uri, prefix in FeedParserRules.namespaces.items()}
except ImportError:  # a feedparser without these internals: no fast path, feedparser reads everything
    FeedParserRules = None

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_NO_ATTRS: dict[str, str] = {}

# feedparser's text/plain-but-looks-like-HTML test (mixin.looks_like_html), with its tag list.
_CLOSE_TAG = re.compile(r"</(\w+)>")
_ENTITY = re.compile(r"&#?\w+;")
_TAG_NAME = re.compile(r"</?(\w+)")
_NAMED_ENTITY = re.compile(r"&(\w+);")
_URI_FIXER = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_LINK_ENTITY = re.compile(r"&([A-Za-z0-9_]+);")
_C1 = re.compile("[\x80-\x9f]")
# Element keys (feedparser's "<prefix>_<name>") that have a feedparser handler but do not touch the
# fields we read, when they have no children.
_HARMLESS = frozenset({"category", "dc_subject", "enclosure", "media_content", "media_thumbnail", "source"})
# Keys feedparser would store under a name we read, though it has no handler for them.
_SHADOWING = frozenset({
    "links", "title_detail", "summary_detail", "published_parsed", "updated_parsed", "author_detail",
    "authors", "guidislink", "content",
})
# Elements an entry may hold once: feedparser keeps the first title but the last summary, and so on.
_ONCE = frozenset({"title", "id", "guid", "description", "summary", "pubdate", "published", "updated", "dc_date",
                   "content_encoded"})
_SUMMARY_TYPES = {"description": "text/html", "summary": "text/plain"}
_CONTENT_TYPES = {"content_encoded": "text/html", "content": "text/plain"}
_DATES = {"pubdate": "published", "published": "published", "updated": "updated", "dc_date": "updated"}


class Decline(Exception):
    """The document (or one of its items) is outside what the fast path models: feedparser reads it."""


@dataclass(frozen=True)
class FastFeed:
    title: Construct
    ttl: int | None
    entries: Sequence[Entry]
    lang: str | None = None  # RSS <language> / <dc:language>, else the root's xml:lang, as feedparser's feed.language
    count: int = 0  # entries in the document (more than `entries` when read_feed was given max_entries)


def read_feed(content: bytes, max_entries: int | None = None) -> FastFeed | None:
    """The feed's title, ttl and Entries (the first `max_entries` of them, when given; `count` says how
    many the document has), or None when feedparser must read this document.

    The document is read as a stream (lxml's iterparse): each entry is read when its end tag arrives
    and then dropped from the tree, so memory holds one entry's elements, not the whole document's (a
    10 MB feed of 80,000 items built a tree of ~90 MB)."""
    if FeedParserRules is None:
        return None
    reader = _Reader(max_entries)
    try:
        for event, element in etree.iterparse(io.BytesIO(content), events=("start", "end"), **_PARSER_OPTIONS):
            if event == "start":
                reader.start(element)
            else:
                reader.end(element)
        return reader.result()
    except (etree.XMLSyntaxError, ValueError):
        return None
    except Exception:  # Decline, or a shape nobody foresaw: feedparser reads it, item by item
        return None


def label(entry: Entry) -> object:
    return entry.guid or entry.link


def read_entry(entry: Entry) -> Entry:
    return entry  # read with the document: an error there hands the whole document to feedparser


_PARSER_OPTIONS: dict[str, Any] = {
    "resolve_entities": False, "no_network": True, "load_dtd": False, "remove_comments": True,
    "remove_pis": True, "huge_tree": False,
}
_ENTRY_TAGS = frozenset({"item", f"{{{ATOM}}}entry", "entry"})
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"


class _Reader:
    """The state of one streamed read: which element is the container (RSS <channel>, the Atom
    <feed>), the container's own children as they end, each entry as it ends."""

    def __init__(self, max_entries: int | None) -> None:
        self.max_entries = max_entries
        self.depth = 0
        self.root: Any = None
        self.container: Any = None
        self.version_rss = False
        self.scope: str | None = None
        self.title: Construct | None = None
        self.ttl: int | None = None
        self.declared: str | None = None
        self.entries: list[Entry] = []
        self.count = 0  # entries in the container
        self.channels = 0

    def start(self, element: Any) -> None:
        self.depth += 1
        if XML_BASE in element.attrib:
            raise Decline  # feedparser resolves links and permalink guids against it
        if self.depth == 1:
            self.root = element
            if element.tag == "rss" and element.get("version") == "2.0":
                self.version_rss = True
            elif element.tag == f"{{{ATOM}}}feed":
                self.container, self.scope = element, _lang(element, None)
            else:
                raise Decline
        elif self.depth == 2 and self.version_rss:
            if _key(element) != "channel" or self.channels:
                raise Decline  # the one channel must be the root's only child
            self.channels += 1
            self.container, self.scope = element, _lang(element, _lang(self.root, None))
        elif element.tag in _ENTRY_TAGS and element.getparent() is not self.container:
            raise Decline  # entries outside the container: a layout feedparser reads its own way

    def end(self, element: Any) -> None:
        self.depth -= 1
        if element.getparent() is not self.container or self.container is None:
            return
        key = _key(element)
        if key == ("item" if self.version_rss else "entry"):
            self.count += 1
            if self.max_entries is None or len(self.entries) < self.max_entries:
                self.entries.append(_entry(element, self.version_rss, self.scope))
            self._forget(element)
            return
        if key == "title":
            if self.title is not None:
                raise Decline
            self.title = _construct(element, "text/plain", self.version_rss)
        elif key == "ttl":
            self.ttl = _ttl(_plain(element))
        elif key in ("language", "dc_language"):
            self.declared = _plain(element) or self.declared
        elif key in ("dc_title", "media_title", "item", "entry", "channel", "rdf"):
            raise Decline

    def _forget(self, element: Any) -> None:
        """Drop a read entry (and anything before it) from the tree: its memory is freed as we go."""
        element.clear(keep_tail=True)
        container = self.container
        while element.getprevious() is not None:
            del container[0]

    def result(self) -> FastFeed:
        if self.root is None or self.container is None:
            raise Decline
        if self.root.getroottree().docinfo.doctype:
            raise Decline  # a DOCTYPE (entity tricks are feedparser's to refuse)
        feed_lang = self.declared or self.root.get(XML_LANG) or None
        return FastFeed(self.title or EMPTY, self.ttl, tuple(self.entries), feed_lang, self.count)


def _lang(element: Any, inherited: str | None) -> str | None:
    """The xml:lang in force on an element, as feedparser tracks it: its own, else its parent's; an
    explicit xml:lang="" is "" (no language, and no header fallback)."""
    own = element.get(XML_LANG)
    if own is None:
        return inherited
    return str(own).strip()


# Element tag -> feedparser key, for tags whose key does not depend on the document's prefix.
_KEYS: dict[str, str] = {}


def _key(element: Any) -> str:
    """feedparser's name for an element ("title", "content_encoded", "dc_creator", ...)."""
    tag = element.tag
    cached = _KEYS.get(tag)
    if cached is not None:
        return cached
    if not isinstance(tag, str):
        return "#comment"
    cacheable = True
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        lowered = uri.lower()
        if "backend.userland.com/rss" in lowered:
            lowered = "http://backend.userland.com/rss"
        prefix = NAMESPACES.get(lowered)
        if prefix is None:  # a namespace feedparser does not know: it goes by the document's prefix
            prefix, cacheable = element.prefix or "", False
    else:
        prefix, local = "", tag
    key = f"{prefix.lower()}_{local.lower()}" if prefix else local.lower()
    if cacheable:
        _KEYS[tag] = key
    return key


@functools.cache
def _handled(key: str) -> bool:
    return hasattr(FeedParserRules, "_start_" + key) or hasattr(FeedParserRules, "_end_" + key)


def _attrs(element: Any) -> dict[str, str]:
    items = element.items()
    if not items:
        return _NO_ATTRS
    out = {}
    for name, value in items:
        if name == XML_LANG:
            continue  # feedparser reads it into language fields only
        if name.startswith("{"):
            raise Decline  # other namespaced attributes (rdf:about, xml:base...) are not modelled
        lowered = name.lower()
        out[lowered] = value.lower() if lowered in ("rel", "type") else value
    return out


def _fix(value: str) -> str:
    """What feedparser does to every value it pops: mis-decoded UTF-8 repaired, C1 controls mapped."""
    if value.isascii():
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    # C1 controls (U+0080-U+009F) are rare and translate is slow: look for their UTF-8 lead byte first.
    return value.translate(CP1252) if b"\xc2" in value.encode("utf-8", "replace") and _C1.search(value) else value


def _plain(element: Any) -> str:
    if len(element):
        raise Decline  # markup inside a text element: feedparser serialises it, we do not
    return (element.text or "").strip()


def _uri(value: str) -> str:
    return _URI_FIXER.sub(r"\1\3", value) if ":///" in value else value  # "http:///x" -> "http://x"


_TYPE_NAMES = {"text": "text/plain", "plain": "text/plain", "html": "text/html", "xhtml": "application/xhtml+xml"}


def _map_type(kind: str) -> str:
    kind = kind.lower()
    return _TYPE_NAMES.get(kind, kind)


def _construct(element: Any, default_type: str, version_rss: bool) -> Construct:
    kind = default_type
    if element.keys():
        attrs = _attrs(element)
        kind = _map_type(attrs.get("type", default_type))
        if "mode" in attrs or "src" in attrs or kind not in ("text/plain", "text/html"):
            raise Decline  # base64, out-of-line or XHTML content
    if len(element):
        raise Decline  # markup inside a text element: feedparser serialises it, we do not
    value = (element.text or "").strip()
    if version_rss and kind == "text/plain" and _looks_like_html(value):
        kind = "text/html"
    return Construct(_fix(value), html=kind != "text/plain")


def _looks_like_html(value: str) -> bool:
    if not (_CLOSE_TAG.search(value) or _ENTITY.search(value)):
        return False
    if any(t.lower() not in ACCEPTABLE_ELEMENTS for t in _TAG_NAME.findall(value)):
        return False
    return not any(e not in entitydefs for e in _NAMED_ENTITY.findall(value))


def _entry(item: Any, version_rss: bool, scope: str | None) -> Entry:
    if item.keys():
        raise Decline  # rdf:about, CDF's lastmod and href set fields
    guid: str | None = None
    link: str | None = None
    links: list[tuple[str, str | None]] = []  # (rel, href) of link elements, for an entry without a main link
    title: Construct | None = None
    summary: Construct | None = None
    bodies: list[Construct] = []
    dates: dict[str, str] = {}
    author: str | None = None
    langs: dict[str, str | None] = {}  # "body" / "summary" / "title" -> the xml:lang on its first element
    seen: set[str] = set()
    for child in item:
        key = _KEYS.get(child.tag) or _key(child)
        if key in _ONCE:
            if key in seen:
                raise Decline
            seen.add(key)
        if key == "title":
            title = _construct(child, "text/plain", version_rss)
            langs.setdefault("title", _lang(child, scope))
        elif key in ("id", "guid"):
            if "guid" in seen and "id" in seen:
                raise Decline
            permalink = not child.keys() or _attrs(child).get("ispermalink", "true") == "true"
            value = _plain(child)
            if permalink and value:
                value = _uri(value)
            value = _fix(value)
            guid = value
            if permalink and link is None:
                link = value
        elif key == "link":
            attrs = _attrs(child)
            href = attrs.get("url", attrs.get("uri", attrs.get("href")))
            rel = attrs.get("rel", "alternate")
            kind = attrs.get("type", "application/atom+xml" if rel == "self" else "text/html")
            if href:
                if len(child):
                    raise Decline
                href = _uri(href)
                links.append((rel, href))
                if rel == "alternate" and _map_type(kind) in ("text/html", "application/xhtml+xml"):
                    link = href
            elif "href" in attrs or "url" in attrs or "uri" in attrs:
                raise Decline  # an empty href
            else:  # RSS: the link is the element's text
                text = _plain(child)
                text = _fix(_uri(text)) if text else ""
                link = _LINK_ENTITY.sub(r"&\g<1>", text.replace("&amp;", "&")) if "&" in text else text
                links.append((rel, link or None))
        elif key in _SUMMARY_TYPES:
            if summary is not None and not bodies:
                raise Decline  # a second summary becomes content in feedparser
            summary = _construct(child, _SUMMARY_TYPES[key], version_rss)
            langs["summary"] = _lang(child, scope)  # feedparser keeps the last summary
        elif key in _CONTENT_TYPES:
            body = _construct(child, _CONTENT_TYPES[key], version_rss)
            bodies.append(body)
            langs.setdefault("body", _lang(child, scope))
            if summary is None:
                summary = Construct(body.value, html=True)  # copied without its type: read as HTML
        elif key in _DATES:
            target = _DATES[key]
            if target in dates:
                raise Decline
            dates[target] = _fix(_plain(child))
        elif key in ("author", "dc_creator"):
            if author is not None:
                raise Decline
            author = _author(child)
        elif key in _SHADOWING or (len(child) if key in _HARMLESS else _handled(key)):
            raise Decline
        elif len(child) and any(_handled(_key(grandchild)) for grandchild in child.iter()):
            raise Decline  # an unknown wrapper around elements feedparser would read into the entry
    if not link:  # feedparser's entry.links: the first alternate one, even without an href
        link = next((href for rel, href in links if rel == "alternate"), None)
    published = dates.get("published") or ""
    updated = dates.get("updated") or ""
    when = _date(published) or _date(updated)
    return Entry(
        guid=(guid or "").strip() or None,
        link=link or None,
        title=title or EMPTY,
        bodies=tuple(bodies),
        summary=summary or EMPTY,
        published=when,
        raw_date=published or updated,
        author=" ".join((author or "").split()) or None,
        lang=next((langs[k] for k in ("body", "summary", "title") if k in langs), scope),
    )


def _author(element: Any) -> str:
    if not len(element):
        return _fix(_plain(element))
    name = email = ""
    for child in element:
        key = _key(child)
        if key == "name":  # feedparser does not repair these two (they are not "text" to it)
            name = _plain(child)
        elif key == "email":
            email = _plain(child)
        elif key != "uri":
            raise Decline
    if (element.text or "").strip():
        raise Decline
    if name and email:
        return f"{name} ({email})"
    return name or email


def _ttl(value: str | None) -> int | None:
    try:
        minutes = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return minutes * 60 if minutes > 0 else None

