"""Reads a language's word tables from the data files beside its grammar module, once each.

A language is a package under `watchers.statements.lang` (`en`, later `ru`); each of its tables is
one file `<name>.txt` in that package, read with `importlib.resources` so an installed wheel works
as well as a checkout. The grammar module decides what Python type each table becomes.

File format (UTF-8):
- one entry a line; blank lines are skipped, spaces around an entry are dropped and spaces inside
  kept ("prime minister");
- `#` starts a comment that runs to the end of the line, so no entry can hold a `#`;
- a list (`entries`, `words`) takes each line as one entry;
- a mapping (`mapping`, `groups`) reads `key = value`, split at the first `=`; a bare `key` maps to
  "" (for example a role noun of no known gender). `groups` splits the value at spaces into a set
  of words, so a bare key maps to the empty set. A key may appear only once.
"""

from __future__ import annotations

import functools
from importlib import resources
from importlib.resources.abc import Traversable

_PACKAGE = __name__.rpartition(".")[0]


def _folder(lang: str) -> Traversable:
    """The package folder of language `lang` (inside a wheel or a checkout alike)."""
    return resources.files(f"{_PACKAGE}.{lang}")


@functools.cache
def _lines(lang: str, name: str) -> tuple[tuple[int, str], ...]:
    """(line number, entry) for every entry of table `name` of language `lang`, in file order."""
    path = _folder(lang).joinpath(f"{name}.txt")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"language {lang!r} has no word table {name!r}: expected {path}") from None
    out: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.partition("#")[0].strip()
        if entry:
            out.append((number, entry))
    return tuple(out)


def entries(lang: str, name: str) -> tuple[str, ...]:
    """Table `name` as a tuple in file order, repeats kept (for tables whose order matters)."""
    return tuple(entry for _, entry in _lines(lang, name))


@functools.cache
def words(lang: str, name: str) -> frozenset[str]:
    """Table `name` as a set of entries."""
    return frozenset(entries(lang, name))


def mapping(lang: str, name: str) -> dict[str, str]:
    """Table `name` of `key = value` lines as a dict in file order (a new dict each call)."""
    out: dict[str, str] = {}
    for number, entry in _lines(lang, name):
        key, _, value = (part.strip() for part in entry.partition("="))
        if not key:
            raise ValueError(f"{lang}/{name}.txt line {number}: {entry!r} has no key before '='")
        if key in out:
            raise ValueError(f"{lang}/{name}.txt line {number}: key {key!r} appears twice")
        out[key] = value
    return out


def groups(lang: str, name: str) -> dict[str, frozenset[str]]:
    """Table `name` of `key = word word ...` lines as a dict of word sets in file order."""
    return {key: frozenset(value.split()) for key, value in mapping(lang, name).items()}
