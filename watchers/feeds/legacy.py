"""The legacy single-byte encoding of bytes that are not UTF-8 and declare nothing (or lie).

    guess_legacy(content) -> "cp1251" | "koi8_r" | "cp1252"

News sites that predate UTF-8 write Windows-1251 or KOI8-R (Russian) or Windows-1252 (Western): all
three decode any byte, so only the letters they give can tell them apart. charset_normalizer (already
installed with trafilatura) judges that, limited to these three so that a short text cannot be taken
for a code page no news site uses. Windows-1252 when it cannot tell.
"""

from __future__ import annotations

from watchers.feeds.lang import CYRILLIC_SHARE, letter_counts

LEGACY = ("cp1252", "cp1251", "koi8_r")
DEFAULT = "cp1252"
# Enough of a page to tell its script; the rest costs time and tells nothing more.
SAMPLE_BYTES = 64 * 1024


def guess_legacy(content: bytes) -> str:
    """The likeliest of LEGACY for `content` (see the module docstring). Never raises."""
    from charset_normalizer import from_bytes  # lazily: only pages that are not UTF-8 need it

    sample = content[:SAMPLE_BYTES]
    try:
        best = from_bytes(sample, cp_isolation=list(LEGACY)).best()
    except Exception:  # noqa: BLE001 -- a guess must never cost the page
        return DEFAULT
    if best is None or best.encoding not in LEGACY or best.encoding == DEFAULT:
        return DEFAULT
    # A Cyrillic code page only for text that then reads mostly in Cyrillic: "caf\xe9" is a Western
    # "café" with one accent, not "cafй" (charset_normalizer has too little to go on in a short text).
    cyrillic, letters = letter_counts(sample.decode(best.encoding, errors="replace"))
    return best.encoding if cyrillic > CYRILLIC_SHARE * letters else DEFAULT
