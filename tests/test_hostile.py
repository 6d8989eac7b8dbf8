"""Hostile input: whatever a feed, a rules file or a chat user throws at quotewatch ends in a clear error or a
safe rendering, never a crash, and the bot token never shows.

Alerts: markup meant to break the alert (javascript: links, unbalanced tags, Telegram entity syntax), 100 KB
titles, control characters, bidi overrides, zero-width joiners in names -> Telegram-valid HTML (checked
by the fake Bot API's own parser), within 4096 characters. Feeds: entity bombs and external entities
expand nothing; a truncated body never costs an article; a private address needs allow_private. Rules:
100k aliases, a 1 MB alias, regex-looking aliases. Commands: the real service answers oversized and
malformed arguments and a non-admin's admin commands politely, and changes nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
import time
import tracemalloc
import unicodedata
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.render import render_alert, render_plain
from rules.load import MAX_TERM_LENGTH, check_file, parse_rules
from rules.match import Matcher
from rules.model import Feed, Rules, Speaker, Topic, Watch
from tests.e2e_harness import (
    ADMIN_USER,
    HOSTILE_COMMANDS,
    HOSTILE_TITLES,
    Harness,
    HarnessConfig,
)
from tests.fake_telegram import MAX_MESSAGE_LENGTH, TOKEN, parse_html, utf16_len
from tests.feedserver import FeedServer
from tests.polling import poll_cycle
from watchers.feeds.parse import parse_feed, scoped_guid
from watchers.model import Alert, Source, Statement, Story

NOW = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
HOSTILE_TEXT = (
    *(t.format(m="Kessavik") for t in HOSTILE_TITLES),
    "</blockquote></b><pre><code>",
    "&lt;b&gt; & &amp; &#0; &#x110000; <tg-spoiler>x",
    "Kova\u200dlenko \u200b\u2060 zero-width",
    "line\nbreak\ttab\x0bvt\x0cff\u2028ls\u2029ps\x85nel",
)


def story(title: str, quote: str, speaker: str = "Marta Kovalenko", url: str = "https://m.example/a",
          outlet: str = "Meridian Wire", sources: int = 1) -> Story:
    return Story(
        id="s1", speaker_id="kovalenko", speaker=speaker, topics=("grain", title[:50]),
        quotes=(Statement(quote, 0, len(quote), "direct", speaker, "kovalenko"),
                Statement(title, 0, len(title), "indirect", "Oskar <b>Brandt</b>", "brandt")),
        sources=tuple(Source(url, title, "meridian", outlet, NOW - timedelta(minutes=i)) for i in range(sources)),
        first_seen=NOW,
    )


# ---------------------------------------------------------------------------------------------------
# Alerts


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=range(len(HOSTILE_TEXT)))
def test_hostile_text_renders_as_valid_telegram_html_and_only_as_text(text: str) -> None:
    hostile = story(title=text, quote=text, speaker=text[:300] or "x", url=f"javascript:alert('{text[:20]}')",
                    outlet=text, sources=40)
    message = render_alert(hostile, NOW)
    plain, entities = parse_html(message)  # raises as Telegram would ("can't parse entities")
    assert utf16_len(plain) <= MAX_MESSAGE_LENGTH
    assert not any(e.get("url", "").lower().startswith(("javascript:", "tg:")) for e in entities)
    assert all(e["type"] in ("bold", "italic", "blockquote", "text_link") for e in entities)
    assert not BIDI & set(plain)
    assert not any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in plain)


def test_markup_in_a_title_is_shown_literally_not_interpreted() -> None:
    message = render_alert(story('<a href="javascript:alert(1)">Click</a> <b>x', "We will reopen the port."), NOW)
    plain, entities = parse_html(message)
    assert '<a href="javascript:alert(1)">Click</a> <b>x' in plain
    assert [e["url"] for e in entities if e["type"] == "text_link"] == ["https://m.example/a"]


def test_a_100_kb_title_leaves_the_quote_and_the_outlet_in_the_alert() -> None:
    quote = "The grain corridor stays open for as long as the inspections hold."
    message = render_alert(story("Headline " * 12_000, quote, sources=3), NOW)
    plain, _ = parse_html(message)
    assert quote in plain and "Meridian Wire" in plain
    assert utf16_len(plain) <= MAX_MESSAGE_LENGTH


def test_console_alert_carries_no_terminal_escapes_or_bidi_overrides() -> None:
    text = render_plain(story("Bell\x07 \x1b[2J\x1b]0;pwned\x07 \u202eevil", "We \x1b[31mwill\x1b[0m go."), NOW)
    assert "\x1b" not in text and "\x07" not in text and not BIDI & set(text)


# ---------------------------------------------------------------------------------------------------
# Feeds

FEED = Feed("hostile", "https://hostile.example/rss", "Hostile Gazette")


def ids(*guids: str) -> list[str]:
    """Article ids of FEED's items with these guids (plain guids are scoped to the feed's host)."""
    return [scoped_guid(guid, FEED) for guid in guids]

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY a "laughlaughlaughlaughlaughlaughlaughlaughlaughlaugh">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<rss version="2.0"><channel><title>&h;</title>
<item><title>Laughs &h; and &xxe;</title><guid>bomb-1</guid><description>&h; &xxe;</description></item>
</channel></rss>"""


def test_billion_laughs_and_external_entities_expand_nothing() -> None:
    tracemalloc.start()
    try:
        parsed = parse_feed(BILLION_LAUGHS, {}, FEED, NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024  # &h; expanded is 500 MB
    for article in parsed.articles:
        assert "root:" not in article.text and "root:" not in article.title  # no /etc/passwd
        assert len(article.text) < 1000 and len(article.title) < 1000


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile Gazette</title>
<item><title>Veltria signals grain corridor talks</title><guid>hg-1</guid>
<pubDate>Mon, 16 Nov 2026 13:00:00 GMT</pubDate>
<description><![CDATA[<p>"We are prepared to sit down with all parties on Tuesday, and the grain corridor will be the first item," Foreign Ministry spokeswoman Marta Kovalenko told reporters.</p>]]></description></item>
<item><title>Kovalenko sets terms for grain exports</title><guid>hg-2</guid>
<pubDate>Mon, 16 Nov 2026 12:00:00 GMT</pubDate>
<description><![CDATA[<p>"Grain exports through Lisk will double within ten days, whatever the insurers decide," Marta Kovalenko said at a briefing in Tarvos.</p>]]></description></item>
</channel></rss>
"""


def test_a_body_cut_off_inside_an_entry_leaves_that_entry_out_for_next_time() -> None:
    body = RSS.encode()
    cut = body.index(b"whatever the insurers")  # inside the second item's description
    parsed = parse_feed(body[:cut], {}, FEED, NOW)
    assert parsed.truncated
    assert [a.id for a in parsed.articles] == ids("hg-1")
    whole = parse_feed(body, {}, FEED, NOW)
    assert not whole.truncated and [a.id for a in whole.articles] == ids("hg-1", "hg-2")


def test_a_body_cut_between_entries_keeps_every_complete_entry() -> None:
    body = RSS.encode()
    parsed = parse_feed(body[: body.rindex(b"</channel>")], {}, FEED, NOW)
    assert not parsed.truncated
    assert [a.id for a in parsed.articles] == ids("hg-1", "hg-2")


def rules_for(url: str, allow_private: bool = True) -> Rules:
    return Rules(
        feeds=(Feed("hostile", url, "Hostile Gazette", interval=60.0, allow_private=allow_private),),
        speakers=(Speaker("kovalenko", "Marta Kovalenko", ("Kovalenko",)),),
        topics=(Topic("grain", any=("grain corridor", "grain exports")),),
        watches=(Watch("w", ("kovalenko",), (-100,), topics=("grain",)),),
    )


async def poll_once(rules: Rules, db: str, now: datetime) -> tuple[list[Alert], str]:
    alerts, report = await poll_cycle(rules, db, now)
    return alerts, report.polls[0].status


async def test_an_entry_cut_off_by_a_truncated_response_is_alerted_on_the_next_poll(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    body = RSS.encode()
    cut = body.index(b"whatever the insurers")
    feed_server.serve("/feed", body[:cut], etag='"v1"')  # a proxy that cut the body, ETag and all
    rules = rules_for(feed_server.url("/feed"))
    db = str(tmp_path / "h.db")
    first, status = await poll_once(rules, db, NOW)
    assert status == "ok"
    assert len(first) == 1
    with closing(sqlite3.connect(db)) as conn:
        assert conn.execute("SELECT etag FROM feeds").fetchone()[0] is None  # no 304 may hide the rest
    feed_server.serve("/feed", body, etag='"v1"')
    second, _ = await poll_once(rules, db, NOW + timedelta(minutes=5))
    assert [a.story.sources[0].title for a in second] == ["Kovalenko sets terms for grain exports"]


async def test_a_feed_on_a_private_address_needs_allow_private(feed_server: FeedServer, tmp_path: Path) -> None:
    feed_server.serve("/feed", RSS)
    rules = rules_for(feed_server.url("/feed"), allow_private=False)
    db = str(tmp_path / "h.db")
    alerts, status = await poll_once(rules, db, NOW)
    assert (alerts, status) == ([], "error")
    assert feed_server.hits("/feed") == 0
    with closing(sqlite3.connect(db)) as conn:
        error, errors = conn.execute("SELECT last_error, consecutive_errors FROM feeds").fetchone()
    assert "allow_private = true" in error and "127.0.0.1" in error
    assert errors == 1


# ---------------------------------------------------------------------------------------------------
# Rules files

RULES = """[[feeds]]
id = "a"
url = "https://a.example/rss"

[[speakers]]
id = "k"
name = "Marta Kovalenko"
aliases = {aliases}

[[watches]]
id = "w"
speakers = ["k"]
chats = [1]
"""


def aliases(values: list[str]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def test_a_1_mb_alias_is_refused_with_its_location() -> None:
    # Regression: a ~1 MB alias compiled, then crashed the process (segfault in pyahocorasick's recursive
    # free) when the matcher was replaced on the next reload.
    rules, problems = parse_rules(RULES.format(aliases=aliases(["x" * 999_000])), "big.toml")
    assert rules is None
    assert len(problems) == 1
    assert str(problems[0]).startswith("big.toml:8:")
    assert "aliases[0]" in problems[0].message and f"under {MAX_TERM_LENGTH + 1} characters" in problems[0].message


def test_a_rules_file_over_a_megabyte_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.toml"
    path.write_text(RULES.format(aliases=aliases([f"Alias number {i}" for i in range(100_000)])))
    rules, problems = check_file(path)
    assert rules is None and "too large" in problems[0].message


def test_100k_short_aliases_load_and_match_whole_words_only() -> None:
    rules, problems = parse_rules(RULES.format(aliases=aliases([f"Q{i}" for i in range(100_000)])), "many.toml")
    assert rules is not None, problems
    matcher = Matcher.compile(rules)
    hits = matcher.scan("The envoy, known as Q99999, spoke; Q1000000 did not.")
    assert [h.text for h in hits if h.kind == "speaker"] == ["Q99999"]


def test_a_regex_looking_alias_is_refused_or_literal_and_never_backtracks() -> None:
    # Aliases are plain words, never regular expressions. One made mostly of symbols is refused with its
    # place (as a regex it would match everything, and as words it would shrink to a common word); one
    # that is mostly letters is matched literally, fast, whatever it would mean as a regex.
    _, problems = parse_rules(RULES.format(aliases=aliases(["K.*o", "(x+x+)+y", "[A-Z]\\\\w+"])), "re.toml")
    assert [p.message.split(":")[0] for p in problems] == ["speakers[0].aliases[1]", "speakers[0].aliases[2]"]
    assert all("not regular expressions" in p.message for p in problems)

    rules, problems = parse_rules(RULES.format(aliases=aliases(["K.*o"])), "re.toml")
    assert rules is not None, problems
    matcher = Matcher.compile(rules)
    # As a regex this would match "Kovalenko"; as words it is "k o", found only as written.
    text = "Kovalenko met Brandt. " + "x" * 50_000 + " and K.*o"
    hits = [h for h in matcher.scan(text) if h.kind == "speaker"]
    assert "Kovalenko" not in [h.text for h in hits]
    assert "Brandt" not in [h.text for h in hits]


def test_an_alias_made_mostly_of_punctuation_is_refused_not_shrunk_to_a_common_word() -> None:
    # Regression: '(a+)+$' folded to "a" and matched the article "a" in every text.
    rules, problems = parse_rules(RULES.format(aliases=aliases(["(a+)+$"])), "re.toml")
    assert rules is None
    [problem] = problems
    assert problem.message.startswith("speakers[0].aliases[0]") and "mostly symbols" in problem.message
    assert str(problem).startswith("re.toml:8:")


# ---------------------------------------------------------------------------------------------------
# Chat commands, against the real service process

REPLY_WAIT = 25.0


async def test_hostile_commands_get_clear_answers_change_nothing_and_never_show_the_token(tmp_path: Path) -> None:
    config = HarnessConfig(seed=3, stories=0, noise=0, fault_outlets=False, enforce_limits=False)
    async with Harness(config, tmp_path) as h:
        rules_before = hashlib.sha256(h.config_path.read_bytes()).hexdigest()
        await h.start_service()
        sent = h.send_hostile_commands()
        admin_chat = ADMIN_USER
        h.telegram.user_says(admin_chat, "/alias kovalenko " + "x" * 250, user_id=ADMIN_USER)
        h.telegram.user_says(admin_chat + 1, '/track evil "' + "E" * 280 + '"', user_id=ADMIN_USER)
        chats = [chat for chat, _ in sent] + [admin_chat, admin_chat + 1]
        deadline = time.monotonic() + REPLY_WAIT
        while time.monotonic() < deadline and not all(h.replies(c) for c in chats):
            await asyncio.sleep(0.2)
        alive = h.service is not None and h.service.pid is not None
        code = await h.stop_service()
        output = h.service.output() if h.service else ""
        replies = {text: h.replies(chat) for chat, text in sent}
        admin_replies = h.replies(admin_chat) + h.replies(admin_chat + 1)
        rules_after = hashlib.sha256(h.config_path.read_bytes()).hexdigest()
        with closing(sqlite3.connect(h.db)) as conn:
            subscribed = conn.execute("SELECT chat_id FROM subscriptions").fetchall()

    assert alive and code == 0, output[-3000:]
    for (where, text), answer in zip(HOSTILE_COMMANDS, replies.values(), strict=True):
        assert len(answer) == 1, (text[:60], answer)
        assert "failed on our side" not in answer[0], (text[:60], answer)
        if where == "group" and text.split()[0] not in ("/subscribe", "/unsubscribe"):
            assert "only the bot's admins" in answer[0], (text[:60], answer)
        if where == "private" and text.startswith("/track"):
            assert "only the bot's admins" in answer[0]
    assert "only this group's administrators" in replies["/subscribe everything"][0]
    assert "keep it under" in replies["/search " + "grain " * 2000][0]
    # /quotes reads names leniently (issue #16: apostrophes and stray quotes are not syntax errors)
    assert "Marta Kovalenko" in replies['/quotes "Marta Kovalenko'][0]
    assert len(admin_replies) == 2 and all(r.startswith("Not changed") for r in admin_replies), admin_replies
    assert rules_after == rules_before  # nobody changed the rules file
    assert subscribed == []
    everything = output + "".join(m for answer in replies.values() for m in answer) + "".join(admin_replies)
    assert TOKEN not in everything and TOKEN.partition(":")[2] not in everything
    assert "Traceback" not in output
