"""The private folder the extraction workers read the rules from (see worker.py).

One folder per service process, named for its pid (`quotewatch-rules-<pid>-<random>` in the system's
temporary directory). The process removes it when it stops; a process killed with SIGKILL (or by the
out-of-memory killer) cannot, so each new one first removes the folders of processes that are gone.
A folder whose pid is alive again (pids are reused) is left alone: at worst it waits for a later start.
"""

from __future__ import annotations

import os
import shutil
import tempfile

PREFIX = "quotewatch-rules-"


def new_rules_dir() -> tempfile.TemporaryDirectory[str]:
    """A fresh private folder for this process's rules files, after sweeping away dead ones."""
    sweep_stale(tempfile.gettempdir())
    return tempfile.TemporaryDirectory(prefix=f"{PREFIX}{os.getpid()}-")


def sweep_stale(parent: str) -> list[str]:
    """Remove the rules folders under `parent` whose process is gone; returns the paths removed."""
    removed: list[str] = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        pid = _owner_pid(entry.name)
        if pid is None or _alive(pid):
            continue
        try:
            if not entry.is_dir(follow_symlinks=False) or entry.stat(follow_symlinks=False).st_uid != os.getuid():
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(entry.path)
    return removed


def _owner_pid(name: str) -> int | None:
    if not name.startswith(PREFIX):
        return None
    pid, sep, _ = name[len(PREFIX):].partition("-")
    return int(pid) if sep and pid.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
