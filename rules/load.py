"""Load a rules file (TOML) into `Rules`, checking everything and reporting every problem at once.

    read_source(path)      -> bytes | problems   (missing, directory, too large, unreadable)
    decode_source(bytes)   -> str | problems     (binary, not UTF-8, empty)
    parse_rules(text)      -> Rules | problems   (TOML syntax, then the schema in config.example.toml)

`check_file` runs all three and never raises for bad input; `load_rules` raises `RulesError` instead.
Each problem is `Problem(path, line, col, message)`, where the message starts with the key path
(`speakers[2].aliases: ...`, indexes counting from 0 like TOML arrays) and says what to do about it.
Pure apart from reading the one file: no network, no database.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
import re
import stat
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal, TypeVar, cast
from urllib.parse import urlsplit

from rules.duration import parse_duration
from rules.locate import KeyPath, SourceMap, format_path
from rules.model import (
    DEFAULT_FUZZY,
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

# A hand-written rules file is a few kilobytes; anything over this is the wrong file, and refusing it
# before parsing keeps a mistaken `check-rules /var/log/syslog` instant.
MAX_BYTES = 1_000_000
# A name, alias or keyword longer than this is no name or phrase but a paste accident. The cap also keeps
# the matcher's automaton shallow: pyahocorasick frees its trie recursively, and a term of ~1 MB
# (which fits under MAX_BYTES) crashed the process with a segfault when the matcher was replaced on reload.
MAX_TERM_LENGTH = 200
# Punctuation that belongs in names and phrases ("U.S.", "O'Brien", "Jean-Luc", "AT&T"); any other
# symbol is matched as a word gap, so a term made mostly of it would shrink to a common word.
NAME_PUNCTUATION = frozenset(" .'’‘-‐‑–—&/,")
# Fewer letters or digits than this is no name or phrase ("a" would hit every article).
MIN_TERM_WORD_CHARS = 2
# Ids appear in commands (/quotes peskov) and log lines; keep them short enough to type.
MAX_ID_LENGTH = 40
ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]*")
# Telegram usernames are 5-32 characters, letters, digits and underscores, starting with a letter.
CHANNEL_PATTERN = re.compile(r"@[A-Za-z][A-Za-z0-9_]{4,31}")
# What Telegram accepts as a webhook secret token (setWebhook's secret_token).
WEBHOOK_SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
BOT_TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]+")

SETTINGS_KEYS = ("db", "retention", "backfill", "dedup_window", "default_interval")
TELEGRAM_KEYS = (
    "token", "base_url", "admins", "allowlist", "mode", "webhook_listen", "webhook_url", "webhook_secret",
)  # fmt: skip
FEED_KEYS = ("id", "url", "name", "interval", "full_text", "allow_private")
SPEAKER_KEYS = ("id", "name", "aliases", "fuzzy")
TOPIC_KEYS = ("id", "any", "all", "none")
WATCH_KEYS = ("id", "speakers", "topics", "feeds", "chats", "scope", "muted_until")
TABLES = ("settings", "telegram")
ARRAYS = ("feeds", "speakers", "topics", "watches")
MODES = ("polling", "webhook")

_T = TypeVar("_T")


class RulesError(Exception):
    """A rules file that cannot be used; `problems` says everything that is wrong with it."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def load_rules(path: Path | str) -> Rules:
    """The rules in `path`; raises RulesError listing every problem when there is any."""
    rules, problems = check_file(path)
    if problems or rules is None:
        raise RulesError(problems)
    return rules


def check_file(path: Path | str) -> tuple[Rules | None, list[Problem]]:
    """(rules, []) for a good file, (None, problems) otherwise. Never raises for bad input."""
    data, problems = read_source(path)
    if data is None:
        return None, problems
    text, problems = decode_source(data, str(path))
    if text is None:
        return None, problems
    return parse_rules(text, str(path))


def read_source(path: Path | str) -> tuple[bytes | None, list[Problem]]:
    """The file's bytes, or why they cannot be had. Reads at most MAX_BYTES + 1 bytes."""
    name = str(path)

    def fail(message: str) -> tuple[bytes | None, list[Problem]]:
        return None, [Problem(name, 1, 1, message)]

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            return fail("is a directory — give the rules file itself, e.g. config.toml")
        if not stat.S_ISREG(info.st_mode):
            # A FIFO or device would block or never end; a rules file is always a plain file.
            return fail("is not a regular file — give the path of a TOML rules file")
        if info.st_size > MAX_BYTES:
            return fail(
                f"file is too large ({info.st_size:,} bytes; the limit is {MAX_BYTES:,}) — is this the rules file?"
            )
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return fail("no such file — copy config.example.toml to this path to start")
    except PermissionError:
        return fail("permission denied — make the file readable by this user")
    except IsADirectoryError:
        return fail("is a directory — give the rules file itself, e.g. config.toml")
    except OSError as e:
        return fail(f"cannot read the file: {e.strerror or e}")
    if len(data) > MAX_BYTES:  # it grew between stat and read
        return fail(f"file is too large (over {MAX_BYTES:,} bytes) — is this the rules file?")
    return data, []


def decode_source(data: bytes, path: str = "<string>") -> tuple[str | None, list[Problem]]:
    """The file's text, or a problem saying why it is not a UTF-8 text file."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(path, 1, 1, "file is UTF-16 — save it as UTF-8 (TOML files are UTF-8)")]
    nul = data.find(b"\x00")
    if nul >= 0:
        line, col = _byte_line_col(data, nul)
        return None, [
            Problem(path, line, col, f"binary file (NUL byte at offset {nul}) — a rules file is TOML text")
        ]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line, col = _byte_line_col(data, e.start)
        return None, [
            Problem(
                path,
                line,
                col,
                f"not valid UTF-8: byte 0x{data[e.start]:02x} at offset {e.start} — save the file as UTF-8",
            )  # fmt: skip
        ]
    # Some Windows editors start UTF-8 files with a byte-order mark; TOML parsers reject it.
    return text.removeprefix("\ufeff"), []


def _byte_line_col(data: bytes, offset: int) -> tuple[int, int]:
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def parse_rules(text: str, path: str = "<string>") -> tuple[Rules | None, list[Problem]]:
    """Rules from TOML text; (None, problems sorted by position) when anything is wrong. Pure."""
    text = text.removeprefix("\ufeff")  # see decode_source
    if not text.strip():
        return None, [Problem(path, 1, 1, "file is empty — copy config.example.toml and edit it")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return None, [_syntax_problem(e, text, path)]
    except RecursionError:
        return None, [Problem(path, 1, 1, "TOML syntax error: arrays or tables nested too deeply")]
    if not data:
        return None, [Problem(path, 1, 1, "file has no rules, only comments — see config.example.toml")]
    checker = _Checker(path, text)
    rules = checker.rules(data)
    problems = sorted(checker.problems, key=lambda p: (p.line, p.col))
    if problems:
        return None, problems
    return rules, []


_ERROR_AT = re.compile(
    r"^(?P<msg>.*?)\s*\(at (?:line (?P<line>\d+), column (?P<col>\d+)|end of document)\)$", re.S
)


def _syntax_problem(error: tomllib.TOMLDecodeError, text: str, path: str) -> Problem:
    """tomllib says `Invalid value (at line 3, column 7)`; make that `path:3:7: TOML syntax error: ...`."""
    m = _ERROR_AT.match(str(error))
    if m is None:
        return Problem(path, 1, 1, f"TOML syntax error: {error}")
    # tomllib names tables as Python tuples: "Cannot declare ('feeds',) twice" -> "Cannot declare 'feeds' twice"
    message = re.sub(
        r"\(((?:'[^']*', ?)*'[^']*',?)\)",
        lambda t: "'" + ".".join(re.findall(r"'([^']*)'", t.group(1))) + "'",
        m.group("msg"),
    )
    if m.group("line"):
        line, col = int(m.group("line")), int(m.group("col"))
    else:
        lines = text.splitlines() or [""]
        line, col = len(lines), len(lines[-1]) + 1
    hint = ""
    lines = text.splitlines()
    before, rest = (
        (lines[line - 1][: col - 1], lines[line - 1][col - 1 :]) if line <= len(lines) else ("", "")
    )
    if (
        message == "Invalid value"
        and rest[:1].isalpha()
        and not rest.startswith(("true", "false", "inf", "nan"))
    ):
        word = rest.split("#")[0].strip()
        hint = f' — text needs quotes: {before}"{word}"'
    elif message.startswith("Cannot overwrite a value") or "declare" in message:
        hint = " — this key or table is written twice; keep one"
    return Problem(path, line, col, f"TOML syntax error: {message}{hint}")


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"did you mean '{lowered[close[0]]}'?" if close else ""


def _describe(value: object) -> str:
    """What a wrong value is, in TOML words, for 'expected X, got Y'."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value})"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f'a string ("{shown}")'
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return f"a date/time ({value.isoformat()})"
    return type(value).__name__


def _a(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-_")[:MAX_ID_LENGTH] or "my-id"


class _Checker:
    """Walks the parsed TOML, building the model and collecting every problem found on the way."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._source: SourceMap | None = None
        self.problems: list[Problem] = []

    @property
    def source(self) -> SourceMap:
        # Built on the first problem only: scanning costs as much as parsing, and most files are fine.
        if self._source is None:
            self._source = SourceMap(self.text)
        return self._source

    def problem(self, where: KeyPath, message: str) -> None:
        line, col = self.source.locate(where)
        label = format_path(where)
        self.problems.append(Problem(self.path, line, col, f"{label}: {message}" if label else message))

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
        ids = {key: [_valid_id(table) for _, table in sections[key]] for key in ARRAYS}
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
            self.problem((key,), f"expected a [{key}] table, got {_describe(value)}")
        return {}

    def array(self, data: Mapping[str, Any], key: str) -> list[tuple[int, Mapping[str, Any]]]:
        value = data.get(key, [])
        if isinstance(value, dict):
            self.problem((key,), f"write [[{key}]] (double brackets: one table per entry), not [{key}]")
            return []
        if not isinstance(value, list):
            self.problem((key,), f"expected [[{key}]] tables, got {_describe(value)}")
            return []
        out: list[tuple[int, Mapping[str, Any]]] = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                out.append((i, item))
            else:
                self.problem((key, i), f"expected a [[{key}]] table, got {_describe(item)}")
        return out

    def unknown(self, where: KeyPath, key: str, allowed: Sequence[str]) -> None:
        hint = _did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
        self.problem(where, f"unknown key '{key}' — {hint}")

    def keys(self, table: Mapping[str, Any], where: KeyPath, allowed: Sequence[str]) -> None:
        for key in table:
            if key not in allowed:
                self.unknown((*where, key), key, allowed)

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

    # -- typed values

    def required(self, table: Mapping[str, Any], where: KeyPath, key: str, example: str) -> bool:
        if key in table:
            return True
        header = f"[[{where[0]}]]" if len(where) > 1 else f"[{where[0]}]"
        self.problem(where, f"missing required key '{key}' — add {key} = {example} to this {header} table")
        return False

    def string(
        self, table: Mapping[str, Any], where: KeyPath, key: str, *, empty_ok: bool = False
    ) -> str | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.problem((*where, key), f"expected a string in quotes, got {_describe(value)}")
            return None
        if not empty_ok and not value.strip():
            self.problem((*where, key), "empty string — give a value or remove the key")
            return None
        return value

    def boolean(self, table: Mapping[str, Any], where: KeyPath, key: str, default: bool) -> bool:
        value = table.get(key, default)
        if isinstance(value, bool):
            return value
        hint = " (no quotes)" if isinstance(value, str) and value.lower() in ("true", "false") else ""
        self.problem((*where, key), f"expected true or false{hint}, got {_describe(value)}")
        return default

    def duration(
        self, table: Mapping[str, Any], where: KeyPath, key: str, default: float, *, zero_ok: bool = False
    ) -> float:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem((*where, key), f'expected a duration such as "5m", got {_describe(value)}')
            return default
        try:
            seconds = parse_duration(value)
        except ValueError as e:
            self.problem((*where, key), str(e))
            return default
        if seconds == 0 and not zero_ok:
            self.problem((*where, key), 'must be longer than zero, e.g. "5m"')
            return default
        return seconds

    def ident(self, table: Mapping[str, Any], where: KeyPath) -> str | None:
        if not self.required(table, where, "id", '"short-name"'):
            return None
        value = self.string(table, where, "id")
        if value is None:
            return None
        if len(value) > MAX_ID_LENGTH:
            self.problem(
                (*where, "id"), f"id is {len(value)} characters long — keep it under {MAX_ID_LENGTH + 1}"
            )
            return None
        if not ID_PATTERN.fullmatch(value):
            self.problem(
                (*where, "id"),
                f"'{value}' is not a valid id — use lowercase letters, digits, '-' and '_', e.g. '{_slug(value)}'",
            )
            return None
        return value

    def strings(
        self, table: Mapping[str, Any], where: KeyPath, key: str, what: str
    ) -> tuple[str, ...] | None:
        """A list of non-empty strings; None (with a problem) if it is anything else."""
        value = table.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            self.problem(
                (*where, key), f'expected a list, got {_describe(value)} — write {key} = ["{value}"]'
            )
            return None
        if not isinstance(value, list):
            self.problem((*where, key), f"expected a list of {what}s, got {_describe(value)}")
            return None
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.problem((*where, key, i), f"expected {_a(what)} in quotes, got {_describe(item)}")
                ok = False
            elif not item.strip():
                self.problem((*where, key, i), f"empty {what} — remove it")
                ok = False
            elif len(item.strip()) > MAX_TERM_LENGTH:
                self.problem((*where, key, i), _too_long(what, item))
                ok = False
            elif what != "id" and (wrong := _not_words(what, item)) is not None:
                self.problem((*where, key, i), wrong)
                ok = False
        return tuple(value) if ok else None

    def integers(self, table: Mapping[str, Any], where: KeyPath, key: str, what: str) -> tuple[int, ...]:
        value = table.get(key, [])
        if not isinstance(value, list):
            self.problem(
                (*where, key), f"expected a list of {what}s, e.g. [123456789], got {_describe(value)}"
            )
            return ()
        out: list[int] = []
        for i, item in enumerate(value):
            if isinstance(item, int) and not isinstance(item, bool) and item != 0:
                out.append(item)
            elif isinstance(item, str) and re.fullmatch(r"-?\d+", item.strip()):
                self.problem((*where, key, i), f"write {what}s as numbers without quotes: {item.strip()}")
            else:
                self.problem((*where, key, i), f"expected {_a(what)} (a number), got {_describe(item)}")
        return tuple(out)

    def url(self, value: str, where: KeyPath, *, https_only: bool = False) -> bool:
        schemes = ("https",) if https_only else ("http", "https")
        try:
            parts = urlsplit(value.strip())
            ok = parts.scheme.lower() in schemes and bool(parts.hostname) and parts.port != 0
        except ValueError:  # urlsplit refuses some malformed addresses ("http://[x/", a bad port)
            ok = False
        if not ok or any(c.isspace() for c in value.strip()):
            need = "an https:// URL" if https_only else "an http:// or https:// URL"
            self.problem(
                where, f"'{value}' is not {need} — write the full address, e.g. https://example.org/rss.xml"
            )
            return False
        return True

    def references(
        self, table: Mapping[str, Any], where: KeyPath, key: str, known: Sequence[str], *, required: bool
    ) -> tuple[str, ...]:
        names = self.strings(table, where, key, "id")
        if names is None:
            return ()
        if required and not names:
            self.problem((*where, key), f"empty list — name at least one of the [[{key}]] ids")
        known_ids = set(known)
        for i, name in enumerate(names):
            if name in known_ids:
                continue
            kind = key.rstrip("s")
            if not known:
                hint = f"there are no [[{key}]] in this file"
            else:
                hint = _did_you_mean(name, known) or f"known {key}: {_some(known)}"
            self.problem((*where, key, i), f"unknown {kind} '{name}' — {hint}")
        return names

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

    def choice(
        self, table: Mapping[str, Any], where: KeyPath, key: str, options: Sequence[str], default: str
    ) -> str:
        value = table.get(key, default)
        if isinstance(value, str) and value in options:
            return value
        allowed = ", ".join(f'"{o}"' for o in options)
        if isinstance(value, str):
            hint = _did_you_mean(value, options)
            self.problem(
                (*where, key), f"unknown {key} '{value}' — {hint + ' ' if hint else ''}use one of {allowed}"
            )
        else:
            self.problem((*where, key), f"expected one of {allowed}, got {_describe(value)}")
        return default

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
        if ident is None or url is None:
            return None
        return Feed(ident, url.strip(), name or ident, interval, full_text, allow_private)

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
            self.problem((*where, "name"), _too_long("name", name))
            name = None
        if ident is None or name is None or aliases is None or fuzzy is None:
            return None
        return Speaker(ident, name.strip(), tuple(a.strip() for a in aliases), fuzzy)

    def fuzzy(self, table: Mapping[str, Any], where: KeyPath) -> float | None:
        value = table.get("fuzzy", DEFAULT_FUZZY)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.problem((*where, "fuzzy"), f"expected a number from 0 (off) to 100, got {_describe(value)}")
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
                f'expected a list of chats, e.g. [-1001234567890, "@channel"], got {_describe(value)}',
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
                    f'{_describe(chat)} is not a chat — use a numeric chat id (e.g. -1001234567890) or "@channelname"',
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
                f"expected a date-time such as 2025-06-01T12:00:00Z or unix seconds, got {_describe(value)}",
            )
        return None


def _some(names: Sequence[str], limit: int = 10) -> str:
    """A list short enough to read in one line of a problem message."""
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(names[:limit]) + more


def _not_words(what: str, term: str) -> str | None:
    """Why `term` cannot be matched as the words it seems to be, or None when it can."""
    word_chars = sum(ch.isalnum() for ch in term)
    symbols = sum(not ch.isalnum() and ch not in NAME_PUNCTUATION for ch in term)
    if symbols > word_chars:
        return (
            f"{what} {term.strip()!r} is mostly symbols: names and keywords are matched as plain words, "
            "not regular expressions — write the words themselves"
        )
    if word_chars < MIN_TERM_WORD_CHARS:
        return f"{what} {term.strip()!r} is too short to match anything but noise — write a whole word or name"
    return None


def _too_long(what: str, value: str) -> str:
    return (
        f"{what} is {len(value.strip()):,} characters long — {_a(what)} is a few words; "
        f"keep it under {MAX_TERM_LENGTH + 1} characters"
    )


def _valid_id(table: Mapping[str, Any]) -> str | None:
    value = table.get("id")
    if isinstance(value, str) and len(value) <= MAX_ID_LENGTH and ID_PATTERN.fullmatch(value):
        return value
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
