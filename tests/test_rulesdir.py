"""The workers' rules folder: a folder left by a killed process is removed by the next one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from watchers.statements.rulesdir import PREFIX, sweep_stale


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_dead_process_folder_is_removed_and_a_live_one_kept(tmp_path: Path) -> None:
    dead = tmp_path / f"{PREFIX}{_dead_pid()}-abc"
    dead.mkdir()
    (dead / "rules-1.pickle").write_bytes(b"x")
    live = tmp_path / f"{PREFIX}{os.getpid()}-def"
    live.mkdir()
    unrelated = tmp_path / "quotewatch-other"
    unrelated.mkdir()
    old_style = tmp_path / f"{PREFIX}k6gutek3"   # no pid in the name: not ours to judge
    old_style.mkdir()

    removed = sweep_stale(str(tmp_path))

    assert removed == [str(dead)]
    assert not dead.exists()
    assert live.exists() and unrelated.exists() and old_style.exists()


def test_a_file_with_the_prefix_is_left_alone(tmp_path: Path) -> None:
    stray = tmp_path / f"{PREFIX}{_dead_pid()}-file"
    stray.write_text("not a folder")
    assert sweep_stale(str(tmp_path)) == []
    assert stray.exists()


def test_a_missing_parent_is_no_error(tmp_path: Path) -> None:
    assert sweep_stale(str(tmp_path / "gone")) == []
