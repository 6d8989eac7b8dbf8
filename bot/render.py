"""Alert text: a Story as Telegram HTML (`render_alert`) or as plain text for the console (`render_plain`).

Pure functions. Every string that came from a feed or an article page is untrusted: it is cleaned
(control and format characters such as bidi overrides removed, whitespace collapsed, length capped) and
then escaped with html.escape(quote=True); links are kept only for http(s) URLs, with secrets redacted.

Layout (HTML):
    🗣 <b>Speaker</b> · <b>topic, topic</b>
    <blockquote>“direct quote”</blockquote>
    <blockquote>“partial quote” <i>(partial quote)</i></blockquote>
    <blockquote><i>paraphrase:</i> indirect speech</blockquote>      a whole clause with its subject
                                                          (keyquotes.paraphrase_clause), or left out
    📰 <a href="…">Outlet</a> 14:05 UTC — title          one line per source, up to FULL_SOURCES of them;
    📰 Also <a>Outlet B</a>, <a>Outlet C</a> and 26 more outlets     beyond that, the first source's
                                                          line and the other outlets on one line

Telegram refuses a message over 4096 characters after entity parsing, so when the story is too big the
least important quotes go first (the last ones: quotes are best first), then linked outlets from the
end of the "Also" line (counted in "N more outlets"), and only then is the first quote itself shortened. Cuts are made on the
plain text before escaping, so no tag or entity is ever cut in half.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bot.i18n import N_, _, ngettext
from watchers.feeds.redact import redact_url, strip_format
from watchers.model import Source, Statement, Story
from watchers.statements.keyquotes import paraphrase_clause

TELEGRAM_MAX_TEXT = 4096  # characters after entity parsing (UTF-16 code units, which is what Telegram counts)
MAX_QUOTES = 3  # the story carries 1-3 key quotes, best first
# Caps on one untrusted field, so one absurd title cannot crowd out everything else.
MAX_NAME = 120
MAX_TITLE = 200
MAX_QUOTE = 1000
MAX_URL = 2000  # longer links are almost always tracking junk; the outlet name stays, unlinked
# Up to this many sources each get their own line (outlet, time, title); a story carried more widely gets
# one line for its first source and one "Also ..." line naming the other outlets, since 14 lines of
# near-identical titles say less than the list of who carried it.
FULL_SOURCES = 4
LINKED_OUTLETS = 6  # outlets named (and linked) on the "Also" line before "and N more outlets"
MIN_QUOTE = 80  # when even one quote does not fit, it is shortened, but not below this
ELLIPSIS = "…"

KIND_LABEL = {"direct": "", "partial": N_("partial quote"), "indirect": N_("paraphrase")}



def kind_label(kind: str) -> str:
    """"partial quote", "paraphrase" (in the current language), "" for a direct quote."""
    label = KIND_LABEL.get(kind, "")
    return _(label) if label else ""


_SPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")


def clean(text: str, limit: int) -> str:
    """One line of untrusted text: no control or format characters, single spaces, at most `limit` chars.

    Format characters (Unicode Cf) are removed: bidi overrides and isolates could make a title read
    backwards, zero-width and tag characters hide text. ZWJ/ZWNJ stay, they are part of how Persian,
    Indic scripts and emoji are spelled."""
    text = strip_format(text, keep_joiners=True)
    # Cc: C0/C1 controls (NUL, ESC, ...); Cs: lone surrogates, which cannot even be encoded as UTF-8.
    text = "".join(ch if unicodedata.category(ch) not in ("Cc", "Cs") else " " for ch in text)
    text = _SPACE.sub(" ", text).strip()
    return shorten(text, limit)


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    space = cut.rfind(" ")
    if space > limit * 0.7:  # end on a word boundary when one is near
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def safe_url(url: str) -> str | None:
    """The URL as we show it, if it is a plain http(s) link we can put in an href, else None.

    Format characters are removed (a U+202E in a link makes it read backwards) and secrets redacted:
    userinfo and secret-looking parameters (api_key, token, sig ...) become "***"
    (watchers.feeds.redact). A link whose token was redacted may not open; the secret stays out of
    every chat the alert reaches."""
    url = redact_url(strip_format(url.strip()))
    if len(url) > MAX_URL or any(unicodedata.category(ch) in ("Cc", "Cs", "Zs") for ch in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def visible_length(message_html: str) -> int:
    """Length Telegram counts for our own HTML: tags dropped, entities decoded, in UTF-16 units.

    Only valid for HTML this module wrote (every untrusted "<" is escaped, so a tag is always a tag).
    """
    text = html.unescape(_TAG.sub("", message_html))
    return len(text.encode("utf-16-le")) // 2


def when(moment: datetime, now: datetime | None) -> str:
    """14:05 UTC today, 12 Mar 14:05 UTC on other days."""
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    if moment.date() == today:
        return moment.strftime("%H:%M UTC")
    if moment.year == today.year:
        return moment.strftime("%-d %b %H:%M UTC")
    return moment.strftime("%-d %b %Y %H:%M UTC")


# ---------------------------------------------------------------------------------------------------
# What an alert says, cleaned, before it is formatted one way or the other


@dataclass(frozen=True)
class _Quote:
    text: str
    kind: str
    speaker: str | None  # shown when it is not the story's speaker (a quote attributed to an aide)


@dataclass(frozen=True)
class _Link:
    outlet: str
    url: str | None
    time: str
    title: str


@dataclass(frozen=True)
class _Content:
    speaker: str
    topics: str
    quotes: tuple[_Quote, ...]
    sources: tuple[_Link, ...]


def _content(story: Story, now: datetime | None) -> _Content:
    speaker = clean(story.speaker, MAX_NAME) or clean(story.speaker_id, MAX_NAME) or _("Unknown speaker")
    topics = clean(", ".join(story.topics), MAX_NAME)
    shown = (_quote(q, speaker) for q in story.quotes[:MAX_QUOTES] if clean(q.text, MAX_QUOTE))
    quotes = tuple(q for q in shown if q is not None)
    sources = tuple(_link(s, now) for s in sorted(story.sources, key=lambda s: s.published))
    return _Content(speaker, topics, quotes, sources)


def _quote(q: Statement, story_speaker: str) -> _Quote | None:
    """The quote as shown; None for a paraphrase that cannot be a whole clause with its subject."""
    other = clean(q.speaker, MAX_NAME) if q.speaker else None
    # A quote cut before its attribution ends in the writer's comma ("... on Tuesday," she said):
    # shown on its own, the comma is noise.
    text = clean(q.text, MAX_QUOTE).rstrip(",;: ")
    if q.kind == "indirect":
        clause = paraphrase_clause(Statement(text, q.start, q.end, q.kind, q.speaker, q.speaker_id, cue=q.cue),
                                   other or story_speaker)
        if clause is None:
            return None
        if clause != text:  # the speaker is the clause's subject now: no "— name" after it
            return _Quote(clean(clause, MAX_QUOTE), q.kind, None)
    return _Quote(text, q.kind, other if other and other != story_speaker else None)


def _link(s: Source, now: datetime | None) -> _Link:
    outlet = clean(s.outlet, MAX_NAME) or clean(s.feed, MAX_NAME) or _("source")
    return _Link(outlet, safe_url(s.url), when(s.published, now), clean(s.title, MAX_TITLE))


# ---------------------------------------------------------------------------------------------------
# Telegram HTML


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _html_quote(q: _Quote) -> str:
    label = kind_label(q.kind)
    who = f" — {_e(q.speaker)}" if q.speaker else ""
    if q.kind == "indirect":
        return f"<blockquote><i>{label}:</i> {_e(q.text)}{who}</blockquote>"
    suffix = f" <i>({label})</i>" if label else ""
    return f"<blockquote>“{_e(q.text)}”{suffix}{who}</blockquote>"


def _html_source(s: _Link) -> str:
    name = f'<a href="{_e(s.url)}">{_e(s.outlet)}</a>' if s.url else _e(s.outlet)
    title = f" — {_e(s.title)}" if s.title else ""
    return f"📰 {name} {_e(s.time)}{title}"


def _also(c: _Content, linked: int) -> str:
    """The "Also ..." line: the outlets of the sources after the first, each once, the first `linked`
    of them named with their first link, the rest counted."""
    outlets: dict[str, str | None] = {}
    for s in c.sources[1:]:
        outlets.setdefault(s.outlet, s.url)
    names = [f'<a href="{_e(url)}">{_e(name)}</a>' if url else _e(name) for name, url in list(outlets.items())[:linked]]
    rest = len(outlets) - len(names)
    more = ngettext("{n} more outlet", "{n} more outlets", rest).format(n=rest)
    if not names:
        return "📰 " + _("Also {outlets}").format(outlets=more)
    if not rest and len(names) > 1:
        listed = _("{first} and {last}").format(first=", ".join(names[:-1]), last=names[-1])
    else:
        listed = ", ".join(names) + (" " + _("and {more}").format(more=more) if rest else "")
    return "📰 " + _("Also {outlets}").format(outlets=listed)


def _html(c: _Content, n_quotes: int, linked: int) -> str:
    header = f"🗣 <b>{_e(c.speaker)}</b>"
    if c.topics:
        header += f" · <b>{_e(c.topics)}</b>"
    lines = [header, *(_html_quote(q) for q in c.quotes[:n_quotes])]
    if len(c.sources) <= FULL_SOURCES:
        lines += [_html_source(s) for s in c.sources]
    else:
        lines += [_html_source(c.sources[0]), _also(c, linked)]
    return "\n".join(lines)


def render_alert(story: Story, now: datetime | None = None) -> str:
    """The story as Telegram HTML, at most 4096 characters after entity parsing."""
    c = _content(story, now)
    n_quotes, linked = len(c.quotes), LINKED_OUTLETS
    text = _html(c, n_quotes, linked)
    while visible_length(text) > TELEGRAM_MAX_TEXT and n_quotes > 1:
        n_quotes -= 1
        text = _html(c, n_quotes, linked)
    while visible_length(text) > TELEGRAM_MAX_TEXT and linked > 0 and len(c.sources) > FULL_SOURCES:
        linked -= 1
        text = _html(c, n_quotes, linked)
    if visible_length(text) > TELEGRAM_MAX_TEXT and c.quotes:
        # One quote and the sources still too long (only possible with caps raised): shorten the quote.
        over = visible_length(text) - TELEGRAM_MAX_TEXT
        first = c.quotes[0]
        short = _Quote(shorten(first.text, max(len(first.text) - over - 1, MIN_QUOTE)), first.kind, first.speaker)
        c = _Content(c.speaker, c.topics, (short,), c.sources)
        text = _html(c, 1, linked)
    return text


# ---------------------------------------------------------------------------------------------------
# Plain text (console sink, `quotewatch scan`)


def render_plain(story: Story, now: datetime | None = None) -> str:
    """The same alert as plain text: no markup, every quote and every source."""
    c = _content(story, now)
    header = f"{c.speaker}" + (f" · {c.topics}" if c.topics else "")
    lines = [header]
    for q in c.quotes:
        who = f" — {q.speaker}" if q.speaker else ""
        if q.kind == "indirect":
            lines.append(f"  > ({kind_label('indirect')}) {q.text}{who}")
        else:
            label = f" ({kind_label(q.kind)})" if KIND_LABEL.get(q.kind) else ""
            lines.append(f"  > “{q.text}”{label}{who}")
    for s in c.sources:
        title = f" — {s.title}" if s.title else ""
        lines.append(f"  - {s.outlet} {s.time}{title}" + (f" <{s.url}>" if s.url else ""))
    return "\n".join(lines)
