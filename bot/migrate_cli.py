"""`quotewatch migrate-db --to postgresql://… [--from PATH] [--force]`: move a SQLite history to PostgreSQL.

The copy itself is watchers.store.migrate (every table, resumable, upserting). Here: which SQLite file
(--from, else the configured database: QUOTEWATCH_DB, else [settings] db), progress on stderr while it
runs, and at the end the rows per table on both sides, on stdout. Exit codes: 0 when every table's
counts agree, 1 when they do not or the copy cannot be made (the message says why), 130 when
interrupted (running the same command again goes on where it stopped).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TextIO

from rules.model import Rules
from watchers.store import is_postgres_url
from watchers.store.migrate import TableCount, open_copy
from watchers.store.postgres.schema import redact

PROGRESS_SECONDS = 1.0  # at most one progress line per table per this long (and one at each table's end)


def source_path(rules: Rules | None, given: str | None) -> str:
    """--from, else the database `quotewatch run` would use; ValueError when that is no SQLite file."""
    if given:
        return given
    if rules is None:
        raise ValueError("no rules file to read [settings] db from: pass the SQLite file with --from PATH")
    from bot.service import history_db

    db = history_db(rules)
    if is_postgres_url(db):
        raise ValueError(f"the configured database is PostgreSQL already ({redact(db)}); pass the SQLite "
                         "file to copy with --from PATH")
    return db


class ProgressLines:
    """'migrate-db: articles 15,000 / 48,210' on stderr, throttled per table."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out
        self._shown: dict[str, tuple[float, int]] = {}  # table -> (when, rows) of its last line

    def __call__(self, table: str, done: int, total: int) -> None:
        now = time.monotonic()
        last = self._shown.get(table)
        if last is not None and (last[1] == done or (done < total and now - last[0] < PROGRESS_SECONDS)):
            return
        self._shown[table] = (now, done)
        note = " (going on from an earlier run)" if last is None and done else ""
        print(f"migrate-db: {table} {done:,} / {total:,}{note}", file=self.out or sys.stderr, flush=True)


def count_table(counts: Sequence[TableCount]) -> str:
    """The verification, one row per table: rows in SQLite, rows in PostgreSQL, whether they agree."""
    width = max(len("table"), *(len(c.table) for c in counts))
    lines = [f"{'table':<{width}}  {'sqlite':>12}  {'postgresql':>12}", "-" * (width + 28)]
    for c in counts:
        lines.append(f"{c.table:<{width}}  {c.source:>12,}  {c.target:>12,}{'' if c.ok else '  differs'}")
    return "\n".join(lines)


def run_migrate(source: str, target: str, *, force: bool) -> int:
    if not is_postgres_url(target):
        print(f"quotewatch migrate-db: --to must be a postgresql:// URL, not {target!r}", file=sys.stderr)
        return 2
    print(f"migrate-db: copying {source} into {redact(target)}", file=sys.stderr, flush=True)
    with open_copy(source, target, force=force) as copy:
        try:
            counts = copy.run(ProgressLines())
        except KeyboardInterrupt:
            print("migrate-db: interrupted; run the same command again to go on from the last batch copied",
                  file=sys.stderr, flush=True)
            return 130
    print(count_table(counts))
    wrong = [c.table for c in counts if not c.ok]
    if wrong:
        print(f"migrate-db: the counts differ for {', '.join(wrong)}: the SQLite database was written to "
              "during the copy, or quotewatch has run on the PostgreSQL one since an earlier copy. Stop "
              "quotewatch and run the command again (with --force to copy into a database used since)",
              file=sys.stderr)
        return 1
    print(f"migrate-db: done, {sum(c.source for c in counts):,} rows in {len(counts)} tables; now run "
          f"quotewatch with QUOTEWATCH_DB={redact(target)}", file=sys.stderr)
    return 0
