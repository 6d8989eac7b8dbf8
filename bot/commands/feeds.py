"""The admins' feed commands: /addfeed URL [name] and /removefeed id.

/addfeed fetches the URL once through the service's own fetcher (watchers.feeds.fetch: limits, redirects,
SSRF guard) and reads it with the normal parser, so a feed that is added is one the service can poll: a
private address, a page that is not a feed, a 404 are refused with the fetcher's own message. The answer
shows the outlet name and the latest three items found; the rules file gets a [[feeds]] table
(rules.feed_edits, comments kept) and the reload starts polling it. Both commands answer with the
command that undoes them, and are logged with who made them (admin.run_edit).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from telegram import Update

from bot.commands.admin import FEED_ID, admin_args, apply_edit, check_id
from bot.commands.base import MAX_ARGS, Context, UserError, ctx, e
from bot.i18n import N_, SOURCE, _, current, ngettext
from bot.render import when
from rules.duration import format_duration
from rules.feed_edits import NewFeed, add_feeds, feed_id, remove_feed
from rules.model import Feed
from watchers.feeds.errors import (
    Blocked,
    ConnectionFailed,
    FetchError,
    HTTPStatusError,
    NotAFeed,
    ParseError,
    Timeout,
    TooLarge,
    TooManyRedirects,
)
from watchers.feeds.fetch import Fetcher
from watchers.feeds.parse import ParsedFeed, parse_feed
from watchers.feeds.redact import redact_url, safe_for_display

# bot_data key of a callable that makes the Fetcher /addfeed uses (tests route their loopback server
# through it; the default is the service's fetcher with its default limits and the SSRF guard).
FETCHER_KEY = "quotewatch.fetcher"
SHOWN_ITEMS = 3
# What went wrong, by kind, for a chat that does not read English: the fetcher's own message (English,
# watchers/ cannot import bot.i18n) follows in brackets. Most specific first.
FETCH_KINDS: tuple[tuple[type[FetchError], str], ...] = (
    (Blocked, N_("the bot does not fetch private addresses or anything but http(s)")),
    (Timeout, N_("the site did not answer in time")),
    (TooLarge, N_("the feed is larger than the bot accepts")),
    (TooManyRedirects, N_("the address redirects too many times")),
    (ConnectionFailed, N_("the bot could not connect to the site")),
    (NotAFeed, N_("that address is not a feed")),
    (ParseError, N_("the feed could not be read")),
    (HTTPStatusError, N_("the site answered with an error")),
)


def fetch_reason(err: FetchError) -> str:
    """The fetcher's message (URL secrets redacted); in another language, led by its kind in that language."""
    detail = redact_url(str(err))
    if current() == SOURCE:
        return detail
    kind = next((msgid for cls, msgid in FETCH_KINDS if isinstance(err, cls)), None)
    return _(kind) + " (" + detail + ")" if kind else detail


async def fetch_once(context: Context, feed: Feed) -> ParsedFeed:
    """The feed fetched and parsed as a poll would (FetchError with the reason otherwise)."""
    make: Callable[[], Any] = context.bot_data.get(FETCHER_KEY, Fetcher)
    async with make() as fetcher:
        result = await fetcher.fetch_feed(feed)
    now = datetime.now(UTC)
    return await asyncio.to_thread(parse_feed, result.content or b"", result.headers, feed, now, base_url=result.url)


def latest(parsed: ParsedFeed, count: int = SHOWN_ITEMS) -> list[str]:
    """The newest `count` items as reply lines (the undated ones after, in feed order)."""
    now = datetime.now(UTC)
    dated = sorted((a for a in parsed.articles if a.published), key=lambda a: a.published or now, reverse=True)
    undated = [a for a in parsed.articles if not a.published]
    lines = []
    for article in (dated + undated)[:count]:
        title = safe_for_display(article.title or article.url)[:120]
        date = f" ({when(article.published, now)})" if article.published else ""
        lines.append(f"• {e(title)}{date}")
    return lines


async def cmd_addfeed(update: Update, context: Context) -> None:
    """Add a feed (fetched once to check it); polled from then on."""
    args = admin_args(update, range(1, MAX_ARGS + 1), _("Write /addfeed <url> [name], e.g. /addfeed "
                                                        "https://ledger.example/rss The Harbour Ledger."))
    url, name = args[0], " ".join(args[1:]).strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(_("Give the feed's full address, starting with https:// or http://."))
    rules = ctx(context).rules()
    same = next((f for f in rules.feeds if f.url == url), None)
    if same is not None:
        raise UserError(_("That is feed {id} already.").format(id=same.id))
    host = parts.hostname.removeprefix("www.")
    try:
        parsed = await fetch_once(context, Feed(id="new-feed", url=url, name=name or host))
    except FetchError as err:
        # TRANSLATORS: {reason} is what went wrong, then the fetcher's own message in English, in brackets
        raise UserError(_("Not added: {reason}").format(reason=fetch_reason(err))) from None
    outlet = " ".join((name or safe_for_display(parsed.title or "") or host).split())[:100]
    ident = feed_id(outlet, [f.id for f in rules.feeds])
    items = latest(parsed) or [_("(no items in it yet)")]
    done = "\n".join([
        _("Added feed {id}: {outlet}, {url}").format(
            id=f"<code>{e(ident)}</code>", outlet=f"<b>{e(outlet)}</b>", url=e(redact_url(url))),
        ngettext("Latest of {n} item(s):", "Latest of {n} item(s):", len(parsed.articles)).format(
            n=len(parsed.articles)), *items,
        _("Polled every {interval} from now on; /removefeed {id} takes it out again.").format(
            interval=e(format_duration(rules.settings.default_interval)), id=e(ident)),
    ])
    await apply_edit(update, context, lambda path: add_feeds(path, [NewFeed(ident, url, outlet)]), done)


async def cmd_removefeed(update: Update, context: Context) -> None:
    """Remove a feed."""
    [ident] = admin_args(update, range(1, 2), _("Write /removefeed <id>, e.g. /removefeed ledger (/status feeds "
                                                "lists them)."))
    ident = check_id(ident, FEED_ID)
    feed = ctx(context).rules().feed(ident)
    done = _("Feed {id} removed.").format(id=f"<code>{e(ident)}</code>")
    if feed is not None:
        done += " " + _("To undo: {command}").format(
            command=f"<code>/addfeed {e(redact_url(feed.url))} {e(feed.name)}</code>")
    await apply_edit(update, context, lambda path: remove_feed(path, ident), done)

