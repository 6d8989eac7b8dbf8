"""Building large acyclic structures (the matcher's automaton, the speaker index, the passes over
one long article) without the cyclic garbage collector running over them again and again.

A compile makes about ten containers per term, and all of them live on. Left running, the collector
visits them every few hundred allocations and traverses the whole heap each time it has grown by a
quarter: at 10,000 speakers that was 40% of the compile, and its share grew with the rules (it is what
made compile time grow faster than the number of terms: 8 full collections, 0.7 of 2.5 s, at 30,000
speakers). These builds make no reference cycles, so there is nothing in them for the collector to
find.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic garbage collection inside the block; the young objects are collected once after,
    here (the builder's thread), so the next automatic collection, wherever it runs (the event loop),
    is as short as usual.

    The pause is process-wide: another thread's garbage waits for it too, for the length of one build
    (a fraction of a second). A pause already in force (someone else's) is left alone.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect(0)
