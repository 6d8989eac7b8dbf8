"""Every input bench/fuzz.py found a crash with stays a test: the parser it crashed answers it now.

The inputs are files in tests/data/fuzz/ named `<target>-<what>.bin` (see the README there); each target
is called here as bench/fuzz.py calls it, and only its documented answers may be raised (NotAFeed /
ParseError for a feed, UserError for a chat command). Crashes found so far, all fixed:

- html, page: a control character inside markup (`<\\x1aeta charset=...>`, text before `<nav>`) stayed
  in libxml2's text nodes, and lxml refused every later assignment of such a text (ValueError).
- feed: entity declarations and a `<link>` end tag out of place made feedparser's loose parser raise
  KeyError('links') out of feedparser.parse; it is now the feed's ParseError (one line, the feed is
  retried on its schedule), not a crashed poll.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.commands.base import UserError, split_args
from bot.commands.queries import parse_window
from rules.load import parse_rules
from rules.match import Matcher
from rules.model import Feed
from watchers.feeds.errors import ParseError
from watchers.feeds.parse import parse_feed
from watchers.feeds.text import decode_html, html_fragment_to_text, html_to_text

FUZZ = Path(__file__).parent / "data" / "fuzz"
FEED = Feed(id="fuzz", url="https://fuzz.example/feed", name="Fuzz Wire")
NOW = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)


def _rules(data: bytes) -> object:
    parsed, _ = parse_rules(data.decode("utf-8", "replace"), "fuzz.toml")
    return Matcher.compile(parsed) if parsed is not None else None


def _command(data: bytes) -> object:
    with contextlib.suppress(UserError):
        for word in split_args(data.decode("utf-8", "replace")):
            with contextlib.suppress(UserError):
                parse_window(word)
    return None


TARGETS: dict[str, tuple[Callable[[bytes], object], tuple[type[BaseException], ...]]] = {
    "feed": (lambda data: parse_feed(data, {}, FEED, NOW), (ParseError,)),
    "json": (lambda data: parse_feed(data, {"content-type": "application/feed+json"}, FEED, NOW), (ParseError,)),
    "html": (lambda data: html_fragment_to_text(data.decode("utf-8", "surrogateescape")), ()),
    "page": (lambda data: html_to_text(decode_html(data, None), "https://fuzz.example/a"), ()),
    "rules": (_rules, ()),
    "command": (_command, ()),
}
CASES = sorted(FUZZ.glob("*.bin"))


def test_every_kept_input_names_a_target() -> None:
    assert CASES, "tests/data/fuzz holds the inputs the fuzzer found crashes with"
    assert all(p.name.split("-", 1)[0] in TARGETS for p in CASES), [p.name for p in CASES]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_an_input_that_crashed_a_parser_is_answered(path: Path) -> None:
    function, answers = TARGETS[path.name.split("-", 1)[0]]
    with contextlib.suppress(*answers):
        function(path.read_bytes())


def test_a_control_character_inside_entry_markup_is_dropped_not_fatal() -> None:
    assert html_fragment_to_text('<\x1aeta charset="rot13"><p>x') == "x"
    assert html_fragment_to_text("<p>one\x07 two</p><div>three</div>") == "one two\n\nthree"


def test_a_feed_that_crashes_feedparser_is_a_parse_error_of_that_feed() -> None:
    body = (FUZZ / "feed-feedparser-keyerror-links.bin").read_bytes()
    with pytest.raises(ParseError, match="too broken to read"):
        parse_feed(body, {}, FEED, NOW)
