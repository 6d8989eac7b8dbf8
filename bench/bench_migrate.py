"""Benchmark of `quotewatch migrate-db`: how long moving a SQLite history to PostgreSQL takes, and what
an interruption costs.

    python -m bench.bench_migrate            # 20,000 stories: 40,000 articles, 200,000 statements
    python -m bench.bench_migrate --quick    # a tenth
    python -m bench.bench_migrate --pg-url postgresql://user@host/db   # a server of yours (user may CREATE DATABASE)

The history is bench.bench_store's (generated, seeded), bulk-loaded into a SQLite file. Measured: the
whole copy (rows/s, statements/s), and a copy interrupted half-way through the statements and run
again: the second run's time against the whole copy's (it should be about the half left, not all of it).
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from contextlib import closing, suppress
from pathlib import Path

from bench.bench_store import BENCH_PG_SETTINGS, END, Databases, history, make_gen
from watchers.store import open_backend
from watchers.store.migrate import open_copy

SEED = 20240611


class Interrupt(Exception):
    pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pg-url", help="a PostgreSQL server to use (default: a temporary one)")
    args = parser.parse_args()
    stories = 2_000 if args.quick else 20_000
    assert BENCH_PG_SETTINGS  # the temporary server's durable settings, as bench_store uses them
    with tempfile.TemporaryDirectory(prefix="quotewatch-bench-migrate-") as tmp:
        dbs = Databases("postgresql", tmp, args.pg_url)
        try:
            source = str(Path(tmp) / "history.db")
            with closing(open_backend(source)) as store:
                store.bulk_load(history(make_gen(SEED), stories), now=END)
            results: dict[str, float | int] = {"stories": stories}

            t = time.perf_counter()
            with open_copy(source, dbs.url("whole")) as copy:
                counts = copy.run()
            whole = time.perf_counter() - t
            assert all(c.ok for c in counts)
            rows = sum(c.source for c in counts)
            statements = next(c.source for c in counts if c.table == "statements")
            results.update(rows=rows, statements=statements, whole_s=round(whole, 2),
                           rows_per_s=round(rows / whole), statements_per_s=round(statements / whole))

            target = dbs.url("resumed")

            def stop_half_way(table: str, done: int, total: int) -> None:
                if table == "statements" and done >= total // 2:
                    raise Interrupt

            t = time.perf_counter()
            with open_copy(source, target) as copy, suppress(Interrupt):
                copy.run(stop_half_way)
            first = time.perf_counter() - t
            t = time.perf_counter()
            with open_copy(source, target) as copy:
                assert copy.resumed and all(c.ok for c in copy.run())
            second = time.perf_counter() - t
            results.update(interrupted_first_s=round(first, 2), resumed_s=round(second, 2),
                           resumed_vs_whole=round(second / whole, 2))
        finally:
            dbs.close()

    print(f"{'measure':<34} value")
    for label, key in (("rows copied (all tables)", "rows"), ("statements", "statements"),
                       ("whole copy, s", "whole_s"), ("rows/s", "rows_per_s"), ("statements/s", "statements_per_s"),
                       ("interrupted run, s", "interrupted_first_s"), ("resumed run, s", "resumed_s"),
                       ("resumed / whole", "resumed_vs_whole")):
        print(f"{label:<34} {results[key]:,}")
    print(json.dumps({"bench": "migrate", **results}))


if __name__ == "__main__":
    main()
