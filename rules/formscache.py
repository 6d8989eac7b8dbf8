"""A file cache of the inflected forms of Russian terms, so that a start does not load a dictionary.

    forms(term, kind)   rules.inflect.forms, read from the cache file when it holds the term
    save()              write the forms computed since the last save (called after a compile)

rules.inflect asks pymorphy3 for every case of every Cyrillic term: loading its dictionary alone takes
~0.1 s, and 6,000 aliases take seconds. The forms of a term never change for one dictionary and one
version of the inflection code, so they are kept in one JSON file per such pair, under
`$QUOTEWATCH_CACHE_DIR`, else `$XDG_CACHE_HOME/quotewatch`, else `~/.cache/quotewatch`. The file's name
holds a digest of rules/inflect.py's source and of the dictionary's `meta.json`: an edit of either
starts a new file, so a stale form is never read. A cache that cannot be read or written is ignored
(the forms are computed as without it): it is only ever a speed-up.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
from pathlib import Path
from typing import Literal

from rules import inflect
from rules.cachedir import cache_dir, write_cache_file

log = logging.getLogger(__name__)

Kind = Literal["speaker", "topic"]

_loaded: dict[str, list[str]] | None = None  # "kind:term" -> forms, as read from the file
_added: dict[str, list[str]] = {}  # computed since the last save


def forms(term: str, kind: Kind) -> tuple[str, ...]:
    """rules.inflect.forms(term, kind), from the cache file when it holds the term."""
    if not inflect.has_cyrillic(term):
        return (term,)
    key = f"{kind}:{term}"
    cached = _entries().get(key) or _added.get(key)
    if cached is not None:
        return tuple(cached)
    found = inflect.forms(term, kind)
    _added[key] = list(found)
    return found


def save() -> None:
    """Write the forms computed since the last save into the cache file (atomically; errors ignored)."""
    global _loaded
    if not _added:
        return
    path = cache_path()
    merged = {**_entries(), **_added}
    if not write_cache_file(path, json.dumps(merged, ensure_ascii=False, separators=(",", ":"))):
        log.debug("forms cache not written to %s", path)
        return
    _added.clear()
    _loaded = merged  # what the file now holds


def cache_path() -> Path:
    """The cache file for this version of rules/inflect.py and of the dictionary."""
    return cache_dir() / f"ru-forms-{_version()}.json"


def _version() -> str:
    digest = hashlib.sha256(Path(inflect.__file__).read_bytes())
    spec = importlib.util.find_spec("pymorphy3_dicts_ru")  # finds, does not import
    if spec is not None and spec.origin is not None:
        meta = Path(spec.origin).parent / "data" / "meta.json"
        with contextlib.suppress(OSError):  # no dictionary: inflect fails loudly on its own
            digest.update(meta.read_bytes())
    return digest.hexdigest()[:16]


def _entries() -> dict[str, list[str]]:
    global _loaded
    if _loaded is None:
        path = cache_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        except (OSError, ValueError) as e:
            log.debug("forms cache %s not read: %s", path, e)
            data = {}
        ok = isinstance(data, dict) and all(
            isinstance(v, list) and v and all(isinstance(f, str) for f in v) for v in data.values()
        )
        _loaded = data if ok else {}
    return _loaded


def forget() -> None:
    """Drop what this process read or computed (tests: as a new process would start)."""
    global _loaded
    _loaded = None
    _added.clear()
