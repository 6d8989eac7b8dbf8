"""Soak of a fleet: three `quotewatch run` workers on one PostgreSQL under random SIGKILLs (issue #17).

    python -m bench.soak_workers                          # 3 workers, 500 feeds, 10 kills, ~6 minutes
    python -m bench.soak_workers --minutes 2 --kills 4 --feeds 200 --seed 3

The long variant of tests/test_workers.py, in bench/soak.py's shape: a temporary PostgreSQL server
(tests/pg_server.py, bench_store's settings), `--feeds` loopback feeds on one tests/feedserver.py (ETag
and 304 like a real outlet), the fake Bot API (tests/fake_telegram.py) enforcing Telegram's flood limits
(429 + retry_after), and statements of one tracked speaker published over the run, each in two outlets
a few seconds apart (tests/e2e_harness.py's phrase pools: one story, one alert per chat, edited when the
second outlet comes). Two chats take every alert: a channel and a supergroup. At `--kills` seeded random
moments a random worker's process group gets SIGKILL (the worker and its extraction processes, as a
crashed host); it is started again a second later. Then the harness waits for every alert and counts.

Reported (table, then one JSON line): alerts expected, delivered, lost (must be 0), duplicated (at most
one per kill), 429s the fake answered (each one the limiter's to wait out and resend), 429s unhandled
(outbox items given up on, must be 0), kills, feeds polled and polls per feed, wall time.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the tests' servers (feedserver, fake_telegram, pg_server)

from aiohttp import web  # noqa: E402
from feedserver import FeedServer  # noqa: E402

from tests.e2e_harness import HEALTHY_OUTLETS, _too_close, plan_stories  # noqa: E402
from tests.fake_telegram import TOKEN, FakeTelegram  # noqa: E402

WORKERS = 3
FEEDS = 500
KILLS = 10
MINUTES = 6.0
INTERVAL = 10.0  # every feed's poll interval
LEASE = 6.0  # QUOTEWATCH_LEASE: a killed worker's feeds and claims are free this long after its last beat
RESTART_AFTER = 1.0
DRAIN_SECONDS = 180.0
SECOND_OUTLET_DELAY = 8.0  # the second outlet carries the statement up to this long after the first
CHANNEL = "@grainsoak"
GROUP = -1002000000777
CHATS: tuple[int | str, ...] = (CHANNEL, GROUP)
STORIES_PER_MINUTE = 10

RULES_HEAD = """\
[settings]
backfill = "1h"

[telegram]
base_url = "{base_url}"

[[speakers]]
id = "varga"
name = "Ilse Varga"
aliases = ["Varga", "Minister Ilse Varga"]

[[watches]]
id = "everything-varga"
speakers = ["varga"]
chats = ["{channel}", {group}]
"""


@dataclass(frozen=True)
class Statement:
    n: int
    marker: str  # a made-up place name unique to the statement, in its text and headlines
    quote: str
    at: float  # seconds after the start when the first outlet carries it
    feeds: tuple[int, int]
    delay: float  # the second outlet's


def plan(rng: random.Random, count: int, span: float, feeds: int) -> list[Statement]:
    """`count` distinct statements (no two close enough for dedup to call them one) over `span` s."""
    out: list[Statement] = []
    said: list[tuple[str, str]] = []
    for s in plan_stories(rng, count + count // 2, span, HEALTHY_OUTLETS):
        if _too_close(s.first, s.quote, said):  # plan_stories keeps one speaker's apart; here all are one
            continue
        said.append((s.first, s.quote))
        pair = rng.sample(range(feeds), 2)
        out.append(Statement(len(out), s.marker, s.quote, span * len(out) / count, (pair[0], pair[1]),
                             rng.uniform(1.0, SECOND_OUTLET_DELAY)))
        if len(out) == count:
            break
    return out


def outlet(n: int) -> str:
    return f"Courier {n:03d}"


class Feeds:
    """The feeds: each serves what it carries by now (ETag: its item count), and counts its fetches."""

    def __init__(self, server: FeedServer, n: int) -> None:
        self.items: dict[int, list[str]] = {f: [] for f in range(n)}
        self.fetches = 0
        self.polled: dict[int, int] = {}
        for f in range(n):
            server.route(f"/f/{f:03d}", self._handler(f))

    def _handler(self, f: int) -> Any:
        async def handler(request: web.Request) -> web.StreamResponse:
            self.fetches += 1
            self.polled[f] = self.polled.get(f, 0) + 1
            etag = f'"v{len(self.items[f])}"'
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
            body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{outlet(f)}</title>'
                    f"<link>http://news.example/{f}</link>{''.join(self.items[f])}</channel></rss>")
            return web.Response(body=body.encode(), content_type="application/rss+xml", headers={"ETag": etag})

        return handler

    def publish(self, s: Statement, which: int) -> None:
        f = s.feeds[which]
        now = format_datetime(datetime.now(UTC), usegmt=True)
        said = ("Minister Ilse Varga told reporters in Veska" if which == 0
                else "minister Ilse Varga said, adding that details would follow")
        body = f"<p>The government set out new measures on Thursday.</p><p>\"{s.quote}\" {said}.</p>"
        guid = f"c{f:03d}-s{s.n}"
        self.items[f].append(
            f"<item><title>Varga in {s.marker}: statement {s.n} ({outlet(f)})</title>"
            f"<link>http://news.example/{guid}</link><guid isPermaLink=\"false\">{guid}</guid>"
            f"<pubDate>{now}</pubDate><description><![CDATA[{body}]]></description></item>")


class Fleet:
    """The worker processes: start, SIGKILL a process group, restart; their stderr files."""

    def __init__(self, config: Path, env: dict[str, str], workdir: Path) -> None:
        self.config, self.env, self.workdir = config, env, workdir
        self.procs: list[asyncio.subprocess.Process | None] = [None] * WORKERS
        self.starts = 0

    async def start(self, i: int) -> None:
        cores = sorted(os.sched_getaffinity(0))

        def one_core() -> None:  # one extraction process per worker: three workers share the cores
            os.sched_setaffinity(0, {cores[i % len(cores)]})

        self.starts += 1
        err = open(self.workdir / f"worker{i}-{self.starts}.log", "wb")  # noqa: SIM115 - the child keeps it
        self.procs[i] = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(self.config), cwd=ROOT, env=self.env,
            stdout=asyncio.subprocess.DEVNULL, stderr=err, preexec_fn=one_core, start_new_session=True)
        err.close()

    async def kill(self, i: int) -> None:
        p = self.procs[i]
        if p is not None and p.returncode is None:
            os.killpg(p.pid, signal.SIGKILL)
            await p.wait()

    async def stop(self) -> list[int | None]:
        for p in self.procs:
            if p is not None and p.returncode is None:
                p.send_signal(signal.SIGTERM)
        codes = []
        for p in self.procs:
            if p is not None:
                try:
                    codes.append(await asyncio.wait_for(p.wait(), 30))
                except TimeoutError:
                    os.killpg(p.pid, signal.SIGKILL)
                    codes.append(await p.wait())
        return codes


def said(s: Statement) -> str:
    """What identifies the statement in an alert: its first sentence up to the place (a marker alone
    can be a part of another statement's place name) and the word after it."""
    words = s.quote.split()
    at = next(i for i, w in enumerate(words) if s.marker in w)
    return " ".join(words[: at + 2])


def delivered(fake: FakeTelegram, statements: list[Statement]) -> dict[tuple[int | str, int], int]:
    """(chat, statement) -> messages at the fake that carry the statement."""
    got: dict[tuple[int | str, int], int] = {}
    for chat in CHATS:
        texts = [m.text or "" for m in fake.messages(chat)]
        for s in statements:
            got[(chat, s.n)] = sum(1 for t in texts if said(s) in t)
    return got


def dead_items(url: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        return db.execute("SELECT chat_id, story_id, error FROM outbox WHERE status = 'dead'").fetchall()


def lost_detail(url: str, statements: list[Statement], got: dict[tuple[int | str, int], int]) -> dict[str, Any]:
    """For each lost (chat, statement): its stories in the database, the other statements of the plan
    in them (dedup made one story of two), and their outbox rows for the chat (no story: extraction
    lost it; a story of its own with its rows sent or not: delivery did)."""
    import psycopg

    out: dict[str, Any] = {}
    with psycopg.connect(url, autocommit=True) as db:
        for (chat, n), v in got.items():
            if v:
                continue
            stories = [r[0] for r in db.execute(
                "SELECT DISTINCT story_id FROM statements WHERE text LIKE %s", (f"%{said(statements[n])}%",))]
            rows = db.execute(
                "SELECT story_id, action, status, attempts, error FROM outbox WHERE chat_id = %s AND story_id = ANY(%s)",
                (str(chat), stories)).fetchall()
            texts = [r[0] for r in db.execute("SELECT text FROM statements WHERE story_id = ANY(%s)", (stories,))]
            shared = sorted({m.n for m in statements for t in texts if m.n != n and said(m) in t})
            # shared: the other statements in its stories (dedup called them one), else delivery lost it
            out[f"{chat} #{n}"] = {"stories": stories, "merged_with": shared, "outbox": [list(r) for r in rows]}
    return out


async def soak(minutes: float, kills: int, n_feeds: int, seed: int, workdir: Path, url: str) -> dict[str, Any]:
    from watchers.store import open_backend

    rng = random.Random(seed)
    span = max(minutes * 60.0 - 40.0, 30.0)
    statements = plan(rng, max(int(minutes * STORIES_PER_MINUTE), 8), span, n_feeds)
    kill_at = sorted(rng.uniform(10.0, span) for _ in range(kills))
    open_backend(url).close()  # the schema, before three processes race for it
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "QUOTEWATCH_DB": url, "QUOTEWATCH_LEASE": str(LEASE),
           "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    fake = FakeTelegram(enforce_limits=True, max_poll_timeout=0.5)
    async with fake, FeedServer() as server:
        fake.chat(GROUP, "supergroup", title="Grain soak desk")
        feeds = Feeds(server, n_feeds)
        config = workdir / "config.toml"
        config.write_text(RULES_HEAD.format(base_url=fake.url, channel=CHANNEL, group=GROUP) + "".join(
            f'\n[[feeds]]\nid = "c{f:03d}"\nname = "{outlet(f)}"\nurl = "{server.url(f"/f/{f:03d}")}"\n'
            f'interval = "{INTERVAL:.0f}s"\nallow_private = true\n' for f in range(n_feeds)), encoding="utf-8")
        fleet = Fleet(config, env, workdir)
        for i in range(WORKERS):
            await fleet.start(i)
        t0 = time.monotonic()
        events = sorted([(s.at, "pub0", s) for s in statements] + [(s.at + s.delay, "pub1", s) for s in statements]
                        + [(t, "kill", None) for t in kill_at], key=lambda e: e[0])
        killed: list[int] = []
        for at, what, s in events:
            await asyncio.sleep(max(0.0, at - (time.monotonic() - t0)))
            if what == "kill":
                victim = rng.randrange(WORKERS)
                await fleet.kill(victim)
                killed.append(victim)
                got = delivered(fake, statements)
                print(f"  t={time.monotonic() - t0:6.0f}s  kill worker {victim}  delivered "
                      f"{sum(1 for v in got.values() if v)}/{len(got)}", flush=True)
                await asyncio.sleep(RESTART_AFTER)
                await fleet.start(victim)
            else:
                assert s is not None
                feeds.publish(s, 0 if what == "pub0" else 1)
        deadline = time.monotonic() + DRAIN_SECONDS
        await asyncio.sleep(SECOND_OUTLET_DELAY + 2 * INTERVAL)  # the last edits
        while time.monotonic() < deadline and not all(delivered(fake, statements).values()):
            await asyncio.sleep(1.0)
        await asyncio.sleep(2 * INTERVAL)  # anything sent twice late still counts
        codes = await fleet.stop()
        got = delivered(fake, statements)
        rate_limited = fake.rate_limited
        twice = {f"{chat} #{n}": [(m.message_id, (m.text or "")[:90]) for m in fake.messages(chat)
                                  if said(statements[n]) in (m.text or "")]
                 for (chat, n), v in got.items() if v > 1}
    dead = dead_items(url)
    lost_where = lost_detail(url, statements, got)
    lost = sum(1 for v in got.values() if v == 0)
    dup = sum(v - 1 for v in got.values() if v > 1)
    polls = list(feeds.polled.values())
    return {
        "bench": "soak_workers", "workers": WORKERS, "feeds": n_feeds, "seed": seed, "minutes": minutes,
        "statements": len(statements), "chats": len(CHATS),
        "alerts_expected": len(got), "alerts_delivered": sum(1 for v in got.values() if v), "lost": lost,
        "duplicated": dup, "kills": len(killed), "killed_workers": killed,
        "duplicates_within_budget": dup <= len(killed),
        "rate_limited_429": rate_limited, "unhandled_429": sum(1 for d in dead if "429" in str(d[2]) or
                                                                "retry" in str(d[2]).lower()),
        "outbox_dead": len(dead), "feeds_polled": len(polls), "fetches": feeds.fetches,
        "exit_codes": codes, "lost_detail": lost_where, "duplicates_detail": twice, "wall_s": round(time.monotonic() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=MINUTES)
    parser.add_argument("--kills", type=int, default=KILLS)
    parser.add_argument("--feeds", type=int, default=FEEDS)
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--keep", help="keep the work directory (config, worker logs) here")
    args = parser.parse_args(argv)
    from bench.bench_store import Databases

    with tempfile.TemporaryDirectory(prefix="quotewatch-soak-workers-") as tmp:
        workdir = Path(args.keep) if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        dbs = Databases("postgresql", tmp, None)
        try:
            r = asyncio.run(soak(args.minutes, args.kills, args.feeds, args.seed, workdir, dbs.url("soak_workers")))
        finally:
            dbs.close()
    rows = [("workers / feeds", f"{r['workers']} / {r['feeds']}"), ("statements x chats", f"{r['statements']} x {r['chats']}"),
            ("alerts expected", r["alerts_expected"]), ("alerts delivered", r["alerts_delivered"]),
            ("lost (must be 0)", r["lost"]), ("duplicated (<= kills)", f"{r['duplicated']} (kills: {r['kills']})"),
            ("429s answered by the fake", r["rate_limited_429"]), ("429s unhandled (must be 0)", r["unhandled_429"]),
            ("outbox items given up", r["outbox_dead"]), ("feed fetches", r["fetches"]),
            ("exit codes at the end", r["exit_codes"]), ("wall time", f"{r['wall_s']} s")]
    for name, value in rows:
        print(f"{name:<30} {value}")
    print(json.dumps(r))
    ok = r["lost"] == 0 and r["duplicates_within_budget"] and r["unhandled_429"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
