"""Adding and removing [[feeds]] tables the way rules.edit edits the rest (comments and layout kept, the
new text validated, written atomically): for /addfeed, /removefeed and `quotewatch feeds import`.

    add_feeds(path, [NewFeed(id, url, name), ...])   one edit for all of them (an import is all or nothing)
    remove_feed(path, id)                            also out of every watch's `feeds`; refused when a watch
                                                     would be left with none (that would widen it to all)
    feed_id(name, taken)                             a free id made from an outlet's name or host
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.toml_document import TOMLDocument

from rules.edit import _append_table, _edit, _Fail, _index, _remove_table, _remove_values, _require, _tables
from rules.model import Rules
from rules.values import MAX_ID_LENGTH


@dataclass(frozen=True)
class NewFeed:
    id: str
    url: str
    name: str = ""  # empty: the id is the outlet name, as in a hand-written table without `name`


def feed_id(name: str, taken: Iterable[str]) -> str:
    """A valid id from `name` ("The Harbour Ledger" -> "the-harbour-ledger") that is not in `taken`."""
    used = set(taken)
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-_")[: MAX_ID_LENGTH - 4] or "feed"
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_feeds(path: Path | str, feeds: Sequence[NewFeed]) -> Rules:
    """Append one [[feeds]] table per feed; an id or URL already there is refused with where it is."""

    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        by_url = {f.url: f for f in rules.feeds}
        for new in feeds:
            if rules.feed(new.id) is not None:
                fail(("feeds", _index(rules.feeds, new.id)), f"feed '{new.id}' exists already")
            if new.url in by_url:
                old = by_url[new.url]
                fail(("feeds", _index(rules.feeds, old.id)), f"{new.url} is feed '{old.id}' already")
            table = tomlkit.table()
            table["id"] = new.id
            if new.name:
                table["name"] = new.name
            table["url"] = new.url
            _append_table(doc, "feeds", table)

    return _edit(path, change)


def remove_feed(path: Path | str, id: str) -> Rules:
    """Remove a feed and take it out of the watches that list it."""

    def change(doc: TOMLDocument, rules: Rules, fail: _Fail) -> None:
        index = _require(rules.feeds, id, "feed", fail)
        stranded = [w for w in rules.watches if w.feeds == (id,)]
        if stranded:
            names = ", ".join(f"'{w.id}'" for w in stranded)
            fail(("watches", _index(rules.watches, stranded[0].id)),
                 f"cannot remove feed '{id}': watch {names} reads only that feed and would then read every "
                 "feed — change or remove that watch first")
        for i, watch in enumerate(rules.watches):
            if id in watch.feeds:
                _remove_values(_tables(doc, "watches")[i]["feeds"], [id])
        _remove_table(doc, "feeds", index)

    return _edit(path, change)
