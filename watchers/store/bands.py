"""How a text fingerprint is stored and found again: signed 64-bit, and cut into indexed bands.

Fingerprints (watchers.stories.fingerprint: 64-bit SimHash) are unsigned 64-bit ints in Python, while
database integers are signed 64-bit (SQLite INTEGER, PostgreSQL BIGINT): `to_signed` / `from_signed`
convert. Lookup stays cheap however long the history is: the 64 bits are cut into BANDS x 16-bit bands,
each stored in an indexed column. Two fingerprints within d bits, d < 2 * BANDS, differ in at most one
bit in at least one band (pigeonhole), so the candidates are the rows whose band equals one of
`probes` (the band itself or the band with one bit flipped: 17 index lookups per band), checked
afterwards with `hamming`.

This is the store's index layout, shared by every backend; the fingerprint itself is dedup's business.
Pure functions, no I/O.
"""

from __future__ import annotations

BITS = 64
BANDS = 4
BAND_BITS = BITS // BANDS

_MASK64 = (1 << BITS) - 1
_BAND_MASK = (1 << BAND_BITS) - 1


def hamming(a: int, b: int) -> int:
    """Number of bits in which two fingerprints differ."""
    return ((a ^ b) & _MASK64).bit_count()


def bands(fingerprint: int) -> tuple[int, ...]:
    """The fingerprint cut into BANDS values of BAND_BITS bits, most significant first."""
    fp = fingerprint & _MASK64
    return tuple((fp >> (BAND_BITS * (BANDS - 1 - i))) & _BAND_MASK for i in range(BANDS))


def probes(band: int) -> tuple[int, ...]:
    """The band value and every value one bit away from it (the band lookups for near duplicates)."""
    return (band, *(band ^ (1 << i) for i in range(BAND_BITS)))


def to_signed(fingerprint: int) -> int:
    """Unsigned 64-bit -> signed 64-bit (for storage)."""
    fp = fingerprint & _MASK64
    return fp - (1 << BITS) if fp >= 1 << (BITS - 1) else fp


def from_signed(value: int) -> int:
    """Signed 64-bit (as stored) -> unsigned 64-bit."""
    return value & _MASK64
