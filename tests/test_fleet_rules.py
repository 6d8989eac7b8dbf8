"""One set of rules for a fleet (bot.fleet_rules): workers on one temporary PostgreSQL, each with its
own rules file, as on separate hosts. An edit on one reaches the others by LISTEN/NOTIFY, an invalid
edit reaches none, two edits at once cannot both win, a lost channel is reconnected, and the version
check makes up for a lost notification. On SQLite nothing changes."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, closing
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from pg_server import PostgresServer

from bot.fleet_rules import CONFLICT_SUFFIX, MARKER_SUFFIX, FleetRules, live_rules
from bot.live_rules import LiveRules
from bot.service import Tuning, serve
from rules import edit as rules_edit
from rules.load import RulesError
from rules.model import Rules
from rules.reload import Reloader
from tests.fake_telegram import TOKEN
from tests.test_service import ADMIN, Telegram, ask, running, until, write_config
from watchers.store.postgres.rules_pub import LISTENER_NAME, RulesTable

pytestmark = pytest.mark.postgresql

DATA = Path(__file__).parent / "data" / "rules"
BASE = (DATA / "commented.toml").read_text(encoding="utf-8")
# An edit a person would make: another alias for the trade minister.
EDITED = BASE.replace('"Brekke", "Trade Minister"', '"Brekke", "Trade Minister", "Minister Brekke"')
BROKEN = BASE.replace('id = "brekke"', 'id = "Brekke"')  # ids are lowercase: a validation error
NEVER = 3600.0  # a version check interval no test waits for: what arrives came by NOTIFY


@pytest.fixture
def pg_url(pg_server: PostgresServer) -> Iterator[str]:
    url = pg_server.create_database()
    yield url
    pg_server.drop_database(url)


def host(tmp_path: Path, name: str, text: str = BASE) -> Path:
    """A host's rules file (a directory of its own, like another machine's /var/lib/quotewatch)."""
    (tmp_path / name).mkdir()
    path = tmp_path / name / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def aliases(rules: Rules, speaker: str = "brekke") -> tuple[str, ...]:
    found = rules.speaker(speaker)
    return () if found is None else found.aliases


def versions(url: str) -> list[tuple[int, str, str]]:
    with psycopg.connect(url, autocommit=True) as db:
        if db.execute("SELECT to_regclass('rules_versions')").fetchone() == (None,):
            return []  # a service still setting the database up
        return [(v, t, by) for v, t, by in db.execute("SELECT version, text, published_by FROM rules_versions ORDER BY 1")]


class Worker:
    """The rules part of one `quotewatch run`: its LiveRules on the fleet, the LISTEN task, and (`ticking`)
    the service's periodic check of the file."""

    def __init__(self, live: LiveRules) -> None:
        self.live = live
        fleet = live.reloader
        assert isinstance(fleet, FleetRules)
        self.fleet = fleet
        self.swaps: list[Rules] = []
        live.on_change = lambda rules, matcher: self.swaps.append(rules)

    @property
    def rules(self) -> Rules:
        return self.live.rules


@asynccontextmanager
async def worker(path: Path, url: str, name: str, *, check_seconds: float = NEVER,
                 ticking: float | None = None) -> AsyncIterator[Worker]:
    stop = asyncio.Event()
    async with live_rules(Reloader(path), url, stop, by=name, check_seconds=check_seconds) as live:
        w = Worker(live)
        await asyncio.wait_for(w.fleet.listener.connected.wait(), 10)
        ticker = asyncio.create_task(_tick(live, ticking, stop)) if ticking else None
        try:
            yield w
        finally:
            stop.set()
            if ticker is not None:
                await ticker


async def _tick(live: LiveRules, every: float, stop: asyncio.Event) -> None:
    while not stop.is_set():
        await asyncio.sleep(every)
        await live.check()


async def test_an_edit_of_the_file_on_one_worker_reaches_the_other(tmp_path: Path, pg_url: str) -> None:
    a_path, b_path = host(tmp_path, "a"), host(tmp_path, "b")
    async with worker(a_path, pg_url, "host-a") as a, worker(b_path, pg_url, "host-b") as b:
        assert [v for v, _, _ in versions(pg_url)] == [1]  # the first worker published its file
        a_path.write_text(EDITED, encoding="utf-8")
        assert await a.live.check() is True  # the service's next look at the file
        assert "Minister Brekke" in aliases(a.rules)
        # B neither looks at its file nor checks the version (NEVER): only the NOTIFY can bring it.
        await until(lambda: "Minister Brekke" in aliases(b.rules), "the edit to reach host B")
        assert b_path.read_text(encoding="utf-8") == EDITED  # B's file follows, for its next edit
        assert [(v, by) for v, _, by in versions(pg_url)] == [(1, "host-a"), (2, "host-a")]
        assert a.fleet.version == b.fleet.version == 2
        assert b.swaps == [b.rules]


async def test_an_admin_edit_from_chat_reaches_the_other_worker(tmp_path: Path, pg_url: str) -> None:
    a_path, b_path = host(tmp_path, "a"), host(tmp_path, "b")
    async with worker(a_path, pg_url, "host-a") as a, worker(b_path, pg_url, "host-b") as b:
        # What /track does: rules.edit on this host's file, then the service reloads at once.
        await asyncio.to_thread(rules_edit.add_speaker, a_path, "halvorsen", "Lene Halvorsen", ["Halvorsen"])
        assert await a.live.check() is True
        await until(lambda: b.rules.speaker("halvorsen") is not None, "the new speaker on host B")
        assert "# Edited by hand and by the bot" in b_path.read_text(encoding="utf-8")  # comments travel too
        assert b.live.matcher is not None and [h.id for h in b.live.matcher.speakers("Halvorsen said.")] == ["halvorsen"]


async def test_an_invalid_edit_is_applied_by_none(tmp_path: Path, pg_url: str, caplog: pytest.LogCaptureFixture) -> None:
    a_path, b_path = host(tmp_path, "a"), host(tmp_path, "b")
    async with worker(a_path, pg_url, "host-a") as a, worker(b_path, pg_url, "host-b") as b:
        before_a = a.rules
        a_path.write_text(BROKEN, encoding="utf-8")
        with caplog.at_level(logging.ERROR, logger="quotewatch.rules"):
            assert await a.live.check() is False
        assert a.rules is before_a and any("not a valid id" in p.message for p in a.fleet.last_problems)
        assert "not published" in caplog.text
        assert [v for v, _, _ in versions(pg_url)] == [1]  # nothing for anyone to apply
        # The person fixes the file: that version goes out, and it is the only change B ever saw.
        a_path.write_text(EDITED, encoding="utf-8")
        assert await a.live.check() is True
        await until(lambda: "Minister Brekke" in aliases(b.rules), "the fixed edit on host B")
        assert len(b.swaps) == 1 and b.fleet.version == 2
        assert [t for _, t, _ in versions(pg_url)] == [BASE, EDITED]


async def test_two_edits_at_once_one_wins_and_the_other_host_is_told(tmp_path: Path, pg_url: str) -> None:
    paths = [host(tmp_path, "a"), host(tmp_path, "b")]
    texts = [EDITED, BASE.replace('aliases = ["Oduya"]', 'aliases = ["Oduya", "port chief"]')]
    async with worker(paths[0], pg_url, "host-a") as a, worker(paths[1], pg_url, "host-b") as b:
        for path, text in zip(paths, texts, strict=True):  # both edited from version 1
            path.write_text(text, encoding="utf-8")
        await asyncio.gather(a.live.check(), b.live.check())
        [(_, _, _), (_, winner, by)] = versions(pg_url)  # exactly one of the two became version 2
        loser = 1 - texts.index(winner)
        assert by == ("host-a", "host-b")[1 - loser]
        for path in paths:
            await until(lambda p=path: p.read_text(encoding="utf-8") == winner, f"{path} to get the winner")
        for w in (a, b):
            await until(lambda w=w: w.fleet.version == 2, "the winner in force on both")
        conflict = paths[loser].with_name("config.toml" + CONFLICT_SUFFIX)
        assert conflict.read_text(encoding="utf-8") == texts[loser]  # the losing edit is not lost
        assert not paths[1 - loser].with_name("config.toml" + CONFLICT_SUFFIX).exists()
        assert [t for _, t, _ in versions(pg_url)] == [BASE, winner]


async def test_an_admin_edit_that_loses_the_race_is_refused_with_the_reason(tmp_path: Path, pg_url: str) -> None:
    b_path = host(tmp_path, "b")
    table = RulesTable(pg_url)
    with closing(table):
        fleet = FleetRules.open(Reloader(b_path), table, by="host-b", check_seconds=NEVER)
        # Meanwhile host A published version 2; B's admin edits B's file, still at version 1.
        published, ours = table.publish(EDITED, "host-a", 1, datetime.now(UTC))
        assert ours and published.version == 2
        rules_edit.add_alias(b_path, "oduya", "port chief")
        assert fleet.check() is False
        [problem] = fleet.last_problems
        assert "not applied: rules version 2 was published by host-a" in problem.message
        assert fleet.check() is True  # the next look applies the winner
        assert b_path.read_text(encoding="utf-8") == EDITED and fleet.version == 2


def test_an_edit_the_database_could_not_take_is_published_at_the_next_check(tmp_path: Path, pg_url: str) -> None:
    path = host(tmp_path, "a")
    with closing(RulesTable(pg_url)) as table:
        fleet = FleetRules.open(Reloader(path), table, by="host-a", check_seconds=NEVER)
        with psycopg.connect(pg_url, autocommit=True) as db:  # the server drops the publishing connection
            db.execute("SELECT pg_terminate_backend(%s)", (table._db.info.backend_pid,))
        path.write_text(EDITED, encoding="utf-8")
        assert fleet.check() is False
        [problem] = fleet.last_problems
        assert "not applied: cannot publish the edit" in problem.message  # what an admin's command answers
        assert "Minister Brekke" not in aliases(fleet.rules)
        assert fleet.check() is True  # reconnected: the same edit goes out
        assert fleet.version == 2 and [t for _, t, _ in versions(pg_url)] == [BASE, EDITED]


def test_at_start_the_file_and_the_fleet_are_brought_in_step(
    tmp_path: Path, pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    a_path = host(tmp_path, "a")
    with closing(RulesTable(pg_url)) as table:
        first = FleetRules.open(Reloader(a_path), table, by="host-a")
        assert first.version == 1 and a_path.with_name("config.toml" + MARKER_SUFFIX).is_file()
        # A host that was down while the fleet moved on: its file is unedited since version 1.
        table.publish(EDITED, "host-b", 1, datetime.now(UTC))
        again = FleetRules.open(Reloader(a_path), table, by="host-a")
        assert again.version == 2 and a_path.read_text(encoding="utf-8") == EDITED
        assert not a_path.with_name("config.toml" + CONFLICT_SUFFIX).exists()
        # Edited while the service was stopped: published, as an edit of version 2.
        third = EDITED.replace('"Oduya"]', '"Oduya", "port chief"]')
        a_path.write_text(third, encoding="utf-8")
        edited = FleetRules.open(Reloader(a_path), table, by="host-a")
        assert edited.version == 3 and [t for _, t, _ in versions(pg_url)][-1] == third
        # A host new to the fleet, with a file of its own: the fleet's version wins, its text is kept.
        c_path = host(tmp_path, "c", BASE)
        with caplog.at_level(logging.WARNING, logger="quotewatch.rules"):
            newcomer = FleetRules.open(Reloader(c_path), table, by="host-c")
        assert newcomer.version == 3 and c_path.read_text(encoding="utf-8") == third
        assert c_path.with_name("config.toml" + CONFLICT_SUFFIX).read_text(encoding="utf-8") == BASE
        assert "differs from the fleet's rules (version 3" in caplog.text


def test_a_fleet_version_this_worker_cannot_validate_stops_its_start(tmp_path: Path, pg_url: str) -> None:
    a_path = host(tmp_path, "a")
    with closing(RulesTable(pg_url)) as table:
        # e.g. published by a newer quotewatch that knows a key this one does not
        table.publish(BASE + '\n[[speakers]]\nid = "x"\nname = "X"\nrank = 3\n', "host-new", None,
                      datetime.now(UTC))
        with pytest.raises(RulesError):
            FleetRules.open(Reloader(a_path), table, by="host-a")
        assert a_path.read_text(encoding="utf-8") == BASE  # the file was not touched


def test_a_running_worker_keeps_its_rules_when_the_fleets_newest_is_invalid_here(
    tmp_path: Path, pg_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    path = host(tmp_path, "a")
    with closing(RulesTable(pg_url)) as table:
        fleet = FleetRules.open(Reloader(path), table, by="host-a")
        before = fleet.rules
        newer = BASE + '\n[[speakers]]\nid = "x"\nname = "X"\nrank = 3\n'  # a key this release does not know
        table.publish(newer, "host-new", 1, datetime.now(UTC))
        with caplog.at_level(logging.ERROR, logger="quotewatch.rules"):
            assert fleet.check() is False
            fleet.wake()
            assert fleet.check() is False  # and not parsed and logged again at every check
        assert fleet.rules is before and fleet.version == 1
        assert path.read_text(encoding="utf-8") == BASE
        assert caplog.text.count("rules version 2 (published by host-new) is not valid for this quotewatch") == 1


async def test_a_lost_channel_is_reconnected_and_catches_up(tmp_path: Path, pg_url: str) -> None:
    a_path, b_path = host(tmp_path, "a"), host(tmp_path, "b")
    async with worker(a_path, pg_url, "host-a") as a, worker(b_path, pg_url, "host-b") as b:
        b.fleet.listener.retry_first = 0.2
        with psycopg.connect(pg_url, autocommit=True) as db:
            [(pid,)] = db.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s AND pid = %s",
                                  (LISTENER_NAME, b.fleet.listener.backend_pid)).fetchall()
            db.execute("SELECT pg_terminate_backend(%s)", (pid,))  # the server drops B's channel
            a_path.write_text(EDITED, encoding="utf-8")
            assert await a.live.check() is True  # published while B may have no channel at all
            await until(lambda: "Minister Brekke" in aliases(b.rules), "host B to catch up after reconnecting")
            await until(lambda: b.fleet.listener.connected.is_set(), "host B to listen again")
            assert b.fleet.listener.backend_pid not in (None, pid)


async def test_the_version_check_makes_up_for_a_lost_notification(tmp_path: Path, pg_url: str) -> None:
    a_path, b_path = host(tmp_path, "a"), host(tmp_path, "b")
    with closing(RulesTable(pg_url)) as table:
        async with worker(a_path, pg_url, "host-a") as a:
            # B without any channel: only its service loop's checks, which ask for the version.
            fleet = await asyncio.to_thread(FleetRules.open, Reloader(b_path), table, by="host-b",
                                            check_seconds=0.1)
            b = await LiveRules.start(fleet)
            stop = asyncio.Event()
            ticker = asyncio.create_task(_tick(b, 0.1, stop))
            try:
                a_path.write_text(EDITED, encoding="utf-8")
                assert await a.live.check() is True
                await until(lambda: "Minister Brekke" in aliases(b.rules), "host B's version check")
            finally:
                stop.set()
                await ticker


async def test_on_sqlite_the_rules_are_the_files_as_before(tmp_path: Path) -> None:
    path = host(tmp_path, "a")
    reloader = Reloader(path)
    async with live_rules(reloader, str(tmp_path / "history.db"), asyncio.Event()) as live:
        assert live.reloader is reloader
        assert not path.with_name("config.toml" + MARKER_SUFFIX).exists()


async def test_two_services_on_one_database_share_one_set_of_rules(tmp_path: Path, pg_url: str) -> None:
    """The real `quotewatch run` twice (no Telegram token: console alerts), each with its own file."""
    text = BASE.replace('url = "https://harbour-wire.example.org/rss.xml"',
                        'url = "http://127.0.0.1:9/rss.xml"\nallow_private = true')
    text = text.replace('[settings]\n', f'[settings]\ndb = "{pg_url}"\n')
    paths = [host(tmp_path, "a", text), host(tmp_path, "b", text)]
    stops = [asyncio.Event(), asyncio.Event()]
    tuning = Tuning(rules_check_seconds=0.2, startup_spread=0.1)
    async with AsyncExitStack() as stack:
        tasks = [asyncio.create_task(serve(p, stop=s, tuning=tuning)) for p, s in zip(paths, stops, strict=True)]
        stack.push_async_callback(_stop_all, tasks, stops)
        await until(lambda: len(versions(pg_url)) == 1 and all(
            p.with_name("config.toml" + MARKER_SUFFIX).exists() for p in paths), "both services to start", 30)
        edited = text.replace('"Brekke", "Trade Minister"', '"Brekke", "Minister Brekke"')
        paths[0].write_text(edited, encoding="utf-8")
        await until(lambda: paths[1].read_text(encoding="utf-8") == edited, "the edit on the second host")
        assert [t for _, t, _ in versions(pg_url)] == [text, edited]
        # A broken save on the first host is published nowhere; the second host's next edit wins over
        # it there too (the broken text is kept aside, not lost).
        broken = edited.replace('id = "brekke"', 'id = "Brekke"')
        paths[0].write_text(broken, encoding="utf-8")
        third = edited.replace('"Oduya"]', '"Oduya", "port chief"]')
        paths[1].write_text(third, encoding="utf-8")
        await until(lambda: paths[0].read_text(encoding="utf-8") == third, "the edit back on the first host")
        assert [t for _, t, _ in versions(pg_url)] == [text, edited, third]
        assert paths[0].with_name("config.toml" + CONFLICT_SUFFIX).read_text(encoding="utf-8") == broken
        assert not any(t.done() for t in tasks)


async def _stop_all(tasks: list[asyncio.Task[int]], stops: list[asyncio.Event]) -> None:
    for s in stops:
        s.set()
    assert [await asyncio.wait_for(t, 20) for t in tasks] == [0, 0]



async def test_an_admin_edit_from_chat_reaches_a_worker_on_another_host(
    tmp_path: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/track on the bot's host; the other host is a separate `quotewatch run` process (no token: it
    prints alerts) with its own copy of the rules file. The edit reaches its file and its rules."""
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("QUOTEWATCH_DB", pg_url)
    async with Telegram(max_poll_timeout=0.2) as fake:
        (tmp_path / "a").mkdir()
        config_a = write_config(tmp_path / "a", fake)  # no feeds: only the rules matter here
        config_b = host(tmp_path, "b", config_a.read_text(encoding="utf-8"))
        env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
        with open(tmp_path / "b.log", "wb") as log_b:
            other = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", "--config", str(config_b), env=env, cwd=tmp_path / "b",
                stdout=log_b, stderr=asyncio.subprocess.STDOUT)
            try:
                await until(lambda: config_b.with_name("config.toml" + MARKER_SUFFIX).exists(),
                            "the other host to join the fleet", 30)
                async with running(config_a, fake):
                    reply = await ask(fake, ADMIN, '/track halvorsen "Lene Halvorsen" Halvorsen', user_id=ADMIN)
                    assert "Now tracking Lene Halvorsen" in reply
                    await until(lambda: 'id = "halvorsen"' in config_b.read_text(encoding="utf-8"),
                                "the edit on the other host")
                    assert "rules version 2 from" in await _log_line(tmp_path / "b.log", "rules version 2 from")
                    reply = await ask(fake, ADMIN, "/watch bad-watch nobody", user_id=ADMIN)
                    assert reply.startswith("Not changed")  # refused on the bot's host: published nowhere
                assert [v for v, _, _ in versions(pg_url)] == [1, 2]
            finally:
                other.send_signal(signal.SIGTERM)
                assert await asyncio.wait_for(other.wait(), 30) == 0


async def _log_line(path: Path, needle: str) -> str:
    await until(lambda: needle in path.read_text(encoding="utf-8", errors="replace"), f"{needle!r} in {path}")
    return next(line for line in path.read_text(encoding="utf-8").splitlines() if needle in line)
