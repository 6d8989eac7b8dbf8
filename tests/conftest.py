"""Shared fixtures: keep this small and generic; area-specific fixtures live in their test files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from feedserver import DATA_DIR, FeedServer


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    """A FeedServer on 127.0.0.1 (random port), closed after the test."""
    async with FeedServer() as server:
        yield server


@pytest.fixture
def feeds_dir() -> Path:
    """tests/data/feeds: fixture feeds and pages."""
    return DATA_DIR
