"""A chat's own settings: /settings (with buttons), /pause, /resume, /quiet, /digest, /lang.

Anyone in the chat may look (/settings); only those who may manage the chat change anything: the user
of a private chat, a group's administrators, a channel's posters, the bot's admins (the same check as
subscriptions: access.may_manage_chat). What each setting does is bot.settings; the values live in the
store through the SettingsBook in application.bot_data[SETTINGS_KEY].

The language of every reply is picked per update by settings_lang.chat_language.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram import Chat, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.commands.access import allowed_chat, may_manage_chat
from bot.commands.base import Context, UserError, ctx, e, reply, rules_chats, words
from bot.commands.settings_lang import book, chat_language
from bot.i18n import LANGUAGE_NAMES, LANGUAGES, N_, _, ngettext, set_language
from bot.settings import (
    DIGEST_MODES,
    ChatSettings,
    SettingError,
    format_quiet,
    parse_digest,
    parse_quiet,
    parse_tz,
    parse_urgent,
)

if TYPE_CHECKING:
    from watchers.store.backend import ChatId

BUTTON_PREFIX = "set:"
MANAGERS_ONLY = N_("Only this chat's administrators can change its settings.")
DIGEST_NAMES = {"off": N_("off"), "hourly": N_("hourly"), "daily": N_("daily at {hour}")}


def _error(err: SettingError) -> UserError:
    return UserError(_(err.msgid).format(**err.args_))


async def _manager(update: Update, context: Context) -> Chat:
    """The chat, when the user may change its settings; else a UserError."""
    chat = update.effective_chat
    if chat is None:
        raise UserError(_(MANAGERS_ONLY))
    if not await may_manage_chat(update, context):
        raise UserError(_(MANAGERS_ONLY))
    return chat


def aliases(context: Context, chat: Chat) -> list[ChatId]:
    """The names the rules give this chat besides its id (a watch's `chats = ["@harbour_desk"]`): alerts
    to that name follow the chat's settings too, so they are stored under both."""
    if not chat.username:
        return []
    name = f"@{chat.username}".lower()
    return [c for c in rules_chats(ctx(context).rules()) if isinstance(c, str) and c.lower() == name]


async def apply(context: Context, chat: Chat, **changes: Any) -> ChatSettings:
    """Change the chat's settings (and its aliases' to the same)."""
    s = await book(context).update(chat.id, **changes)
    for alias in aliases(context, chat):
        await book(context).put(alias, s)
    return s


async def held(context: Context, chat: Chat) -> dict[ChatId, list[str]]:
    """The stories held for the chat, under its id and its aliases."""
    store = ctx(context).store
    return {c: await store.held_stories(c) for c in [chat.id, *aliases(context, chat)]}


def describe(s: ChatSettings, held: int) -> str:
    """The settings, one line each, in the current language (Telegram HTML)."""
    digest = _(DIGEST_NAMES[s.digest]).format(hour=f"{s.digest_hour:02d}:00")
    state = _("⏸ Paused: alerts are held until /resume") if s.paused else _("▶ Alerts on")
    lines = [
        "<b>" + e(_("Settings of this chat")) + "</b>",
        e(state) + (" · " + e(ngettext("{n} held", "{n} held", held).format(n=held)) if held else ""),
        e(_("🔕 Silent: alerts make no sound") if s.silent else _("🔔 Sound: on")),
        e(_("🌙 Quiet hours: {hours} ({tz})").format(hours=format_quiet(s.quiet), tz=s.tz) if s.quiet
          else _("🌙 Quiet hours: off ({tz})").format(tz=s.tz)),
        e(_("⚡ Urgent speakers: {ids}").format(ids=", ".join(s.urgent)) if s.urgent
          else _("⚡ Urgent speakers: none")),
        e(_("🗞 Digest: {mode}").format(mode=digest)),
        e(_("🌐 Language: {name}").format(name=LANGUAGE_NAMES[s.lang or "en"])),
        "",
        e(_("Change with the buttons, or: /settings silent on|off · /settings tz Europe/Riga · "
            "/settings urgent id,id|off · /quiet 23:00-07:00|off · /digest off|hourly|daily 8 · "
            "/pause · /resume · /lang en|ru")),
    ]
    return "\n".join(lines)


def keyboard(s: ChatSettings) -> InlineKeyboardMarkup:
    other = "ru" if (s.lang or "en") == "en" else "en"
    next_digest = DIGEST_MODES[(DIGEST_MODES.index(s.digest) + 1) % len(DIGEST_MODES)]
    digest = _(DIGEST_NAMES[next_digest]).format(hour=f"{s.digest_hour:02d}:00")
    return InlineKeyboardMarkup([
        [
            InlineKeyboardButton(_("🔔 Sound on") if s.silent else _("🔕 Silent"), callback_data="set:silent"),
            InlineKeyboardButton(_("▶ Resume") if s.paused else _("⏸ Pause"), callback_data="set:pause"),
        ],
        [
            InlineKeyboardButton(_("🗞 Digest → {mode}").format(mode=digest), callback_data="set:digest"),
            InlineKeyboardButton(f"🌐 {LANGUAGE_NAMES[other]}", callback_data="set:lang"),
        ],
    ])


async def _show(update: Update, context: Context, s: ChatSettings, note: str = "") -> None:
    chat = update.effective_chat
    count = sum(map(len, (await held(context, chat)).values())) if chat is not None else 0
    text = (e(note) + "\n\n" if note else "") + describe(s, count)
    await reply(update, text, keyboard(s))


async def cmd_settings(update: Update, context: Context) -> None:
    """Show this chat's settings (silent, pause, quiet hours, digest, language), with buttons."""
    chat = update.effective_chat
    if chat is None:
        return
    args = words(update)
    if not args:
        await _show(update, context, await book(context).get(chat.id))
        return
    target = await _manager(update, context)
    await _save(update, context, target, args[0].lower(), args[1:])


def _changes(context: Context, key: str, values: list[str]) -> dict[str, object]:
    """What `/settings key values` changes, as ChatSettings fields; SettingError when it is not one."""
    first = values[0].lower() if values else ""
    if key == "silent" and first in ("on", "off"):
        return {"silent": first == "on"}
    if key == "tz" and values:
        return {"tz": parse_tz(values[0])}
    if key == "quiet" and values:
        return {"quiet": None if first == "off" else parse_quiet("".join(values))}
    if key == "urgent" and values:
        known = [sp.id for sp in ctx(context).rules().speakers]
        return {"urgent": () if first == "off" else parse_urgent(values, known)}
    if key == "digest" and values:
        mode, hour = parse_digest(values)
        return {"digest": mode} | ({"digest_hour": hour} if hour is not None else {})
    if key == "lang" and first in LANGUAGES:
        return {"lang": first}
    raise SettingError(N_("Write /settings silent on|off, /settings tz <zone>, /settings quiet 23:00-07:00|off, "
                          "/settings urgent <speaker,...>|off, /settings digest off|hourly|daily <hour> "
                          "or /settings lang en|ru."))


async def _save(update: Update, context: Context, target: Chat, key: str, values: list[str]) -> None:
    """Apply `/settings key values` to the target chat and show the result ("Saved.")."""
    try:
        changes = _changes(context, key, values)
    except SettingError as err:
        raise _error(err) from None
    if key == "lang":
        set_language(str(changes["lang"]))
    await _show(update, context, await apply(context, target, **changes), _("Saved."))


async def _set(update: Update, context: Context, key: str) -> None:
    target = await _manager(update, context)
    values = words(update)
    if not values:
        raise UserError(_("Write /{command} with a value; /settings shows them all.").format(command=key))
    await _save(update, context, target, key, values)


async def cmd_quiet(update: Update, context: Context) -> None:
    """Set quiet hours in the chat's time zone (23:00-07:00), or turn them off."""
    await _set(update, context, "quiet")


async def cmd_digest(update: Update, context: Context) -> None:
    """One message per hour or per day instead of one alert per statement (off | hourly | daily 8)."""
    await _set(update, context, "digest")


async def cmd_lang(update: Update, context: Context) -> None:
    """Choose the bot's language in this chat (en | ru)."""
    await _set(update, context, "lang")


async def cmd_pause(update: Update, context: Context) -> None:
    """Pause this chat's alerts; they are held and come on /resume."""
    await apply(context, await _manager(update, context), paused=True)
    await reply(update, e(_("Alerts paused. What comes meanwhile is held; /resume delivers it, "
                            "/resume skip drops it.")))


async def cmd_resume(update: Update, context: Context) -> None:
    """Resume this chat's alerts: what was held comes now (/resume skip drops it)."""
    target = await _manager(update, context)
    store = ctx(context).store
    waiting = await held(context, target)
    count = sum(map(len, waiting.values()))
    skip = [w.lower() for w in words(update)] == ["skip"]
    s = await apply(context, target, paused=False)
    if skip and count:
        dropped = sum([await store.release_held(c, ids) for c, ids in waiting.items()])
        text = ngettext("Alerts resumed; {n} held statement skipped.",
                        "Alerts resumed; {n} held statements skipped.", dropped).format(n=dropped)
    elif count and s.digest != "off":
        text = ngettext("Alerts resumed; {n} held statement comes with the next digest.",
                        "Alerts resumed; {n} held statements come with the next digest.", count).format(n=count)
    elif count:
        text = ngettext("Alerts resumed; {n} held statement follows now.",
                        "Alerts resumed; {n} held statements follow now.", count).format(n=count)
    else:
        text = _("Alerts resumed.")
    await reply(update, e(text))


async def on_settings_button(update: Update, context: Context) -> None:
    """A tap on a /settings button: change that setting and show the settings again."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or not query.data or chat is None:
        return
    allowed = allowed_chat(update, context)
    await chat_language(update, context, remember=allowed)
    if not allowed:
        await query.answer(_("Sorry, this bot is private."))
        return
    if not await may_manage_chat(update, context):
        await query.answer(_(MANAGERS_ONLY), show_alert=True)
        return
    s = await book(context).get(chat.id)
    what = query.data.removeprefix(BUTTON_PREFIX)
    if what == "silent":
        s = await apply(context, chat, silent=not s.silent)
    elif what == "pause":
        s = await apply(context, chat, paused=not s.paused)
    elif what == "digest":
        s = await apply(context, chat, digest=DIGEST_MODES[(DIGEST_MODES.index(s.digest) + 1) % len(DIGEST_MODES)])
    elif what == "lang":
        s = await apply(context, chat, lang="ru" if (s.lang or "en") == "en" else "en")
        set_language(s.lang or "en")
    else:
        await query.answer()
        return
    await query.answer(_("Saved."))
    count = sum(map(len, (await held(context, chat)).values()))
    try:
        await query.edit_message_text(describe(s, count), parse_mode="HTML", reply_markup=keyboard(s))
    except BadRequest as err:
        if "not modified" not in err.message.lower():
            raise
