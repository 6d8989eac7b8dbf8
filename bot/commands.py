"""Telegram command handlers. Registration (and what order matters) is in bot/app.py.

Every handler: `async def cmd_x(update, context) -> None` with a one-line docstring, which is also the
command's description in Telegram's menu and in /help. Shared objects come from `context.bot_data`
(a `BotContext`), never from module globals.

Rules for every reply: user input is escaped (html.escape) before it is echoed; an oversized or
malformed argument gets a message saying how to write it, never a traceback; a reply is kept under
Telegram's 4096 characters by `fit`.

Who may do what:
  - anybody: /start /help /quotes /search /watches /status, and (un)subscribing their private chat;
  - in a group, only the group's administrators (getChatMember) or the bot's admins (un)subscribe it;
  - admins only (user ids from [telegram] admins, read from the current rules, so a reload applies):
    /reload /track /untrack /alias /watch /unwatch /mute.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
import shlex
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, utils
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.render import TELEGRAM_MAX_TEXT, clean, safe_url, visible_length, when
from rules import edit as rules_edit
from rules.duration import format_duration, parse_duration
from rules.load import RulesError
from rules.model import Rules, Speaker

if TYPE_CHECKING:
    from watchers.model import FeedState
    from watchers.store import AsyncStore, StatementHit

log = logging.getLogger("quotewatch.commands")

Context = ContextTypes.DEFAULT_TYPE
Handler = Callable[[Update, Context], Coroutine[object, object, None]]

BOT_DATA_KEY = "quotewatch"
MAX_ARG_CHARS = 300  # longer arguments are a paste accident; refuse them rather than echo them back
MAX_ARGS = 20
DEFAULT_QUOTES = 5
MAX_QUOTES = 20  # one screen of quotes; more is what /search with a speaker is for
SEARCH_LIMIT = 10
SHOWN_TEXT = 300  # characters of one statement shown in a list
# rapidfuzz WRatio (0-100): "peskow" scores 83 against "peskov". Below FUZZY_MIN it is not a match;
# a best match closer than FUZZY_GAP to a *different* speaker's best is ambiguous.
FUZZY_MIN = 80.0
FUZZY_GAP = 5.0
SUGGEST_MIN = 55.0
SUGGEST_SPREAD = 10.0  # suggestions are the near-best matches, not everything above SUGGEST_MIN
SEARCH_SPEAKER_MIN = 90.0  # "/search levy kovalenko": stricter, since the last word may just be a word
CALLBACK_MAX = 64  # Telegram's limit on callback_data, in bytes
# /status counts dead outbox items up to this many ("20+"): enough to tell one failure from a pattern,
# and the store's dead_outbox reads no more rows than that.
DEAD_SHOWN = 20
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_CURLY = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'"})


@dataclass
class BotContext:
    """What the handlers need, kept in application.bot_data[BOT_DATA_KEY]."""

    store: AsyncStore
    rules: Callable[[], Rules]
    rules_path: Path
    on_rules_changed: Callable[[], None]
    started: float  # unix time the service started (for /status uptime)
    version: str
    # Chats whose subscriptions are known to be active since they last wrote to us, so an update from them
    # needs no write to reactivate anything. The Sender forgets a chat here when it deactivates it.
    active_chats: set[int | str] = field(default_factory=set)

    def chat_gone(self, chat_id: int | str) -> None:
        """The Sender deactivated this chat: its next update must reactivate it."""
        self.active_chats.discard(chat_id)


class UserError(Exception):
    """A request we cannot do; the message (plain text) tells the user what to write instead."""


def ctx(context: Context) -> BotContext:
    value = context.bot_data[BOT_DATA_KEY]
    assert isinstance(value, BotContext)
    return value


# ---------------------------------------------------------------------------------------------------
# Pure helpers (tested without Telegram)


def score(query: str, speaker: Speaker) -> float:
    """How well `query` names `speaker` (0-100): the best rapidfuzz WRatio over its id, name and aliases."""
    wanted = utils.default_process(query)
    return max(fuzz.WRatio(wanted, utils.default_process(t)) for t in (speaker.id, *speaker.terms))


def find_speaker(query: str, speakers: Sequence[Speaker]) -> tuple[Speaker | None, list[Speaker]]:
    """(the speaker `query` names, []) or (None, suggestions): exact id/name/alias first, then fuzzy."""
    wanted = utils.default_process(query)
    if not wanted:
        return None, []
    exact = [s for s in speakers if wanted in {utils.default_process(t) for t in (s.id, *s.terms)}]
    if len(exact) == 1:
        return exact[0], []
    if len(exact) > 1:
        return None, exact
    scored = sorted(((score(query, s), s) for s in speakers), key=lambda pair: -pair[0])
    if not scored:
        return None, []
    best_score, best = scored[0]
    runner_up = scored[1][0] if len(scored) > 1 else 0.0
    if best_score >= FUZZY_MIN and best_score - runner_up >= FUZZY_GAP:
        return best, []
    floor = max(SUGGEST_MIN, best_score - SUGGEST_SPREAD)
    return None, [s for value, s in scored[:3] if value >= floor]


def parse_window(arg: str) -> tuple[int | None, float | None]:
    """"/quotes x 10" -> (10, None); "/quotes x 24h" -> (None, 86400). Raises UserError otherwise."""
    if arg.isdigit():
        n = int(arg)
        if not 1 <= n <= MAX_QUOTES:
            raise UserError(f"Ask for 1 to {MAX_QUOTES} quotes.")
        return n, None
    try:
        seconds = parse_duration(arg)
    except ValueError as e:
        raise UserError(f"{e}. Try a number of quotes (5) or a time span (24h, 7d).") from None
    if seconds <= 0 or seconds > 366 * 86400:
        raise UserError("Give a time span between 1 minute and a year, e.g. 24h or 7d.")
    return None, seconds


def split_args(text: str) -> list[str]:
    """Shell-like words of a command's argument text; "quoted names" stay one word (curly quotes too)."""
    text = text.translate(_CURLY)
    try:
        return shlex.split(text)
    except ValueError:
        raise UserError('A quotation mark is not closed: write names like "Marta Kovalenko".') from None


def fit(lines: Sequence[str], footer: str = "") -> str:
    """Join reply lines, dropping lines from the end (with a note) to stay under Telegram's limit."""
    out: list[str] = []
    for i, line in enumerate(lines):
        candidate = "\n".join([*out, line])
        rest = f"\n… {len(lines) - i} more not shown" if i < len(lines) - 1 else ""
        if visible_length(candidate + rest + footer) > TELEGRAM_MAX_TEXT - 40:
            out.append(f"… {len(lines) - i} more not shown")
            break
        out.append(line)
    return "\n".join(out) + footer


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def display_name(rules: Rules, speaker_id: str) -> str:
    speaker = rules.speaker(speaker_id)
    return speaker.name if speaker else speaker_id


def speaker_list(speakers: Sequence[Speaker]) -> str:
    return ", ".join(f"{e(s.name)} (<code>{e(s.id)}</code>)" for s in speakers)


def format_hit(hit: StatementHit, now: datetime, snippet: bool = False) -> str:
    text = clean(hit.snippet if snippet and hit.snippet else hit.text, SHOWN_TEXT)
    body = f"“{e(text)}”" if hit.kind != "indirect" else f"<i>paraphrase:</i> {e(text)}"
    if hit.kind == "partial":
        body += " <i>(partial)</i>"
    outlet = e(clean(hit.outlet, 80) or "source")
    url = safe_url(hit.url)
    link = f'<a href="{e(url)}">{outlet}</a>' if url else outlet
    return f"{body}\n   — {e(clean(hit.speaker, 80))}, {link}, {e(when(hit.published, now))}"


# ---------------------------------------------------------------------------------------------------
# Replies and permissions


async def reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    message = update.effective_message
    if message is None:
        return
    await message.reply_text(
        text, parse_mode=ParseMode.HTML, link_preview_options=LinkPreviewOptions(is_disabled=True),
        reply_markup=markup, do_quote=False,
    )


def arg_text(update: Update) -> str:
    """The text after the command (and its @botname), checked for size."""
    message = update.effective_message
    raw = (message.text or "") if message else ""
    _, _, rest = raw.partition(" ")
    rest = rest.strip()
    if len(rest) > MAX_ARG_CHARS:
        raise UserError(f"That is {len(rest)} characters of arguments; keep it under {MAX_ARG_CHARS}.")
    return rest


def words(update: Update) -> list[str]:
    parts = split_args(arg_text(update))
    if len(parts) > MAX_ARGS:
        raise UserError(f"Too many arguments ({len(parts)}); at most {MAX_ARGS}.")
    return parts


def is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in ctx(context).rules().settings.telegram.admins


async def may_manage_chat(update: Update, context: Context) -> bool:
    """A private chat's own user, a group's administrators, a channel's posters, and the bot's admins."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return False
    if chat.type == ChatType.PRIVATE or is_admin(update, context):
        return True
    if chat.type == ChatType.CHANNEL:
        return True  # only a channel's admins can post in it
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as err:
        log.warning("getChatMember failed: chat=%s error=%s", chat.id, err)
        return False
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


def allowed_chat(update: Update, context: Context) -> bool:
    """With an allowlist in the config, only those chats (and the admins anywhere) may use the bot."""
    allowlist = ctx(context).rules().settings.telegram.allowlist
    chat = update.effective_chat
    return not allowlist or is_admin(update, context) or (chat is not None and chat.id in allowlist)


def guarded(handler: Handler, *, admin: bool = False) -> Handler:
    """Allowlist and admin checks, and UserError turned into a polite reply, around a handler."""

    async def wrapper(update: Update, context: Context) -> None:
        if not allowed_chat(update, context):
            await reply(update, "Sorry, this bot is private.")
            return
        if admin and not is_admin(update, context):
            await reply(update, "Sorry, only the bot's admins can change the rules.")
            return
        try:
            await handler(update, context)
        except UserError as err:
            await reply(update, e(str(err)))

    wrapper.__doc__ = handler.__doc__
    wrapper.__name__ = handler.__name__
    return wrapper


async def on_any_update(update: Update, context: Context) -> None:
    """A chat that talks to the bot again (after blocking it, say) gets its subscriptions back.

    Runs before the commands (app.py registers it in an earlier group). Only what a person does counts:
    a message or a button; membership updates (the bot removed from a group) do not."""
    chat = update.effective_chat
    if chat is None or update.effective_user is None or update.my_chat_member or update.chat_member:
        return
    if not allowed_chat(update, context):
        return
    qw = ctx(context)
    if chat.id in qw.active_chats:
        return  # nothing to reactivate: no write transaction for every message
    # Remembered before the write: a deactivation by the Sender after it forgets the chat again.
    qw.active_chats.add(chat.id)
    resumed = await qw.store.reactivate_chat(chat.id)
    if resumed:
        log.info("chat reactivated: chat=%s subscriptions=%d", chat.id, resumed)


# ---------------------------------------------------------------------------------------------------
# Everybody


async def cmd_start(update: Update, context: Context) -> None:
    """Introduce the bot and how to subscribe."""
    chat = update.effective_chat
    if chat is not None:
        await ctx(context).store.reactivate_chat(chat.id)
    await reply(update, (
        "I watch news feeds for <b>statements by the people you track</b> and post one alert per "
        "statement, with the key quotes and every outlet that carried it.\n\n"
        "/watches lists what can be followed; /subscribe &lt;watch&gt; starts the alerts here.\n"
        "/help lists every command."
    ))


async def cmd_help(update: Update, context: Context) -> None:
    """List the commands."""
    lines = ["<b>Commands</b>"]
    admin = is_admin(update, context)
    for command in COMMANDS:
        if command.admin and not admin:
            continue
        lines.append(f"{e(command.usage)} — {e(command.description)}")
    if not admin:
        lines.append("\nAdmins can also edit the rules (/track, /alias, /mute …).")
    await reply(update, fit(lines))


async def cmd_watches(update: Update, context: Context) -> None:
    """List the watches this chat can subscribe to."""
    qw = ctx(context)
    rules = qw.rules()
    chat = update.effective_chat
    mine = set(await qw.store.subscriptions(chat.id)) if chat else set()
    if not rules.watches:
        await reply(update, "No watches are configured yet; an admin adds them to the rules file.")
        return
    lines = ["<b>Watches</b> (✅ = this chat is subscribed)"]
    now = time.time()
    for w in rules.watches:
        speakers = ", ".join(e(display_name(rules, s)) for s in w.speakers)
        topics = ", ".join(e(t) for t in w.topics) or "any topic"
        muted = ""
        if w.muted_until and w.muted_until > now:
            muted = f" — muted for {e(format_duration(w.muted_until - now))}"
        mark = "✅ " if w.id in mine else ""
        lines.append(f"{mark}<code>{e(w.id)}</code>: {speakers} on {topics}{muted}")
    await reply(update, fit(lines))


async def cmd_subscribe(update: Update, context: Context) -> None:
    """Subscribe this chat to watches (no argument: choose from a list)."""
    names = words(update)
    if not names:
        await send_picker(update, context)
        return
    await change_subscriptions(update, context, names, subscribe=True)


async def cmd_unsubscribe(update: Update, context: Context) -> None:
    """Unsubscribe this chat from watches (no argument: from all of them)."""
    names = words(update)
    chat = update.effective_chat
    if not names and chat is not None:
        names = await ctx(context).store.subscriptions(chat.id)
        if not names:
            await reply(update, "This chat has no subscriptions.")
            return
    await change_subscriptions(update, context, names, subscribe=False)


async def change_subscriptions(update: Update, context: Context, names: list[str], *, subscribe: bool) -> None:
    qw = ctx(context)
    chat = update.effective_chat
    if chat is None:
        return
    if not await may_manage_chat(update, context):
        await reply(update, "Sorry, only this group's administrators can change its subscriptions.")
        return
    known = {w.id for w in qw.rules().watches}
    unknown = [n for n in names if n not in known]
    if unknown:
        hint = ", ".join(f"<code>{e(w)}</code>" for w in sorted(known)) or "none yet"
        await reply(update, f"No watch called {', '.join(e(n) for n in unknown)}. Watches: {hint}.")
        return
    changed = []
    for name in dict.fromkeys(names):
        if subscribe:
            if await qw.store.subscribe(chat.id, name):
                changed.append(name)
        elif await qw.store.unsubscribe(chat.id, name):
            changed.append(name)
    if subscribe:
        await qw.store.reactivate_chat(chat.id)
    verb = "Subscribed to" if subscribe else "Unsubscribed from"
    if changed:
        text = f"{verb} {', '.join(f'<code>{e(n)}</code>' for n in changed)}."
    else:
        text = "Nothing changed: " + ("already subscribed." if subscribe else "was not subscribed.")
    await reply(update, text)


def picker(rules: Rules, mine: set[str]) -> InlineKeyboardMarkup:
    rows = []
    for w in rules.watches:
        data = f"tog:{w.id}"
        if len(data.encode()) > CALLBACK_MAX:
            continue  # an id too long for a button; /subscribe <id> still works
        rows.append([InlineKeyboardButton(("✅ " if w.id in mine else "➕ ") + w.id, callback_data=data)])
    return InlineKeyboardMarkup(rows)


PICKER_TEXT = "Tap a watch to subscribe this chat (✅) or unsubscribe it (➕)."


async def send_picker(update: Update, context: Context) -> None:
    qw = ctx(context)
    chat = update.effective_chat
    if chat is None:
        return
    rules = qw.rules()
    if not rules.watches:
        await reply(update, "No watches are configured yet; an admin adds them to the rules file.")
        return
    mine = set(await qw.store.subscriptions(chat.id))
    await reply(update, PICKER_TEXT, picker(rules, mine))


async def cmd_subscriptions(update: Update, context: Context) -> None:
    """Show this chat's subscriptions, with buttons to change them."""
    qw = ctx(context)
    chat = update.effective_chat
    if chat is None:
        return
    mine = await qw.store.subscriptions(chat.id)
    if words(update):
        raise UserError("/subscriptions takes no argument; use /subscribe <watch> or /unsubscribe <watch>.")
    head = ("Subscribed: " + ", ".join(f"<code>{e(w)}</code>" for w in mine)) if mine else "No subscriptions yet."
    await reply(update, f"{head}\n{PICKER_TEXT}", picker(qw.rules(), set(mine)))


async def on_button(update: Update, context: Context) -> None:
    """A tap on a subscription button: toggle that watch for the chat."""
    query = update.callback_query
    if query is None or not query.data:
        return
    qw = ctx(context)
    chat = update.effective_chat
    _, _, watch = query.data.partition(":")
    if chat is None or not allowed_chat(update, context):
        await query.answer("Sorry, this bot is private.")
        return
    if not await may_manage_chat(update, context):
        await query.answer("Only this group's administrators can change its subscriptions.", show_alert=True)
        return
    rules = qw.rules()
    if watch not in {w.id for w in rules.watches}:
        await query.answer("That watch no longer exists.")
        return
    if watch in await qw.store.subscriptions(chat.id):
        await qw.store.unsubscribe(chat.id, watch)
        note = f"Unsubscribed from {watch}"
    else:
        await qw.store.subscribe(chat.id, watch)
        await qw.store.reactivate_chat(chat.id)
        note = f"Subscribed to {watch}"
    await query.answer(note)
    mine = set(await qw.store.subscriptions(chat.id))
    try:
        await query.edit_message_reply_markup(picker(rules, mine))
    except BadRequest as err:
        if "not modified" not in err.message.lower():
            raise


async def cmd_quotes(update: Update, context: Context) -> None:
    """Latest statements of a speaker: /quotes <speaker> [N | 24h | 7d]."""
    qw = ctx(context)
    args = words(update)
    if not args:
        raise UserError("Whose quotes? Write /quotes <speaker> [N | 24h | 7d], e.g. /quotes kovalenko 7d.")
    limit, span = DEFAULT_QUOTES, None
    if len(args) > 1 and (args[-1].isdigit() or re.fullmatch(r"[\d.]+\s*[a-zA-Z]+", args[-1])):
        n, span = parse_window(args.pop())
        limit = n or MAX_QUOTES
    speaker = await resolve_speaker(update, qw, " ".join(args))
    if speaker is None:
        return
    now = datetime.now(UTC)
    since = now - timedelta(seconds=span) if span else None
    hits = await qw.store.recent_statements(speaker.id, since, limit)
    if not hits:
        within = f" in the last {e(format_duration(span))}" if span else ""
        await reply(update, f"No statements by {e(speaker.name)}{within} yet.")
        return
    lines = [f"<b>{e(speaker.name)}</b> — latest {len(hits)} statement(s)"]
    lines += [format_hit(h, now) for h in hits]
    await reply(update, fit(lines))


async def resolve_speaker(update: Update, qw: BotContext, query: str) -> Speaker | None:
    """The tracked speaker `query` names; otherwise reply with suggestions and return None."""
    speakers = qw.rules().speakers
    speaker, suggestions = find_speaker(query, speakers)
    if speaker is not None:
        return speaker
    if suggestions:
        await reply(update, f"Which one? {speaker_list(suggestions)}")
    else:
        known = speaker_list(speakers[:10]) or "nobody yet"
        await reply(update, f"I don't track anyone called “{e(clean(query, 80))}”. Tracked: {known}.")
    return None


async def cmd_search(update: Update, context: Context) -> None:
    """Search stored statements: /search <words> [speaker]."""
    qw = ctx(context)
    args = words(update)
    if not args:
        raise UserError("Search for what? Write /search <words> [speaker], e.g. /search grain levy kovalenko.")
    speaker = None
    if len(args) > 1:  # the last word names a speaker only when it clearly does
        candidate, _ = find_speaker(args[-1], qw.rules().speakers)
        if candidate is not None and score(args[-1], candidate) >= SEARCH_SPEAKER_MIN:
            speaker, args = candidate, args[:-1]
    query = " ".join(args)
    hits = await qw.store.search_statements(query, speaker.id if speaker else None, None, SEARCH_LIMIT)
    who = f" by {e(speaker.name)}" if speaker else ""
    if not hits:
        await reply(update, f"Nothing found for “{e(clean(query, 80))}”{who}.")
        return
    now = datetime.now(UTC)
    lines = [f"<b>{len(hits)} result(s)</b> for “{e(clean(query, 80))}”{who}"]
    lines += [format_hit(h, now, snippet=True) for h in hits]
    await reply(update, fit(lines))


async def cmd_status(update: Update, context: Context) -> None:
    """Feed health, outbox depth, version and uptime."""
    qw = ctx(context)
    rules = qw.rules()
    states = {s.feed_id: s for s in await qw.store.feed_states()}
    now = datetime.now(UTC)
    depth = await qw.store.outbox_depth()
    dead = await qw.store.dead_outbox(DEAD_SHOWN)
    polled = [s.last_poll for s in states.values() if s.last_poll is not None]
    last_poll = f"last poll {e(ago(max(polled), now))}" if polled else "no poll yet"
    lines = [
        f"<b>quotewatch {e(qw.version)}</b>, up {e(format_duration(round(max(time.time() - qw.started, 0))))}",
        f"Outbox: {depth} pending; {last_poll}",
    ]
    if dead:
        count = f"{len(dead)}+" if len(dead) >= DEAD_SHOWN else str(len(dead))
        lines.append(f"⚠️ Undeliverable alerts: {count}; last error: {e(clean(dead[0][1] or 'unknown', 160))}")
    lines += [feed_status(feed.id, states.get(feed.id), now) for feed in rules.feeds]
    if not rules.feeds:
        lines.append("No feeds configured.")
    await reply(update, fit(lines))


def ago(moment: datetime, now: datetime) -> str:
    """"3m ago" (or "just now"); moments in the future count as now (clock skew between workers)."""
    seconds = (now - moment).total_seconds()
    return "just now" if seconds < 1 else f"{format_duration(round(seconds))} ago"


def feed_status(feed_id: str, state: FeedState | None, now: datetime) -> str:
    """One /status line: last success, last error, consecutive errors, next poll (or backoff)."""
    name = f"<code>{e(feed_id)}</code>"
    if state is None or state.last_poll is None:
        return f"⏳ {name}: not polled yet"
    ok = f"last ok {e(ago(state.last_success, now))}" if state.last_success else "never polled ok"
    upcoming = ""
    if state.next_poll is not None:
        wait = (state.next_poll - now).total_seconds()
        upcoming = f"next poll in {e(format_duration(round(wait)))}" if wait >= 1 else "next poll due"
    if state.consecutive_errors:
        since = f" since {e(ago(state.last_error_at, now))}" if state.last_error_at else ""
        error = e(clean(state.last_error or "error", 160))
        backoff = f"; backing off, {upcoming}" if upcoming else ""
        return f"⚠️ {name}: {state.consecutive_errors} failed poll(s){since}, {ok}{backoff}: {error}"
    tail = f", {upcoming}" if upcoming else ""
    return f"✅ {name}: {ok}, {state.items_seen} items seen{tail}"


# ---------------------------------------------------------------------------------------------------
# Admins: rules edits (rules.edit changes the file; on_rules_changed makes the service reload it)


async def apply_edit(update: Update, context: Context, change: Callable[[Path], object], done: str) -> None:
    """Run `change(rules_path)` (a rules.edit function) off the event loop, then reload.

    Refusals (RulesError: an unknown id, a file the bot cannot edit) are shown with their reasons; the
    file is left as it was."""
    qw = ctx(context)
    try:
        await asyncio.to_thread(change, qw.rules_path)
    except RulesError as err:
        problems = [e(p.message) for p in err.problems[:3]]
        await reply(update, "Not changed: " + "; ".join(problems or [e(str(err))]))
        return
    except (OSError, ValueError) as err:
        await reply(update, f"Not changed: {e(err)}")
        return
    try:
        qw.on_rules_changed()
    except Exception as err:  # the file changed, but the reload failed: the admin must know
        log.exception("reload after an edit failed")
        await reply(update, f"{done}, but reloading failed: {e(err)}")
        return
    await reply(update, done)


def admin_args(update: Update, counts: range, usage: str) -> list[str]:
    """The command's words when there are `counts` of them; otherwise a UserError showing `usage`."""
    args = words(update)
    if len(args) not in counts:
        raise UserError(usage)
    return args


def check_id(value: str, what: str = "speaker id") -> str:
    if not _ID.match(value):
        raise UserError(f"{what} {value[:40]!r} is not valid: use lowercase letters, digits, - and _ "
                        "(at most 40 characters), e.g. kovalenko.")
    return value


async def cmd_reload(update: Update, context: Context) -> None:
    """Reload the rules file now."""
    qw = ctx(context)
    try:
        qw.on_rules_changed()
    except Exception as err:
        await reply(update, f"Reload failed; the previous rules stay in force: {e(err)}")
        return
    rules = qw.rules()
    await reply(update, f"Rules reloaded: {len(rules.feeds)} feeds, {len(rules.speakers)} speakers, "
                        f"{len(rules.watches)} watches.")


TWO_OR_MORE = range(2, MAX_ARGS + 1)  # words() allows at most MAX_ARGS


async def cmd_track(update: Update, context: Context) -> None:
    """Track a new speaker: /track <id> "<Full Name>" [alias ...]."""
    args = admin_args(update, TWO_OR_MORE, 'Write /track <id> "<Full Name>" [alias ...], e.g. '
                                           '/track kovalenko "Marta Kovalenko" Kovalenko.')
    speaker_id, name, aliases = check_id(args[0]), args[1], tuple(args[2:])
    await apply_edit(update, context, lambda path: rules_edit.add_speaker(path, speaker_id, name, aliases),
                     f"Now tracking {e(name)} (<code>{e(speaker_id)}</code>).")


async def cmd_untrack(update: Update, context: Context) -> None:
    """Stop tracking a speaker: /untrack <id>."""
    [speaker_id] = admin_args(update, range(1, 2), "Write /untrack <id>, e.g. /untrack kovalenko.")
    check_id(speaker_id)
    await apply_edit(update, context, lambda path: rules_edit.remove_speaker(path, speaker_id),
                     f"No longer tracking <code>{e(speaker_id)}</code>.")


async def cmd_alias(update: Update, context: Context) -> None:
    """Add another name for a speaker: /alias <id> <alias>."""
    args = admin_args(update, TWO_OR_MORE,
                      'Write /alias <id> <alias>, e.g. /alias kovalenko "the agriculture minister".')
    speaker_id, alias = check_id(args[0]), " ".join(args[1:])
    await apply_edit(update, context, lambda path: rules_edit.add_alias(path, speaker_id, alias),
                     f"<code>{e(speaker_id)}</code> is also “{e(alias)}” now.")


async def cmd_watch(update: Update, context: Context) -> None:
    """Add a watch chats can subscribe to: /watch <id> <speaker,...> [topic,...]."""
    args = admin_args(update, range(2, 4), "Write /watch <id> <speaker,...> [topic,...], e.g. /watch grain-desk "
                                           "kovalenko,tamm grain (no topics: anything they say).")
    watch_id = check_id(args[0], "watch id")
    speakers = [check_id(x) for x in args[1].split(",") if x]
    topics = [check_id(x, "topic id") for x in args[2].split(",") if x] if len(args) == 3 else []
    if not speakers:
        raise UserError("Name at least one speaker id, e.g. /watch grain-desk kovalenko grain.")
    await apply_edit(update, context, lambda path: rules_edit.add_watch(path, watch_id, speakers, topics),
                     f"Watch <code>{e(watch_id)}</code> added; /subscribe {e(watch_id)} to get its alerts.")


async def cmd_unwatch(update: Update, context: Context) -> None:
    """Remove a watch: /unwatch <id>."""
    [watch_id] = admin_args(update, range(1, 2), "Write /unwatch <id>, e.g. /unwatch grain-desk.")
    check_id(watch_id, "watch id")
    await apply_edit(update, context, lambda path: rules_edit.remove_watch(path, watch_id),
                     f"Watch <code>{e(watch_id)}</code> removed.")


async def cmd_mute(update: Update, context: Context) -> None:
    """Silence a watch, or every watch naming a speaker: /mute <speaker|watch> <duration | off>."""
    target, span = admin_args(update, range(2, 3), "Write /mute <speaker|watch> <duration>, e.g. /mute kovalenko "
                                                   "2h (or off to unmute).")
    check_id(target, "speaker or watch id")
    if span.lower() in ("off", "0", "none"):
        until, done = None, f"<code>{e(target)}</code> unmuted."
    else:
        try:
            seconds = parse_duration(span)
        except ValueError as err:
            raise UserError(str(err)) from None
        if seconds <= 0:
            raise UserError("Give a positive duration such as 30m, 2h or 1d (or off to unmute).")
        until = time.time() + seconds
        done = (f"<code>{e(target)}</code> muted for {e(format_duration(seconds))}: no alerts until then "
                "(nothing is queued for later).")
    await apply_edit(update, context, lambda path: rules_edit.set_mute(path, target, until), done)


# ---------------------------------------------------------------------------------------------------
# The registry: app.py registers these; /help and Telegram's command menu are built from them


@dataclass(frozen=True)
class Command:
    name: str
    usage: str
    handler: Handler
    admin: bool = False

    @property
    def description(self) -> str:
        return (self.handler.__doc__ or self.name).strip().splitlines()[0]


COMMANDS: tuple[Command, ...] = (
    Command("start", "/start", cmd_start),
    Command("help", "/help", cmd_help),
    Command("watches", "/watches", cmd_watches),
    Command("subscribe", "/subscribe [watch ...]", cmd_subscribe),
    Command("unsubscribe", "/unsubscribe [watch ...]", cmd_unsubscribe),
    Command("subscriptions", "/subscriptions", cmd_subscriptions),
    Command("quotes", "/quotes <speaker> [N | 24h | 7d]", cmd_quotes),
    Command("search", "/search <words> [speaker]", cmd_search),
    Command("status", "/status", cmd_status),
    Command("reload", "/reload", cmd_reload, admin=True),
    Command("track", '/track <id> "<Full Name>" [alias ...]', cmd_track, admin=True),
    Command("untrack", "/untrack <id>", cmd_untrack, admin=True),
    Command("alias", "/alias <id> <alias>", cmd_alias, admin=True),
    Command("watch", "/watch <id> <speaker,...> [topic,...]", cmd_watch, admin=True),
    Command("unwatch", "/unwatch <id>", cmd_unwatch, admin=True),
    Command("mute", "/mute <speaker|watch> <duration | off>", cmd_mute, admin=True),
)

