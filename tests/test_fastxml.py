"""The lxml fast path gives the very Articles feedparser gives, on every feed fixture and on variations
built to hit feedparser's quirks; and it declines (hands the document to feedparser) whatever it does
not model."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from pathlib import Path

import pytest
from feedparser.datetimes import _parse_date

from rules.model import Feed
from tests.e2e_harness import HOSTILE_TITLES
from watchers.feeds import fastxml
from watchers.feeds.errors import FetchError
from watchers.feeds.parse import ParsedFeed, parse_feed

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
DATA = Path(__file__).parent / "data"
FIXTURES = sorted(
    p for p in (*(DATA / "feeds").iterdir(), *(DATA / "scan").glob("*.xml")) if p.suffix in (".xml", ".rdf")
)
RSS_NS = (
    'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom" '
    'xmlns:x="http://example.test/ext"'
)


def both(body: bytes, content_type: str = "application/rss+xml") -> tuple[ParsedFeed, ParsedFeed]:
    feed = Feed(id="t", url="https://feeds.test/t/feed.xml", name="Test Outlet")
    headers = {"content-type": content_type}
    return (parse_feed(body, headers, feed, NOW, fast=True), parse_feed(body, headers, feed, NOW, fast=False))


def assert_same(body: bytes) -> ParsedFeed:
    fast, slow = both(body)
    assert fast.articles == slow.articles
    assert (fast.title, fast.ttl) == (slow.title, slow.ttl)
    return fast


def rss(*items: str, channel: str = "<title>Harbour Courier</title>") -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {RSS_NS}><channel>{channel}{"".join(items)}</channel></rss>'.encode()


def atom(*entries: str, head: str = "<title>Lantern Review</title>") -> bytes:
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" {RSS_NS.replace("xmlns:atom", "xmlns:a")}>{head}{"".join(entries)}</feed>'.encode()


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_both_paths_agree_on_every_feed_fixture(path: Path) -> None:
    try:
        assert_same(path.read_bytes())
    except FetchError:  # not a feed at all: both paths must refuse it
        with pytest.raises(FetchError):
            parse_feed(path.read_bytes(), {}, Feed(id="t", url="https://feeds.test/", name="T"), NOW, fast=False)


def test_the_fast_path_takes_the_well_formed_rss_2_fixtures() -> None:
    taken = {p.name for p in FIXTURES if both(p.read_bytes())[0].fast}
    assert {"rss20.xml", "rss_no_guid.xml", "wrong_charset.xml", "harbor.xml", "ledger.xml"} <= taken
    # feedparser's: RSS 0.91 and 1.0, Atom 0.3, xml:base, a DOCTYPE, broken XML
    assert not taken & {"rss091.xml", "rss10.rdf", "atom03.xml", "atom10_relative.xml", "entity_bomb.xml",
                        "malformed.xml"}


RSS_ITEMS = {
    "plain": "<item><title>Port fees rise</title><link>https://harbour.test/a?b=1&amp;c=2</link>"
             "<guid isPermaLink='false'>hc-1</guid><pubDate>Mon, 11 Mar 2024 08:30:00 +0100</pubDate>"
             "<description>&lt;p&gt;Fees rise.&lt;/p&gt;</description></item>",
    "permalink guid is the link": "<item><title>T</title><guid>https://harbour.test/p/2</guid></item>",
    "permalink guid, link after it": "<item><guid>https://harbour.test/g</guid><link>/rel/3</link><title>T</title></item>",
    "relative permalink guid": "<item><guid>story-4</guid><title>T</title></item>",
    "guid with extra slashes": "<item><guid>http:///harbour.test/x</guid><title>T</title></item>",
    "title that looks like html": "<item><guid isPermaLink='false'>5</guid><title>Fees &amp;amp; &lt;b&gt;tolls&lt;/b&gt;</title></item>",
    "title with a bare ampersand": "<item><guid isPermaLink='false'>6</guid><title>Fees &amp; tolls &lt; costs</title></item>",
    "content then description": "<item><guid isPermaLink='false'>7</guid><title>T</title><content:encoded><![CDATA[<p>Long body.</p><p>Two.</p>]]></content:encoded><description>Short</description></item>",
    "description then content": "<item><guid isPermaLink='false'>8</guid><title>T</title><description>Short</description><content:encoded><![CDATA[<p>Long body.</p>]]></content:encoded></item>",
    "empty content": "<item><guid isPermaLink='false'>9</guid><title>T</title><content:encoded></content:encoded><description>Only this</description></item>",
    "dc creator and dc date": "<item><guid isPermaLink='false'>10</guid><title>T</title><dc:creator> Mira  Okonkwo </dc:creator><dc:date>2024-03-11T07:30:00.5+02:00</dc:date></item>",
    "author with email": "<item><guid isPermaLink='false'>11</guid><title>T</title><author>desk@harbour.test (Desk)</author></item>",
    "odd date": "<item><guid isPermaLink='false'>12</guid><title>T</title><pubDate>11 Mar 2024 08:30 EST</pubDate></item>",
    "two-digit year date": "<item><guid isPermaLink='false'>13</guid><title>T</title><pubDate>Mon, 11 Mar 24 08:30:00 GMT</pubDate></item>",
    "unparseable date": "<item><guid isPermaLink='false'>14</guid><title>T</title><pubDate>yesterday</pubDate></item>",
    "no guid no link": "<item><title>T</title><description>Body</description><pubDate>Mon, 11 Mar 2024 08:30:00 GMT</pubDate></item>",
    "empty link": "<item><title>T</title><link></link><guid isPermaLink='false'>15</guid></item>",
    "atom link in rss": "<item><title>T</title><atom:link rel='alternate' href='https://harbour.test/al'/><guid isPermaLink='false'>16</guid></item>",
    "harmless extras": "<item><title>T</title><guid isPermaLink='false'>17</guid><category>Port</category><enclosure url='https://harbour.test/a.mp3' type='audio/mpeg' length='1'/><media:thumbnail url='https://harbour.test/t.jpg'/><x:score>5</x:score><comments>https://harbour.test/c</comments></item>",
    "mojibake": "<item><title>Caf\u00c3\u00a9 \u0080 owner</title><guid isPermaLink='false'>18</guid></item>",
    "link with entity-like text": "<item><title>T</title><link>https://harbour.test/?a=1&amp;amp;b=2&amp;c;d</link></item>",
    "whitespace around values": "<item><title>\n  Spaced  title \n</title><link>\n https://harbour.test/sp \n</link><guid isPermaLink='false'> 19 </guid></item>",
    "text ispermalink True": "<item><title>T</title><guid isPermaLink='True'>https://harbour.test/tp</guid></item>",
}
RSS_ITEMS |= {f"hostile title {i}": f"<item><guid isPermaLink='false'>h{i}</guid><title><![CDATA[{t.format(m='Vance')}]]></title></item>"
              for i, t in enumerate(HOSTILE_TITLES[:6])}


@pytest.mark.parametrize("name", RSS_ITEMS)
def test_rss_variations_agree(name: str) -> None:
    parsed = assert_same(rss(RSS_ITEMS[name], RSS_ITEMS["plain"]))
    assert parsed.fast or name == "hostile title 4"  # its control characters are not XML: feedparser's


ATOM_ENTRIES = {
    "plain": "<entry><id>tag:lantern.test,2024:1</id><title type='html'>Snap &amp;amp; election</title>"
             "<link href='https://lantern.test/a'/><updated>2024-03-12T05:45:00Z</updated>"
             "<author><name>Ilse Varga</name><email>iv@lantern.test</email></author>"
             "<content type='html'>&lt;p&gt;Body one.&lt;/p&gt;</content></entry>",
    "id is the link": "<entry><id>https://lantern.test/only-id</id><title>T</title></entry>",
    "link before id": "<entry><link href='https://lantern.test/b'/><id>https://lantern.test/id</id><title>T</title></entry>",
    "several links": "<entry><id>urn:x:2</id><title>T</title><link rel='self' href='https://lantern.test/self'/>"
                     "<link rel='alternate' type='application/pdf' href='https://lantern.test/pdf'/>"
                     "<link rel='alternate' href='https://lantern.test/html'/></entry>",
    "only a non-html alternate": "<entry><id>urn:x:3</id><title>T</title><link rel='alternate' type='audio/mpeg' href='https://lantern.test/a.mp3'/></entry>",
    "text content": "<entry><id>urn:x:4</id><title type='text'>Fees &lt;up&gt;</title><content>Line one\n\nLine two &lt;b&gt;</content></entry>",
    "summary then content": "<entry><id>urn:x:5</id><title>T</title><summary>Short</summary><content type='html'>&lt;p&gt;Long&lt;/p&gt;</content></entry>",
    "published and updated": "<entry><id>urn:x:6</id><title>T</title><published>2024-03-11T08:00:00+01:00</published><updated>2024-03-12T08:00:00Z</updated></entry>",
    "author name only": "<entry><id>urn:x:7</id><title>T</title><author><name>Desk</name><uri>https://lantern.test/</uri></author></entry>",
    "author email only": "<entry><id>urn:x:8</id><title>T</title><author><email>desk@lantern.test</email></author></entry>",
    "relative link": "<entry><id>urn:x:9</id><title>T</title><link href='../story/9'/></entry>",
}


@pytest.mark.parametrize("name", ATOM_ENTRIES)
def test_atom_variations_agree(name: str) -> None:
    assert assert_same(atom(ATOM_ENTRIES[name], ATOM_ENTRIES["plain"])).fast


DECLINED = {
    "xml:base": atom("<entry xml:base='https://lantern.test/x/'><id>urn:x:1</id><title>T</title><link href='a'/></entry>"),
    "doctype": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "x">]><rss version="2.0"><channel><title>&a;</title></channel></rss>',
    "rss 0.92": b'<rss version="0.92"><channel><title>C</title><item><title>T</title></item></channel></rss>',
    "rdf": b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><channel><title>C</title></channel><item rdf:about="https://x.test/1"><title>T</title></item></rdf:RDF>',
    "not well-formed": rss("<item><title>Fees & tolls</title></item>"),
    "media title": rss("<item><title>T</title><media:title>Other</media:title></item>"),
    "media description": rss("<item><title>T</title><description>A</description><media:description>B</media:description></item>"),
    "dc title": rss("<item><title>T</title><dc:title>Other</dc:title></item>"),
    "two descriptions": rss("<item><title>T</title><description>A</description><description>B</description></item>"),
    "two titles": rss("<item><title>A</title><title>B</title></item>"),
    "inline xhtml": atom("<entry><id>urn:x:1</id><title>T</title><content type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'><p>x</p></div></content></entry>"),
    "markup inside description": rss("<item><title>T</title><description><p>x</p></description></item>"),
    "base64 content": atom("<entry><id>urn:x:1</id><title>T</title><content type='image/png'>aGk=</content></entry>"),
    "media group": rss("<item><title>T</title><media:group><media:content url='https://x.test/v'/></media:group></item>"),
    "items outside the channel": b'<rss version="2.0"><channel><title>C</title></channel><item><title>T</title></item></rss>',
}


@pytest.mark.parametrize("body", DECLINED.values(), ids=DECLINED.keys())
def test_what_the_fast_path_does_not_model_goes_to_feedparser(body: bytes) -> None:
    assert fastxml.read_feed(body) is None
    try:
        fast, slow = both(body)
    except FetchError:
        return
    assert not fast.fast and fast.articles == slow.articles


@pytest.mark.parametrize(
    "value",
    [
        "Mon, 11 Mar 2024 08:30:00 +0100", "Mon, 11 Mar 2024 08:30:00 -0530", "Tue, 12 Mar 2024 11:43:00 GMT",
        "12 Mar 2024 11:43:00 UT", "Sun, 31 Dec 2023 23:59:59 +1400", "Mon, 1 Jan 2024 00:00:00 Z",
        "Fri, 29 Feb 2024 12:00:00 UTC", "Thu, 30 Feb 2024 12:00:00 GMT", "Mon, 11 Mar 2024 24:00:00 GMT",
        "2024-03-12T05:45:00Z", "2024-03-12T05:45:00.999Z", "2024-03-12T05:45:00+05:30", "2024-03-12T05:45:00-08:00",
        "2024-13-01T00:00:00Z", "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "Mon, 11 Mar 2024 08:30 EST",
        "2024-03-12", "", "not a date",
    ],
)
def test_dates_are_the_instants_feedparser_reads(value: str) -> None:
    parsed = _parse_date(value)
    expected = None
    if parsed is not None:
        try:
            expected = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
        except (OverflowError, ValueError, OSError):
            expected = None
    assert fastxml._date(value) == expected
