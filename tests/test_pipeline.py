"""The whole pipeline: feeds -> articles -> statements -> dedup -> watches -> alerts.

Feeds are served by a real HTTP server on 127.0.0.1 (or read from files by `scan --feed PATH`); the
store is a real SQLite database.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from feedserver import FeedServer

from bot.cli import main
from rules.load import parse_rules
from rules.model import Rules
from watchers.fetch import Fetcher
from watchers.model import Alert
from watchers.pipeline import Pipeline, open_store, run_cycle

SCAN = Path(__file__).parent / "data" / "scan"
NOW = datetime(2026, 11, 16, 14, 0, tzinfo=UTC)


def scan_json(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, object]]:
    code = main(["scan", "--config", str(SCAN / "rules.toml"), *args, "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_scan_prints_one_alert_with_every_outlet_that_carried_the_statement(capsys):
    alerts = scan_json(
        capsys,
        "--feed", str(SCAN / "meridian.xml"),
        "--feed", str(SCAN / "ledger.xml"),
        "--feed", str(SCAN / "harbor.xml"),
    )  # fmt: skip
    assert len(alerts) == 1, alerts
    alert = alerts[0]
    assert alert["speaker"] == "kovalenko"
    assert alert["topics"] == ["grain"]
    outlets = [s["feed"] for s in alert["sources"]]  # type: ignore[union-attr,index]
    assert sorted(outlets) == ["harbor", "ledger", "meridian"]
    quotes = alert["quotes"]
    assert isinstance(quotes, list) and 1 <= len(quotes) <= 3
    assert quotes[0]["kind"] == "direct"
    assert quotes[0]["text"].startswith("We are prepared to sit down")
    assert {q["speaker"] for q in quotes} == {"Marta Kovalenko"}
    for source in alert["sources"]:  # type: ignore[union-attr]
        assert "utm_" not in source["url"]
        assert datetime.fromisoformat(source["published"]).tzinfo is not None


def test_scan_json_records_have_the_contract_fields(capsys):
    alerts = scan_json(capsys, "--feed", str(SCAN / "meridian.xml"))
    assert alerts
    for alert in alerts:
        assert set(alert) >= {"story", "speaker", "topics", "quotes", "sources"}
        for q in alert["quotes"]:  # type: ignore[union-attr]
            assert set(q) >= {"text", "kind", "speaker"}
            assert q["kind"] in ("direct", "partial", "indirect")
        for s in alert["sources"]:  # type: ignore[union-attr]
            assert set(s) >= {"url", "title", "feed", "published"}


def test_a_statement_off_topic_and_a_mere_mention_raise_no_alert(capsys):
    # ledger.xml also carries Brandt on fuel tax (a statement, but not about grain); meridian.xml also
    # carries an article that only mentions Kovalenko. Neither may alert.
    alerts = scan_json(capsys, "--feed", str(SCAN / "ledger.xml"), "--feed", str(SCAN / "meridian.xml"))
    assert [a["speaker"] for a in alerts] == ["kovalenko"]


def test_scan_reports_an_unreadable_feed_file_clearly(capsys, tmp_path):
    code = main(["scan", "--config", str(SCAN / "rules.toml"), "--feed", str(tmp_path / "nope.xml")])
    err = capsys.readouterr().err
    assert code == 1
    assert "nope.xml" in err and "cannot read" in err


def served_rules(server: FeedServer, backfill: str = "24h") -> Rules:
    text = (SCAN / "rules.toml").read_text(encoding="utf-8")
    for feed_id, path in (("meridian", "/rss"), ("ledger", "/feed"), ("harbor", "/atom")):
        host = {"meridian": "meridian.example", "ledger": "ledger.example", "harbor": "harbor.example"}
        old_url = f"https://{host[feed_id]}{path}"
        text = text.replace(f'url = "{old_url}"', f'url = "{server.url("/" + feed_id)}"\nallow_private = true')
    text = text.replace('backfill = "24h"', f'backfill = "{backfill}"')
    rules, problems = parse_rules(text, "served.toml")
    assert rules is not None, problems
    return rules


def serve_all(server: FeedServer) -> None:
    for feed_id in ("meridian", "ledger", "harbor"):
        server.serve(f"/{feed_id}", (SCAN / f"{feed_id}.xml").read_bytes(), etag=f'"{feed_id}-v1"')


async def run_pipeline(rules: Rules, db: str, now: datetime) -> list[Alert]:
    alerts: list[Alert] = []

    async def sink(alert: Alert) -> None:
        alerts.append(alert)

    store = open_store(db)
    try:
        async with Fetcher() as fetcher:
            pipeline = Pipeline(rules, store, fetcher, sink, now=lambda: now)
            report = await run_cycle(pipeline, rules.feeds, force=True)
            assert all(p.status in ("ok", "not-modified") for p in report.polls), report.polls
    finally:
        await store.close()
    return alerts


async def test_polling_over_http_alerts_once_then_edits_and_never_repeats_after_restart(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    serve_all(feed_server)
    rules = served_rules(feed_server)
    db = str(tmp_path / "history.db")

    first = await run_pipeline(rules, db, NOW)
    new = [a for a in first if not a.update]
    assert len(new) == 1 and new[0].story.speaker_id == "kovalenko"
    assert new[0].chats == (-1001000000001,)
    story_ids = {a.story.id for a in first}
    assert len(story_ids) == 1  # the other outlets became sources of the same story

    # Restart on the same database: the feeds answer 304 or carry only seen items: nothing again.
    again = await run_pipeline(rules, db, NOW + timedelta(minutes=10))
    assert again == []
    assert any("if-none-match" in r.headers for r in feed_server.requests)


async def test_first_poll_of_a_feed_does_not_alert_on_items_older_than_the_backfill_window(
    feed_server: FeedServer, tmp_path: Path
) -> None:
    serve_all(feed_server)
    rules = served_rules(feed_server, backfill="1h")
    alerts = await run_pipeline(rules, str(tmp_path / "h.db"), NOW + timedelta(days=2))
    assert alerts == []
