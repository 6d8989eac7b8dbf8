"""Durations as people write them in a rules file: "90s", "5m", "2h", "7d", "1h30m", or plain seconds.

`parse_duration` turns one into seconds (float) and says what is wrong when it cannot;
`format_duration` goes back the other way, so `parse_duration(format_duration(x)) == x` for whole seconds.
"""

from __future__ import annotations

import math
import re

UNITS: dict[str, float] = {"w": 7 * 86400.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
# Largest unit first, so "1h30m" is read and written in the order people expect. Weeks are accepted
# but not written: "14d" is quicker to read than "2w".
_FORMAT_UNITS = (("d", 86400), ("h", 3600), ("m", 60))
_PART = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-zA-Z]+)")
_PLAIN_NUMBER = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*")
EXAMPLES = '"90s", "5m", "2h", "7d" or "1h30m"'
# Longer spellings people type out of habit ("5 minutes"); accepted, written back as the short unit.
_SPELLED = {
    "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
    "day": "d", "days": "d", "week": "w", "weeks": "w",
}  # fmt: skip


def parse_duration(value: str | float) -> float:
    """Seconds in `value`: a number (seconds) or a string such as "90s", "5m", "2h", "7d", "1h30m".

    Raises ValueError with a message that says how to write it instead.
    """
    if isinstance(value, bool):  # bool is an int in Python; `interval = true` is a mistake, not 1 second
        raise ValueError(f"expected a duration such as {EXAMPLES}, got true/false")
    if isinstance(value, int | float):
        if not math.isfinite(value) or value < 0:
            raise ValueError(
                f"a duration must be a positive number of seconds or a string such as {EXAMPLES}"
            )
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a duration such as {EXAMPLES}, got {type(value).__name__}")
    text = value.strip()
    if not text:
        raise ValueError(f"empty duration — write one such as {EXAMPLES}")
    if _PLAIN_NUMBER.fullmatch(text):
        return float(text)
    if text.startswith("-"):
        raise ValueError(f"duration {value!r} is negative — durations count forward, e.g. {EXAMPLES}")
    total = 0.0
    seen: set[str] = set()
    pos = 0
    while pos < len(text):
        m = _PART.match(text, pos)
        if m is None:
            rest = text[pos:].strip()
            if _PLAIN_NUMBER.fullmatch(rest):
                raise ValueError(f"{rest!r} in duration {value!r} has no unit — add s, m, h or d")
            raise ValueError(f"cannot read {rest!r} in duration {value!r} — write it like {EXAMPLES}")
        number, unit = m.group(1), m.group(2)
        key = unit.lower() if unit.lower() in UNITS else _SPELLED.get(unit.lower(), "")
        if unit == "M":
            # "5M" is ambiguous (minutes? months?); refuse rather than guess.
            raise ValueError(
                f"unit 'M' in duration {value!r} is ambiguous — use 'm' for minutes or 'd' for days"
            )
        if key not in UNITS:
            raise ValueError(
                f"unknown unit {unit!r} in duration {value!r} — units are s, m, h, d, w, e.g. {EXAMPLES}"
            )
        if key in seen:
            raise ValueError(f"unit {key!r} appears twice in duration {value!r}")
        seen.add(key)
        total += float(number) * UNITS[key]
        pos = m.end()
    return total


def format_duration(seconds: float) -> str:
    """The shortest string `parse_duration` reads back as `seconds`: 90 -> "1m30s", 86400 -> "1d"."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"cannot format {seconds!r} as a duration")
    whole = int(seconds)
    fraction = seconds - whole
    parts: list[str] = []
    for unit, size in _FORMAT_UNITS:
        count, whole = divmod(whole, size)
        if count:
            parts.append(f"{count}{unit}")
    if whole or fraction or not parts:
        # Microseconds are plenty for poll intervals; fixed notation keeps "1e-05" out of the output.
        secs = f"{whole + fraction:.6f}".rstrip("0").rstrip(".")
        parts.append(f"{secs}s")
    return "".join(parts)
