"""`quotewatch scan`: one pass of the whole pipeline over the feeds; prints the alerts, sends nothing.

Each story is printed once, after the pass, with every source that carried it — so a statement carried by
three feeds is one line, not three.

Feeds given with --feed that the rules do not know are ad-hoc feeds: each gets its own id (the host, or
the file's name; "-2", "-3"... when two share one, so their feed state never mixes) and
allow_private = true: a URL typed on the command line is the operator's own choice (a feed on
127.0.0.1 or the office network), not a publisher's link, so the SSRF guard's private-address refusal
does not apply. Configured feeds keep their own allow_private.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.render import render_plain
from rules.model import Feed, Rules
from watchers.feeds.fetch import Fetcher
from watchers.model import Alert, FeedState, Story
from watchers.pipeline import Pipeline, PollReport, open_store, utcnow


def story_json(story: Story) -> dict[str, Any]:
    """The `scan --json` record (contract in DESIGN.md)."""
    return {
        "story": story.id,
        "speaker": story.speaker_id,
        "topics": list(story.topics),
        "quotes": [{"text": q.text, "kind": q.kind, "speaker": q.speaker} for q in story.quotes],
        "sources": [
            {"url": s.url, "title": s.title, "feed": s.feed, "published": s.published.isoformat()}
            for s in story.sources
        ],
    }


def feeds_for(rules: Rules, targets: list[str]) -> list[tuple[Feed, Path | None]]:
    """The configured feeds, or only the given URLs/files (a configured feed keeps its id and name)."""
    if not targets:
        return [(f, None) for f in rules.feeds]
    chosen: list[tuple[Feed, Path | None]] = []
    # Only ad-hoc ids must differ from each other; a file named after a configured feed ("ledger.xml")
    # takes that feed's id on purpose, so watches limited to that feed see its articles.
    taken: set[str] = set()

    def unique(base: str) -> str:
        ident, n = base, 1
        while ident in taken:
            n += 1
            ident = f"{base}-{n}"
        taken.add(ident)
        return ident

    for target in targets:
        known = next((f for f in rules.feeds if f.url == target or f.id == target), None)
        if known is not None:
            chosen.append((known, None))
            continue
        if "://" in target:
            host = urlsplit(target).hostname or "feed"
            chosen.append((Feed(id=unique(host), url=target, name=host, allow_private=True), None))
            continue
        path = Path(target)
        feed = Feed(id=unique(path.stem), url=path.resolve().as_uri(), name=path.stem, allow_private=True)
        chosen.append((feed, path))
    return chosen


async def scan(rules: Rules, targets: list[str], db: str | None) -> tuple[list[Story], list[PollReport]]:
    store = open_store(db)
    alerted: dict[str, Alert] = {}

    async def collect(alert: Alert) -> None:
        alerted[alert.story.id] = alert

    reports: list[PollReport] = []
    try:
        async with Fetcher() as fetcher:
            pipeline = Pipeline(rules, store, fetcher, collect, backfill=False)
            for feed, path in feeds_for(rules, targets):
                if path is None:
                    reports.append(await pipeline.poll(feed, force=True))
                    continue
                report = PollReport(feed.id, "ok")
                try:
                    content = path.read_bytes()
                except OSError as e:
                    report.status, report.error = "error", f"cannot read {path}: {e.strerror}"
                else:
                    state = FeedState(feed_id=feed.id, url=feed.url, configured_url=feed.url)
                    await pipeline.ingest(feed, content, {}, state, utcnow(), report)
                reports.append(report)
            stories = []
            for story_id, alert in alerted.items():
                # Re-read: sources found after the first alert were added to the story since.
                story = await store.get_story(story_id)
                stories.append(story or alert.story)
    finally:
        await store.close()
    return stories, reports


def run_scan(rules: Rules, feeds: list[str], db: str | None, as_json: bool) -> int:
    stories, reports = asyncio.run(scan(rules, feeds, db))
    for story in stories:
        if as_json:
            print(json.dumps(story_json(story), ensure_ascii=False))
        else:
            print(render_plain(story))
            print()
    failed = [r for r in reports if r.status == "error"]
    for r in failed:
        print(f"{r.feed}: {r.error}", file=sys.stderr)
    print(
        f"scan: {len(reports)} feeds, {sum(r.new for r in reports)} new articles, {len(stories)} alerts"
        + (f", {len(failed)} feeds failed" if failed else ""),
        file=sys.stderr,
    )
    return 1 if failed and len(failed) == len(reports) else 0
