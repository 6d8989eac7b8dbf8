"""Chat and subscription queries on PostgreSQL: the twin of watchers.store.sqlite.chats (a chat's
watches, and its life: deactivated, reactivated, moved to a supergroup's id); `active` is a BOOLEAN."""

from __future__ import annotations

from watchers.store.backend import ChatId
from watchers.store.columns import chat_in, chat_out
from watchers.store.postgres.connection import Connection


class ChatQueries(Connection):
    def subscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        """Subscribe a chat to a watch (reactivating it if it was deactivated); False if already active."""
        # One statement: the WHERE keeps an active row untouched, so a row comes back only when the
        # subscription is new or was inactive.
        row = self._one(
            """INSERT INTO subscriptions (chat_id, watch_id, active, reason) VALUES (%s, %s, TRUE, NULL)
               ON CONFLICT (chat_id, watch_id) DO UPDATE SET active = TRUE, reason = NULL
                 WHERE subscriptions.active = FALSE
               RETURNING 1""",
            (chat_in(chat_id), watch_id),
        )
        return row is not None

    def unsubscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        cur = self._exec(
            "DELETE FROM subscriptions WHERE chat_id = %s AND watch_id = %s", (chat_in(chat_id), watch_id)
        )
        return cur.rowcount > 0

    def subscriptions(self, chat_id: ChatId) -> list[str]:
        """The chat's active watch ids."""
        return [
            r[0]
            for r in self._all(
                "SELECT watch_id FROM subscriptions WHERE chat_id = %s AND active ORDER BY watch_id",
                (chat_in(chat_id),),
            )
        ]

    def subscribers(self, watch_id: str) -> list[ChatId]:
        """Active chats subscribed to the watch."""
        return [
            chat_out(r[0])
            for r in self._all(
                "SELECT chat_id FROM subscriptions WHERE watch_id = %s AND active ORDER BY chat_id", (watch_id,)
            )
        ]

    def deactivate_chat(self, chat_id: ChatId, reason: str) -> None:
        """Stop alerting a chat (bot blocked, chat gone); its subscriptions are kept for reactivation."""
        self._exec(
            "UPDATE subscriptions SET active = FALSE, reason = %s WHERE chat_id = %s", (reason, chat_in(chat_id))
        )

    def reactivate_chat(self, chat_id: ChatId) -> int:
        """The chat is back (it wrote to the bot again): its subscriptions resume. Returns how many."""
        cur = self._exec(
            "UPDATE subscriptions SET active = TRUE, reason = NULL WHERE chat_id = %s AND NOT active",
            (chat_in(chat_id),),
        )
        return cur.rowcount

    def migrate_chat(self, old_chat_id: ChatId, new_chat_id: ChatId) -> None:
        """A group became a supergroup: subscriptions, deliveries and pending items follow the new id."""
        old, new = chat_in(old_chat_id), chat_in(new_chat_id)
        with self.transaction():
            for table, key in (("subscriptions", "watch_id"), ("deliveries", "story_id")):
                # Rows the new id already has win; the old id's duplicates are dropped.
                self._exec(
                    f"""DELETE FROM {table} WHERE chat_id = %s AND {key} IN
                        (SELECT {key} FROM {table} WHERE chat_id = %s)""",
                    (old, new),
                )
                self._exec(f"UPDATE {table} SET chat_id = %s WHERE chat_id = %s", (new, old))
            self._exec(
                """DELETE FROM outbox WHERE chat_id = %s AND status = 'pending' AND EXISTS
                   (SELECT 1 FROM outbox o WHERE o.chat_id = %s AND o.story_id = outbox.story_id
                      AND o.action = outbox.action AND o.status = 'pending')""",
                (old, new),
            )
            self._exec("UPDATE outbox SET chat_id = %s WHERE chat_id = %s", (new, old))
