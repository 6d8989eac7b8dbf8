"""An article's language: what the rules say, else what the feed or page declares, else its script.

    article_lang(override, declared, text) -> (lang, source)

`declared` is the first language tag the article has, most specific first: the entry's own xml:lang,
the feed's (Atom xml:lang on the feed, RSS <language>, JSON Feed "language"), the Content-Language
header; for a fetched page its <html lang>. A tag names a language quotewatch reads (rules.model.LANGS)
by its primary subtag ("ru-RU" -> "ru"); any other tag ("de", "x-klingon", "") says nothing we can use,
and the text's script decides. Pure.

The script rule counts letters: an article mostly in Cyrillic is Russian, anything else English. Counting
letters, not words, keeps a mixed article in its main language: an English report quoting a Russian
phrase has far more Latin letters than Cyrillic ones, a Russian one naming NATO or a URL the reverse.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rules.model import LANGS
from watchers.model import Article, LangSource

DEFAULT_LANG = "en"
# The share of an article's letters that must be Cyrillic for it to be read as Russian: more than half,
# the main language is the one most of the text is written in (see the module docstring).
CYRILLIC_SHARE = 0.5
# Fewer letters than this tell no script (a title of digits, "—"): the default language, said so.
MIN_SCRIPT_LETTERS = 20
# The script of a long text shows in its first part; counting all of a 100 KB page buys nothing.
SCRIPT_SAMPLE_CHARS = 20_000

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# <html lang="ru"> (or xml:lang) near the top of a page; a regex, not a parse: the page is parsed
# elsewhere, and the tag is in its first bytes.
_HTML_LANG = re.compile(r"<html\b[^>]*?\s(?:xml:)?lang\s*=\s*[\"']?([A-Za-z0-9_-]*)", re.IGNORECASE)
HTML_LANG_SNIFF = 4096
_PRIMARY = re.compile(r"\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9-]*)?\s*")


def language_tag(tag: str | None) -> str | None:
    """The language quotewatch reads that a BCP 47 / xml:lang tag names ("ru-RU" -> "ru"), else None."""
    if not tag:
        return None
    match = _PRIMARY.fullmatch(tag)
    if match is None:
        return None
    primary = match.group(1).lower()
    return primary if primary in LANGS else None


def letter_counts(text: str) -> tuple[int, int]:
    """(Cyrillic letters, Cyrillic and Latin letters) in the first SCRIPT_SAMPLE_CHARS of the text."""
    sample = text[:SCRIPT_SAMPLE_CHARS]
    cyrillic = len(_CYRILLIC.findall(sample))
    return cyrillic, cyrillic + len(_LATIN.findall(sample))


def script_lang(text: str) -> str | None:
    """"ru" when most letters of the text are Cyrillic, "en" when most are not, None with too few letters."""
    cyrillic, letters = letter_counts(text)
    if letters < MIN_SCRIPT_LETTERS:
        return None
    return "ru" if cyrillic > CYRILLIC_SHARE * letters else "en"


def article_lang(override: str | None, declared: str | None, text: str) -> tuple[str, LangSource]:
    """The article's language and where it came from (see the module docstring)."""
    if override:
        return override, "rules"
    tagged = language_tag(declared)
    if tagged:
        return tagged, "declared"
    by_script = script_lang(text)
    if by_script:
        return by_script, "script"
    return DEFAULT_LANG, "default"


def first_tag(*tags: str | None) -> str | None:
    """The most specific tag given (the first that is not blank), for article_lang: an entry tagged
    "de" in a feed tagged "ru" is German (read by its script), not Russian."""
    return next((t for t in tags if t and t.strip()), None)


def html_lang(html: str) -> str | None:
    """The page's <html lang> (or xml:lang), as given; None when it has none."""
    match = _HTML_LANG.search(html[:HTML_LANG_SNIFF])
    return match.group(1) if match else None


def with_page_lang(article: Article, html: str) -> Article:
    """The article after its page was fetched (its text may be the page's now): a language the rules or
    the feed gave stays; else the page's <html lang>, else the script of the text it has now."""
    if article.lang_source in ("rules", "declared"):
        return article
    lang, source = article_lang(None, html_lang(html), f"{article.title}\n{article.text}")
    if (lang, source) == (article.lang, article.lang_source):
        return article
    return replace(article, lang=lang, lang_source=source)
