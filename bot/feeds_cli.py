"""`quotewatch feeds import FILE.opml` and `quotewatch feeds export`: subscriptions from and to other feed
readers, through OPML (bot/opml.py).

    import   every feed of the OPML file whose URL the rules do not have yet becomes a [[feeds]] table
             (id from its title, else its host; the title is the outlet name), in one edit of the rules
             file that keeps its comments (rules.feed_edits); nothing is fetched. Outlines that are not
             http(s) URLs are listed and skipped.
    export   the rules' feeds as OPML 2.0 on stdout (or --output FILE)

Exit codes: 0 done, 1 a file that cannot be read or is not OPML, or rules that refuse the edit.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bot.files import MB, InputError, read_input
from bot.opml import OpmlError, read_opml, write_opml
from rules.feed_edits import NewFeed, add_feeds, feed_id
from rules.load import load_rules
from rules.model import Rules

MAX_OPML = 10 * MB  # as a feed file: a subscription list of ten thousand feeds is well under 2 MB


def plan_import(rules: Rules, entries: list[tuple[str, str]]) -> tuple[list[NewFeed], list[str], list[str]]:
    """(feeds to add, URLs already there, what was skipped and why) for (url, title) pairs."""
    known = {f.url for f in rules.feeds}
    taken = {f.id for f in rules.feeds}
    new: list[NewFeed] = []
    there: list[str] = []
    skipped: list[str] = []
    for url, title in entries:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            skipped.append(f"{url}: not an http(s) URL")
            continue
        if url in known:
            there.append(url)
            continue
        ident = feed_id(title or parts.hostname.removeprefix("www."), taken)
        taken.add(ident)
        known.add(url)
        new.append(NewFeed(ident, url, title))
    return new, there, skipped


def run_import(path: Path, opml: str) -> int:
    try:
        entries = read_opml(read_input(opml, MAX_OPML, "OPML file"))
    except (InputError, OpmlError) as e:
        print(f"{opml}: {e}", file=sys.stderr)
        return 1
    rules = load_rules(path)
    new, there, skipped = plan_import(rules, [(e.url, e.title) for e in entries])
    for line in skipped:
        print(f"{opml}: skipped {line}", file=sys.stderr)
    if new:
        add_feeds(path, new)  # a RulesError reaches the CLI, which prints its problems (exit code 1)
    for feed in new:
        print(f"added {feed.id}: {feed.url}")
    print(f"{path}: {len(new)} feed(s) added, {len(there)} already there, {len(skipped)} skipped",
          file=sys.stderr)
    return 0


def run_export(path: Path, output: str | None) -> int:
    rules = load_rules(path)
    data = write_opml(((f.url, f.name) for f in rules.feeds), datetime.now(UTC))
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    return 0
