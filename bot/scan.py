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
import logging
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.files import InputError, read_input
from bot.render import render_plain
from rules.model import Feed, Rules
from watchers.feeds.errors import FetchError
from watchers.feeds.fetch import DEFAULT_MAX_BODY, Fetcher
from watchers.feeds.redact import redact_url, safe_for_display, strip_format
from watchers.model import Alert, FeedState, Story
from watchers.pipeline import Pipeline, PollReport, open_store, utcnow
from watchers.store import StoreError

log = logging.getLogger(__name__)


def story_json(story: Story) -> dict[str, Any]:
    """The `scan --json` record (contract in DESIGN.md)."""
    return {
        "story": story.id,
        "speaker": story.speaker_id,
        "topics": list(story.topics),
        "quotes": [{"text": q.text, "kind": q.kind, "speaker": q.speaker} for q in story.quotes],
        "sources": [
            {
                "url": redact_url(strip_format(s.url)),
                "title": strip_format(s.title, keep_joiners=True),
                "feed": s.feed,
                "published": s.published.isoformat(),
            }
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


async def scan_file(pipeline: Pipeline, feed: Feed, path: Path) -> PollReport:
    """One feed file through the pipeline; whatever is wrong with the file is the report's error."""
    report = PollReport(feed.id, "ok")
    try:
        content = read_input(path, DEFAULT_MAX_BODY, what="feed file")
    except InputError as e:
        report.status, report.error = "error", f"cannot read: {e}"
        return report
    if not content.strip():
        report.status, report.error = "error", "the file is empty, not a feed"
        return report
    try:
        state = FeedState(feed_id=feed.id, url=feed.url, configured_url=feed.url)
        await pipeline.ingest(feed, content, {}, state, utcnow(), report)
    except FetchError as e:  # not a feed (an HTML page, an image, JSON of another kind), or malformed
        report.status, report.error = "error", str(e)
    except StoreError:
        raise  # the history database, not this file: `quotewatch` says so and stops
    except Exception as e:
        # A bug, not the user's mistake; still one line, and the other feeds are read. -v shows the trace.
        log.debug("scan of %s failed", path, exc_info=True)
        report.status, report.error = "error", f"could not be read as a feed ({type(e).__name__}: {e})"
    return report


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
                reports.append(await scan_file(pipeline, feed, path))
            stories = []
            for story_id, alert in alerted.items():
                # Re-read: sources found after the first alert were added to the story since.
                story = await store.get_story(story_id)
                stories.append(story or alert.story)
    finally:
        await store.close()
    return stories, reports


def run_scan(rules: Rules, feeds: list[str], db: str | None, as_json: bool) -> int:
    """Scan and print; exit status 1 when any feed failed (each failure is one line on stderr)."""
    stories, reports = asyncio.run(scan(rules, feeds, db))
    # A file's failure is reported under the path as typed ("feeds/a.xml: ..."), a URL's under its feed
    # id. scan() reports the feeds in feeds_for's order, one report each.
    labels = [str(path) if path else feed.id for feed, path in feeds_for(rules, feeds)]
    for story in stories:
        if as_json:
            print(json.dumps(story_json(story), ensure_ascii=False))
        else:
            print(render_plain(story))
            print()
    failed = [(label, r) for label, r in zip(labels, reports, strict=True) if r.status == "error"]
    for label, r in failed:
        print(safe_for_display(f"{label}: {r.error or 'failed'}"), file=sys.stderr)
    print(
        f"scan: {len(reports)} feeds, {sum(r.new for r in reports)} new articles, {len(stories)} alerts"
        + (f", {len(failed)} feeds failed" if failed else ""),
        file=sys.stderr,
    )
    return 1 if failed else 0
