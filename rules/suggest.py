"""Did-you-mean hints: the closest known word to a mistyped one, for messages a user can act on.

Shared by validation (`rules.values`, `rules.validate`) and editing (`rules.edit`), so a refused edit
suggests what check-rules would.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """The hint "did you mean 'X'?" for the choice closest to `word` (case aside), or "" if none is."""
    options = list(choices)
    lowered = {c.lower(): c for c in options}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return f"did you mean '{lowered[close[0]]}'?" if close else ""
