"""bot.heap: the service's start-up objects frozen out of the collector's view, thawed on a reload
until a full collection has freed what the reload replaced."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.heap import FrozenHeap


class Node:
    """An object in a reference cycle: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def heap() -> Iterator[FrozenHeap]:
    h = FrozenHeap()
    yield h
    if h._on_collection in gc.callbacks:
        gc.callbacks.remove(h._on_collection)
    gc.unfreeze()


def test_freeze_takes_what_lives_out_of_the_collectors_view(heap: FrozenHeap) -> None:
    heap.freeze()
    assert gc.get_freeze_count() > 0


def test_a_replaced_object_in_a_cycle_is_freed_after_a_thaw_and_the_heap_frozen_again(heap: FrozenHeap) -> None:
    old = Node()
    ref = weakref.ref(old)
    heap.freeze()
    del old
    gc.collect()
    assert ref() is not None  # frozen: the collector does not see the cycle
    heap.thaw()
    assert gc.get_freeze_count() == 0
    heap.refreeze()
    assert gc.get_freeze_count() == 0  # no full collection yet: still thawed
    gc.collect()
    assert ref() is None
    heap.refreeze()
    assert gc.get_freeze_count() > 0
    assert heap._on_collection not in gc.callbacks
