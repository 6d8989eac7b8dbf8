"""Where each key of a TOML document is written, so problems can say `config.toml:14:1:`.

tomllib gives values without positions and tomlkit keeps positions poorly, so this module scans the source
text itself: table headers, `key =` lines and array elements, in order, giving each a key path such as
`("speakers", 2, "aliases", 1)` (the second alias of the third `[[speakers]]` table). It runs only on text
that tomllib has already accepted, so it can assume valid syntax; anything unexpected ends the scan early
and the positions found so far are kept (a problem is then reported at its table instead of its key).
"""

from __future__ import annotations

import bisect
import contextlib
import json
import re

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SPACES = re.compile(r"[ \t]*")
_BLANKS = re.compile(r"(?:[ \t\r\n]+|#[^\n]*)*")
_BASIC_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_SCALAR = re.compile(r"[^,\]}#\r\n]*")
# Nesting deeper than this is not a rules file; stop rather than recurse without bound.
_MAX_DEPTH = 64


class SourceMap:
    """Line and column (1-based) of every table, key and array element in a TOML text."""

    def __init__(self, text: str) -> None:
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        scanner = _Scanner(text)
        with contextlib.suppress(IndexError, ValueError, RecursionError):
            scanner.scan()  # on a surprise, keep what was found; see the module docstring
        self._offsets = scanner.offsets

    def line_col(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def find(self, path: KeyPath) -> tuple[int, int] | None:
        """Position of exactly this key path, or None."""
        offset = self._offsets.get(path)
        return None if offset is None else self.line_col(offset)

    def locate(self, path: KeyPath) -> tuple[int, int]:
        """Position of `path`, else of its nearest written ancestor, else the top of the file."""
        for end in range(len(path), 0, -1):
            found = self.find(path[:end])
            if found is not None:
                return found
        return 1, 1


def format_path(path: KeyPath) -> str:
    """`("speakers", 2, "aliases")` -> `speakers[2].aliases`: the spelling used in problem messages."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = part if _BARE_KEY.fullmatch(part) else json.dumps(part, ensure_ascii=False)
            out += f".{name}" if out else name
    return out


class _Scanner:
    """One pass over the text, recording the offset where each key path is written."""

    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0
        self.offsets: dict[KeyPath, int] = {}
        # Elements seen so far of each array of tables, keyed by its resolved path: [[a.b]] under the
        # second [[a]] counts separately from [[a.b]] under the first.
        self.aot_counts: dict[KeyPath, int] = {}

    # -- document level

    def scan(self) -> None:
        table: KeyPath = ()
        while True:
            self.skip_blank_and_comments()
            if self.i >= len(self.s):
                return
            start = self.i
            if self.s[self.i] == "[":
                table = self.header()
                self.offsets.setdefault(table, start)
            else:
                keys = self.key()
                path = table + keys
                for end in range(len(table) + 1, len(path) + 1):
                    self.offsets.setdefault(path[:end], start)
                self.expect("=")
                self.value(path, 0)
            self.skip_to_line_end()

    def header(self) -> KeyPath:
        start = self.i
        is_aot = self.s.startswith("[[", self.i)
        self.i += 2 if is_aot else 1
        keys = self.key()
        self.skip_spaces()
        self.expect("]]" if is_aot else "]")
        path: KeyPath = ()
        for name in keys[:-1]:
            path += (name,)
            if path in self.aot_counts:
                path += (self.aot_counts[path] - 1,)
        path += (keys[-1],)
        if is_aot:
            index = self.aot_counts.get(path, 0)
            self.aot_counts[path] = index + 1
            self.offsets.setdefault(path, start)  # the array itself: its first header
            path += (index,)
        return path

    # -- keys

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.skip_spaces()
            parts.append(self.simple_key())
            self.skip_spaces()
            if self.i < len(self.s) and self.s[self.i] == ".":
                self.i += 1
                continue
            return tuple(parts)

    def simple_key(self) -> str:
        c = self.s[self.i]
        if c == '"':
            start = self.i
            self.basic_string()
            raw = self.s[start : self.i]
            try:
                decoded = json.loads(raw)
            except ValueError:
                return raw[1:-1]  # a TOML-only escape; close enough to name the key
            return decoded if isinstance(decoded, str) else raw[1:-1]
        if c == "'":
            start = self.i
            self.literal_string()
            return self.s[start + 1 : self.i - 1]
        m = _BARE_KEY.match(self.s, self.i)
        if m is None:
            raise ValueError(f"no key at offset {self.i}")
        self.i = m.end()
        return m.group()

    # -- values

    def value(self, path: KeyPath, depth: int) -> None:
        if depth > _MAX_DEPTH:
            raise ValueError("nested too deeply")
        self.skip_spaces()
        c = self.s[self.i]
        if c == "[":
            self.array(path, depth)
        elif c == "{":
            self.inline_table(path, depth)
        elif self.s.startswith('"""', self.i):
            self.multiline_string('"""')
        elif self.s.startswith("'''", self.i):
            self.multiline_string("'''")
        elif c == '"':
            self.basic_string()
        elif c == "'":
            self.literal_string()
        else:
            # number, boolean or date-time (which may contain one space: 1979-05-27 07:32:00Z)
            self.i = _match_end(_SCALAR, self.s, self.i)

    def array(self, path: KeyPath, depth: int) -> None:
        self.i += 1  # [
        index = 0
        while True:
            self.skip_blank_and_comments()
            if self.s[self.i] == "]":
                self.i += 1
                return
            self.offsets.setdefault(path + (index,), self.i)
            self.value(path + (index,), depth + 1)
            self.skip_blank_and_comments()
            if self.s[self.i] == ",":
                self.i += 1
                index += 1
            elif self.s[self.i] != "]":
                raise ValueError(f"unexpected {self.s[self.i]!r} in array at offset {self.i}")

    def inline_table(self, path: KeyPath, depth: int) -> None:
        self.i += 1  # {
        while True:
            self.skip_blank_and_comments()
            if self.s[self.i] == "}":
                self.i += 1
                return
            start = self.i
            keys = self.key()
            self.offsets.setdefault(path + keys, start)
            self.expect("=")
            self.value(path + keys, depth + 1)
            self.skip_blank_and_comments()
            if self.s[self.i] == ",":
                self.i += 1
            elif self.s[self.i] != "}":
                raise ValueError(f"unexpected {self.s[self.i]!r} in inline table at offset {self.i}")

    def basic_string(self) -> None:
        m = _BASIC_STRING.match(self.s, self.i)
        if m is None:
            raise ValueError(f"unterminated string at offset {self.i}")
        self.i = m.end()

    def literal_string(self) -> None:
        self.i = self.s.index("'", self.i + 1) + 1

    def multiline_string(self, quotes: str) -> None:
        self.i += 3
        while not self.s.startswith(quotes, self.i):
            self.i += 2 if quotes == '"""' and self.s[self.i] == "\\" else 1
        self.i += 3
        # Up to two quote characters may end the content itself: """say "hi"""""
        for _ in range(2):
            if self.i < len(self.s) and self.s[self.i] == quotes[0]:
                self.i += 1

    # -- whitespace

    def skip_spaces(self) -> None:
        self.i = _match_end(_SPACES, self.s, self.i)

    def skip_blank_and_comments(self) -> None:
        self.i = _match_end(_BLANKS, self.s, self.i)

    def skip_to_line_end(self) -> None:
        end = self.s.find("\n", self.i)
        self.i = len(self.s) if end < 0 else end + 1

    def expect(self, token: str) -> None:
        self.skip_spaces()
        if not self.s.startswith(token, self.i):
            raise ValueError(f"expected {token!r} at offset {self.i}")
        self.i += len(token)


def _match_end(pattern: re.Pattern[str], text: str, pos: int) -> int:
    m = pattern.match(text, pos)
    return pos if m is None else m.end()
