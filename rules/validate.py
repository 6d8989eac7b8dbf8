"""Validating a parsed rules file against its schema (config.example.toml), section by section.

    validate(data, path, text) -> (Rules, problems)

Walks [settings], [telegram] and the [[feeds]], [[speakers]], [[topics]] and [[watches]] arrays: which
keys each may hold, which ids must be unique and which must name an entry elsewhere, building the model
(`rules.model`) from every entry that is sound and collecting every problem on the way, so one run
reports them all. Single values are checked by `rules.values`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, TypeVar, cast

from rules.locate import KeyPath
from rules.model import (
    DEFAULT_FUZZY,
    LANGS,
    SCOPES,
    Feed,
    Problem,
    Rules,
    Scope,
    Settings,
    Speaker,
    TelegramSettings,
    Topic,
    Watch,
)
from rules.values import MAX_TERM_LENGTH, Checker, describe, too_long, valid_id

# Telegram usernames are 5-32 characters, letters, digits and underscores, starting with a letter.
CHANNEL_PATTERN = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}")
# What Telegram accepts as a webhook secret token (setWebhook's secret_token).
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
BOT_TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]+")

SETTINGS_KEYS = ("db", "retention", "backfill", "dedup_window", "default_interval")
TELEGRAM_KEYS = (
    "token", "base_url", "admins", "allowlist", "mode", "webhook_listen", "webhook_url", "webhook_secret",
)  # fmt: skip
FEED_KEYS = ("id", "url", "name", "interval", "full_text", "allow_private", "lang")
SPEAKER_KEYS = ("id", "name", "aliases", "fuzzy")
TOPIC_KEYS = ("id", "any", "all", "none")
WATCH_KEYS = ("id", "speakers", "topics", "feeds", "chats", "scope", "muted_until")
TABLES = ("settings", "telegram")
ARRAYS = ("feeds", "speakers", "topics", "watches")
MODES = ("polling", "webhook")

_T = TypeVar("_T")


def validate(data: Mapping[str, Any], path: str, text: str) -> tuple[Rules, list[Problem]]:
    """The model built from parsed TOML `data`, and every problem found in it (in the order found).

    `path` and `text` are the file's, for locating problems; the Rules are usable only without any.
    """
    checker = _FileChecker(path, text)
    rules = checker.rules(data)
    return rules, checker.problems


class _FileChecker(Checker):
    """Walks the parsed TOML, building the model and collecting every problem found on the way."""

    # -- the whole file

    def rules(self, data: Mapping[str, Any]) -> Rules:
        for key in data:
            if key in TABLES or key in ARRAYS:
                continue
            if key in SETTINGS_KEYS:
                self.problem((key,), f"'{key}' belongs under [settings] — move it below that header")
            elif key in TELEGRAM_KEYS:
                self.problem((key,), f"'{key}' belongs under [telegram] — move it below that header")
            else:
                self.unknown((key,), key, (*TABLES, *ARRAYS))
        settings = self.settings(self.table(data, "settings"), self.table(data, "telegram"))
        sections = {key: self.array(data, key) for key in ARRAYS}
        # Ids are collected from every entry that has a well-formed one, even if the rest of the entry is
        # broken, so one mistake does not also show up as "duplicate" or "unknown id" elsewhere.
        ids = {key: [valid_id(table) for _, table in sections[key]] for key in ARRAYS}
        for key, kind in (
            ("feeds", "feed"),
            ("speakers", "speaker"),
            ("topics", "topic"),
            ("watches", "watch"),
        ):
            self.unique(kind, key, [i for i, _ in sections[key]], ids[key])
        known = {key: list(dict.fromkeys(i for i in ids[key] if i is not None)) for key in ARRAYS}
        feeds = [self.feed(t, ("feeds", i), settings) for i, t in sections["feeds"]]
        speakers = [self.speaker(t, ("speakers", i)) for i, t in sections["speakers"]]
        topics = [self.topic(t, ("topics", i)) for i, t in sections["topics"]]
        watches = [self.watch(t, ("watches", i), known) for i, t in sections["watches"]]
        return Rules(
            feeds=tuple(f for f in feeds if f),
            speakers=tuple(s for s in speakers if s),
            topics=tuple(t for t in topics if t),
            watches=tuple(w for w in watches if w),
            settings=settings,
            source=self.path,
        )

    def table(self, data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
        value = data.get(key, {})
        if isinstance(value, dict):
            return value
        if isinstance(value, list):
            self.problem((key,), f"write [{key}] (one table), not [[{key}]]")
        else:
            self.problem((key,), f"expected a [{key}] table, got {describe(value)}")
        return {}

    def array(self, data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
        value = data.get(key, [])
        if isinstance(value, dict):
            self.problem((key,), f"write [[{key}]] (double brackets: one table per entry), not [{key}]")
            return []
        if not isinstance(value, list):
            self.problem((key,), f"expected [[{key}]] tables, got {describe(value)}")
            return []
        out: list[tuple[int, Mapping[str, Any]]] = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append((i, item))
            else:
                self.problem((key, i), f"expected a [[{key}]] table, got {describe(item)}")
        return out

    def unique(self, kind: str, section: str, indexes: Sequence[int], ids: Sequence[str | None]) -> None:
        first: dict[str, int] = {}
        for i, ident in zip(indexes, ids, strict=True):
            if ident is None:
                continue
            if ident in first:
                j = first[ident]
                line, _ = self.source.locate((section, j, "id"))
                self.problem(
                    (section, i, "id"),
                    f"duplicate {kind} id '{ident}' — {section}[{j}] on line {line} has it already; ids must be unique",
                )
            else:
                first[ident] = i

    # -- sections

    def settings(self, table: Mapping[str, Any], telegram: Mapping[str, Any]) -> Settings:
        where: KeyPath = ("settings",)
        self.keys(table, where, SETTINGS_KEYS)
        defaults = Settings()
        return Settings(
            db=self.string(table, where, "db") or defaults.db,
            retention=self.duration(table, where, "retention", defaults.retention),
            backfill=self.duration(table, where, "backfill", defaults.backfill, zero_ok=True),
            dedup_window=self.duration(table, where, "dedup_window", defaults.dedup_window),
            default_interval=self.duration(table, where, "default_interval", defaults.default_interval),
            telegram=self.telegram(telegram),
        )

    def telegram(self, table: Mapping[str, Any]) -> TelegramSettings:
        where: KeyPath = ("telegram",)
        self.keys(table, where, TELEGRAM_KEYS)
        defaults = TelegramSettings()
        # Stored stripped: a token pasted with a trailing space or newline is still the token, and
        # Telegram would reject it with the whitespace.
        token = (self.string(table, where, "token", empty_ok=True) or "").strip() or None
        if token is not None and not BOT_TOKEN_PATTERN.fullmatch(token):
            # Never echo the token: it is a secret even when it is mistyped.
            self.problem(
                (*where, "token"), "does not look like a bot token (123456:ABC-...) — copy it from @BotFather"
            )
        base_url = self.string(table, where, "base_url")
        if base_url is not None and not self.url(base_url, (*where, "base_url")):
            base_url = None
        mode = self.choice(table, where, "mode", MODES, defaults.mode)
        listen = self.string(table, where, "webhook_listen") or defaults.webhook_listen
        host, _, port = listen.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            self.problem((*where, "webhook_listen"), f"'{listen}' is not host:port — e.g. \"0.0.0.0:8443\"")
        webhook_url = self.string(table, where, "webhook_url")
        if webhook_url is not None and not self.url(webhook_url, (*where, "webhook_url"), https_only=True):
            webhook_url = None
        if mode == "webhook" and "webhook_url" not in table:
            self.problem(
                (*where, "mode"), 'mode "webhook" needs webhook_url = "https://your.host/path" as well'
            )
        secret = self.string(table, where, "webhook_secret")
        if secret is not None and not WEBHOOK_SECRET_PATTERN.fullmatch(secret):
            self.problem(
                (*where, "webhook_secret"), "use 1-256 characters: letters, digits, '_' and '-' only"
            )
        return TelegramSettings(
            token=token,
            base_url=base_url,
            admins=self.integers(table, where, "admins", "user id"),
            allowlist=self.integers(table, where, "allowlist", "chat id"),
            mode=cast(Literal["polling", "webhook"], mode),
            webhook_listen=listen,
            webhook_url=webhook_url,
            webhook_secret=secret,
        )

    def feed(self, table: Mapping[str, Any], where: KeyPath, settings: Settings) -> Feed | None:
        self.keys(table, where, FEED_KEYS)
        ident = self.ident(table, where)
        url = (
            self.string(table, where, "url") if self.required(table, where, "url", '"https://..."') else None
        )
        if url is not None and not self.url(url, (*where, "url")):
            url = None
        name = self.string(table, where, "name")
        interval = self.duration(table, where, "interval", settings.default_interval)
        full_text = self.boolean(table, where, "full_text", False)
        allow_private = self.boolean(table, where, "allow_private", False)
        lang = self.choice(table, where, "lang", LANGS, "") if "lang" in table else None
        if ident is None or url is None:
            return None
        return Feed(ident, url.strip(), name or ident, interval, full_text, allow_private, lang or None)

    def speaker(self, table: Mapping[str, Any], where: KeyPath) -> Speaker | None:
        self.keys(table, where, SPEAKER_KEYS)
        ident = self.ident(table, where)
        name = (
            self.string(table, where, "name") if self.required(table, where, "name", '"Full Name"') else None
        )
        aliases = self.strings(table, where, "aliases", "alias")
        if aliases == () and "aliases" in table:
            self.problem((*where, "aliases"), "empty list — give at least one alias or remove the key")
        fuzzy = self.fuzzy(table, where)
        if name is not None and len(name.strip()) > MAX_TERM_LENGTH:
            self.problem((*where, "name"), too_long("name", name))
            name = None
        if ident is None or name is None or aliases is None or fuzzy is None:
            return None
        return Speaker(ident, name.strip(), tuple(a.strip() for a in aliases), fuzzy)

    def fuzzy(self, table: Mapping[str, Any], where: KeyPath) -> float | None:
        value = table.get("fuzzy", DEFAULT_FUZZY)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem((*where, "fuzzy"), f"expected a number from 0 (off) to 100, got {describe(value)}")
            return None
        if not 0 <= value <= 100:
            self.problem(
                (*where, "fuzzy"),
                f"{value} is out of range — use 0 (off) to 100; {DEFAULT_FUZZY:g} suits most names",
            )
            return None
        return float(value)

    def topic(self, table: Mapping[str, Any], where: KeyPath) -> Topic | None:
        self.keys(table, where, TOPIC_KEYS)
        ident = self.ident(table, where)
        lists = {key: self.strings(table, where, key, "keyword") for key in ("any", "all", "none")}
        if lists["any"] == () and lists["all"] == ():
            self.problem(
                where,
                "no keywords — give any = [...] or all = [...] (with only 'none' it would match everything)",
            )
            return None
        any_, all_, none = lists["any"], lists["all"], lists["none"]
        if ident is None or any_ is None or all_ is None or none is None:
            return None
        return Topic(ident, any_, all_, none)

    def watch(
        self, table: Mapping[str, Any], where: KeyPath, known: Mapping[str, Sequence[str]]
    ) -> Watch | None:
        self.keys(table, where, WATCH_KEYS)
        ident = self.ident(table, where)
        speakers: tuple[str, ...] = ()
        if self.required(table, where, "speakers", '["speaker-id"]'):
            speakers = self.references(table, where, "speakers", known["speakers"], required=True)
        topics = self.references(table, where, "topics", known["topics"], required=False)
        feeds = self.references(table, where, "feeds", known["feeds"], required=False)
        chats = self.chats(table, where)
        scope = self.choice(table, where, "scope", SCOPES, "speaker")
        muted_until = self.muted_until(table, where)
        if ident is None or not speakers:
            return None
        return Watch(ident, speakers, chats, topics, feeds, cast(Scope, scope), muted_until)

    def chats(self, table: Mapping[str, Any], where: KeyPath) -> tuple[int | str, ...]:
        value = table.get("chats", [])
        if not isinstance(value, list):
            self.problem(
                (*where, "chats"),
                f'expected a list of chats, e.g. [-1001234567890, "@channel"], got {describe(value)}',
            )
            return ()
        out: list[int | str] = []
        for i, chat in enumerate(value):
            if _is_chat(chat):
                out.append(chat)
            elif isinstance(chat, str) and re.fullmatch(r"-?\d+", chat.strip()):
                self.problem(
                    (*where, "chats", i), f"write chat ids as numbers without quotes: {chat.strip()}"
                )
            elif isinstance(chat, str) and CHANNEL_PATTERN.fullmatch("@" + chat):
                self.problem(
                    (*where, "chats", i), f'channel usernames start with @ — did you mean "@{chat}"?'
                )
            elif isinstance(chat, str) and chat.startswith("@"):
                self.problem(
                    (*where, "chats", i),
                    f"'{chat}' is not a channel username — @ then 5-32 letters, digits or '_', starting with a letter",
                )
            else:
                self.problem(
                    (*where, "chats", i),
                    f'{describe(chat)} is not a chat — use a numeric chat id (e.g. -1001234567890) or "@channelname"',
                )
        return tuple(out)

    def muted_until(self, table: Mapping[str, Any], where: KeyPath) -> float | None:
        if "muted_until" not in table:
            return None
        value = table["muted_until"]
        key = (*where, "muted_until")
        if isinstance(value, dt.datetime):
            # A date-time without an offset is taken as UTC: the bot's clock, not the editor's.
            return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and value >= 0
        ):
            return float(value)
        if isinstance(value, str) and _parses(dt.datetime.fromisoformat, value):
            self.problem(key, f"write the date-time without quotes: muted_until = {value}")
        else:
            self.problem(
                key,
                f"expected a date-time such as 2025-06-01T12:00:00Z or unix seconds, got {describe(value)}",
            )
        return None


def _is_chat(value: object) -> bool:
    """A Telegram chat id (never 0) or a channel username."""
    if isinstance(value, str):
        return CHANNEL_PATTERN.fullmatch(value) is not None
    return isinstance(value, int) and not isinstance(value, bool) and value != 0


def _parses(parse: Callable[[str], _T], value: str) -> bool:
    try:
        parse(value)
    except ValueError:
        return False
    return True
