"""Entries found in a feed's bytes, before any parser reads it: whether the body ends inside its last
entry (a truncated response), and a document cut down to what will be read (the first
MAX_ITEMS_PER_FEED entries, the readable part of an oversized one), so feedparser, which keeps every
entry of a document whole, is never given more than that. Regular expressions over bytes: linear, and
no tree is built.
"""

from __future__ import annotations

import re

from watchers.feeds.limits import MAX_ENTRY_CHARS

# An entry element's start and end tags (RSS/RDF <item>, Atom <entry>, with or without a namespace
# prefix), to tell whether a malformed body ends inside its last entry.
_ENTRY_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s>/]")
_ENTRY_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?(?:item|entry)\s*>")
# Only the tail of the body is searched for the last entry's start: entries are far smaller than this.
TAIL_BYTES = 1 << 20
# An entry longer than this in bytes is cut before feedparser sees it (see cap_entries): room for the
# MAX_ENTRY_CHARS that are read of it (ASCII markup) and for its closing tags.
ENTRY_TAIL_BYTES = 64 * 1024
MAX_ENTRY_BYTES = MAX_ENTRY_CHARS + 2 * ENTRY_TAIL_BYTES


def ends_inside_entry(content: bytes) -> bool:
    """True when the body's last entry start tag has no end tag after it: the body was cut off there."""
    tail_start = max(len(content) - TAIL_BYTES, 0)
    tail = content[tail_start:]
    last = None
    for match in _ENTRY_START.finditer(tail):
        last = match
    if last is None:
        return False
    if tail[last.end() - 1 : last.end()] == b"/" and tail[last.end() : last.end() + 1] == b">":
        return False  # <item/>: empty, and complete
    return _ENTRY_END.search(tail, last.end()) is None


def cap_entries(content: bytes, max_bytes: int) -> tuple[bytes, int]:
    """The document with every entry longer than `max_bytes` cut to its first bytes and its last
    ENTRY_TAIL_BYTES (where its closing tags are), and how many were cut. An entry's text past
    MAX_ENTRY_CHARS is never read anyway; what is cut out is the part no parser needs to see."""
    pieces: list[bytes] = []
    copied = position = cut = 0
    while (start := _ENTRY_START.search(content, position)) is not None:
        end = _ENTRY_END.search(content, start.end())
        stop = end.end() if end is not None else len(content)
        if stop - start.start() > max_bytes:
            pieces += (content[copied : start.start() + max_bytes - ENTRY_TAIL_BYTES], content[stop - ENTRY_TAIL_BYTES : stop])
            copied, cut = stop, cut + 1
        position = stop
    if not cut:
        return content, 0
    pieces.append(content[copied:])
    return b"".join(pieces), cut


def first_entries(content: bytes, limit: int) -> tuple[bytes, int | None]:
    """The document with only its first `limit` entries, and how many it has (None: no more than
    `limit`, the document is unchanged). What follows the last entry (the closing tags) is kept, so a
    well-formed document stays well-formed; a body cut off inside its last entry still ends inside one."""
    cut, total = None, 0
    for match in _ENTRY_START.finditer(content):
        total += 1
        if total == limit + 1:
            cut = match.start()
    if cut is None:
        return content, None
    ends = [m.end() for m in _ENTRY_END.finditer(content, cut)]
    tail = content[ends[-1]:] if ends else b""
    return content[:cut] + tail, total
