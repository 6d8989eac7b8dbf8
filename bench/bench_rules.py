"""How long the rules layer takes: loading, checking a broken file, refusing a huge one, editing, polling,
and reloading a large file in the running service.

    python bench/bench_rules.py

Prints a table and one JSON line. Rules files are generated (fictional speakers) at a few sizes; the
largest is near the 1 MB limit. The reload rows edit a file of 10,000 speakers in a compact layout
(just under 1 MB) and time, with a 1 ms ticker on the event loop, the longest stall of the loop while
the edit is applied: the way the service did it before (check and compile on the loop) and the way
it does now (bot.live_rules: read, check, compile and index in a worker thread). Median of 3.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.live_rules import LiveRules  # noqa: E402
from rules import edit  # noqa: E402
from rules.load import check_file, parse_rules  # noqa: E402
from rules.match import Matcher  # noqa: E402
from rules.model import Rules  # noqa: E402
from rules.reload import Reloader  # noqa: E402

RELOAD_SPEAKERS = 10_000


def generate(speakers: int, broken_every: int = 0) -> str:
    parts = [
        '[settings]\ndefault_interval = "5m"\n',
        '[[feeds]]\nid = "wire"\nurl = "https://wire.example.org/rss"\n',
    ]
    for i in range(speakers):
        fuzzy = 120 if broken_every and i % broken_every == 0 else 88
        parts.append(
            f'# speaker {i}\n[[speakers]]\nid = "person-{i}"\nname = "Person Number{i}"\n'
            f'aliases = ["Number{i}", "Minister {i}", "Deputy {i}"]\nfuzzy = {fuzzy}\n'
        )
    parts.append('[[topics]]\nid = "trade"\nany = ["tariff", "duties", "levy"]\n')
    for i in range(0, speakers, 2):
        parts.append(
            f'[[watches]]\nid = "watch-{i}"\nspeakers = ["person-{i}"]\ntopics = ["trade"]\nchats = [-100{i}]\n'
        )
    return "\n".join(parts)


def surname(i: int) -> str:
    """A distinct made-up surname of letters only (so it gets fuzzy keys, as real names do)."""
    syllables = ("ba", "ke", "lo", "mi", "nu", "ra", "se", "to", "vi", "zo")
    word = "".join(syllables[int(d)] for d in f"{i:05d}")
    return word.capitalize() + "v"


def generate_compact(speakers: int) -> str:
    """Many speakers in few bytes (a name and two aliases each), to reach 10,000 under the 1 MB limit."""
    parts = []
    for i in range(speakers):
        last = surname(i)
        parts.append(f'[[speakers]]\nid = "p{i}"\nname = "Anna {last}"\naliases = ["{last}", "Mr. {last}"]\n')
    return "\n".join(parts)


async def longest_stall(work: Callable[[], object]) -> tuple[float, float]:
    """(longest gap between 1 ms ticks of the loop, seconds `work` took) while awaiting `work()`."""
    gaps: list[float] = []
    done = False

    async def ticker() -> None:
        last = time.perf_counter()
        while not done:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.02)
    start = time.perf_counter()
    result = work()
    if asyncio.iscoroutine(result):
        await result
    took = time.perf_counter() - start
    done = True
    await task
    return max(gaps), took


async def reload_stalls(path: Path, rounds: int = 3) -> dict[str, list[tuple[float, float]]]:
    """Longest loop stall and reload time of an edit to `path`: compiled on the loop, and by LiveRules."""
    text = path.read_text()
    edits = 0

    def edit_file() -> None:
        nonlocal edits
        edits += 1
        first = f"Anna {surname(0)}"
        path.write_text(text.replace(first, f"{first} {edits}", 1))
        os.utime(path, ns=(1_600_000_000 * 10**9 + edits * 10**9,) * 2)

    out: dict[str, list[tuple[float, float]]] = {"on_loop": [], "live_rules": []}
    for _ in range(rounds):
        def compile_on_loop(rules: Rules) -> None:  # the service's old way: all on the loop
            Matcher.compile(rules)

        reloader = Reloader(path, on_change=compile_on_loop)
        edit_file()
        out["on_loop"].append(await longest_stall(reloader.check))
        reloader.on_change = None
        live = await LiveRules.start(reloader)
        edit_file()
        out["live_rules"].append(await longest_stall(live.check))
        del live, reloader
    return out


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times) if len(times) < 3 else statistics.median(times)


def main() -> None:
    results: dict[str, float] = {}
    rows: list[tuple[str, str, float]] = []
    tmp = Path(tempfile.mkdtemp(prefix="bench-rules-"))
    try:
        for count in (10, 200, 3000):
            text = generate(count)
            ms = best_of(lambda text=text: parse_rules(text)) * 1000
            rows.append((f"parse_rules, {count} speakers", f"{len(text.encode()) / 1024:.0f} KiB", ms))
            results[f"parse_{count}_ms"] = ms
        broken = generate(3000, broken_every=10)
        _, problems = parse_rules(broken)
        ms = best_of(lambda: parse_rules(broken)) * 1000
        rows.append(
            (
                f"parse_rules, 3000 speakers, {len(problems)} problems",
                f"{len(broken.encode()) / 1024:.0f} KiB",
                ms,
            )
        )
        results["parse_broken_3000_ms"] = ms

        huge = tmp / "huge.toml"
        with open(huge, "wb") as f:
            f.truncate(10 * 1024 * 1024)
        ms = best_of(lambda: check_file(huge)) * 1000
        rows.append(("check_file, 10 MB file (refused)", "10240 KiB", ms))
        results["refuse_10mb_ms"] = ms

        path = tmp / "config.toml"
        path.write_text(generate(200))
        ms = (
            best_of(
                lambda: (
                    edit.add_alias(path, "person-7", "Extra"),
                    edit.remove_alias(path, "person-7", "Extra"),
                )
            )
            * 500
        )
        rows.append(("edit (add_alias), 200 speakers", f"{path.stat().st_size / 1024:.0f} KiB", ms))
        results["edit_200_ms"] = ms

        reloader = Reloader(path)
        reloader.check()
        ms = best_of(reloader.check, repeat=50) * 1000
        rows.append(("Reloader.check, unchanged file", "", ms))
        results["reload_check_unchanged_ms"] = ms

        big = tmp / "big.toml"
        big.write_text(generate_compact(RELOAD_SPEAKERS))
        size = f"{big.stat().st_size / 1024:.0f} KiB"
        stalls = asyncio.run(reload_stalls(big))
        for way, label in (("on_loop", "check + compile on the loop"), ("live_rules", "LiveRules.check")):
            stall = statistics.median(s for s, _ in stalls[way]) * 1000
            took = statistics.median(t for _, t in stalls[way]) * 1000
            rows.append((f"reload {RELOAD_SPEAKERS} speakers, {label}: longest loop stall", size, stall))
            rows.append((f"reload {RELOAD_SPEAKERS} speakers, {label}: reload time", size, took))
            results[f"reload_{RELOAD_SPEAKERS}_{way}_stall_ms"] = stall
            results[f"reload_{RELOAD_SPEAKERS}_{way}_ms"] = took
    finally:
        shutil.rmtree(tmp)

    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'size':>9}  {'ms':>9}")
    for what, size, ms in rows:
        print(f"{what:<{width}}  {size:>9}  {ms:>9.3f}")
    print(json.dumps({k: round(v, 3) for k, v in results.items()}))


if __name__ == "__main__":
    main()
