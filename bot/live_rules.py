"""The rules in force in the running service and the matcher compiled from them, rebuilt off the event
loop and swapped in as one.

    live = await LiveRules.start(source)     # the first compile, in a worker thread
    live.rules, live.matcher                 # what the bot and the pipeline use now
    live.on_change = apply                   # called on the loop with (rules, matcher) after each swap
    await live.check()                       # the file changed? read, check, compile off the loop, swap

The rules come from a source: rules.reload's Reloader (the file), or on PostgreSQL bot.fleet_rules'
FleetRules (the fleet's published version, which the file follows); either has `rules`,
`last_problems` and a blocking `check()`. Reading and validating the file (rules.reload), compiling the matcher (rules.match: ~0.3 s at 10,000
speakers) and indexing the speakers for /quotes and /search (rules.lookup) all run in one worker
thread, so the loop keeps taking updates, sending and polling meanwhile. Until the new version is
complete the old one serves, whole: `rules` and `matcher` change together, in one assignment on the
loop, never one without the other. Checks run one at a time (a poll and an admin's edit never compile
at once or swap out of order); a broken file or a failing compile leaves the last good version in force.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from rules.gcpause import collector_paused
from rules.inflect import warm_up
from rules.lookup import speaker_index
from rules.match import Matcher
from rules.model import Problem, Rules

log = logging.getLogger("quotewatch.rules")


class RulesSource(Protocol):
    """Where the rules in force come from (rules.reload.Reloader, bot.fleet_rules.FleetRules)."""

    @property
    def rules(self) -> Rules: ...
    @property
    def last_problems(self) -> list[Problem]: ...
    def check(self) -> bool:
        """Blocking (run in a worker thread): True once `rules` changed into a new valid version."""


class LiveRules:
    """The current (rules, matcher) of a service; see the module docstring."""

    def __init__(self, reloader: RulesSource, matcher: Matcher) -> None:
        self.reloader = reloader
        self._current = (reloader.rules, matcher)
        self.on_change: Callable[[Rules, Matcher], None] | None = None
        self._lock = asyncio.Lock()

    @classmethod
    async def start(cls, reloader: RulesSource) -> LiveRules:
        """The reloader's rules with their matcher, compiled off the loop."""
        return cls(reloader, await asyncio.to_thread(build, reloader.rules))

    @property
    def rules(self) -> Rules:
        return self._current[0]

    @property
    def matcher(self) -> Matcher:
        return self._current[1]

    async def check(self) -> bool:
        """Reload the rules file if it changed into valid rules; True once the new version is in force.

        The problems of a broken file are in `reloader.last_problems` (and logged by the reloader)."""
        async with self._lock:
            try:
                built = await asyncio.to_thread(self._reload)
            except Exception:
                # A bug in compiling, not the file's fault (that would be a problem, reported): the
                # service goes on with the version it has.
                log.exception("compiling the reloaded rules failed; the previous rules stay in force")
                return False
            if built is None:
                return False
            self._current = built
            if self.on_change is not None:
                try:
                    self.on_change(*built)
                except Exception:
                    log.exception("applying the reloaded rules failed")
            return True

    def _reload(self) -> tuple[Rules, Matcher] | None:
        """In the worker thread: the new rules and their matcher, or None when nothing changed.

        A garbage collection holds the GIL throughout, so the loop waits for any that runs here. The
        collector is paused while the file is parsed (a full collection over the heap, the old
        matcher in it, while the file's objects piled up stalled the loop for 200 ms at 10,000
        speakers), and the compile and the index pause it themselves (rules.gcpause): three short
        young collections instead of one long one."""
        with collector_paused():
            changed = self.reloader.check()
        if not changed:
            return None
        rules = self.reloader.rules
        return rules, build(rules)


def build(rules: Rules) -> Matcher:
    """What a rules version needs before it can serve: its matcher, its speakers' index (kept by
    rules.lookup for the bot's look-ups), and, if the rules read Russian, pymorphy3's dictionary
    (rules.inflect.warm_up: else the first Russian statement would load it in the store's thread)."""
    matcher = Matcher.compile(rules)
    speaker_index(rules.speakers)
    warm_up(rules)
    return matcher
