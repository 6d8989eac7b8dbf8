"""`quotewatch run` stopped with SIGTERM in the middle of long work: the cases, and the one way to run
them (used by tests/test_shutdown.py, which only checks that the service exits cleanly, and by
bench/bench_shutdown.py, which times it).

Each case is a local feed server serving something that keeps the service busy for far longer than a
stop may take (systemd's default stop timeout is 90 s; ours is 5 s):

- `parse`: a 4 MB RSS document that is not well-formed (so feedparser reads it, not the lxml fast
  path) whose one item is `<a ` repeated: feedparser spends ~5 s a megabyte on it, ~20 s here, in
  code that a thread cannot be interrupted in;
- `extraction`: 40 items of 120 KB of quoted prose each: about a second of statement extraction each,
  one after another in the worker processes;
- `page`: a full-text feed whose 40 article pages are 2 MB of sentences each (~3 s of trafilatura a page).

The service runs without a Telegram token (alerts to the console); SIGTERM is sent once the feed was
fetched and a moment later, while no poll cycle has finished (`poll cycle:` not yet in its output).
Fixture prose: fictional outlets and people.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

from tests.feedserver import FeedServer

ROOT = Path(__file__).resolve().parents[1]
MB = 1 << 20
CASES = ("parse", "extraction", "page")
# How long after the feed was fetched SIGTERM is sent: inside the work, which lasts far longer.
WORK_STARTED_SECONDS = 2.0

SENTENCE = (
    '"The harbour levy will not rise before the autumn," Port Commissioner Edda Raskin told reporters '
    "in Veska on Tuesday, adding that the grain terminals would stay open through the strike. "
)


def _rss(items: list[str], well_formed: bool = True) -> bytes:
    now = format_datetime(datetime.now(UTC), usegmt=True)
    title = "Veska Ledger" if well_formed else "Veska Ledger & Co"  # a bare "&": not well-formed XML
    body = "".join(
        f"<item><guid isPermaLink=\"false\">item-{n}</guid><title>Levy story {n}</title>"
        f"<link>{{base}}/story/{n}</link><pubDate>{now}</pubDate>{item}</item>"
        for n, item in enumerate(items)
    )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"{body}</channel></rss>").encode()


def feed_body(case: str, base: str) -> bytes:
    if case == "parse":
        item = "<description>" + "<a " * (4 * MB // 3) + "</description>"
        return _rss([item], well_formed=False).replace(b"{base}", base.encode())
    if case == "extraction":
        text = "<p>" + SENTENCE * (120_000 // len(SENTENCE)) + "</p>"
        return _rss([f"<description><![CDATA[{text}]]></description>"] * 40).replace(b"{base}", base.encode())
    if case == "page":
        return _rss(["<description>A short teaser.</description>"] * 40).replace(b"{base}", base.encode())
    raise ValueError(case)


PAGE = ("<html><body><article>" + "<p>" + SENTENCE * (int(1.8 * MB) // len(SENTENCE)) + "</p>"
        + "</article></body></html>").encode()


def config_text(case: str, db: Path, feed_url: str) -> str:
    full_text = "true" if case == "page" else "false"
    return f"""\
[settings]
db = "{db}"
backfill = "30d"

[[feeds]]
id = "ledger"
name = "Veska Ledger"
url = "{feed_url}"
interval = "1s"
allow_private = true
full_text = {full_text}

[[speakers]]
id = "raskin"
name = "Edda Raskin"
aliases = ["Raskin", "Port Commissioner Edda Raskin"]

[[topics]]
id = "levy"
any = ["harbour levy", "grain"]

[[watches]]
id = "levy-watch"
speakers = ["raskin"]
topics = ["levy"]
"""


@dataclass
class Stopped:
    case: str
    seconds: float  # from SIGTERM to the process's exit
    code: int | None  # None: it had to be killed (did not stop within the liveness bound)
    busy: bool  # no poll cycle had finished when SIGTERM was sent: the work was in progress
    output: str


async def run_and_stop(case: str, workdir: Path, bound: float = 30.0) -> Stopped:
    """Start `quotewatch run` on the case's feed, SIGTERM it in the middle of the work, time the exit."""
    async with FeedServer() as server:
        server.serve("/feed", feed_body(case, server.url("")), content_type="application/rss+xml")
        for n in range(40):
            server.serve(f"/story/{n}", PAGE, content_type="text/html; charset=utf-8")
        config = workdir / "config.toml"
        config.write_text(config_text(case, workdir / "history.db", server.url("/feed")), encoding="utf-8")
        out_path, err_path = workdir / "service.out", workdir / "service.err"
        env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "QUOTEWATCH_DB")}
        env["PYTHONUNBUFFERED"] = "1"
        with out_path.open("wb") as out, err_path.open("wb") as err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--config", str(config), cwd=str(ROOT), env=env,
                stdout=out, stderr=err, stdin=asyncio.subprocess.DEVNULL,
            )
        try:
            path = "/story/0" if case == "page" else "/feed"
            for _ in range(int(60 / 0.05)):
                if server.hits(path) or proc.returncode is not None:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(WORK_STARTED_SECONDS)
            busy = proc.returncode is None and "poll cycle:" not in err_path.read_text(errors="replace")
            proc.send_signal(signal.SIGTERM)
            sent = time.monotonic()
            try:
                code: int | None = await asyncio.wait_for(proc.wait(), bound)
            except TimeoutError:
                code = None
            seconds = time.monotonic() - sent
        finally:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
    output = out_path.read_text(errors="replace") + err_path.read_text(errors="replace")
    return Stopped(case, seconds, code, busy, output)
