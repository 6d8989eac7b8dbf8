"""Caps on the work one feed or one entry may cost, and the one helper that applies the text cap.

Each cap is reported (logged with feed= and the entry) where it is hit, by the module that knows the
feed: parse.py for feeds, text.fetch_article_text for pages. Past a cap we keep what fits rather than
fail: a publisher's oversized item still gives its first paragraphs.
"""

from __future__ import annotations

# Entry HTML (content:encoded, Atom content, summary) in characters. The longest real long-reads are
# 100-300 KB with their markup; a bigger entry is a dump or an attack (one 9.5 MB item peaked at 645 MB
# of memory), so only its first megabyte is read.
MAX_ENTRY_CHARS = 1_000_000
# An article's clean text in characters: about 45,000 words, longer than any news story. Extraction
# downstream is linear but not free, and a cap keeps one item's cost bounded.
MAX_ARTICLE_TEXT = 300_000
# Items read from one feed document, in document order (publishers put the newest first). Real feeds
# carry 10-100; archives that list every story ever are read from their newest 1,000.
MAX_ITEMS_PER_FEED = 1_000


def cap_text(text: str, limit: int = MAX_ARTICLE_TEXT) -> tuple[str, bool]:
    """`text` cut to at most `limit` characters, at a paragraph break when there is one in the last
    tenth; the flag says whether anything was cut."""
    if len(text) <= limit:
        return text, False
    head = text[:limit]
    cut = head.rfind("\n\n")
    if cut >= limit * 9 // 10:
        head = head[:cut]
    return head.rstrip(), True
