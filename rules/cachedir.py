"""Where quotewatch keeps files it can always compute again (a speed-up, never a source of truth):
`$QUOTEWATCH_CACHE_DIR`, else `$XDG_CACHE_HOME/quotewatch`, else `~/.cache/quotewatch`."""

from __future__ import annotations

import os
from pathlib import Path

from rules.atomicfile import replace_file


def cache_dir() -> Path:
    base = os.environ.get("QUOTEWATCH_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        base = str(Path(xdg) / "quotewatch")
    return Path(base)


def write_cache_file(path: Path, content: str | bytes) -> bool:
    """Write `content` (str as UTF-8) to `path` atomically; False (and nothing written) when the
    folder refuses."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_file(path, content.encode("utf-8") if isinstance(content, str) else content)
    except OSError:
        return False
    return True
