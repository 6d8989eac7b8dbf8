"""Peak memory of reading one 10 MB feed (issue #15: under 150 MB peak RSS of the process).

    python -m bench.bench_feed_memory            # every case
    python -m bench.bench_feed_memory single many

Each case runs in a fresh subprocess, which does what a poll does with one feed: fetch it from a local
server through the real Fetcher (its size cap is 10 MB), then parse_feed (charset, the lxml fast path or
feedparser, entry HTML to text, caps). The figure is the subprocess's ru_maxrss (peak resident set),
next to its RSS after the imports (the interpreter, lxml, feedparser, httpx: memory every process has).
Cases, each just under 10 MB:

    single       well-formed RSS, one item of 10 MB of HTML (CDATA)
    many         well-formed RSS, ~80,000 small items
    single-bad   the same one item, not well-formed (feedparser reads it)
    many-bad     the same many items, not well-formed
    json-single  a JSON Feed with one 10 MB content_html
    json-many    a JSON Feed with ~80,000 items
    soup         not well-formed RSS, one item of `<a ` repeated (the markup that made html.parser
                 quadratic, CVE-2025-6069; feedparser reads this feed)

Prints a table and one JSON line; exit code 1 when a case peaks over the target.
"""

from __future__ import annotations

import argparse
import functools
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

TARGET_MB = 150.0
MB = 1 << 20
SIZE = 10 * MB - 64 * 1024  # under the fetcher's 10 MB cap, with room for the envelope
CASES = ("single", "many", "single-bad", "many-bad", "json-single", "json-many", "soup")
PARAGRAPH = (
    "<p>The harbour levy will not rise before the autumn, Port Commissioner Edda Raskin told reporters "
    "in Veska on Tuesday. &quot;We said so in March and nothing has changed,&quot; she said.</p>"
)


def body(case: str) -> tuple[bytes, str]:
    """The feed document and its content type."""
    bad = case.endswith("-bad")
    title = "Veska Ledger &" if bad else "Veska Ledger"  # a bare "&": not well-formed
    head = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
    tail = "</channel></rss>"
    if case.startswith("json"):
        if case == "json-single":
            items = [{"id": "1", "url": "https://ledger.example/1", "title": "Levy",
                      "content_html": PARAGRAPH * (SIZE // len(PARAGRAPH))}]
        else:
            one = {"id": "0", "url": "https://ledger.example/0", "title": "Levy story", "content_html": PARAGRAPH}
            n = SIZE // (len(json.dumps(one)) + 8)
            items = [{**one, "id": str(i), "url": f"https://ledger.example/{i}"} for i in range(n)]
        doc = {"version": "https://jsonfeed.org/version/1.1", "title": "Veska Ledger", "items": items}
        return json.dumps(doc).encode(), "application/feed+json"
    if case == "soup":
        items = f"<item><guid>soup-1</guid><title>Soup</title><description>{'<a ' * ((SIZE - 400) // 3)}</description></item>"
        head = head.replace("Veska Ledger", "Veska Ledger &")
    elif case.startswith("single"):
        content = PARAGRAPH * ((SIZE - 400) // len(PARAGRAPH))
        items = (f'<item><guid isPermaLink="false">levy-1</guid><title>Levy</title>'
                 f"<description><![CDATA[{content}]]></description></item>")
    else:
        item = ('<item><guid isPermaLink="false">levy-{n}</guid><title>Levy story {n}</title>'
                "<link>https://ledger.example/{n}</link><description>{text}</description></item>")
        text = "The harbour levy will not rise before the autumn, Edda Raskin said."
        parts, size, n = [], len(head) + len(tail), 0
        while True:
            piece = item.format(n=n, text=text)
            if size + len(piece) > SIZE:
                break
            parts.append(piece)
            size += len(piece)
            n += 1
        items = "".join(parts)
    return (head + items + tail).encode(), "application/rss+xml; charset=utf-8"


def _configure(path: str, content_type: str, server: Any) -> None:
    server.serve_file("/feed", path, content_type=content_type)


def _kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(path: str, content_type: str) -> dict[str, object]:
    """In the measured subprocess: fetch and parse the feed; the peaks, in MB."""
    import asyncio
    import logging
    from datetime import UTC, datetime

    from rules.model import Feed
    from tests.feedserver import ServerProcess
    from watchers.feeds.fetch import Fetcher
    from watchers.feeds.parse import parse_feed
    from watchers.model import FeedState

    logging.disable(logging.WARNING)  # the cap warnings are expected

    async def poll(base: str) -> tuple[int, int, int, bool]:
        feed = Feed(id="ledger", url=base + "/feed", name="Veska Ledger", allow_private=True)
        now = datetime.now(UTC)
        async with Fetcher() as fetcher:
            result = await fetcher.fetch_feed(feed, FeedState(feed_id=feed.id, url=feed.url), now)
        fetched = _kb()
        assert result.content is not None
        parsed = parse_feed(result.content, result.headers, feed, now, base_url=result.url)
        return fetched, len(result.content), len(parsed.articles), parsed.fast

    with ServerProcess(functools.partial(_configure, path, content_type)) as base:
        before = _kb()
        fetched, size, articles, fast = asyncio.run(poll(base))
    return {"imports_mb": before / 1024, "fetched_mb": fetched / 1024, "peak_mb": _kb() / 1024,
            "bytes": size, "articles": articles, "fast": fast}


def measure(case: str, workdir: Path) -> dict[str, object]:
    data, content_type = body(case)
    path = workdir / f"{case}.feed"
    path.write_bytes(data)
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-m", "bench.bench_feed_memory", "--child", str(path), content_type], cwd=root,
        capture_output=True, text=True,
        check=False, env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
    )
    if out.returncode != 0:
        raise SystemExit(f"{case}: the child failed:\n{out.stderr[-3000:]}")
    row: dict[str, object] = {"case": case, **json.loads(out.stdout.strip().splitlines()[-1])}
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help=f"some of {', '.join(CASES)} (default: all)")
    parser.add_argument("--child", nargs=2, metavar=("PATH", "CONTENT_TYPE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(*args.child)))
        return 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="quotewatch-mem-") as tmp:
        for case in args.cases or CASES:
            rows.append(measure(case, Path(tmp)))
    print(f"{'case':<12} {'feed MB':>8} {'items':>7} {'path':>10} {'imports MB':>11} {'fetched MB':>11} {'peak MB':>8}")
    for r in rows:
        path = "fastxml" if r["fast"] else "feedparser/json"
        print(f"{r['case']:<12} {int(r['bytes']) / MB:>8.1f} {r['articles']:>7} {path:>10} "  # type: ignore[call-overload]
              f"{float(r['imports_mb']):>11.1f} {float(r['fetched_mb']):>11.1f} {float(r['peak_mb']):>8.1f}")  # type: ignore[arg-type]
    worst = max(float(r["peak_mb"]) for r in rows)  # type: ignore[arg-type]
    print(f"worst peak: {worst:.1f} MB (target {TARGET_MB:.0f} MB)")
    print(json.dumps({"benchmark": "feed_memory", "target_mb": TARGET_MB, "worst_peak_mb": round(worst, 1),
                      "runs": [{k: (round(v, 1) if isinstance(v, float) else v) for k, v in r.items()} for r in rows]}))
    return 0 if worst <= TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
