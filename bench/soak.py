"""Soak: the real `quotewatch run` for minutes under crashes and faults (the long variant of tests/test_e2e.py).

    python -m bench.soak                       # 9 minutes, 20 kill -9s
    python -m bench.soak --minutes 3 --kills 6 --seed 5

Throughout: stories published at a steady rate over five outlets (rewrites of one statement minutes
apart), five fault outlets (500, 429 + Retry-After, truncated bodies, garbage bytes, a stall past the
fetcher's deadline), transient faults on the healthy feeds, the fake Telegram's flood limits set tighter
than Telegram's, Telegram answering 503 for a full minute once and dropping connections a few times,
kill -9 at seeded random moments (plus one SIGTERM restart), the disk full for DISK_FULL_SECONDS midway
(the service's RLIMIT_FSIZE set to 1 byte with prlimit: every write to the database fails, reads work;
lifted after, and a process started meanwhile is not limited, as if space was freed), and hostile sources (markup, entity syntax,
bidi overrides, zero-width joiners, control characters, a 100 KB title) on every fourth story. Then the
harness waits for the outbox to drain and counts.

The service's RSS is sampled every second; the table shows the peak of the first process lifetime that
ran a full minute and of the last one: memory must stay flat across the run. Prints a table, then one
JSON line: alerts expected, delivered, duplicated, lost; crashes survived; faults injected; hostile inputs
and how each ended.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e_harness import _WORDS, ALL_CHATS, HOSTILE_TITLES, Harness, HarnessConfig

STORIES_PER_MINUTE = 8
TELEGRAM_OUTAGE_SECONDS = 60.0
DRAIN_SECONDS = 300.0  # after a 1-minute outage the sender's backoff can be 80-160 s per item
RSS_SAMPLE_SECONDS = 1.0
# Long enough for the sender to meet the full disk on many rounds (before issue #15: one copy of the
# first unrecorded alert per second), short enough to leave the run most of its time healthy.
DISK_FULL_SECONDS = 45.0
TMPFS_MB = 256  # the database's own disk, when a tmpfs can be mounted (see Disk)
RESTART_SLACK = 2.0  # seconds: message dates are whole seconds
DISK_SETTLE_SECONDS = 30.0  # after the disk is freed, the kept outcomes are recorded and sending resumes


class Disk:
    """Where the database lives, and how the disk fills up midway.

    As root (and where the kernel lets us): a small tmpfs of its own, filled to the last byte by a
    filler file at "disk-full" (every write of SQLite then fails with SQLITE_FULL, as on a real full
    disk: ENOSPC) and emptied at "disk-freed". Otherwise: the service's RLIMIT_FSIZE set to 1 byte with
    prlimit (EFBIG on every write past byte 1 of any file, reads work), lifted after."""

    def __init__(self, workdir: Path) -> None:
        self.dir = workdir / "disk"
        self.dir.mkdir(exist_ok=True)
        self.filler = self.dir / "filler"
        self.mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MB}m", "tmpfs", str(self.dir)], capture_output=True,
            check=False,
        ).returncode == 0
        self.kind = f"tmpfs of {TMPFS_MB} MB filled to the last byte" if self.mounted else "RLIMIT_FSIZE = 1 byte (prlimit)"
        self.full_pid: int | None = None

    def fill(self, pid: int | None) -> None:
        if not self.mounted:
            self.full_pid = pid
            disk_full(pid, True)
            return
        chunk = b"\0" * (1 << 20)
        with self.filler.open("wb", buffering=0) as f:
            while chunk:
                try:
                    f.write(chunk)
                except OSError:  # ENOSPC: try smaller pieces until not one byte fits
                    chunk = chunk[: len(chunk) // 2]

    def free(self) -> None:
        if not self.mounted:
            disk_full(self.full_pid, False)
            return
        self.filler.unlink(missing_ok=True)

    def close(self) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", str(self.dir)], capture_output=True, check=False)


def disk_full(pid: int | None, full: bool) -> None:
    """Every write of `pid` past byte 1 of any file fails with EFBIG (CPython ignores SIGXFSZ), or no limit."""
    if pid is None:
        return
    with contextlib.suppress(ProcessLookupError):  # killed in between: the new process starts unlimited
        hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)[1]
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (1 if full else hard, hard))


async def soak(minutes: float, kills: int, seed: int, workdir: Path) -> dict[str, object]:
    span = max(minutes * 60.0 - 30.0, 30.0)  # stories start over this long; the rest is for the last rewrites
    config = HarnessConfig(seed=seed, stories=max(int(minutes * STORIES_PER_MINUTE), 8), noise=12, span=span,
                           interval="2s", transient=0.05, hostile_every=4)
    rng = random.Random(seed)
    events: list[tuple[float, str]] = [(rng.uniform(5.0, span), "kill") for _ in range(kills)]
    events += [(span * 0.4, "tg-503-60"), (span * 0.15, "tg-drop-5"), (span * 0.75, "tg-drop-5"),
               (span * 0.6, "sigterm"), (span * 0.2, "disk-full"),
               (span * 0.2 + DISK_FULL_SECONDS, "disk-freed")]
    samples: list[tuple[int, int]] = []  # (process start number, RSS kB)
    started = time.monotonic()
    disk = Disk(workdir)
    harness = Harness(config, workdir)
    harness.db = disk.dir / "quotewatch.db"
    restarts: list[float] = []  # wall-clock times the service was (re)started, to explain duplicates
    disk_window: list[float] = []
    try:
        result = await _soak(harness, events, samples, started, restarts, disk, disk_window, kills, minutes)
    finally:
        disk.close()
    return result


async def _soak(h: Harness, events: list[tuple[float, str]], samples: list[tuple[int, int]], started: float,
                restarts: list[float], disk: Disk, disk_window: list[float], kills: int,
                minutes: float) -> dict[str, object]:
    seed = h.config.seed
    async with h:
        assert h.newsroom is not None and h.service is not None
        service = h.service
        plain_start = service.start

        async def start_and_note() -> None:
            restarts.append(time.time())
            await plain_start()

        service.start = start_and_note  # type: ignore[method-assign]

        async def sample() -> None:
            while True:
                rss = service.rss_kb()
                if rss is not None:
                    samples.append((service.starts, rss))
                await asyncio.sleep(RSS_SAMPLE_SECONDS)

        await h.start_service()
        await h.subscribe_chats()
        HOSTILE_SENT.extend(h.send_hostile_commands())
        sampler = asyncio.create_task(sample())
        h.start_publishing()
        sigterm_codes = []
        for at, what in sorted(events):
            await asyncio.sleep(max(0.0, at - h.newsroom.now()))
            if what == "kill":
                await h.kill9()
            elif what == "sigterm":
                sigterm_codes.append(await h.sigterm_restart())
            elif what == "disk-full":
                disk_window.append(time.time())
                disk.fill(service.pid)
            elif what == "disk-freed":
                disk.free()
                disk_window.append(time.time())
            else:
                _, mode, seconds = what.split("-")
                h.telegram_fault(mode, float(seconds))
            done, total = h.progress()
            print(f"  t={h.newsroom.now():6.0f}s  {what:<10} delivered {done}/{total}", flush=True)
        await asyncio.sleep(max(0.0, h.config.span + 20.0 - h.newsroom.now()))  # the last rewrites go out
        drained = await h.drain(timeout=DRAIN_SECONDS)
        sampler.cancel()
        final_code = await h.stop_service()
        summary = h.summary()
        replies = hostile_command_outcomes(h)
        explained = explain_duplicates(h, restarts, disk_window)
    by_start: dict[int, list[int]] = {}
    for start, rss in samples:
        by_start.setdefault(start, []).append(rss)
    long_lived = [s for s, values in sorted(by_start.items()) if len(values) >= 60 / RSS_SAMPLE_SECONDS]
    first = max(by_start[long_lived[0]]) if long_lived else (max(next(iter(by_start.values()))) if by_start else 0)
    last = max(by_start[long_lived[-1]]) if long_lived else (max(by_start[max(by_start)]) if by_start else 0)
    print(summary.table())
    print(f"{'peak RSS, first process':<28} {first / 1024:.1f} MB")
    print(f"{'peak RSS, last process':<28} {last / 1024:.1f} MB")
    print(f"{'drained':<28} {drained}")
    print(f"{'disk full':<28} {DISK_FULL_SECONDS:.0f} s: {disk.kind}")
    print(f"{'duplicates after a restart':<28} {explained['after_restart']} (allowed: 1 per kill = {kills})")
    print(f"{'duplicates, no restart':<28} {explained['without_restart']} "
          f"(of which while the disk was full or just freed: {explained['from_disk_fault']})")
    print(f"{'wall time':<28} {time.monotonic() - started:.0f} s")
    hostile = {
        "titles_tried": h.hostile_sent,
        "title_kinds": len(HOSTILE_TITLES),
        "refused_by_telegram": sum(v for k, v in summary.dead_outbox.items() if "refused" in k),
        "stories_with_hostile_source_delivered": _hostile_delivered(h),
        "commands": replies,
    }
    result: dict[str, object] = {
        "benchmark": "soak", "minutes": minutes, "seed": seed,
        **summary.as_json(),
        "sigterm_exit_codes": [*sigterm_codes, final_code],
        "peak_rss_mb_first": round(first / 1024, 1), "peak_rss_mb_last": round(last / 1024, 1),
        "drained": drained, "hostile": hostile, "disk_full_seconds": DISK_FULL_SECONDS, "disk_fault": disk.kind,
        "duplicates_within_kill_budget": summary.duplicated <= kills,
        "duplicates_after_restart": explained["after_restart"],
        "duplicates_without_restart": explained["without_restart"],
        "duplicates_from_disk_fault": explained["from_disk_fault"],
    }
    return result


def explain_duplicates(h: Harness, restarts: list[float], disk_window: list[float]) -> dict[str, int]:
    """Each extra copy of an alert in a chat, by what can explain it: a restart of the service between
    the copy before it and this one (a kill -9 right after Telegram took a message: at most one per
    kill), or nothing (a bug; "from_disk_fault" when it came while the disk was full or within
    RESTART_SLACK of it being freed). Message dates are whole seconds: RESTART_SLACK either side."""
    markers = {s.marker for s in h.stories}
    full_from = disk_window[0] if disk_window else None
    full_to = disk_window[1] if len(disk_window) > 1 else None
    out = {"after_restart": 0, "without_restart": 0, "from_disk_fault": 0}
    for chat in ALL_CHATS:
        dates: dict[str, list[int]] = {}
        for message in h.telegram.messages(chat):
            for marker in markers & set(_WORDS.findall(message.text)):
                dates.setdefault(marker, []).append(message.date)
        for copies in dates.values():
            copies.sort()
            for before, after in zip(copies, copies[1:], strict=False):
                if any(before - RESTART_SLACK <= r <= after + RESTART_SLACK for r in restarts):
                    out["after_restart"] += 1
                    continue
                out["without_restart"] += 1
                if full_from is not None and full_from - RESTART_SLACK <= after and (
                        full_to is None or after <= full_to + DISK_SETTLE_SECONDS):
                    out["from_disk_fault"] += 1
    return out


def _hostile_delivered(h: Harness) -> str:
    """How many stories that had a hostile source reached every chat they should."""
    every = h.config.hostile_every
    marked = {s.marker for s in h.stories if every and s.n % every == 0}
    expected = {p for p in h.expected() if p[1] in marked}
    got = h.delivered()
    return f"{sum(1 for p in expected if got[p])}/{len(expected)}"


def hostile_command_outcomes(h: Harness) -> dict[str, str]:
    """The bot's answer to each hostile command the soak sent (see HOSTILE_COMMANDS), first 80 chars."""
    out = {}
    for chat, text in HOSTILE_SENT:
        replies = [m.text for m in h.telegram.messages(chat) if m.text and not any(
            s.marker in m.text for s in h.stories)]
        out[text[:40]] = (replies[-1][:80] if replies else "no reply")
    return out


HOSTILE_SENT: list[tuple[int, str]] = []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=9.0)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=20261116)
    parser.add_argument("--keep", help="keep the work directory (db, logs) here")
    args = parser.parse_args(argv)
    if args.keep:
        workdir = Path(args.keep)
        workdir.mkdir(parents=True, exist_ok=True)
        result = asyncio.run(soak(args.minutes, args.kills, args.seed, workdir))
    else:
        with tempfile.TemporaryDirectory(prefix="quotewatch-soak-") as tmp:
            result = asyncio.run(soak(args.minutes, args.kills, args.seed, Path(tmp)))
    print(json.dumps(result, default=str))
    ok = result["lost"] == 0 and result["integrity"] == "ok" and result["token_leaks"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
