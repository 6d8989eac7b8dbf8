"""rules.reload: edits are picked up, broken edits are reported and kept out, fixing them swaps in."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
from pathlib import Path

import pytest

from rules.load import RulesError
from rules.model import Rules
from rules.reload import Reloader

DATA = Path(__file__).parent / "data" / "rules"
# A fixed, long-past mtime sequence: each write gets the next one, so a change never depends on the
# clock or on the filesystem's timestamp resolution.
BASE_MTIME_NS = 1_600_000_000 * 10**9


class Writer:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.writes = 0

    def write(self, text: str) -> None:
        self.path.write_text(text, encoding="utf-8")
        self.writes += 1
        mtime = BASE_MTIME_NS + self.writes * 10**9
        os.utime(self.path, ns=(mtime, mtime))


@pytest.fixture
def writer(tmp_path: Path) -> Writer:
    path = tmp_path / "config.toml"
    shutil.copy(DATA / "commented.toml", path)
    w = Writer(path)
    w.write(path.read_text())
    return w


def test_initial_rules_and_nothing_changed(writer: Writer) -> None:
    seen: list[Rules] = []
    reloader = Reloader(writer.path, seen.append)
    assert reloader.rules.speaker("valdas") is not None
    assert reloader.rules.source == str(writer.path)
    assert reloader.check() is False
    assert reloader.check() is False
    assert seen == [] and reloader.last_problems == []


def test_a_bad_file_at_start_raises(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    shutil.copy(DATA / "ten_mistakes.toml", path)
    with pytest.raises(RulesError) as info:
        Reloader(path)
    assert len(info.value.problems) >= 10


def test_saving_the_same_bytes_again_reloads_nothing(writer: Writer) -> None:
    seen: list[Rules] = []
    reloader = Reloader(writer.path, seen.append)
    writer.write(writer.path.read_text())  # new mtime, same content
    assert reloader.check() is False
    assert seen == []


def test_a_change_is_picked_up(writer: Writer) -> None:
    seen: list[Rules] = []
    reloader = Reloader(writer.path, seen.append)
    writer.write(writer.path.read_text().replace('"Tomas Brekke"', '"Tomas A. Brekke"'))
    assert reloader.check() is True
    assert reloader.rules.speaker("brekke").name == "Tomas A. Brekke"  # type: ignore[union-attr]
    assert seen == [reloader.rules]
    assert reloader.check() is False


def test_a_broken_edit_keeps_the_last_good_rules_and_fixing_it_swaps_in(
    writer: Writer, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[Rules] = []
    reloader = Reloader(writer.path, seen.append)
    good = reloader.rules
    text = writer.path.read_text()

    broken = text.replace('scope = "speaker"', 'scope = "speakers"').replace('id = "oduya"', 'id = "Oduya"')
    writer.write(broken)
    with caplog.at_level(logging.INFO, logger="rules.reload"):
        assert reloader.check() is False
    assert reloader.rules is good and seen == []
    messages = [p.message for p in reloader.last_problems]
    assert any("watches[0].scope: unknown scope 'speakers'" in m for m in messages)
    assert any("speakers[2].id: 'Oduya' is not a valid id" in m for m in messages)
    scope_line = broken.splitlines().index('scope = "speakers"          # statements or headline') + 1
    assert any(p.line == scope_line for p in reloader.last_problems)
    logged = caplog.text
    for problem in reloader.last_problems:
        assert str(problem) in logged  # each problem is logged with file, line and column
    assert "keeping the last good rules" in logged

    # Polling again does not log the same problems again.
    caplog.clear()
    assert reloader.check() is False
    assert caplog.text == ""

    writer.write(text.replace('"Tomas Brekke"', '"Tomas A. Brekke"'))
    assert reloader.check() is True
    assert reloader.last_problems == []
    assert reloader.rules.speaker("brekke").name == "Tomas A. Brekke"  # type: ignore[union-attr]
    assert seen == [reloader.rules]


def test_reverting_a_broken_edit_to_the_old_text_swaps_in_again(writer: Writer) -> None:
    reloader = Reloader(writer.path)
    text = writer.path.read_text()
    writer.write("[[speakers]]\nid = \n")
    assert reloader.check() is False and reloader.last_problems
    writer.write(text)
    assert reloader.check() is True
    assert reloader.last_problems == []


def test_a_moment_without_the_file_keeps_the_rules(writer: Writer) -> None:
    reloader = Reloader(writer.path)
    good = reloader.rules
    text = writer.path.read_text()
    writer.path.unlink()
    assert reloader.check() is False
    assert reloader.rules is good
    assert "cannot read the rules file" in reloader.last_problems[0].message
    writer.write(text)  # back, unchanged
    assert reloader.check() is False
    assert reloader.last_problems == []


def test_a_failing_listener_does_not_stop_reloading(writer: Writer, caplog: pytest.LogCaptureFixture) -> None:
    def explode(rules: Rules) -> None:
        raise RuntimeError("listener bug")

    reloader = Reloader(writer.path, explode)
    writer.write(writer.path.read_text().replace('"Tomas Brekke"', '"T. Brekke"'))
    with caplog.at_level(logging.ERROR, logger="rules.reload"):
        assert reloader.check() is True
    assert reloader.rules.speaker("brekke").name == "T. Brekke"  # type: ignore[union-attr]
    assert "listener bug" in caplog.text


async def test_run_polls_from_an_asyncio_task(writer: Writer) -> None:
    changed = asyncio.Event()
    reloader = Reloader(writer.path, lambda rules: changed.set())
    task = asyncio.create_task(reloader.run(interval=0.01))
    try:
        writer.write(writer.path.read_text().replace('"Amara Oduya"', '"Amara N. Oduya"'))
        await asyncio.wait_for(changed.wait(), timeout=10)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert reloader.rules.speaker("oduya").name == "Amara N. Oduya"  # type: ignore[union-attr]
