"""How long the rules layer takes: loading, checking a broken file, refusing a huge one, editing, polling.

    python bench/bench_rules.py

Prints a table and one JSON line. Rules files are generated (fictional speakers) at a few sizes; the
largest is near the 1 MB limit.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rules import edit  # noqa: E402
from rules.load import check_file, parse_rules  # noqa: E402
from rules.reload import Reloader  # noqa: E402


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
    finally:
        shutil.rmtree(tmp)

    width = max(len(r[0]) for r in rows)
    print(f"{'what':<{width}}  {'size':>9}  {'ms':>9}")
    for what, size, ms in rows:
        print(f"{what:<{width}}  {size:>9}  {ms:>9.3f}")
    print(json.dumps({k: round(v, 3) for k, v in results.items()}))


if __name__ == "__main__":
    main()
