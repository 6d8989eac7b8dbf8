"""What one feed item says about itself, as read by any of the three readers (the lxml fast path,
feedparser, JSON Feed), before parse.py applies the invariants every Article shares (ids, canonical
URLs, plausible dates, clean text, caps). Keeping the readers to this record is what lets a test check
that the fast path and feedparser agree item by item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple


class Construct(NamedTuple):
    """A text construct as the feed gives it: markup to clean up (`html`) or plain text."""

    value: str
    html: bool


EMPTY = Construct("", html=False)


@dataclass(slots=True)  # not frozen: a frozen dataclass costs twice as much to build, per item
class Entry:
    guid: str | None  # stripped; None when absent or blank
    link: str | None  # as given (xml:base already applied); parse.py resolves it against the feed URL
    title: Construct
    bodies: tuple[Construct, ...]  # full contents (content:encoded, Atom content); the longest wins
    summary: Construct  # read when no body has text
    published: datetime | None  # timezone-aware; published, else updated
    raw_date: str  # the date as written (part of the fallback id of an item with no guid or link)
    author: str | None
    # The language tag in force on the entry's text (xml:lang of its first body, else summary, else
    # title, inherited from the feed, else the Content-Language header), as given; None when none is.
    lang: str | None = None
