"""The service's long-lived objects out of the cyclic garbage collector's view (gc.freeze).

Python's full collections traverse every tracked object, and they run on whatever thread allocates
at the moment: in the service, mostly the event loop's. Start-up builds ~100,000 objects that live as
long as the service (modules, the rules, the compiled matcher); measured in bench/bench_pipeline.py,
a full collection over them took 50-150 ms of CPU in the middle of a poll cycle (a stall of every
poll, send and update), ~20 ms once they were frozen.

Frozen objects are still freed by reference counting, but not those in reference cycles (a replaced
matcher keeps ~30% of its memory that way). So a rules reload thaws the heap (`thaw`): the next full
collection, which Python runs when it is due, frees the old rules and matcher; after it the service
freezes again (`refreeze`, from its main loop: not inside the collector's callback).
"""

from __future__ import annotations

import gc
from typing import Any


class FrozenHeap:
    """freeze() after start-up; thaw() when long-lived objects were replaced; refreeze() often."""

    def __init__(self) -> None:
        self._thawed = False
        self._collected = False

    def freeze(self) -> None:
        """Collect what start-up left, then freeze everything alive."""
        gc.collect()
        gc.freeze()

    def thaw(self) -> None:
        """Let the collector see the frozen objects again, until its next full collection."""
        gc.unfreeze()
        if not self._thawed:
            self._thawed, self._collected = True, False
            gc.callbacks.append(self._on_collection)

    def refreeze(self) -> None:
        """After a thaw, freeze again once a full collection has run (cheap to call: a flag)."""
        if self._thawed and self._collected:
            gc.callbacks.remove(self._on_collection)
            self._thawed = False
            gc.freeze()

    def _on_collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "stop" and info.get("generation") == 2:
            self._collected = True
