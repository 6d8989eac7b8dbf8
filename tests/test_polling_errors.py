"""Telegram unreachable while long polling: one warning line per failed getUpdates, no traceback, no
token, and the bot answers again once Telegram is back (bot/connection.start_updates' error_callback)."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.app import build_application
from bot.connection import start_updates, stop_telegram
from rules.load import load_rules
from rules.model import TelegramSettings
from tests.fake_telegram import TOKEN, FakeTelegram
from watchers.store import AsyncStore, Store

RULES = """\
[telegram]
admins = [1000]

[[speakers]]
id = "voskov"
name = "Dmitri Voskov"
"""


@pytest.mark.parametrize("mode", ["drop", "503"])
async def test_polling_errors_are_one_line_each_and_polling_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, mode: str
) -> None:
    caplog.set_level(logging.DEBUG)
    path = tmp_path / "rules.toml"
    path.write_text(RULES, encoding="utf-8")
    rules = load_rules(path)
    astore = AsyncStore(Store(":memory:"))
    async with FakeTelegram(max_poll_timeout=0.2) as fake:
        app = build_application(TOKEN, fake.url, astore, lambda: rules, path, lambda: None, started=0.0)
        await app.initialize()
        await app.start()
        await start_updates(app, TelegramSettings(), TOKEN, long_poll_timeout=1)
        try:
            fake.set_down(mode, 3.0)  # type: ignore[arg-type]
            for _ in range(600):
                await asyncio.sleep(0.01)
                if fake.down is None and sum("getUpdates failed" in r.getMessage() for r in caplog.records) >= 2:
                    break
            fake.user_says(2000, "/help")
            for _ in range(500):
                if fake.messages(2000):
                    break
                await asyncio.sleep(0.02)
            assert fake.messages(2000), "no answer after Telegram came back"
        finally:
            await stop_telegram(app, None)
            astore._pool.shutdown(wait=True)
    failures = [r for r in caplog.records if "getUpdates failed" in r.getMessage()]
    assert len(failures) >= 2
    for record in failures:
        assert record.levelno == logging.WARNING and record.exc_info is None
        assert "\n" not in record.getMessage() and "retrying" in record.getMessage()
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.name.startswith("telegram") and r.levelno >= logging.ERROR]
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in caplog.text
