"""bot.live_rules: a changed rules file is read and compiled off the event loop, and the new rules and
matcher are swapped in together; until then the old pair serves."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import threading
from pathlib import Path

import pytest

import bot.live_rules as live_module
from bot.live_rules import LiveRules
from rules.match import Matcher
from rules.model import Rules
from rules.reload import Reloader

DATA = Path(__file__).parent / "data" / "rules"
BASE_MTIME_NS = 1_600_000_000 * 10**9


def write(path: Path, text: str, n: int) -> None:
    """Write the rules file with the n-th of a fixed sequence of mtimes (no clock involved)."""
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(BASE_MTIME_NS + n * 10**9,) * 2)


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    shutil.copy(DATA / "commented.toml", path)
    write(path, path.read_text(), 1)
    return path


def brekke_hits(matcher: Matcher, text: str) -> list[str]:
    return [h.text for h in matcher.speakers(text) if h.id == "brekke"]


async def test_a_change_is_compiled_off_the_loop_and_swapped_in_whole(
    config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = await LiveRules.start(Reloader(config))
    old_rules, old_matcher = live.rules, live.matcher
    assert brekke_hits(old_matcher, "Brekke said so.") == ["Brekke"]
    swaps: list[tuple[Rules, Matcher]] = []
    live.on_change = lambda rules, matcher: swaps.append((rules, matcher))

    # The compile is held in its worker thread until released: meanwhile the loop runs and the old
    # version serves, whole.
    started, release = threading.Event(), threading.Event()
    threads: list[threading.Thread] = []
    real_build = live_module.build

    def held_build(rules: Rules) -> Matcher:
        threads.append(threading.current_thread())
        started.set()
        assert release.wait(10)
        return real_build(rules)

    monkeypatch.setattr(live_module, "build", held_build)
    write(config, config.read_text().replace('"Brekke", "Trade Minister"', '"Brekkeson", "Trade Minister"'), 2)
    check = asyncio.create_task(live.check())
    while not started.is_set():
        await asyncio.sleep(0.01)  # the loop is free while the worker compiles
    for _ in range(3):
        await asyncio.sleep(0.01)
        assert live.rules is old_rules and live.matcher is old_matcher and swaps == []
    release.set()
    assert await check is True

    assert threads and threads[0] is not threading.main_thread()
    assert live.rules is not old_rules and live.matcher is not old_matcher
    assert swaps == [(live.rules, live.matcher)]
    speaker = live.rules.speaker("brekke")
    assert speaker is not None and "Brekkeson" in speaker.aliases
    assert brekke_hits(live.matcher, "Brekkeson said so.") == ["Brekkeson"]
    assert brekke_hits(old_matcher, "Brekkeson said so.") == []  # the old one is untouched


async def test_nothing_changed_or_a_broken_file_keeps_the_version_in_force(config: Path) -> None:
    live = await LiveRules.start(Reloader(config))
    rules, matcher = live.rules, live.matcher
    assert await live.check() is False
    write(config, config.read_text().replace('id = "brekke"', 'id = "Brekke"'), 2)
    assert await live.check() is False
    assert live.rules is rules and live.matcher is matcher
    assert any("not a valid id" in p.message for p in live.reloader.last_problems)


async def test_a_failing_compile_keeps_the_version_in_force(
    config: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    live = await LiveRules.start(Reloader(config))
    rules, matcher = live.rules, live.matcher

    def broken(rules: Rules) -> Matcher:
        raise RuntimeError("compiler bug")

    monkeypatch.setattr(live_module, "build", broken)
    write(config, config.read_text().replace('"Tomas Brekke"', '"Tomas A. Brekke"'), 2)
    with caplog.at_level(logging.ERROR, logger="quotewatch.rules"):
        assert await live.check() is False
    assert live.rules is rules and live.matcher is matcher
    assert "compiler bug" in caplog.text and "previous rules stay in force" in caplog.text


async def test_checks_at_once_compile_once(config: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    live = await LiveRules.start(Reloader(config))
    builds: list[Rules] = []
    real_build = live_module.build

    def counted(rules: Rules) -> Matcher:
        builds.append(rules)
        return real_build(rules)

    monkeypatch.setattr(live_module, "build", counted)
    write(config, config.read_text().replace('"Tomas Brekke"', '"Tomas B. Brekke"'), 2)
    results = await asyncio.gather(live.check(), live.check(), live.check())
    assert sorted(results) == [False, False, True]
    assert builds == [live.rules]


def test_build_loads_the_russian_dictionary_only_for_rules_that_read_russian(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The service's compile loads pymorphy3 when the rules read Russian (so the store's thread never
    does, lemmatising the first Russian statement); an English-only service never loads it."""
    from rules import formscache, inflect
    from rules.model import Feed, Speaker, Topic

    monkeypatch.setenv("QUOTEWATCH_CACHE_DIR", str(tmp_path / "cache"))
    formscache.forget()
    loads: list[int] = []
    monkeypatch.setattr(inflect, "_analyzer", lambda: loads.append(1))
    monkeypatch.setattr(inflect, "forms", lambda term, kind: (term,))  # no forms: only warm_up may load
    english = Rules(feeds=(Feed("wire", "https://example.org/rss", "Wire"),),
                    speakers=(Speaker("brekke", "Ola Brekke", ("Brekke",)),), topics=(Topic("t", any=("grain",)),))
    live_module.build(english)
    assert loads == []
    for russian in (
        Rules(feeds=(Feed("tass", "https://example.org/ru", "ТАСС", lang="ru"),), speakers=english.speakers),
        Rules(speakers=(Speaker("brekke", "Ola Brekke", ("Брекке",)),)),
        Rules(speakers=english.speakers, topics=(Topic("t", any=("зерно",)),)),
    ):
        loads.clear()
        live_module.build(russian)
        assert loads == [1]
    formscache.forget()
