"""The admins' commands: /reload, and the rule edits /track /untrack /alias /watch /unwatch /mute.

An edit changes the rules file in place through rules.edit (comments and layout kept), off the event
loop; `on_rules_changed` then makes the service reload it, so it applies at once. A refused edit leaves
the file as it was and tells the admin why. Only admins get here (`guarded(..., admin=True)`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable
from pathlib import Path

from telegram import Update

from bot.commands.base import MAX_ARGS, Context, UserError, ctx, e, reply, words
from rules import edit as rules_edit
from rules.duration import format_duration, parse_duration
from rules.load import RulesError

log = logging.getLogger("quotewatch.commands")

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
TWO_OR_MORE = range(2, MAX_ARGS + 1)  # words() allows at most MAX_ARGS
# A mute is a pause (a holiday, a noisy week), as /quotes' longest window is a year; longer is /unwatch.
MAX_MUTE = 366 * 86400


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
        await qw.on_rules_changed()
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
    """The id, lower-cased (ids in the rules are lowercase, and people type Kovalenko), or UserError."""
    value = value.lower()
    if not _ID.match(value):
        raise UserError(f"{what} {value[:40]!r} is not valid: use lowercase letters, digits, - and _ "
                        "(at most 40 characters), e.g. kovalenko.")
    return value


async def cmd_reload(update: Update, context: Context) -> None:
    """Reload the rules file now."""
    qw = ctx(context)
    try:
        await qw.on_rules_changed()
    except Exception as err:
        await reply(update, f"Reload failed; the previous rules stay in force: {e(err)}")
        return
    rules = qw.rules()
    await reply(update, f"Rules reloaded: {len(rules.feeds)} feeds, {len(rules.speakers)} speakers, "
                        f"{len(rules.watches)} watches.")


async def cmd_track(update: Update, context: Context) -> None:
    """Track a new speaker."""
    args = admin_args(update, TWO_OR_MORE, 'Write /track <id> "<Full Name>" [alias ...], e.g. '
                                           '/track kovalenko "Marta Kovalenko" Kovalenko.')
    speaker_id, name, aliases = check_id(args[0]), args[1], tuple(args[2:])
    await apply_edit(update, context, lambda path: rules_edit.add_speaker(path, speaker_id, name, aliases),
                     f"Now tracking {e(name)} (<code>{e(speaker_id)}</code>).")


async def cmd_untrack(update: Update, context: Context) -> None:
    """Stop tracking a speaker."""
    [speaker_id] = admin_args(update, range(1, 2), "Write /untrack <id>, e.g. /untrack kovalenko.")
    speaker_id = check_id(speaker_id)
    await apply_edit(update, context, lambda path: rules_edit.remove_speaker(path, speaker_id),
                     f"No longer tracking <code>{e(speaker_id)}</code>.")


async def cmd_alias(update: Update, context: Context) -> None:
    """Add another name for a speaker."""
    args = admin_args(update, TWO_OR_MORE,
                      'Write /alias <id> <alias>, e.g. /alias kovalenko "the agriculture minister".')
    speaker_id, alias = check_id(args[0]), " ".join(args[1:])
    await apply_edit(update, context, lambda path: rules_edit.add_alias(path, speaker_id, alias),
                     f"<code>{e(speaker_id)}</code> is also “{e(alias)}” now.")


async def cmd_watch(update: Update, context: Context) -> None:
    """Add a watch chats can subscribe to."""
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
    """Remove a watch."""
    [watch_id] = admin_args(update, range(1, 2), "Write /unwatch <id>, e.g. /unwatch grain-desk.")
    watch_id = check_id(watch_id, "watch id")
    await apply_edit(update, context, lambda path: rules_edit.remove_watch(path, watch_id),
                     f"Watch <code>{e(watch_id)}</code> removed.")


async def cmd_mute(update: Update, context: Context) -> None:
    """Silence a watch, or every watch naming a speaker, for a while."""
    target, span = admin_args(update, range(2, 3), "Write /mute <speaker|watch> <duration>, e.g. /mute kovalenko "
                                                   "2h (or off to unmute).")
    target = check_id(target, "speaker or watch id")
    if span.lower() in ("off", "0", "none"):
        until, done = None, f"<code>{e(target)}</code> unmuted."
    else:
        try:
            seconds = parse_duration(span)
        except ValueError as err:
            raise UserError(str(err)) from None
        if seconds <= 0:
            raise UserError("Give a positive duration such as 30m, 2h or 1d (or off to unmute).")
        if seconds > MAX_MUTE:
            # Also what keeps a 20-digit "/mute x 99999999999999999999d" from overflowing the date.
            raise UserError(f"Mute for at most {MAX_MUTE // 86400}d; to stop a watch for good, /unwatch it.")
        until = time.time() + seconds
        done = (f"<code>{e(target)}</code> muted for {e(format_duration(seconds))}: no alerts until then "
                "(nothing is queued for later).")
    await apply_edit(update, context, lambda path: rules_edit.set_mute(path, target, until), done)
