"""Where quotewatch keeps files it can always compute again (a speed-up, never a source of truth):
`$QUOTEWATCH_CACHE_DIR`, else `$XDG_CACHE_HOME/quotewatch`, else `~/.cache/quotewatch`."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


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
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content.encode("utf-8") if isinstance(content, str) else content)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return False
    return True
