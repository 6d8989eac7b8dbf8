"""Extraction in worker processes: the same result as in process, the matcher of the rules in force,
a clean stop, and no worker outliving a killed service."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

from rules.load import parse_rules
from rules.match import Matcher
from rules.model import Rules
from watchers.statements.worker import ProcessExtractor, extract_and_scan, in_thread, start_extractor

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "tests" / "data" / "scan" / "rules.toml"
TEXT = (
    "Grain talks resume\n\n"
    "\u201cThe grain corridor will reopen for inspections on Tuesday,\u201d Foreign Ministry spokeswoman "
    "Marta Kovalenko told reporters in Tarvos.\n\n"
    "Oskar Brandt said the grain deal would be signed in May."
)


def rules() -> Rules:
    parsed, problems = parse_rules(RULES.read_text(encoding="utf-8"), "rules.toml")
    assert parsed is not None, problems
    return parsed


async def started(workers: int = 2) -> ProcessExtractor:
    extractor = await start_extractor(workers)
    assert isinstance(extractor, ProcessExtractor)
    return extractor


async def test_workers_find_what_the_process_finds() -> None:
    full = rules()
    matcher = Matcher.compile(full)
    extractor = await started()
    try:
        found = await asyncio.gather(
            *(extractor.run(TEXT, "Kovalenko on the grain corridor", matcher, full) for _ in range(6))
        )
    finally:
        await extractor.aclose()
    here = extract_and_scan(TEXT, "Kovalenko on the grain corridor", matcher)
    assert here.statements and {s.speaker_id for s in here.statements} == {"kovalenko", "brandt"}
    assert here.text_hits and here.title_hits
    assert all(f == here for f in found)
    assert await in_thread(extract_and_scan, TEXT, "Kovalenko on the grain corridor", matcher) == here


async def test_workers_use_the_matcher_of_the_rules_in_force() -> None:
    full = rules()
    without_brandt = replace(full, speakers=tuple(s for s in full.speakers if s.id != "brandt"))
    before, after = Matcher.compile(full), Matcher.compile(without_brandt)
    extractor = await started()
    try:
        first = await asyncio.gather(*(extractor.run(TEXT, "", before, full) for _ in range(4)))
        second = await asyncio.gather(*(extractor.run(TEXT, "", after, without_brandt) for _ in range(4)))
        third = await extractor.run(TEXT, "", before, full)  # back again: a new version, not a stale one
    finally:
        await extractor.aclose()
    assert all({s.speaker_id for s in f.statements} == {"kovalenko", "brandt"} for f in first)
    assert all({s.speaker_id for s in f.statements} == {"kovalenko", None} for f in second)
    assert {s.speaker_id for s in third.statements} == {"kovalenko", "brandt"}


async def test_closing_stops_every_worker_promptly() -> None:
    extractor = await started()
    await extractor.run(TEXT, "", Matcher.compile(rules()), rules())
    processes = list(extractor._pool._processes.values())  # type: ignore[attr-defined]
    assert processes and all(p.is_alive() for p in processes)
    t = time.monotonic()
    await extractor.aclose()
    assert time.monotonic() - t < 5
    assert not any(p.is_alive() for p in processes)


def test_no_pool_is_started_for_zero_workers() -> None:
    assert asyncio.run(start_extractor(0)) is None


def test_workers_exit_when_their_service_is_killed(tmp_path: Path) -> None:
    script = tmp_path / "service.py"
    script.write_text(
        textwrap.dedent(
            """
            import asyncio, os, sys
            from watchers.statements.worker import start_extractor

            async def main():
                extractor = await start_extractor(2)
                pids = [p.pid for p in extractor._pool._processes.values()]
                print(" ".join(map(str, pids)), flush=True)
                await asyncio.sleep(60)

            if __name__ == "__main__":
                asyncio.run(main())
            """
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert proc.stdout is not None
        pids = [int(p) for p in proc.stdout.readline().split()]
        assert len(pids) == 2
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(_alive(p) for p in pids):
            time.sleep(0.1)
        assert not any(_alive(p) for p in pids)
    finally:
        if proc.poll() is None:
            proc.kill()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (exited, not yet reaped by its parent, the forkserver) counts as gone
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return True


async def test_a_dead_worker_fails_its_article_and_new_workers_take_the_next() -> None:
    full = rules()
    matcher = Matcher.compile(full)
    extractor = await started()
    try:
        await extractor.run(TEXT, "", matcher, full)
        for p in list(extractor._pool._processes.values()):  # type: ignore[attr-defined]
            p.kill()
        failed = False
        try:
            await extractor.run(TEXT, "", matcher, full)
        except Exception:
            failed = True
        found = await extractor.run(TEXT, "", matcher, full)
    finally:
        await extractor.aclose()
    assert failed
    assert {s.speaker_id for s in found.statements} == {"kovalenko", "brandt"}
