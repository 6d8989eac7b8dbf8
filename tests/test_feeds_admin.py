"""/addfeed and /removefeed (issue #16 item 7): a new feed is fetched once through the service's fetcher and
SSRF guard, the answer shows the outlet and its latest three items, the rules file gets the table with
its comments kept. The harness is tests/test_bot_commands.py's; the feed is served by tests/feedserver.py
under a made-up public name that the fetcher's network routes to loopback (as in tests/test_fetch.py)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from feedserver import FeedServer

from bot.commands.feeds import FETCHER_KEY
from rules.load import load_rules
from tests import test_bot_commands as harness
from tests.test_bot_commands import ADMIN, RULES, USER, Harness
from tests.test_fetch import PUBLIC_IP, Routes
from watchers.feeds.fetch import Fetcher

h, rules_path, store = harness.h, harness.rules_path, harness.store

ITEMS = [  # (title, day of March 2026): fictional wire items, not in date order
    ("Quay levy vote set for Thursday", 3),
    ("Harbour pilots end their strike", 9),
    ("Grain barges wait at the lock", 1),
    ("Port authority names a new spokesman", 12),
    ("Ferry timetable changes in April", 7),
]


def rss(title: str = "Quay Wire") -> bytes:
    items = "".join(
        f"<item><title>{t}</title><link>https://quaywire.example/{n}</link><guid>qw-{n}</guid>"
        f"<pubDate>{day:02d} Mar 2026 10:00:00 GMT</pubDate><description>{t}.</description></item>"
        for n, (t, day) in enumerate(ITEMS)
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://quaywire.example/</link><description>Wire</description>{items}</channel></rss>").encode()


@pytest.fixture
def routed(h: Harness) -> None:
    """/addfeed's fetcher resolves every name to a public address that is really our loopback server."""

    async def public(host: str, port: int) -> Sequence[str]:
        return [PUBLIC_IP]

    h.app.bot_data[FETCHER_KEY] = lambda: Fetcher(resolver=public, network=Routes())


async def test_addfeed_fetches_once_shows_the_latest_three_and_writes_the_rules(
    h: Harness, rules_path: Path, feed_server: FeedServer, routed: None
) -> None:
    feed_server.serve("/rss", rss())
    url = feed_server.url("/rss", host="quaywire.test")
    answer = await h.reply(ADMIN, f"/addfeed {url}")
    lines = answer.splitlines()
    assert lines[0] == f"Added feed quay-wire: Quay Wire, {url}"
    assert lines[1] == "Latest of 5 item(s):"
    assert [line.split(" (")[0] for line in lines[2:5]] == [
        "• Port authority names a new spokesman", "• Harbour pilots end their strike",
        "• Ferry timetable changes in April"]
    assert "/removefeed quay-wire" in lines[-1]
    assert feed_server.hits("/rss") == 1  # fetched once
    text = rules_path.read_text()
    assert text.startswith("# Test rules") and 'id = "quay-wire"' in text and 'name = "Quay Wire"' in text
    feed = load_rules(rules_path).feed("quay-wire")
    assert feed is not None and feed.url == url and not feed.allow_private
    assert h.holder.rules.feed("quay-wire") is not None  # reloaded: the service polls it from now on
    assert "already" in await h.reply(ADMIN, f"/addfeed {url}")


async def test_addfeed_takes_a_name_and_keeps_ids_unique(
    h: Harness, feed_server: FeedServer, routed: None
) -> None:
    feed_server.serve("/a", rss("The Harbour Ledger"))
    answer = await h.reply(ADMIN, f"/addfeed {feed_server.url('/a', host='ledger2.test')} The Harbour Ledger")
    assert answer.startswith("Added feed the-harbour-ledger: The Harbour Ledger")
    feed_server.serve("/b", rss("The Harbour Ledger"))
    answer = await h.reply(ADMIN, f"/addfeed {feed_server.url('/b', host='ledger3.test')}")
    assert answer.startswith("Added feed the-harbour-ledger-2: The Harbour Ledger")


async def test_addfeed_goes_through_the_ssrf_guard(h: Harness, rules_path: Path, feed_server: FeedServer) -> None:
    feed_server.serve("/rss", rss())
    before = rules_path.read_text()
    answer = await h.reply(ADMIN, f"/addfeed {feed_server.url('/rss')}")  # 127.0.0.1, the real fetcher
    assert answer.startswith("Not added:") and "127.0.0.1" in answer
    assert feed_server.hits("/rss") == 0 and rules_path.read_text() == before


async def test_addfeed_refuses_what_is_not_a_feed(
    h: Harness, rules_path: Path, feed_server: FeedServer, routed: None
) -> None:
    before = rules_path.read_text()
    feed_server.serve("/page", b"<html><body><p>Opening hours of the quay office.</p></body></html>",
                      content_type="text/html")
    assert (await h.reply(ADMIN, f"/addfeed {feed_server.url('/page', host='page.test')}")).startswith("Not added:")
    assert (await h.reply(ADMIN, f"/addfeed {feed_server.url('/missing', host='page.test')}")).startswith(
        "Not added:")
    assert "full address" in await h.reply(ADMIN, "/addfeed quaywire.example/rss")
    assert "only the bot's admins" in await h.reply(USER, "/addfeed https://quaywire.example/rss")
    assert rules_path.read_text() == before


async def test_removefeed_says_how_to_undo_and_keeps_watches_sound(h: Harness, rules_path: Path) -> None:
    answer = await h.reply(ADMIN, "/removefeed courier")
    assert answer == "Feed courier removed. To undo: /addfeed https://courier.example/rss Northport Courier"
    assert [f.id for f in h.holder.rules.feeds] == ["ledger"]
    assert rules_path.read_text().startswith("# Test rules")
    # a watch that reads only one feed would read every feed without it: refused
    rules_path.write_text(RULES.replace('topics = ["grain"]', 'topics = ["grain"]\nfeeds = ["ledger"]'),
                          encoding="utf-8")
    h.holder.reload()
    answer = await h.reply(ADMIN, "/removefeed ledger")
    assert answer.startswith("Not changed:") and "grain-watch" in answer
    assert "Not changed" in await h.reply(ADMIN, "/removefeed nosuch")
