"""The small key-value table (the Telegram update offset, markers), for both backends."""

from __future__ import annotations

from watchers.store.common.connection import SqlConnection


class KeyValues(SqlConnection):
    def kv_get(self, key: str) -> str | None:
        row = self._one("SELECT value FROM kv WHERE key = ?", (key,))
        return None if row is None else str(row[0])

    def kv_set(self, key: str, value: str) -> None:
        self._exec(
            "INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
