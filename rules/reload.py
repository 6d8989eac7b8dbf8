"""Pick up edits to the rules file while the bot runs; a broken edit never replaces good rules.

    reloader = Reloader(path, on_change=apply)     # loads now; raises RulesError if the file is bad
    ...
    reloader.check()                               # cheap: a stat() when nothing changed

`check` compares the file's (mtime_ns, size) with the last look and, only when they differ, reads it
and compares a hash of the bytes, so touching the file or saving it unchanged reloads nothing. New text
that fails validation is logged problem by problem (once per distinct broken content, not on every poll)
and kept out: `rules` stays the last good set. Nothing here blocks for long (one file of at most 1 MB);
the service calls `check` from a worker thread, with the matcher compile that follows a change
(bot.live_rules), and `run` polls from an asyncio task where a short parse on the loop is fine.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from rules.load import RulesError, decode_source, parse_rules, read_source
from rules.model import Problem, Rules

log = logging.getLogger(__name__)

# How often `run` looks at the file: quick enough that an admin sees an edit take effect while still
# looking at the chat, rare enough to cost nothing.
DEFAULT_POLL_SECONDS = 2.0
# Filesystems with coarse timestamps can give two writes in quick succession the same mtime; while the
# file's mtime is this recent, its bytes are hashed on every check instead of trusting the stat.
RACY_SECONDS = 2.0


class Reloader:
    """The current good rules from `path`, replaced when the file changes into valid rules."""

    def __init__(self, path: Path | str, on_change: Callable[[Rules], None] | None = None) -> None:
        self.path = Path(path)
        self.on_change = on_change
        self.last_problems: list[Problem] = []
        self._stat: tuple[int, int] | None = None
        data, problems = read_source(self.path)
        rules = self._parse(data, problems)
        if rules is None:
            raise RulesError(self.last_problems)
        assert data is not None
        self._rules = rules
        self._digest = _digest(data)
        self._digest_problems: list[Problem] = []  # what parsing the content with _digest found

    @property
    def rules(self) -> Rules:
        return self._rules

    def check(self) -> bool:
        """Reload if the file changed; True when new rules were swapped in."""
        try:
            info = os.stat(self.path)
        except OSError as e:
            # An editor that saves by delete-and-rename can leave no file for a moment: keep going.
            self._report([Problem(str(self.path), 1, 1, f"cannot read the rules file: {e.strerror or e}")])
            return False
        signature = (info.st_mtime_ns, info.st_size)
        racy = time.time() - info.st_mtime_ns / 1e9 < RACY_SECONDS
        if signature == self._stat and not racy:
            return False
        data, problems = read_source(self.path)
        if data is None:
            self._report(problems)
            return False
        self._stat = signature
        digest = _digest(data)
        if digest == self._digest:
            self.last_problems = self._digest_problems  # e.g. after a moment without a file
            return False
        self._digest = digest  # broken content is reported once, not on every poll
        rules = self._parse(data, problems)
        self._digest_problems = self.last_problems
        if rules is None:
            log.error(
                "rules file %s has %d problem(s); keeping the last good rules",
                self.path,
                len(self.last_problems),
            )
            for problem in self.last_problems:
                log.error("%s", problem)
            return False
        self._rules = rules
        log.info(
            "rules reloaded from %s: %d feeds, %d speakers, %d topics, %d watches",
            self.path,
            len(rules.feeds),
            len(rules.speakers),
            len(rules.topics),
            len(rules.watches),
        )
        if self.on_change is not None:
            try:
                self.on_change(rules)
            except Exception:
                # The new rules are in force either way; a failing listener must not stop the polling.
                log.exception("applying reloaded rules from %s failed", self.path)
        return True

    async def run(self, interval: float = DEFAULT_POLL_SECONDS) -> None:
        """Poll forever (until cancelled)."""
        while True:
            await asyncio.sleep(interval)
            self.check()

    def _parse(self, data: bytes | None, problems: list[Problem]) -> Rules | None:
        rules: Rules | None = None
        if data is not None:
            text, problems = decode_source(data, str(self.path))
            if text is not None:
                rules, problems = parse_rules(text, str(self.path))
        self.last_problems = problems
        return rules

    def _report(self, problems: list[Problem]) -> None:
        if problems != self.last_problems:
            for problem in problems:
                log.warning("%s", problem)
        self.last_problems = problems


def _digest(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()
