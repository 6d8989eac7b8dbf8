"""Where dedup runs and how articles are committed: dedup's pure inputs prepared off the store's thread
(watchers.stories.prepared) and articles recorded in batches (watchers.stories.record, the pipeline's
Recorder). Neither may change a decision, and nothing may be lost on a crash.

Fictional world as in tests/test_dedup.py. The tests taking `store` run on both store backends.
"""

from __future__ import annotations

import asyncio
import functools
import random
import threading
from collections.abc import Callable, Sequence
from contextlib import closing
from datetime import timedelta
from typing import Any

import pytest

import watchers.pipeline as pipeline_module
from tests.test_dedup import TAX, WINDOW, WIRE_BODY, article, said
from watchers.model import Article, Statement, StoryEvent
from watchers.statements.similarity import normalise
from watchers.store import AsyncStore, StoreBackend, open_backend
from watchers.store.shingles import query_keys, stored_keys
from watchers.stories.dedup import process_article
from watchers.stories.fingerprint import simhash
from watchers.stories.prepared import Prepared, prepare
from watchers.stories.record import record_batch

QUOTES = [
    TAX,
    "The rail programme is fully funded until 2027 and no line will close",
    "We will publish a revised spending plan before the end of April",
    "The opposition has not put forward a single costed alternative",
    "Timber exports carried the second half and tourism will follow",
    "Nobody in this ministry has seen the audit the opposition talks about",
]


def stream(n: int, seed: int = 7) -> list[tuple[Article, list[Statement]]]:
    """Articles quoting Keldan and Brask from a small pool, re-punctuated, trimmed, copied whole (level
    2) or re-run under the same title (level 1): every level of dedup gets its share."""
    rng = random.Random(seed)
    out: list[tuple[Article, list[Statement]]] = []
    outlets = ["Harbour Ledger", "Valley Courier", "Northgate Wire", "Civic Post"]
    for i in range(n):
        statements = []
        for _ in range(rng.randint(1, 3)):
            quote = rng.choice(QUOTES)
            if rng.random() < 0.3:
                quote = quote.rstrip(".") + "."
            if rng.random() < 0.2:
                quote = " ".join(quote.split()[1:])
            statements.append(said(quote, rng.choice(["keldan", "brask", None])))
        text = WIRE_BODY if rng.random() < 0.25 else " ".join(s.text for s in statements) + f" Brief {i}."
        title = f"Ministry briefing {i % 7}" if rng.random() < 0.2 else None
        out.append((article(i, outlet=rng.choice(outlets), title=title, text=text, hours=i * 0.5), statements))
    return out


def keyed_rows(store: StoreBackend) -> list[tuple[Any, ...]]:
    """What dedup wrote that decides later articles: statements with their stories and their keys."""
    db: Any = store
    if hasattr(db, "_all"):
        # story_id is NULL for a background statement (on record, in no story): sorted first
        return sorted(((a, b, bool(c), d, e) for a, b, c, d, e in db._all(
            """SELECT s.article_id, s.story_id, s.is_repeat, s.text, COALESCE(k.key, 0) FROM statements s
               LEFT JOIN statement_keys k ON k.statement_id = s.id"""
        )), key=lambda row: (row[0], row[1] or "", *row[2:]))
    raise AssertionError("a backend without _all")


def events_of(store: StoreBackend, items: Sequence[tuple[Article, list[Statement]]],
              prepared: bool) -> list[list[StoryEvent]]:
    return [
        process_article(store, art, sts, art.published + timedelta(minutes=5), WINDOW,
                        prepare(art.text, art.title, sts) if prepared else None)
        for art, sts in items
    ]


def test_prepared_inputs_are_what_dedup_would_compute() -> None:
    statements = [said(TAX), said("The audit is a fiction", "brask"), said("No comment", None), said(TAX + ".")]
    p = prepare(WIRE_BODY, "Keldan rules out income tax rise", statements)
    assert p.fingerprint == simhash(WIRE_BODY) and p.fingerprint is not None
    assert p.norm_title == normalise("Keldan rules out income tax rise")
    assert p.query == {"keldan": tuple(query_keys("keldan", [TAX, TAX + "."])),
                       "brask": tuple(query_keys("brask", ["The audit is a fiction"]))}
    assert p.stored_keys("keldan", TAX) == tuple(stored_keys("keldan", TAX))
    # anything not prepared is computed on the spot, never taken as "no keys"
    empty = Prepared("", None)
    assert empty.stored_keys("brask", TAX) == tuple(stored_keys("brask", TAX)) != ()
    assert empty.query_keys("brask", [TAX]) == tuple(query_keys("brask", [TAX]))


def test_dedup_with_prepared_inputs_decides_and_writes_as_without(store: StoreBackend, tmp_path: Any) -> None:
    items = stream(80)
    with closing(open_backend(str(tmp_path / "plain.db"))) as plain:
        expected = events_of(plain, items, prepared=False)
        assert events_of(store, items, prepared=True) == expected
        assert keyed_rows(store) == keyed_rows(plain)
    assert any(e.new for es in expected for e in es) and any(not e.new for es in expected for e in es)
    assert any(es == [] for es in expected)  # level 1 took some


def _jobs(store: StoreBackend, items: Sequence[tuple[Article, list[Statement]]],
          fail: int | None = None) -> list[tuple[Sequence[str], Callable[[], list[StoryEvent]]]]:
    def job(i: int, art: Article, sts: list[Statement]) -> list[StoryEvent]:
        if i == fail:
            raise ValueError(f"article {i} is broken")
        return process_article(store, art, sts, art.published + timedelta(minutes=5), WINDOW)
    return [((), functools.partial(job, i, art, sts)) for i, (art, sts) in enumerate(items)]


def test_a_batch_decides_as_the_same_articles_one_by_one(tmp_path: Any) -> None:
    items = stream(60, seed=3)
    with closing(open_backend(str(tmp_path / "one.db"))) as one, closing(open_backend(str(tmp_path / "b.db"))) as batched:
        expected = events_of(one, items, prepared=False)
        got: list[Any] = []
        for start in range(0, len(items), 16):
            got.extend(record_batch(batched, _jobs(batched, items[start:start + 16])))
        assert got == expected
        assert keyed_rows(batched) == keyed_rows(one)


def test_one_failing_article_fails_alone_and_stays_unseen(store: StoreBackend) -> None:
    items = stream(6, seed=5)
    results = record_batch(store, _jobs(store, items, fail=2))
    assert isinstance(results[2], ValueError)
    assert [isinstance(r, Exception) for r in results] == [False, False, True, False, False, False]
    assert [store.article_seen(a.id, a.url) for a, _ in items] == [True, True, False, True, True, True]


class Crash(BaseException):
    """The process dying in the middle of a batch (nothing catches it)."""


def test_a_crash_in_a_batch_leaves_every_article_of_it_unseen(store: StoreBackend) -> None:
    items = stream(5, seed=9)
    jobs = _jobs(store, items)

    def crash() -> list[StoryEvent]:
        raise Crash

    with pytest.raises(Crash):
        record_batch(store, [*jobs[:4], ((), crash)])
    assert not any(store.article_seen(a.id, a.url) for a, _ in items)
    assert store.story_count() == 0


async def test_articles_waiting_for_the_store_are_recorded_together(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sizes: list[int] = []
    real = pipeline_module.record_batch

    def counting(store: StoreBackend, jobs: Sequence[Any]) -> list[Any]:
        sizes.append(len(jobs))
        return real(store, jobs)

    monkeypatch.setattr(pipeline_module, "record_batch", counting)
    astore = AsyncStore(open_backend(str(tmp_path / "h.db")))
    recorder = pipeline_module.Recorder(astore)
    items = stream(21, seed=11)
    jobs = _jobs(astore.store, items)
    gate = threading.Event()
    try:
        alone = await recorder.record((), jobs[0][1])  # an idle store: recorded at once, alone
        busy = asyncio.ensure_future(astore.run(gate.wait, 5.0))  # the store's thread busy with something else
        waiting = [asyncio.ensure_future(recorder.record((), job)) for _, job in jobs[1:]]
        await asyncio.sleep(0.05)
        gate.set()
        await busy
        results = await asyncio.gather(*waiting)
    finally:
        await astore.close()
    with closing(open_backend(str(tmp_path / "one.db"))) as one:
        assert [alone, *results] == events_of(one, items, prepared=False)  # each caller gets its own result
    assert sizes == [1, pipeline_module.BATCH_ARTICLES, len(items) - 1 - pipeline_module.BATCH_ARTICLES]
