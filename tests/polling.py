"""One real poll cycle of the pipeline for tests: real fetcher, real SQLite store, alerts collected."""

from __future__ import annotations

from datetime import datetime

from rules.model import Rules
from watchers.feeds.fetch import Fetcher
from watchers.model import Alert
from watchers.pipeline import CycleReport, Pipeline, open_store, run_cycle


async def poll_cycle(rules: Rules, db: str, now: datetime) -> tuple[list[Alert], CycleReport]:
    """Poll every feed of `rules` once (forced) on the store at `db`, with the clock at `now`."""
    alerts: list[Alert] = []

    async def sink(alert: Alert) -> None:
        alerts.append(alert)

    store = open_store(db)
    try:
        async with Fetcher() as fetcher:
            pipeline = Pipeline(rules, store, fetcher, sink, now=lambda: now)
            report = await run_cycle(pipeline, rules.feeds, force=True)
    finally:
        await store.close()
    return alerts, report
