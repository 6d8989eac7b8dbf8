"""Workers sharing one PostgreSQL database: who runs, feed leases, outbox claims, dedup's locks.

PostgreSQL is the coordination engine; there is no protocol between the workers, only these rows:

- `workers`: one row per `quotewatch run` (id, host, pid, started, heartbeat, takes_updates). The
  heartbeat (every lease / 3 seconds, bot.service) pushes forward every lease and claim the worker holds.
- A feed lease (feeds.lease_owner, lease_until): `claim_feed` takes it with
  `SELECT ... FOR UPDATE SKIP LOCKED` then UPDATE, in one statement, only when no other worker holds
  an unexpired one. Two workers claiming one feed at once: one locks the row, the other skips it (no
  wait) and polls nothing. The state comes back read under the lease, so a worker whose scheduler tick
  read the state before another worker's poll saved it sees the fresh next_poll, and the pipeline's
  is_due says "not yet". Saving the state after the poll gives the lease back in the same statement
  (savefeed_state_of(release=...)): a poll costs three round trips (read, claim, save). A worker killed with SIGKILL stops
  beating: its leases expire within one lease period and the next worker's tick takes the feed.
- An outbox claim (outbox.claimed_by, claimed_until), the same way for the items a sender takes. Claims
  are taken under one advisory lock (OUTBOX_LOCK, transaction-scoped: a claim is a few ms) so that "no
  item of a chat another worker is sending to" is exact: a chat's items go out in order, from one
  sender at a time. A sent item keeps its sender in claimed_by, and a chat another worker sent to
  within the chat's flood window (CHAT_WINDOW_SQL: 61 s for a group, 1.05 s for a private chat) is
  busy too: one sender per chat per window, so Telegram's 20/min per group and 1/s per chat hold for
  the fleet with each worker's own FloodScheduler (bot.ratelimit). Only while that sender lives (a
  heartbeat within a lease): a dead or stopped worker's chats go to the next sender at once, which may
  meet a 429 for what the dead one sent (waited out and sent again) rather than hold a group's alerts
  for a minute; SKIP LOCKED passes over rows a mark_sent is writing. mark_sent / mark_retry /
  mark_dead clear the claim (watchers.store.postgres.outbox). A sender killed after Telegram accepted a
  message but before mark_sent committed: the claim expires and another sender sends it again (at most
  one duplicate per chat per kill; the only way to rule it out would be Telegram-side idempotency).
- `lock_keys`: pg_advisory_xact_lock per key (hashtextextended), taken in sorted order in one statement,
  released at COMMIT / ROLLBACK. Dedup takes the keys of an article's speakers, id and URL before it
  reads anything (watchers.stories.dedup says why that makes one story per statement across workers).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from watchers.model import FeedState, OutboxItem
from watchers.store.columns import ts_req
from watchers.store.common.feeds import FEED_COLUMNS, feed_state_of
from watchers.store.common.workers import WorkerRegistry, outbox_item, overdue_first
from watchers.store.postgres.connection import Connection

# watchers.feeds.schedule.is_due in SQL (f: the feed's row, w.slack: DUE_TOLERANCE of its interval;
# the ?: now): due once next_poll has come, less the slack after a success.
DUE_SQL = """(f.next_poll IS NULL OR f.next_poll - CASE WHEN f.consecutive_errors = 0 THEN w.slack ELSE 0 END <= ?)"""
# How long a chat stays with the worker that last sent to it: a group's 20-a-minute window, a private
# chat's one-a-second spacing (bot.ratelimit.Limits, with its margin). Groups: negative ids, @usernames.
CHAT_WINDOW_SQL = "(CASE WHEN chat_id LIKE '-%' OR chat_id LIKE '@%' THEN 61.0 ELSE 1.05 END)"
# The advisory lock the outbox claims are taken under (any constant; "qw-outbx" in ASCII).
OUTBOX_LOCK = 0x71772D6F7574_6278

class WorkerQueries(WorkerRegistry, Connection):
    def claim_feed(
        self, feed_id: str, url: str, worker_id: str, now: datetime, lease: float
    ) -> FeedState | None:
        # One statement, one round trip: its own transaction (autocommit). A feed never polled has no
        # row yet: it is made (idempotent, whoever wins) and the claim asked again.
        t = ts_req(now)
        claim = (
            f"""WITH free AS (
                  SELECT feed_id FROM feeds
                  WHERE feed_id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)
                  FOR UPDATE SKIP LOCKED)
                UPDATE feeds SET lease_owner = ?, lease_until = ? FROM free
                WHERE feeds.feed_id = free.feed_id
                RETURNING {', '.join('feeds.' + c.strip() for c in FEED_COLUMNS.split(','))}"""
        )
        params = (feed_id, worker_id, t, worker_id, t + lease)
        with self._lock:
            row: Any = self._exec(claim, params).fetchone()
            if row is None and self._exec(
                """INSERT INTO feeds (feed_id, url, configured_url) VALUES (?, ?, ?)
                   ON CONFLICT (feed_id) DO NOTHING RETURNING feed_id""", (feed_id, url, url),
            ).fetchone() is not None:
                row = self._exec(claim, params).fetchone()
        return None if row is None else feed_state_of(row)

    def claim_due_feeds(
        self, worker_id: str, feeds: Sequence[tuple[str, str, float]], now: datetime, lease: float, limit: int
    ) -> list[FeedState]:
        # Two statements per batch: the rows of feeds never polled, then one claim of up to `limit` due,
        # free feeds, most overdue first. Rows another worker is claiming right now are skipped, not waited for.
        if not feeds:
            return []
        t = ts_req(now)
        ids, urls, slacks = [f[0] for f in feeds], [f[1] for f in feeds], [f[2] for f in feeds]
        with self._lock:
            self._exec(
                """INSERT INTO feeds (feed_id, url, configured_url)
                   SELECT id, url, url FROM unnest(?::text[], ?::text[]) AS n(id, url)
                   ON CONFLICT (feed_id) DO NOTHING""",
                (ids, urls),
            )
            rows = self._exec(
                f"""WITH want AS (SELECT * FROM unnest(?::text[], ?::float8[]) AS w(feed_id, slack)),
                    free AS (
                      SELECT f.feed_id FROM feeds f JOIN want w ON w.feed_id = f.feed_id
                      WHERE (f.lease_owner IS NULL OR f.lease_owner = ? OR f.lease_until < ?)
                        AND {DUE_SQL}
                      ORDER BY f.next_poll NULLS FIRST, f.feed_id LIMIT ?
                      FOR UPDATE OF f SKIP LOCKED)
                    UPDATE feeds SET lease_owner = ?, lease_until = ? FROM free
                    WHERE feeds.feed_id = free.feed_id
                    RETURNING {', '.join('feeds.' + c.strip() for c in FEED_COLUMNS.split(','))}""",
                (ids, slacks, worker_id, t, t, limit, worker_id, t + lease),
                prepare=False,
            ).fetchall()
        return sorted((feed_state_of(r) for r in rows), key=overdue_first)

    def release_feed(self, feed_id: str, worker_id: str) -> None:
        self._exec(
            "UPDATE feeds SET lease_owner = NULL, lease_until = NULL WHERE feed_id = ? AND lease_owner = ?",
            (feed_id, worker_id),
        )

    def claim_outbox(self, worker_id: str, now: datetime, lease: float, limit: int = 100) -> list[OutboxItem]:
        t = ts_req(now)
        with self.transaction():
            self._exec("SELECT pg_advisory_xact_lock(?)", (OUTBOX_LOCK,))
            rows = self._exec(
                f"""WITH busy AS (
                     SELECT DISTINCT chat_id FROM outbox WHERE status = 'pending' AND claimed_by <> ?
                       AND claimed_until >= ?
                     UNION
                     SELECT DISTINCT chat_id FROM outbox WHERE status = 'sent' AND claimed_by <> ?
                       AND done_at >= ? - {CHAT_WINDOW_SQL}
                       AND claimed_by IN (SELECT worker_id FROM workers WHERE heartbeat >= ?)),
                   free AS (
                     SELECT id FROM outbox
                     WHERE status = 'pending' AND (not_before IS NULL OR not_before <= ?)
                       AND (claimed_by IS NULL OR claimed_by = ? OR claimed_until < ?)
                       AND chat_id NOT IN (SELECT chat_id FROM busy)
                     ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED)
                   UPDATE outbox SET claimed_by = ?, claimed_until = ? FROM free WHERE outbox.id = free.id
                   RETURNING outbox.id, chat_id, story_id, action, attempts, not_before""",
                (worker_id, t, worker_id, t, t - lease, t, worker_id, t, limit, worker_id, t + lease),
            ).fetchall()
        return sorted((outbox_item(r) for r in rows), key=lambda i: i.id)

    def lock_keys(self, keys: Iterable[str]) -> None:
        wanted = sorted(set(keys))
        if wanted:  # held back: taken when the next statement (a read) goes out, before it runs
            self._defer(
                """SELECT pg_advisory_xact_lock(k) FROM
                     (SELECT DISTINCT hashtextextended(key, 0) AS k FROM unnest(?::text[]) AS key ORDER BY 1) AS keys""",
                (wanted,),
            )
