"""HTML to clean text: paragraphs separated by "\\n\\n", lines within a paragraph by "\\n", nothing else.

Two entry points, both pure and neither ever raises on garbage:

- `html_fragment_to_text(html)`: feed entry HTML (content:encoded, Atom content, summary), through
  lxml's HTML parser (libxml2: linear on any markup, unlike html.parser): block tags end a paragraph,
  <br> ends a line, scripts/styles are dropped, entities decoded.
- `html_to_text(html, url)`: a whole article page. trafilatura finds the article body (precision over
  recall, no comments, no tables); when it finds nothing, or cannot be imported, the <article>/<main> of
  the page (else its <body>), minus navigation, header, footer and forms, goes through the fragment path.

`decode_html(bytes, content_type)` turns a fetched page into str (HTTP charset, BOM, <meta charset>, UTF-8,
then Windows-1252: the usual legacy charset of news sites).

`fetch_article_text(fetcher, article, feed)` (the one async function here, for feeds with full_text) gets
the article's page through the Fetcher and keeps its text when it says more than the feed did.
"""

from __future__ import annotations

import asyncio
import codecs
import functools
import logging
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import replace
from html import unescape
from types import ModuleType
from typing import TYPE_CHECKING, Any

from lxml import etree

from rules.model import Feed
from watchers.feeds.charset import text_codec
from watchers.feeds.errors import FetchError
from watchers.feeds.lang import with_page_lang
from watchers.feeds.legacy import guess_legacy
from watchers.feeds.limits import cap_text
from watchers.model import Article

if TYPE_CHECKING:  # fetch.py is the I/O edge; text.py only calls the fetcher it is given
    from watchers.feeds.fetch import Fetcher

log = logging.getLogger(__name__)
_local = threading.local()

# fmt: off
# Tags that start and end a paragraph of text.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "thead", "tfoot", "tr", "ul",
})
# Tags whose content is never prose.
SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas", "head",
})
# A fragment's <title> is text (lxml would move it into an implied <head>, which pages skip).
FRAGMENT_SKIP_TAGS = SKIP_TAGS - {"head"}
# On a whole page these hold site chrome, not the article: dropped by the fallback extractor.
PAGE_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "button", "select"})
# Tags that can contain the article itself; the fallback prefers their text over the whole <body>.
ARTICLE_TAGS = frozenset({"article", "main"})
# fmt: on

# Paragraph and line break markers while building: private-use characters (lxml refuses control
# characters in a tree), stripped from every input along with the control characters.
_PARA = "\ue000"
_LINE = "\ue001"
# C0 controls but tab and newlines, and DEL: deleted from UTF-8 bytes (where they never occur inside a
# multi-byte character), which is far faster than a regular expression over the text.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_MARKER_BYTES = (_PARA.encode(), _LINE.encode())
# What counts as a space in text (each run becomes one space), besides " " itself. Replaced one by one
# with str.replace when present: a few C scans, three times faster than one regular expression.
OTHER_SPACES = ("\t", "\r", "\n", "\f", "\v", "\u00a0", *map(chr, range(0x2000, 0x200C)), "\u202f", "\u205f",
                "\u3000")
_SPACE_RUN = re.compile(" {2,}")
# How far into a page to look for <meta charset>: browsers look at the first 1024 bytes; be generous.
META_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class _Collected:
    """A document's text pieces; those inside <article>/<main> again in article_parts (pages only)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.article_parts: list[str] = []


def _parser() -> etree.HTMLParser:
    """This thread's HTML parser: lxml parsers must not be shared between threads (parse_feed and
    html_to_text run on worker threads)."""
    parser: etree.HTMLParser | None = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.HTMLParser(
            recover=True, no_network=True, remove_comments=True, remove_pis=True, encoding="utf-8"
        )
        _local.parser = parser
    return parser


def _walk(html: str, skip: frozenset[str], track_article: bool) -> _Collected:
    """Text of `html` as parts with _PARA / _LINE markers, read through libxml2's HTML parser (linear
    time on any input; html.parser is quadratic on crafted markup, CVE-2025-6069).

    The markers are written into the tree (a block element's text starts with _PARA and so does its
    tail, a <br>'s tail starts with _LINE) and the text is read back by lxml's text serialiser: the
    per-node work stays in C, and nothing recurses in Python, so deep nesting costs no stack."""
    out = _Collected()
    # Control characters out before parsing: libxml2 keeps most of them in text nodes, and lxml then
    # refuses every assignment of a text holding one (ValueError; found by bench/fuzz.py). One C pass.
    data = _clean_bytes(html)
    parser = getattr(_local, "parser", None) or _parser()
    try:
        root = etree.fromstring(data, parser)
    except etree.LxmlError:
        log.debug("lxml could not read the markup", exc_info=True)
        return out
    if root is None:  # nothing but a comment, a doctype or whitespace
        return out
    articles, dropped = [], []
    for element in root.iter():
        tag = element.tag
        if tag in skip:
            dropped.append(element)
        elif tag in BLOCK_TAGS:
            # The break before the block goes at the end of the text before it (usually a short run
            # of whitespace), not in front of the block's own text: lxml re-checks every character of
            # a text it is given, and a paragraph's text is long. The break after goes in its tail.
            previous = element.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + _PARA
            else:
                parent = element.getparent()
                parent.text = (parent.text or "") + _PARA
            element.tail = _PARA + (element.tail or "")
            if tag == "pre":  # keep the lines of preformatted text
                element.text = _pre_lines(element.text)
                for inner in element.iterdescendants():
                    inner.text, inner.tail = _pre_lines(inner.text), _pre_lines(inner.tail)
            elif track_article and tag in ARTICLE_TAGS:
                articles.append(element)
        elif tag == "br":
            element.text = _LINE  # a <br> has no text of its own; the serialiser writes this in its place
    for element in dropped:
        _drop(element)
    # Control characters are dropped from the text again: "&#1;" decodes to one.
    out.parts.append(_text_of(root))
    for article in articles:
        if not any(True for _ in article.iterancestors(*ARTICLE_TAGS)):  # nested ones count once
            out.article_parts += (_text_of(article), _PARA)
    return out


def _drop(element: etree._Element) -> None:
    """Remove `element` and its content but keep the text after it (etree.strip_elements does the
    same, but costs more than the whole parse on a small fragment)."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _text_of(element: etree._Element) -> str:
    text: bytes = etree.tostring(element, method="text", encoding="utf-8", with_tail=False)
    return text.translate(None, _CONTROL_BYTES).decode("utf-8")


def _pre_lines(text: str | None) -> str | None:
    return text.replace("\r\n", "\n").replace("\n", _LINE) if text else text


def _clean_bytes(text: str) -> bytes:
    """`text` as UTF-8 without control characters or our markers ("replace": lone surrogates)."""
    data = text.encode("utf-8", errors="replace").translate(None, _CONTROL_BYTES)
    if b"\xee\x80" in data:
        for marker in _MARKER_BYTES:
            data = data.replace(marker, b"")
    return data


def clean_text(text: str) -> str:
    """`text` without control characters (tab and newlines kept) and without our markers."""
    return _clean_bytes(text).decode("utf-8")


_clean = clean_text


def _squash_spaces(text: str) -> str:
    for space in OTHER_SPACES:
        if space in text:
            text = text.replace(space, " ")
    return _SPACE_RUN.sub(" ", text) if "  " in text else text


def _assemble(parts: list[str]) -> str:
    """Pieces with _PARA / _LINE markers -> paragraphs and lines, each run of spaces one space."""
    paragraphs = []
    for block in _squash_spaces("".join(parts)).split(_PARA):
        if _LINE in block:
            block = "\n".join(line for line in (piece.strip() for piece in block.split(_LINE)) if line)
        else:
            block = block.strip()
        if block:
            paragraphs.append(block)
    return "\n\n".join(paragraphs)


def html_fragment_to_text(html: str) -> str:
    """Clean text of a feed entry's HTML: paragraphs kept, markup and entities gone. Never raises."""
    if not html:
        return ""
    if "<" not in html:  # no markup (common for titles and summaries): entities only, no parser
        return _assemble([_clean(unescape(html) if "&" in html else html)])
    return _assemble(_walk(html, FRAGMENT_SKIP_TAGS, track_article=False).parts)


def plain_text_paragraphs(text: str) -> str:
    """Plain text (text/plain content) normalised the same way: blank lines separate paragraphs."""
    if "\n" not in text and "\r" not in text:  # one line (a title): one paragraph
        return _assemble([_clean(text)])
    blocks = re.split(r"\n\s*\n", _clean(text.replace("\r\n", "\n")))
    return _assemble([_PARA.join(block.replace("\n", " ") for block in blocks)])


def page_fallback_text(html: str) -> str:
    """Text of a page's <article>/<main> (else its body) without navigation, header, footer or forms."""
    collected = _walk(html, SKIP_TAGS | PAGE_CHROME_TAGS, track_article=True)
    article = _assemble(collected.article_parts)
    return article or _assemble(collected.parts)


@functools.cache
def _trafilatura() -> ModuleType | None:
    try:
        import trafilatura
    except Exception as exc:  # ImportError, or a broken install (lxml without lxml_html_clean)
        log.warning("trafilatura unavailable (%s): article pages use the simple extractor", exc)
        return None
    return trafilatura


def _trafilatura_text(html: str, url: str | None) -> str:
    module = _trafilatura()
    if module is None:
        return ""
    try:
        extracted = module.extract(
            html,
            url=url,
            output_format="txt",
            favor_precision=True,  # a missing paragraph costs less than a quote from a sidebar
            include_comments=False,  # readers' comments are not the outlet's statements
            include_tables=False,
            include_images=False,
            include_links=False,
            deduplicate=False,
        )
    except Exception:
        log.debug("trafilatura failed url=%s", url, exc_info=True)
        return ""
    if not extracted:
        return ""
    # trafilatura's txt output puts one paragraph per line.
    return _assemble([_PARA.join(_clean(str(extracted)).split("\n"))])


def html_to_text(html: str, url: str | None = None) -> str:
    """Clean text of a whole article page (see the module docstring). Never raises."""
    if not html or not html.strip():
        return ""
    return _trafilatura_text(html, url) or page_fallback_text(html)


def _charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None




def decode_html(content: bytes, content_type: str | None = None) -> str:
    """A fetched page as text: HTTP charset, BOM, <meta charset>, UTF-8, else the legacy code page its
    letters fit (watchers.feeds.legacy: Windows-1251, KOI8-R or Windows-1252). Never raises."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            return content.decode(codec, errors="replace")
    meta = _META_CHARSET.search(content[:META_SNIFF_BYTES])
    declared = text_codec(_charset_from_content_type(content_type)) or text_codec(
        meta.group(1).decode("ascii", "replace") if meta else None
    )
    if declared:
        try:
            return content.decode(declared)
        except UnicodeDecodeError:
            pass  # the declaration lies (common); sniff below
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:  # undeclared legacy bytes: Windows-1251, KOI8-R or Windows-1252
        return content.decode(guess_legacy(content), errors="replace")


async def fetch_article_text(
    fetcher: Fetcher, article: Article, feed: Feed, offload: Callable[..., Awaitable[Any]] | None = None
) -> Article:
    """The article with its page's text when that is longer than what the feed gave; never raises.

    `offload(fn, *args)` runs the page's text extraction (default: a thread).
    Same fetch rules as feeds (SSRF guard with the feed's allow_private, redirects, timeouts) and the
    smaller page size cap. Any failure keeps the feed's own text and is logged with feed= and url=.
    """
    if not article.url:
        return article
    try:
        page = await fetcher.fetch_page(article.url, allow_private=feed.allow_private)
        if not page.content:
            return article
        html = decode_html(page.content, page.headers.get("content-type"))
        # trafilatura is CPU-bound (tens of ms a page, seconds on a hostile one): keep the event loop
        # free for the other feeds, on `offload` (the service's worker processes) or a thread.
        text: str = await (offload or asyncio.to_thread)(html_to_text, html, page.url)
    except FetchError as exc:
        log.warning(
            "full text unavailable, keeping the feed's text feed=%s url=%s: %s", feed.id, article.url, exc
        )
        return article
    except Exception:
        log.exception(
            "full text extraction failed, keeping the feed's text feed=%s url=%s", feed.id, article.url
        )
        return article
    text, cut = cap_text(text)
    if cut:
        log.warning(
            "page text cut to %d characters (MAX_ARTICLE_TEXT) feed=%s url=%s", len(text), feed.id, article.url
        )
    return with_page_lang(replace(article, text=text) if len(text) > len(article.text) else article, html)
