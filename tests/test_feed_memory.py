"""A big feed is read in bounded memory, with the same result: the lxml fast path streams (each entry is
dropped from the tree once read, only the first MAX_ITEMS_PER_FEED become Entries), and feedparser is
handed only the first MAX_ITEMS_PER_FEED entries and only the readable part of an oversized one.
The memory itself is measured by bench/bench_feed_memory.py (10 MB feeds under 150 MB peak).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from rules.model import Feed
from watchers.feeds import fastxml
from watchers.feeds.entrybytes import MAX_ENTRY_BYTES, cap_entries, first_entries
from watchers.feeds.limits import MAX_ENTRY_CHARS, MAX_ITEMS_PER_FEED
from watchers.feeds.parse import parse_feed

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
FEED = Feed(id="ridge", url="https://ridgepost.test/feed", name="Ridge Post")
DOCTYPE = '<!DOCTYPE rss [<!ENTITY ferry "ferry">]>'  # the fast path declines any DOCTYPE: feedparser reads


def rss(items: list[str], doctype: str = "", bare_amp: bool = False) -> bytes:
    title = "Ridge Post &" if bare_amp else "Ridge Post"
    return (f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0"><channel><title>{title}</title>'
            f'{"".join(items)}</channel></rss>').encode()


def item(n: int, text: str = "Boats run hourly.") -> str:
    return (f"<item><guid>n{n}</guid><title>Timetable {n}</title><link>https://ridgepost.test/a/{n}</link>"
            f"<description>{text}</description></item>")


def test_the_fast_path_reads_the_first_entries_and_counts_them_all() -> None:
    body = rss([item(n) for n in range(2500)])
    read = fastxml.read_feed(body, MAX_ITEMS_PER_FEED)
    assert read is not None and read.count == 2500 and len(read.entries) == MAX_ITEMS_PER_FEED
    assert [e.guid for e in read.entries[:3]] == ["n0", "n1", "n2"]
    everything = fastxml.read_feed(body)
    assert everything is not None and everything.entries[:MAX_ITEMS_PER_FEED] == read.entries


@pytest.mark.parametrize("how", ["fast", "doctype", "malformed"])
def test_a_feed_over_the_item_cap_gives_its_first_items_whichever_parser(
    how: str, caplog: pytest.LogCaptureFixture
) -> None:
    items = [item(n) for n in range(MAX_ITEMS_PER_FEED + 300)]
    body = rss(items, doctype=DOCTYPE if how == "doctype" else "", bare_amp=how == "malformed")
    with caplog.at_level(logging.WARNING, logger="watchers.feeds.parse"):
        parsed = parse_feed(body, {}, FEED, NOW)
    assert parsed.fast == (how == "fast")
    assert [a.id for a in parsed.articles] == [f"ridgepost.test:n{n}" for n in range(MAX_ITEMS_PER_FEED)]
    assert not parsed.truncated
    [line] = [r.getMessage() for r in caplog.records if "MAX_ITEMS_PER_FEED" in r.getMessage()]
    assert f"{MAX_ITEMS_PER_FEED + 300} items" in line


def test_cutting_to_the_first_entries_keeps_the_closing_tags_and_a_truncated_end() -> None:
    body = rss([item(n) for n in range(5)])
    cut, count = first_entries(body, 3)
    assert count == 5 and cut.endswith(b"</channel></rss>") and cut.count(b"<item>") == 3
    assert first_entries(body, 5) == (body, None)
    truncated = body[: body.rindex(b"<description>")]  # the body ends inside its last entry
    cut, count = first_entries(truncated, 3)
    assert count == 5 and cut.count(b"<item>") == 4  # the cut-off entry is still last: it is left out
    parsed = parse_feed(truncated, {}, FEED, NOW, fast=False)
    assert parsed.truncated and len(parsed.articles) == 4


@pytest.mark.parametrize("how", ["doctype", "malformed"])
def test_an_oversized_entry_reaches_feedparser_cut_and_the_others_whole(
    how: str, caplog: pytest.LogCaptureFixture
) -> None:
    paragraph = "<p>The harbour board met again on Tuesday evening.</p>"
    huge = paragraph * (3 * MAX_ENTRY_CHARS // len(paragraph))
    body = rss([item(0), item(1, huge), item(2)], doctype=DOCTYPE if how == "doctype" else "",
               bare_amp=how == "malformed")
    with caplog.at_level(logging.WARNING, logger="watchers.feeds.parse"):
        parsed = parse_feed(body, {}, FEED, NOW)
    assert [a.id for a in parsed.articles] == ["ridgepost.test:n0", "ridgepost.test:n1", "ridgepost.test:n2"]
    assert parsed.articles[1].text.startswith("The harbour board met again")
    assert parsed.articles[0].text == parsed.articles[2].text == "Boats run hourly."
    assert any("only their first" in r.getMessage() for r in caplog.records)


def test_cap_entries_leaves_small_entries_alone() -> None:
    body = rss([item(n) for n in range(10)])
    assert cap_entries(body, MAX_ENTRY_BYTES) == (body, 0)
    big = rss([item(0, "x" * (MAX_ENTRY_BYTES + 10)), item(1)])
    cut, count = cap_entries(big, MAX_ENTRY_BYTES)
    assert count == 1 and len(cut) < MAX_ENTRY_BYTES + 1000 and cut.endswith(item(1).encode() + b"</channel></rss>")
