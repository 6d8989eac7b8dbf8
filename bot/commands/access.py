"""Who may use the bot and who may do what, checked before any command handler runs.

  - anybody: /start /help /quotes /search /watches, and (un)subscribing their private chat;
  - in a group, only the group's administrators (getChatMember; an anonymous administrator posts as the
    group itself, `sender_chat`) or the bot's admins (un)subscribe it; in a channel, whoever may post
    (its administrators); from a private chat, `/subscribe @channel` is for that chat's administrators
    (getChatMember), and only where the bot itself may post (`remote_chat`);
  - admins only (user ids from [telegram] admins, read from the current rules, so a reload applies):
    /status (feed errors quote feed URLs) and the rule edits /reload /track /untrack /alias /watch
    /unwatch /mute.
  - with an allowlist in the config, only those chats (and the admins anywhere) get an answer at all.

`guarded` wraps every command with these checks (bot/app.py registers the wrapped handlers);
`on_any_update` runs before all of them and gives a returning chat its subscriptions back.
"""

from __future__ import annotations

import logging

from telegram import Chat, ChatFullInfo, ChatMember, ChatMemberAdministrator, ChatMemberRestricted, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import TelegramError

from bot.commands.base import Context, Handler, UserError, ctx, e, reply
from bot.commands.settings_lang import chat_language
from bot.i18n import N_, _

log = logging.getLogger("quotewatch.commands")

RULES_ADMIN_ONLY = N_("Sorry, only the bot's admins can change the rules.")
# Refusals of the admin commands that change nothing, by handler name.
ADMIN_ONLY = {"cmd_status": N_("Sorry, only the bot's admins can see /status.")}
PRIVATE = N_("Sorry, this bot is private.")


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
    if chat.type == ChatType.CHANNEL and update.channel_post is not None:
        return True  # only a channel's admins can post in it (a button under a post is tapped by readers)
    message = update.effective_message
    if message is not None and message.sender_chat is not None and message.sender_chat.id == chat.id:
        return True  # an anonymous administrator: only administrators can post as the group itself
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as err:
        log.warning("getChatMember failed: chat=%s error=%s", chat.id, err)
        return False
    return member.status in (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


MANAGERS = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


def bot_may_post(chat: Chat | ChatFullInfo, me: ChatMember) -> bool:
    """Whether the bot, as this member of `chat`, can post alerts there."""
    if chat.type == ChatType.CHANNEL:
        return isinstance(me, ChatMemberAdministrator) and bool(me.can_post_messages)
    if isinstance(me, ChatMemberRestricted):
        return me.is_member and me.can_send_messages
    return me.status in (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER)


async def remote_chat(update: Update, context: Context, target: str) -> ChatFullInfo:
    """The chat `target` (@username or id) names, when the user may change its subscriptions from here.

    Checked with Telegram, as the chat's own commands are: the user administers it (getChatMember; the
    bot's admins may too), and the bot is in it and may post (for a channel: an administrator with
    can_post_messages). Refusals say what to fix, as a UserError."""
    user = update.effective_user
    try:
        chat = await context.bot.get_chat(int(target) if target.lstrip("-").isdigit() else target)
        me = await context.bot.get_chat_member(chat.id, context.bot.id)
    except TelegramError as err:
        log.info("remote chat lookup failed: target=%s error=%s", target, err)
        raise UserError(_("I cannot find {target} or am not in it: add the bot to it first "
                          "(in a channel, as an administrator who may post messages).").format(target=target)) from None
    title = chat.title or chat.username or str(chat.id)
    if chat.type == ChatType.PRIVATE:
        raise UserError(_("{target} is a person, not a group or channel.").format(target=target))
    if not is_admin(update, context):
        try:
            member = await context.bot.get_chat_member(chat.id, user.id) if user else None
        except TelegramError as err:
            log.info("getChatMember failed: chat=%s error=%s", chat.id, err)
            member = None
        if member is None or member.status not in MANAGERS:
            raise UserError(_("Only the administrators of {title} can change its subscriptions.").format(title=title))
    allowlist = ctx(context).rules().settings.telegram.allowlist
    if allowlist and chat.id not in allowlist and not is_admin(update, context):
        raise UserError(_("Sorry, this bot is private: {title} is not on its list of chats.").format(title=title))
    if not bot_may_post(chat, me):
        raise UserError(_("I cannot post in {title}: make the bot an administrator allowed to post messages.")
                        .format(title=title))
    return chat


def allowed_chat(update: Update, context: Context) -> bool:
    """With an allowlist in the config, only those chats (and the admins anywhere) may use the bot."""
    allowlist = ctx(context).rules().settings.telegram.allowlist
    chat = update.effective_chat
    return not allowlist or is_admin(update, context) or (chat is not None and chat.id in allowlist)


def guarded(handler: Handler, *, admin: bool = False) -> Handler:
    """Allowlist and admin checks, and UserError turned into a polite reply, around a handler."""

    async def wrapper(update: Update, context: Context) -> None:
        allowed = allowed_chat(update, context)
        await chat_language(update, context, remember=allowed)  # every reply to this update in its language
        if not allowed:
            await reply(update, e(_(PRIVATE)))
            return
        if admin and not is_admin(update, context):
            await reply(update, e(_(ADMIN_ONLY.get(handler.__name__, RULES_ADMIN_ONLY))))
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
    a message or a button; membership updates (the bot removed from a group) do not, though the bot
    added back to a chat makes a later removal worth reporting again (BotContext.chat_back)."""
    chat = update.effective_chat
    joined = update.my_chat_member
    if chat is not None and joined is not None and joined.new_chat_member.status in MANAGERS + (
        ChatMemberStatus.MEMBER,
    ):
        ctx(context).chat_back(chat.id)  # the bot is back in the chat: losing it again is news again
        return
    person = update.effective_user is not None or update.channel_post is not None  # a channel post has no user
    if chat is None or not person or update.my_chat_member or update.chat_member:
        return
    if not allowed_chat(update, context):
        return
    qw = ctx(context)
    qw.chat_back(chat.id)
    if chat.id in qw.active_chats:
        return  # nothing to reactivate: no write transaction for every message
    # Remembered before the write: a deactivation by the Sender after it forgets the chat again.
    qw.active_chats.add(chat.id)
    resumed = await qw.store.reactivate_chat(chat.id)
    if resumed:
        log.info("chat reactivated: chat=%s subscriptions=%d", chat.id, resumed)
