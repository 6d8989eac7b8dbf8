"""Feed state queries, for both backends: what the pipeline remembers about each feed between polls
(validators, health, next poll, first-poll flag, the rules URL the stored url came from)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from watchers.model import FeedState
from watchers.store.columns import dt, ts
from watchers.store.common.connection import SqlConnection

FEED_COLUMNS = (
    "feed_id, url, etag, last_modified, last_poll, last_success, last_error, last_error_at, "
    "consecutive_errors, items_seen, next_poll, polled_ok_once, configured_url"
)


def feed_state_of(r: Sequence[Any]) -> FeedState:
    return FeedState(
        feed_id=r[0], url=r[1], etag=r[2], last_modified=r[3], last_poll=dt(r[4]), last_success=dt(r[5]),
        last_error=r[6], last_error_at=dt(r[7]), consecutive_errors=r[8], items_seen=r[9],
        next_poll=dt(r[10]), polled_ok_once=bool(r[11]), configured_url=r[12],
    )


class FeedQueries(SqlConnection):
    def feed_state(self, feed_id: str) -> FeedState | None:
        row = self._one(f"SELECT {FEED_COLUMNS} FROM feeds WHERE feed_id = ?", (feed_id,))
        return None if row is None else feed_state_of(row)

    def feed_states(self) -> list[FeedState]:
        return [feed_state_of(r) for r in self._all(f"SELECT {FEED_COLUMNS} FROM feeds ORDER BY feed_id")]

    def save_feed_state(self, state: FeedState, *, release: str | None = None) -> None:
        """Store the feed's state; `release` (a worker id): and give up that worker's lease on it, in the
        same statement (a lease another worker took meanwhile is left alone)."""
        values = (
            state.feed_id, state.url, state.etag, state.last_modified, ts(state.last_poll),
            ts(state.last_success), state.last_error, ts(state.last_error_at), state.consecutive_errors,
            state.items_seen, ts(state.next_poll), state.polled_ok_once, state.configured_url,
        )
        self._exec(
            f"""INSERT INTO feeds ({FEED_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (feed_id) DO UPDATE SET url = excluded.url, etag = excluded.etag,
                  last_modified = excluded.last_modified, last_poll = excluded.last_poll,
                  last_success = excluded.last_success, last_error = excluded.last_error,
                  last_error_at = excluded.last_error_at,
                  consecutive_errors = excluded.consecutive_errors, items_seen = excluded.items_seen,
                  next_poll = excluded.next_poll, polled_ok_once = excluded.polled_ok_once,
                  configured_url = excluded.configured_url,
                  lease_owner = CASE WHEN feeds.lease_owner = ? THEN NULL ELSE feeds.lease_owner END,
                  lease_until = CASE WHEN feeds.lease_owner = ? THEN NULL ELSE feeds.lease_until END""",
            (*values, release, release),
        )
