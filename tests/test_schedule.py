"""Poll scheduling: table-driven next_poll_at / header parsing with the clock injected, apply_result, FeedScheduler."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from rules.model import Feed
from watchers.feeds.errors import Blocked, HTTPStatusError, Timeout
from watchers.feeds.fetch import FetchResult
from watchers.feeds.schedule import (
    ANSWER_MARGIN,
    DUE_TOLERANCE,
    MAX_DELAY,
    TRIGGER_JITTER,
    FeedScheduler,
    apply_result,
    is_due,
    next_poll_at,
    parse_cache_control,
    parse_retry_after,
)
from watchers.model import FeedState

NOW = datetime(2024, 3, 12, 12, 0, tzinfo=UTC)
DAY = 24 * 3600.0


@pytest.mark.parametrize(
    ("kwargs", "delay"),
    [
        ({}, 300),  # plain success: the interval
        ({"ttl": 600}, 600),  # ttl slows us down
        ({"ttl": 60}, 300),  # ...but never speeds us up
        ({"cache_max_age": 900}, 900),
        ({"ttl": 600, "cache_max_age": 900}, 900),  # the larger hint
        ({"ttl": 86400}, 1200),  # capped at 4x the interval
        ({"errors": 1}, 600),  # backoff: interval * 2**errors
        ({"errors": 3}, 2400),
        ({"errors": 12}, DAY),  # capped at 24 h
        ({"errors": 10_000}, DAY),  # no overflow
        ({"errors": 1, "ttl": 86400}, 600),  # hints do not apply to errors
        ({"errors": 1, "retry_after": 3600}, 3600),  # Retry-After longer than the backoff
        ({"errors": 3, "retry_after": 60}, 2400),  # ...or shorter: the backoff stands
        ({"errors": 1, "retry_after": 10 * DAY}, DAY),  # capped
        ({"jitter": 0.1}, 330),
        ({"errors": 20, "jitter": 0.5}, DAY),  # cap after jitter
    ],
)
def test_next_poll_at(kwargs: dict[str, float], delay: float) -> None:
    assert next_poll_at(NOW, 300, **kwargs) == NOW + timedelta(seconds=delay)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Tue, 12 Mar 2024 13:00:00 GMT", 3600.0),
        ("Tue, 12 Mar 2024 11:00:00 GMT", 0.0),  # in the past: no wait
        ("-5", None),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


@pytest.mark.parametrize(
    ("value", "max_age"),
    [
        ("max-age=600", 600.0),
        ("public, max-age=3600, must-revalidate", 3600.0),
        ('max-age="90"', 90.0),
        ("s-maxage=120", 120.0),
        ("MAX-AGE=60", 60.0),
        ("no-cache, max-age=600", None),
        ("no-store", None),
        ("max-age=abc", None),
        ("private", None),
        (None, None),
    ],
)
def test_parse_cache_control(value: str | None, max_age: float | None) -> None:
    assert parse_cache_control(value) == max_age


def result(status: int = 200, **kwargs: object) -> FetchResult:
    fields: dict[str, object] = {
        "status": status,
        "url": "https://feeds.test/rss",
        "content": None if status == 304 else b"<rss/>",
        "headers": {},
        "etag": None,
        "last_modified": None,
        "permanent_redirect_to": None,
        "elapsed": 0.1,
    }
    fields.update(kwargs)
    return FetchResult(**fields)  # type: ignore[arg-type]


def failing_state() -> FeedState:
    return FeedState(
        "f",
        "https://feeds.test/rss",
        etag='"old"',
        last_modified="Mon, 11 Mar 2024 00:00:00 GMT",
        consecutive_errors=3,
        last_error="HTTP 500",
        last_error_at=NOW - timedelta(hours=1),
        items_seen=10,
    )


def test_success_resets_errors_and_records_validators() -> None:
    state = apply_result(
        failing_state(),
        result(etag='"new"', headers={"cache-control": "max-age=600"}),
        NOW,
        300,
        ttl=None,
        items=5,
    )
    assert state.consecutive_errors == 0 and state.last_success == NOW and state.last_poll == NOW
    assert state.etag == '"new"' and state.last_modified is None  # a 200 without Last-Modified clears it
    assert state.items_seen == 15 and state.polled_ok_once
    assert state.next_poll == NOW + timedelta(seconds=600)
    assert state.last_error == "HTTP 500"  # history stays visible to /status


def test_not_modified_keeps_validators_and_applies_ttl() -> None:
    state = apply_result(failing_state(), result(304), NOW, 300, ttl=900)
    assert state.etag == '"old"' and state.last_modified == "Mon, 11 Mar 2024 00:00:00 GMT"
    assert state.consecutive_errors == 0 and state.items_seen == 10
    assert state.next_poll == NOW + timedelta(seconds=900)


def test_permanent_redirect_updates_the_url_and_keeps_the_id() -> None:
    state = apply_result(failing_state(), result(permanent_redirect_to="https://new.test/rss"), NOW, 300)
    assert state.url == "https://new.test/rss" and state.feed_id == "f"


@pytest.mark.parametrize(
    ("error", "delay"),
    [
        (Timeout("https://feeds.test/rss did not answer"), 300 * 2**4),
        (Blocked("private address"), 300 * 2**4),
        (HTTPStatusError("HTTP 503", None, 503, "Tue, 12 Mar 2024 18:00:00 GMT"), 6 * 3600),
        (HTTPStatusError("HTTP 404", None, 404, "99999"), 300 * 2**4),  # Retry-After only on 429/503
        (ValueError("parser bug"), 300 * 2**4),
    ],
)
def test_errors_back_off_and_record_health(error: BaseException, delay: float) -> None:
    state = apply_result(failing_state(), error, NOW, 300)
    assert state.consecutive_errors == 4
    assert state.last_error_at == NOW and state.last_poll == NOW
    assert state.last_error and str(error) in state.last_error
    assert state.next_poll == NOW + timedelta(seconds=min(delay, MAX_DELAY))
    assert state.etag == '"old"'  # validators survive errors


async def test_scheduler_runs_the_callback_and_syncs_jobs() -> None:
    polled: list[str] = []
    both_ran = asyncio.Event()

    async def poll(feed_id: str) -> None:
        polled.append(feed_id)
        if {"a", "b"} <= set(polled):
            both_ran.set()

    scheduler = FeedScheduler(poll, startup_spread=0)
    scheduler.start()
    try:
        scheduler.sync(
            [
                Feed(id="a", url="https://a.test/", name="A", interval=0.2),
                Feed(id="b", url="https://b.test/", name="B", interval=0.2),
            ]
        )
        assert {job.id for job in scheduler.scheduler.get_jobs()} == {"a", "b"}
        await asyncio.wait_for(both_ran.wait(), timeout=10)

        scheduler.sync(
            [
                Feed(id="a", url="https://a.test/", name="A", interval=60),
                Feed(id="c", url="https://c.test/", name="C"),
            ]
        )
        jobs = {job.id: job for job in scheduler.scheduler.get_jobs()}
        assert set(jobs) == {"a", "c"} and scheduler.feed_ids == {"a", "c"}
        assert jobs["a"].trigger.interval == timedelta(seconds=60)
        assert jobs["a"].max_instances == 1 and jobs["a"].coalesce is True
    finally:
        scheduler.shutdown()


async def test_a_failing_callback_does_not_stop_the_job(caplog: pytest.LogCaptureFixture) -> None:
    calls = 0
    twice = asyncio.Event()

    async def poll(feed_id: str) -> None:
        nonlocal calls
        calls += 1
        if calls >= 2:
            twice.set()
        raise RuntimeError("store unavailable")

    scheduler = FeedScheduler(poll, startup_spread=0)
    scheduler.start()
    try:
        scheduler.sync([Feed(id="x", url="https://x.test/", name="X", interval=0.1)])
        await asyncio.wait_for(twice.wait(), timeout=10)
    finally:
        scheduler.shutdown()
    assert "poll failed feed=x" in caplog.text


@pytest.mark.parametrize(
    ("seconds_before_next_poll", "errors", "due"),
    [
        (None, 0, True),  # never polled
        (0.0, 0, True),
        (-5.0, 0, True),  # past next_poll
        (20.0, 0, True),  # a tick 20 s early (jitter) on a 300 s interval: within DUE_TOLERANCE
        (30.0, 0, True),  # exactly DUE_TOLERANCE * interval early
        (31.0, 0, False),
        (200.0, 0, False),
        (20.0, 2, False),  # backoff / Retry-After: kept to the second
        (0.0, 2, True),
    ],
)
def test_a_feed_is_due_a_little_before_next_poll_to_absorb_tick_jitter(
    seconds_before_next_poll: float | None, errors: int, due: bool
) -> None:
    now = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    interval = 300.0
    assert DUE_TOLERANCE * interval == 30.0
    next_poll = None if seconds_before_next_poll is None else now + timedelta(seconds=seconds_before_next_poll)
    state = FeedState("f", "https://f.example/rss", next_poll=next_poll, consecutive_errors=errors)
    assert is_due(state, now, interval) is due


@pytest.mark.parametrize(
    ("answer_after", "due"), [(0.0, True), (ANSWER_MARGIN, True), (ANSWER_MARGIN + 0.001, False)]
)
def test_the_next_tick_is_due_though_drawn_early_and_the_poll_slow_to_its_answer(
    answer_after: float, due: bool
) -> None:
    # The worst case of the triggers: a tick with the most jitter, the next with none. next_poll counts
    # from the answer; up to ANSWER_MARGIN of the interval from tick to answer still costs no tick.
    interval, base = 300.0, datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    tick = base + timedelta(seconds=TRIGGER_JITTER * interval)
    answered = tick + timedelta(seconds=answer_after * interval)
    state = apply_result(FeedState("f", "https://f.example/rss"), result(), answered, interval)
    assert is_due(state, base + timedelta(seconds=interval), interval) is due
