"""Chat and subscription queries: which chats follow which watches, and a chat's life (deactivated when
the bot is blocked or the chat is gone, reactivated when it writes again, moved when a group becomes a
supergroup)."""

from __future__ import annotations

from watchers.store.backend import ChatId
from watchers.store.columns import chat_in, chat_out
from watchers.store.sqlite.connection import Connection


class ChatQueries(Connection):
    def subscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        """Subscribe a chat to a watch (reactivating it if it was deactivated); False if already active."""
        chat = chat_in(chat_id)
        with self.transaction():
            row = self._one("SELECT active FROM subscriptions WHERE chat_id = ? AND watch_id = ?", (chat, watch_id))
            if row is not None and row[0]:
                return False
            self._db.execute(
                """INSERT INTO subscriptions (chat_id, watch_id, active, reason) VALUES (?, ?, 1, NULL)
                   ON CONFLICT (chat_id, watch_id) DO UPDATE SET active = 1, reason = NULL""",
                (chat, watch_id),
            )
            return True

    def unsubscribe(self, chat_id: ChatId, watch_id: str) -> bool:
        with self.transaction():
            cur = self._db.execute(
                "DELETE FROM subscriptions WHERE chat_id = ? AND watch_id = ?", (chat_in(chat_id), watch_id)
            )
            return cur.rowcount > 0

    def subscriptions(self, chat_id: ChatId) -> list[str]:
        """The chat's active watch ids."""
        return [
            r[0]
            for r in self._all(
                "SELECT watch_id FROM subscriptions WHERE chat_id = ? AND active = 1 ORDER BY watch_id",
                (chat_in(chat_id),),
            )
        ]

    def subscribers(self, watch_id: str) -> list[ChatId]:
        """Active chats subscribed to the watch."""
        return [
            chat_out(r[0])
            for r in self._all(
                "SELECT chat_id FROM subscriptions WHERE watch_id = ? AND active = 1 ORDER BY chat_id", (watch_id,)
            )
        ]

    def deactivate_chat(self, chat_id: ChatId, reason: str) -> None:
        """Stop alerting a chat (bot blocked, chat gone); its subscriptions are kept for reactivation."""
        with self.transaction():
            self._db.execute(
                "UPDATE subscriptions SET active = 0, reason = ? WHERE chat_id = ?", (reason, chat_in(chat_id))
            )

    def reactivate_chat(self, chat_id: ChatId) -> int:
        """The chat is back (it wrote to the bot again): its subscriptions resume. Returns how many."""
        with self.transaction():
            cur = self._db.execute(
                "UPDATE subscriptions SET active = 1, reason = NULL WHERE chat_id = ? AND active = 0",
                (chat_in(chat_id),),
            )
            return cur.rowcount

    def migrate_chat(self, old_chat_id: ChatId, new_chat_id: ChatId) -> None:
        """A group became a supergroup: subscriptions, deliveries and pending items follow the new id."""
        old, new = chat_in(old_chat_id), chat_in(new_chat_id)
        with self.transaction():
            for table, key in (("subscriptions", "watch_id"), ("deliveries", "story_id")):
                # Rows the new id already has win; the old id's duplicates are dropped.
                self._db.execute(
                    f"""DELETE FROM {table} WHERE chat_id = ? AND {key} IN
                        (SELECT {key} FROM {table} WHERE chat_id = ?)""",
                    (old, new),
                )
                self._db.execute(f"UPDATE {table} SET chat_id = ? WHERE chat_id = ?", (new, old))
            self._db.execute(
                """DELETE FROM outbox WHERE chat_id = ? AND status = 'pending' AND EXISTS
                   (SELECT 1 FROM outbox o WHERE o.chat_id = ? AND o.story_id = outbox.story_id
                      AND o.action = outbox.action AND o.status = 'pending')""",
                (old, new),
            )
            self._db.execute("UPDATE outbox SET chat_id = ? WHERE chat_id = ?", (new, old))
