"""One set of rules for a fleet of workers sharing one PostgreSQL database.

On SQLite (one process) nothing here runs: the rules are the file's, as always (rules.reload). On
PostgreSQL the rules in force are the newest version published in the database (rules_versions, through
watchers.store.postgres.rules_pub), and every worker's file follows it:

    an edit on one host    the file edited by hand or by an admin's command (rules.edit): once it is
                           valid, it is published as the next version, then applied here. Invalid text
                           is reported on that host and published nowhere: applied by all or by none.
    every other worker     hears the NOTIFY (LISTEN on a connection of its own, reconnected when lost; a
                           version check every VERSION_CHECK_SECONDS besides), validates the version,
                           applies it and writes it to its own file, so the next edit there starts
                           from it.
    two edits at once      publishing is compare-and-set on the version the text was edited from: the
                           first wins; the other host is told (an admin's command answers "not
                           applied"), its text is kept at <file>.conflict and its file gets the winner.
    at start               <file>.fleet-version remembers which version the file was last in step
                           with. A file still equal to it gets the newest version (this host was
                           down while the fleet moved on); a file edited since (while the service was
                           stopped) is published, as an edit, from that version. A host new to the
                           fleet (no marker) whose file differs takes the fleet's version; its own
                           text is kept at <file>.conflict and the log says so.

A version that does not validate here (published by another quotewatch release) is not applied: the
log says so and the version in force stays; at start it is an error, so a worker never serves rules
the rest of the fleet does not.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.live_rules import LiveRules
from rules.atomicfile import replace_file
from rules.load import RulesError, decode_source, parse_rules, read_source
from rules.model import Problem, Rules
from rules.reload import RACY_SECONDS, Reloader
from watchers.store import StoreError, is_postgres_url

if TYPE_CHECKING:  # psycopg loads only for installs on PostgreSQL (live_rules imports it there)
    from watchers.store.postgres.rules_pub import RulesTable, RulesVersion

log = logging.getLogger("quotewatch.rules")

# The version check besides LISTEN: a NOTIFY lost with its connection is made up for within this long
# (plus the service's rules check interval), well inside the fleet's 10 s.
VERSION_CHECK_SECONDS = 5.0
MARKER_SUFFIX = ".fleet-version"
CONFLICT_SUFFIX = ".conflict"


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class FleetRules:
    """The rules in force on this worker (a source for bot.live_rules.LiveRules, like rules.reload's
    Reloader); see the module docstring for what happens to the file."""

    def __init__(self, path: Path, table: RulesTable, rules: Rules, *, by: str, check_seconds: float) -> None:
        self.path = path
        self.table = table
        self.by = by
        self.check_seconds = check_seconds
        from watchers.store.postgres.rules_pub import RulesListener

        self.listener = RulesListener(table.url)
        self.last_problems: list[Problem] = []
        self._rules = rules
        self._version = 0  # in force; 0 before the first sync
        self._sha: str | None = None  # of the text in force
        self._stat: tuple[int, int] | None = None
        self._file_sha: str | None = None  # of the file's text when last looked at
        self._next_db = 0.0
        self._said: set[str] = set()  # what was logged once (a broken text, a bad version)
        self._aside: str | None = None  # sha of the text last kept at <file>.conflict
        self._db_error: str | None = None  # the database trouble last logged

    @property
    def rules(self) -> Rules:
        return self._rules

    @property
    def version(self) -> int:
        return self._version

    @classmethod
    def open(cls, reloader: Reloader, table: RulesTable, *, by: str | None = None,
             check_seconds: float = VERSION_CHECK_SECONDS) -> FleetRules:
        """In step with the fleet (blocking: call it off the loop); RulesError when the fleet's version
        is not valid here, StoreError when the database cannot be used."""
        self = cls(reloader.path, table, reloader.rules, by=by or worker_name(), check_seconds=check_seconds)
        found = self._read_file()
        if found is None:  # gone or unreadable since the Reloader read it a moment ago
            raise RulesError([Problem(str(self.path), 1, 1, "cannot read the rules file")])
        text, sha = found
        self._sha = sha  # the file's rules are the ones loaded so far
        marker = self._read_marker()
        newest = table.latest()
        if newest is not None and (newest.sha == sha or (marker is not None and marker[1] == sha)):
            self._adopt_or_fail(newest)  # in step, or unedited since: the fleet's version
            return self
        rules, problems = parse_rules(text, str(self.path))
        if rules is None:
            raise RulesError(problems)
        published, ours = table.publish(text, self.by, None if marker is None else marker[0], _now())
        if ours:
            self._in_force(rules, published)
            log.info("rules version %d published from %s", published.version, self.path)
            return self
        newest = published
        aside = self._keep_aside(text)
        log.warning("the rules file %s differs from the fleet's rules (version %d, published by %s); the "
                    "fleet's version is in force and written to the file%s", self.path, newest.version,
                    newest.published_by, f"; this file's text is kept at {aside}" if aside else "")
        self._adopt_or_fail(newest)
        return self

    def wake(self) -> None:
        """A NOTIFY came: the next check asks the database at once."""
        self._next_db = 0.0

    def check(self) -> bool:
        """Publish a valid edit of the file; apply a newer version; True when the rules in force changed."""
        found = self._read_file()
        if found is not None and found[1] != self._sha:
            text, sha = found
            rules, problems = parse_rules(text, str(self.path))
            if rules is None:
                self.last_problems = problems
                if self._once(f"broken:{sha}"):
                    log.error("rules file %s has %d problem(s); not published, the fleet's version %d stays "
                              "in force", self.path, len(problems), self._version)
                    for problem in problems:
                        log.error("%s", problem)
            else:
                return self._publish(text, rules)
        elif found is not None:
            self.last_problems = []  # the file is back to the text in force
        if time.monotonic() < self._next_db:
            return False
        self._next_db = time.monotonic() + self.check_seconds
        try:
            # Another version than the one in force: normally a newer one; an older one only when the
            # database was restored from a backup, and then the database is still what the fleet follows.
            version = self.table.newest_version()
            newest = self.table.latest() if version is not None and version != self._version else None
        except StoreError as e:
            self._db_trouble(f"cannot check for new rules versions ({e}); trying again")
            return False
        self._db_error = None
        return newest is not None and newest.version != self._version and self._apply(newest)

    def close(self) -> None:
        self.table.close()

    # -- steps

    def _publish(self, text: str, rules: Rules) -> bool:
        try:
            newest, ours = self.table.publish(text, self.by, self._version, _now())
        except StoreError as e:
            self._stat = self._file_sha = None  # look again (and try again) at the next check
            self.last_problems = [Problem(str(self.path), 1, 1, f"not applied: cannot publish the edit ({e})")]
            self._db_trouble(f"cannot publish the edit of {self.path} to the fleet ({e}); not applied, trying again")
            return False
        self._db_error = None
        if ours:
            self._in_force(rules, newest)
            log.info("rules version %d published from %s: %d feeds, %d speakers, %d topics, %d watches",
                     newest.version, self.path, len(rules.feeds), len(rules.speakers), len(rules.topics),
                     len(rules.watches))
            return True
        aside = self._keep_aside(text)
        message = (f"not applied: rules version {newest.version} was published by {newest.published_by} "
                   f"since version {self._version}, which this edit started from; the file gets version "
                   f"{newest.version}" + (f" and this text is kept at {aside}" if aside else "") + " — edit again")
        self.last_problems = [Problem(str(self.path), 1, 1, message)]
        log.error("%s: %s", self.path, message)
        self._next_db = 0.0  # the winner is applied at the next check
        return False

    def _apply(self, newest: RulesVersion) -> bool:
        """Validate the fleet's newest version, write it to the file, swap it in; False if invalid here."""
        if f"version:{newest.version}" in self._said:
            return False  # found invalid here before: not parsed again every check
        rules, problems = parse_rules(newest.text, str(self.path))
        if rules is None:
            if self._once(f"version:{newest.version}"):
                log.error("rules version %d (published by %s) is not valid for this quotewatch (%d problem(s)); "
                          "version %d stays in force. First: %s", newest.version, newest.published_by,
                          len(problems), self._version, problems[0] if problems else "?")
            return False
        # Read now, not as last looked at: a save a moment ago (a broken one, not published) is kept.
        text = self._current_text()
        sha = rules_sha(text) if text else None
        if sha not in (None, self._sha, newest.sha, self._aside) and (aside := self._keep_aside(text)):
            log.warning("the rules file %s held an edit that was not published; kept at %s", self.path, aside)
        self._file_sha = sha
        self._write_file(newest)
        self._in_force(rules, newest)
        log.info("rules version %d from %s in force", newest.version, newest.published_by)
        return True

    def _adopt_or_fail(self, newest: RulesVersion) -> None:
        if not self._apply(newest):
            rules, problems = parse_rules(newest.text, f"rules version {newest.version}")
            raise RulesError(problems)

    def _in_force(self, rules: Rules, version: RulesVersion) -> None:
        self._rules, self._version, self._sha = rules, version.version, version.sha
        self.last_problems = []
        self._write_marker(version)

    # -- the file and its companions

    def _read_file(self) -> tuple[str, str] | None:
        """(text, sha) of the file when it changed since the last look; None otherwise or if unreadable."""
        try:
            info = os.stat(self.path)
        except OSError:
            return None  # a save by delete-and-rename: looked at again at the next check
        signature = (info.st_mtime_ns, info.st_size)
        if signature == self._stat and time.time() - info.st_mtime_ns / 1e9 >= RACY_SECONDS:
            return None
        data, _ = read_source(self.path)
        text = None if data is None else decode_source(data, str(self.path))[0]
        if text is None:
            return None
        self._stat = signature
        sha = rules_sha(text)
        if sha == self._file_sha:
            return None
        self._file_sha = sha
        return text, sha

    def _current_text(self) -> str:
        try:
            return self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return ""

    def _write_file(self, version: RulesVersion) -> None:
        if self._file_sha == version.sha:
            return
        try:
            replace_file(self.path, version.text.encode("utf-8"))
        except OSError as e:
            if self._once(f"write:{e}"):
                log.warning("cannot write the fleet's rules (version %d) to %s (%s); it is in force here all "
                            "the same, but the file differs from it", version.version, self.path, e)
            return
        self._file_sha = version.sha

    def _keep_aside(self, text: str) -> Path | None:
        """Keep a text the fleet's version replaces at <file>.conflict (once per text)."""
        aside = self.path.with_name(self.path.name + CONFLICT_SUFFIX)
        if not text or rules_sha(text) == self._aside:
            return aside if text else None
        try:
            replace_file(aside, text.encode("utf-8"))
        except OSError as e:
            log.warning("cannot keep the replaced rules text at %s (%s)", aside, e)
            return None
        self._aside = rules_sha(text)
        return aside

    def _read_marker(self) -> tuple[int, str] | None:
        try:
            found = json.loads(self.path.with_name(self.path.name + MARKER_SUFFIX).read_text(encoding="utf-8"))
            return int(found["version"]), str(found["sha"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _write_marker(self, version: RulesVersion) -> None:
        marker = self.path.with_name(self.path.name + MARKER_SUFFIX)
        try:
            replace_file(marker, json.dumps({"version": version.version, "sha": version.sha}).encode())
        except OSError as e:
            if self._once(f"marker:{e}"):
                log.warning("cannot write %s (%s): at the next start this host's file is taken for the "
                            "fleet's only if it is equal to it", marker, e)

    def _db_trouble(self, message: str) -> None:
        """Log the database's trouble once until it changes or passes (checks run every few seconds)."""
        if message != self._db_error:
            log.warning("%s", message)
        self._db_error = message

    def _once(self, key: str) -> bool:
        if key in self._said:
            return False
        self._said.add(key)
        return True


def rules_sha(text: str) -> str:
    from watchers.store.postgres.rules_pub import rules_sha as sha

    return sha(text)


def _now() -> datetime:
    return datetime.now(UTC)


@asynccontextmanager
async def live_rules(reloader: Reloader, db: str, stop: asyncio.Event, *, by: str | None = None,
                     check_seconds: float = VERSION_CHECK_SECONDS) -> AsyncIterator[LiveRules]:
    """The service's LiveRules: on SQLite the file's (unchanged); on PostgreSQL the fleet's, with the
    LISTEN task running until the block ends."""
    if not is_postgres_url(db):
        yield await LiveRules.start(reloader)
        return
    from watchers.store.postgres.rules_pub import RulesTable

    table = await asyncio.to_thread(RulesTable, db.strip())
    try:
        fleet = await asyncio.to_thread(FleetRules.open, reloader, table, by=by, check_seconds=check_seconds)
        live = await LiveRules.start(fleet)

        async def on_new() -> None:
            fleet.wake()
            await live.check()

        task = asyncio.create_task(fleet.listener.run(on_new, stop), name="rules channel")
        try:
            yield live
        finally:
            task.cancel()
            await asyncio.wait({task})
    finally:
        await asyncio.to_thread(table.close)
