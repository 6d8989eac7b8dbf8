"""Shared fixtures: keep this small and generic; area-specific fixtures live in their test files.

The store fixtures run a test on both backends: `backend` is "sqlite" or "postgresql" (parametrized),
`store` is a store on a fresh, empty database of that backend, `db_url` is where a fresh database is
(a SQLite file, or a new database on the session's PostgreSQL server) for tests that open it themselves.
PostgreSQL tests need a server: one temporary server per test session (tests/pg_server.py); where none
can be started they skip with the reason, except under CI=true, where that is a failure.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fake_telegram import TOKEN, FakeTelegram
from feedserver import DATA_DIR, FeedServer
from pg_server import PostgresServer, ServerUnavailable, start_server

from watchers.store import StoreBackend, open_backend

if TYPE_CHECKING:
    from telegram import Bot


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "postgresql: needs the temporary PostgreSQL server (skipped where none starts, unless CI=true)"
    )
    config.addinivalue_line(
        "markers", "sqlite_only: tests the SQLite backend itself (its file, PRAGMAs, WAL): not a PostgreSQL case"
    )


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    """A FeedServer on 127.0.0.1 (random port), closed after the test."""
    async with FeedServer() as server:
        yield server


@pytest.fixture
def feeds_dir() -> Path:
    """tests/data/feeds: fixture feeds and pages."""
    return DATA_DIR


# -- the store on both backends


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PostgresServer]:
    """One temporary PostgreSQL server for the whole session, on 127.0.0.1, removed at the end."""
    try:
        server = start_server()
    except ServerUnavailable as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true, and the PostgreSQL tests cannot run: {e}", pytrace=False)
        pytest.skip(f"no PostgreSQL server for the PostgreSQL store tests: {e}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def db_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the test's backend: a SQLite file in tmp_path, or a new PostgreSQL
    database (dropped afterwards)."""
    if backend == "sqlite":
        yield str(tmp_path / "history.db")
        return
    server: PostgresServer = request.getfixturevalue("pg_server")
    url = server.create_database()
    try:
        yield url
    finally:
        server.drop_database(url)


@pytest.fixture
def store(backend: str, request: pytest.FixtureRequest) -> Iterator[StoreBackend]:
    """A store on a fresh, empty database of the test's backend (SQLite in memory; PostgreSQL a new
    database), closed afterwards."""
    s = open_backend(":memory:" if backend == "sqlite" else request.getfixturevalue("db_url"))
    try:
        yield s
    finally:
        s.close()


@pytest.fixture(autouse=True, scope="session")
def _private_forms_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The Russian forms cache (rules.formscache) of a test run is its own: a developer's ~/.cache
    is never read (a stale file could hide a change) nor written, and subprocesses inherit it."""
    os.environ["QUOTEWATCH_CACHE_DIR"] = str(tmp_path_factory.mktemp("forms-cache"))
    yield
    os.environ.pop("QUOTEWATCH_CACHE_DIR", None)


@pytest.fixture(autouse=True)
def _no_quotewatch_db(monkeypatch: pytest.MonkeyPatch) -> None:
    """A QUOTEWATCH_DB in the developer's shell must never point a test at a real database."""
    monkeypatch.delenv("QUOTEWATCH_DB", raising=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """The fake Bot API on loopback (a module may override it, e.g. for a longer poll timeout)."""
    async with FakeTelegram(max_poll_timeout=0.2) as server:
        yield server


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    """A python-telegram-bot Bot talking to `fake`."""
    from telegram import Bot  # only the tests that ask for it pay for the Telegram stack

    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as b:
        yield b
