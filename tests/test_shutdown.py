"""The service stops when told to, whatever it is doing, and when Telegram stops accepting its token.

SIGTERM: the real `quotewatch run` in a subprocess, stopped in the middle of a feed that takes feedparser
~20 s, of 40 long extractions, of 40 slow article pages (tests/stop_cases.py). Before issue #15 the
parse ran in a thread nobody could stop and the stop waited for it. The bound here is only a liveness
bound (a stuck stop fails the test instead of hanging it); the time a stop takes is measured by
bench/bench_shutdown.py (target 5 s).

A revoked token (401 Unauthorized, or 404 for a deleted bot) while running: getUpdates or sendMessage
refused. The service ends with one clear line, no traceback and exit code 1.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.service import serve
from tests.fake_telegram import TOKEN, FakeTelegram
from tests.stop_cases import CASES, ROOT, run_and_stop
from tests.test_delivery import seed_story
from tests.test_service import FAST, until, write_config
from watchers.store import Store

LIVENESS_BOUND = 15.0  # three times the 5 s target (a loaded machine); the parse case took 22 s before


@pytest.mark.parametrize("case", CASES)
async def test_sigterm_in_the_middle_of_long_work_stops_the_service(tmp_path: Path, case: str) -> None:
    stopped = await run_and_stop(case, tmp_path, bound=LIVENESS_BOUND)
    assert stopped.busy, f"the work was over before SIGTERM; the case proves nothing:\n{stopped.output[-2000:]}"
    assert stopped.code == 0, f"exit {stopped.code} after {stopped.seconds:.1f} s:\n{stopped.output[-3000:]}"
    assert "Traceback" not in stopped.output


# ---------------------------------------------------------------------------------------------------
# The token revoked while running


REVOKED_LINE = "Telegram no longer accepts the bot token"


@pytest.mark.parametrize("code", [401, 404])
async def test_token_revoked_while_polling_ends_the_service_with_one_line(
    tmp_path: Path, code: int, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    caplog.set_level(logging.INFO)
    async with FakeTelegram(max_poll_timeout=0.2) as fake:
        config = write_config(tmp_path, fake)
        service = asyncio.create_task(serve(config, stop=asyncio.Event(), tuning=FAST))
        await until(lambda: fake.calls_to("getUpdates") or service.done(), "polling to start")
        fake.revoke(code)
        exit_code = await asyncio.wait_for(service, 15)
    out, err = capsys.readouterr()
    assert exit_code == 1
    lines = [line for line in err.splitlines() if REVOKED_LINE in line]
    assert len(lines) == 1, err
    assert "getUpdates" in lines[0] and str(code) in lines[0] and "@BotFather" in lines[0]
    for text in (out, err, caplog.text):
        assert "Traceback" not in text
        assert TOKEN not in text and TOKEN.split(":")[1] not in text


async def test_token_revoked_at_a_send_ends_the_service_and_keeps_the_alert(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    caplog.set_level(logging.INFO)
    db = tmp_path / "history.db"
    story_id = "levy-story"
    with Store(str(db)) as store:  # recent: the service prunes old history at start
        seed_story(store, story_id, published=datetime.now(UTC))
        store.enqueue(7000, story_id, "send")
    # Long polls that never end early: the first refusal the service meets is the sendMessage.
    async with FakeTelegram(max_poll_timeout=30.0) as fake:
        fake.revoke(401, methods={"sendMessage"})
        config = write_config(tmp_path, fake)
        exit_code = await asyncio.wait_for(serve(config, stop=asyncio.Event(), tuning=FAST), 15)
    out, err = capsys.readouterr()
    assert exit_code == 1
    lines = [line for line in err.splitlines() if REVOKED_LINE in line]
    assert len(lines) == 1 and "sendMessage" in lines[0], err
    assert "Traceback" not in err + caplog.text
    with Store(str(db)) as reopened:  # not sent, not dead: it goes out once the token is fixed
        assert [i.story_id for i in reopened.due_outbox(datetime.now(UTC) + timedelta(days=1), 10)] == [story_id]


async def test_token_revoked_ends_the_real_process_with_exit_code_1(tmp_path: Path) -> None:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "PYTHONUNBUFFERED": "1"}
    env.pop("QUOTEWATCH_DB", None)
    async with FakeTelegram(max_poll_timeout=0.2) as fake:
        config = write_config(tmp_path, fake)
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--config", str(config), cwd=ROOT, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        try:
            await until(lambda: fake.calls_to("getUpdates") or proc.returncode is not None, "polling", timeout=30)
            fake.revoke(401)
            code = await asyncio.wait_for(proc.wait(), LIVENESS_BOUND)
        finally:
            if proc.returncode is None:
                proc.kill()
        out, err = await proc.communicate()
    text = (out + err).decode()
    assert code == 1, text
    assert text.count(REVOKED_LINE) == 1 and "Traceback" not in text, text
    assert TOKEN.split(":")[1] not in text


