"""How long `quotewatch run` takes to stop on SIGTERM in the middle of long work (issue #15: within 5 s
whatever it is doing). The cases are tests/stop_cases.py's: a feed feedparser spends ~20 s on, 40
items of a second of extraction each, 40 article pages of ~3 s of trafilatura each.

    python -m bench.bench_shutdown                 # every case once
    python -m bench.bench_shutdown --repeat 3 parse

Prints a table (seconds from SIGTERM to exit, exit code, whether the work was in progress) and one JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from pathlib import Path

from tests.stop_cases import CASES, run_and_stop

TARGET_SECONDS = 5.0
BOUND_SECONDS = 90.0  # systemd's default stop timeout: past it the service would be SIGKILLed


async def measure(cases: list[str], repeat: int) -> list[dict[str, object]]:
    rows = []
    for case in cases:
        for _ in range(repeat):
            with tempfile.TemporaryDirectory(prefix="quotewatch-stop-") as tmp:
                stopped = await run_and_stop(case, Path(tmp), bound=BOUND_SECONDS)
            rows.append({"case": case, "seconds": round(stopped.seconds, 2), "exit_code": stopped.code,
                         "busy_at_sigterm": stopped.busy, "traceback": "Traceback" in stopped.output})
            print(f"  {case:<12} {stopped.seconds:6.2f} s  exit {stopped.code}  busy {stopped.busy}", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help=f"some of {', '.join(CASES)} (default: all)")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    rows = asyncio.run(measure(args.cases or list(CASES), args.repeat))
    print(f"\n{'case':<12} {'stop (s)':>9} {'exit':>5} {'busy':>5}")
    for r in rows:
        print(f"{r['case']:<12} {r['seconds']:>9.2f} {r['exit_code']!s:>5} {r['busy_at_sigterm']!s:>5}")
    worst = max(float(r["seconds"]) for r in rows)  # type: ignore[arg-type]
    print(f"worst: {worst:.2f} s (target {TARGET_SECONDS:.0f} s)")
    print(json.dumps({"benchmark": "shutdown", "target_seconds": TARGET_SECONDS, "worst_seconds": worst,
                      "runs": rows}))
    return 0 if worst <= TARGET_SECONDS and all(r["exit_code"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
