"""Outbox and delivery queries, for both backends: the Telegram actions waiting to go out, and the
messages that went.

The outbox is how an alert survives a crash or a Telegram outage: the pipeline queues it in the
transaction that records the article, bot.delivery drains it. A delivery (chat, story -> message id)
is what lets a new source edit the alert already sent instead of sending another.

Several senders share the outbox on PostgreSQL (claims: watchers.store.postgres.workers); the one
difference here is what a sent item keeps of its claim (`SENT_CLAIM`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, cast

from watchers.model import OutboxItem
from watchers.store.backend import ChatId
from watchers.store.columns import chat_in, chat_out, dt, ts_req
from watchers.store.common.connection import SqlConnection


class OutboxQueries(SqlConnection):
    # What mark_sent clears of the item's claim: all of it (SQLite: one sender). PostgreSQL keeps
    # claimed_by: the sender holds the chat for its flood window (watchers.store.postgres.workers).
    SENT_CLAIM = "claimed_by = NULL, claimed_until = NULL"

    def enqueue(self, chat_id: ChatId, story_id: str, action: Literal["send", "edit"]) -> int:
        """Queue a Telegram action; idempotent per (chat, story, action) while one is pending.

        An edit queued while the send of the same story to the same chat is still pending returns the
        send's id: the send renders the story as it is when sent, sources added since included."""
        if action not in ("send", "edit"):
            raise ValueError(f"outbox action must be 'send' or 'edit', not {action!r}")
        chat = chat_in(chat_id)
        with self.transaction():
            row = self._one(  # an edit finds a pending send first
                """SELECT id FROM outbox WHERE chat_id = ? AND story_id = ? AND action IN ('send', ?)
                     AND status = 'pending' ORDER BY action = 'send' DESC, id LIMIT 1""",
                (chat, story_id, action),
            )
            if row is not None:
                return int(row[0])
            row = self._one(
                "INSERT INTO outbox (chat_id, story_id, action, created) VALUES (?, ?, ?, ?) RETURNING id",
                (chat, story_id, action, datetime.now(UTC).timestamp()),
            )
            return int(row[0])

    def due_outbox(self, now: datetime, limit: int = 100) -> list[OutboxItem]:
        """Pending items whose not_before has passed, oldest first; none behind an earlier pending item of
        its chat that still waits to be retried (a 429 on one alert must not let the next ones overtake it)."""
        return [
            OutboxItem(
                id=r[0], chat_id=chat_out(r[1]), story_id=r[2], action=cast(Literal["send", "edit"], r[3]),
                attempts=r[4], not_before=dt(r[5]),
            )
            for r in self._all(
                """SELECT id, chat_id, story_id, action, attempts, not_before FROM outbox o
                   WHERE status = 'pending' AND (not_before IS NULL OR not_before <= ?)
                     AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.chat_id = o.chat_id AND e.status = 'pending'
                                       AND e.id < o.id AND e.not_before > ?)
                   ORDER BY id LIMIT ?""",
                (ts_req(now), ts_req(now), limit),
            )
        ]

    def mark_sent(self, item_id: int, message_id: int | None) -> None:
        """The item went out; a message id records the delivery (for later edits)."""
        now = datetime.now(UTC).timestamp()
        with self.transaction():
            row = self._one(
                f"""UPDATE outbox SET status = 'sent', {self.SENT_CLAIM}, attempts = attempts + 1, done_at = ?,
                      error = NULL WHERE id = ? RETURNING chat_id, story_id""",
                (now, item_id),
            )
            if row is not None and message_id is not None:
                self._exec(
                    """INSERT INTO deliveries (chat_id, story_id, message_id, sent_at) VALUES (?, ?, ?, ?)
                       ON CONFLICT (chat_id, story_id) DO UPDATE SET message_id = excluded.message_id,
                         sent_at = excluded.sent_at""",
                    (row[0], row[1], message_id, now),
                )

    def mark_retry(self, item_id: int, error: str, not_before: datetime) -> None:
        self._exec(
            """UPDATE outbox SET claimed_by = NULL, claimed_until = NULL, attempts = attempts + 1, error = ?,
                 not_before = ? WHERE id = ? AND status = 'pending'""",
            (error, ts_req(not_before), item_id),
        )

    def mark_dead(self, item_id: int, error: str) -> None:
        """Gave up on the item (chat gone, too many attempts); it stays for /status until pruned."""
        self._exec(
            """UPDATE outbox SET status = 'dead', claimed_by = NULL, claimed_until = NULL, attempts = attempts + 1,
                 error = ?, done_at = ? WHERE id = ?""",
            (error, datetime.now(UTC).timestamp(), item_id),
        )

    def dead_outbox(self, limit: int = 20) -> list[tuple[OutboxItem, str]]:
        """The latest items given up on, with their last error (for /status)."""
        return [
            (
                OutboxItem(id=r[0], chat_id=chat_out(r[1]), story_id=r[2],
                           action=cast(Literal["send", "edit"], r[3]), attempts=r[4], not_before=dt(r[5])),
                r[6] or "",
            )
            for r in self._all(
                """SELECT id, chat_id, story_id, action, attempts, not_before, error FROM outbox
                   WHERE status = 'dead' ORDER BY id DESC LIMIT ?""",
                (limit,),
            )
        ]

    def delivery(self, chat_id: ChatId, story_id: str) -> int | None:
        row = self._one(
            "SELECT message_id FROM deliveries WHERE chat_id = ? AND story_id = ?", (chat_in(chat_id), story_id)
        )
        return None if row is None else int(row[0])

    def deliveries(self, story_id: str) -> list[tuple[ChatId, int]]:
        return [
            (chat_out(r[0]), int(r[1]))
            for r in self._all(
                "SELECT chat_id, message_id FROM deliveries WHERE story_id = ? ORDER BY sent_at, chat_id", (story_id,)
            )
        ]

    def outbox_depth(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM outbox WHERE status = 'pending'")[0])
