"""Secrets out of URLs and format characters out of what we show (watchers.feeds.redact, bot.safe_logs)."""

from __future__ import annotations

import logging
import sys
import unicodedata

import pytest

from bot.safe_logs import redact_record
from watchers.feeds.redact import (
    is_secret_name,
    redact_text,
    redact_url,
    safe_for_display,
    show_format,
    strip_format,
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://ann:hunter2@feeds.example/rss", "https://***@feeds.example/rss"),
        ("https://tokenonly@feeds.example/rss", "https://***@feeds.example/rss"),
        ("https://feeds.example/rss?api_key=abc123&page=2", "https://feeds.example/rss?api_key=***&page=2"),
        ("https://feeds.example/rss?page=2&token=t0k&lang=en", "https://feeds.example/rss?page=2&token=***&lang=en"),
        ("https://x.example/a?key=AIzaSy&q=grain", "https://x.example/a?key=***&q=grain"),
        ("https://x.example/a?X-Amz-Signature=deadbeef&X-Amz-Date=2026", "https://x.example/a?X-Amz-Signature=***&X-Amz-Date=2026"),
        ("https://x.example/a?sv=2024&sig=Zm9v%2Bbar", "https://x.example/a?sv=2024&sig=***"),
        ("https://x.example/a?client_secret=s&access_token=a&refresh_token=r",
         "https://x.example/a?client_secret=***&access_token=***&refresh_token=***"),
        ("https://x.example/a?password=p;auth=z", "https://x.example/a?password=***;auth=***"),
        ("https://x.example/a?Api%5FKey=v", "https://x.example/a?Api%5FKey=***"),  # escaped name
        ("https://x.example/cb#access_token=abc&state=1", "https://x.example/cb#access_token=***&state=1"),
        ("https://api.example/bot123456:AAEhBP0av28lB-WpM_1234567890abcd/getMe", "https://api.example/bot<token>/getMe"),
        # nothing secret: unchanged, byte for byte
        ("https://x.example/news?author=kovalenko&id=7&sort=new", "https://x.example/news?author=kovalenko&id=7&sort=new"),
        ("https://x.example/a?monkey=1&keyword=grain&token", "https://x.example/a?monkey=1&keyword=grain&token"),
        ("https://x.example/a?token=", "https://x.example/a?token="),
        ("https://[::1]:8080/feed?x=%20y", "https://[::1]:8080/feed?x=%20y"),
        ("not a url at all", "not a url at all"),
        ("file:///home/ann/feeds/ledger.xml", "file:///home/ann/feeds/ledger.xml"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_secret_names_are_found_by_name_not_by_value() -> None:
    for name in ("api_key", "API-KEY", "x-api-key", "apikey", "access_token", "oauth_signature", "PHPSESSID",
                 "Ocp-Apim-Subscription-Key", "X-Goog-Credential", "sessionid", "passwd", "pwd"):
        assert is_secret_name(name), name
    for name in ("author", "page", "keyword", "monkey", "q", "id", "utm_source", "signal"):
        assert not is_secret_name(name), name


def test_redact_text_finds_every_url_in_a_message_and_keeps_the_punctuation_after_it() -> None:
    message = ("HTTP 404 from https://ann:pw@ledger.example/feed?api_key=K1: the feed is not there "
               "(redirected from http://old.example/rss?token=T2).")
    assert redact_text(message) == (
        "HTTP 404 from https://***@ledger.example/feed?api_key=***: the feed is not there "
        "(redirected from http://old.example/rss?token=***)."
    )
    assert "K1" not in redact_text(message) and "T2" not in redact_text(message)
    assert redact_text("no links here: api_key=x") == "no links here: api_key=x"


def test_format_characters_are_stripped_or_shown() -> None:
    spoof = "invoice\u202egpj.exe"
    assert strip_format(spoof) == "invoicegpj.exe"
    assert show_format(spoof) == "invoice<U+202E>gpj.exe"
    hidden = "grain\u200b\u2066levy\u2069\ufeff\U000e0041\U000e0042"  # zero-width, isolate, BOM, tag chars
    assert strip_format(hidden) == "grainlevy"
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ is spelling
    assert strip_format(persian, keep_joiners=True) == persian
    assert strip_format(persian) == persian.replace("\u200c", "")
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert strip_format(family, keep_joiners=True) == family
    assert safe_for_display("see https://u:p@x.example/\u202e?sig=1") == "see https://***@x.example/<U+202E>?sig=***"


def test_every_format_character_of_this_python_is_known() -> None:
    # The pattern lists the Cf code points by hand (building it at import would cost a scan of all of
    # Unicode); a newer Unicode in a newer Python must not slip a new one past it.
    missing = [f"U+{c:04X}" for c in range(sys.maxunicode + 1)
               if unicodedata.category(chr(c)) == "Cf" and strip_format(chr(c)) != ""]
    assert missing == []
    kept = [c for c in ("a", " ", "\n", "\u00e9", "\u0644", "\U0001f600") if strip_format(c) != c]
    assert kept == []


def test_log_records_are_redacted_message_and_traceback() -> None:
    logger = logging.getLogger("quotewatch.test.redact")
    record = logger.makeRecord(logger.name, logging.WARNING, __file__, 1,
                               "feed %s: poll failed: %s", ("ledger", "HTTP 500 from https://a:b@x.example/f?token=SECRET"),
                               None)
    redact_record(record)
    assert record.getMessage() == "feed ledger: poll failed: HTTP 500 from https://***@x.example/f?token=***"
    try:
        raise RuntimeError("connect to https://x.example/f?api_key=SECRET2 failed")
    except RuntimeError:
        record = logger.makeRecord(logger.name, logging.ERROR, __file__, 1, "crashed", (), sys.exc_info())
    redact_record(record)
    text = logging.Formatter().format(record)
    assert "Traceback" in text and "api_key=***" in text and "SECRET2" not in text
