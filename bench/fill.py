"""Text of a given size in bytes from a repeated unit, for the adversarial shapes (fixed seed)."""

from __future__ import annotations

import random
from collections.abc import Callable


def fill(unit: Callable[[random.Random, int], str], size: int, sep: str = " ", seed: str = "") -> str:
    """unit(rng, i) for i = 0, 1, ... joined by `sep` until the text holds `size` bytes of UTF-8."""
    rng = random.Random(f"{seed}{size}{sep}")
    parts: list[str] = []
    n = 0
    i = 0
    while n < size:
        p = unit(rng, i)
        parts.append(p)
        n += len(p.encode("utf-8")) + len(sep)
        i += 1
    return sep.join(parts)
