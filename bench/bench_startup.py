"""Start-up of `quotewatch quotes` on a small file, against `python -c 'import feedparser'`.

    python -m bench.bench_startup            # 9 paired rounds
    python -m bench.bench_startup --quick    # 3 rounds

Rows, each a fresh interpreter, timed wall-clock in PAIRED rounds (each round runs every row back to
back, so load on the shared machine hits them alike; each ratio is computed within a round):

    import feedparser    python -c 'import feedparser' (the reference)
    quotes               quotewatch quotes FILE with the default rules (config.example.toml, found
                         beside the package): its Cyrillic aliases' forms come from the forms cache
                         (rules.formscache), filled by the warm-up round
    quotes, cold cache   the same with an empty forms cache each run (the first start after an
                         install or a rules edit: pymorphy3's dictionary is loaded)

Bytecode is written and used as an installed package would (PYTHONDONTWRITEBYTECODE is cleared for the
children), and one warm-up round fills the caches first. Target (issue #12): quotes <= 1.5x the
reference (median of the per-round ratios). Prints a table, then one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMALL = (
    "Harbour officials met on Tuesday. \u201cWe will not close the port this winter,\u201d said Mara Lind, "
    "the harbour master, adding that the dredging would go ahead as planned.\n"
)


def _time(cmd: list[str], env: dict[str, str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="3 rounds")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else 9
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    with tempfile.TemporaryDirectory() as tmp:
        env["XDG_CACHE_HOME"] = tmp  # the forms cache starts empty and is filled by the warm-up
        small = Path(tmp, "small.txt")
        small.write_text(SMALL, encoding="utf-8")
        quotes = [sys.executable, "-m", "bot.cli", "quotes", "--config", str(ROOT / "config.example.toml")]
        cold = Path(tmp, "cold")
        rows = {
            "import feedparser": ([sys.executable, "-c", "import feedparser"], env),
            "quotes": ([*quotes, str(small)], env),
            "quotes, cold cache": ([*quotes, str(small)], {**env, "QUOTEWATCH_CACHE_DIR": str(cold)}),
        }
        for cmd, cmd_env in rows.values():  # warm-up: bytecode, page cache, forms cache
            _time(cmd, cmd_env, tmp)
        times: dict[str, list[float]] = {name: [] for name in rows}
        ratios: dict[str, list[float]] = {name: [] for name in rows if name != "import feedparser"}
        for _ in range(rounds):
            this = {}
            for name, (cmd, cmd_env) in rows.items():
                shutil.rmtree(cold, ignore_errors=True)
                this[name] = _time(cmd, cmd_env, tmp)
            for name, seconds in this.items():
                times[name].append(seconds)
                if name in ratios:
                    ratios[name].append(seconds / this["import feedparser"])
    print(f"{'row':<20} {'min ms':>8} {'median ms':>10} {'ratio median':>13} {'ratio min':>10}")
    result: dict[str, object] = {"bench": "startup", "rounds": rounds}
    for name, samples in times.items():
        key = name.replace(", ", "_").replace(" ", "_")
        ratio = ratios.get(name)
        line = f"{name:<20} {min(samples) * 1e3:>8.0f} {statistics.median(samples) * 1e3:>10.0f}"
        if ratio:
            line += f" {statistics.median(ratio):>13.2f} {min(ratio):>10.2f}"
            result[f"{key}_ratio_median"] = round(statistics.median(ratio), 2)
        print(line)
        result[f"{key}_ms_median"] = round(statistics.median(samples) * 1e3, 1)
    print("target: quotes <= 1.5x import feedparser (median ratio)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
