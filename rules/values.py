"""Checks of single values in a parsed rules file, each problem located and explained.

`Checker` collects `Problem`s: each names the key path (`speakers[2].aliases: ...`) at its line and
column in the source (`rules.locate`, built only once a problem is found) and says what to do about it.
Its methods check one value each (a string, a duration, an id, a list of terms, a URL, references to
ids) and return it, or None / a default after recording why it cannot be used. `rules.validate` walks
the file's sections with them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from rules.duration import parse_duration
from rules.locate import KeyPath, SourceMap, format_path
from rules.model import Problem
from rules.suggest import did_you_mean

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


class Checker:
    """Collects every problem found in one file; the methods below check one value each."""

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

    def unknown(self, where: KeyPath, key: str, allowed: Sequence[str]) -> None:
        hint = did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}"
        self.problem(where, f"unknown key '{key}' — {hint}")

    def keys(self, table: Mapping[str, Any], where: KeyPath, allowed: Sequence[str]) -> None:
        for key in table:
            if key not in allowed:
                self.unknown((*where, key), key, allowed)

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
            self.problem((*where, key), f"expected a string in quotes, got {describe(value)}")
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
        self.problem((*where, key), f"expected true or false{hint}, got {describe(value)}")
        return default

    def duration(
        self, table: Mapping[str, Any], where: KeyPath, key: str, default: float, *, zero_ok: bool = False
    ) -> float:
        if key not in table:
            return default
        value = table[key]
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            self.problem((*where, key), f'expected a duration such as "5m", got {describe(value)}')
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
            self.problem((*where, key), f'expected a list, got {describe(value)} — write {key} = ["{value}"]')
            return None
        if not isinstance(value, list):
            self.problem((*where, key), f"expected a list of {what}s, got {describe(value)}")
            return None
        ok = True
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.problem((*where, key, i), f"expected {_a(what)} in quotes, got {describe(item)}")
                ok = False
            elif not item.strip():
                self.problem((*where, key, i), f"empty {what} — remove it")
                ok = False
            elif len(item.strip()) > MAX_TERM_LENGTH:
                self.problem((*where, key, i), too_long(what, item))
                ok = False
            elif what != "id" and (wrong := _not_words(what, item)) is not None:
                self.problem((*where, key, i), wrong)
                ok = False
        return tuple(value) if ok else None

    def integers(self, table: Mapping[str, Any], where: KeyPath, key: str, what: str) -> tuple[int, ...]:
        value = table.get(key, [])
        if not isinstance(value, list):
            self.problem(
                (*where, key), f"expected a list of {what}s, e.g. [123456789], got {describe(value)}"
            )
            return ()
        out: list[int] = []
        for i, item in enumerate(value):
            if isinstance(item, int) and not isinstance(item, bool) and item != 0:
                out.append(item)
            elif isinstance(item, str) and re.fullmatch(r"-?\d+", item.strip()):
                self.problem((*where, key, i), f"write {what}s as numbers without quotes: {item.strip()}")
            else:
                self.problem((*where, key, i), f"expected {_a(what)} (a number), got {describe(item)}")
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
                hint = did_you_mean(name, known) or f"known {key}: {_some(known)}"
            self.problem((*where, key, i), f"unknown {kind} '{name}' — {hint}")
        return names

    def choice(
        self, table: Mapping[str, Any], where: KeyPath, key: str, options: Sequence[str], default: str
    ) -> str:
        value = table.get(key, default)
        if isinstance(value, str) and value in options:
            return value
        allowed = ", ".join(f'"{o}"' for o in options)
        if isinstance(value, str):
            hint = did_you_mean(value, options)
            self.problem(
                (*where, key), f"unknown {key} '{value}' — {hint + ' ' if hint else ''}use one of {allowed}"
            )
        else:
            self.problem((*where, key), f"expected one of {allowed}, got {describe(value)}")
        return default


def describe(value: object) -> str:
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
        return (
            f"{what} {term.strip()!r} is too short to match anything but noise — write a whole word or name"
        )
    return None


def too_long(what: str, value: str) -> str:
    """The problem message for a name or term longer than MAX_TERM_LENGTH."""
    return (
        f"{what} is {len(value.strip()):,} characters long — {_a(what)} is a few words; "
        f"keep it under {MAX_TERM_LENGTH + 1} characters"
    )


def valid_id(table: Mapping[str, Any]) -> str | None:
    """The table's id if it is well formed, else None (`Checker.ident` says what is wrong with it)."""
    value = table.get("id")
    if isinstance(value, str) and len(value) <= MAX_ID_LENGTH and ID_PATTERN.fullmatch(value):
        return value
    return None
