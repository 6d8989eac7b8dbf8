"""Noise lines of scraped pages: menus, share blurbs, captions, bylines, cookie notices, timestamps.

A noise paragraph never yields a statement, and names in it never become speakers. The patterns are
the language's (`grammar`: a package under `lang`, English unless told), under the same names in each.
"""

from __future__ import annotations

import re
from types import ModuleType

from watchers.statements.lang import en as lang

# A boilerplate line is short: a real paragraph that happens to start with "Read more" is prose.
MAX_BOILERPLATE_CHARS = 300
# Headlines are short single lines; anything longer is a lead paragraph that lost its punctuation.
MAX_HEADLINE_CHARS = 200
MAX_HEADLINE_WORDS = 20
# A caption is a line or two under a picture (the longest in our fixtures and the annotated corpus is
# ~160 characters). A longer paragraph with a photo credit in it is prose - often a whole article
# scraped as one paragraph, credits and all - and dropping it lost every statement in it.
MAX_CAPTION_CHARS = 300
_FINAL_PUNCT = ".!?:;\"”»’'…)\u201c\u2018\u00ab\u203a"


def is_noise(line: str, grammar: ModuleType = lang) -> bool:
    """True when the paragraph is page furniture rather than article prose."""
    s = line.strip()
    if not s:
        return True
    low = s.casefold()
    if len(s) <= MAX_BOILERPLATE_CHARS and low.startswith(grammar.BOILERPLATE_STARTS):
        return True
    if grammar.RUN_TOGETHER_RE.match(s) or grammar.TIMESTAMP_RE.match(s) or grammar.COMMENT_COUNT_RE.match(s):
        return True
    if len(s) <= MAX_BOILERPLATE_CHARS and (grammar.BYLINE_RE.match(s) or grammar.COOKIE_RE.search(s)):
        return True
    if (
        len(s) <= MAX_CAPTION_CHARS
        and _may_be_caption(low)
        and grammar.CAPTION_CREDIT_RE.search(s)
        and not _is_dateline(s)
    ):
        return True
    # A lone short line of words with no sentence punctuation and no verb-like lowercase run is a
    # menu or tag list ("World | Europe | Politics", "Share  Tweet  Email").
    return bool("|" in s and len(s) <= MAX_BOILERPLATE_CHARS and s.count("|") >= 2)


_CAPTION_HINTS = (
    "/",
    "photo",
    "image",
    "picture",
    "credit",
    "getty",
    "shutterstock",
    "epa",
    "foto",
    "video",
    "фото",
    "кадр",
)


def _may_be_caption(low: str) -> bool:
    """Cheap test before the caption regex (most paragraphs have none of these)."""
    return any(h in low for h in _CAPTION_HINTS)


def _is_dateline(s: str) -> bool:
    """Wire leads carry the agency in the dateline: 'OSLO, May 2 (Reuters) - ...' is prose."""
    head = s[:80]
    return "(" in head and (" - " in s[:120] or " — " in s[:120] or " – " in s[:120]) and len(s) > 120


_SIGNED_QUOTE = re.compile(r"[\"“‘'][^\"“”]{2,}[\"”’']\s*[—–―-]{1,2}\s*[A-Z]")


def is_headline(line: str, first: bool) -> bool:
    """A short line without final punctuation is a headline (the first line), a subhead or a link
    to another story - never a statement. Only the first line may end in a closing quote mark."""
    s = line.strip()
    if not s or len(s) > MAX_HEADLINE_CHARS or "\n" in s:
        return False
    # A closing quote mark may end a headline ('We will win,' minister says / Doe: 'We will win');
    # a sentence ending in . ! ? is a one-line lead instead.
    if _SIGNED_QUOTE.match(s):
        return False  # '"We need schools." ― Jorge Falcon': a signed quote, not a subhead
    if s[-1] not in _FINAL_PUNCT:
        return True
    return first and s.count(" ") < MAX_HEADLINE_WORDS and not s.endswith((".", "!", "?"))
