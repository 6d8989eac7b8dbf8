"""Outbox queries on PostgreSQL: watchers.store.common.outbox, with a sent item keeping its sender."""

from __future__ import annotations

from watchers.store.common.outbox import OutboxQueries as SharedOutboxQueries
from watchers.store.postgres.connection import Connection


class OutboxQueries(SharedOutboxQueries, Connection):
    # claimed_by stays: the sender holds the chat for its flood window (watchers.store.postgres.workers
    # claim_outbox); the claim's expiry goes.
    SENT_CLAIM = "claimed_until = NULL"
