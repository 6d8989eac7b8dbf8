"""Which watches a chat gets alerts for: /watches, /subscribe, /unsubscribe, /subscriptions, and the
subscription buttons (`picker`; a tap arrives at `on_button`, registered by bot/app.py for "tog:" data).

Anybody may (un)subscribe their private chat; a group's subscriptions are changed only by its
administrators or the bot's admins (`access.may_manage_chat`). `/subscribe @channel watch` (or a group's
@username or id) changes another chat's subscriptions from a private chat, for that chat's
administrators (`access.remote_chat`). Watch ids match case-insensitively.
"""

from __future__ import annotations

import re
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.commands.access import allowed_chat, may_manage_chat, remote_chat
from bot.commands.base import Context, UserError, ctx, e, fit, reply, words
from bot.commands.settings_lang import chat_language
from bot.i18n import N_, _
from rules.duration import format_duration
from rules.model import Rules

CALLBACK_MAX = 64  # Telegram's limit on callback_data, in bytes
PICKER_TEXT = N_("Tap a watch to subscribe this chat (✅) or unsubscribe it (➕).")
NO_WATCHES = N_("No watches are configured yet; an admin adds them to the rules file.")
# Another chat named in /subscribe: a public @username (Telegram's rule: 5-32 characters) or a chat id.
_OTHER_CHAT = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}|-\d{1,20}")


def display_name(rules: Rules, speaker_id: str) -> str:
    speaker = rules.speaker(speaker_id)
    return speaker.name if speaker else speaker_id


async def cmd_watches(update: Update, context: Context) -> None:
    """List the watches this chat can subscribe to."""
    qw = ctx(context)
    rules = qw.rules()
    chat = update.effective_chat
    mine = set(await qw.store.subscriptions(chat.id)) if chat else set()
    if not rules.watches:
        await reply(update, e(_(NO_WATCHES)))
        return
    lines = [_("<b>Watches</b> (✅ = this chat is subscribed)")]
    now = time.time()
    for w in rules.watches:
        speakers = ", ".join(e(display_name(rules, s)) for s in w.speakers)
        topics = ", ".join(e(t) for t in w.topics) or e(_("any topic"))
        muted = ""
        if w.muted_until and w.muted_until > now:
            muted = " — " + e(_("muted for {duration}").format(duration=format_duration(w.muted_until - now)))
        mark = "✅ " if w.id in mine else ""
        on = _("{speakers} on {topics}").format(speakers=speakers, topics=topics)
        lines.append(f"{mark}<code>{e(w.id)}</code>: {on}{muted}")
    await reply(update, fit(lines))


async def cmd_subscribe(update: Update, context: Context) -> None:
    """Subscribe this chat (or a channel you run) to watches; alone, a list to tap."""
    names = words(update)
    if not names:
        await send_picker(update, context)
        return
    if _OTHER_CHAT.fullmatch(names[0]):
        await change_other_chat(update, context, names[0], names[1:], subscribe=True)
        return
    await change_subscriptions(update, context, names, subscribe=True)


async def cmd_unsubscribe(update: Update, context: Context) -> None:
    """Unsubscribe this chat (or a channel you run); alone, from everything."""
    names = words(update)
    chat = update.effective_chat
    if names and _OTHER_CHAT.fullmatch(names[0]):
        await change_other_chat(update, context, names[0], names[1:], subscribe=False)
        return
    if not names and chat is not None:
        names = await ctx(context).store.subscriptions(chat.id)
        if not names:
            await reply(update, e(_("This chat has no subscriptions.")))
            return
    await change_subscriptions(update, context, names, subscribe=False)


async def change_other_chat(update: Update, context: Context, target: str, names: list[str], *,
                            subscribe: bool) -> None:
    """/subscribe @channel watch ...: the same change, for a chat this user administers."""
    chat = update.effective_chat
    if chat is None or chat.type != "private":
        raise UserError(_("Change the subscriptions of {target} from your private chat with the bot.").format(
            target=target))
    other = await remote_chat(update, context, target)
    if not names:
        names = await ctx(context).store.subscriptions(other.id) if not subscribe else []
        if not names:
            raise UserError(_("Name the watches, e.g. /subscribe {target} grain-watch (/watches lists them).")
                            .format(target=target) if subscribe
                            else _("{target} has no subscriptions.").format(target=target))
    await apply_change(update, context, other.id, names, subscribe=subscribe,
                       where=other.title or target)


async def change_subscriptions(update: Update, context: Context, names: list[str], *, subscribe: bool) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    if not await may_manage_chat(update, context):
        await reply(update, e(_("Sorry, only this group's administrators can change its subscriptions.")))
        return
    await apply_change(update, context, chat.id, names, subscribe=subscribe)


async def apply_change(update: Update, context: Context, chat_id: int | str, names: list[str], *,
                       subscribe: bool, where: str = "") -> None:
    qw = ctx(context)
    known = {w.id.lower(): w.id for w in qw.rules().watches}
    unknown = [n for n in names if n.lower() not in known]
    if unknown:
        hint = ", ".join(f"<code>{e(w)}</code>" for w in sorted(known.values())) or e(_("none yet"))
        await reply(update, _("No watch called {names}. Watches: {hint}.").format(
            names=", ".join(e(n) for n in unknown), hint=hint))
        return
    changed = []
    for name in dict.fromkeys(known[n.lower()] for n in names):
        if subscribe:
            if await qw.store.subscribe(chat_id, name):
                changed.append(name)
        elif await qw.store.unsubscribe(chat_id, name):
            changed.append(name)
    if subscribe:
        await qw.store.reactivate_chat(chat_id)
        qw.chat_back(chat_id)
    if changed:
        listed = ", ".join(f"<code>{e(n)}</code>" for n in changed)
        if where:
            text = (_("Subscribed {chat} to {watches}.") if subscribe
                    else _("Unsubscribed {chat} from {watches}.")).format(chat=e(where), watches=listed)
        else:
            text = (_("Subscribed to {watches}.") if subscribe else _("Unsubscribed from {watches}.")).format(
                watches=listed)
    else:
        text = e(_("Nothing changed: already subscribed.") if subscribe else _("Nothing changed: was not subscribed."))
    await reply(update, text)


def picker(rules: Rules, mine: set[str]) -> InlineKeyboardMarkup:
    rows = []
    for w in rules.watches:
        data = f"tog:{w.id}"
        if len(data.encode()) > CALLBACK_MAX:
            continue  # an id too long for a button; /subscribe <id> still works
        rows.append([InlineKeyboardButton(("✅ " if w.id in mine else "➕ ") + w.id, callback_data=data)])
    return InlineKeyboardMarkup(rows)


async def send_picker(update: Update, context: Context) -> None:
    qw = ctx(context)
    chat = update.effective_chat
    if chat is None:
        return
    rules = qw.rules()
    if not rules.watches:
        await reply(update, e(_(NO_WATCHES)))
        return
    mine = set(await qw.store.subscriptions(chat.id))
    await reply(update, e(_(PICKER_TEXT)), picker(rules, mine))


async def cmd_subscriptions(update: Update, context: Context) -> None:
    """Show this chat's subscriptions, with buttons to change them."""
    qw = ctx(context)
    chat = update.effective_chat
    if chat is None:
        return
    mine = await qw.store.subscriptions(chat.id)
    if words(update):
        raise UserError(_("/subscriptions takes no argument; use /subscribe <watch> or /unsubscribe <watch>."))
    head = (_("Subscribed: {watches}").format(watches=", ".join(f"<code>{e(w)}</code>" for w in mine)) if mine
            else e(_("No subscriptions yet.")))
    await reply(update, f"{head}\n{e(_(PICKER_TEXT))}", picker(qw.rules(), set(mine)))


async def on_button(update: Update, context: Context) -> None:
    """A tap on a subscription button: toggle that watch for the chat."""
    query = update.callback_query
    if query is None or not query.data:
        return
    qw = ctx(context)
    chat = update.effective_chat
    watch = query.data.partition(":")[2]
    allowed = chat is not None and allowed_chat(update, context)
    await chat_language(update, context, remember=allowed)
    if chat is None or not allowed:
        await query.answer(_("Sorry, this bot is private."))
        return
    if not await may_manage_chat(update, context):
        await query.answer(_("Only this group's administrators can change its subscriptions."), show_alert=True)
        return
    rules = qw.rules()
    if watch not in {w.id for w in rules.watches}:
        await query.answer(_("That watch no longer exists."))
        return
    if watch in await qw.store.subscriptions(chat.id):
        await qw.store.unsubscribe(chat.id, watch)
        note = _("Unsubscribed from {watch}").format(watch=watch)
    else:
        await qw.store.subscribe(chat.id, watch)
        await qw.store.reactivate_chat(chat.id)
        note = _("Subscribed to {watch}").format(watch=watch)
    await query.answer(note)
    mine = set(await qw.store.subscriptions(chat.id))
    try:
        await query.edit_message_reply_markup(picker(rules, mine))
    except BadRequest as err:
        if "not modified" not in err.message.lower():
            raise
