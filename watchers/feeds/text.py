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
from dataclasses import replace
from html import unescape
from types import ModuleType
from typing import TYPE_CHECKING

from lxml import etree

from rules.model import Feed
from watchers.feeds.charset import text_codec
from watchers.feeds.errors import FetchError
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

_PARA = "\x00"  # paragraph break marker while building; control characters are stripped from the input
_LINE = "\x01"  # line break marker (<br>)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\n\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
# How far into a page to look for <meta charset>: browsers look at the first 1024 bytes; be generous.
META_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class _Collected:
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
    time on any input; html.parser is quadratic on crafted markup, CVE-2025-6069) and walked without
    recursion, so deep nesting costs no stack."""
    out = _Collected()
    data = _CONTROL.sub("", html).encode("utf-8", errors="replace")  # "replace": lone surrogates
    try:
        root = etree.fromstring(data, _parser())
    except etree.LxmlError:
        log.debug("lxml could not read the markup", exc_info=True)
        return out
    if root is None:  # nothing but a comment, a doctype or whitespace
        return out
    parts, article_parts = out.parts, out.article_parts
    article_depth = pre_depth = 0

    def emit(piece: str | None) -> None:
        if piece:
            if pre_depth:  # keep the lines of preformatted text
                piece = piece.replace("\r\n", "\n").replace("\n", _LINE)
            parts.append(piece)
            if article_depth:
                article_parts.append(piece)

    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in skip:
                walker.skip_subtree()
                continue
            if tag == "br":
                emit(_LINE)
            elif tag in BLOCK_TAGS:
                emit(_PARA)
            if tag == "pre":
                pre_depth += 1
            if track_article and tag in ARTICLE_TAGS:
                article_depth += 1
            emit(element.text)
            continue
        if tag not in skip:
            if tag in BLOCK_TAGS:
                emit(_PARA)
            if tag == "pre" and pre_depth:
                pre_depth -= 1
            if track_article and tag in ARTICLE_TAGS and article_depth:
                emit(_PARA)
                article_depth -= 1
        emit(element.tail)
    return out


def _assemble(parts: list[str]) -> str:
    paragraphs = []
    for block in "".join(parts).split(_PARA):
        lines = [_SPACES.sub(" ", line).strip() for line in block.split(_LINE)]
        text = "\n".join(line for line in lines if line)
        if text:
            paragraphs.append(text)
    return "\n\n".join(paragraphs)


def html_fragment_to_text(html: str) -> str:
    """Clean text of a feed entry's HTML: paragraphs kept, markup and entities gone. Never raises."""
    if not html:
        return ""
    if "<" not in html:  # no markup (common for titles and summaries): entities only, no parser
        return _assemble([_CONTROL.sub("", unescape(html) if "&" in html else html)])
    return _assemble(_walk(html, FRAGMENT_SKIP_TAGS, track_article=False).parts)


def plain_text_paragraphs(text: str) -> str:
    """Plain text (text/plain content) normalised the same way: blank lines separate paragraphs."""
    blocks = re.split(r"\n\s*\n", _CONTROL.sub("", text.replace("\r\n", "\n")))
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
    return _assemble([_PARA.join(str(extracted).split("\n"))])


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
    """A fetched page as text: HTTP charset, BOM, <meta charset>, UTF-8, else Windows-1252. Never raises."""
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
    except UnicodeDecodeError:
        return content.decode("windows-1252", errors="replace")


async def fetch_article_text(fetcher: Fetcher, article: Article, feed: Feed) -> Article:
    """The article with its page's text when that is longer than what the feed gave; never raises.

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
        # trafilatura is CPU-bound (tens of ms a page): keep the event loop free for the other feeds.
        text = await asyncio.to_thread(html_to_text, html, page.url)
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
    return replace(article, text=text) if len(text) > len(article.text) else article
