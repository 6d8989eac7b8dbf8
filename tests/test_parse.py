"""parse_feed over the fixture feeds in tests/data/feeds (RSS 0.91/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.0/1.1)."""

from __future__ import annotations

import random
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rules.model import Feed
from watchers.feeds.errors import NotAFeed, ParseError
from watchers.feeds.parse import ParsedFeed, parse_feed
from watchers.feeds.urls import canonical_url, resolve

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)


def parse(
    feeds_dir: Path, name: str, content_type: str = "application/xml", url: str | None = None
) -> ParsedFeed:
    feed = Feed(id=name.split(".")[0], url=url or f"https://feeds.test/{name}", name="Test Outlet")
    return parse_feed((feeds_dir / name).read_bytes(), {"content-type": content_type}, feed, NOW)


@pytest.mark.parametrize(
    "name",
    [
        "rss091.xml",
        "rss10.rdf",
        "rss20.xml",
        "atom03.xml",
        "atom10_relative.xml",
        "jsonfeed10.json",
        "jsonfeed11.json",
    ],
)
def test_every_format_yields_articles_with_the_shared_invariants(feeds_dir: Path, name: str) -> None:
    parsed = parse(feeds_dir, name, "application/feed+json" if name.endswith(".json") else "application/xml")
    assert parsed.title
    assert parsed.articles
    for article in parsed.articles:
        assert article.id and article.title and article.text
        assert article.feed == name.split(".")[0] and article.outlet == "Test Outlet"
        assert article.published.tzinfo is not None and article.published.utcoffset() == timedelta(0)
        assert article.url.startswith(("http://", "https://"))
        assert "\n\n\n" not in article.text and article.text == article.text.strip()


def test_rss2_entry_fields(feeds_dir: Path) -> None:
    parsed = parse(feeds_dir, "rss20.xml")
    port = parsed.articles[0]
    # a plain guid, scoped to the feed's host: the same article via another feed of the outlet matches
    assert port.id == "feeds.test:hcc-2024-0311-port"
    assert port.url == "https://www.harbourcourier.test/politics/2024/03/port-tariffs?a=1&b=2"
    assert port.title == 'Port authority chief defends "measured" tariff rise'
    assert port.published == datetime(2024, 3, 11, 8, 30, tzinfo=UTC)  # +0100 converted to UTC
    assert port.author == "Mira Okonkwo-Hale"
    paragraphs = port.text.split("\n\n")
    assert len(paragraphs) == 3  # content:encoded preferred over the one-line description
    assert paragraphs[1].startswith("\u201cThis is a measured step")
    assert "trackReader" not in port.text
    assert parsed.ttl == 30 * 60


def test_entity_escaped_html_description_becomes_paragraphs(feeds_dir: Path) -> None:
    tram = parse(feeds_dir, "rss20.xml").articles[1]
    assert tram.text.split("\n\n") == [
        "Councillors postponed the vote by two weeks.",
        '"We need the costings," said deputy mayor Lina Sorvik.',
    ]
    assert tram.url == "https://www.harbourcourier.test/politics/2024/03/tram-vote"  # fbclid dropped


def test_absurd_future_date_falls_back_to_first_seen(feeds_dir: Path) -> None:
    ferry = parse(feeds_dir, "rss20.xml").articles[2]
    assert ferry.published == NOW


def test_rss_without_guid_uses_canonical_link_then_a_stable_hash(feeds_dir: Path) -> None:
    first = parse(feeds_dir, "rss_no_guid.xml").articles
    again = parse(feeds_dir, "rss_no_guid.xml").articles
    assert first[0].id == "https://fenwickstar.test/health/wing"  # ?ref=homepage is tracking
    assert first[1].id.startswith("sha1:") and first[1].url == ""
    assert [a.id for a in first] == [a.id for a in again]
    assert len({a.id for a in first}) == 3


def test_atom_relative_links_resolve_against_xml_base(feeds_dir: Path) -> None:
    articles = parse(
        feeds_dir, "atom10_relative.xml", url="https://lanternreview.test/feeds/all.atom"
    ).articles
    assert articles[0].url == "https://lanternreview.test/opinion/2024/snap-election"  # the entry's xml:base
    assert articles[1].url == "https://lanternreview.test/news/budget-hearing"  # the feed's xml:base
    assert articles[0].title == "Minister rules out snap election"
    assert articles[0].published == datetime(2024, 3, 12, 5, 45, tzinfo=UTC)


def test_relative_links_without_xml_base_resolve_against_the_feed_url() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
      <entry><id>urn:x:1</id><title>A</title><link href="../stories/a"/></entry></feed>"""
    feed = Feed(id="t", url="https://site.test/feeds/main.atom", name="T")
    parsed = parse_feed(body, {}, feed, NOW, base_url="https://site.test/feeds/v2/main.atom")
    assert parsed.articles[0].url == "https://site.test/feeds/stories/a"  # base_url wins over feed.url


def test_guids_are_kept_verbatim_not_resolved_as_urls() -> None:
    body = b"""<rss version="2.0"><channel><title>C</title>
      <item><guid>story-991</guid><title>T</title><link>/s/991</link></item></channel></rss>"""
    parsed = parse_feed(
        body,
        {"content-location": "https://c.test/rss"},
        Feed(id="c", url="https://c.test/rss", name="C"),
        NOW,
    )
    assert parsed.articles[0].id == "c.test:story-991"
    assert parsed.articles[0].url == "https://c.test/s/991"


def test_json_feed_items(feeds_dir: Path) -> None:
    parsed = parse(
        feeds_dir, "jsonfeed11.json", "application/feed+json", url="https://coastline.test/feed.json"
    )
    dredging, lighthouse = parsed.articles
    assert dredging.url == "https://coastline.test/2024/03/harbour-dredging"
    assert dredging.title == "Dredging contract & the harbour"
    assert dredging.author == "Tomas Ilves"
    assert lighthouse.id == "coastline.test:7782"  # numeric ids are kept as text
    assert lighthouse.author == "Coastline Daily desk"  # feed-level author
    assert lighthouse.published == NOW  # unparseable date
    assert lighthouse.text.count("\n\n") == 1


def test_json_feed_detected_without_content_type(feeds_dir: Path) -> None:
    parsed = parse(feeds_dir, "jsonfeed10.json", "text/plain")
    assert parsed.articles[0].published == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def test_malformed_feed_with_entries_still_yields_them(feeds_dir: Path) -> None:
    parsed = parse(feeds_dir, "malformed.xml")
    assert parsed.bozo
    assert [a.id for a in parsed.articles] == ["feeds.test:ebh-bridge", "feeds.test:ebh-market"]
    assert parsed.articles[0].title == "Bridge repairs finish early & under budget"


def test_wrong_charset_declaration_is_recovered(feeds_dir: Path) -> None:
    parsed = parse(feeds_dir, "wrong_charset.xml")
    assert parsed.title == "Caf\u00e9 Society Weekly"
    assert parsed.articles[0].title == "\u201cNo more queues,\u201d promises caf\u00e9 owner"


def test_entity_bomb_expands_nothing(feeds_dir: Path) -> None:
    tracemalloc.start()
    try:
        parsed = parse(feeds_dir, "entity_bomb.xml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # fully expanded, "&j;" would be 500 MB
    assert all(len(a.title) < 200 and len(a.text) < 200 for a in parsed.articles)
    assert len(parsed.title or "") < 200


def test_html_page_is_not_a_feed_and_says_what_to_do(feeds_dir: Path) -> None:
    with pytest.raises(NotAFeed, match="HTML page"):
        parse(feeds_dir, "not_a_feed.html", "text/html")


@pytest.mark.parametrize("body", [b"", b"\x89PNG\r\n\x1a\n\x00\x00garbage", b"just some words"])
def test_garbage_is_not_a_feed(body: bytes) -> None:
    with pytest.raises(NotAFeed):
        parse_feed(body, {}, Feed(id="x", url="https://x.test/", name="X"), NOW)


@pytest.mark.parametrize("body", [b"{not json", b'{"items": 3}', b"[1, 2]"])
def test_broken_json_feed_raises_parse_error(body: bytes) -> None:
    with pytest.raises(ParseError):
        parse_feed(
            body,
            {"content-type": "application/feed+json"},
            Feed(id="x", url="https://x.test/", name="X"),
            NOW,
        )


def test_duplicate_items_in_one_document_are_kept_once() -> None:
    item = "<item><guid>same</guid><title>T</title><description>D</description></item>"
    body = f'<rss version="2.0"><channel><title>C</title>{item}{item}</channel></rss>'.encode()
    parsed = parse_feed(body, {}, Feed(id="x", url="https://x.test/", name="X"), NOW)
    assert [a.id for a in parsed.articles] == ["x.test:same"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "HTTPS://News.Example.TEST:443/a/b?utm_source=x&z=1&a=2#frag",
            "https://news.example.test/a/b?a=2&z=1",
        ),
        ("http://news.test:80", "http://news.test/"),
        (
            "http://news.test:8080/x?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&yclid=5&_ga=6&ref=7",
            "http://news.test:8080/x",
        ),
        ("https://news.test/x?cmpid=rss&ocid=msn&id=42&UTM_Medium=feed", "https://news.test/x?id=42"),
        ("https://news.test/x?b=&a=1", "https://news.test/x?a=1&b="),
        ("mailto:desk@news.test", "mailto:desk@news.test"),
        ("  https://news.test/padded  ", "https://news.test/padded"),
        ("https://News.test/x?utm_source=a&utm_medium=b#top", "https://news.test/x"),  # all tracking
        ("https://news.test/x?utm%5Fsource=a&Utm_Campaign=b", "https://news.test/x"),  # encoded, any case
        ("https://news.test/x?utm_source=a&b=2+3&a=%7E", "https://news.test/x?a=~&b=2+3"),
        ("https://user:pw@News.test:8443/x?ref=1", "https://user:pw@news.test:8443/x"),
        ("https://[2001:DB8::1]/x?gclid=1", "https://[2001:db8::1]/x"),
    ],
)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


def test_resolve_keeps_absolute_links_and_joins_relative_ones() -> None:
    assert resolve("https://a.test/x", "https://b.test/") == "https://a.test/x"
    assert resolve("../y", "https://b.test/p/q/feed.xml") == "https://b.test/p/y"
    assert resolve("/y", None) == "/y"


@pytest.mark.parametrize(
    ("guid", "expected"),
    [
        ("12345", "ledger.example:12345"),  # unique only within its publisher
        ("story-991", "ledger.example:story-991"),
        ("https://ledger.example/a/1", "https://ledger.example/a/1"),  # absolute: kept, matches across feeds
        ("urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427", "urn:uuid:1b4e28ba-2fa1-11d2-883f-0016d3cca427"),
        ("tag:ledger.example,2024:1", "tag:ledger.example,2024:1"),
    ],
)
def test_plain_guids_are_scoped_to_the_feeds_host(guid: str, expected: str) -> None:
    body = f'<rss version="2.0"><channel><title>C</title><item><guid>{guid}</guid><title>T</title></item></channel></rss>'
    parsed = parse_feed(body.encode(), {}, Feed(id="ledger", url="https://ledger.example/rss", name="L"), NOW)
    assert parsed.articles[0].id == expected


def test_items_without_a_plausible_date_are_marked_undated() -> None:
    items = "".join(
        f"<item><guid>g{n}</guid><title>T{n}</title>{date}</item>"
        for n, date in enumerate(("<pubDate>Mon, 11 Mar 2024 08:00:00 GMT</pubDate>", "",
                                  "<pubDate>Thu, 01 Jan 1970 00:00:00 GMT</pubDate>"))
    )
    body = f'<rss version="2.0"><channel><title>C</title>{items}</channel></rss>'.encode()
    dated, undated, epoch = parse_feed(body, {}, Feed(id="c", url="https://c.test/rss", name="C"), NOW).articles
    assert dated.dated and not undated.dated and not epoch.dated
    assert undated.published == NOW  # first-seen time stands in


def test_the_plain_title_shortcut_equals_the_paragraph_path() -> None:
    from watchers.feeds.entry import Construct
    from watchers.feeds.parse import _one_line_title, one_line
    from watchers.feeds.text import plain_text_paragraphs

    alphabet = ["a", "b", " ", "\t", "\n", "\r", "\x00", "\x01", "\x0b", "\x1f", "\x7f", "\x85", "\u00a0",
                "\u1680", "\u2000", "\u200b", "\u2028", "\u2029", "\u202f", "\u3000", "\ue000", "\ue001", "\u00e9"]
    rng = random.Random(7)
    for _ in range(5000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert _one_line_title(Construct(value, html=False)) == one_line(plain_text_paragraphs(value)), repr(value)
