"""Alert rendering: Telegram's HTML subset, hostile feed text, the 4096-character limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.render import TELEGRAM_MAX_TEXT, render_alert, render_plain, visible_length
from tests.fake_telegram import MAX_MESSAGE_LENGTH, parse_html, utf16_len
from watchers.model import Kind, Source, Statement, Story

NOW = datetime(2026, 3, 14, 16, 0, tzinfo=UTC)


def quote(text: str, kind: Kind = "direct", speaker: str | None = "Marta Kovalenko") -> Statement:
    return Statement(text=text, start=0, end=len(text), kind=kind, speaker=speaker, speaker_id="kovalenko")


def source(i: int, *, title: str = "Ministry rules out new grain levy", outlet: str = "The Harbour Ledger",
           url: str | None = None) -> Source:
    return Source(
        url=url if url is not None else f"https://ledger.example/news/{i}",
        title=title, feed=f"feed{i}", outlet=outlet, published=NOW - timedelta(minutes=90 - i),
    )


def story(quotes: tuple[Statement, ...] = (), sources: tuple[Source, ...] = (), *, speaker: str = "Marta Kovalenko",
          topics: tuple[str, ...] = ("grain-exports",)) -> Story:
    return Story(
        id="s1", speaker_id="kovalenko", speaker=speaker, topics=topics,
        quotes=quotes or (quote("We will not tax the harvest twice."),),
        sources=sources or (source(1),), first_seen=NOW,
    )


def plain(message: str) -> str:
    """What a reader sees: the fake server's parser must accept the HTML (it raises otherwise)."""
    text, _ = parse_html(message)
    return text


def test_header_quotes_and_sources() -> None:
    s = story(
        (quote("We will not tax the harvest twice."),
         quote("a temporary measure", "partial"),
         quote("the levy would be reviewed in spring", "indirect")),
        (source(1), source(2, outlet="Northport Courier", title="Levy stays, minister says")),
    )
    message = render_alert(s, NOW)
    text = plain(message)
    assert text.splitlines()[0] == "🗣 Marta Kovalenko · grain-exports"
    assert "<b>Marta Kovalenko</b>" in message
    assert message.count("<blockquote>") == 3
    assert "“We will not tax the harvest twice.”" in text
    assert "“a temporary measure” (partial quote)" in text
    assert "paraphrase: the levy would be reviewed in spring" in text
    assert '<a href="https://ledger.example/news/2">Northport Courier</a>' in message
    assert "14:32 UTC" in text  # source 2 published at 14:32 today


def test_times_on_other_days_carry_the_date() -> None:
    old = Source("https://ledger.example/a", "Old", "f", "Ledger", datetime(2026, 3, 2, 9, 5, tzinfo=UTC))
    assert "2 Mar 09:05 UTC" in plain(render_alert(story(sources=(old,)), NOW))


@pytest.mark.parametrize(
    "title",
    [
        '<a href="javascript:alert(1)">click</a>',
        "<b>unbalanced <i>tags",
        "Tom & Jerry &amp; &nbsp; &#0; AT&T",
        "bell\x07 null\x00 escape\x1b[31m tab\t newline\n done",
        "evil \u202etxt.exe\u202c and \u2066isolate\u2069",
        '"quoted" \'single\' </blockquote>',
    ],
)
def test_hostile_titles_are_escaped_and_accepted(title: str) -> None:
    s = story((quote(title),), (source(1, title=title, outlet=title),), speaker=title, topics=(title,))
    message = render_alert(s, NOW)
    text = plain(message)  # no HtmlError: Telegram would accept it
    _, entities = parse_html(message)
    assert [e["url"] for e in entities if e["type"] == "text_link"] == ["https://ledger.example/news/1"]
    for ch in "\x00\x07\x1b\u202e\u2066":
        assert ch not in text
    if "<b>unbalanced" in title:
        assert "<b>unbalanced <i>tags" in text  # shown literally, not interpreted


def test_only_http_links_become_links() -> None:
    s = story(sources=(
        source(1, url="javascript:alert(1)", outlet="Script Times"),
        source(2, url="data:text/html,<b>x</b>", outlet="Data Daily"),
        source(3, url="https://ok.example/a?x=1&y=\"2\"", outlet="Good Gazette"),
        source(4, url="ftp://files.example/a", outlet="Ftp Post"),
    ))
    message = render_alert(s, NOW)
    _, entities = parse_html(message)
    assert [e["url"] for e in entities if e["type"] == "text_link"] == ['https://ok.example/a?x=1&y="2"']
    text = plain(message)
    assert all(name in text for name in ("Script Times", "Data Daily", "Good Gazette", "Ftp Post"))


def test_a_100_kb_title_is_capped() -> None:
    huge = "Breaking: " + "grain " * 20_000
    message = render_alert(story(sources=(source(1, title=huge),), speaker=huge), NOW)
    assert utf16_len(plain(message)) <= MAX_MESSAGE_LENGTH
    assert "…" in plain(message)


def test_many_sources_are_cut_with_a_count_of_the_rest() -> None:
    # 300 outlets with long names: the "Also" line names as many as fit and counts the rest
    sources = tuple(source(i, outlet=f"Outlet {i} " + "of the islands " * 8, title=f"Report number {i} " * 9)
                    for i in range(300))
    message = render_alert(story(sources=sources), NOW)
    text = plain(message)
    assert utf16_len(text) <= TELEGRAM_MAX_TEXT
    also = text.splitlines()[-1]
    named = message.splitlines()[-1].count("<a href=")
    assert 1 <= named < 299 and also.endswith(f"and {299 - named} more outlets")
    assert text.count("📰") == 2


def test_a_long_source_list_collapses_to_the_outlets_with_their_first_links() -> None:
    names = [f"Outlet {chr(65 + i % 26)}{i // 26 or ''}" for i in range(40)]
    sources = tuple(source(i, outlet=names[i], title="Ministry rules out new grain levy") for i in range(40))
    message = render_alert(story(sources=sources), NOW)
    lines = plain(message).splitlines()
    assert lines[-2] == "📰 Outlet A 14:30 UTC — Ministry rules out new grain levy"
    assert lines[-1] == "📰 Also Outlet B, Outlet C, Outlet D, Outlet E, Outlet F, Outlet G and 33 more outlets"
    assert '<a href="https://ledger.example/news/1">Outlet B</a>' in message
    # the same outlet twice is named once; a few sources keep one line each
    twice = tuple(source(i, outlet=["Outlet A", "Outlet B"][i % 2]) for i in range(6))
    assert plain(render_alert(story(sources=twice), NOW)).splitlines()[-1] == "📰 Also Outlet B and Outlet A"
    four = plain(render_alert(story(sources=sources[:4]), NOW))
    assert four.count("📰") == 4 and "Also" not in four


def test_long_quotes_go_before_sources() -> None:
    quotes = tuple(quote(f"Quote {i}: " + "the harvest is safe and prices will hold " * 60) for i in range(3))
    sources = tuple(source(i, outlet=f"Outlet {i} " + "of the northern islands " * 5,
                           title="Harvest levy: what the ministry said and what it means " * 4) for i in range(7))
    whole = story(quotes, sources, speaker="Marta Kovalenko, " + "minister of agriculture " * 5,
                  topics=("grain-exports", "harvest-levy", "ferry-tariffs", "island-ports"))
    text = plain(render_alert(whole, NOW))
    assert utf16_len(text) <= TELEGRAM_MAX_TEXT
    assert "Quote 0:" in text  # the best quote stays
    assert "Quote 2:" not in text and "Quote 1:" in text  # the least important went first, and only it
    assert all(f"Outlet {i} " in text for i in range(7))  # sources were not touched while quotes could go


def test_limit_counts_entities_and_astral_characters_as_telegram_does() -> None:
    # "&" becomes "&amp;" (5 chars in HTML, 1 on screen); emoji count twice in UTF-16.
    quotes = tuple(quote("&😀" * 450) for _ in range(3))
    sources = tuple(source(i, title="&" * 150) for i in range(40))
    message = render_alert(story(quotes, sources), NOW)
    text = plain(message)
    assert visible_length(message) == utf16_len(text) <= TELEGRAM_MAX_TEXT
    assert len(message) > TELEGRAM_MAX_TEXT  # the raw HTML may be longer; only the visible text counts


def test_never_cuts_inside_an_entity() -> None:
    quotes = tuple(quote("&<>\"'" * 400) for _ in range(3))
    sources = tuple(source(i, outlet=f"{i} " + "<&>" * 40, title="<&>" * 80) for i in range(60))
    message = render_alert(story(quotes, sources), NOW)
    text = plain(message)  # a cut entity or tag would be refused here
    assert utf16_len(text) <= TELEGRAM_MAX_TEXT and "more outlets" in text  # it really had to be cut


def test_plain_text_has_everything_and_no_markup() -> None:
    s = story((quote("No new levy.", "direct"), quote("prices would hold", "indirect")),
              tuple(source(i) for i in range(3)))
    text = render_plain(s, NOW)
    assert "<" not in text.replace("<https", "")
    assert "Marta Kovalenko · grain-exports" in text
    assert "“No new levy.”" in text and "(paraphrase) prices would hold" in text
    assert text.count("The Harbour Ledger") == 3


def test_a_quote_cut_before_its_attribution_is_shown_without_the_writers_comma() -> None:
    quote = Statement("We are ready to talk on Tuesday,", 0, 32, "direct", "Jane Doe", "doe")
    story = Story(
        id="s1", speaker_id="doe", speaker="Jane Doe", topics=(), quotes=(quote,),
        sources=(), first_seen=datetime(2026, 11, 16, tzinfo=UTC),
    )
    assert "on Tuesday”" in render_plain(story)
    assert "Tuesday,”" not in render_alert(story)


def test_links_in_alerts_carry_no_credentials_or_secret_parameters() -> None:
    url = "https://ann:hunter2@ledger.example/news/7?api_key=K3Y&page=2&sig=abc"
    s = story(sources=(source(1, url=url),))
    for message in (render_alert(s, NOW), render_plain(s, NOW)):
        assert "hunter2" not in message and "K3Y" not in message and "sig=abc" not in message
    assert '<a href="https://***@ledger.example/news/7?api_key=***&amp;page=2&amp;sig=***">' in render_alert(s, NOW)
    assert "<https://***@ledger.example/news/7?api_key=***&page=2&sig=***>" in render_plain(s, NOW)


@pytest.mark.parametrize("char", ["\u202e", "\u2066", "\u200b", "\u200e", "\ufeff", "\u00ad", "\U000e0041"])
def test_format_characters_are_stripped_from_titles_outlets_quotes_and_links(char: str) -> None:
    s = story(
        (quote(f"We will not{char} tax the harvest twice."),),
        (source(1, title=f"Levy{char} stays", outlet=f"Harbour{char} Ledger",
                url=f"https://ledger.example/news/{char}7"),),
        speaker=f"Marta{char} Kovalenko",
    )
    for message in (render_alert(s, NOW), render_plain(s, NOW)):
        assert char not in message
        assert "Levy stays" in message and "Harbour Ledger" in message and "Marta Kovalenko" in message
        assert "We will not tax the harvest twice." in message
        assert "https://ledger.example/news/7" in message  # the link is kept, cleaned


def test_joiners_stay_in_text_where_they_are_spelling() -> None:
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    s = story(sources=(source(1, title=f"{persian} {family}"),))
    assert f"{persian} {family}" in render_plain(s, NOW)
