"""The gender a person's first name shows, for "he"/"she": the name list the nomquamgender package
keeps (MIT; 720,000 given names from 36 national and international sources, each with the share of
women who bear it), after our own short lists (`lang/en/male_names.txt`, `female_names.txt`: the
library calls "Ally" a woman's name, Scottish copy a man's); one-word names (surnames more often than
not) are looked up in our lists only.

Only the first word of a name already read as a person's is looked up: the list is never a test of
whether a word is a name (it holds "will", "may", "said" and "general"; issue #11 found that moving
speakers). A name counts as one gender when at least MIN_SOURCES sources and MIN_BEARERS bearers
back it and at most SHARE_CUTOFF of its bearers are of the other gender ("Hillary" f, "Donald" m,
"Jan" and "Robin" neither).

The package's module imports pandas; its data file is read directly, once per process on first use
(~0.3 s on an idle core, ~56,000 names kept, the 22 MB text freed) and the names kept are written
to a cache file (rules.cachedir, as sorted digests: NameSet) that later processes read in milliseconds. Without the package, only our lists are used.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import struct
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from rules.cachedir import cache_dir, write_cache_file
from watchers.statements.lang import en as lang

MIN_SOURCES = 3
MIN_BEARERS = 20
SHARE_CUTOFF = 0.1  # of the other gender, at most ("Hillary" 0.08 f; "Ally" 0.11 and "Terry" 0.22 unclear)
# One entry of name_data.json: "name": [sources, bearers, share of women, ...]. Only plain Latin
# lower-case names with enough bearers (the pattern spells MIN_BEARERS: two digits from 20) are
# matched, so the scan stays short.
_ENTRY = re.compile(r'"([a-z][a-z\'-]+)": \[(\d+), (?:[2-9]\d|\d{3,}), ([01](?:\.\d+)?)[,\]]')


def gender(first: str, library: bool = True) -> str:
    """ "m", "f" or "" for a first name (any case); library=False: our own lists only (a one-word
    name, which is a surname more often than not)."""
    low = first.casefold()
    if low in lang.MALE_NAMES:
        return "m"
    if low in lang.FEMALE_NAMES:
        return "f"
    if not library:
        return ""
    male, female = _library()
    return "m" if low in male else "f" if low in female else ""


class NameSet:
    """A set of names held as their sorted 8-byte BLAKE2b digests: ~0.45 MB for the library's ~56,000
    names where frozensets of str took ~8 MB in every process that extracts (each worker). A digest
    collision would read one word as a name: about 1 in 10^14 per lookup."""

    __slots__ = ("_digests",)

    def __init__(self, digests: array[int]) -> None:
        self._digests = digests

    @classmethod
    def of(cls, names: Iterable[str]) -> NameSet:
        return cls(array("Q", sorted({_digest(n) for n in names})))

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        found, digests = _digest(name), self._digests
        i = bisect_left(digests, found)
        return i < len(digests) and digests[i] == found

    def __len__(self) -> int:
        return len(self._digests)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NameSet) and self._digests == other._digests

    __hash__ = None  # type: ignore[assignment]


def _digest(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")


_MAGIC = b"QWFN1"


def _dump(male: NameSet, female: NameSet) -> bytes:
    parts = [male._digests, female._digests]
    if sys.byteorder != "little":
        parts = [array("Q", a) for a in parts]
        for a in parts:
            a.byteswap()
    return _MAGIC + struct.pack("<QQ", len(male), len(female)) + b"".join(a.tobytes() for a in parts)


def _load(data: bytes) -> tuple[NameSet, NameSet] | None:
    """The two sets from a cache file's bytes; None for a cut, empty or foreign file."""
    head = len(_MAGIC) + 16
    if not data.startswith(_MAGIC) or len(data) < head:
        return None
    n_male, n_female = struct.unpack_from("<QQ", data, len(_MAGIC))
    if not n_male or not n_female or len(data) != head + 8 * (n_male + n_female):
        return None
    digests = array("Q")
    digests.frombytes(data[head:])
    if sys.byteorder != "little":
        digests.byteswap()
    return NameSet(digests[:n_male]), NameSet(digests[n_male:])


@cache
def _library() -> tuple[NameSet, NameSet]:
    """The library's male and female names (enough sources and bearers, a clear share), from the
    cache file when an earlier process wrote it for this data file and this module."""
    path = _data_file()
    if path is None:
        return NameSet.of(()), NameSet.of(())
    cached = _cache_path(path)
    try:
        loaded = _load(cached.read_bytes())
    except OSError:
        loaded = None
    if loaded is not None:
        return loaded
    male, female = _read(path)
    write_cache_file(cached, _dump(male, female))
    return male, female


def _cache_path(data: Path) -> Path:
    """The cache file for this data file (path, size, time) and this module's source (its thresholds)."""
    info = data.stat()
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(f"{data}:{info.st_size}:{info.st_mtime_ns}".encode())
    return cache_dir() / f"first-names-{digest.hexdigest()[:16]}.bin"


def _read(path: Path) -> tuple[NameSet, NameSet]:
    male: list[str] = []
    female: list[str] = []
    for m in _ENTRY.finditer(path.read_text(encoding="utf-8")):
        if int(m.group(2)) < MIN_SOURCES:
            continue
        share = float(m.group(3))
        if share <= SHARE_CUTOFF:
            male.append(m.group(1))
        elif share >= 1 - SHARE_CUTOFF:
            female.append(m.group(1))
    return NameSet.of(male), NameSet.of(female)


def _data_file() -> Path | None:
    spec = importlib.util.find_spec("nomquamgender")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
    return path if path.is_file() else None
