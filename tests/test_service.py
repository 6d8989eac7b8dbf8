"""`quotewatch run` end to end: the real `serve()` against the fake Bot API server and served feeds.

Every peer is a real server on 127.0.0.1: FakeTelegram (tests/fake_telegram.py) and FeedServer
(tests/feedserver.py). Time is made short through the config (feed interval "1s") and `Tuning`
(rules checked every 0.2 s, the outbox every 0.05 s). The crash test runs `python -m bot run` as a
subprocess and kills it with SIGKILL in the middle of a burst of sends.

Fixture prose: fictional outlets (Northgate Wire, Harbour Gazette) and fictional people.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from feedserver import FeedServer

from bot.connection import SECRET_HEADER
from bot.ratelimit import Limits
from bot.service import Tuning, serve
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.test_delivery import seed_story
from watchers.store import Store

ADMIN = 1000
USER = 2000
CHANNEL = "@graindesk"
ROOT = Path(__file__).resolve().parents[1]

FAST = Tuning(rules_check_seconds=0.2, status_seconds=60.0, sender_poll_seconds=0.05,
              limits=Limits.unlimited(), startup_spread=0.1, long_poll_timeout=1)

RULES = """\
# Service test rules. This comment must survive the bot's edits.
[settings]
db = "{db}"
backfill = "1h"

[telegram]
base_url = "{base_url}"
admins = [{admin}]
{telegram_extra}

[[feeds]]
id = "wire"
name = "Northgate Wire"
url = "{wire}"
interval = "1s"
allow_private = true

[[feeds]]
id = "gazette"
name = "Harbour Gazette"
url = "{gazette}"
interval = "1s"
allow_private = true

[[speakers]]
id = "varga"
name = "Ilse Varga"
aliases = ["Varga", "Agriculture Minister Ilse Varga"]

[[topics]]
id = "grain"
any = ["grain", "harvest", "export quotas"]

# Alerts also go to the desk's channel, which never subscribes.
[[watches]]
id = "grain-watch"
speakers = ["varga"]
topics = ["grain"]
chats = ["{channel}"]
"""

WIRE_VARGA = (
    "dornland-quotas",
    "Dornland will keep grain export quotas through spring",
    "<p>VESKA (Northgate Wire) - Dornland will keep its grain export quotas in place until at least April, "
    "the agriculture ministry said on Thursday.</p>"
    "<p>\"The quotas stay until the spring harvest is in, and we will review them only then,\" Agriculture "
    "Minister Ilse Varga told reporters in Veska.</p>"
    "<p>Millers have lobbied for an early end to the quotas since the autumn.</p>",
)
GAZETTE_VARGA = (
    "gazette-varga-quotas",
    "Varga: grain quotas stay until the spring harvest",
    "<p>Dornland's grain export quotas will not be lifted before the spring, the government confirmed.</p>"
    "<p>\"The quotas stay until the spring harvest is in,\" minister Ilse Varga said on Thursday, adding "
    "that a review would follow.</p>",
)
WIRE_TAMM = (
    "dornland-ports",
    "Port chief warns of grain backlog at Veska",
    "<p>VESKA (Northgate Wire) - Grain ships are queuing for up to nine days outside Veska, the port "
    "authority said on Friday.</p>"
    "<p>\"We cannot load more grain until the second berth is repaired,\" harbour master Oskar Tamm told "
    "Northgate Wire.</p>",
)


def rss(title: str, base: str, items: list[tuple[str, str, str]]) -> str:
    """An RSS document whose items were all published now (inside the backfill window)."""
    now = format_datetime(datetime.now(UTC), usegmt=True)
    body = "".join(
        f"<item><title>{t}</title><link>{base}/{guid}</link><guid isPermaLink=\"false\">{guid}</guid>"
        f"<pubDate>{now}</pubDate><description><![CDATA[{d}]]></description></item>"
        for guid, t, d in items
    )
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>' \
           f"<link>{base}/</link>{body}</channel></rss>"


class Telegram(FakeTelegram):
    """The shared fake, plus setWebhook / getWebhookInfo, and (send_delay) a Telegram that accepts a
    message and only answers after a while: the window in which a hard kill makes a duplicate."""

    def __init__(self, *args: Any, send_delay: float = 0.0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.send_delay = send_delay
        self.webhook: dict[str, Any] | None = None

    async def __aenter__(self) -> Telegram:
        await self.start()
        return self

    async def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        self.webhook = params
        return True

    async def _m_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": 0}

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        result = await super()._m_sendMessage(params)
        if self.send_delay:
            await asyncio.sleep(self.send_delay)
        return result


async def until(condition: Callable[[], object], what: str, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(tmp_path: Path, fake: FakeTelegram, feeds: FeedServer | None = None,
                 telegram_extra: str = "", base_url: str | None = None) -> Path:
    text = RULES.format(
        db=tmp_path / "history.db", base_url=base_url or fake.url, admin=ADMIN, telegram_extra=telegram_extra,
        wire=feeds.url("/wire") if feeds else "http://127.0.0.1:9/wire",
        gazette=feeds.url("/gazette") if feeds else "http://127.0.0.1:9/gazette", channel=CHANNEL,
    )
    if feeds is None:  # no feeds at all: only the outbox matters
        text = text.split("[[feeds]]")[0] + "[[speakers]]" + text.split("[[speakers]]", 1)[1]
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


@asynccontextmanager
async def running(config: Path, fake: FakeTelegram, tuning: Tuning = FAST) -> AsyncIterator[asyncio.Task[int]]:
    """serve() as a task, up once the bot has published its menu; stopped (stop event) on exit."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(config, stop=stop, tuning=tuning))
    await until(lambda: fake.commands or task.done(), "the bot to start")
    if task.done():
        raise AssertionError(f"serve() ended at start-up with {task.result()}")
    try:
        yield task
    finally:
        stop.set()
        if not task.done():
            assert await asyncio.wait_for(task, 15) == 0


async def ask(fake: FakeTelegram, chat: int, text: str, *, user_id: int | None = None) -> str:
    before = len(fake.messages(chat))
    fake.user_says(chat, text, user_id=user_id)
    await until(lambda: len(fake.messages(chat)) > before, f"a reply to {text!r}")
    return fake.messages(chat)[before].text


def alerts_in(fake: FakeTelegram, chat: int | str, needle: str) -> list[Any]:
    return [m for m in fake.messages(chat) if needle in m.text]


@pytest.fixture(autouse=True)
def token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    return TOKEN


# ---------------------------------------------------------------------------------------------------
# The whole loop: subscribe, feed, alert, second outlet, queries, admin edits, channel, /status


async def test_subscribe_alert_edit_queries_and_admin_track(
    tmp_path: Path, feed_server: FeedServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    wire: list[tuple[str, str, str]] = []
    feed_server.serve("/wire", rss("Northgate Wire", "https://wire.example", wire))
    feed_server.serve("/gazette", rss("Harbour Gazette", "https://gazette.example", []))
    async with Telegram(max_poll_timeout=0.2) as fake:
        config = write_config(tmp_path, fake, feed_server)
        async with running(config, fake):
            assert "Subscribed to grain-watch" in await ask(fake, USER, "/subscribe grain-watch")

            # The wire publishes Varga on grain: one alert in the subscriber's chat and in the channel.
            wire.append(WIRE_VARGA)
            feed_server.serve("/wire", rss("Northgate Wire", "https://wire.example", wire))
            quote = "The quotas stay until the spring harvest is in"
            await until(lambda: alerts_in(fake, USER, quote) and alerts_in(fake, CHANNEL, quote), "the alert")
            [alert] = alerts_in(fake, USER, quote)
            assert "Ilse Varga" in alert.text and "Northgate Wire" in alert.text
            [send] = [c for c in fake.sent() if c.params["chat_id"] == USER and quote in c.params["text"]]
            assert send.params["parse_mode"] == "HTML"
            assert send.params["link_preview_options"]["is_disabled"] is True

            # A second outlet carries the same statement: the same message is edited, none is added.
            feed_server.serve("/gazette", rss("Harbour Gazette", "https://gazette.example", [GAZETTE_VARGA]))
            await until(lambda: "Harbour Gazette" in fake.chat(USER).messages[alert.message_id].text,
                        "the edit naming the second outlet")
            assert alert.edits >= 1 and len(alerts_in(fake, USER, quote)) == 1
            await until(lambda: "Harbour Gazette" in alerts_in(fake, CHANNEL, quote)[0].text, "the channel's edit")
            assert len(alerts_in(fake, CHANNEL, quote)) == 1

            # Queries answer from the store.
            assert quote in await ask(fake, USER, "/quotes varga")
            assert "result(s)" in await ask(fake, USER, "/search quotas")

            # Rules edits: refused to a user; an admin's edit keeps the comments and takes effect.
            before = config.read_text()
            assert "only the bot's admins" in await ask(fake, USER, '/track tamm "Oskar Tamm" Tamm')
            assert config.read_text() == before
            assert "Now tracking Oskar Tamm" in await ask(fake, ADMIN, '/track tamm "Oskar Tamm" Tamm "harbour master"')
            assert "Watch port-grain added" in await ask(fake, ADMIN, "/watch port-grain tamm grain")
            text = config.read_text()
            assert "This comment must survive" in text and "never subscribes" in text and 'id = "tamm"' in text
            assert "Subscribed" in await ask(fake, USER, "/subscribe port-grain")
            wire.append(WIRE_TAMM)
            feed_server.serve("/wire", rss("Northgate Wire", "https://wire.example", wire))
            tamm = "We cannot load more grain"
            await until(lambda: alerts_in(fake, USER, tamm), "the new speaker's alert")
            assert "Oskar Tamm" in alerts_in(fake, USER, tamm)[0].text
            assert not alerts_in(fake, CHANNEL, tamm)  # the channel is only in grain-watch

            assert "only the bot's admins" in await ask(fake, USER, "/status")
            status = await ask(fake, ADMIN, "/status feeds")  # every feed; plain /status lists those in error
            assert "quotewatch" in status and ", up " in status and "Outbox: 0 pending" in status
            assert "last poll" in status and "wire: last ok" in status and "next poll" in status
    assert TOKEN not in caplog.text


# ---------------------------------------------------------------------------------------------------
# Stopping in the middle of a burst loses nothing and sends nothing twice


def seed_outbox(db: Path, chats: list[int], stories: int) -> list[tuple[int, str]]:
    """Stories already queued for every chat (what a restart finds); returns the (chat, quote) pairs."""
    expected = []
    now = datetime.now(UTC)  # recent: the service prunes history older than the retention at start
    with Store(str(db)) as store:
        for n in range(stories):
            quote = f"Statement number {n} on the grain harvest stands."
            seed_story(store, f"burst-{n}", speaker_id="varga", speaker="Ilse Varga", quotes=(quote,),
                       published=now)
            for chat in chats:
                store.enqueue(chat, f"burst-{n}", "send")
                expected.append((chat, quote))
    return expected


def delivered(fake: FakeTelegram, expected: list[tuple[int, str]]) -> dict[tuple[int, str], int]:
    return {(chat, quote): len(alerts_in(fake, chat, quote)) for chat, quote in expected}


@pytest.mark.parametrize("how", ["stop", "cancel"])
async def test_stop_during_a_burst_then_restart_delivers_the_rest_once(tmp_path: Path, how: str) -> None:
    chats = [3000 + i for i in range(20)]
    expected = seed_outbox(tmp_path / "history.db", chats, stories=3)
    async with Telegram(max_poll_timeout=0.2, send_delay=0.2) as fake:
        config = write_config(tmp_path, fake)
        stop = asyncio.Event()
        task = asyncio.create_task(serve(config, stop=stop, tuning=FAST))
        await until(lambda: fake.calls_to("sendMessage"), "the burst to start")
        if how == "stop":
            stop.set()
            assert await asyncio.wait_for(task, 15) == 0
        else:
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await asyncio.wait_for(task, 15)
        first = delivered(fake, expected)
        assert 0 < sum(first.values()) < len(expected)  # stopped mid-burst
        assert max(first.values()) == 1  # the sends in flight finished and were recorded

        async with running(config, fake):
            await until(lambda: all(delivered(fake, expected).values()), "the rest after the restart")
        assert set(delivered(fake, expected).values()) == {1}  # everything, and nothing twice


# ---------------------------------------------------------------------------------------------------
# kill -9 of the real process in the middle of delivery


async def wait_process(proc: asyncio.subprocess.Process, timeout: float) -> int:
    return await asyncio.wait_for(proc.wait(), timeout)


async def test_kill_9_mid_delivery_then_restart_delivers_everything(tmp_path: Path) -> None:
    chats = [4000 + i for i in range(8)]
    expected = seed_outbox(tmp_path / "history.db", chats, stories=3)
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "bot", "run", "--config"]
    async with Telegram(max_poll_timeout=0.2, send_delay=0.1) as fake:
        config = write_config(tmp_path, fake)
        first = await asyncio.create_subprocess_exec(
            *command, str(config), cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        # Telegram's real flood limits apply (1 message/s per private chat): three waves of sends.
        await until(lambda: len(fake.sent()) >= len(chats) + 2, "the second wave of sends", timeout=20)
        first.send_signal(signal.SIGKILL)
        await wait_process(first, 10)
        out1, err1 = await first.communicate()
        after_crash = delivered(fake, expected)
        assert sum(after_crash.values()) < len(expected)

        second = await asyncio.create_subprocess_exec(
            *command, str(config), cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        await until(lambda: all(delivered(fake, expected).values()), "every alert after the restart", timeout=20)
        second.send_signal(signal.SIGTERM)  # a graceful stop: exit code 0
        assert await wait_process(second, 15) == 0
        out2, err2 = await second.communicate()

    counts = delivered(fake, expected)
    assert min(counts.values()) == 1  # every alert arrived
    for chat in chats:  # a chat has at most one send in flight, so at most one duplicate per crash
        assert sum(counts[(chat, q)] for c, q in expected if c == chat) - 3 <= 1
    logs = (out1 + err1 + out2 + err2).decode()
    assert TOKEN not in logs and TOKEN.split(":")[1] not in logs
    assert "Telegram bot @quotewatch_test_bot started" in logs


# ---------------------------------------------------------------------------------------------------
# Webhook mode


async def test_webhook_sets_the_secret_and_refuses_updates_without_it(tmp_path: Path) -> None:
    port = free_port()
    secret = "s3cret-for-the-webhook_test"
    extra = (f'mode = "webhook"\nwebhook_listen = "127.0.0.1:{port}"\n'
             f'webhook_url = "https://bot.example.org/qw/hook"\nwebhook_secret = "{secret}"')
    async with Telegram(max_poll_timeout=0.2) as fake:
        config = write_config(tmp_path, fake, telegram_extra=extra)
        async with running(config, fake):
            await until(lambda: fake.webhook, "setWebhook")
            assert fake.webhook is not None
            assert fake.webhook["url"] == "https://bot.example.org/qw/hook"
            assert fake.webhook["secret_token"] == secret
            assert not fake.calls_to("getUpdates")

            hook = f"http://127.0.0.1:{port}/qw/hook"
            update = fake.user_says(USER, "/start")
            fake.updates.clear()  # delivered by the webhook below, not by getUpdates
            async with httpx.AsyncClient() as client:
                wrong = await client.post(hook, json=update, headers={SECRET_HEADER: "guess"})
                missing = await client.post(hook, json=update)
                assert (wrong.status_code, missing.status_code) == (403, 403)
                await asyncio.sleep(0.3)
                assert fake.messages(USER) == []  # refused updates were not handled
                ok = await client.post(hook, json=update, headers={SECRET_HEADER: secret})
                assert ok.status_code == 200
                bad = await client.post(hook, content=b"{not json", headers={SECRET_HEADER: secret})
                assert bad.status_code == 400
            await until(lambda: fake.messages(USER), "the reply to the webhook update")
            assert "statements by the people you track" in fake.messages(USER)[0].text


# ---------------------------------------------------------------------------------------------------
# The token never appears, whatever goes wrong


async def test_rejected_token_is_reported_without_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with Telegram("999999:another-bots-token", max_poll_timeout=0.2) as fake:  # answers 401 to ours
        config = write_config(tmp_path, fake)
        code = await asyncio.wait_for(serve(config, stop=asyncio.Event(), tuning=FAST), 15)
    out, err = capsys.readouterr()
    assert code == 1
    assert "Telegram rejected the token" in err and "TELEGRAM_BOT_TOKEN" in err
    for text in (out, err, caplog.text):
        assert TOKEN not in text and TOKEN.split(":")[1] not in text


async def test_unreachable_telegram_is_waited_out_and_reported_without_the_token(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # An outage at start-up is no reason to exit (a supervisor would only restart us into the same
    # outage): the service says what is wrong, retries with backoff, and stops cleanly when asked.
    caplog.set_level(logging.DEBUG)
    nowhere = f"http://127.0.0.1:{free_port()}"
    async with Telegram(max_poll_timeout=0.2) as fake:
        config = write_config(tmp_path, fake, base_url=nowhere)
        stop = asyncio.Event()
        service = asyncio.create_task(serve(config, stop=stop, tuning=FAST))
        await until(lambda: f"cannot reach Telegram at {nowhere}" in caplog.text, "the outage reported")
        assert not service.done()
        stop.set()
        code = await asyncio.wait_for(service, 15)
    out, err = capsys.readouterr()
    assert code == 0
    assert "retrying in" in caplog.text
    for text in (out, err, caplog.text):
        assert TOKEN not in text and TOKEN.split(":")[1] not in text


# ---------------------------------------------------------------------------------------------------
# Housekeeping and start-up failures


async def test_old_history_is_pruned_at_start(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    long_ago = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)
    with Store(str(db)) as store:
        seed_story(store, "old-story", speaker_id="varga", speaker="Ilse Varga", published=long_ago,
                   quotes=("The old quotas were a mistake.",))
        seed_story(store, "new-story", speaker_id="varga", speaker="Ilse Varga", published=datetime.now(UTC),
                   quotes=("The new quotas stay.",))
    async with Telegram(max_poll_timeout=0.2) as fake:
        config = write_config(tmp_path, fake)
        config.write_text(config.read_text().replace('backfill = "1h"', 'backfill = "1h"\nretention = "30d"'))

        def kept() -> set[str]:
            with Store(str(db)) as store:
                return {s for s in ("old-story", "new-story") if store.get_story(s) is not None}

        async with running(config, fake):
            await until(lambda: kept() == {"new-story"}, "the old story pruned")


async def test_unopenable_database_is_reported_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with Telegram(max_poll_timeout=0.2) as fake:
        config = write_config(tmp_path, fake)
        missing_dir = tmp_path / "no-such-dir" / "history.db"
        config.write_text(config.read_text().replace(str(tmp_path / "history.db"), str(missing_dir)))
        assert await asyncio.wait_for(serve(config, stop=asyncio.Event(), tuning=FAST), 15) == 1
        not_sqlite = tmp_path / "notes.db"
        not_sqlite.write_text("shopping list: flour, salt, lamp oil\n" * 200)
        config.write_text(config.read_text().replace(str(missing_dir), str(not_sqlite)))
        assert await asyncio.wait_for(serve(config, stop=asyncio.Event(), tuning=FAST), 15) == 1
    err = capsys.readouterr().err
    assert "cannot open the history database" in err and "no-such-dir" in err and "notes.db" in err
    assert "Traceback" not in err and fake.sent() == []


def test_cli_with_an_unopenable_db_prints_the_reason_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main

    not_sqlite = tmp_path / "notes.db"
    not_sqlite.write_text("shopping list: flour, salt, lamp oil\n" * 200)
    config = str(ROOT / "config.example.toml")
    feed = str(ROOT / "tests" / "data" / "feeds" / "rss20.xml")
    for db in (str(tmp_path / "no-such-dir" / "x.db"), str(not_sqlite)):
        assert main(["scan", "--config", config, "--feed", feed, "--db", db]) == 1
        err = capsys.readouterr().err
        assert "cannot open the history database" in err and "Traceback" not in err
