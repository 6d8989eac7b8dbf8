"""An article's language (watchers.feeds.lang): the rules' override, what the feed or page declares
(both feed readers agree on it), else the script of the text; the rules' `lang` key; `quotes --json`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.quotes_cli import run_quotes
from rules.load import parse_rules
from rules.model import LANGS, Feed
from tests.feedserver import FeedServer
from watchers.feeds.fetch import Fetcher
from watchers.feeds.lang import (
    CYRILLIC_SHARE,
    DEFAULT_LANG,
    MIN_SCRIPT_LETTERS,
    article_lang,
    html_lang,
    language_tag,
    script_lang,
    with_page_lang,
)
from watchers.feeds.parse import ParsedFeed, parse_feed
from watchers.feeds.text import fetch_article_text
from watchers.model import Article

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
# Fictional outlets and people throughout.
RU_BODY = (
    "Губернатор Заречной области Олег Варенцов заявил, что ремонт моста через Сверь завершат к осени. "
    "По его словам, подрядчик получил все необходимые средства, а движение по старой переправе "
    "сохранится до открытия нового пролёта."
)
EN_BODY = (
    "Harbour commissioner Ilse Varga said the new ferry terminal would open in May, "
    "months ahead of the schedule the port authority had published last year."
)


# -- the pure rules


def test_script_decides_by_the_share_of_cyrillic_letters() -> None:
    assert script_lang(RU_BODY) == "ru"
    assert script_lang(EN_BODY) == "en"
    # mixed: an English report quoting a Russian phrase stays English, a Russian one naming NATO Russian
    assert script_lang(f'{EN_BODY} She called it "мост в никуда" twice.') == "en"
    assert script_lang(f"{RU_BODY} Об этом сообщает Lowmarsh Herald со ссылкой на NATO.") == "ru"
    assert script_lang("2024 — 17:45") is None and script_lang("") is None


def test_the_threshold_is_the_one_named() -> None:
    def text(cyrillic: int, latin: int) -> str:
        return "ж" * cyrillic + " " + "q" * latin

    total = MIN_SCRIPT_LETTERS * 10
    at = int(total * CYRILLIC_SHARE)
    assert script_lang(text(at + 1, total - at - 1)) == "ru"
    assert script_lang(text(at, total - at)) == "en"
    assert script_lang(text(MIN_SCRIPT_LETTERS - 1, 0)) is None
    assert script_lang(text(MIN_SCRIPT_LETTERS, 0)) == "ru"


@pytest.mark.parametrize(
    ("tag", "expected"),
    [("ru", "ru"), ("ru-RU", "ru"), ("RU_ru", "ru"), (" en-GB ", "en"), ("en", "en"), ("de", None),
     ("de-DE", None), ("", None), (None, None), ("x-klingon", None), ("русский", None), ("r", None)],
)
def test_language_tags_name_a_language_by_their_primary_subtag(tag: str | None, expected: str | None) -> None:
    assert language_tag(tag) == expected


def test_article_lang_precedence() -> None:
    assert article_lang("ru", "en", EN_BODY) == ("ru", "rules")
    assert article_lang(None, "ru-RU", EN_BODY) == ("ru", "declared")
    assert article_lang(None, "de", RU_BODY) == ("ru", "script")  # a language we do not read: the script
    assert article_lang(None, None, EN_BODY) == ("en", "script")
    assert article_lang(None, None, "12:00") == (DEFAULT_LANG, "default")


def test_html_lang() -> None:
    assert html_lang('<!doctype html><html class="x" lang="ru-RU"><head>') == "ru-RU"
    assert html_lang("<HTML xml:lang='en' lang=en>") == "en"
    assert html_lang("<html><body lang='ru'>") is None
    assert html_lang("<p>no page</p>") is None


# -- the feed readers


def both(body: bytes, headers: dict[str, str] | None = None, feed: Feed | None = None) -> tuple[ParsedFeed, ParsedFeed]:
    feed = feed or Feed(id="t", url="https://feeds.test/t/feed.xml", name="Test Outlet")
    headers = {"content-type": "application/xml", **(headers or {})}
    return parse_feed(body, headers, feed, NOW, fast=True), parse_feed(body, headers, feed, NOW, fast=False)


def rss(channel: str, item: str = "", rss_attrs: str = "") -> bytes:
    item = item or f"<item><guid isPermaLink='false'>1</guid><title>T</title><description>{EN_BODY}</description></item>"
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0" {rss_attrs}><channel {channel}>'
            f"<title>Sverdale Courier</title>{item}</channel></rss>").encode()


def atom(feed_attrs: str, entry_attrs: str = "", content_attrs: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" {feed_attrs}>'
            f"<title>Lantern Review</title><entry {entry_attrs}><id>urn:x:1</id><title>T</title>"
            f"<content type='text' {content_attrs}>{EN_BODY}</content></entry></feed>").encode()


# Each: the document, the response headers, the language every article must get.
DECLARED = {
    "rss <language>": (rss("><language>ru-RU</language"), {}, "ru"),
    "rss dc:language": (rss("><dc:language>ru</dc:language", rss_attrs='xmlns:dc="http://purl.org/dc/elements/1.1/"'), {}, "ru"),
    "rss xml:lang on the root": (rss("", rss_attrs='xml:lang="ru"'), {}, "ru"),
    "rss xml:lang on the channel": (rss('xml:lang="ru"'), {}, "ru"),
    "rss xml:lang on the description": (rss("", f"<item><guid isPermaLink='false'>1</guid><title>T</title><description xml:lang='ru'>{EN_BODY}</description></item>"), {}, "ru"),
    "rss item xml:lang over the channel's": (rss("><language>ru</language", f"<item xml:lang='en'><guid isPermaLink='false'>1</guid><title>T</title><description>{EN_BODY}</description></item>"), {}, "en"),
    "rss Content-Language header": (rss(""), {"content-language": "ru"}, "ru"),
    "rss <language> over the header": (rss("><language>ru</language"), {"content-language": "en"}, "ru"),
    "rss undeclared: the script": (rss("", f"<item><guid isPermaLink='false'>1</guid><title>Т</title><description>{RU_BODY}</description></item>"), {}, "ru"),
    "rss a language we do not read: the script": (rss("><language>de</language"), {}, "en"),
    "atom xml:lang on the feed": (atom('xml:lang="ru"'), {}, "ru"),
    "atom xml:lang on the entry": (atom('xml:lang="en"', 'xml:lang="ru"'), {}, "ru"),
    "atom xml:lang on the content": (atom("", "", 'xml:lang="ru-RU"'), {}, "ru"),
    "atom undeclared": (atom(""), {}, "en"),
}


@pytest.mark.parametrize("name", DECLARED)
def test_both_feed_readers_agree_on_the_language(name: str) -> None:
    body, headers, expected = DECLARED[name]
    fast, slow = both(body, headers)
    assert fast.articles == slow.articles
    assert [a.lang for a in fast.articles] == [expected]


def test_the_fast_path_reads_declared_languages_itself() -> None:
    for name in ("rss <language>", "rss xml:lang on the root", "rss Content-Language header", "atom xml:lang on the feed"):
        body, headers, _ = DECLARED[name]
        assert both(body, headers)[0].fast, name


def test_json_feed_language() -> None:
    doc = {
        "version": "https://jsonfeed.org/version/1.1", "title": "Sverdale Wire", "language": "ru-RU",
        "items": [
            {"id": "1", "content_text": EN_BODY},  # the feed's language
            {"id": "2", "content_text": RU_BODY, "language": "en"},  # the item's own wins
            {"id": "3", "content_text": RU_BODY, "language": "de"},  # not one we read: by script
        ],
    }
    parsed = parse_feed(json.dumps(doc).encode(), {"content-type": "application/feed+json"},
                        Feed(id="j", url="https://wire.test/feed.json", name="Sverdale Wire"), NOW)
    assert [(a.lang, a.lang_source) for a in parsed.articles] == [("ru", "declared"), ("en", "declared"), ("ru", "script")]


def test_the_rules_override_what_the_feed_declares() -> None:
    feed = Feed(id="t", url="https://feeds.test/t/feed.xml", name="Test Outlet", lang="en")
    fast, slow = both(DECLARED["rss <language>"][0], feed=feed)
    assert [(a.lang, a.lang_source) for a in fast.articles] == [("en", "rules")]
    assert fast.articles == slow.articles


# -- a fetched page


def article(text: str, lang: str = "en", source: str = "script") -> Article:
    return Article(id="a1", url="https://sverdale.test/most", title="Мост", text=text, feed="local",
                   outlet="Local Desk", published=NOW, lang=lang, lang_source=source)  # type: ignore[arg-type]


def test_a_page_language_fills_in_only_what_was_guessed() -> None:
    ru_page = "<html lang='ru'><body><p>x</p></body></html>"
    assert with_page_lang(article("Short."), ru_page).lang == "ru"
    assert with_page_lang(article("Short.", "en", "declared"), ru_page).lang == "en"
    assert with_page_lang(article("Short.", "en", "rules"), ru_page).lang == "en"
    # no <html lang>: the script of the (new) text
    assert (with_page_lang(article(RU_BODY), "<html><body></body></html>").lang_source, with_page_lang(article(RU_BODY), "<html>").lang) == ("script", "ru")


async def test_full_text_takes_the_pages_html_lang(feed_server: FeedServer) -> None:
    page = f"<html lang='ru'><head><title>Мост</title></head><body><article><p>{EN_BODY}</p><p>{EN_BODY}</p></article></body></html>"
    feed_server.serve("/most", page, content_type="text/html; charset=utf-8")
    feed = Feed(id="local", url=feed_server.url("/rss"), name="Local Desk", allow_private=True, full_text=True)
    original = Article(id="a1", url=feed_server.url("/most"), title="Bridge", text="Short summary.", feed="local",
                       outlet="Local Desk", published=NOW, lang="en", lang_source="script")
    async with Fetcher() as fetcher:
        fetched = await fetch_article_text(fetcher, original, feed)
    assert EN_BODY[:40] in fetched.text
    assert (fetched.lang, fetched.lang_source) == ("ru", "declared")


# -- the rules file


FEED = '[[feeds]]\nid = "vestnik"\nurl = "https://vestnik.test/rss"\n'


def test_rules_lang_key() -> None:
    rules, problems = parse_rules(FEED + 'lang = "ru"\n', "rules.toml")
    assert not problems and rules is not None and rules.feeds[0].lang == "ru"
    rules, problems = parse_rules(FEED, "rules.toml")
    assert rules is not None and rules.feeds[0].lang is None


@pytest.mark.parametrize("value", ['"de"', '"RU"', '""', "1", "true"])
def test_an_unsupported_lang_is_refused_naming_the_key_and_the_choices(value: str) -> None:
    rules, problems = parse_rules(FEED + f"lang = {value}\n", "rules.toml")
    assert rules is None and len(problems) == 1
    message = problems[0].message
    assert message.startswith("feeds[0].lang: ") and problems[0].line == 4
    assert all(f'"{code}"' in message for code in LANGS)


# -- quotes FILE


QUOTE = '"We are ready," Jane Doe said.'


def quotes_langs(path: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert run_quotes([str(path)], None, as_json=True) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert rows
    return [r["lang"] for r in rows]


def test_quotes_json_gives_the_language_by_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.txt"
    path.write_text(f"{EN_BODY}\n\n{QUOTE} Она назвала его «мостом».\n", encoding="utf-8")
    assert set(quotes_langs(path, capsys)) == {"en"}
    path.write_text(f"{RU_BODY}\n\n{QUOTE}\n\n{RU_BODY}\n", encoding="utf-8")
    assert set(quotes_langs(path, capsys)) == {"ru"}


def test_quotes_json_gives_a_pages_html_lang(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "a.html"
    body = f"<p>{EN_BODY}</p><p>{QUOTE}</p>"
    path.write_text(f"<html lang='ru'><head><title>T</title></head><body><article>{body}</article></body></html>",
                    encoding="utf-8")
    assert set(quotes_langs(path, capsys)) == {"ru"}
    path.write_text(f"<html><head><title>T</title></head><body><article>{body}</article></body></html>", encoding="utf-8")
    assert set(quotes_langs(path, capsys)) == {"en"}
