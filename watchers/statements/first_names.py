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
(~0.3 s on an idle core, ~70,000 names kept, the 22 MB text freed). Without the package, only our lists are used.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from pathlib import Path

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


@cache
def _library() -> tuple[frozenset[str], frozenset[str]]:
    """The library's male and female names (enough sources and bearers, a clear share)."""
    path = _data_file()
    if path is None:
        return frozenset(), frozenset()
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
    return frozenset(male), frozenset(female)


def _data_file() -> Path | None:
    spec = importlib.util.find_spec("nomquamgender")  # finds the package without importing it
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "name_data.json"
    return path if path.is_file() else None
