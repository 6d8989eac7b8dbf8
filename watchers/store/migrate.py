"""Copy a SQLite history into PostgreSQL (`quotewatch migrate-db`): every table, resumable, verified.

    plan = open_copy(sqlite_path, postgresql_url, force=False)   # checks both ends; may refuse
    counts = plan.run(progress=callback)                           # [(table, source rows, target rows)]

What is copied is read from the schemas, not listed here: every table of the SQLite file (its FTS5
index excepted: PostgreSQL's search index is a generated column that fills itself), each with the
columns both sides have. A SQLite table or column PostgreSQL lacks is an error (a schema that went out
of step); a PostgreSQL-only table (the schema version, the workers' coordination tables) is left alone.
Both databases are brought to the current schema version first, as `quotewatch run` would.

Resumable: rows go in batches in the order of the SQLite table's key (its rowid, or its primary key for
a WITHOUT ROWID table), and each batch commits together with the key of its last row in the table
`quotewatch_migration`. An interrupted copy, run again, goes on after the last batch committed; rows
are upserted on the target's primary key, so a batch never lands twice. The source is read in ONE
snapshot; if it changed between the interrupted run and the next (another quotewatch wrote to it), the
copy starts over from the first row (upserting: still no duplicates).

Whose data: the target must be empty, or hold what an earlier run copied from this same source (its
`store.id`, kept in kv by the SQLite guard). Anything else is another install's data and is refused,
unless `force`, which empties the tables to be copied first.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg

from watchers.store.backend import StoreError
from watchers.store.postgres.connection import Db, clean_params
from watchers.store.postgres.schema import connect, migrate, one_line, redact
from watchers.store.sqlite import Store as SqliteStore
from watchers.store.sqlite.guard import ID_KEY

# Rows per transaction on the target: large enough that COPY dominates the round trips, small enough
# that an interruption loses seconds of work and a batch's rows fit in memory many times over.
BATCH_ROWS = 5000
# Taken for the whole copy: a second migrate-db on the same target waits for nothing, it is refused.
COPY_LOCK = 0x71772D636F707921  # "qw-copy!"
PROGRESS_TABLE = "quotewatch_migration"

Progress = Callable[[str, int, int], None]  # (table, rows copied so far, rows in the source table)


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


@dataclass(frozen=True)
class TablePlan:
    name: str
    columns: tuple[str, ...]  # copied, in the source's order
    key: tuple[str, ...]  # the source's order key: ("rowid",) or the primary key's columns
    target_key: tuple[str, ...]  # the target's primary key (the upsert's conflict target)
    booleans: frozenset[str]  # target columns of type boolean (SQLite keeps 0/1)
    identity: tuple[str, ...]  # target identity columns, whose sequences follow the copied ids


class MigrationRefused(StoreError):
    """The target holds data that is not this source's; the message says what and how to go on."""


def open_copy(source: str, target: str, *, force: bool = False, batch: int = BATCH_ROWS) -> Copy:
    """Both ends checked, opened and at the current schema; raises StoreError (or MigrationRefused)."""
    if not os.path.isfile(source):
        raise StoreError(f"no SQLite history database at {source}: pass the file with --from PATH")
    SqliteStore(source, allow_new=False).close()  # upgrade it to the current schema; gives it its store.id
    try:
        src = sqlite3.connect(f"file:{os.path.abspath(source)}?mode=ro", uri=True, isolation_level=None,
                              check_same_thread=False)
        src.execute("BEGIN")  # one snapshot for the whole copy
    except sqlite3.Error as e:
        raise StoreError(f"cannot read the SQLite history database {source}: {e}") from e
    db = connect(target)
    try:
        migrate(db)
        row = db.execute("SELECT pg_try_advisory_lock(%s)", (COPY_LOCK,)).fetchone()
        if row is None or not row[0]:
            raise StoreError(f"another migrate-db is copying into {redact(target)} right now; wait for it to end")
        # A batch lost with a server crash is simply copied again (its progress row went with it), so
        # its commit need not wait for the WAL flush.
        db.execute("SET synchronous_commit = off")
        return Copy(src, db, source, target, force=force, batch=batch)
    except BaseException as e:
        _release(db)
        src.close()
        if isinstance(e, psycopg.Error | sqlite3.Error):
            raise StoreError(f"cannot prepare the copy into {redact(target)}: {one_line(e)}; the user needs to "
                             "own the database (or have CREATE rights on its schema)") from e
        raise


def _release(db: Db) -> None:
    """Unlock, then close: left to the server, the lock would outlive the connection for a moment (its
    session ends after the close), and a run started right after this one would find it taken."""
    with contextlib.suppress(psycopg.Error):
        db.execute("SELECT pg_advisory_unlock_all()")
    db.close()


class Copy:
    """One copy from a SQLite snapshot into a PostgreSQL database (see the module docstring)."""

    def __init__(self, src: sqlite3.Connection, db: Db, source: str, target: str, *, force: bool,
                 batch: int) -> None:
        self.src, self.db, self.source, self.target, self.batch = src, db, source, target, batch
        self.tables = _plan(src, db)
        self.counts = {t.name: int(src.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])
                       for t in self.tables}
        self.source_id = self._source_id()
        db.execute(f"""CREATE TABLE IF NOT EXISTS {PROGRESS_TABLE} (
                           table_name TEXT PRIMARY KEY, source TEXT NOT NULL, signature TEXT NOT NULL,
                           last_key TEXT NOT NULL)""")
        self.signature = json.dumps(self._signature(), sort_keys=True)
        self.resumed = self._claim(force)

    def close(self) -> None:
        _release(self.db)
        self.src.close()

    def __enter__(self) -> Copy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- whose data

    def _source_id(self) -> str:
        row = self.src.execute("SELECT value FROM kv WHERE key = ?", (ID_KEY,)).fetchone()
        return str(row[0]) if row else "file:" + os.path.realpath(self.source)

    def _signature(self) -> dict[str, list[Any]]:
        """What the source holds, cheaply: rows and the last key per table (a resumed copy compares)."""
        found: dict[str, list[Any]] = {}
        for t in self.tables:
            keys = ", ".join(t.key)
            last = self.src.execute(f'SELECT {keys} FROM "{t.name}" ORDER BY {keys} DESC LIMIT 1').fetchone()
            found[t.name] = [self.counts[t.name], None if last is None else list(last)]
        return found

    def _claim(self, force: bool) -> bool:
        """Whether this continues an earlier copy of this source; refuses another install's data."""
        sources = {r[0] for r in self.db.execute(f"SELECT DISTINCT source FROM {PROGRESS_TABLE}")}
        held = {t.name: n for t in self.tables if (n := self._target_count(t.name))}
        if sources == {self.source_id} or (not sources and not held):
            if sources and self.db.execute(f"SELECT 1 FROM {PROGRESS_TABLE} WHERE signature <> %s",
                                           (self.signature,)).fetchone():
                self.db.execute(f"DELETE FROM {PROGRESS_TABLE}")  # the source changed: from the start
                return False
            return bool(sources)
        if not force:
            what = ", ".join(f"{n} {table}" for table, n in list(held.items())[:4]) or "an earlier copy's progress"
            origin = f"copied from {', '.join(sorted(sources))}" if sources else "not copied from this database"
            raise MigrationRefused(
                f"{redact(self.target)} already holds quotewatch data ({what}), {origin}; point --to at an "
                "empty database, or pass --force to empty its quotewatch tables and copy over them"
            )
        with self.db.transaction():
            names = ", ".join(f'"{t.name}"' for t in self.tables)
            self.db.execute(f"TRUNCATE {names}, {PROGRESS_TABLE} RESTART IDENTITY")
        return False

    def _target_count(self, table: str) -> int:
        return int(self._one(f'SELECT count(*) FROM "{table}"'))

    def _one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        row = self.db.execute(sql, params).fetchone()
        assert row is not None
        return row[0]

    # -- the copy

    def run(self, progress: Progress | None = None) -> list[TableCount]:
        """Copy every table (going on after the last batch an earlier run committed); the counts after."""
        try:
            for table in self.tables:
                self._copy_table(table, progress)
            for table in self.tables:
                for column in table.identity:
                    self.db.execute(
                        f"""SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(COALESCE(MAX("{column}"), 0), 1),
                                          MAX("{column}") IS NOT NULL) FROM "{table.name}" """,
                        (table.name, column),
                    )
            self.db.execute("ANALYZE")  # the planner's statistics for the new rows
        except psycopg.Error as e:
            raise StoreError(f"copying into {redact(self.target)} failed: {one_line(e)}; run the same "
                             "command again to go on from the last batch copied") from e
        except sqlite3.Error as e:
            raise StoreError(f"reading {self.source} failed: {e}; check the file (quotewatch run's "
                             "integrity check), then run the same command again") from e
        return self.verify()

    def verify(self) -> list[TableCount]:
        return [TableCount(t.name, self.counts[t.name], self._target_count(t.name)) for t in self.tables]

    def _copy_table(self, t: TablePlan, progress: Progress | None) -> None:
        row = self.db.execute(f"SELECT last_key FROM {PROGRESS_TABLE} WHERE table_name = %s", (t.name,)).fetchone()
        last: list[Any] | None = None if row is None else json.loads(row[0])
        keys = ", ".join(t.key)
        done = self._copied_before(t, last)
        if progress is not None:
            progress(t.name, done, self.counts[t.name])
        columns = ", ".join(f'"{c}"' for c in t.columns)
        stage = f"quotewatch_stage_{t.name}"
        self.db.execute(f'CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DELETE ROWS AS '
                        f'SELECT {columns} FROM "{t.name}" WITH NO DATA')
        conflict = ", ".join(f'"{c}"' for c in t.target_key)
        updates = [c for c in t.columns if c not in t.target_key]
        action = ("DO NOTHING" if not updates
                  else "DO UPDATE SET " + ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in updates))
        bools = [i for i, c in enumerate(t.columns) if c in t.booleans]
        while True:
            where = "" if last is None else f"WHERE ({keys}) > ({', '.join('?' * len(t.key))})"
            rows = self.src.execute(
                f'SELECT {keys}, {columns} FROM "{t.name}" {where} ORDER BY {keys} LIMIT ?',
                [*(last or []), self.batch],
            ).fetchall()
            if not rows:
                return
            last = list(rows[-1][: len(t.key)])
            with self.db.transaction():
                with self.db.cursor() as cur, cur.copy(f"COPY {stage} ({columns}) FROM STDIN") as copy:
                    for r in rows:
                        values = list(r[len(t.key):])
                        for i in bools:
                            values[i] = None if values[i] is None else bool(values[i])
                        copy.write_row(clean_params(values))
                self.db.execute(f'INSERT INTO "{t.name}" ({columns}) SELECT {columns} FROM {stage} '
                                f"ON CONFLICT ({conflict}) {action}")
                self.db.execute(
                    f"""INSERT INTO {PROGRESS_TABLE} (table_name, source, signature, last_key)
                        VALUES (%s, %s, %s, %s) ON CONFLICT (table_name) DO UPDATE
                        SET source = EXCLUDED.source, signature = EXCLUDED.signature, last_key = EXCLUDED.last_key""",
                    (t.name, self.source_id, self.signature, json.dumps(last)),
                )
            done += len(rows)
            if progress is not None:
                progress(t.name, done, self.counts[t.name])

    def _copied_before(self, t: TablePlan, last: list[Any] | None) -> int:
        """Rows of the table at or before the key an earlier run stopped at (already copied)."""
        if last is None:
            return 0
        keys = ", ".join(t.key)
        sql = f'SELECT count(*) FROM "{t.name}" WHERE ({keys}) <= ({", ".join("?" * len(t.key))})'
        return int(self.src.execute(sql, last).fetchone()[0])


def _plan(src: sqlite3.Connection, db: Db) -> list[TablePlan]:
    """What to copy: the SQLite tables (not FTS5 and its shadow tables), each with its columns."""
    tables = src.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                         "ORDER BY name").fetchall()
    virtual = [name for name, sql in tables if sql and sql.upper().startswith("CREATE VIRTUAL TABLE")]
    target = {r[0] for r in db.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")}
    plans = []
    for name, sql in tables:
        if any(name == v or name.startswith(v + "_") for v in virtual):
            continue  # the FTS5 index: PostgreSQL's is a generated column
        if name not in target:
            raise StoreError(f"the SQLite table {name} has no twin in PostgreSQL: upgrade quotewatch, or "
                             "report a schema that went out of step")
        info = src.execute(f'PRAGMA table_info("{name}")').fetchall()  # (cid, name, type, notnull, default, pk)
        columns = tuple(r[1] for r in info)
        target_cols = {r[0]: r for r in db.execute(
            """SELECT column_name, data_type, is_generated, is_identity FROM information_schema.columns
               WHERE table_schema = current_schema() AND table_name = %s""", (name,))}
        missing = [c for c in columns if c not in target_cols]
        if missing:
            raise StoreError(f"the SQLite table {name} has columns PostgreSQL's lacks ({', '.join(missing)}): "
                             "upgrade quotewatch, or report a schema that went out of step")
        pk = tuple(r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5]))
        without_rowid = "WITHOUT ROWID" in (sql or "").upper()
        plans.append(TablePlan(
            name=name,
            columns=tuple(c for c in columns if target_cols[c][2] != "ALWAYS"),
            key=pk if without_rowid else ("rowid",),
            target_key=_primary_key(db, name),
            booleans=frozenset(c for c, r in target_cols.items() if r[1] == "boolean"),
            identity=tuple(c for c, r in target_cols.items() if r[3] == "YES"),
        ))
    return plans


def _primary_key(db: Db, table: str) -> tuple[str, ...]:
    rows = db.execute(
        """SELECT a.attname FROM pg_index i
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
           WHERE i.indrelid = %s::regclass AND i.indisprimary
           ORDER BY array_position(i.indkey::int2[], a.attnum)""",
        (f'"{table}"',),
    ).fetchall()
    if not rows:
        raise StoreError(f"the PostgreSQL table {table} has no primary key: a resumed copy could not "
                         "recognise its rows")
    return tuple(r[0] for r in rows)
