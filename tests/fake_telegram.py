"""A fake Telegram Bot API server for tests and benchmarks: real HTTP on 127.0.0.1, the real protocol.

python-telegram-bot is pointed at it with
    ApplicationBuilder().token(TOKEN).base_url(fake.base_url).base_file_url(fake.base_file_url)
and cannot tell it from api.telegram.org for the methods quotewatch uses.

What it does, in the order a request goes through it:
  down?  -> 503 or a dropped connection            (fake.set_down("503" | "drop" | None))
  token  -> 401 Unauthorized for any other token; after fake.revoke(401 | 404) for ours too
  method -> 404 Not Found unless api.json names it
  params -> 400 for a missing required, an unknown or a mistyped parameter (checked against api.json)
  chat   -> 400 chat not found / group migrated, 403 blocked / kicked (fake.forget/migrate/block/kick)
  limits -> 429 with parameters.retry_after       (fake.enforce_limits = True; Telegram's flood limits)
  text   -> 400 can't parse entities (Telegram's HTML subset), message is too long, not modified
  then it does the thing, records the call (fake.calls) and the chat's messages (fake.messages(chat)).

A test feeds the bot with fake.user_says(chat_id, "/subscribe x", user_id=...) (anonymous=True: an
anonymous group administrator, posting as the group), fake.channel_posts(chat_id, text),
fake.user_edits(chat_id, message_id, text) and fake.user_presses(chat_id, message_id, data, user_id=...);
getUpdates long-polls for them. A chat with a username (fake.chat(id, "channel", username="harbour_desk"))
is found by "@harbour_desk" wherever a chat_id goes, as on Telegram; getChatMember answers a ChatMember
of the spec, for users (admins, owner, members) and for the bot itself (FakeChat.bot_status).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import re
import time
from collections import deque
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from aiohttp import web

TOKEN = "123456:TEST-token-never-shown"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Quotewatch", "username": "quotewatch_test_bot"}
# Who a message from an anonymous group administrator is "from" (the group itself is its sender_chat).
ANONYMOUS_ADMIN = {"id": 1087968824, "is_bot": True, "first_name": "Group", "username": "GroupAnonymousBot"}

# The spec travels with the tests (copied from the shared spec with its licence: telegram-bot-api/README.md),
# so a fresh clone needs nothing outside the repository.
SPEC_PATH = Path(__file__).resolve().parent / "telegram-bot-api" / "api.json"

MAX_MESSAGE_LENGTH = 4096  # "1-4096 characters after entities parsing"
# Methods that post or change a message: the ones Telegram's flood limits count.
MESSAGE_METHODS = frozenset({"sendMessage", "editMessageText", "sendPhoto", "sendDocument", "copyMessage",
                             "forwardMessage"})


# ---------------------------------------------------------------------------------------------------
# Telegram's HTML subset


class HtmlError(ValueError):
    """Text Telegram would refuse: the message is the part after "Bad Request: can't parse entities: "."""


# Tag -> entity type. Telegram knows these and no others (https://core.telegram.org/bots/api#html-style).
HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "span": "spoiler",
    "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre", "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>")
_ATTR_RE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")


def utf16_len(text: str) -> int:
    """Telegram counts offsets and lengths in UTF-16 code units."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _decode_entities(raw: str, at: int, source: str) -> str:
    out: list[str] = []
    pos = 0
    while True:
        amp = raw.find("&", pos)
        if amp < 0:
            out.append(raw[pos:])
            return "".join(out)
        out.append(raw[pos:amp])
        m = _ENTITY_RE.match(raw, amp)
        offset = len(source[: at + amp].encode())
        if not m:
            # Telegram wants "&" itself written as &amp;: a bare one is a sender who forgot to escape.
            raise HtmlError(f"Unsupported HTML entity at byte offset {offset}")
        if m.group(3) is not None:
            if m.group(3) not in NAMED_ENTITIES:
                raise HtmlError(f'Unsupported HTML entity "&{m.group(3)};" at byte offset {offset}')
            out.append(NAMED_ENTITIES[m.group(3)])
        else:
            code = int(m.group(1)) if m.group(1) is not None else int(m.group(2), 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise HtmlError(f"Invalid numeric HTML entity at byte offset {offset}")
            out.append(chr(code))
        pos = m.end()


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's parse_mode=HTML: return (plain text, entities) or raise HtmlError like the server."""
    text: list[str] = []
    length = 0  # UTF-16 length of the text so far
    entities: list[dict[str, Any]] = []
    stack: list[tuple[str, int, dict[str, Any]]] = []  # (tag, start offset, entity)
    pos = 0
    while pos < len(source):
        lt = source.find("<", pos)
        chunk_end = len(source) if lt < 0 else lt
        if chunk_end > pos:
            chunk = _decode_entities(source[pos:chunk_end], pos, source)
            text.append(chunk)
            length += utf16_len(chunk)
        if lt < 0:
            break
        offset = len(source[:lt].encode())
        m = _TAG_RE.match(source, lt)
        if not m:
            raise HtmlError(f"Unclosed start tag at byte offset {offset}" if ">" not in source[lt:]
                            else f"Unsupported start tag at byte offset {offset}")
        closing, name, attr_text = m.group(1) == "/", m.group(2).lower(), m.group(3)
        if name not in HTML_TAGS:
            kind = "end" if closing else "start"
            raise HtmlError(f'Unsupported {kind} tag "{name}" at byte offset {offset}')
        if closing:
            if not stack or stack[-1][0] != name:
                raise HtmlError(f'Unexpected end tag at byte offset {offset}')
            _, start, entity = stack.pop()
            entity["length"] = length - start
            if entity["length"] > 0:
                entities.append(entity)
        else:
            attrs = {a.lower(): (v or "").strip("\"'") for a, v in _ATTR_RE.findall(attr_text)}
            attrs = {a: _decode_entities(v, lt, source) for a, v in attrs.items()}
            entity = _start_entity(name, attrs, offset, [t for t, _, _ in stack])
            entity["offset"] = length
            stack.append((name, length, entity))
        pos = m.end()
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(text), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _start_entity(name: str, attrs: dict[str, str], offset: int, open_tags: list[str]) -> dict[str, Any]:
    if "code" in open_tags or ("pre" in open_tags and name != "code"):
        raise HtmlError(f'Can\'t use tag "{name}" inside code or pre at byte offset {offset}')
    if name == "blockquote" and "blockquote" in open_tags:
        raise HtmlError(f"Nested blockquotes are not allowed at byte offset {offset}")
    entity: dict[str, Any] = {"type": HTML_TAGS[name]}
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise HtmlError(f'Tag "span" must have class "tg-spoiler" at byte offset {offset}')
    if name == "a":
        href = attrs.get("href", "")
        if not href:
            raise HtmlError(f'Tag "a" must have attribute "href" at byte offset {offset}')
        entity["url"] = href
    if name == "tg-emoji":
        if not attrs.get("emoji-id"):
            raise HtmlError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {offset}')
        entity["custom_emoji_id"] = attrs["emoji-id"]
    if name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    if name == "code" and attrs.get("class", "").startswith("language-"):
        entity["language"] = attrs["class"].removeprefix("language-")
    return entity


# ---------------------------------------------------------------------------------------------------
# The Bot API spec: parameter checking


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters


class Spec:
    """Methods and types from api.json; `check` turns a request's raw parameters into typed ones."""

    def __init__(self, path: Path = SPEC_PATH) -> None:
        if not path.is_file():
            raise FileNotFoundError(
                f"Bot API spec not found at {path}: it belongs in tests/telegram-bot-api/ of the repository"
            )
        data = json.loads(path.read_text(encoding="utf-8"))
        self.methods: dict[str, Any] = data["methods"]
        # Telegram reads method names case-insensitively (PTB's do_api_request sends them lower-cased).
        self.names = {name.lower(): name for name in self.methods}
        self.types: dict[str, Any] = data["types"]

    def canonical(self, method: str) -> str:
        """The spec's spelling of a method name, or ApiError 404."""
        name = self.names.get(method.lower())
        if name is None:
            raise ApiError(404, "Not Found")
        return name

    def check(self, method: str, raw: dict[str, Any]) -> dict[str, Any]:
        spec = self.methods[method]
        fields = {f["name"]: f for f in spec.get("fields", [])}
        out: dict[str, Any] = {}
        for name, value in raw.items():
            if name not in fields:
                raise ApiError(400, f"Bad Request: unknown parameter {name!r} for method {method}")
            out[name] = self._value(value, fields[name]["types"], name)
        missing = [n for n, f in fields.items() if f["required"] and n not in out]
        if missing:
            raise ApiError(400, f"Bad Request: {missing[0]} is empty")
        # The few conditional requirements that api.json states only in prose.
        if method.startswith("editMessage") and "inline_message_id" not in out and not (
            "chat_id" in out and "message_id" in out
        ):
            raise ApiError(400, "Bad Request: message identifier is not specified")
        return out

    def _value(self, value: Any, types: list[str], name: str) -> Any:
        errors = []
        for type_name in types:
            try:
                return self._as(value, type_name, name)
            except ValueError as e:
                errors.append(str(e))
        raise ApiError(400, f"Bad Request: field {name!r} must be of type {' or '.join(types)}")

    def _as(self, value: Any, type_name: str, name: str) -> Any:
        if type_name.startswith("Array of "):
            if isinstance(value, str):
                value = _json(value)
            if not isinstance(value, list):
                raise ValueError(name)
            return [self._as(v, type_name.removeprefix("Array of "), name) for v in value]
        if type_name == "Integer":
            if isinstance(value, bool):
                raise ValueError(name)
            if isinstance(value, int):
                return value
            if isinstance(value, str) and re.fullmatch(r"-?\d{1,20}", value.strip()):
                return int(value)
            raise ValueError(name)
        if type_name == "Float":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            try:
                return float(value)
            except (TypeError, ValueError):
                raise ValueError(name) from None
        if type_name == "String":
            if isinstance(value, str):
                return value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            raise ValueError(name)
        if type_name == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.lower() in ("true", "false"):
                return value.lower() == "true"
            raise ValueError(name)
        if type_name == "InputFile":
            return value
        # An object type (LinkPreviewOptions, InlineKeyboardMarkup, BotCommand, ...): JSON object.
        if isinstance(value, str):
            value = _json(value)
        if not isinstance(value, dict):
            raise ValueError(name)
        self._check_object(value, type_name)
        return value

    def _check_object(self, value: dict[str, Any], type_name: str) -> None:
        spec = self.types.get(type_name)
        if spec is None or spec.get("subtypes"):
            return  # an abstract type (BotCommandScope): any of its subtypes' shapes
        fields = {f["name"]: f for f in spec.get("fields", [])}
        for key in value:
            if key not in fields:
                raise ApiError(400, f"Bad Request: unknown field {key!r} in {type_name}")
        for key, f in fields.items():
            if f["required"] and key not in value:
                raise ApiError(400, f"Bad Request: field {key!r} of {type_name} is required")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise ValueError("not JSON") from None


# ---------------------------------------------------------------------------------------------------
# Telegram's flood limits (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this)


@dataclass(frozen=True)
class FloodLimits:
    overall_per_second: int = 30  # "no more than 30 messages per second" across all chats
    private_per_second: float = 1.0  # "avoid sending more than one message per second" in one chat
    private_burst: int = 3  # short bursts go through; sustained rate above 1/s does not
    group_per_minute: int = 20  # "not able to send more than 20 messages per minute" to one group
    group_window: float = 60.0  # the "minute" of group_per_minute (tests scale it down)


class FloodControl:
    """Sliding windows (overall, per group) and a token bucket per private chat, on the server's clock."""

    def __init__(self, limits: FloodLimits) -> None:
        self.limits = limits
        self.overall: deque[float] = deque()
        self.groups: dict[int | str, deque[float]] = {}
        self.buckets: dict[int | str, tuple[float, float]] = {}  # chat -> (tokens, at)

    def admit(self, chat_id: int | str, group: bool, now: float) -> float:
        """0 when the message may go now (and count it), else the seconds to wait."""
        wait = _window_wait(self.overall, self.limits.overall_per_second, 1.0, now)
        if group:
            window = self.groups.setdefault(chat_id, deque())
            wait = max(wait, _window_wait(window, self.limits.group_per_minute, self.limits.group_window, now))
        else:
            tokens, at = self.buckets.get(chat_id, (float(self.limits.private_burst), now))
            tokens = min(float(self.limits.private_burst), tokens + (now - at) * self.limits.private_per_second)
            if tokens < 1.0:
                wait = max(wait, (1.0 - tokens) / self.limits.private_per_second)
        if wait > 0:
            return wait
        self.overall.append(now)
        if group:
            self.groups[chat_id].append(now)
        else:
            self.buckets[chat_id] = (tokens - 1.0, now)
        return 0.0


def _window_wait(window: deque[float], limit: int, period: float, now: float) -> float:
    while window and window[0] <= now - period:
        window.popleft()
    if len(window) < limit:
        return 0.0
    return window[0] + period - now


# ---------------------------------------------------------------------------------------------------
# The server


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic()
    status: int = 200


@dataclass
class FakeMessage:
    message_id: int
    chat_id: int | str
    text: str  # after entity parsing
    html: str | None  # the text as sent, when parse_mode was HTML
    entities: list[dict[str, Any]]
    date: int
    edits: int = 0
    reply_markup: dict[str, Any] | None = None
    from_bot: bool = True


@dataclass
class FakeChat:
    id: int | str
    type: Literal["private", "group", "supergroup", "channel"]
    title: str | None = None
    admins: set[int] = field(default_factory=set)  # user ids getChatMember reports as administrators
    owner: int | None = None
    username: str | None = None  # without the "@"
    # The bot's own membership: "member" / "administrator" (in a channel: may post) / "left" / "kicked".
    # None: what a working setup has (an administrator in a channel, a member elsewhere).
    bot_status: str | None = None
    messages: dict[int, FakeMessage] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def as_json(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        if self.type == "private":
            chat["first_name"] = self.title or f"User {self.id}"
        else:
            chat["title"] = self.title or f"Chat {self.id}"
        if self.username:
            chat["username"] = self.username
        return chat


class FakeTelegram:
    """The server. `async with FakeTelegram() as fake:` starts it on a free port and stops it after."""

    def __init__(self, token: str = TOKEN, *, spec: Spec | None = None, limits: FloodLimits | None = None,
                 enforce_limits: bool = False, max_poll_timeout: float = 2.0) -> None:
        self.token = token
        self.spec = spec or Spec()
        self.flood = FloodControl(limits or FloodLimits())
        self.enforce_limits = enforce_limits
        # Long polls are cut short so a test that stops its application never waits out a 10 s poll.
        self.max_poll_timeout = max_poll_timeout
        self.calls: list[Call] = []
        self.chats: dict[int | str, FakeChat] = {}
        self.updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._new_update = asyncio.Event()
        self.blocked: set[int | str] = set()  # private chats whose user blocked the bot
        self.kicked: set[int | str] = set()  # groups the bot was removed from
        self.unknown: set[int | str] = set()  # "chat not found"
        self.migrated: dict[int | str, int] = {}  # group id -> supergroup id
        self.down: Literal["503", "drop"] | None = None
        self.down_until: float | None = None
        self.rate_limited = 0  # 429 answers given
        self.commands: list[dict[str, Any]] = []
        self.menus: dict[str, list[dict[str, Any]]] = {}  # language_code ("" for all) -> commands
        # revoke(): the token no longer works (401), or the bot was deleted (404), for these methods (None: all)
        self.revoked: tuple[int, frozenset[str] | None] | None = None
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle --

    async def start(self) -> FakeTelegram:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("*", "/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, handle_signals=False, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[attr-defined]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # -- chats and what a test looks at --

    def chat(self, chat_id: int | str, type: str | None = None, title: str | None = None,
             admins: set[int] | None = None, *, username: str | None = None) -> FakeChat:
        """The chat, created on first use: positive ids are private chats, negative ones groups; "@name"
        is the chat with that username when there is one."""
        chat = self.chats.get(chat_id) or self._by_username(chat_id)
        if chat is None:
            kind = type or _default_type(chat_id)
            chat = self.chats[chat_id] = FakeChat(chat_id, kind, title)  # type: ignore[arg-type]
        if admins is not None:
            chat.admins = set(admins)
        if username is not None:
            chat.username = username
        return chat

    def _by_username(self, chat_id: int | str) -> FakeChat | None:
        if not isinstance(chat_id, str) or not chat_id.startswith("@"):
            return None
        name = chat_id[1:].lower()
        return next((c for c in self.chats.values() if c.username and c.username.lower() == name), None)

    def messages(self, chat_id: int | str) -> list[FakeMessage]:
        """The bot's messages in a chat, oldest first."""
        chat = self.chats.get(chat_id)
        return [m for m in chat.messages.values() if m.from_bot] if chat else []

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def sent(self) -> list[Call]:
        """Successful sendMessage calls."""
        return [c for c in self.calls_to("sendMessage") if c.status == 200]

    # -- faults --

    def block(self, chat_id: int) -> None:
        self.blocked.add(chat_id)

    def kick(self, chat_id: int | str) -> None:
        self.kicked.add(chat_id)

    def forget(self, chat_id: int | str) -> None:
        self.unknown.add(chat_id)

    def migrate(self, group_id: int, supergroup_id: int) -> None:
        old = self.chat(group_id, "group")
        self.migrated[group_id] = supergroup_id
        self.chat(supergroup_id, "supergroup", old.title, old.admins)

    def set_down(self, mode: Literal["503", "drop"] | None, seconds: float | None = None) -> None:
        """Every request fails (503, or the connection is dropped) until set_down(None) or `seconds`."""
        self.down = mode
        self.down_until = time.monotonic() + seconds if (mode and seconds) else None

    # -- updates a test injects --

    def revoke(self, code: int = 401, methods: set[str] | None = None) -> None:
        """From now on refuse the bot's token as Telegram does after @BotFather revoked it (401
        Unauthorized) or deleted the bot (404 Not Found); only at `methods` when given."""
        self.revoked = (code, frozenset(methods) if methods is not None else None)
        self._new_update.set()  # a long poll in flight answers now; the next one is refused

    def user_says(self, chat_id: int, text: str, *, user_id: int | None = None, chat_type: str | None = None,
                  first_name: str = "Dana", anonymous: bool = False, language_code: str | None = None) -> dict[str, Any]:
        """A user posts `text` in a chat (a private chat by default: chat id = user id). `anonymous`: an
        anonymous administrator of a group, whose message comes from GroupAnonymousBot as the group."""
        chat = self.chat(chat_id, chat_type)
        user_id = user_id if user_id is not None else int(chat_id)
        sender = ANONYMOUS_ADMIN if anonymous else {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code and not anonymous:
            sender["language_code"] = language_code  # the user's Telegram app language (User.language_code)
        message = self._incoming(chat, text, sender)
        if anonymous:
            message["sender_chat"] = chat.as_json()
        return self._push({"message": message})

    def channel_posts(self, chat_id: int | str, text: str) -> dict[str, Any]:
        """An administrator posts `text` in a channel: a channel_post, from nobody, sent as the channel."""
        chat = self.chat(chat_id, "channel")
        message = self._incoming(chat, text, None)
        message["sender_chat"] = chat.as_json()
        return self._push({"channel_post": message})

    def user_edits(self, chat_id: int, message_id: int, text: str, *, user_id: int | None = None) -> dict[str, Any]:
        """A user edits one of their earlier messages to `text`: an edited_message update."""
        chat = self.chat(chat_id)
        old = chat.messages[message_id]
        old.text, old.edits = text, old.edits + 1
        user_id = user_id if user_id is not None else int(chat_id)
        message = self._incoming(chat, text, {"id": user_id, "is_bot": False, "first_name": "Dana"}, message_id)
        message["date"], message["edit_date"] = old.date, int(time.time())
        return self._push({"edited_message": message})

    def bot_membership_changes(self, chat_id: int | str, status: str, *, user_id: int = 1) -> dict[str, Any]:
        """A chat's administrator adds the bot to it (status "member"/"administrator") or removes it ("left",
        "kicked"): the my_chat_member update Telegram sends the bot."""
        chat = self.chat(chat_id)
        old = self._bot_member(chat)
        chat.bot_status = status
        return self._push({"my_chat_member": {
            "chat": chat.as_json(), "from": {"id": user_id, "is_bot": False, "first_name": "Dana"},
            "date": int(time.time()), "old_chat_member": old, "new_chat_member": self._bot_member(chat),
        }})

    def _incoming(self, chat: FakeChat, text: str, sender: dict[str, Any] | None,
                  message_id: int | None = None) -> dict[str, Any]:
        """The Message JSON of a user's message (recorded in the chat when new)."""
        entities = []
        if text.startswith("/"):
            command = text.split()[0]
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command)})
        message: dict[str, Any] = {
            "message_id": message_id if message_id is not None else next(chat.ids),
            "chat": chat.as_json(),
            "date": int(time.time()),
            "text": text,
        }
        if sender is not None:
            message["from"] = sender
        if entities:
            message["entities"] = entities
        if message_id is None:
            chat.messages[message["message_id"]] = FakeMessage(message["message_id"], chat.id, text, None, entities,
                                                               message["date"], from_bot=False)
        return message

    def user_presses(self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None,
                     language_code: str | None = None) -> dict[str, Any]:
        """A user taps an inline keyboard button under the bot's message."""
        chat = self.chat(chat_id)
        user_id = user_id if user_id is not None else int(chat_id)
        original = chat.messages[message_id]
        message = self._message_json(chat, original)
        query = {
            "id": str(next(self._update_ids) * 1000 + 7),
            "from": {"id": user_id, "is_bot": False, "first_name": "Dana"}
                    | ({"language_code": language_code} if language_code else {}),
            "chat_instance": f"ci{chat_id}",
            "message": message,
            "data": data,
        }
        return self._push({"callback_query": query})

    def _push(self, body: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), **body}
        self.updates.append(update)
        self._new_update.set()
        return update

    # -- request handling --

    async def _file(self, request: web.Request) -> web.StreamResponse:
        return _error(404, "Not Found")

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            raw = await _read_params(request)
        except ApiError as e:
            return _error(e.code, e.description, e.parameters)
        call = Call(method, raw, time.monotonic())
        self.calls.append(call)
        if self.down_until is not None and time.monotonic() >= self.down_until:
            self.down, self.down_until = None, None
        if self.down == "drop":
            call.status = 0
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # nothing is written: the client sees the connection vanish
        if self.down == "503":
            call.status = 503
            return _error(503, "Service Unavailable")
        try:
            if request.match_info["token"] != self.token:
                raise ApiError(401, "Unauthorized")
            if self.revoked is not None and (self.revoked[1] is None or method in self.revoked[1]):
                raise ApiError(self.revoked[0], "Unauthorized" if self.revoked[0] == 401 else "Not Found")
            method = call.method = self.spec.canonical(method)
            params = self.spec.check(method, raw)
            call.params = params
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(501, f"Not Implemented: the fake has no {method}")
            result = await handler(params)
        except ApiError as e:
            call.status = e.code
            if e.code == 429:
                self.rate_limited += 1
            return _error(e.code, e.description, e.parameters)
        return web.json_response({"ok": True, "result": result})

    def _target(self, chat_id: int | str, counts: bool) -> FakeChat:
        """The chat a message goes to, after the fault checks and (when `counts`) the flood limits."""
        named = self._by_username(chat_id)
        chat_id = named.id if named is not None else chat_id
        if chat_id in self.unknown:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.migrated:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": self.migrated[chat_id]})
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self.kicked:
            raise ApiError(403, "Forbidden: bot was kicked from the group chat")
        chat = self.chat(chat_id)
        if chat.bot_status in ("left", "kicked"):
            raise ApiError(403, "Forbidden: bot is not a member of the channel chat" if chat.type == "channel"
                           else "Forbidden: bot was kicked from the group chat")
        if counts and self.enforce_limits:
            wait = self.flood.admit(chat_id, chat.type != "private", time.monotonic())
            if wait > 0:
                retry_after = max(1, math.ceil(wait))
                raise ApiError(429, f"Too Many Requests: retry after {retry_after}",
                               {"retry_after": retry_after})
        return chat

    @staticmethod
    def _text(params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        text = params["text"]
        mode = (params.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                plain, entities = parse_html(text)
            except HtmlError as e:
                raise ApiError(400, f"Bad Request: can't parse entities: {e}") from None
        elif mode in ("", "none"):
            plain, entities = text, list(params.get("entities") or [])
        else:
            raise ApiError(400, f"Bad Request: unsupported parse_mode {params['parse_mode']!r} in the fake")
        if not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return plain, entities

    def _message_json(self, chat: FakeChat, m: FakeMessage) -> dict[str, Any]:
        out: dict[str, Any] = {
            "message_id": m.message_id,
            "date": m.date,
            "chat": chat.as_json(),
            "text": m.text,
        }
        if m.from_bot:
            out["from"] = BOT_USER
        if m.entities:
            out["entities"] = m.entities
        if m.edits:
            out["edit_date"] = int(time.time())
        if m.reply_markup:
            out["reply_markup"] = m.reply_markup
        return out

    # -- methods --

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return {**BOT_USER, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False}

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        if params.get("drop_pending_updates"):
            self.updates.clear()
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = params.get("offset")
        if offset is not None:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), self.max_poll_timeout)
        if not self.updates and timeout > 0:
            self._new_update.clear()
            with suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        limit = params.get("limit") or 100
        return self.updates[:limit]

    async def _m_setMyCommands(self, params: dict[str, Any]) -> Any:
        for command in params["commands"]:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        language = params.get("language_code") or ""
        self.menus[language] = params["commands"]  # Telegram keeps one menu per language_code
        if not language:
            self.commands = params["commands"]
        return True

    async def _m_getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.commands

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        chat = self._target(params["chat_id"], counts=True)
        plain, entities = self._text(params)
        message = FakeMessage(next(chat.ids), chat.id, plain,
                              params["text"] if (params.get("parse_mode") or "").lower() == "html" else None,
                              entities, int(time.time()), reply_markup=params.get("reply_markup"))
        chat.messages[message.message_id] = message
        return self._message_json(chat, message)

    async def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: the fake has no inline messages")
        chat = self._target(params["chat_id"], counts=True)
        message = chat.messages.get(params["message_id"])
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if not message.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        plain, entities = self._text(params)
        markup = params.get("reply_markup")
        if plain == message.text and entities == message.entities and markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and "
                                "reply markup are exactly the same as a current content and reply markup "
                                "of the message")
        message.text, message.entities, message.reply_markup = plain, entities, markup
        message.html = params["text"] if (params.get("parse_mode") or "").lower() == "html" else None
        message.edits += 1
        return self._message_json(chat, message)

    async def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        if "inline_message_id" in params:
            raise ApiError(400, "Bad Request: the fake has no inline messages")
        chat = self._target(params["chat_id"], counts=False)
        message = chat.messages.get(params["message_id"])
        if message is None or not message.from_bot:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and "
                                "reply markup are exactly the same as a current content and reply markup "
                                "of the message")
        message.reply_markup = markup
        message.edits += 1
        return self._message_json(chat, message)

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    def _known(self, chat_id: int | str) -> int | str:
        """A chat the fake has heard of: a "@name" nobody has is "chat not found", as on Telegram (sending
        to one creates it, for the tests that only deliver to a "@channel" of the rules)."""
        if isinstance(chat_id, str) and chat_id not in self.chats and self._by_username(chat_id) is None:
            raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    async def _m_getChat(self, params: dict[str, Any]) -> Any:
        chat = self._target(self._known(params["chat_id"]), counts=False)
        return {**chat.as_json(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    async def _m_getChatMember(self, params: dict[str, Any]) -> Any:
        chat = self._target(self._known(params["chat_id"]), counts=False)
        return self._member(chat, params["user_id"])

    async def _m_getChatAdministrators(self, params: dict[str, Any]) -> Any:
        chat = self._target(params["chat_id"], counts=False)
        users = sorted(chat.admins | ({chat.owner} if chat.owner else set()))
        return [self._member(chat, u) for u in users]

    def _member(self, chat: FakeChat, user_id: int) -> dict[str, Any]:
        if user_id == BOT_USER["id"]:
            return self._bot_member(chat)
        user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        if chat.type == "private" and user_id == chat.id or chat.owner == user_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in chat.admins:
            return self._administrator(user, chat.type == "channel")
        if chat.type == "channel":
            return {"status": "left", "user": user}  # a channel's readers are not members to the API
        return {"status": "member", "user": user}

    def _administrator(self, user: dict[str, Any], channel: bool) -> dict[str, Any]:
        rights = [f["name"] for f in self.spec.types["ChatMemberAdministrator"]["fields"]
                  if f["required"] and f["name"] not in ("status", "user")]
        member = {"status": "administrator", "user": user, **dict.fromkeys(rights, False), "can_manage_chat": True}
        if channel:
            member["can_post_messages"] = True
        return member

    def _bot_member(self, chat: FakeChat) -> dict[str, Any]:
        status = chat.bot_status or ("administrator" if chat.type == "channel" else "member")
        if status == "administrator":
            return self._administrator(BOT_USER, chat.type == "channel")
        if status == "kicked":
            return {"status": "kicked", "user": BOT_USER, "until_date": 0}
        return {"status": status, "user": BOT_USER}


def _default_type(chat_id: int | str) -> str:
    if isinstance(chat_id, str):
        return "channel"
    return "private" if chat_id > 0 else ("supergroup" if chat_id < -10**12 else "group")


async def _read_params(request: web.Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        ctype = request.content_type
        if ctype == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError:
                raise ApiError(400, "Bad Request: invalid JSON body") from None
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: the JSON body must be an object")
            params.update(body)
        else:
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
    return params


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)
