"""Edit a rules file the way a person would: change one table, leave every other byte alone.

Used by the admin bot commands (/track, /alias, /mute ...). Each edit:

    read the file -> it must be valid now -> change the tomlkit document -> render
    -> re-validate the new text with parse_rules -> write atomically -> return the new Rules

A refused or invalid edit raises RulesError and leaves the file untouched. The write goes to a temporary
file in the same directory, is fsynced, gets the old file's mode and replaces the file with os.replace,
so a reader (the Reloader, a person's editor) sees either the old file or the new one, never half of one.

Comments: tomlkit keeps comments, but attaches the lines between two tables to the end of the first. Read
that way, adding a key or a table would land under the comment that introduces the *next* section, and
removing a table would take that comment with it. So the lines after a table's last key are split in two:
comment lines directly below the table (its own notes) and, from the first blank line on, lines that
belong to whatever follows. New keys go between them; removed tables leave the second part in place.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import threading
import tomllib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal, NoReturn

import tomlkit
import tomlkit.exceptions
from tomlkit.items import AoT, Array, Comment, Item, Table, Whitespace
from tomlkit.toml_document import TOMLDocument

from rules.atomicfile import replace_file
from rules.load import RulesError, decode_source, parse_rules, read_source
from rules.locate import SourceMap
from rules.model import Problem, Rules
from rules.suggest import did_you_mean

KeywordList = Literal["any", "all", "none"]

# Admin commands run edits in worker threads; two at once would each read the old file and the second
# write would drop the first one's change. One edit at a time per process (other writers are caught by
# the compare-before-replace in _write_atomic).
_EDIT_LOCK = threading.Lock()


# -- public API


def add_speaker(path: Path | str, id: str, name: str, aliases: Sequence[str] = ()) -> Rules:
    """Append a [[speakers]] table."""

    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        if rules.speaker(id) is not None:
            fail(("speakers", _index(rules.speakers, id)), f"speaker '{id}' exists already")
        table = tomlkit.table()
        table["id"] = id
        table["name"] = name
        if aliases:
            table["aliases"] = list(aliases)
        _append_table(doc, "speakers", table)

    return _edit(path, change)


def remove_speaker(path: Path | str, id: str) -> Rules:
    """Remove a speaker and take it out of every watch; refused if a watch would be left with no one."""

    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        index = _require(rules.speakers, id, "speaker", fail)
        stranded = [w for w in rules.watches if w.speakers == (id,)]
        if stranded:
            names = ", ".join(f"'{w.id}'" for w in stranded)
            fail(
                ("watches", _index(rules.watches, stranded[0].id)),
                f"cannot remove speaker '{id}': watch {names} would have no speakers left — "
                "remove that watch first, or add another speaker to it",
            )
        for i, watch in enumerate(rules.watches):
            if id in watch.speakers:
                _remove_values(_tables(doc, "watches")[i]["speakers"], [id])
        _remove_table(doc, "speakers", index)

    return _edit(path, change)


def add_alias(path: Path | str, speaker_id: str, alias: str) -> Rules:
    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        index = _require(rules.speakers, speaker_id, "speaker", fail)
        speaker = rules.speakers[index]
        if alias.strip().casefold() in {t.casefold() for t in speaker.terms}:
            fail(("speakers", index), f"speaker '{speaker_id}' already has the alias '{alias.strip()}'")
        _add_value(_tables(doc, "speakers")[index], "aliases", alias.strip())

    return _edit(path, change)


def remove_alias(path: Path | str, speaker_id: str, alias: str) -> Rules:
    """Remove one alias; the key goes too when it was the last one (an empty list is not allowed)."""

    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        index = _require(rules.speakers, speaker_id, "speaker", fail)
        table = _tables(doc, "speakers")[index]
        value = _pick(
            rules.speakers[index].aliases,
            alias,
            f"an alias of speaker '{speaker_id}'",
            fail,
            ("speakers", index),
        )
        _remove_values(table["aliases"], [value])
        if not table["aliases"]:
            _delete_key(table, "aliases")

    return _edit(path, change)


def add_topic_keyword(path: Path | str, topic_id: str, keyword: str, list: KeywordList = "any") -> Rules:
    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        index = _require(rules.topics, topic_id, "topic", fail)
        _check_list_name(list, fail)
        current = getattr(rules.topics[index], list)
        if keyword.strip().casefold() in {k.casefold() for k in current}:
            fail(("topics", index, list), f"topic '{topic_id}' already has '{keyword.strip()}' in {list}")
        _add_value(_tables(doc, "topics")[index], list, keyword.strip())

    return _edit(path, change)


def remove_topic_keyword(path: Path | str, topic_id: str, keyword: str, list: KeywordList = "any") -> Rules:
    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        index = _require(rules.topics, topic_id, "topic", fail)
        _check_list_name(list, fail)
        topic = rules.topics[index]
        value = _pick(
            getattr(topic, list),
            keyword,
            f"a keyword in {list} of topic '{topic_id}'",
            fail,
            ("topics", index, list),
        )
        if list != "none" and len(topic.any) + len(topic.all) == 1:
            fail(
                ("topics", index),
                f"'{value}' is the last keyword of topic '{topic_id}' — add another first, or remove the topic",
            )
        table = _tables(doc, "topics")[index]
        _remove_values(table[list], [value])
        if not table[list]:
            _delete_key(table, list)

    return _edit(path, change)


def add_watch(
    path: Path | str,
    id: str,
    speakers: Sequence[str],
    topics: Sequence[str] = (),
    chats: Sequence[int | str] = (),
    *,
    feeds: Sequence[str] = (),
    scope: str | None = None,
) -> Rules:
    """Append a [[watches]] table. Unknown speaker/topic/feed ids are refused by validation."""

    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        if any(w.id == id for w in rules.watches):
            fail(("watches", _index(rules.watches, id)), f"watch '{id}' exists already")
        table = tomlkit.table()
        table["id"] = id
        table["speakers"] = list(speakers)
        if topics:
            table["topics"] = list(topics)
        if feeds:
            table["feeds"] = list(feeds)
        table["chats"] = list(chats)
        if scope is not None:
            table["scope"] = scope
        _append_table(doc, "watches", table)

    return _edit(path, change)


def remove_watch(path: Path | str, id: str) -> Rules:
    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        _remove_table(doc, "watches", _require(rules.watches, id, "watch", fail))

    return _edit(path, change)


def add_to_watch(path: Path | str, id: str, speakers: Sequence[str], topics: Sequence[str] = ()) -> Rules:
    """Put speakers (and topics) into an existing watch (what /watch does for a known id: undoes /untrack)."""

    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        index = _require(rules.watches, id, "watch", fail)
        watch, table = rules.watches[index], _tables(doc, "watches")[index]
        added = [("speakers", s) for s in speakers if s not in watch.speakers]
        added += [("topics", t) for t in topics if t not in watch.topics]
        if not added:
            fail(("watches", index), f"watch '{id}' has those speakers and topics already")
        for key, value in dict.fromkeys(added):
            _add_value(table, key, value)

    return _edit(path, change)


def remove_from_watch(path: Path | str, id: str, speakers: Sequence[str]) -> Rules:
    """Take speakers out of a watch; refused if none would be left (that is removing the watch)."""

    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        index = _require(rules.watches, id, "watch", fail)
        watch = rules.watches[index]
        missing = [s for s in speakers if s not in watch.speakers]
        if missing:
            fail(("watches", index, "speakers"), f"speaker '{missing[0]}' is not in watch '{id}'")
        if set(watch.speakers) <= set(speakers):
            fail(("watches", index, "speakers"), f"watch '{id}' would have no speakers left — remove the watch")
        _remove_values(_tables(doc, "watches")[index]["speakers"], list(speakers))

    return _edit(path, change)


def set_mute(path: Path | str, target_id: str, until: float | None) -> Rules:
    """Mute a watch (by its id) or every watch of a speaker (by speaker id) until unix time `until`.

    `until=None` unmutes. A watch id wins over a speaker id of the same name. The time is written as a
    UTC date-time, rounded up to the second so the mute never ends early.
    """

    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        if any(w.id == target_id for w in rules.watches):
            indexes = [_index(rules.watches, target_id)]
        elif rules.speaker(target_id) is not None:
            indexes = [i for i, w in enumerate(rules.watches) if target_id in w.speakers]
            if not indexes:
                fail(
                    ("speakers", _index(rules.speakers, target_id)),
                    f"speaker '{target_id}' is in no watch — nothing to mute",
                )
        else:
            known = [w.id for w in rules.watches] + [s.id for s in rules.speakers]
            fail((), f"no watch or speaker '{target_id}'{_suggest(target_id, known)}")
        tables = _tables(doc, "watches")
        for i in indexes:
            if until is None:
                _delete_key(tables[i], "muted_until")
            else:
                if not math.isfinite(until) or until < 0:
                    fail(("watches", i), f"cannot mute until {until!r} — give a unix time")
                when = dt.datetime.fromtimestamp(math.ceil(until), dt.UTC)
                _set_key(tables[i], "muted_until", when)

    return _edit(path, change)


# -- the edit cycle


class _Fail:
    """Raises RulesError located in the current (pre-edit) text: 'refused' problems point at real lines."""

    def __init__(self, path: str, text: str) -> None:
        self.path = path
        self.text = text
        self._source: SourceMap | None = None

    def __call__(self, where: tuple[str | int, ...], message: str) -> NoReturn:
        if self._source is None:
            self._source = SourceMap(self.text)
        line, col = self._source.locate(where)
        raise RulesError([Problem(self.path, line, col, message)])


def _edit(path: Path | str, change: Callable[[TOMLDocument, Rules, _Fail], None]) -> Rules:
    with _EDIT_LOCK:
        return _edit_locked(path, change)


def _edit_locked(path: Path | str, change: Callable[[TOMLDocument, Rules, _Fail], None]) -> Rules:
    name = str(path)
    data, problems = read_source(path)
    if data is None:
        raise RulesError(problems)
    text, problems = decode_source(data, name)
    if text is None:
        raise RulesError(problems)
    rules, problems = parse_rules(text, name)
    if rules is None:
        # Editing a broken file would mix our change into the user's unfinished one.
        raise RulesError(problems)
    try:
        doc = tomlkit.parse(text)
    except tomlkit.exceptions.TOMLKitError as e:  # tomllib accepted it; tomlkit is stricter in places
        raise RulesError(
            [Problem(name, 1, 1, f"cannot edit this file automatically ({e}); edit it by hand")]
        ) from e
    fail = _Fail(name, text)
    try:
        change(doc, rules, fail)
    except _InlineArray as e:
        fail(
            (e.key,),
            f"{e.key} is written as an inline array ({e.key} = [{{...}}]); rewrite it as [[{e.key}]] tables "
            "to edit it from the bot",
        )
    new_text = doc.as_string()
    if text.endswith("\n") and not text.endswith("\n\n"):
        # Removing the last table leaves the blank line that preceded it at the end of the file.
        new_text = new_text.rstrip("\n") + "\n"
    # A guard against tomlkit rendering something other than the document we built (it has had such bugs):
    # the text we write must mean exactly what the document says.
    if tomllib.loads(new_text) != doc.unwrap():
        raise RulesError(
            [Problem(name, 1, 1, "internal error: the edit did not render faithfully; file left as it was")]
        )
    new_rules, problems = parse_rules(new_text, name)
    if new_rules is None:
        raise RulesError(problems)
    _write_atomic(Path(path), data, new_text.encode("utf-8"))
    return new_rules


def _write_atomic(path: Path, expected: bytes, data: bytes) -> None:
    """Replace `path` with `data` unless someone else changed it since we read `expected`."""
    target = Path(os.path.realpath(path))  # edit the file a symlink points to, keep the link
    try:
        if target.read_bytes() != expected:
            raise RulesError(
                [Problem(str(path), 1, 1, "the file changed while it was being edited — try again")]
            )
        replace_file(target, data)
    except OSError as e:
        raise RulesError([Problem(str(path), 1, 1, f"cannot write the file: {e.strerror or e}")]) from e


# -- lookups


def _index(items: Sequence[Any], id: str) -> int:
    return next(i for i, item in enumerate(items) if item.id == id)


def _suggest(word: str, choices: Iterable[str]) -> str:
    hint = did_you_mean(word, choices)  # validation's, so edits and check-rules suggest alike
    return f" — {hint}" if hint else ""


def _require(items: Sequence[Any], id: str, kind: str, fail: _Fail) -> int:
    for i, item in enumerate(items):
        if item.id == id:
            return i
    fail((), f"no {kind} '{id}'{_suggest(id, [item.id for item in items])}")


def _pick(values: Sequence[str], wanted: str, what: str, fail: _Fail, where: tuple[str | int, ...]) -> str:
    """The entry of `values` matching `wanted` exactly, else ignoring case."""
    for value in values:
        if value == wanted.strip():
            return value
    for value in values:
        if value.casefold() == wanted.strip().casefold():
            return value
    fail(where, f"'{wanted}' is not {what}{_suggest(wanted, values)}")


def _check_list_name(name: str, fail: _Fail) -> None:
    if name not in ("any", "all", "none"):
        fail((), f"keyword list must be 'any', 'all' or 'none', not '{name}'")


class _InlineArray(Exception):
    """The section is valid TOML written as `key = [{...}]`: tomlkit gives an Array of inline tables there,
    which the table surgery below cannot edit without rewriting the user's layout."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _tables(doc: TOMLDocument, key: str) -> AoT:
    value = doc[key]
    if not isinstance(value, AoT):
        raise _InlineArray(key)
    return value


# -- tomlkit surgery that keeps comments where a reader expects them (see the module docstring)


def _pop_trailer(table: Table) -> tuple[list[Item], list[Item]]:
    """Remove the comment/blank lines after a table's last key: (its own notes, what belongs to the next)."""
    body = table.value.body
    trailer: list[Item] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace | Comment):
        trailer.insert(0, body.pop()[1])
    for i, item in enumerate(trailer):
        if isinstance(item, Whitespace) and "\n" in item.as_string():
            return trailer[:i], trailer[i:]
    return trailer, []


def _push(table: Table, items: Iterable[Item]) -> None:
    for item in items:
        table.value.append(None, item)


def _set_key(table: Table, key: str, value: object) -> None:
    if key in table:
        table[key] = value  # tomlkit keeps the line's comment
        return
    inner, outer = _pop_trailer(table)
    _push(table, inner)  # notes directly below the last key stay with it
    table.append(key, value)
    _push(table, outer)


def _delete_key(table: Table, key: str) -> None:
    if key in table:
        del table[key]


def _add_value(table: Table, key: str, value: str) -> None:
    existing = table.get(key)
    if isinstance(existing, Array):
        existing.append(value)
    else:
        _set_key(table, key, [value])


def _remove_values(array: Any, values: Sequence[str]) -> None:
    assert isinstance(array, Array)
    for index in reversed(range(len(array))):
        if array[index] in values:
            del array[index]


def _append_table(doc: TOMLDocument, key: str, table: Table) -> None:
    existing = doc.get(key)
    if existing is not None and not isinstance(existing, AoT):
        raise _InlineArray(key)
    if isinstance(existing, AoT) and len(existing):
        last = existing[-1]
        inner, outer = _pop_trailer(last)
        _push(last, [*inner, tomlkit.nl()])  # a blank line between the last table and the new one
        existing.append(table)
        _push(table, outer)
        return
    if not doc.as_string().endswith("\n\n"):
        table.trivia.indent = "\n" if doc.as_string().endswith("\n") else "\n\n"
    tables = tomlkit.aot()
    tables.append(table)
    doc.append(key, tables)


def _remove_table(doc: TOMLDocument, key: str, index: int) -> None:
    tables = _tables(doc, key)
    _, outer = _pop_trailer(tables[index])
    # Blank lines after the removed table separated it from the next; the text before it already has its own.
    keep = "".join(item.as_string() for item in outer).lstrip("\n")
    if index > 0:
        if keep:
            _push(tables[index - 1], [tomlkit.ws(keep)])
        del tables[index]
    elif len(tables) > 1:
        following = tables[1]
        following.trivia.indent = keep + following.trivia.indent
        del tables[index]
    else:
        position = next(i for i, (k, _) in enumerate(doc.body) if k is not None and k.key == key)
        del doc[key]
        later = [item for k, item in doc.body[position:] if k is not None]
        if keep and later and isinstance(later[0], Table | AoT):
            first = later[0] if isinstance(later[0], Table) else later[0][0]
            first.trivia.indent = keep + first.trivia.indent
        elif keep:
            doc.add(tomlkit.ws(keep))
