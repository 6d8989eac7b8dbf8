"""Chat and subscription queries, for both backends: which chats follow which watches, and a chat's
life (deactivated when the bot is blocked or the chat is gone, reactivated when it writes again, moved
when a group becomes a supergroup); its settings and the stories held for its digest."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from watchers.store.backend import ChatId
from watchers.store.columns import chat_in, chat_out, dt_req, ts_req
from watchers.store.common.connection import SqlConnection


class ChatQueries(SqlConnection):
    def subscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        """Subscribe a chat to a watch (reactivating it if it was deactivated); False if already active."""
        # One statement: the WHERE keeps an active row untouched, so a row comes back only when the
        # subscription is new or was inactive.
        row = self._one(
            """INSERT INTO subscriptions (chat_id, watch_id, active, reason) VALUES (?, ?, TRUE, NULL)
               ON CONFLICT (chat_id, watch_id) DO UPDATE SET active = TRUE, reason = NULL
                 WHERE subscriptions.active = FALSE
               RETURNING 1""",
            (chat_in(chat_id), watch_id),
        )
        return row is not None

    def unsubscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        cur = self._exec("DELETE FROM subscriptions WHERE chat_id = ? AND watch_id = ?", (chat_in(chat_id), watch_id))
        return cur.rowcount > 0

    def subscriptions(self, chat_id: ChatId) -> list[str]:
        """The chat's active watch ids."""
        return [
            r[0]
            for r in self._all(
                "SELECT watch_id FROM subscriptions WHERE chat_id = ? AND active = TRUE ORDER BY watch_id",
                (chat_in(chat_id),),
            )
        ]

    def subscribers(self, watch_id: str) -> list[ChatId]:
        """Active chats subscribed to the watch."""
        return [
            chat_out(r[0])
            for r in self._all(
                "SELECT chat_id FROM subscriptions WHERE watch_id = ? AND active = TRUE ORDER BY chat_id", (watch_id,)
            )
        ]

    def deactivate_chat(self, chat_id: ChatId, reason: str) -> None:
        """Stop alerting a chat (bot blocked, chat gone); its subscriptions are kept for reactivation."""
        self._exec("UPDATE subscriptions SET active = FALSE, reason = ? WHERE chat_id = ?", (reason, chat_in(chat_id)))

    def reactivate_chat(self, chat_id: ChatId) -> int:
        """The chat is back (it wrote to the bot again): its subscriptions resume. Returns how many."""
        cur = self._exec(
            "UPDATE subscriptions SET active = TRUE, reason = NULL WHERE chat_id = ? AND active = FALSE",
            (chat_in(chat_id),),
        )
        return cur.rowcount

    def migrate_chat(self, old_chat_id: ChatId, new_chat_id: ChatId) -> None:
        """A group became a supergroup: subscriptions, deliveries and pending items follow the new id."""
        old, new = chat_in(old_chat_id), chat_in(new_chat_id)
        with self.transaction():
            for table, key in (("subscriptions", "watch_id"), ("deliveries", "story_id"),
                               ("chat_settings", "key"), ("held_stories", "story_id")):
                # Rows the new id already has win; the old id's duplicates are dropped.
                self._exec(
                    f"""DELETE FROM {table} WHERE chat_id = ? AND {key} IN
                        (SELECT {key} FROM {table} WHERE chat_id = ?)""",
                    (old, new),
                )
                self._exec(f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new, old))
            self._exec(
                """DELETE FROM outbox WHERE chat_id = ? AND status = 'pending' AND EXISTS
                   (SELECT 1 FROM outbox o WHERE o.chat_id = ? AND o.story_id = outbox.story_id
                      AND o.action = outbox.action AND o.status = 'pending')""",
                (old, new),
            )
            self._exec("UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new, old))

    # -- a chat's own settings (bot.settings reads and writes them) and the stories held for its digest

    def chat_settings(self, chat_id: ChatId) -> dict[str, str]:
        """The chat's settings as stored: key -> value (a key never set is absent)."""
        return dict(self._all("SELECT key, value FROM chat_settings WHERE chat_id = ?", (chat_in(chat_id),)))

    def set_chat_settings(self, chat_id: ChatId, values: Mapping[str, str | None]) -> None:
        """Set (or, with None, remove) some of a chat's settings, in one transaction."""
        chat = chat_in(chat_id)
        with self.transaction():
            for key, value in values.items():
                if value is None:
                    self._exec("DELETE FROM chat_settings WHERE chat_id = ? AND key = ?", (chat, key))
                else:
                    self._exec(
                        """INSERT INTO chat_settings (chat_id, key, value) VALUES (?, ?, ?)
                           ON CONFLICT (chat_id, key) DO UPDATE SET value = excluded.value""",
                        (chat, key, value),
                    )

    def hold_story(self, item_id: int, chat_id: ChatId, story_id: str, now: datetime) -> None:
        """Settle an outbox item by holding its story for the chat's next digest (one transaction: the
        item is done and the story held, or neither). A story already held stays where it was."""
        with self.transaction():
            self._exec(
                """INSERT INTO held_stories (chat_id, story_id, held_at) VALUES (?, ?, ?)
                   ON CONFLICT (chat_id, story_id) DO NOTHING""",
                (chat_in(chat_id), story_id, ts_req(now)),
            )
            self._exec(
                """UPDATE outbox SET status = 'sent', attempts = attempts + 1, done_at = ?, error = NULL
                   WHERE id = ?""",
                (ts_req(now), item_id),
            )

    def held_chats(self) -> list[tuple[ChatId, datetime]]:
        """Every chat with held stories, and when its oldest was held."""
        return [
            (chat_out(r[0]), dt_req(r[1]))
            for r in self._all("SELECT chat_id, MIN(held_at) FROM held_stories GROUP BY chat_id ORDER BY chat_id")
        ]

    def held_stories(self, chat_id: ChatId) -> list[str]:
        """The chat's held story ids, in the order they were held."""
        return [
            r[0]
            for r in self._all(
                "SELECT story_id FROM held_stories WHERE chat_id = ? ORDER BY held_at, story_id",
                (chat_in(chat_id),),
            )
        ]

    def release_held(self, chat_id: ChatId, story_ids: Sequence[str]) -> int:
        """Forget held stories (sent in a digest, or skipped); returns how many were held."""
        chat, count = chat_in(chat_id), 0
        with self.transaction():
            for story_id in story_ids:
                cur = self._exec(
                    "DELETE FROM held_stories WHERE chat_id = ? AND story_id = ?", (chat, story_id)
                )
                count += cur.rowcount
        return count
