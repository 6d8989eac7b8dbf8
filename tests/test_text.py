"""HTML -> clean text: feed fragments, whole article pages, and page decoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from watchers.feeds import text
from watchers.feeds.text import decode_html, html_fragment_to_text, html_to_text, page_fallback_text


def test_fragment_paragraphs_lines_and_entities() -> None:
    html = "<p>First &amp; foremost.</p><div>Second<br>line two</div>Tail &ldquo;quoted&rdquo;"
    assert html_fragment_to_text(html) == "First & foremost.\n\nSecond\nline two\n\nTail \u201cquoted\u201d"


def test_fragment_drops_scripts_styles_and_collapses_whitespace() -> None:
    html = "<p>  Keep\n   this  </p><script>var x = '<p>no</p>';</script><style>p{}</style><p>and this</p>"
    assert html_fragment_to_text(html) == "Keep this\n\nand this"


def test_fragment_keeps_preformatted_lines() -> None:
    assert html_fragment_to_text("<pre>a = 1\nb = 2</pre>") == "a = 1\nb = 2"


def test_plain_text_passes_through() -> None:
    assert html_fragment_to_text("Profits < expectations, says CFO") == "Profits < expectations, says CFO"


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "<",
        "<<<>>>",
        "<p",
        "</div></div></p>",
        "<![CDATA[x",
        "<!--",
        "&#99999999999;",
        "\x00\x01<b>x</b>",
        "<a href='",
        "<!x" * 50,
    ],
)
def test_never_raises_on_garbage(garbage: str) -> None:
    assert isinstance(html_fragment_to_text(garbage), str)
    assert isinstance(html_to_text(garbage), str)


def test_article_page_keeps_the_article_and_drops_chrome(feeds_dir: Path) -> None:
    page = (feeds_dir / "article_page.html").read_text(encoding="utf-8")
    result = html_to_text(page, "https://www.harbourcourier.test/politics/2024/03/port-tariffs")
    assert "Teodor Vance, on Monday defended a 4 per cent rise" in result
    assert "\u201cNobody likes paying more,\u201d he said." in result
    assert "\n\n" in result
    assert "All rights reserved" not in result
    assert "window.dataLayer" not in result


def test_fallback_extractor_prefers_article_over_navigation(feeds_dir: Path) -> None:
    page = (feeds_dir / "article_page.html").read_text(encoding="utf-8")
    result = page_fallback_text(page)
    assert result.split("\n\n")[0] == "Port authority chief defends \u201cmeasured\u201d tariff rise"
    assert "Politics | City" not in result and "Most read" not in result and "Search" not in result


def test_html_to_text_falls_back_when_trafilatura_finds_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text, "_trafilatura_text", lambda html, url: "")
    assert html_to_text("<html><body><nav>Menu</nav><p>Only line.</p></body></html>") == "Only line."


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        ("caf\u00e9".encode(), "text/html; charset=utf-8", "caf\u00e9"),
        ("caf\u00e9".encode("latin-1"), "text/html; charset=iso-8859-1", "caf\u00e9"),
        (
            b'<meta charset="windows-1252"><p>caf\xe9</p>',
            None,
            '<meta charset="windows-1252"><p>caf\u00e9</p>',
        ),
        ("caf\u00e9".encode("cp1252"), "text/html; charset=utf-8", "caf\u00e9"),  # declaration lies
        ("\ufeffcaf\u00e9".encode(), None, "caf\u00e9"),
        (b"caf\xe9", "text/html; charset=no-such-codec", "caf\u00e9"),
    ],
)
def test_decode_html(content: bytes, content_type: str | None, expected: str) -> None:
    assert decode_html(content, content_type) == expected


def test_crafted_markup_that_is_quadratic_for_html_parser_reads_through() -> None:
    # CVE-2025-6069: 180 KB of "<a " kept html.parser busy for minutes; lxml reads it in milliseconds
    # (timed in bench/bench_parse.py, not here). What comes before the junk is kept.
    hostile = "<p>The harbour board met on Tuesday.</p>" + "<a " * 60_000
    assert html_fragment_to_text(hostile) == "The harbour board met on Tuesday."
    assert "The harbour board met on Tuesday." in page_fallback_text(f"<html><body>{hostile}</body></html>")


def test_deep_nesting_and_lone_surrogates_do_not_raise() -> None:
    deep = "<p>Lead.</p>" + "<div>" * 100_000 + "x" + "</div>" * 100_000
    assert html_fragment_to_text(deep).startswith("Lead.")
    assert html_fragment_to_text("<p>half \ud800 a pair</p>").startswith("half")


def test_a_fragment_title_element_keeps_its_text() -> None:
    assert html_fragment_to_text("<title>Ferry news</title><p>Boats run hourly.</p>") == (
        "Ferry news\n\nBoats run hourly."
    )


@pytest.mark.parametrize("codec", ["rot13", "base64", "zlib", "hex"])
def test_a_meta_charset_naming_a_non_text_codec_is_ignored(codec: str) -> None:
    page = f'<meta charset="{codec}"><p>caf\u00e9</p>'.encode()
    assert decode_html(page) == page.decode("utf-8")
    assert decode_html(page, f"text/html; charset={codec}") == page.decode("utf-8")


@pytest.mark.parametrize(
    "space", ["\t", "\r", "\n", "\f", "\v", "\u00a0", *map(chr, range(0x2000, 0x200C)), "\u202f", "\u205f", "\u3000"]
)
def test_every_kind_of_space_is_one_space_and_line_separators_are_kept(space: str) -> None:
    assert html_fragment_to_text(f"<p>a{space}{space} b</p>") == "a b"
    assert html_fragment_to_text(f"a{space} &amp; b") == "a & b"  # the parser-free path
    assert html_fragment_to_text("<p>a\u2028b</p>") == "a\u2028b"  # not a space to us
