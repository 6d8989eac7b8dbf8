"""Text folding for matching: one normalised form for article text and for configured terms.

`normalize(text)` returns the folded text and a map from every folded character back to the original, so
a match found in the folded text can be reported at its place in the article as written. Folding:

- NFKC (ligatures such as "ﬁ", full-width forms, superscripts) and case folding ("ß" -> "ss");
- accents dropped ("António" -> "antonio", "Ё" -> "е"), plus letters Unicode does not decompose
  ("ø", "ł", "æ", ...);
- typography: every apostrophe-like mark becomes "'", every double quote '"', every hyphen, dash or minus
  "-", every kind of space or line break " "; invisible characters (soft hyphen, zero-width space) vanish.

`words(term)` splits a configured alias or keyword into the same word tokens the matcher sees in
articles, and `translit_key(word)` gives the coarse transliteration key under which spelling variants of a
name meet (Peskov/Peskow, Zakharova/Sacharowa) before rapidfuzz verifies them.
"""

from __future__ import annotations

import re
import unicodedata

# Letters that NFD does not split into base + accent, folded by hand (after case folding).
_EXTRA_FOLD = {
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "ħ": "h",
    "ı": "i",
    "æ": "ae",
    "œ": "oe",
    "þ": "th",
}
_APOSTROPHES = "'\u2018\u2019\u201a\u201b\u02bc\u02bb\u2032\u0060\u00b4"
_DOUBLE_QUOTES = '"\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033'
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u2043"
# Format characters that only steer rendering; inside a word they must not split it ("Pes\u00adkov").
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_TYPOGRAPHY = {
    **dict.fromkeys(_APOSTROPHES, "'"),
    **dict.fromkeys(_DOUBLE_QUOTES, '"'),
    **dict.fromkeys(_DASHES, "-"),
    **dict.fromkeys(_INVISIBLE, ""),
}

# ASCII whitespace becomes a plain space in `normalize` (line breaks inside a name do not matter).
_SPACES = str.maketrans("\t\n\r\v\f", "     ")
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")

_fold_cache: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    """The folded form of one non-ASCII character (possibly empty or several characters)."""
    cached = _fold_cache.get(ch)
    if cached is not None:
        return cached
    out = []
    for c in unicodedata.normalize("NFD", unicodedata.normalize("NFKC", ch).casefold()):
        if unicodedata.combining(c):
            continue
        if c in _TYPOGRAPHY:
            out.append(_TYPOGRAPHY[c])
        elif c.isspace():
            out.append(" ")
        elif unicodedata.category(c) == "Cf":
            continue
        else:
            out.append(_EXTRA_FOLD.get(c, c.lower()))
    folded = "".join(out)
    _fold_cache[ch] = folded
    return folded


def normalize(text: str) -> tuple[str, list[int]]:
    """Fold `text` for matching; return the folded text and `index_map`.

    `index_map[i]` is the index in `text` of the character that produced folded character `i`;
    `index_map[len(folded)] == len(text)`, so a folded span [s, e) is `text[index_map[s]:index_map[e]]`.
    """
    folded, index_map = fold(text)
    if index_map is None:
        index_map = list(range(len(text) + 1))
    return folded.translate(_SPACES).lower(), index_map


def fold(text: str) -> tuple[str, list[int] | None]:
    """The matcher's fast form of `normalize`: letters keep their case, ASCII whitespace stays.

    A capital stays a capital even when its accent goes ("É" -> "E"), so the folded text still tells
    which words were capitalised in the original.

    The index map is None when folding kept every character in place (one folded character per
    original character), which is the common case: curly quotes, dashes, accented letters, Cyrillic.
    Building a map only for text that needs one keeps per-article cost low.
    """
    if text.isascii():
        return text, None
    try:  # Russian text: one bytes.translate through the Cyrillic code page (see CYRILLIC_CODEC)
        raw = text.encode(CYRILLIC_CODEC)
    except UnicodeEncodeError:
        pass
    else:
        if not raw.translate(None, CYRILLIC_FOLD_FIT):
            return raw.translate(CYRILLIC_FOLD_BYTES).decode(CYRILLIC_CODEC), None
    return _fold_in_place(text)


def _fold_in_place(text: str) -> tuple[str, list[int] | None]:
    """`fold` of non-ASCII text, character by distinct character (any script)."""
    # Typography first: in most news text curly quotes, dashes and no-break spaces are the only
    # non-ASCII characters, and a search for each is cheaper than listing the distinct ones.
    folded = fold_typography(text)
    if folded.isascii():
        return folded, None
    # The distinct non-ASCII characters, found in C: UTF-8 bytes >= 0x80 belong only to them.
    raw = folded.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    # In a set's order, which varies with the hash seed: harmless, since no replacement is itself
    # replaced (the fold of a replacement is the replacement; tests/test_match_determinism.py).
    for ch in set(raw.decode("utf-8", "surrogatepass")):
        replacement = _in_place_fold(ch)
        if replacement is None:
            return _fold_with_map(text)
        if replacement != ch:
            folded = folded.replace(ch, replacement)
    return folded, None


_ASCII_BYTES = bytes(range(128))
_in_place_cache: dict[str, str | None] = {}


def _in_place_fold(ch: str) -> str | None:
    """What `fold` writes in place of a non-ASCII character; None if it does not fold to exactly one.

    A letter that differs from its fold only by case stays: word splitting lower-cases it anyway.
    """
    if ch in _in_place_cache:
        return _in_place_cache[ch]
    folded: str | None = _fold_char(ch)
    if folded is not None and len(folded) != 1:
        folded = None
    elif folded == ch.lower() and ch.isalnum() and len(folded) == 1:
        folded = ch
    elif folded is not None:
        folded = _keep_capital(ch, folded)
    _in_place_cache[ch] = folded
    return folded


def _keep_capital(ch: str, folded: str) -> str:
    """`folded` with its first letter upper-cased again when `ch` was not lower-case ("Á" -> "A").

    The matcher looks for capitalised words in folded text (only those can be transliterated names),
    so folding must not turn "Ángel" into "angel"; `normalize` lower-cases everything afterwards.
    """
    if folded and not ch.islower() and folded[0].islower():
        upper = folded[0].upper()
        if len(upper) == 1:  # one character per character keeps the index map valid
            return upper + folded[1:]
    return folded


# The commonest non-ASCII characters of news text, each with what `fold` writes in its place.
_TYPOGRAPHY_IN_PLACE: tuple[tuple[str, str], ...] = tuple(
    (ch, _in_place_fold(ch) or ch) for ch in "\u201c\u201d\u2019\u2018\u2014\u2013\u00a0"
)


def fold_typography(text: str) -> str:
    """`text` with curly quotes, dashes and no-break spaces as `fold` writes them (one character
    each, so offsets stay): English copy that is ASCII but for those is ASCII afterwards."""
    for ch, typographic in _TYPOGRAPHY_IN_PLACE:
        if ch in text:
            text = text.replace(ch, typographic)
    return text


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    pieces: list[str] = []
    index_map: list[int] = []
    pos = 0
    for run in _NON_ASCII_RUN.finditer(text):
        start, end = run.span()
        if start > pos:
            pieces.append(text[pos:start])
            index_map.extend(range(pos, start))
        for i in range(start, end):
            folded = _keep_capital(text[i], _fold_char(text[i]))
            if folded:
                pieces.append(folded)
                index_map.extend([i] * len(folded))
        pos = end
    if pos < len(text):
        pieces.append(text[pos:])
        index_map.extend(range(pos, len(text)))
    index_map.append(len(text))
    return "".join(pieces), index_map


class _WordTable(dict[int, str]):
    """str.translate table: word characters in lower case, every other character a space.

    Filled lazily per code point, so any script works and each character is classified once. Lower-
    casing here (not in `fold`) saves the matcher a pass over the text.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch.isalnum() or ch == "_":
            lower = ch.lower()
            out = lower if len(lower) == 1 else ch  # one character per character keeps offsets
        else:
            out = " "
        self[code] = out
        return out


# Shared by every matcher: the classification of a character never changes.
WORD_TABLE = _WordTable()


class _SoftTable(dict[int, str]):
    """str.translate table: word characters as in WORD_TABLE, every soft separator (whitespace, an
    apostrophe, a hyphen) a space, any other character itself.

    WORD_TABLE makes "Mr. Peskov" and "Kremlin, spokesman" look alike ("mr  peskov"); this view keeps
    the full stop and the comma that decide whether two words may belong to one name.
    """

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch.isspace() or ch in "'-":
            out = " "
        elif ch.isalnum() or ch == "_":
            out = WORD_TABLE[code]
        else:
            out = ch
        self[code] = out
        return out


SOFT_TABLE = _SoftTable()


def _ascii_bytes_table(table: dict[int, str]) -> bytes:
    """A str.translate table over ASCII as a bytes.translate table (bytes >= 128 kept)."""
    return "".join(table[c] for c in range(128)).encode("ascii") + bytes(range(128, 256))


# Most folded news text is pure ASCII (curly quotes and dashes fold to ASCII), and bytes.translate is
# several times faster than str.translate: the matcher takes that road when it can.
ASCII_WORD_BYTES = _ascii_bytes_table(WORD_TABLE)
ASCII_SOFT_BYTES = _ascii_bytes_table(SOFT_TABLE)

# Russian text: str.translate with a dict is slow on non-ASCII text (a dict look-up per character, ~25 ns;
# most of a Cyrillic article's scan time). Folded Russian text fits the single-byte Cyrillic code page,
# where the same two tables are bytes.translate tables: encode, translate, decode, all in C.
CYRILLIC_CODEC = "cp1251"


def _cyrillic_fold_table() -> tuple[bytes, bytes]:
    """`fold` over the Cyrillic code page as a bytes.translate table, and the bytes it applies to (those
    whose fold is one character of the code page; text with any other byte takes `_fold_in_place`)."""
    table = bytearray(range(256))
    fit = bytearray(range(128))
    for b in range(128, 256):
        try:
            folded = _in_place_fold(bytes([b]).decode(CYRILLIC_CODEC))
            encoded = folded.encode(CYRILLIC_CODEC) if folded is not None else b""
        except UnicodeError:
            continue
        if len(encoded) == 1:
            table[b] = encoded[0]
            fit.append(b)
    return bytes(table), bytes(fit)


CYRILLIC_FOLD_BYTES, CYRILLIC_FOLD_FIT = _cyrillic_fold_table()


def _single_byte_table(table: dict[int, str], codec: str) -> tuple[bytes, bytes]:
    """(table, bytes whose mapping leaves the code page or changes length): a text holding one of the
    latter takes the str.translate road."""
    out = bytearray(range(256))
    unfit = bytearray()
    for b in range(256):
        try:
            ch = bytes([b]).decode(codec)
            mapped = table[ord(ch)].encode(codec)
        except UnicodeError:
            unfit.append(b)
            continue
        if len(mapped) == 1:
            out[b] = mapped[0]
        else:
            unfit.append(b)
    return bytes(out), bytes(unfit)


CYRILLIC_WORD_BYTES, _WORD_UNFIT = _single_byte_table(WORD_TABLE, CYRILLIC_CODEC)
CYRILLIC_SOFT_BYTES, _SOFT_UNFIT = _single_byte_table(SOFT_TABLE, CYRILLIC_CODEC)
# The bytes that take the table road: every byte but those that cannot.
CYRILLIC_UNFIT = frozenset(_WORD_UNFIT + _SOFT_UNFIT)
CYRILLIC_FIT_BYTES = bytes(b for b in range(256) if b not in CYRILLIC_UNFIT)
# Word characters as they are (case kept), every other character a space.
ASCII_CASED_WORD_BYTES = bytes(c if chr(c).isalnum() or chr(c) == "_" else 32 for c in range(128))
ASCII_CASED_WORD_BYTES += bytes(range(128, 256))


def word_parts(folded: str) -> list[str]:
    """Split folded text (from `fold` or `normalize`) at every non-word character, lower-cased.

    Parts are words or empty strings, one split per separator character, so part k starts at character
    `sum(len(p) for p in parts[:k]) + k` of `folded`: offsets follow from lengths, without a regex
    match object per word.
    """
    return folded.translate(WORD_TABLE).split(" ")


def words(text: str) -> tuple[str, ...]:
    """The word tokens of a configured term or a name, folded as article text is."""
    if text.isascii():
        # What normalize + WORD_TABLE give ASCII text, in one bytes.translate (compiling the matcher
        # splits every term of every speaker: tens of thousands at a time).
        return tuple(text.encode("ascii").translate(ASCII_WORD_BYTES).decode("ascii").split())
    return tuple(normalize(text)[0].translate(WORD_TABLE).split())


# Transliteration folds, applied in order to a folded word. Several romanisations of one Cyrillic
# name (English, German, French, Polish conventions) meet under one key; rapidfuzz then verifies.
_TRANSLIT_STEPS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), repl)
    for pattern, repl in (
        (r"(.)\1+", r"\1"),  # doubled letters: Guterres/Guteres, Zelenskyy
        (r"tsch|tch|sch", "sh"),  # German/English ш, ч
        (r"kh|ch", "h"),  # х as kh (English), ch (German), h (Czech)
        (r"ck|q|c", "k"),
        (r"ks|x", "x"),
        (r"ph", "f"),
        (r"(?<=o)f$", "v"),  # Smirnoff / Smirnov (doubles are already single)
        (r"w", "v"),  # German w for в
        (r"z", "s"),  # German/Polish s for з, English z for с
        (r"ou", "u"),  # French ou for у
        (r"[jy]", "i"),  # й, ы, and the -iy/-ij/-y endings (the doubles step joins "ii")
        (r"(.)\1+", r"\1"),  # doubles the folds above created
    )
)


_DOUBLES = _TRANSLIT_STEPS[0][0]
_SH, _H, _K = (_TRANSLIT_STEPS[i][0] for i in (1, 2, 3))


def translit_key(word: str) -> str:
    """A coarse key shared by transliteration variants of one folded word ("peskow" -> "peskov").

    The steps of _TRANSLIT_STEPS in their order, each as cheaply as it can be had: a fixed string by
    str.replace, a pattern only when the letters it needs are there (the matcher keys every surname
    of every speaker at each compile). tests/test_match.py checks it against the table.
    """
    key = _DOUBLES.sub(_first_group, word)
    if "ch" in key:
        key = _SH.sub("sh", key)
    if "h" in key:
        key = _H.sub("h", key)
    if "c" in key or "q" in key:
        key = _K.sub("k", key)
    # "ks|x" -> "x": only "ks" changes; "(?<=o)f$" -> "v"; then the one-letter and fixed folds.
    key = key.replace("ks", "x").replace("ph", "f")
    if key.endswith("of"):
        key = key[:-1] + "v"
    key = key.replace("w", "v").replace("z", "s").replace("ou", "u").replace("j", "i").replace("y", "i")
    return _DOUBLES.sub(_first_group, key)


def _first_group(match: re.Match[str]) -> str:
    """The doubles step's replacement: a function runs only per match, a template on every call."""
    return match.group(1)


def translit_key_by_table(word: str) -> str:
    """translit_key as the plain walk through _TRANSLIT_STEPS (the reference the tests hold it to)."""
    key = word
    for pattern, repl in _TRANSLIT_STEPS:
        key = pattern.sub(repl, key)
    return key
