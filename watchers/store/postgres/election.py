"""One leader among the workers sharing a PostgreSQL database: a session advisory lock on its own
connection.

Telegram answers a second long-polling getUpdates with 409 Conflict, so only one worker may take
updates. `Election.try_lead()` asks for the session-level lock UPDATES_LOCK on a dedicated connection
(pg_try_advisory_lock: never waits). The leader holds it as long as that connection lives: a leader
killed with SIGKILL, or whose host drops off the network, loses its session, the server releases the
lock, and the next worker's try (every few seconds, bot.fleet) wins it. The connection asks the server
to probe the peer (TCP keepalives every few seconds) so a vanished host's session ends within
~15 s, not the kernel's two hours. `still_leading()` is the leader's own check: its connection
answers, so the lock is still its own.
"""

from __future__ import annotations

from contextlib import suppress

import psycopg

from watchers.store.postgres.schema import CONNECT_TIMEOUT_S

# The session advisory lock of the update taker (any constant; "qw-updts" in ASCII).
UPDATES_LOCK = 0x71772D7570647473
# libpq's keepalives on the client side and the server's on its side: a dead peer is noticed in
# IDLE + INTERVAL * COUNT seconds.
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 5, 2, 3


class Election:
    """The update taker's lock on a connection of its own (asyncio; one per worker)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._db: psycopg.AsyncConnection[tuple[object, ...]] | None = None
        self.leading = False

    async def try_lead(self) -> bool:
        """Take the lock if nobody holds it; True when this worker leads (now or already)."""
        try:
            if self._db is None or self._db.closed or self._db.broken:
                self.leading = False
                self._db = await psycopg.AsyncConnection.connect(
                    self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_S,
                    keepalives=1, keepalives_idle=KEEPALIVE_IDLE, keepalives_interval=KEEPALIVE_INTERVAL,
                    keepalives_count=KEEPALIVE_COUNT, application_name="quotewatch update taker",
                )
                for name, value in (("tcp_keepalives_idle", KEEPALIVE_IDLE),
                                    ("tcp_keepalives_interval", KEEPALIVE_INTERVAL),
                                    ("tcp_keepalives_count", KEEPALIVE_COUNT)):
                    await self._db.execute(f"SET {name} = {int(value)}")
            if not self.leading:
                cur = await self._db.execute("SELECT pg_try_advisory_lock(%s)", (UPDATES_LOCK,))
                row = await cur.fetchone()
                self.leading = bool(row and row[0])
            return self.leading
        except psycopg.Error:
            await self._drop()
            return False

    async def still_leading(self) -> bool:
        """The leader's check: its connection (and with it the lock) is alive."""
        if not self.leading or self._db is None:
            return False
        try:
            await self._db.execute("SELECT 1")
        except psycopg.Error:
            await self._drop()
            return False
        return True

    async def _drop(self) -> None:
        self.leading = False
        if self._db is not None:
            db, self._db = self._db, None
            with suppress(psycopg.Error):
                await db.close()

    async def close(self) -> None:
        """Give up the lead (closing the session releases the lock) at a clean stop."""
        await self._drop()
