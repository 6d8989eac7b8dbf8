"""Load a rules file (TOML) into `Rules`, checking everything and reporting every problem at once.

    read_source(path)      -> bytes | problems   (missing, directory, too large, unreadable)
    decode_source(bytes)   -> str | problems     (binary, not UTF-8, empty)
    parse_rules(text)      -> Rules | problems   (TOML syntax, then the schema in config.example.toml)

`check_file` runs all three and never raises for bad input; `load_rules` raises `RulesError` instead.
Each problem is `Problem(path, line, col, message)`, where the message starts with the key path
(`speakers[2].aliases: ...`, indexes counting from 0 like TOML arrays) and says what to do about it.
Pure apart from reading the one file: no network, no database.

This module reads and decodes the file and locates TOML syntax errors; the schema is checked by
`rules.validate` (the sections and their keys) with `rules.values` (each single value).
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from collections.abc import Sequence
from pathlib import Path

from rules.model import Problem, Rules
from rules.validate import validate
from rules.values import MAX_TERM_LENGTH

# The public interface; MAX_TERM_LENGTH is validation's limit, offered here beside MAX_BYTES.
__all__ = [
    "MAX_BYTES",
    "MAX_TERM_LENGTH",
    "RulesError",
    "check_file",
    "decode_source",
    "load_rules",
    "parse_rules",
    "read_source",
]

# A hand-written rules file is a few kilobytes; anything over this is the wrong file, and refusing it
# before parsing keeps a mistaken `check-rules /var/log/syslog` instant.
MAX_BYTES = 1_000_000


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
    rules, found = validate(data, path, text)
    problems = sorted(found, key=lambda p: (p.line, p.col))
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
