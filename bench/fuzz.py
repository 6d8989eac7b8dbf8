"""Coverage-guided fuzzing of every parser entry point, for a fixed budget (issue #15 item 2).

    pip install -e '.[fuzz]'                     # atheris (libFuzzer for Python)
    python -m bench.fuzz                         # every target, 60 s each
    python -m bench.fuzz --seconds 300 feed json # some targets, longer

Targets (each fed the fuzzer's bytes; seeds from tests/data and a few hand-made inputs):

    feed     watchers.feeds.parse.parse_feed: any bytes as a fetched feed (charset by evidence, the lxml
             fast path, feedparser, per-entry reading); NotAFeed / ParseError are answers, not crashes
    json     parse_feed with a JSON Feed content type (jsonfeed.py: dates, numbers, nesting)
    html     watchers.feeds.text.html_fragment_to_text: entry HTML
    page     decode_html then html_to_text: a fetched article page (charset, trafilatura, the fallback)
    rules    rules.load.parse_rules, then Matcher.compile of what it accepts: a rules file
    command  the chat commands' argument parsers: split_args, parse_window (/quotes), parse_duration and
             the /mute bounds, check_id, find_speaker; UserError (the polite answer) is not a crash

A crash is any other exception. The harness catches it, writes the input to
`<out>/<target>/crash-<sha1>` with its traceback beside it (one per distinct exception type and
place), and goes on fuzzing, so one bug does not end the run; libFuzzer's own findings (a timeout,
memory over the limit) end that target's run and are kept the same way. Every crash found and fixed
is a regression test in tests/test_fuzz_regressions.py.

Prints a table (executions, distinct crashes per target) and one JSON line. atheris is optional (the
`fuzz` extra); nothing in the tests needs it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
TARGETS = ("feed", "json", "html", "page", "rules", "command")
MAX_LEN = 16384  # bytes per input: enough for every structure, small enough for many executions
INPUT_TIMEOUT = 10  # seconds one input may take before libFuzzer reports it
RSS_LIMIT_MB = 2048

# -- seeds


def seeds(target: str) -> list[bytes]:
    feeds = sorted((DATA / "feeds").glob("*"))
    if target == "feed":
        return [p.read_bytes()[:MAX_LEN] for p in feeds if p.suffix in (".xml", ".rdf", ".html")] + [
            b'<rss version="2.0"><channel><item><title>x</title><pubDate>Mon, 01 Jan 0001 00:00:00 +0100'
            b"</pubDate></item></channel></rss>",
            b"\xef\xbb\xbf<?xml version='1.0' encoding='utf-16'?><feed xmlns='http://www.w3.org/2005/Atom'/>",
        ]
    if target == "json":
        return [p.read_bytes()[:MAX_LEN] for p in feeds if p.suffix == ".json"] + [
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": 1, "date_published": '
            b'"0001-01-01T00:00:00+01:00", "content_html": "<p>x</p>"}]}',
        ]
    if target in ("html", "page"):
        pages = [p.read_bytes()[:MAX_LEN] for p in feeds if p.suffix == ".html"]
        return pages + [b"<p>One.<br>Two</p><script>x</script><pre>a\nb</pre>", b'<meta charset="rot13"><p>x']
    if target == "rules":
        return [p.read_bytes()[:MAX_LEN] for p in sorted((DATA / "rules").glob("*.toml"))] + [
            (ROOT / "config.example.toml").read_bytes()[:MAX_LEN]
        ]
    if target == "command":
        return [b"kovalenko 7d", b'"Marta Kovalenko" 10', b"x 99999999999999999999d", b"grain-desk off",
                b"\xe2\x80\x9cKova lenko\xe2\x80\x9d 1h30m"]
    raise ValueError(target)


# -- targets (run inside the fuzzed process)


def _target(name: str) -> tuple[Callable[[bytes], object], tuple[type[BaseException], ...]]:
    """The function under test for `name` and the exceptions that are its documented answers."""
    from datetime import UTC, datetime

    from rules.model import Feed

    feed = Feed(id="fuzz", url="https://fuzz.example/feed", name="Fuzz Wire")
    now = datetime(2026, 11, 16, 12, 0, tzinfo=UTC)
    if name in ("feed", "json"):
        from watchers.feeds.errors import ParseError
        from watchers.feeds.parse import parse_feed

        headers = {"content-type": "application/feed+json"} if name == "json" else {}
        return (lambda data: parse_feed(data, headers, feed, now)), (ParseError,)
    if name == "html":
        from watchers.feeds.text import html_fragment_to_text

        return (lambda data: html_fragment_to_text(data.decode("utf-8", "surrogateescape"))), ()
    if name == "page":
        from watchers.feeds.text import decode_html, html_to_text

        return (lambda data: html_to_text(decode_html(data, None), "https://fuzz.example/a")), ()
    if name == "rules":
        from rules.load import parse_rules
        from rules.match import Matcher

        def rules(data: bytes) -> object:
            parsed, _problems = parse_rules(data.decode("utf-8", "replace"), "fuzz.toml")
            return Matcher.compile(parsed) if parsed is not None else None

        return rules, ()
    if name == "command":
        return _command_target()
    raise ValueError(name)


def _command_target() -> tuple[Callable[[bytes], object], tuple[type[BaseException], ...]]:
    from bot.commands.admin import MAX_MUTE, check_id
    from bot.commands.base import UserError, split_args
    from bot.commands.queries import find_speaker, parse_window
    from rules.duration import parse_duration
    from rules.load import parse_rules

    parsed, problems = parse_rules((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    assert parsed is not None, problems
    speakers = parsed.speakers

    def command(data: bytes) -> object:
        text = data.decode("utf-8", "replace")
        try:
            words = split_args(text)
        except UserError:
            words = text.split()
        for word in words[:8]:
            for check in (parse_window, check_id, lambda w: find_speaker(w, speakers)):
                with contextlib.suppress(UserError):
                    check(word)
            try:  # /mute's arithmetic: a duration within MAX_MUTE becomes a date
                seconds = parse_duration(word)
            except ValueError:
                continue
            if 0 < seconds <= MAX_MUTE:
                datetime_from(time.time() + seconds)
        return words

    return command, (UserError,)


def datetime_from(stamp: float) -> object:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(stamp, UTC)


def run_target(name: str, out: Path, seconds: int) -> int:
    """In the child: fuzz one target with atheris until the budget is spent."""
    import atheris  # the `fuzz` extra

    with atheris.instrument_imports(include=["watchers", "rules", "bot", "feedparser", "tomllib", "json"]):
        function, expected = _target(name)
    out.mkdir(parents=True, exist_ok=True)
    corpus = out / "corpus"
    corpus.mkdir(exist_ok=True)
    for seed in seeds(name):
        (corpus / hashlib.sha1(seed).hexdigest()).write_bytes(seed)
    seen: set[str] = {p.name.removesuffix(".txt") for p in out.glob("crash-*.txt")}
    stats = out / "stats.json"
    executions = [0]
    last_write = [0.0]

    def one_input(data: bytes) -> None:
        executions[0] += 1
        try:
            function(data)
        except expected:
            pass
        except RecursionError as exc:  # recorded like any other crash, but the stack is long
            _record(out, seen, data, exc)
        except Exception as exc:
            _record(out, seen, data, exc)
        now = time.monotonic()
        if now - last_write[0] > 1.0:
            last_write[0] = now
            _write_stats(stats, executions[0], len(seen))

    atheris.Setup(
        [sys.argv[0], f"-max_total_time={seconds}", f"-max_len={MAX_LEN}", f"-timeout={INPUT_TIMEOUT}",
         f"-rss_limit_mb={RSS_LIMIT_MB}", f"-artifact_prefix={out}/", "-print_final_stats=1", str(corpus)],
        one_input,
    )
    atheris.Fuzz()
    return 0


def _where(exc: BaseException) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f"{os.sep}site-packages{os.sep}" not in f.filename
              or "feedparser" in f.filename]
    frames = frames or list(traceback.extract_tb(exc.__traceback__))
    return f"{Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else "?"


def _record(out: Path, seen: set[str], data: bytes, exc: BaseException) -> None:
    signature = hashlib.sha1(f"{type(exc).__name__}@{_where(exc)}".encode()).hexdigest()[:12]
    if signature in seen:
        return
    seen.add(signature)
    (out / f"crash-{signature}").write_bytes(data)
    text = "".join(traceback.format_exception(exc, limit=-12))
    (out / f"crash-{signature}.txt").write_text(f"{type(exc).__name__} at {_where(exc)}\n\n{text}", encoding="utf-8")


def _write_stats(path: Path, executions: int, crashes: int) -> None:
    path.write_text(json.dumps({"executions": executions, "crashes": crashes}), encoding="utf-8")


# -- the parent: one child per target, restarted after a libFuzzer finding until the budget is spent

_DONE = re.compile(r"Done (\d+) runs in (\d+) second")
_STAT = re.compile(r"stat::number_of_executed_units:\s*(\d+)")


def fuzz(name: str, seconds: int, out: Path) -> dict[str, Any]:
    target_dir = out / name
    target_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + seconds
    executions = 0
    findings: list[str] = []  # libFuzzer's own: timeouts, out-of-memory, crashes it caught
    runs = 0
    while (left := int(deadline - time.monotonic())) > 2:
        runs += 1
        log = target_dir / f"run-{runs}.log"
        with log.open("wb") as f:
            subprocess.run([sys.executable, "-m", "bench.fuzz", "--child", name, "--out", str(target_dir),
                            "--seconds", str(left)], cwd=ROOT, stdout=f, stderr=subprocess.STDOUT, check=False,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
        text = log.read_text(errors="replace")
        counted = [int(m) for m in _STAT.findall(text)] or [int(m.group(1)) for m in _DONE.finditer(text)]
        if counted:
            executions += counted[-1]
        else:  # ended by a finding before libFuzzer's summary: our own count
            stats = target_dir / "stats.json"
            executions += json.loads(stats.read_text())["executions"] if stats.exists() else 0
        for artifact in ("timeout-", "oom-", "slow-unit-", "leak-"):
            findings += [p.name for p in target_dir.glob(f"{artifact}*") if p.name not in findings]
        if "Done" in text and "runs in" in text:
            break  # the budget ran out normally
    crashes = sorted(p.name for p in target_dir.glob("crash-*") if not p.name.endswith(".txt"))
    return {"target": name, "seconds": seconds, "executions": executions, "crashes": len(crashes),
            "crash_files": crashes, "libfuzzer_findings": findings, "restarts": runs - 1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help=f"some of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--seconds", type=int, default=60, help="budget per target (default 60)")
    parser.add_argument("--out", help="keep corpora and crashes here (default: a temporary directory)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return run_target(args.child, Path(args.out), args.seconds)
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("bench.fuzz needs atheris: pip install -e '.[fuzz]'", file=sys.stderr)
        return 2
    targets = args.targets or list(TARGETS)
    unknown = set(targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="quotewatch-fuzz-") as tmp:
        out = Path(args.out) if args.out else Path(tmp)
        rows = []
        for name in targets:
            row = fuzz(name, args.seconds, out)
            rows.append(row)
            print(f"  {name:<8} {row['executions']:>9,} executions  {row['crashes']} crashes  "
                  f"{len(row['libfuzzer_findings'])} timeouts/oom", flush=True)
            for crash in row["crash_files"]:
                print(f"    {(out / name / (crash + '.txt')).read_text(errors='replace').splitlines()[0]}"
                      f"  ({out / name / crash})", flush=True)
    print(f"\n{'target':<8} {'seconds':>8} {'executions':>11} {'exec/s':>7} {'crashes':>8} {'timeouts/oom':>13}")
    for r in rows:
        print(f"{r['target']:<8} {r['seconds']:>8} {r['executions']:>11,} {r['executions'] / r['seconds']:>7.0f} "
              f"{r['crashes']:>8} {len(r['libfuzzer_findings']):>13}")
    print(json.dumps({"benchmark": "fuzz", "engine": "atheris", "seconds_per_target": args.seconds,
                      "targets": rows}))
    return 1 if any(r["crashes"] or r["libfuzzer_findings"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
