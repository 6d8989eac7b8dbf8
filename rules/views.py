"""What the matcher reads of one article: its folded text and three views of it, made as cheaply as can be.

    scan_views(text) -> (folded, index_map, padded, softed, hard, cased)

- folded, index_map: `rules.normalize.fold(text)`; on the code-page road below, the text in bytes of
  the code page instead, folded and decoded only if a rare step needs it (`folded_text`);
- padded: `f" {folded.translate(WORD_TABLE)} "` (lower-case words, a space for every other character),
  for the automaton;
- softed: `folded.translate(SOFT_TABLE)` (words as in padded, every soft separator a space: whitespace,
  an apostrophe, a hyphen; any other character itself): a multi-word match whose span in `softed` is
  its pattern had only soft gaps ("Mr. Peskov" and "Kremlin, spokesman" look alike in `padded`; `softed`
  keeps the full stop and the comma). None for text with Cyrillic words on the code-page road, which
  has `hard` instead (a third decode of the code page costs more than what it answers);
- hard: then a space for every word character and every soft separator (SOFT_TABLE and WORD_TABLE agree
  on it), another character for every other one (ASCII punctuation as it is, "#" for the rest): the
  span of a match with only soft gaps is all spaces. Empty when `softed` is given;
- cased: `b" "` and the folded text with its words as they are (case kept) and a space for every other
  character, as bytes of the Cyrillic code page, for `capitalised_words` (rules.fuzzy);
  None when the folded text does not fit the code page (the fuzzy pass then reads `folded` itself).

All as long as `folded` (padding aside). str.translate with a dict costs a look-up per character, most
of an article's scan; bytes.translate is a table index in C. ASCII text takes bytes at once, and so does
English that is ASCII but for curly quotes, dashes and no-break spaces once those are folded
(`fold_typography`: a few searches and replaces, a fraction of an encode to the code page); Russian
text (and Latin with accents that fit it) is encoded once to the single-byte Cyrillic code page
(rules.normalize.CYRILLIC_CODEC), where fold and each view are one composed table: one encode, three
translates (the padded view's also marks every byte that does not fit, found by one search), one decode of the code page (padded; of ASCII, a copy, when the
view is ASCII) and one of ASCII (hard). Any other text takes the general road: `fold`, then the tables.
"""

from __future__ import annotations

import functools
import re

from rules.normalize import (
    ASCII_CASED_WORD_BYTES,
    ASCII_SOFT_BYTES,
    CYRILLIC_CODEC,
    CYRILLIC_FIT_BYTES,
    CYRILLIC_FOLD_BYTES,
    CYRILLIC_FOLD_FIT,
    CYRILLIC_SOFT_BYTES,
    CYRILLIC_WORD_BYTES,
    SOFT_TABLE,
    WORD_TABLE,
    fold,
    fold_typography,
)

# The commonest letter of Russian text (see scan_views).
_CYRILLIC_O = "\u043e"
# Words shorter than this are never fuzzy candidates: short words collide with names too easily.
FUZZY_MIN_WORD = 5

Views = tuple["str | bytes", "list[int] | None", str, "str | None", str, "bytes | None"]


class _HardTable(dict[int, str]):
    """str.translate table of the hard view: a space where SOFT_TABLE and WORD_TABLE agree (word
    characters, soft separators), else what SOFT_TABLE writes. Filled lazily, as they are."""

    def __missing__(self, code: int) -> str:
        soft = SOFT_TABLE[code]
        out = " " if soft == WORD_TABLE[code] else soft
        self[code] = out
        return out


HARD_TABLE = _HardTable()


# Each byte of the code page as its character (None: the one byte the code page leaves undefined).
_CHARS: tuple[str | None, ...] = tuple(
    None if c == "\ufffd" else c for c in bytes(range(256)).decode(CYRILLIC_CODEC, "replace")
)
_char = _CHARS.__getitem__


def _is_word(ch: str | None) -> bool:
    return ch is not None and (ch.isalnum() or ch == "_")


# Word characters of the code page kept as they are, every other byte a space: the cased view.
_CASED = bytes(b if _is_word(_char(b)) else 32 for b in range(256))
assert _CASED[:128] == ASCII_CASED_WORD_BYTES[:128]
# The bytes whose fold and every view of it stay one byte of the code page, and whose fold keeps its
# case (the fuzzy pass asks the original text whether a word's first letter is lower-case).
_FIT = bytes(
    b
    for b in CYRILLIC_FOLD_FIT
    if CYRILLIC_FOLD_BYTES[b] in CYRILLIC_FIT_BYTES
    and (c := _char(b)) is not None
    and (f := _char(CYRILLIC_FOLD_BYTES[b])) is not None
    and c.islower() == f.islower()
)


def _compose(then: bytes) -> bytes:
    """fold, then `then`: one bytes.translate table."""
    return bytes(then[CYRILLIC_FOLD_BYTES[b]] for b in range(256))


# The padded view, and a byte no view has (undefined in the code page) for every byte outside _FIT: one
# translate makes the view and tells whether the text may take the code-page road (see scan_views).
_UNFIT = 0x98
_PADDED = bytes(b if i in _FIT else _UNFIT for i, b in enumerate(_compose(CYRILLIC_WORD_BYTES)))
assert _CHARS[_UNFIT] is None and _PADDED.count(_UNFIT) == 256 - len(_FIT)
_SOFTED = _compose(CYRILLIC_SOFT_BYTES)
_CASED_FOLDED = _compose(_CASED)


def _hard_byte(b: int) -> int:
    """The hard view of code-page byte `b` after folding: a space, ASCII punctuation as it is, "#" for
    any other hard character (only spaces and not-spaces matter to scan; ASCII decodes by a copy)."""
    folded = CYRILLIC_FOLD_BYTES[b]
    ch = _char(folded)
    if ch is None or HARD_TABLE[ord(ch)] == " ":
        return 32
    return folded if folded < 128 else ord("#")


_HARD = bytes(_hard_byte(b) for b in range(256))


def _class(test: object) -> bytes:
    """A regex class of the code page's bytes whose character passes `test`."""
    chars = [b for b, c in enumerate(_CHARS) if c is not None and test(c)]  # type: ignore[operator]
    return b"[" + b"".join(re.escape(bytes([b])) for b in chars) + b"]"


# In the cased view, a word of FUZZY_MIN_WORD+ characters starting with a letter that is not lower-case
# (only such words can be transliterated names): a literal space first lets the regex engine skip ahead.
# What `_capitalised_word` (rules.fuzzy) finds at a word's start in str. ASCII text (most English copy)
# takes the small one, compiled at import; the code page's on the first text that needs it.
_ASCII_CAPITALISED = re.compile(rb" [A-Z]\w{%d,}" % (FUZZY_MIN_WORD - 1))


@functools.cache
def _page_capitalised() -> re.Pattern[bytes]:
    first = _class(lambda c: c.isalnum() and not c.isdecimal() and not c.islower())  # [^\W\d_], not lower
    return re.compile(b" " + first + _class(_is_word) + b"{%d,}" % (FUZZY_MIN_WORD - 1))


def capitalised_words(cased: bytes) -> list[bytes]:
    """The capitalised words of a cased view, each with the space before it."""
    return (_ASCII_CAPITALISED if cased.isascii() else _page_capitalised()).findall(cased)


def scan_views(text: str) -> Views:
    """(folded, index_map, padded, softed, hard, cased) of `text` (see the module docstring)."""
    if text.isascii():
        return (text, None, *_views(text))
    if _CYRILLIC_O not in text:
        # Most English copy is ASCII but for curly quotes, dashes and no-break spaces: folded, those
        # leave ASCII text, whose views cost a third of the code page's (the encode to it alone walks
        # a table per character). A search for the commonest Cyrillic letter keeps Russian text,
        # which has it within its first few words, from paying for the try.
        folded = fold_typography(text)
        if folded.isascii():
            return (folded, None, *_views(folded))
    try:
        page = text.encode(CYRILLIC_CODEC)
    except UnicodeEncodeError:
        page = b"\x98"  # a byte no text in the code page has: the general road below
    padded_page = (b" " + page + b" ").translate(_PADDED)
    if _UNFIT not in padded_page:  # every byte in _FIT
        cased = b" " + page.translate(_CASED_FOLDED)
        if padded_page.isascii():  # English with curly quotes and dashes: ASCII decodes by a copy
            softed_page = page.translate(_SOFTED)
            softed = softed_page.decode("ascii" if softed_page.isascii() else CYRILLIC_CODEC)
            return page, None, padded_page.decode("ascii"), softed, "", cased
        return page, None, padded_page.decode(CYRILLIC_CODEC), None, page.translate(_HARD).decode("ascii"), cased
    folded, index_map = fold(text)
    return (folded, index_map, *_views(folded))


def folded_text(folded: str | bytes) -> str:
    """The folded text of `scan_views`: folded and decoded here if it is still the text in the code page."""
    return folded if isinstance(folded, str) else folded.translate(CYRILLIC_FOLD_BYTES).decode(CYRILLIC_CODEC)


def _views(folded: str) -> tuple[str, str, str, bytes | None]:
    """padded, softed, hard ("") and cased of `folded` (ASCII, and any text the code page's composed
    tables do not fit)."""
    if folded.isascii():
        raw = folded.encode("ascii")
        cased = raw.translate(ASCII_CASED_WORD_BYTES)
        padded = f" {cased.lower().decode('ascii')} "
        return padded, raw.translate(ASCII_SOFT_BYTES).decode("ascii"), "", b" " + cased
    try:  # Russian text, through the code page
        page = folded.encode(CYRILLIC_CODEC)
    except UnicodeEncodeError:
        page = b"\x98"  # a byte no Cyrillic text has: the general road below
    if not page.translate(None, CYRILLIC_FIT_BYTES):
        padded = f" {page.translate(CYRILLIC_WORD_BYTES).decode(CYRILLIC_CODEC)} "
        return padded, page.translate(CYRILLIC_SOFT_BYTES).decode(CYRILLIC_CODEC), "", None
    return f" {folded.translate(WORD_TABLE)} ", folded.translate(SOFT_TABLE), "", None
