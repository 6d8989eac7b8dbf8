"""Feed leases and outbox claims on SQLite (the workers table is watchers.store.common.workers): which
feed each worker polls (a lease), which outbox items each one sends (a claim).

A lease is (owner, expiry) on a feed row: a worker takes it before polling and gives it back after
saving the feed's state; while it lives its heartbeat pushes every expiry it holds forward. A worker that
dies (kill -9) stops beating: its leases and claims expire within one lease period and any other worker
takes the feeds over. That is the PostgreSQL backend (watchers.store.postgres.workers: FOR UPDATE SKIP
LOCKED, advisory locks). SQLite is one process: the same interface grants every claim to the caller
(a lease or claim of another worker id can only be this process's own before a restart, which must
not wait a lease to resume), and the rows are kept only so /status and the schema read the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from watchers.model import FeedState, OutboxItem
from watchers.store.columns import ts_req
from watchers.store.common.feeds import FEED_COLUMNS, feed_state_of
from watchers.store.common.workers import WorkerRegistry, outbox_item, overdue_first
from watchers.store.sqlite.connection import Connection


class WorkerQueries(WorkerRegistry, Connection):
    def claim_feed(
        self, feed_id: str, url: str, worker_id: str, now: datetime, lease: float
    ) -> FeedState | None:
        t = ts_req(now)
        with self.transaction():
            self._db.execute(
                "INSERT INTO feeds (feed_id, url, configured_url) VALUES (?, ?, ?) ON CONFLICT (feed_id) DO NOTHING",
                (feed_id, url, url),
            )
            row = self._db.execute(
                f"UPDATE feeds SET lease_owner = ?, lease_until = ? WHERE feed_id = ? RETURNING {FEED_COLUMNS}",
                (worker_id, t + lease, feed_id),
            ).fetchone()
        return None if row is None else feed_state_of(row)

    def claim_due_feeds(
        self, worker_id: str, feeds: Sequence[tuple[str, str, float]], now: datetime, lease: float, limit: int
    ) -> list[FeedState]:
        """The due feeds among `feeds` (id, url, slack: DUE_TOLERANCE of the interval), up to `limit`,
        most overdue first; one process: every due feed is granted."""
        if not feeds:
            return []
        t = ts_req(now)
        want = json.dumps([[f[0], f[2]] for f in feeds])
        with self.transaction():
            self._db.executemany(
                "INSERT INTO feeds (feed_id, url, configured_url) VALUES (?, ?, ?) ON CONFLICT (feed_id) DO NOTHING",
                [(f[0], f[1], f[1]) for f in feeds],
            )
            rows = self._db.execute(
                f"""WITH want AS (SELECT json_extract(value, '$[0]') AS feed_id, json_extract(value, '$[1]') AS slack
                                  FROM json_each(?))
                    UPDATE feeds SET lease_owner = ?, lease_until = ?
                    WHERE feed_id IN (
                      SELECT f.feed_id FROM feeds f JOIN want w ON w.feed_id = f.feed_id
                      WHERE (f.next_poll IS NULL
                             OR f.next_poll - CASE WHEN f.consecutive_errors = 0 THEN w.slack ELSE 0 END <= ?)
                      ORDER BY f.next_poll IS NOT NULL, f.next_poll, f.feed_id LIMIT ?)
                    RETURNING {FEED_COLUMNS}""",
                (want, worker_id, t + lease, t, limit),
            ).fetchall()
        return sorted((feed_state_of(r) for r in rows), key=overdue_first)

    def release_feed(self, feed_id: str, worker_id: str) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE feed_id = ? AND lease_owner = ?",
                (feed_id, worker_id),
            )

    def claim_outbox(self, worker_id: str, now: datetime, lease: float, limit: int = 100) -> list[OutboxItem]:
        t = ts_req(now)
        with self.transaction():
            rows = self._db.execute(
                """UPDATE outbox SET claimed_by = ?, claimed_until = ?
                   WHERE id IN (
                     SELECT id FROM outbox
                     WHERE status = 'pending' AND (not_before IS NULL OR not_before <= ?) ORDER BY id LIMIT ?)
                   RETURNING id, chat_id, story_id, action, attempts, not_before""",
                (worker_id, t + lease, t, limit),
            ).fetchall()
        return sorted((outbox_item(r) for r in rows), key=lambda i: i.id)

    def lock_keys(self, keys: Iterable[str]) -> None:
        """Nothing to take: the transaction's BEGIN IMMEDIATE holds the file's one write lock already."""
