"""OPML, the subscription list feed readers import and export (http://opml.org/spec2.opml): read one, write one.

    read_opml(data) -> [OpmlFeed(url, title)]   every outline with an xmlUrl, folders flattened, in order
    write_opml(feeds, now) -> bytes             OPML 2.0, one <outline type="rss"> per feed

Reading is lxml with everything that reaches outside the document off: no entity expansion (an
"XML bomb" stays a few bytes, an external entity never reads a file), no DTD loading, no network, no
huge-tree mode. A document with a DOCTYPE that declares entities is refused outright: an OPML file
has no use for one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from lxml import etree


class OpmlError(ValueError):
    """The data is not an OPML document we can read; the message says what is wrong."""


@dataclass(frozen=True)
class OpmlFeed:
    url: str
    title: str  # the outline's title or text; may be empty


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def read_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds an OPML document lists (outlines with an http(s) xmlUrl); OpmlError if it is not OPML."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as e:
        raise OpmlError(f"not well-formed XML: {e}") from None
    doctype = root.getroottree().docinfo
    if doctype.internalDTD is not None and len(list(doctype.internalDTD.iterentities())):
        raise OpmlError("the document declares XML entities; an OPML file has no use for them")
    if not isinstance(root.tag, str) or etree.QName(root).localname != "opml":
        raise OpmlError(f"the root element is <{etree.QName(root).localname}>, not <opml>")
    body = root.find("body")
    if body is None:
        raise OpmlError("no <body> element")
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for outline in body.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        title = (outline.get("title") or outline.get("text") or "").strip()
        feeds.append(OpmlFeed(url, " ".join(title.split())))
    return feeds


def write_opml(feeds: Iterable[tuple[str, str]], now: datetime, title: str = "quotewatch feeds") -> bytes:
    """An OPML 2.0 document listing (url, name) pairs."""
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(now)
    body = etree.SubElement(root, "body")
    for url, name in feeds:
        etree.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=url)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))
