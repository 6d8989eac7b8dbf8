"""Extraction off the event loop: statements and keyword hits of one article, computed in a worker
process (or, where a pool is not wanted, a thread).

Extraction is pure CPU in Python: on the event loop it stalls every poll, send and Telegram update
for as long as an article takes (a hostile one took seconds), and in threads the GIL would
serialise it. So the service runs it in a process pool, one worker per core:

    extractor = await start_extractor(workers=2)     # a ProcessExtractor, or None: use in_thread
    found = await extractor.run(text, title, matcher, rules)    # matcher compiled from rules
    await extractor.aclose()                         # on service stop

    found = await in_thread(extract_and_scan, text, title, matcher)   # the fallback

How a worker gets the matcher: it compiles it from the rules, once per rules version. The parent
pickles the rules (not the matcher) into a private file when it first sees a new matcher, each
call names the version and the file, and a worker compiles on its first article of that version,
then keeps the matcher. Measured at 10,000 speakers: the rules pickle in 15 ms; the compiled
matcher would pickle in 0.4 s (15 MB, one C call holding the GIL, so a stall of the loop at every
reload) and unpickle in 0.7 s, no cheaper for a worker than compiling (0.9 s, and less once
compiling gets faster). Sending either with every call would copy it through the pipe per article.

Any other pure, CPU-heavy step the service must be able to stop at once goes through the same pool
with `call` (feed parsing and article-page text, whose libraries cannot be interrupted in a thread):

    parsed = await extractor.call(parse_feed, content, headers, feed, now)

What a worker logs is collected and logged again in the service, as if there (see _Capture). At
stop, work in progress gets SHUTDOWN_GRACE_SECONDS and the workers are then terminated, so no
article or feed, however hostile, holds the service past systemd's stop timeout.

The fallback, `in_thread`, keeps the loop free of the work (the loop still shares the GIL with it,
so it gets the interpreter's switch interval, 5 ms, between slices): it is what `scan`, the tests
and platforms without forkserver or spawn use, where starting processes costs more than it saves.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from rules.match import Matcher
from watchers.model import Statement
from watchers.statements.extract import extract_statements
from watchers.statements.rulesdir import new_rules_dir

if TYPE_CHECKING:
    from rules.match import Hit
    from rules.model import Rules

log = logging.getLogger(__name__)
T = TypeVar("T")

# How long service stop waits for the article or feed a worker is in the middle of before the workers
# are terminated: the whole stop must fit in 5 s (systemd's stop timeout is longer, a user's patience
# not), and a terminated worker loses nothing (the article stays unseen, the feed is read again).
SHUTDOWN_GRACE_SECONDS = 1.0
# Worker processes at most, however many cores: each compiles and holds its own matcher.
MAX_WORKERS = 8
# How often a worker checks that the service is still there (see _exit_with_service).
ORPHAN_CHECK_SECONDS = 0.5
# How much lower the workers' CPU priority is than the service's (see _init_worker).
WORKER_NICENESS = 10
# Rules versions a worker keeps compiled: the current rules and the ones just replaced (an article
# taken before a reload may still be in flight).
KEPT_VERSIONS = 2


@dataclass(frozen=True)
class Extracted:
    """What the pipeline needs from an article's text: its statements and its keyword hits."""

    statements: list[Statement]
    text_hits: list[Hit]
    title_hits: list[Hit]


def extract_and_scan(text: str, title: str, matcher: Matcher, lang: str = "en") -> Extracted:
    """The unit of work, wherever it runs: pure. `lang` is the article's language."""
    return Extracted(extract_statements(text, matcher, lang=lang), matcher.scan(text), matcher.scan(title))


_thread: ThreadPoolExecutor | None = None


async def in_thread(fn: Callable[..., T], *args: object) -> T:
    """fn(*args) on the one extraction thread of this process (the fallback to the pool): off the
    loop, and one article at a time, as the matcher's memo of fuzzy look-ups wants (it is reset
    when full, which a second scan at the same moment would trip over)."""
    global _thread
    if _thread is None:
        _thread = ThreadPoolExecutor(1, thread_name_prefix="extract")
    return await asyncio.get_running_loop().run_in_executor(_thread, partial(fn, *args))


# -- in the worker process
_matchers: dict[int, Matcher] = {}
# The records logged by the call in progress, in a form that pickles (see _portable).
_captured: list[dict[str, Any]] = []
# The record attributes every LogRecord has; the rest of a record's __dict__ is its `extra`.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class _Capture(logging.Handler):
    """The worker's only log handler: records are kept for the service to log (a forkserver worker
    has none of the service's handlers, formatters or redaction)."""

    def emit(self, record: logging.LogRecord) -> None:
        _captured.append(_portable(record))


def _portable(record: logging.LogRecord) -> dict[str, Any]:
    try:
        message = record.getMessage()
    except Exception:
        message = str(record.msg)
    exc_text = record.exc_text
    if record.exc_info and not exc_text:
        exc_text = logging.Formatter().formatException(record.exc_info)
    extra = {k: v for k, v in record.__dict__.items() if k not in _STANDARD and isinstance(v, str | int | float)}
    return {"name": record.name, "levelno": record.levelno, "pathname": record.pathname,
            "lineno": record.lineno, "funcName": record.funcName, "msg": message, "exc_text": exc_text,
            "extra": extra}


def replay(records: list[dict[str, Any]]) -> None:
    """Log a worker's records in this process: through this process's record factory (redaction,
    token scrubbing), loggers, filters and handlers."""
    factory = logging.getLogRecordFactory()
    for r in records:
        logger = logging.getLogger(r["name"])
        if not logger.isEnabledFor(r["levelno"]):
            continue
        record = factory(r["name"], r["levelno"], r["pathname"], r["lineno"], r["msg"], None, None, r["funcName"])
        record.exc_text = r["exc_text"]
        for key, value in r["extra"].items():
            record.__dict__.setdefault(key, value)
        logger.handle(record)


def _call(fn: Callable[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[bool, Any, list[dict[str, Any]]]:
    """fn(*args, **kwargs) in a worker: (ok, result or exception, the records it logged)."""
    _captured.clear()
    try:
        result: Any = fn(*args, **kwargs)
        ok = True
    except Exception as exc:  # raised again in the service, after its records are logged
        result, ok = exc, False
    records = list(_captured)
    _captured.clear()
    return ok, result, records


def _init_worker(service: int, level: int = logging.WARNING) -> None:
    # Ctrl-C reaches the whole process group: the parent decides when workers stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    root = logging.getLogger()
    root.handlers[:] = [_Capture()]
    root.setLevel(level)
    # Below the service's own priority: with every core busy extracting, the event loop (fetches,
    # sends, Telegram updates) still gets the CPU the moment it has something to do.
    with suppress(OSError, AttributeError):
        os.nice(WORKER_NICENESS)
    threading.Thread(target=_exit_with_service, args=(service,), name="orphan watch", daemon=True).start()


def _exit_with_service(service: int) -> None:
    """A worker whose service was killed (kill -9: no shutdown) would wait for work forever, holding
    the service's stdout and stderr open (and so would the forkserver, which lives as long as any
    process it forked): it exits once the service's process is gone."""
    while True:
        time.sleep(ORPHAN_CHECK_SECONDS)
        try:
            os.kill(service, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:  # the pid is someone else's now
            os._exit(0)


def _work(version: int, path: str, text: str, title: str, lang: str = "en") -> Extracted:
    matcher = _matchers.get(version)
    if matcher is None:
        with open(path, "rb") as f:
            matcher = Matcher.compile(pickle.load(f))
        _matchers[version] = matcher
        for old in sorted(_matchers)[:-KEPT_VERSIONS]:
            del _matchers[old]
    return extract_and_scan(text, title, matcher, lang)


def _ready() -> bool:
    return True


# -- in the parent
class ProcessExtractor:
    """Extraction in a pool of worker processes (see the module docstring)."""

    def __init__(self, workers: int, context: multiprocessing.context.BaseContext) -> None:
        self.workers = workers
        self._context = context
        self._pool = self._new_pool()
        self._dir = new_rules_dir()
        self._matcher: Matcher | None = None
        self._version = 0
        self._saved: asyncio.Future[str] | None = None
        self._closing = False  # aclose() began: a worker it terminates is no reason for a new pool

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            self.workers, mp_context=self._context, initializer=_init_worker,
            initargs=(os.getpid(), logging.getLogger().getEffectiveLevel()),
        )

    async def start(self) -> None:
        """Start every worker now, so the first articles do not wait for process start-up."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._pool, _ready) for _ in range(self.workers)))

    async def run(self, text: str, title: str, matcher: Matcher, rules: Rules, lang: str = "en") -> Extracted:
        """Statements and hits of one article in language `lang`, by `matcher` (which must be compiled
        from `rules`: a worker compiles its own from them)."""
        if matcher is not self._matcher:
            self._matcher = matcher
            self._version += 1
            path = os.path.join(self._dir.name, f"rules-{self._version}.pickle")
            self._saved = asyncio.ensure_future(asyncio.to_thread(_save, rules, path, self._version))
        version, saved = self._version, self._saved
        assert saved is not None
        path = await saved
        found: Extracted = await self.call(_work, version, path, text, title, lang)
        return found

    async def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """fn(*args, **kwargs) in a worker (fn and its arguments must pickle: a module-level function
        and plain data); what it logs is logged here, what it raises is raised here."""
        pool = self._pool
        try:
            ok, result, records = await asyncio.get_running_loop().run_in_executor(
                pool, _call, fn, args, kwargs
            )
        except BrokenProcessPool:
            # A worker died (killed, out of memory): the articles it and its pool had in hand fail
            # (they stay unseen and come again on the next poll); a new pool takes the next ones.
            if pool is self._pool and not self._closing:
                log.error("an extraction worker died; starting new workers")
                self._pool = self._new_pool()
                pool.shutdown(wait=False, cancel_futures=True)
            raise
        replay(records)
        if not ok:
            raise result
        return result  # type: ignore[no-any-return]

    async def aclose(self) -> None:
        """Stop the workers: queued articles are dropped (they stay unseen and come again on the next
        poll), the one in progress gets SHUTDOWN_GRACE_SECONDS, then the workers are terminated."""
        self._closing = True
        pool = self._pool
        processes = list(getattr(pool, "_processes", {}).values())  # for terminate() only
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = asyncio.get_running_loop().time() + SHUTDOWN_GRACE_SECONDS
        for p in processes:
            while p.is_alive() and asyncio.get_running_loop().time() < deadline:
                await asyncio.sleep(0.02)
            if p.is_alive():
                log.warning("extraction worker %s did not stop in time; terminated", p.pid)
                p.terminate()
        await asyncio.to_thread(pool.shutdown, wait=True)
        self._dir.cleanup()


def _save(rules: Rules, path: str, version: int) -> str:
    """Pickle the rules to `path` and drop the files of versions no worker keeps any more."""
    with open(path + ".tmp", "wb") as f:
        pickle.dump(rules, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(path + ".tmp", path)
    folder = os.path.dirname(path)
    for old in range(max(1, version - 2 * KEPT_VERSIONS), version - KEPT_VERSIONS):
        with suppress(FileNotFoundError):
            os.remove(os.path.join(folder, f"rules-{old}.pickle"))
    return path


def pool_context() -> multiprocessing.context.BaseContext | None:
    """forkserver where the platform has it (a fork of the running service would copy its threads'
    locks mid-use), else spawn; None where neither works."""
    methods = multiprocessing.get_all_start_methods()
    for method in ("forkserver", "spawn"):
        if method in methods:
            ctx = multiprocessing.get_context(method)
            if method == "forkserver":
                ctx.set_forkserver_preload([__name__])
            return ctx
    return None


def default_workers() -> int:
    """One worker per core the process may use (at most MAX_WORKERS)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        cores = os.cpu_count() or 1
    return max(1, min(MAX_WORKERS, cores))


async def start_extractor(workers: int) -> ProcessExtractor | None:
    """A process pool of `workers` (started and ready); None (extract `in_thread`) when workers <= 0
    or the platform cannot start worker processes."""
    if workers <= 0:
        return None
    context = pool_context()
    if context is None:
        log.info("no way to start worker processes here; extracting on a thread")
        return None
    extractor = ProcessExtractor(workers, context)
    try:
        await extractor.start()
    except Exception as e:
        log.warning("extraction workers failed to start (%s); extracting on a thread", e)
        await extractor.aclose()
        return None
    return extractor
