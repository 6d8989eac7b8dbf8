"""The admins' commands: /reload, and the rule edits /track /untrack /alias /watch /unwatch /mute.

An edit changes the rules file in place through rules.edit (comments and layout kept), off the event
loop; `on_rules_changed` then makes the service reload it, so it applies at once. A refused edit leaves
the file as it was and tells the admin why. Only admins get here (`guarded(..., admin=True)`; the
confirmation buttons check again in `on_admin_button`).

Every change says what it changes and how to undo it, and is logged with who made it (user id and name):
    /untrack id          lists the watches and chats it affects and asks first (buttons "untrack:<id>" /
                         "cancel:"), then replies with the commands that put the speaker back
    /watch id spk [top]  a new watch, or more speakers (and topics) in an existing one (undoes /untrack)
    /unwatch id [spk]    the whole watch, or only those speakers out of it
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode

from bot.commands.access import RULES_ADMIN_ONLY, is_admin
from bot.commands.base import MAX_ARGS, Context, UserError, ctx, e, reply, words
from bot.commands.rule_errors import refusal
from bot.commands.settings_lang import chat_language
from bot.i18n import N_, _, ngettext
from rules import edit as rules_edit
from rules.duration import format_duration, parse_duration
from rules.load import RulesError
from rules.model import Rules

log = logging.getLogger("quotewatch.commands")

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
TWO_OR_MORE = range(2, MAX_ARGS + 1)  # words() allows at most MAX_ARGS
# A mute is a pause (a holiday, a noisy week), as /quotes' longest window is a year; longer is /unwatch.
MAX_MUTE = 366 * 86400
SPEAKER_ID, WATCH_ID, TOPIC_ID = N_("speaker id"), N_("watch id"), N_("topic id")
FEED_ID, TARGET_ID = N_("feed id"), N_("speaker or watch id")


def who(update: Update) -> str:
    """The person behind an update, for the log: "user 1000 (Dana Lind @dana)"; an anonymous admin as its chat."""
    user, message = update.effective_user, update.effective_message
    if message is not None and message.sender_chat is not None:
        return f"chat {message.sender_chat.id} ({message.sender_chat.title or message.sender_chat.username or ''})"
    if user is None:
        return "unknown"
    handle = f" @{user.username}" if user.username else ""
    return f"user {user.id} ({user.full_name}{handle})"


def command_text(update: Update) -> str:
    message = update.effective_message
    return (message.text or "")[:200] if message is not None else ""


async def run_edit(update: Update, context: Context, change: Callable[[Path], object], done: str,
                   what: str | None = None) -> str:
    """Run `change(rules_path)` (a rules.edit function) off the event loop, then reload; the answer.

    Refusals (RulesError: an unknown id, a file the bot cannot edit) are answered with their reasons; the
    file is left as it was. Each change, and each refusal, is logged with who asked (`what`: the command)."""
    qw = ctx(context)
    what = what if what is not None else command_text(update)
    try:
        await asyncio.to_thread(change, qw.rules_path)
    except RulesError as err:
        problems = [p.message for p in err.problems[:3]] or [str(err)]
        log.info("rules edit refused: %s by %s: %s", what, who(update), "; ".join(problems))
        return _("Not changed: {reason}").format(reason="; ".join(e(refusal(p)) for p in problems))
    except (OSError, ValueError) as err:
        log.info("rules edit refused: %s by %s: %s", what, who(update), err)
        return _("Not changed: {reason}").format(reason=e(err))
    log.warning("rules changed: %s by %s", what, who(update))
    try:
        await qw.on_rules_changed()
    except Exception as err:  # the file changed, but the reload failed: the admin must know
        log.exception("reload after an edit failed")
        return _("{done}, but reloading failed: {error}").format(done=done, error=e(err))
    return done


async def apply_edit(update: Update, context: Context, change: Callable[[Path], object], done: str) -> None:
    """`run_edit`, answered in the chat."""
    await reply(update, await run_edit(update, context, change, done))


def quoted(word: str) -> str:
    return f'"{word}"' if any(c.isspace() for c in word) else word


def track_again(rules: Rules, speaker_id: str) -> str:
    """The commands that put a speaker back as it is now: /track with its name and aliases, /watch for its watches."""
    speaker = rules.speaker(speaker_id)
    if speaker is None:
        return ""
    lines = [" ".join(["/track", speaker_id, f'"{speaker.name}"', *(quoted(a) for a in speaker.aliases)])]
    lines += [f"/watch {w.id} {speaker_id}" for w in rules.watches if speaker_id in w.speakers]
    return "\n".join(f"<code>{e(line)}</code>" for line in lines)


def admin_args(update: Update, counts: range, usage: str) -> list[str]:
    """The command's words when there are `counts` of them; otherwise a UserError showing `usage`."""
    args = words(update)
    if len(args) not in counts:
        raise UserError(usage)
    return args


def check_id(value: str, what: str = SPEAKER_ID) -> str:
    """The id, lower-cased (ids in the rules are lowercase, and people type Kovalenko), or UserError.
    `what`: one of the N_ names above (SPEAKER_ID, WATCH_ID, ...), looked up here."""
    value = value.lower()
    if not _ID.match(value):
        raise UserError(_("{what} {value} is not valid: use lowercase letters, digits, - and _ "
                          "(at most 40 characters), e.g. kovalenko.").format(what=_(what), value=repr(value[:40])))
    return value


async def cmd_reload(update: Update, context: Context) -> None:
    """Reload the rules file now."""
    qw = ctx(context)
    try:
        await qw.on_rules_changed()
    except Exception as err:
        await reply(update, _("Reload failed; the previous rules stay in force: {error}").format(error=e(err)))
        return
    rules = qw.rules()
    await reply(update, _("Rules reloaded: {feeds} feeds, {speakers} speakers, {watches} watches.").format(
        feeds=len(rules.feeds), speakers=len(rules.speakers), watches=len(rules.watches)))


async def cmd_track(update: Update, context: Context) -> None:
    """Track a new speaker."""
    args = admin_args(update, TWO_OR_MORE, _('Write /track <id> "<Full Name>" [alias ...], e.g. '
                                             '/track kovalenko "Marta Kovalenko" Kovalenko.'))
    speaker_id, name, aliases = check_id(args[0]), args[1], tuple(args[2:])
    await apply_edit(update, context, lambda path: rules_edit.add_speaker(path, speaker_id, name, aliases),
                     _("Now tracking {name} ({id}).").format(name=e(name), id=f"<code>{e(speaker_id)}</code>"))


async def cmd_untrack(update: Update, context: Context) -> None:
    """Stop tracking a speaker (asks first when watches follow them)."""
    [speaker_id] = admin_args(update, range(1, 2), _("Write /untrack <id>, e.g. /untrack kovalenko."))
    speaker_id = check_id(speaker_id)
    qw = ctx(context)
    rules = qw.rules()
    watches = [w for w in rules.watches if speaker_id in w.speakers]
    speaker = rules.speaker(speaker_id)
    if speaker is None or not watches or any(w.speakers == (speaker_id,) for w in watches):
        # Nothing follows them (nothing to confirm), or the edit will be refused with the reason.
        await apply_edit(update, context, lambda path: rules_edit.remove_speaker(path, speaker_id),
                         untracked(rules, speaker_id))
        return
    lines = [_("Untrack {name} ({id})? Their statements stop alerting in:").format(
        name=e(speaker.name), id=f"<code>{e(speaker_id)}</code>")]
    for w in watches:
        chats = list(dict.fromkeys([*w.chats, *await qw.store.subscribers(w.id)]))
        shown = ", ".join(f"<code>{e(c)}</code>" for c in chats[:10])
        if len(chats) > 10:
            shown = _("{shown} and {n} more").format(shown=shown, n=len(chats) - 10)
        count = ngettext("{n} chat(s)", "{n} chat(s)", len(chats)).format(n=len(chats))
        line = _("• watch {watch}: {count}").format(watch=f"<code>{e(w.id)}</code>", count=count)
        lines.append(f"{line}: {shown}" if chats else line)
    buttons = InlineKeyboardMarkup([[
        InlineKeyboardButton(_("Untrack {id}").format(id=speaker_id), callback_data=f"untrack:{speaker_id}"),
        InlineKeyboardButton(_("Cancel"), callback_data="cancel:untrack"),
    ]])
    await reply(update, "\n".join(lines), buttons)


def untracked(rules: Rules, speaker_id: str) -> str:
    undo = track_again(rules, speaker_id)
    done = _("No longer tracking {id}.").format(id=f"<code>{e(speaker_id)}</code>")
    return done + " " + _("To undo:") + "\n" + undo if undo else done


async def on_admin_button(update: Update, context: Context) -> None:
    """A tap on an admin confirmation button ("untrack:<id>", "cancel:...")."""
    query = update.callback_query
    if query is None or not query.data:
        return
    await chat_language(update, context)
    if not is_admin(update, context):
        await query.answer(_(RULES_ADMIN_ONLY), show_alert=True)
        return
    action, _sep, target = query.data.partition(":")
    if action == "untrack":
        rules = ctx(context).rules()
        text = await run_edit(update, context, lambda path: rules_edit.remove_speaker(path, target),
                              untracked(rules, target), what=f"/untrack {target} (confirmed)")
    else:
        text = _("Cancelled: nothing changed.")
        log.info("admin change cancelled: %s by %s", target, who(update))
    await query.answer()
    await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None)


async def cmd_alias(update: Update, context: Context) -> None:
    """Add another name for a speaker."""
    args = admin_args(update, TWO_OR_MORE,
                      _('Write /alias <id> <alias>, e.g. /alias kovalenko "the agriculture minister".'))
    speaker_id, alias = check_id(args[0]), " ".join(args[1:])
    await apply_edit(update, context, lambda path: rules_edit.add_alias(path, speaker_id, alias),
                     _("{id} is also “{alias}” now.").format(id=f"<code>{e(speaker_id)}</code>", alias=e(alias)))


async def cmd_watch(update: Update, context: Context) -> None:
    """Add a watch chats can subscribe to, or speakers to a watch."""
    args = admin_args(update, range(2, 4), _("Write /watch <id> <speaker,...> [topic,...], e.g. /watch grain-desk "
                                             "kovalenko,tamm grain (no topics: anything they say)."))
    watch_id = check_id(args[0], WATCH_ID)
    speakers = [check_id(x) for x in args[1].split(",") if x]
    topics = [check_id(x, TOPIC_ID) for x in args[2].split(",") if x] if len(args) == 3 else []
    if not speakers:
        raise UserError(_("Name at least one speaker id, e.g. /watch grain-desk kovalenko grain."))
    if any(w.id == watch_id for w in ctx(context).rules().watches):
        named = ", ".join(f"<code>{e(x)}</code>" for x in [*speakers, *topics])
        await apply_edit(update, context, lambda path: rules_edit.add_to_watch(path, watch_id, speakers, topics),
                         _("Watch {watch} now has {named} too; /unwatch {id} {speakers} takes them out again.")
                         .format(watch=f"<code>{e(watch_id)}</code>", named=named, id=e(watch_id),
                                 speakers=e(','.join(speakers))))
        return
    await apply_edit(update, context, lambda path: rules_edit.add_watch(path, watch_id, speakers, topics),
                     _("Watch {watch} added; /subscribe {id} to get its alerts.").format(
                         watch=f"<code>{e(watch_id)}</code>", id=e(watch_id)))


async def cmd_unwatch(update: Update, context: Context) -> None:
    """Remove a watch, or speakers from it."""
    args = admin_args(update, range(1, 3), _("Write /unwatch <id> [speaker,...], e.g. /unwatch grain-desk (the "
                                             "whole watch) or /unwatch grain-desk tamm (only that speaker)."))
    watch_id = check_id(args[0], WATCH_ID)
    if len(args) == 2:
        speakers = [check_id(x) for x in args[1].split(",") if x]
        names = e(",".join(speakers))
        await apply_edit(update, context, lambda path: rules_edit.remove_from_watch(path, watch_id, speakers),
                         _("Took {names} out of watch {watch}; /watch {id} {names} puts them back.").format(
                             names=names, watch=f"<code>{e(watch_id)}</code>", id=e(watch_id)))
        return
    qw = ctx(context)
    watch = next((w for w in qw.rules().watches if w.id == watch_id), None)
    done = _("Watch {watch} removed.").format(watch=f"<code>{e(watch_id)}</code>")
    if watch is not None:
        subscribers = len(await qw.store.subscribers(watch_id))
        undo = " ".join(["/watch", watch.id, ",".join(watch.speakers), *([",".join(watch.topics)] if watch.topics else [])])
        done += " " + _("{subscribers} subscribed chat(s) and {chats} chat(s) of the rules no longer get its "
                        "alerts. To undo: {undo} (then /subscribe {id} in those chats).").format(
            subscribers=subscribers, chats=len(watch.chats), undo=f"<code>{e(undo)}</code>", id=e(watch.id))
    await apply_edit(update, context, lambda path: rules_edit.remove_watch(path, watch_id), done)


async def cmd_mute(update: Update, context: Context) -> None:
    """Silence a watch, or every watch naming a speaker, for a while."""
    target, span = admin_args(update, range(2, 3), _("Write /mute <speaker|watch> <duration>, e.g. /mute kovalenko "
                                                     "2h (or off to unmute)."))
    target = check_id(target, TARGET_ID)
    if span.lower() in ("off", "0", "none"):
        until, done = None, _("{id} unmuted.").format(id=f"<code>{e(target)}</code>")
    else:
        try:
            seconds = parse_duration(span)
        except ValueError as err:
            raise UserError(refusal(str(err))) from None
        if seconds <= 0:
            raise UserError(_("Give a positive duration such as 30m, 2h or 1d (or off to unmute)."))
        if seconds > MAX_MUTE:
            # Also what keeps a 20-digit "/mute x 99999999999999999999d" from overflowing the date.
            raise UserError(_("Mute for at most {days}d; to stop a watch for good, /unwatch it.").format(
                days=MAX_MUTE // 86400))
        until = time.time() + seconds
        done = _("{id} muted for {duration}: no alerts until then (nothing is queued for later).").format(
            id=f"<code>{e(target)}</code>", duration=e(format_duration(seconds)))
    await apply_edit(update, context, lambda path: rules_edit.set_mute(path, target, until), done)
