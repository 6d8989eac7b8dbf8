"""Which encoding a feed document is in, by evidence: BOM, then the XML declaration, then the HTTP
header's charset, then a guess (UTF-8, else the legacy code page its letters fit: watchers.feeds.legacy). A source of evidence counts only when the
body actually decodes with it into something that starts like XML ("<"), so a wrong header or
declaration (a server that says charset=utf-16 for a UTF-8 body) never loses a feed another source reads.

    to_utf8(content, content_type) -> (UTF-8 bytes with a matching XML declaration, encoding found)

Both feed parsers (the lxml fast path and feedparser) then read the same UTF-8 bytes, told so by the
declaration and the header, so they cannot disagree about the encoding either.
"""

from __future__ import annotations

import codecs
import re

from watchers.feeds.legacy import guess_legacy

# Longest first: the UTF-32 LE BOM starts with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# "<?" in UTF-16 without a BOM (XML 1.0 appendix F): the declaration itself says which byte order.
UTF16_NO_BOM = ((b"<\x00?\x00", "utf-16-le"), (b"\x00<\x00?", "utf-16-be"))
# The declaration is at the very start; 200 bytes cover any real one.
DECLARATION_BYTES = 200
_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_DECLARATION_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[A-Za-z0-9._:-]+\2""")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)
GUESSES = ("utf-8",)


def text_codec(name: str | None) -> str | None:
    """The codec's canonical name when `name` is a known text encoding (not rot13, base64, zlib...)."""
    if not name:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _candidates(content: bytes, content_type: str | None) -> list[tuple[str, int]]:
    """(encoding, bytes to skip) in the order of the evidence."""
    found: list[tuple[str, int]] = []
    for bom, codec in BOMS:
        if content.startswith(bom):
            found.append((codec, len(bom)))
            break
    head = content[:DECLARATION_BYTES]
    for prefix, codec in UTF16_NO_BOM:
        if head.startswith(prefix):
            found.append((codec, 0))
    declared = _DECLARATION.match(head)
    for name in (declared.group(1).decode("ascii") if declared else None, header_charset(content_type)):
        named = text_codec(name)
        if named is not None:
            found.append((named, 0))
    found += [(codec, 0) for codec in GUESSES]
    return found


def _looks_like_xml(text: str) -> bool:
    return text.lstrip("\ufeff \t\r\n")[:1] == "<"


def decode(content: bytes, content_type: str | None = None) -> tuple[str, str]:
    """The document as text and the encoding it was read with (see the module docstring). Never raises."""
    tried = set()
    for codec, skip in _candidates(content, content_type):
        if codec in tried:
            continue
        tried.add(codec)
        try:
            text = content[skip:].decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if _looks_like_xml(text) or not text.strip():
            return text.lstrip("\ufeff"), codec
    codec = guess_legacy(content)  # undeclared legacy bytes: Windows-1251, KOI8-R or Windows-1252
    return content.decode(codec, errors="replace"), codec


def to_utf8(content: bytes, content_type: str | None = None) -> tuple[bytes, str]:
    """The document re-encoded as UTF-8, its XML declaration (if any) saying so; and the encoding found.

    A body that is UTF-8 already (the common case) comes back as the same bytes, BOM and all."""
    text, codec = decode(content, content_type)
    if codec == "utf-8":
        declared = _DECLARATION.match(content[:DECLARATION_BYTES])
        if declared is None or text_codec(declared.group(1).decode("ascii")) == "utf-8":
            return content, codec
    text = _DECLARATION_TEXT.sub(r"\1\2utf-8\2", text, count=1)
    return text.encode("utf-8", errors="replace"), codec  # "replace": lone surrogates from UTF-16 input


def utf8_content_type(content_type: str | None) -> str:
    """The response's content type with its charset replaced by utf-8 (the body is re-encoded)."""
    media = (content_type or "application/xml").split(";")[0].strip() or "application/xml"
    return f"{media}; charset=utf-8"
