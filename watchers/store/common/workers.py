"""The workers table, for both backends: who runs (id, host, pid, heartbeat), who takes Telegram
updates, and the row helpers of feed leases and outbox claims. The leases and claims themselves are each
backend's (watchers.store.sqlite.workers: one process, every claim granted; watchers.store.postgres.
workers: FOR UPDATE SKIP LOCKED, advisory locks).

A heartbeat pushes forward every lease and claim the worker holds (only forward: an expiry a claim set
later than the beat's now + lease stays); a clean stop gives them up at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal, cast

from watchers.model import FeedState, OutboxItem
from watchers.store.backend import WorkerInfo
from watchers.store.columns import chat_out, dt, dt_req, ts_req
from watchers.store.common.connection import SqlConnection

_WORKERS = """SELECT w.worker_id, w.host, w.pid, w.started, w.heartbeat, w.takes_updates,
                     (SELECT COUNT(*) FROM feeds f WHERE f.lease_owner = w.worker_id)
              FROM workers w ORDER BY w.started, w.worker_id"""


def worker_info(r: tuple[object, ...]) -> WorkerInfo:
    return WorkerInfo(
        worker_id=str(r[0]), host=str(r[1]), pid=int(cast(int, r[2])), started=dt_req(cast(float, r[3])),
        heartbeat=dt_req(cast(float, r[4])), takes_updates=bool(r[5]), feeds=int(cast(int, r[6])),
    )


def overdue_first(state: FeedState) -> tuple[bool, float, str]:
    """Never polled first, then by next poll (RETURNING keeps no order)."""
    return (state.next_poll is not None, state.next_poll.timestamp() if state.next_poll else 0.0, state.feed_id)


def outbox_item(r: tuple[object, ...]) -> OutboxItem:
    return OutboxItem(
        id=int(cast(int, r[0])), chat_id=chat_out(str(r[1])), story_id=str(r[2]),
        action=cast(Literal["send", "edit"], r[3]), attempts=int(cast(int, r[4])), not_before=dt(cast(float, r[5])),
    )


class WorkerRegistry(SqlConnection):
    def register_worker(self, worker_id: str, host: str, pid: int, now: datetime) -> None:
        self._exec(
            """INSERT INTO workers (worker_id, host, pid, started, heartbeat) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (worker_id) DO UPDATE SET heartbeat = excluded.heartbeat""",
            (worker_id, host, pid, ts_req(now), ts_req(now)),
        )

    def heartbeat(self, worker_id: str, now: datetime, lease: float) -> bool:
        t, until = ts_req(now), ts_req(now) + lease
        with self.transaction():
            alive = self._exec("UPDATE workers SET heartbeat = ? WHERE worker_id = ?", (t, worker_id)).rowcount
            # Only later, never earlier: `now` was read before this call waited for the store, and a
            # claim made meanwhile (another thread, a later clock reading) may run past `until` already.
            self._exec("""UPDATE feeds SET lease_until = ? WHERE lease_owner = ?
                          AND (lease_until IS NULL OR lease_until < ?)""", (until, worker_id, until))
            self._exec("""UPDATE outbox SET claimed_until = ? WHERE claimed_by = ? AND status = 'pending'
                          AND (claimed_until IS NULL OR claimed_until < ?)""", (until, worker_id, until))
        return alive > 0

    def unregister_worker(self, worker_id: str) -> None:
        with self.transaction():
            self._exec("UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?", (worker_id,))
            self._exec("UPDATE outbox SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?",
                       (worker_id,))
            self._exec("DELETE FROM workers WHERE worker_id = ?", (worker_id,))

    def forget_workers(self, before: datetime) -> int:
        return int(self._exec("DELETE FROM workers WHERE heartbeat < ?", (ts_req(before),)).rowcount)

    def workers(self) -> list[WorkerInfo]:
        return [worker_info(r) for r in self._all(_WORKERS)]

    def set_update_taker(self, worker_id: str | None) -> None:
        if worker_id is not None:
            self._exec("UPDATE workers SET takes_updates = (worker_id = ?)", (worker_id,))
